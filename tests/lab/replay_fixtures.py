"""Tiny recorded conversations for the replay tests, built in Python (no dataset file)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from memlab.lab.data.dataset import Conversation, Dataset, Participant, Probe, Session, Turn
from memlab.lab.running.experiment import Experiment, build_experiment

T0 = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


def _session(conv: str, n: int, lines: list[tuple[str, str]]) -> Session:
    start = T0 + timedelta(days=7 * n)
    return Session(
        id=f"s{n}",
        started_at=start,
        turns=[
            Turn(id=f"s{n}:t{i}", speaker=who, text=text, at=start + timedelta(minutes=i))
            for i, (who, text) in enumerate(lines, 1)
        ],
    )


def agent_conversation(cid: str = "c1") -> Conversation:
    """A user talking to an assistant over three sessions, with a knowledge update."""
    return Conversation(
        id=cid,
        participants=[
            Participant(name="Ana", role="user", principal=True),
            Participant(name="Bot", role="assistant"),
        ],
        sessions=[
            _session(
                cid,
                1,
                [
                    ("Ana", "Hi! I live in Porto and I work as a nurse."),
                    ("Bot", "Nice to meet you, Ana."),
                    ("Ana", "My dog is called Bolt."),
                    ("Bot", "Bolt is a great name."),
                ],
            ),
            _session(
                cid,
                2,
                [
                    ("Ana", "I love playing tennis on weekends."),
                    ("Bot", "Tennis is fun."),
                ],
            ),
            _session(
                cid,
                3,
                [
                    ("Ana", "Big news: I moved to Lisbon last week."),
                    ("Bot", "Congratulations on the move!"),
                ],
            ),
        ],
        probes=[
            Probe(
                id="q1",
                question="What is the name of Ana's dog?",
                answers=["Bolt"],
                evidence=["s1:t3"],
                asked_after="s1",
            ),
            Probe(
                id="q2",
                question="What does Ana do for work?",
                answers=["nurse"],
                evidence=["s1:t1"],
                about="Ana",
            ),
            Probe(
                id="q3",
                question="Where does Ana live?",
                answers=["Lisbon"],
                evidence=["s3:t1"],
                category="knowledge-update",
                stale_answers=["Porto"],
            ),
            Probe(
                id="q4",
                question="What sport does Ana play?",
                answers=["tennis"],
                evidence=["s2:t1"],
            ),
            Probe(
                id="q5",
                question="What is the name of Ana's cat?",
                abstention=True,
                category="abstention",
            ),
        ],
    )


def two_person_conversation(cid: str = "c2") -> Conversation:
    """Two principals talking to each other (LoCoMo-like)."""
    return Conversation(
        id=cid,
        participants=[
            Participant(name="Caroline", role="user", principal=True),
            Participant(name="Melanie", role="user", principal=True),
        ],
        sessions=[
            _session(
                cid,
                1,
                [
                    ("Caroline", "I live in Boston and I work as a counselor."),
                    ("Melanie", "Cool! I work as a painter."),
                    ("Caroline", "My favorite food is sushi."),
                    ("Melanie", "I have two kids."),
                ],
            ),
            _session(
                cid,
                2,
                [
                    ("Melanie", "I went camping with my family."),
                    ("Caroline", "I started learning the guitar."),
                ],
            ),
        ],
        probes=[
            Probe(
                id="p1",
                question="What does Melanie do for work?",
                answers=["painter"],
                evidence=["s1:t2"],
                about="Melanie",
                category_id="4",
            ),
            Probe(
                id="p2",
                question="Where does Caroline live?",
                answers=["Boston"],
                evidence=["s1:t1"],
                about="Caroline",
                category_id="4",
            ),
            Probe(
                id="p3",
                question="What instrument is Caroline learning?",
                answers=["guitar"],
                evidence=["s2:t2"],
                category="single-hop",
                category_id="4",
            ),
        ],
    )


def tiny_dataset(n_agent: int = 1, n_pairs: int = 1) -> Dataset:
    """A dataset of `n_agent` agent conversations and `n_pairs` two-person ones."""
    conversations = [agent_conversation(f"a{i}") for i in range(n_agent)]
    conversations += [two_person_conversation(f"b{i}") for i in range(n_pairs)]
    return Dataset(name="tiny-test", conversations=conversations)


def resume_experiment() -> Experiment:
    """The experiment the resume tests interrupt: 2 ingest variants × 4 conversations.

    It has every kind of row: probes answered and judged, judge controls, summaries, and
    extracted and verbatim memories; the second repeat answers and judges with the cache off.
    """
    return build_experiment(
        {
            "name": "resume",
            "dataset": tiny_dataset(n_agent=2, n_pairs=2),
            "ingest": [{"kind": "extract"}, {"kind": "verbatim"}],
            "summary": [{"trigger": "session_end"}],
            "recall": [
                {"strategy": "bm25", "k": [2, 4]},
                {"strategy": "last_n", "over": "summaries", "k": 2},
            ],
            "answer": {},
            "judge": {},
            "repeats": 2,
        }
    )
