"""Atomic publication: things appear complete (rename / replace) or not at all."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile

_EXTINF = re.compile(r"#EXTINF:([\d.]+)")


def write_atomic(path: str, data: str | bytes) -> None:
    """Write a file next to ``path`` and rename it over ``path`` (readers never see half)."""
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode() if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_json(path: str, data: dict) -> None:
    write_atomic(path, json.dumps(data, indent=2, sort_keys=True))


def publish_dir(src: str, final_dir: str, name: str) -> str:
    """Move a finished folder into place with one rename. A folder of the same name is the
    output of the same plan (names carry a fingerprint), so an existing one is kept."""
    dest = os.path.join(final_dir, name)
    if os.path.isdir(dest):
        shutil.rmtree(src)
    else:
        os.rename(src, dest)
    return dest


def publish_file(src: str, final_dir: str, name: str | None = None) -> str:
    dest = os.path.join(final_dir, name or os.path.basename(src))
    os.replace(src, dest)
    return dest


def playlist_bandwidth(playlist: str) -> tuple[int, int]:
    """(peak, average) bits per second of a media playlist, measured from its segments."""
    folder = os.path.dirname(playlist)
    peak = total_bits = total_seconds = 0.0
    duration = None
    with open(playlist, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if m := _EXTINF.match(line):
                duration = float(m[1])
            elif line and not line.startswith("#") and duration:
                bits = os.path.getsize(os.path.join(folder, line)) * 8
                peak = max(peak, bits / duration)
                total_bits += bits
                total_seconds += duration
                duration = None
    average = total_bits / total_seconds if total_seconds else 0
    return int(peak), int(average)


def master_playlist(renditions: list[dict], fps: float | None = None) -> str:
    """HLS master: one audio group, video variants that use it, and an audio-only variant.

    ``renditions`` are manifest entries: name, kind, dir, width, height, codec, bandwidth,
    average_bandwidth.
    """
    audio = next((r for r in renditions if r["kind"] == "audio"), None)
    videos = sorted((r for r in renditions if r["kind"] == "video"), key=lambda r: r["height"])
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    if audio:
        lines.append(
            '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,'
            f'URI="{audio["dir"]}/index.m3u8"'
        )
    for v in videos:
        peak = v["bandwidth"] + (audio["bandwidth"] if audio else 0)
        avg = v["average_bandwidth"] + (audio["average_bandwidth"] if audio else 0)
        codecs = v["codec"] + (f",{audio['codec']}" if audio else "")
        attrs = [
            f"BANDWIDTH={peak}",
            f"AVERAGE-BANDWIDTH={avg}",
            f"RESOLUTION={v['width']}x{v['height']}",
            f'CODECS="{codecs}"',
        ]
        if fps:
            attrs.append(f"FRAME-RATE={fps:.3f}")
        if audio:
            attrs.append('AUDIO="aud"')
        lines += ["#EXT-X-STREAM-INF:" + ",".join(attrs), f"{v['dir']}/index.m3u8"]
    if audio:
        lines += [
            f"#EXT-X-STREAM-INF:BANDWIDTH={audio['bandwidth']},"
            f"AVERAGE-BANDWIDTH={audio['average_bandwidth']},"
            f'CODECS="{audio["codec"]}",AUDIO="aud"',
            f"{audio['dir']}/index.m3u8",
        ]
    return "\n".join(lines) + "\n"


def remove_unlisted(final_dir: str, keep: set[str]) -> None:
    """Drop what an earlier plan published and the current manifest no longer lists."""
    for entry in os.listdir(final_dir):
        if entry in keep:
            continue
        path = os.path.join(final_dir, entry)
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
