"""Atomic writes: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def safe_name(student: str) -> str:
    """A folder name for a student: their name, minus path separators and
    control characters (spaces and unicode are kept)."""
    name = re.sub(r"[/\\\x00-\x1f]", "_", student).strip()
    return name if name not in ("", ".", "..") else "_"
