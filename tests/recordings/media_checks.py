"""Assertions on published outputs, made with ffprobe and by reading files."""

from __future__ import annotations

import json
import os
import struct
import subprocess


def ffprobe_json(path: str, *args: str) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", *args, path],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def master_variants(master: str) -> list[dict]:
    """Streams ffprobe finds through the HLS master (every variant it lists)."""
    data = ffprobe_json(master, "-show_streams", "-show_programs")
    return data["streams"]


def top_level_atoms(path: str) -> list[str]:
    atoms = []
    with open(path, "rb") as fh:
        while header := fh.read(8):
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", fh.read(8))[0] - 8
            atoms.append(kind.decode("latin-1"))
            fh.seek(size - 8, os.SEEK_CUR)
    return atoms


def tree(folder: str) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(d, f), folder) for d, _, fs in os.walk(folder) for f in fs
    )
