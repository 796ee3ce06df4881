"""What the offline model keeps beyond its slot rules (issue 9): nothing personal is dropped.

`extract_facts(..., keep_unparsed=True)` is what the `memlab/offline` provider runs: slot facts
where a rule reads one, and the user's own statement, whole, for what no rule reads; relative
dates resolved against the message's time; updates beyond moves and jobs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memlab.llm.offline.clauses import MAX_READ_CHARS
from memlab.llm.offline.rules import decide_ops, extract_facts

MAY_8 = datetime(2023, 5, 8, 10, 0, tzinfo=UTC)  # a Monday


def kept(*contents: str, now: datetime | None = MAY_8) -> list[str]:
    messages = [(f"m{i}", "user", text) for i, text in enumerate(contents)]
    times = {f"m{i}": now for i in range(len(contents))}
    return [f.text for f in extract_facts(messages, times=times, keep_unparsed=True)]


def after(sequence: list[str], now: datetime = MAY_8) -> list[str]:
    """The memories left after extracting each message in its own call, as the provider does."""
    store: dict[str, str] = {}
    for n, text in enumerate(sequence):
        facts = extract_facts([(f"m{n}", "user", text)], times={f"m{n}": now}, keep_unparsed=True)
        for i, op in enumerate(decide_ops(facts, list(store.items()))):
            if op.op == "add" and op.memory:
                store[f"k{n}-{i}"] = op.memory
            elif op.op == "update" and op.memory_id and op.memory:
                store[op.memory_id] = op.memory
            elif op.op == "delete" and op.memory_id:
                del store[op.memory_id]
    return sorted(store.values())


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            "Everyone calls me Dani.", ['User said: "Everyone calls me Dani."'], id="quoted"
        ),
        pytest.param(
            "I lecture in history at a college in Galway.",
            ["User lectures in history at a college in Galway."],
            id="rewritten",
        ),
        pytest.param(
            "I'm gluten intolerant so bread is out for me.",
            ["User is gluten intolerant so bread is out for them."],
            id="health",
        ),
        pytest.param("I no longer eat meat.", ["User no longer eats meat."], id="no-longer"),
        pytest.param(
            "I prefer tea over coffee", ["User prefers tea over coffee."], id="preference"
        ),
        pytest.param(
            "I've been vegan for five years",
            ["User is vegan.", "User has been vegan for five years."],
            id="duration-survives",
        ),
        pytest.param(
            "we have three kids, Leo, Mia and Sara",
            ["User has three kids.", "User has three kids, Leo, Mia and Sara."],
            id="names-in-a-list",
        ),
        pytest.param(
            "Yesterday I finished my first 10k in 47:30!",
            ["User finished their first 10k in 47:30 on 7 May 2023."],
            id="time-and-date",
        ),
        pytest.param(
            "Went to see Arctic Monkeys last Friday",
            ["User went to see Arctic Monkeys on 5 May 2023."],
            id="implied-subject",
        ),
    ],
)
def test_unparsed_personal_statements_are_kept(content: str, expected: list[str]) -> None:
    found = kept(content)
    assert [t for t in found if t in expected] == expected, found


def test_the_habit_and_the_plan_both_survive() -> None:
    found = kept("I swim three mornings a week; next month I'm doing a lake crossing in Annecy.")
    assert any("three mornings a week" in t for t in found)
    assert "User is doing a lake crossing in Annecy in June 2023." in found


def test_the_partners_job_survives() -> None:
    found = kept("My partner Jonas is a chef at a bistro downtown.")
    assert "User's partner is Jonas." in found
    assert "User's partner Jonas is a chef at a bistro downtown." in found


def test_a_duration_is_not_an_employer() -> None:
    found = kept("I've worked as an electrician for twelve years.")
    assert found == [
        "User works as an electrician.",
        "User has worked as an electrician for twelve years.",
    ]


def test_a_sentence_without_a_speaker_goes_on_the_fact_before_it() -> None:
    assert kept("We got a new pet.", "It's a parrot, we named him Kiwi.") == [
        "User got a new pet.",
        'User said: "It\'s a parrot, we named him Kiwi."',
    ]
    assert kept("I met someone!", "Her name is Yuki, she's a vet in Kyoto.") == [
        "User met someone. Her name is Yuki, she's a vet in Kyoto."
    ]


def test_without_a_time_relative_dates_stay_as_said() -> None:
    assert kept("Yesterday I finished my first 10k in 47:30!", now=None) == [
        "User finished their first 10k in 47:30 yesterday."
    ]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("What's a good recipe for banana bread?", id="question"),
        pytest.param("Please write me a short poem about autumn.", id="request"),
        pytest.param("remind me what we talked about earlier", id="request-lowercase"),
        pytest.param("hey there! 👋", id="greeting"),
        pytest.param("thanks, that's really helpful!", id="thanks"),
        pytest.param("Sounds good to me.", id="agreement"),
        pytest.param("lol yeah I know right", id="chit-chat"),
        pytest.param("If I ever win the lottery I'll buy a boat.", id="hypothetical"),
        pytest.param("I wonder what it would be like to live in Iceland.", id="wondering"),
        pytest.param("I think you misunderstood my question.", id="about-the-assistant"),
        pytest.param("ugh, I'm so bored right now", id="mood"),
        pytest.param("I'm so tired today.", id="mood-today-resolved"),
        pytest.param("hang on, I'll be back in 5 minutes", id="transient"),
        pytest.param("I think that's a fair point.", id="opinion-on-the-chat"),
        pytest.param("The article said people in Japan live longer.", id="not-about-the-user"),
    ],
)
def test_what_is_not_personal_stays_out(content: str) -> None:
    assert kept(content) == []


def test_someone_elses_fact_stays_theirs() -> None:
    found = kept("My friend Anna works at Google as a UX designer.")
    assert found == ["User's friend Anna works at Google as a UX designer."]


@pytest.mark.parametrize(
    ("sequence", "expected"),
    [
        pytest.param(
            [
                "I work at Deloitte.",
                "I quit my job at Deloitte, now I work at Shopify as a data analyst.",
            ],
            [
                "User quit their job at Deloitte, now User works at Shopify as a data analyst.",
                "User works at Shopify.",
            ],
            id="quit-and-new-employer",
        ),
        pytest.param(
            ["We have a dog named Biscuit.", "I don't have a dog anymore."],
            ["User does not have a dog anymore."],
            id="no-dog-anymore",
        ),
        pytest.param(
            ["I love coffee.", "I've gone off coffee completely, it makes me jittery now."],
            ["User has gone off coffee completely, it makes them jittery now."],
            id="changed-preference",
        ),
        pytest.param(
            ["My boyfriend Tom is a nurse.", "Tom and I broke up last month."],
            ['User said: "Tom and I broke up in April 2023."'],
            id="ended-relationship",
        ),
        pytest.param(
            ["I have a cat called Mochi.", "Mochi died last week, I'm heartbroken."],
            ['User said: "Mochi died in the week of 1 May 2023, I am heartbroken."'],
            id="pet-died",
        ),
        pytest.param(
            ["I'm going to Peru in August!", "We cancelled the Peru trip, money is tight."],
            ["User cancelled the Peru trip, money is tight."],
            id="cancelled-plan",
        ),
        pytest.param(
            ["I play tennis every Saturday.", "I don't play tennis anymore, I switched to padel."],
            ["User does not play tennis anymore, User switched to padel."],
            id="stopped-a-habit",
        ),
        pytest.param(
            ["My girlfriend Lena lives with me.", "Lena and I got married on Saturday!"],
            # The partner slot is single-valued: every memory that reads as "partner Lena"
            # is replaced, the kept sentence about living together too.
            ["User got married to Lena on 6 May 2023."],
            id="girlfriend-to-wife",
        ),
        pytest.param(
            ["I have two kids.", "Our third child, Noor, was born last week!"],
            [
                "User has three children.",
                "User's third child, Noor, was born in the week of 1 May 2023.",
            ],
            id="a-child-is-born",
        ),
    ],
)
def test_updates_beyond_moves_and_jobs(sequence: list[str], expected: list[str]) -> None:
    assert after(sequence) == sorted(expected)


_WORDS = [
    "I",
    "i'm",
    "my",
    "we",
    "our",
    "you",
    "yesterday",
    "last",
    "next",
    "Saturday",
    "month",
    "ago",
    "two",
    "weeks",
    "in",
    "March",
    "on",
    "the",
    "3rd",
    "of",
    "June",
    "47:30",
    "12",
    "km",
    "kids",
    "Leo",
    ",",
    "and",
    "but",
    ".",
    "!",
    "?",
    ";",
    "no",
    "longer",
    "anymore",
    "stopped",
    "died",
    "sold",
    "quit",
    "Tom",
    "Lisbon",
    "love",
    "hate",
    "work",
    "at",
    "as",
    "a",
    "if",
    "would",
    "please",
    "thanks",
    "lol",
    "😀",
]


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=6)), max_size=40),
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
)
def test_keeping_unparsed_statements_never_raises_and_is_deterministic(
    words: list[str], day: date
) -> None:
    text = " ".join(words)
    now = datetime(day.year, day.month, day.day, tzinfo=UTC)
    facts = extract_facts([("m", "user", text)], times={"m": now}, keep_unparsed=True)
    assert facts == extract_facts([("m", "user", text)], times={"m": now}, keep_unparsed=True)
    for fact in facts:
        assert fact.text.startswith("User") and fact.source_message_ids == ("m",)
    assert decide_ops(facts, [("k1", text)]) == decide_ops(facts, [("k1", text)])


def test_a_megabyte_message_is_read_up_to_the_documented_limit() -> None:
    # MAX_READ_CHARS bounds the work per message (timings are in benchmarks/).
    run_on = "I went to the market and bought bread with Ana and then " * 20_000
    facts = extract_facts([("m", "user", run_on)], keep_unparsed=True)
    read = sum(len(f.text) for f in facts)
    assert 0 < read <= 2 * MAX_READ_CHARS


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            "In spring 2022 I ran a marathon", "User ran a marathon In spring 2022.", id="no-stop"
        ),
        pytest.param(
            "In spring 2022 I ran a marathon.", "User ran a marathon In spring 2022.", id="stop"
        ),
        pytest.param(
            "on 7 May 2023 I finished a 10k", "User finished a 10k on 7 May 2023.", id="day"
        ),
    ],
)
def test_a_leading_date_moves_to_the_end_without_eating_a_letter(
    content: str, expected: str
) -> None:
    # A sentence without end punctuation had its last letter taken for it ("2022n.").
    assert kept(content, now=None) == [expected]
