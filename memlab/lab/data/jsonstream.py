"""Read the items of a large top-level JSON list one at a time.

LongMemEval's files are JSON lists of up to gigabytes (`longmemeval_m.json`); reading them item
by item keeps memory to one item and lets `load_dataset(limit=...)` stop early. The standard
library's decoder does the parsing; this only feeds it the file in growing chunks.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path
from typing import Any

from memlab.errors import DatasetError

__all__ = ["iter_json_array"]

_CHUNK = 1 << 20


def iter_json_array(path: Path, *, chunk: int = _CHUNK) -> Generator[tuple[int, Any], None, None]:
    """Yield `(index, item)` for each item of the JSON list in `path`.

    Raises:
        DatasetError: The file is not a JSON list, or is not valid JSON.
    """
    decoder = json.JSONDecoder()
    with path.open(encoding="utf-8") as handle:
        buf, pos, eof = handle.read(chunk).lstrip("\ufeff"), 0, False

        def fill() -> bool:
            nonlocal buf, pos, eof
            more = "" if eof else handle.read(max(chunk, len(buf) - pos))  # doubles a long item
            eof = eof or not more
            buf, pos = buf[pos:] + more, 0
            return bool(more)

        def skip_space() -> str:
            nonlocal pos
            while True:
                while pos < len(buf) and buf[pos] in " \t\r\n":
                    pos += 1
                if pos < len(buf) or not fill():
                    return buf[pos] if pos < len(buf) else ""

        if skip_space() != "[":
            raise DatasetError(f"{path}: expected a JSON list")
        pos += 1
        index = 0
        while True:
            char = skip_space()
            if char == "]":
                return
            if index:
                if char != ",":
                    raise DatasetError(f"{path}: item {index}: expected ',' or ']', got {char!r}")
                pos += 1
                skip_space()
            while True:
                try:
                    item, end = decoder.raw_decode(buf, pos)
                except json.JSONDecodeError as exc:
                    if fill():
                        continue
                    raise DatasetError(
                        f"{path}: item {index} is not valid JSON ({exc.msg})"
                    ) from exc
                # A number cut by the chunk's end ("3." of "3.5") decodes as a shorter one.
                after = buf[end:].lstrip(" \t\r\n")[:1]
                scalar = not isinstance(item, dict | list | str)
                if scalar and after not in (",", "]") and fill():
                    continue
                break
            yield index, item
            index += 1
            pos = end
