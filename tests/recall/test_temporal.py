"""Time-aware recall: date words, cue resolution against `as_of`, and the range boost."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.errors import ConfigError
from memlab.recall import get_strategy
from memlab.recall.temporal import date_words, is_temporal, resolve
from memlab.schema import Message, Run

AS_OF = datetime(2024, 3, 4, 12, tzinfo=UTC)  # a Monday


def day(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=UTC)


@pytest.mark.parametrize(
    "question, start, end, words",
    [
        pytest.param(
            "What did I do yesterday?",
            day(2024, 3, 3),
            day(2024, 3, 4),
            "Sunday 3 March 2024",
            id="yesterday",
        ),
        pytest.param(
            "what happened today",
            day(2024, 3, 4),
            day(2024, 3, 5),
            "Monday 4 March 2024",
            id="today",
        ),
        pytest.param(
            "two days ago",
            day(2024, 3, 2),
            day(2024, 3, 3),
            "Saturday 2 March 2024",
            id="2-days-ago",
        ),
        pytest.param(
            "10 days ago",
            day(2024, 2, 22),
            day(2024, 2, 25),
            "Friday 23 February 2024",
            id="10-days-ago",
        ),
        pytest.param(
            "three weeks ago",
            day(2024, 2, 9),
            day(2024, 2, 16),
            "Monday 12 February 2024",
            id="weeks-ago",
        ),
        pytest.param(
            "a month ago", day(2024, 2, 1), day(2024, 3, 1), "February 2024", id="month-ago"
        ),
        pytest.param(
            "last month", day(2024, 2, 1), day(2024, 3, 1), "February 2024", id="last-month"
        ),
        pytest.param("last year", day(2023, 1, 1), day(2024, 1, 1), "2023", id="last-year"),
        pytest.param("this year", day(2024, 1, 1), day(2025, 1, 1), "2024", id="this-year"),
        pytest.param("last week", day(2024, 2, 26), day(2024, 3, 4), "", id="last-week"),
        pytest.param(
            "last Friday", day(2024, 3, 1), day(2024, 3, 2), "Friday 1 March 2024", id="weekday"
        ),
        pytest.param("in May", day(2023, 5, 1), day(2023, 6, 1), "May 2023", id="month-past"),
        pytest.param(
            "in February", day(2024, 2, 1), day(2024, 3, 1), "February 2024", id="month-this-year"
        ),
        pytest.param(
            "December 2022", day(2022, 12, 1), day(2023, 1, 1), "December 2022", id="month-year"
        ),
        pytest.param("in 2021", day(2021, 1, 1), day(2022, 1, 1), "2021", id="year"),
    ],
)
def test_relative_dates_resolve_against_the_time_of_the_question(
    question: str, start: datetime, end: datetime, words: str
) -> None:
    cue = resolve(question, AS_OF)
    assert cue is not None
    assert (cue.start, cue.end, cue.words) == (start, end, words)


def test_questions_without_a_date_resolve_to_nothing() -> None:
    assert resolve("When did Ana climb Snowdon?", AS_OF) is None
    assert resolve("before the wedding", AS_OF) is None


def test_temporal_cues_and_date_words() -> None:
    assert is_temporal("When did Ana move?") and is_temporal("what in 2021")
    assert not is_temporal("Where does Ana live?")
    assert date_words(datetime(2023, 12, 14, 20, 56, tzinfo=UTC)) == "Thursday 14 December 2023"


def store(db: DuckDbMemoryDb) -> None:
    # The same words on two days: only time tells them apart.
    for sid, when in [("s1", day(2024, 1, 10)), ("s2", day(2024, 2, 29))]:
        messages = [
            Message(
                id=f"{sid}:t1", role="user", content="I went running by the lake.", created_at=when
            ),
            Message(id=f"{sid}:t2", role="assistant", content="Nice, how far?", created_at=when),
        ]
        db.add_runs([Run(run_id=sid, session_id=sid, user_id="ana", messages=messages)])


@pytest.mark.parametrize(
    "question, as_of, first",
    [
        pytest.param("Where did I go running in January?", None, "s1:t1", id="month"),
        pytest.param("Where did I go running yesterday?", "2024-03-01", "s2:t1", id="yesterday"),
        pytest.param("Where did I go running last month?", "2024-02-15", "s1:t1", id="last-month"),
        pytest.param("running 7 weeks ago", "2024-02-28", "s1:t1", id="weeks-ago"),
    ],
)
def test_temporal_recall_prefers_turns_in_the_resolved_range(
    db: DuckDbMemoryDb, question: str, as_of: str | None, first: str
) -> None:
    store(db)
    memory = Memory(db, user_id="ana", model=None)
    plain = memory.recall(question, strategy="bm25", limit=2, over="messages")
    assert plain[0].item_id == "s2:t1"  # equal words: the newer turn wins without time
    timed = memory.recall(
        question, strategy="bm25", limit=2, over="messages", temporal=True, as_of=as_of
    )
    assert timed[0].item_id == first


def test_as_of_defaults_to_the_newest_item(db: DuckDbMemoryDb) -> None:
    store(db)
    memory = Memory(db, user_id="ana", model=None)
    # Newest item: 29 February 2024, so "yesterday" is 28 February: no turn; order unchanged.
    hits = memory.recall(
        "running yesterday", strategy="bm25", limit=2, over="messages", temporal=True
    )
    assert [h.item_id for h in hits] == ["s2:t1", "s1:t1"]
    # The date words are indexed: "January" alone finds the January turn.
    hits = memory.recall("January", strategy="bm25", limit=5, over="messages", temporal=True)
    assert {h.item_id for h in hits} == {"s1:t1", "s1:t2"}


def test_a_bad_as_of_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="as_of"):
        get_strategy("bm25", temporal=True, as_of="next tuesday")
