"""Flag values checked at the door: each flag is parsed as the setting it overrides.

A flag that sets an experiment key (`--limit` is `dataset.limit`, `--concurrency` is
`concurrency`) is validated by that key's own field, so `--limit -1` fails as `limit = -1`
in a TOML file does, with the same words; the failure is argparse's usage error (exit code
2) before anything runs. Paths are checked for what the command will do with them (read a
file, write a file, write into a directory). The experiment models are imported when a flag
is parsed, not when the parser is built, so `memlab --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import types
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import Field, TypeAdapter, ValidationError

__all__ = [
    "API_BASE",
    "CONCURRENCY",
    "LIMIT",
    "MAX_COST",
    "MODEL",
    "RUN_MAX_COST",
    "SCHEDULER",
    "WORKERS",
    "at_least",
    "field_flag",
    "file_to_read",
    "file_to_write",
    "folder_to_write",
]

FlagType = Callable[[str], Any]
"""What argparse takes as `type=`: flag text in, value out, `ArgumentTypeError` when wrong."""


def field_flag(field: str) -> FlagType:
    """An argparse `type=` that validates a flag as the experiment field it overrides.

    Args:
        field: `"module:Model.field"`, e.g. `"memlab.lab.running.specs:DatasetRef.limit"`.
    """

    def parse(text: str) -> Any:
        module, _, rest = field.partition(":")
        model_name, _, name = rest.partition(".")
        info = getattr(importlib.import_module(module), model_name).model_fields[name]
        annotation = _without_none(info.annotation)
        return _validated(
            Annotated[annotation, *info.metadata] if info.metadata else annotation, text
        )

    parse.__name__ = field.rpartition(".")[2]  # argparse names the type in its own messages
    return parse


def at_least(minimum: int) -> FlagType:
    """An argparse `type=` for an integer flag of at least `minimum` (worded as pydantic's)."""

    def parse(text: str) -> int:
        value: int = _validated(Annotated[int, Field(ge=minimum)], text)
        return value

    parse.__name__ = "int"
    return parse


def file_to_read(text: str) -> str:
    """An argparse `type=` for a file the command reads: not empty, not a directory."""
    path = _path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a directory; give a file")
    return text


def file_to_write(example: str) -> FlagType:
    """An argparse `type=` for a file the command writes: not empty, not a directory.

    Args:
        example: A file name the message suggests inside a directory given by mistake.
    """

    def parse(text: str) -> str:
        path = _path(text)
        if path.is_dir():
            raise argparse.ArgumentTypeError(
                f"{text!r} is a directory; give a file to write, e.g. {str(path / example)!r}"
            )
        return text

    parse.__name__ = "path"
    return parse


def folder_to_write(text: str) -> str:
    """An argparse `type=` for a directory the command writes into: not empty, not a file."""
    path = _path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{text!r} is a file; give a directory (it is created when missing)"
        )
    return text


def _path(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a path, got an empty string")
    return Path(text)


def _validated(annotation: Any, text: str) -> Any:
    try:
        return TypeAdapter(annotation).validate_strings(text)
    except ValidationError as exc:
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise argparse.ArgumentTypeError(f"{message}, got {text!r}") from None


def _without_none(annotation: Any) -> Any:
    """`X` for `X | None`: a flag given on the command line always has a value."""
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


_SPECS = "memlab.lab.running.specs"
_EXPERIMENT = "memlab.lab.running.experiment:Experiment"

LIMIT = field_flag(f"{_SPECS}:DatasetRef.limit")
"""`--limit N`: the experiment's `dataset.limit`."""
MODEL = field_flag(f"{_SPECS}:IngestSpec.model")
"""`--model NAME`: every stage's `model`."""
API_BASE = field_flag(f"{_EXPERIMENT}.api_base")
"""`--api-base URL`: the experiment's `api_base`."""
MAX_COST = field_flag(f"{_EXPERIMENT}.max_cost_usd")
"""`--max-cost USD`: the experiment's `max_cost_usd`."""
CONCURRENCY = field_flag(f"{_EXPERIMENT}.concurrency")
"""`--concurrency N`: the experiment's `concurrency`."""
_RUN = "memlab.lab.running.run_settings"
WORKERS = field_flag(f"{_RUN}:ExecutionSpec.workers")
"""`--workers N`: `[execution] workers`."""
SCHEDULER = field_flag(f"{_RUN}:ExecutionSpec.scheduler")
"""`--scheduler ADDRESS`: `[execution] scheduler`."""
RUN_MAX_COST = field_flag(f"{_RUN}:BudgetSpec.max_cost_usd")
"""`--max-cost-usd USD`: `[budget] max_cost_usd`."""
