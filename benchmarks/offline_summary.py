"""How long the offline model takes to summarize one long session (issue 17: < 10 s at 100k).

The session is made of varied, realistic turns (facts, small talk, questions, repeats), so
the duplicate check sees both near-duplicates and distinct sentences. Two figures per size:
`summarize()` alone, and the whole path an agent takes (`Memory.create_session_summary`:
the prompt, the offline provider, parsing, the store).

    .venv/bin/python benchmarks/offline_summary.py [--sizes 2500,10000,100000] [--no-memory]
        [--repeat 3]

Each figure is the median of `--repeat` runs: on a shared 2-core machine one run of the same
code varied from 8 to 12 s at 100k messages.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from functools import partial

from memlab import Memory
from memlab.llm.offline.summary import summarize

PEOPLE = ["Ana", "Bo", "Chen", "Dara", "Eli", "Farah", "Goran", "Hana", "Ivo", "Jun"]
PLACES = ["Porto", "Lisbon", "Oslo", "Kyoto", "Lima", "Accra", "Hanoi", "Quito", "Riga", "Pune"]
THINGS = ["tennis", "the cello", "pottery", "chess", "sourdough", "climbing", "birding", "jazz"]
USER = [
    "I moved to {place} in {month} and I still miss my old street.",
    "My sister {person} just started learning {thing} and she loves it.",
    "We are planning a trip to {place} with {person} next spring.",
    "I have been practising {thing} every weekend since {month}.",
    "Honestly the weather in {place} was awful, it rained for {n} days straight.",
    "Did I tell you that {person} adopted a dog called Pixel?",
    "I think I'll sign up for a {thing} class at the community centre.",
    "ok thanks",
    "haha yes",
]
ASSISTANT = [
    "That sounds like a lovely plan; {place} is beautiful in spring.",
    "How long have you been interested in {thing}?",
    "It is great that {person} found something she enjoys.",
    "Rain for {n} days would wear anyone down.",
]
MONTHS = ["January", "March", "May", "July", "September", "November"]


ASIDES = [
    "to be fair",
    "after the {n}th attempt",
    "because {person} insisted",
    "which cost about {n} euros",
    "near the old {thing} club",
    "on the {n} bus",
    "if the {place} office agrees",
]


def _vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    """Pronounceable made-up words, used with Zipf frequencies like a real vocabulary."""
    onsets, vowels, codas = "bdfgklmnprstvz", "aeiou", ["", "n", "r", "s", "l", "m"]
    words: set[str] = set()
    while len(words) < size:
        syllables = rng.randint(2, 3)
        words.add(
            "".join(
                rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                for _ in range(syllables)
            )
        )
    return sorted(words)


def session(n_messages: int, *, seed: int = 0) -> list[tuple[str, str]]:
    """`n_messages` alternating user/assistant turns, seeded; few turns repeat exactly.

    Templates give the structure of everyday talk (and near-duplicates for the check to
    find); asides drawn from a 5,000-word vocabulary with Zipf frequencies give the long
    tail of words a real long conversation has.
    """
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    out = []
    for i in range(n_messages):
        pool = USER if i % 2 == 0 else ASSISTANT
        fill = {
            "place": rng.choice(PLACES),
            "person": rng.choice(PEOPLE),
            "thing": rng.choice(THINGS),
            "month": rng.choice(MONTHS),
            "n": rng.randint(2, 999),
        }
        text = rng.choice(pool).format(**fill)
        if rng.random() < 0.6:  # an aside, so the same template rarely gives the same turn
            text = text.rstrip(".!?") + ", " + rng.choice(ASIDES).format(**fill) + "."
        words = rng.choices(vocabulary, weights, k=rng.randint(2, 6))
        text = text.rstrip(".!?") + " with the " + " ".join(words) + "."
        out.append(("user" if i % 2 == 0 else "assistant", text))
    return out


def via_memory(turns: list[tuple[str, str]]) -> tuple[float, float]:
    """Wall and CPU seconds for `Memory.create_session_summary` over a session of these turns."""
    memory = Memory(model="memlab/offline")
    messages = [{"role": role, "content": text} for role, text in turns]
    memory.db.add_runs(
        [memory_run(memory, messages[start : start + 2]) for start in range(0, len(messages), 2)]
    )
    started, cpu = time.perf_counter(), time.process_time()
    memory.create_session_summary("s1")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    memory.db.close()
    return elapsed, cpu


def memory_run(memory: Memory, messages: list[dict[str, str]]):  # type: ignore[no-untyped-def]
    """A run of the default user in session s1."""
    from memlab.schema import Message, Run

    return Run(
        session_id="s1",
        user_id=memory.user_id,
        messages=[Message(role=m["role"], content=m["content"]) for m in messages],
    )


def main() -> None:
    """Print seconds per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2500,10000,100000")
    parser.add_argument("--no-memory", action="store_true", help="time summarize() only")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    # CPU seconds (all threads of this process) next to wall time: on a machine shared with
    # other work, wall time grows with the load and CPU time much less.
    print(f"{'messages':>9}  {'summarize() wall / CPU':>24}  {'Memory.create_session_summary':>30}")
    via_memory(session(4))  # the first model call imports litellm: not part of a summary
    for size in (int(s) for s in args.sizes.split(",")):
        turns = session(size)
        direct, cpu = median_of(args.repeat, partial(timed_summarize, turns))
        if args.no_memory:
            full = "-"
        else:
            wall, used = median_of(args.repeat, partial(via_memory, turns))
            full = f"{wall:.2f} s / {used:.2f} s"
        print(f"{size:>9}  {direct:>10.2f} s / {cpu:.2f} s  {full:>30}")


def timed_summarize(turns: list[tuple[str, str]]) -> tuple[float, float]:
    """Wall and CPU seconds for `summarize()` over these turns."""
    started, cpu = time.perf_counter(), time.process_time()
    summarize(turns)
    return time.perf_counter() - started, time.process_time() - cpu


def median_of(runs: int, measure: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    """The median wall and CPU seconds of `runs` measurements."""
    figures = [measure() for _ in range(max(1, runs))]
    return statistics.median(w for w, _ in figures), statistics.median(c for _, c in figures)


if __name__ == "__main__":
    main()
