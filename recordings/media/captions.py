"""Caption files: accept WebVTT or SRT, validate, serve WebVTT; cues for search."""

from __future__ import annotations

import re
from dataclasses import dataclass

from recordings.media.errors import BAD_CAPTIONS, MediaError
from recordings.media.index import vtt_time

MAX_CAPTION_BYTES = 5 * 1024 * 1024
_TIMING = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})(.*)$"
)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def parse_time(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) == 3 else 0
    return hours * 3600 + minutes * 60 + seconds


def _decode(data: bytes) -> str:
    if len(data) > MAX_CAPTION_BYTES:
        raise MediaError(BAD_CAPTIONS, "file too large")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MediaError(BAD_CAPTIONS, "not text")


def parse_cues(text: str) -> list[Cue]:
    """Cues of an SRT or WebVTT body (blocks separated by blank lines)."""
    cues = []
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    for block in blocks:
        lines = block.split("\n")
        for i, line in enumerate(lines):
            m = _TIMING.match(line)
            if m:
                start, end = parse_time(m[1]), parse_time(m[2])
                body = "\n".join(lines[i + 1 :]).strip()
                if end <= start:
                    raise MediaError(BAD_CAPTIONS, f"cue ends before it starts: {line}")
                cues.append(Cue(start, end, body))
                break
    return cues


def load_captions(data: bytes) -> tuple[str, list[Cue]]:
    """Return (WebVTT text, cues) for an uploaded .vtt or .srt, or raise bad_captions."""
    text = _decode(data)
    stripped = text.lstrip()
    is_vtt = stripped.startswith("WEBVTT")
    if is_vtt:
        header = stripped.split("\n", 1)[0]
        if header.strip() != "WEBVTT" and header[6:7] not in (" ", "\t"):
            raise MediaError(BAD_CAPTIONS, "bad WEBVTT header")
        cues = parse_cues(stripped.split("\n", 1)[1] if "\n" in stripped else "")
    else:
        cues = parse_cues(text)
    if not cues:
        raise MediaError(BAD_CAPTIONS, "no cues")
    if is_vtt:
        return stripped if stripped.endswith("\n") else stripped + "\n", cues
    return cues_to_vtt(cues), cues


def cues_to_vtt(cues: list[Cue]) -> str:
    lines = ["WEBVTT", ""]
    for cue in cues:
        lines += [f"{vtt_time(cue.start)} --> {vtt_time(cue.end)}", cue.text, ""]
    return "\n".join(lines)


def plain_text(cue: Cue) -> str:
    return " ".join(_TAGS.sub("", cue.text).split())
