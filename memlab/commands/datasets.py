"""`memlab datasets stats | validate | convert`: look at, check and convert dataset files."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from memlab.commands import flags
from memlab.lab.data.dataset import Dataset, Problem

FORMATS = ("auto", "native", "locomo", "longmemeval")
"""The `--format` choices: `memlab.lab.data.dataset_io.FORMATS` (a test pins them equal), kept
here so that `--help` does not import the lab."""


def register(sub: Any) -> None:
    """Add the `datasets` subcommand (and its own subcommands) to `sub`."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "datasets", help="count, validate and convert recorded-conversation files"
    )
    actions = parser.add_subparsers(dest="action", required=True)

    stats = actions.add_parser(
        "stats", help="load leniently and count conversations, turns, probes and problems"
    )
    _common(stats)
    stats.add_argument(
        "--split",
        metavar="NAME",
        default=None,
        help="only the conversations of this split (dev, test): its shape and counts",
    )
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.set_defaults(func=_stats)

    validate = actions.add_parser("validate", help="check a file; exit 1 listing every problem")
    _common(validate)
    validate.set_defaults(func=_validate)

    convert = actions.add_parser("convert", help="convert any supported format to native JSONL")
    _common(convert)
    convert.add_argument(
        "--to",
        required=True,
        metavar="OUT.jsonl",
        type=flags.file_to_write("out.jsonl"),
        help="file to write",
    )
    convert.add_argument(
        "--strict", action="store_true", help="refuse to convert a file with problems"
    )
    convert.set_defaults(func=_convert)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=flags.file_to_read, help="the dataset file")
    parser.add_argument(
        "--format", default="auto", choices=FORMATS, help="file format (default: from content)"
    )


def _stats(args: argparse.Namespace) -> int:
    from memlab.lab.data.dataset_io import load_dataset
    from memlab.lab.data.dataset_stats import dataset_stats

    dataset = load_dataset(args.path, format=args.format, strict=False)
    if args.split is not None:
        dataset = one_split(dataset, args.split, source=str(args.path))
    stats = dataset_stats(dataset)
    if args.json:
        dumped = stats.model_dump(mode="json")
        if args.split is not None:
            dumped = {"split": args.split, **dumped}
        print(json.dumps(dumped, indent=2, ensure_ascii=False))
        return 0
    width = max([13, *(len(name) + 2 for name in stats.categories)])
    scope = f", split {args.split}" if args.split is not None else ""
    print(f"{args.path} ({stats.name}{scope})")
    for label, count in (
        ("conversations", stats.conversations),
        ("sessions", stats.sessions),
        ("turns", stats.turns),
        ("probes", stats.probes),
        ("abstention", stats.abstention),
    ):
        print(f"{label:<{width}} {count:>7,}")
    for label, spread in (
        ("sessions per conversation", stats.sessions_per_conversation),
        ("turns per conversation", stats.turns_per_conversation),
        ("words per turn", stats.words_per_turn),
    ):
        if spread is not None:
            print(
                f"{label}: mean {spread.mean:,.1f} (min {spread.min:,.0f}, "
                f"median {spread.median:,.1f}, max {spread.max:,.0f})"
            )
    principals = stats.principals_per_conversation
    print("principals per conversation: " + ", ".join(f"{k}: {v}" for k, v in principals.items()))
    print("probes per category:")
    for name, count in stats.categories.items():
        print(f"  {name:<{width - 2}} {count:>7,}")
    print("conversations per split: " + ", ".join(f"{k} {v}" for k, v in stats.splits.items()))
    _print_problems(stats.problems, sys.stdout)
    return 0


def one_split(dataset: Dataset, split: str, *, source: str) -> Dataset:
    """The conversations of `dataset` in `split` (the file's problems are kept).

    Raises:
        ConfigError: no conversation is in `split`; the message lists the splits there are.
    """
    from memlab.errors import ConfigError

    splits = dataset.splits()
    if split not in splits:
        have = ", ".join(f"{name} ({n} conversations)" for name, n in splits.items()) or "none"
        raise ConfigError(
            f"{source} has no conversation in split {split!r}; its splits are: {have}. "
            "Pass one of them to --split, or leave --split out for the whole file"
        )
    kept = [c for c in dataset.conversations if (c.split or "-") == split]
    return dataset.model_copy(update={"conversations": kept})


def _print_problems(problems: list[Problem], out: Any) -> None:
    print(f"problems: {len(problems)}", file=out)
    for problem in problems:
        print(f"  - {problem}", file=out)


def _validate(args: argparse.Namespace) -> int:
    from memlab.errors import DatasetError
    from memlab.lab.data.dataset_io import load_dataset

    try:
        dataset = load_dataset(args.path, format=args.format, strict=True)
    except DatasetError as exc:
        if not exc.problems:
            raise
        print(f"{args.path}: invalid", file=sys.stderr)
        _print_problems(exc.problems, sys.stderr)
        return 1
    turns = sum(c.turn_count() for c in dataset.conversations)
    print(
        f"{args.path}: valid ({len(dataset.conversations)} conversations, {turns} turns, "
        f"{dataset.probe_count()} probes)"
    )
    return 0


def _convert(args: argparse.Namespace) -> int:
    from memlab.lab.data.dataset_io import load_dataset, save_dataset

    dataset = load_dataset(args.path, format=args.format, strict=args.strict)
    if dataset.problems:
        print(f"{args.path}: skipped what these problems name:", file=sys.stderr)
        _print_problems(dataset.problems, sys.stderr)
    out = save_dataset(dataset, args.to)
    print(
        f"wrote {out}: {len(dataset.conversations)} conversations, {dataset.probe_count()} probes"
    )
    return 0
