"""What lenient loading left out, counted by kind, for the replay's output, provenance and report.

Each `Problem` of a leniently loaded file says what was skipped because of it (`evidence 'D'`,
`probe 'q7'`, `turn 'D1:3'`); the first word names the kind. A results file keeps these counts
so its report can say "3 evidence ids skipped" without the dataset file at hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from memlab.lab.data.dataset import Problem

__all__ = ["skipped_counts", "skipped_text"]

# The first word of `Problem.skipped`, and how a count of them reads.
_KINDS = {
    "evidence": "evidence ids",
    "probe": "probes",
    "turn": "turns",
    "session": "sessions",
    "conversation": "conversations",
    "sample": "conversations",
    "question": "conversations",
}


def skipped_counts(problems: Sequence[Problem]) -> dict[str, int]:
    """How many records of each kind the problems skipped (`{"evidence ids": 3}`), by kind."""
    counts: dict[str, int] = {}
    for problem in problems:
        words = (problem.skipped or "").split(" ", 2)
        if words[:2] == ["evidence", "session"]:  # LongMemEval names answer sessions
            kind = "evidence sessions"
        else:
            kind = _KINDS.get(words[0], "other records")
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))


def skipped_text(counts: Mapping[str, int]) -> str:
    """`"3 evidence ids, 1 probe skipped"` (singular when one); empty when nothing was."""
    parts = []
    for kind, n in counts.items():
        name = kind
        if n == 1:
            name = "evidence id" if kind == "evidence ids" else kind.removesuffix("s")
        parts.append(f"{n} {name}")
    return ", ".join(parts) + " skipped" if parts else ""
