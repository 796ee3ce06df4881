"""Reading and writing recorded conversations: the native format, LoCoMo and LongMemEval.

The native format is JSON Lines: a header line with the dataset's metadata, then one
conversation per line, so a large file is read one conversation at a time (`limit=` stops
reading early). A `.json` file holding the same content as one object is accepted too. The
format of a file is told apart by its content, never by its name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import ValidationError

from memlab.errors import ConfigError, DatasetError
from memlab.lab.data.dataset import FORMAT_NAME, FORMAT_VERSION, Dataset, Problem
from memlab.lab.data.jsonstream import iter_json_array
from memlab.lab.data.validate import ConversationChecker, problems_error

__all__ = ["FORMATS", "Format", "Record", "detect_format", "load_dataset", "save_dataset"]

Format = Literal["auto", "native", "locomo", "longmemeval"]
FORMATS: tuple[str, ...] = ("auto", "native", "locomo", "longmemeval")
"""The values `load_dataset(format=...)` accepts."""

# Header keys of the native format, mapped to `Dataset` fields. The header's own `version` is
# the format's version, so the dataset's version travels as `dataset_version`.
_HEADER_FIELDS = {
    "name": "name",
    "dataset_version": "version",
    "license": "license",
    "source": "source",
    "description": "description",
}


class Record(NamedTuple):
    """One conversation as a reader found it, before validation."""

    position: int
    """Its index in the file (conversations[N], or item N of a JSON list)."""
    data: Any
    """The conversation in the native shape (a dict); None when it could not be read."""
    problems: list[Problem]
    """What the reader found wrong while mapping it (source-format quirks)."""


class _Source(NamedTuple):
    meta: dict[str, Any]
    problems: list[Problem]
    records: Generator[Record, None, None]


def detect_format(path: str | Path) -> str:
    """Tell a file's format by its content: `native`, `locomo` or `longmemeval`.

    Raises:
        DatasetError: The content matches none of them.
    """
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        return "native"
    if head.startswith("["):
        items = iter_json_array(path)
        try:
            first = next((item for _, item in items), None)
        finally:
            items.close()
        if isinstance(first, dict) and "conversation" in first and "qa" in first:
            return "locomo"
        if isinstance(first, dict) and "question_id" in first and "haystack_sessions" in first:
            return "longmemeval"
        keys = sorted(first)[:8] if isinstance(first, dict) else type(first).__name__
        raise DatasetError(
            f"{path}: a JSON list whose first item ({keys}) is neither a LoCoMo sample "
            "(`conversation`, `qa`) nor a LongMemEval question (`question_id`, "
            "`haystack_sessions`); pass format= if you know what it is"
        )
    raise DatasetError(
        f"{path}: not a dataset file memlab reads (it starts with {head[:20]!r}); expected a "
        "memlab JSONL/JSON file, LoCoMo's locomo10.json or a LongMemEval JSON file"
    )


def load_dataset(
    path: str | Path,
    *,
    format: Format = "auto",
    strict: bool | None = None,
    limit: int | None = None,
    split: str | None = None,
) -> Dataset:
    """Load recorded conversations from a native, LoCoMo or LongMemEval file, validated.

    Args:
        path: The file to read.
        format: The file's format; "auto" tells it from the content.
        strict: True raises one `DatasetError` listing every problem; False skips only the
            bad records (a turn, a probe, a piece of evidence, a conversation), keeps the rest
            and lists what it skipped on `Dataset.problems`. None (the default) is the
            format's own default: lenient for LoCoMo and LongMemEval, whose files are
            loaded as published (with their broken evidence ids), strict for the native
            format, where a problem is a bug.
        limit: Read only the first N conversations (of `split`, when given).
        split: Keep only conversations of this split (`dev`, `test`).

    Returns:
        The dataset.

    Raises:
        DatasetError: The file cannot be read, or (strict) has problems.
        ConfigError: An option is out of range.
    """
    file = str(path)
    path = Path(path)
    if format not in FORMATS:
        raise ConfigError(f"unknown dataset format {format!r}; use one of {', '.join(FORMATS)}")
    if limit is not None and limit < 0:
        raise ConfigError(f"limit must be >= 0, got {limit}")
    if not path.is_file():
        raise DatasetError(f"{file}: no such file; check the path (memlab never downloads data)")
    kind = detect_format(path) if format == "auto" else format
    if strict is None:
        strict = kind == "native"
    source = _open(path, kind, file)
    problems = list(source.problems)
    checker = ConversationChecker(file)
    conversations = []
    taken = 0
    try:
        for record in source.records:
            if limit is not None and taken >= limit:
                break
            if record.data is None:  # unreadable: its split is unknown, so always report it
                problems.extend(record.problems)
                continue
            if split is not None and _split(record.data) != split:
                continue
            taken += 1
            problems.extend(record.problems)
            conversation, found = checker.check(record.data, record.position)
            problems.extend(found)
            if conversation is not None:
                conversations.append(conversation)
    finally:
        source.records.close()
    if strict and problems:
        raise problems_error(file, problems)
    return Dataset.model_validate(
        {**source.meta, "conversations": conversations, "problems": problems}
    )


def _split(data: Any) -> Any:
    return data.get("split") if isinstance(data, dict) else None


def _open(path: Path, kind: str, file: str) -> _Source:
    if kind == "native":
        return _read_native(path, file)
    if kind == "locomo":
        from memlab.lab.data.locomo import read_locomo

        meta, records = read_locomo(path, file)
        return _Source(meta, [], records)
    from memlab.lab.data.longmemeval import read_longmemeval

    meta, records = read_longmemeval(path, file)
    return _Source(meta, [], records)


def _read_native(path: Path, file: str) -> _Source:
    with path.open(encoding="utf-8-sig") as handle:
        first = ""
        for line in handle:
            if line.strip():
                first = line
                break
    try:
        header = json.loads(first)
    except json.JSONDecodeError:
        header = None  # a pretty-printed .json object spans lines
    if isinstance(header, dict) and "conversations" not in header:
        problems: list[Problem] = []
        meta = _meta(header, path, file, "header.", problems)
        return _Source(meta, problems, _jsonl_records(path, file))
    try:
        with path.open(encoding="utf-8-sig") as handle:
            whole = json.load(handle)
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"{file}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
        ) from exc
    if not isinstance(whole, dict):
        raise DatasetError(f"{file}: expected a JSON object, got {type(whole).__name__}")
    conversations = whole.pop("conversations", [])
    if not isinstance(conversations, list):
        raise DatasetError(f"{file}: `conversations` must be a list of conversation objects")
    problems = []
    meta = _meta(whole, path, file, "", problems)
    records = (Record(i, c, []) for i, c in enumerate(conversations))
    return _Source(meta, problems, records)


def _meta(
    header: dict[str, Any], path: Path, file: str, prefix: str, problems: list[Problem]
) -> dict[str, Any]:
    kind, version = header.get("format"), header.get("version")
    if kind != FORMAT_NAME:
        raise DatasetError(
            f"{file}: {prefix}format is {kind!r}, expected {FORMAT_NAME!r}: not a memlab "
            "conversations file (LoCoMo and LongMemEval files are JSON lists)"
        )
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DatasetError(f"{file}: {prefix}version must be a positive integer, got {version!r}")
    if version > FORMAT_VERSION:
        raise DatasetError(
            f"{file}: format version {version} is newer than this memlab reads "
            f"({FORMAT_VERSION}); upgrade memlab"
        )
    meta: dict[str, Any] = {"name": path.stem}
    for key, value in header.items():
        if key in ("format", "version"):
            continue
        if key not in _HEADER_FIELDS:
            message = f"unknown header field {key!r}; known: {', '.join(_HEADER_FIELDS)}"
            problems.append(Problem(file=file, path=prefix + key, message=message, skipped=key))
            continue
        try:
            Dataset.model_validate({**meta, _HEADER_FIELDS[key]: value})
        except ValidationError as exc:
            message = f"{exc.errors()[0]['msg']} (got {value!r})"
            problems.append(Problem(file=file, path=prefix + key, message=message, skipped=key))
            continue
        meta[_HEADER_FIELDS[key]] = value
    return meta


def _jsonl_records(path: Path, file: str) -> Generator[Record, None, None]:
    with path.open(encoding="utf-8-sig") as handle:
        index = -1
        header_seen = False
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            if not header_seen:
                header_seen = True
                continue
            index += 1
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                problem = Problem(
                    file=file,
                    path=f"conversations[{index}]",
                    message=f"line {lineno} is not valid JSON ({exc.msg}, column {exc.colno})",
                    skipped=f"line {lineno}",
                )
                yield Record(index, None, [problem])
                continue
            yield Record(index, data, [])


def save_dataset(dataset: Dataset, path: str | Path) -> Path:
    """Write `dataset` in the native format: JSON Lines, or one JSON object for a `.json` path.

    Fields at their default value are left out (a reader fills them back in), and the file is
    replaced atomically. `dataset.problems` is not written: it describes how a file was read.

    Returns:
        The path written.
    """
    path = Path(path)
    header: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    for key, field in _HEADER_FIELDS.items():
        value = getattr(dataset, field)
        if value is not None:
            header[key] = value
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("w", encoding="utf-8", newline="\n") as out:
        if path.suffix == ".json":
            convs = [
                c.model_dump(mode="json", exclude_defaults=True) for c in dataset.conversations
            ]
            json.dump({**header, "conversations": convs}, out, ensure_ascii=False, indent=1)
            out.write("\n")
        else:
            out.write(json.dumps(header, ensure_ascii=False) + "\n")
            for conversation in dataset.conversations:
                out.write(conversation.model_dump_json(exclude_defaults=True) + "\n")
    os.replace(tmp, path)
    return path
