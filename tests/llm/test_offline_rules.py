"""Tests of the offline model's rule engine (`memlab.llm.offline.rules`)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memlab.llm.offline import rules
from memlab.llm.offline.rules import (
    NO_ANSWER,
    STOPWORDS,
    Fact,
    answer,
    attribute_of,
    choose_ids,
    decide_ops,
    extract_facts,
    fact_from_text,
    judge,
    normalize_answer,
    split_sentences,
    stem_word,
    summarize,
    token_f1,
    tokenize_words,
)


def facts_of(*contents: str, include_assistant: bool = False) -> list[tuple[str, str]]:
    messages = [(f"m{i}", "user", text) for i, text in enumerate(contents)]
    found = extract_facts(messages, include_assistant=include_assistant)
    return [(f.attribute, f.text) for f in found]


# --- extraction -------------------------------------------------------------------------------

EXTRACTION = [
    pytest.param(
        "Hey! So I just moved to Lisbon last month for a new job at Siemens.",
        [("location", "User lives in Lisbon."), ("employer", "User works at Siemens.")],
        id="realistic-turn-two-facts",
    ),
    pytest.param("I live in Porto.", [("location", "User lives in Porto.")], id="live-in"),
    pytest.param(
        "i live in porto and i work at google",
        [("location", "User lives in Porto."), ("employer", "User works at Google.")],
        id="lowercase-writer",
    ),
    pytest.param(
        "I live in Rio de Janeiro.", [("location", "User lives in Rio de Janeiro.")], id="place-de"
    ),
    pytest.param(
        "My name is Ana and I'm 34.",
        [("name", "User's name is Ana."), ("age", "User is 34 years old.")],
        id="name-and-age",
    ),
    pytest.param(
        "Hi, I'm Ana from Porto!",
        [("name", "User's name is Ana."), ("origin", "User is from Porto.")],
        id="introduction",
    ),
    pytest.param("Call me Mike.", [("name", "User's name is Mike.")], id="call-me"),
    pytest.param(
        "I'm a software engineer at Google.",
        [("job", "User works as a software engineer."), ("employer", "User works at Google.")],
        id="job-at-employer",
    ),
    pytest.param(
        "I work as a nurse at the General Hospital.",
        [("job", "User works as a nurse."), ("employer", "User works at the General Hospital.")],
        id="works-as",
    ),
    pytest.param(
        "I used to work at Amazon but now I work at Microsoft.",
        [("employer", "User works at Microsoft.")],
        id="used-to-is-not-current",
    ),
    pytest.param(
        "I have a dog named Rex and I love sushi, ramen and pizza.",
        [
            ("pet:dog", "User has a dog named Rex."),
            ("likes:sushi", "User loves sushi."),
            ("likes:ramen", "User loves ramen."),
            ("likes:pizza", "User loves pizza."),
        ],
        id="pet-and-list-of-likes",
    ),
    pytest.param(
        "We adopted a kitten called Miso.", [("pet:cat", "User has a cat named Miso.")], id="kitten"
    ),
    pytest.param("I have two kids.", [("family:children", "User has two kids.")], id="kids"),
    pytest.param(
        "My sister Ana lives in Berlin.",
        [("family:sister", "User has a sister named Ana.")],
        id="sister-is-not-user-location",
    ),
    pytest.param(
        "I'm married to Maria.", [("partner", "User is married to Maria.")], id="married-to"
    ),
    pytest.param(
        "I spend most weekends hiking in the Alps with my wife Claire.",
        [("partner", "User's wife is Claire.")],
        id="wife-named",
    ),
    pytest.param(
        "I hate cilantro.", [("dislikes:cilantro", "User hates cilantro.")], id="dislikes"
    ),
    pytest.param(
        "I don't like horror movies.",
        [("dislikes:horror_movies", "User does not like horror movies.")],
        id="does-not-like",
    ),
    pytest.param(
        "My favourite food is sushi.",
        [("favorite:food", "User's favorite food is sushi.")],
        id="favourite",
    ),
    pytest.param("I'm vegetarian.", [("diet", "User is vegetarian.")], id="diet"),
    pytest.param(
        "I'm allergic to peanuts and shellfish.",
        [
            ("allergy:peanuts", "User is allergic to peanuts."),
            ("allergy:shellfish", "User is allergic to shellfish."),
        ],
        id="allergies",
    ),
    pytest.param(
        "I'm going to Japan next month!",
        [("plan:go_japan", "User plans to go to Japan next month.")],
        id="plan-going-to-place",
    ),
    pytest.param(
        "I'm planning to run a marathon.",
        [("plan:run_marathon", "User plans to run a marathon.")],
        id="plan-planning-to",
    ),
    pytest.param(
        "I'm planning a trip to Kyoto next spring.",
        [("plan:plan_trip_kyoto", "User is planning a trip to Kyoto next spring.")],
        id="plan-planning-a-noun",
    ),
    pytest.param(
        "I will start a new job next week.",
        [("plan:start_new_job", "User will start a new job next week.")],
        id="plan-will-with-date",
    ),
    pytest.param(
        "Last Tuesday I ran a marathon.",
        [("event:ran_marathon@last_tuesday", "User ran a marathon last Tuesday.")],
        id="dated-event",
    ),
    pytest.param(
        "On 12 May I visited my grandmother in Leeds.",
        [
            (
                "event:visited_grandmother@on_12_may",
                "User visited their grandmother in Leeds on 12 May.",
            )
        ],
        id="event-absolute-date",
    ),
    pytest.param(
        "I no longer have a dog.", [("pet:dog", "User no longer has a dog.")], id="retract-pet"
    ),
    pytest.param(
        "I don't live in Porto anymore.",
        [("location", "User no longer lives in Porto.")],
        id="retract-location",
    ),
    pytest.param(
        "My dog died last week.", [("pet:dog", "User no longer has a dog.")], id="pet-died"
    ),
    pytest.param("I quit my job.", [("employer", "User no longer has a job.")], id="quit-job"),
    pytest.param(
        "I'm not going to Japan anymore.",
        [("plan:go_japan", "User no longer plans to go to Japan.")],
        id="retract-plan",
    ),
    pytest.param("Where do you live?", [], id="question-ignored"),
    pytest.param("What do you think about Lisbon?", [], id="question-with-place-ignored"),
    pytest.param("Hey Mel! Good to see you! How have you been?", [], id="greeting-ignored"),
    pytest.param("haha yeah that's so true", [], id="chit-chat-ignored"),
    pytest.param("I'm so tired today.", [], id="mood-ignored"),
    pytest.param("I love it!", [], id="vague-like-ignored"),
    pytest.param("I'm 5 minutes away.", [], id="number-that-is-not-an-age"),
    pytest.param("If I lived in Paris I would be happy.", [], id="hypothetical-ignored"),
    pytest.param("I'm going to be honest with you.", [], id="going-to-without-plan"),
    pytest.param("My mom is visiting next week.", [], id="family-without-name-ignored"),
]


@pytest.mark.parametrize(("content", "expected"), EXTRACTION)
def test_extract_facts(content: str, expected: list[tuple[str, str]]) -> None:
    assert facts_of(content) == expected


@pytest.mark.parametrize(("content", "expected"), EXTRACTION)
def test_attribute_of_reads_back_every_extracted_fact(
    content: str, expected: list[tuple[str, str]]
) -> None:
    for attribute, text in expected:
        assert attribute_of(text) == attribute


def test_extract_facts_fields_topics_and_provenance() -> None:
    facts = extract_facts(
        [
            ("m1", "user", "I live in Porto."),
            ("m2", "assistant", "Porto is lovely!"),
            ("m3", "user", "Yes, I live in Porto!"),
        ]
    )
    assert facts == [
        Fact(
            text="User lives in Porto.",
            attribute="location",
            topics=("location",),
            source_message_ids=("m1", "m3"),
        )
    ]
    assert not facts[0].retraction
    assert extract_facts([("m", "user", "I no longer have a cat.")])[0].retraction


def test_extract_facts_skips_assistant_system_and_tool_turns_by_default() -> None:
    messages = [
        ("a", "assistant", "Great, so you moved to Lisbon last month!"),
        ("s", "system", "I live in Rome."),
        ("t", "tool", "I live in Rome."),
    ]
    assert extract_facts(messages) == []
    with_assistant = extract_facts(messages, include_assistant=True)
    assert [(f.text, f.source_message_ids) for f in with_assistant] == [
        ("User lives in Lisbon.", ("a",))
    ]


def test_assistant_first_person_is_not_the_user() -> None:
    assert extract_facts([("a", "assistant", "I love Lisbon.")], include_assistant=True) == []


def test_third_person_task_text_is_read() -> None:
    assert facts_of("The user moved to Berlin and works at SAP.") == [
        ("location", "User lives in Berlin."),
        ("employer", "User works at SAP."),
    ]


# --- attribute_of on memories written by anyone --------------------------------------------


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        pytest.param("Ana lives in Porto", "location", id="named-subject"),
        pytest.param("Lives in Porto", "location", id="no-subject"),
        pytest.param("I moved to Lisbon", "location", id="first-person"),
        pytest.param("The user works at Siemens as an engineer", "employer", id="works-at"),
        pytest.param("Works as a nurse", "job", id="works-as"),
        pytest.param("Ana's dog is called Rex", "pet:dog", id="possessive-pet"),
        pytest.param("Enjoys hiking in the Alps", "likes:hiking_alps", id="likes-phrase"),
        pytest.param("Name is Ana", "name", id="name"),
        pytest.param("User no longer lives in Porto.", "location", id="retraction"),
        pytest.param("Had a nice chat about the weather", None, id="no-slot"),
        pytest.param("", None, id="empty"),
    ],
)
def test_attribute_of(text: str, attribute: str | None) -> None:
    assert attribute_of(text) == attribute


def test_fact_from_text_fills_attribute_and_topics() -> None:
    fact = fact_from_text("Ana moved to Lisbon", source_message_ids=["m9"])
    assert fact == Fact("Ana moved to Lisbon", "location", ("location",), ("m9",))
    assert fact_from_text("Talked about the weather").attribute == "other"


# --- decide_ops -------------------------------------------------------------------------------

Op = tuple[str, str | None, str | None]


def ops_for(
    contents: list[str], existing: list[tuple[str, str]]
) -> list[tuple[str, str | None, str | None]]:
    facts = extract_facts([(f"m{i}", "user", c) for i, c in enumerate(contents)])
    return [(op.op, op.memory_id, op.memory) for op in decide_ops(facts, existing)]


@pytest.mark.parametrize(
    ("contents", "existing", "expected"),
    [
        pytest.param(
            ["I moved to Lisbon."],
            [("a", "User lives in Porto.")],
            [("update", "a", "User lives in Lisbon.")],
            id="moved-updates-location",
        ),
        pytest.param(
            ["I moved to Lisbon."],
            [("a", "Ana lives in Porto")],
            [("update", "a", "User lives in Lisbon.")],
            id="updates-memory-in-other-wording",
        ),
        pytest.param(
            ["I work at Siemens now."],
            [("a", "User works at Google."), ("b", "User lives in Porto.")],
            [("update", "a", "User works at Siemens.")],
            id="new-job-updates-employer",
        ),
        pytest.param(
            ["I'm 35 now."],
            [("a", "User is 34 years old.")],
            [("update", "a", "User is 35 years old.")],
            id="age-updates",
        ),
        pytest.param(
            ["I live in Porto."],
            [("a", "User lives in Porto.")],
            [("noop", "a", None)],
            id="repeat-is-noop",
        ),
        pytest.param(
            ["My name is Ana."],
            [("a", "Name is Ana")],
            [("noop", "a", None)],
            id="same-value-other-wording-is-noop",
        ),
        pytest.param(
            ["I have a dog."],
            [("a", "User has a dog named Rex.")],
            [("noop", "a", None)],
            id="less-information-is-noop",
        ),
        pytest.param(
            ["I love sushi."],
            [("a", "User likes pizza.")],
            [("add", None, "User loves sushi.")],
            id="likes-do-not-conflict",
        ),
        pytest.param(
            ["I hate sushi."],
            [("a", "User loves sushi.")],
            [("update", "a", "User hates sushi.")],
            id="dislike-updates-like-of-same-thing",
        ),
        pytest.param(
            ["I have a cat named Tom."],
            [("a", "User has a dog named Rex.")],
            [("add", None, "User has a cat named Tom.")],
            id="cat-does-not-conflict-with-dog",
        ),
        pytest.param(
            ["I no longer have a dog."],
            [("a", "User has a dog named Rex."), ("b", "User has a cat.")],
            [("delete", "a", None)],
            id="retraction-deletes",
        ),
        pytest.param(
            ["I don't live in Porto anymore."],
            [("a", "User lives in Lisbon.")],
            [("noop", None, None)],
            id="retraction-of-other-value-deletes-nothing",
        ),
        pytest.param(
            ["I quit my job."],
            [("a", "User works at Google."), ("b", "User works as a nurse."), ("c", "Likes tea")],
            [("delete", "a", None), ("delete", "b", None)],
            id="quit-ends-employer-and-job",
        ),
        pytest.param(
            ["I live in Porto. Actually no, I just moved to Lisbon."],
            [],
            [("noop", None, None), ("add", None, "User lives in Lisbon.")],
            id="later-fact-of-same-batch-wins",
        ),
        pytest.param(
            ["I live in Porto.", "I moved to Lisbon."],
            [("a", "User lives in Berlin.")],
            [("noop", "a", None), ("update", "a", "User lives in Lisbon.")],
            id="one-memory-updated-once-per-batch",
        ),
    ],
)
def test_decide_ops(
    contents: list[str], existing: list[tuple[str, str]], expected: list[Op]
) -> None:
    assert ops_for(contents, existing) == expected


def test_decide_ops_carries_topics_and_sources() -> None:
    facts = extract_facts([("m1", "user", "I moved to Lisbon."), ("m2", "user", "I love jazz.")])
    ops = decide_ops(facts, [("a", "User lives in Porto.")])
    assert [(o.op, o.topics, o.source_message_ids) for o in ops] == [
        ("update", ["location"], ["m1"]),
        ("add", ["preferences"], ["m2"]),
    ]


def test_decide_ops_accepts_facts_built_from_plain_text() -> None:
    # The provider builds facts from a model's text, with attribute_of possibly None.
    fact = Fact("User lives in Lisbon.", attribute_of("User lives in Lisbon.") or "other")
    odd = Fact("Talked about the weather", None)  # type: ignore[arg-type]
    ops = decide_ops([fact, odd], [("a", "Lives in Porto")])
    assert [(o.op, o.memory_id) for o in ops] == [("update", "a"), ("add", None)]


# --- summarize --------------------------------------------------------------------------------

CHAT = [
    ("user", "Hi there!"),
    ("assistant", "Hello! How can I help you today?"),
    ("user", "So I just moved to Lisbon last month for a new job at Siemens."),
    ("assistant", "Congratulations! How are you finding it?"),
    ("user", "It's great, thanks. My sister Ana lives in Berlin, so I miss her."),
    ("user", "lol yeah"),
    ("user", "I have a dog named Rex and I love sushi."),
    ("user", "Ok cool"),
    ("user", "What do you think about the weather?"),
]


def test_summarize_picks_fact_sentences_over_chit_chat() -> None:
    summary, topics = summarize(CHAT, max_sentences=3)
    assert summary == (
        "User: So I just moved to Lisbon last month for a new job at Siemens. "
        "User: My sister Ana lives in Berlin, so I miss her. "
        "User: I have a dog named Rex and I love sushi."
    )
    assert topics == ["location", "work", "family", "pets", "preferences"]


def test_summarize_incremental_stays_bounded_and_drops_overridden_sentences() -> None:
    summary, _ = summarize(CHAT, max_sentences=3)
    for day in range(1, 6):
        turn = f"I visited museum number {day} in Paris on {day} May."
        summary, _ = summarize([("user", turn)], previous=summary, max_sentences=3)
        assert len(split_sentences(summary)) <= 3
    moved, _ = summarize(
        [("user", "Actually I moved to Porto now.")], previous=summary, max_sentences=3
    )
    assert "User: Actually I moved to Porto now." in moved
    assert "Lisbon" not in moved


def test_summarize_edge_cases() -> None:
    assert summarize([]) == ("", [])
    assert summarize([("user", "I live in Porto.")], max_sentences=0) == ("", [])
    assert summarize([], previous="User: I live in Porto.") == (
        "User: I live in Porto.",
        ["location", "Porto"],
    )
    assert summarize([("system", "I live in Porto.")]) == ("", [])


# --- answer -----------------------------------------------------------------------------------

MEMORIES = [
    "User lives in Lisbon.",
    "User works at Siemens.",
    "User ran a marathon last Tuesday.",
    "User has two kids.",
    "User has a dog named Rex.",
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        pytest.param("Where does the user live?", "Lisbon", id="where"),
        pytest.param("When did the user run a marathon?", "last Tuesday", id="when"),
        pytest.param("How many kids does the user have?", "two", id="how-many"),
        pytest.param("What is the name of the user's dog?", "Rex", id="name"),
        pytest.param("Where does the user work?", "Siemens", id="where-work"),
        pytest.param("Does the user have a dog?", "User has a dog named Rex.", id="sentence"),
        pytest.param("What is the capital of France?", NO_ANSWER, id="no-overlap"),
        pytest.param("Why?", NO_ANSWER, id="only-stopwords"),
    ],
)
def test_answer(question: str, expected: str) -> None:
    assert answer(question, MEMORIES) == expected


def test_answer_reads_summaries_and_relates_live_to_moved() -> None:
    summary = (
        "User: So I just moved to Lisbon last month for a new job at Siemens. User: I love sushi."
    )
    assert answer("Where does the user live?", [summary]) == "Lisbon"
    assert answer("What food does the user love?", [summary]) == "I love sushi."
    assert answer("Where does the user live?", []) == NO_ANSWER


# --- scores -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("The Cat, and the HAT!", "cat hat", id="articles-and-punctuation"),
        pytest.param("  an  apple\ta day ", "apple day", id="whitespace"),
        pytest.param("Don't stop", "dont stop", id="apostrophe-deleted"),
        pytest.param("“Café” — São Paulo", "café são paulo", id="unicode-punctuation"),
        pytest.param("", "", id="empty"),
    ],
)
def test_normalize_answer(text: str, expected: str) -> None:
    assert normalize_answer(text) == expected


@pytest.mark.parametrize(
    ("prediction", "gold", "stem", "expected"),
    [
        pytest.param("the cat sat", "cat sat down", False, 0.8, id="brief-example"),
        pytest.param("Lisbon", "Lisbon", False, 1.0, id="exact"),
        pytest.param("User lives in Lisbon", "Lisbon", False, 0.4, id="contained"),
        pytest.param("dogs running", "dog runs", False, 0.0, id="no-stem"),
        pytest.param("dogs running", "dog runs", True, 1.0, id="stemmed"),
        pytest.param("a an the", "", False, 1.0, id="both-empty"),
        pytest.param("", "Lisbon", False, 0.0, id="empty-prediction"),
        pytest.param("cat cat cat", "cat", False, 0.5, id="repeats-count-once-in-overlap"),
    ],
)
def test_token_f1(prediction: str, gold: str, stem: bool, expected: float) -> None:
    assert token_f1(prediction, gold, stem=stem) == expected


@pytest.mark.parametrize(
    ("gold", "prediction", "expected"),
    [
        pytest.param("Lisbon", "lisbon.", (True, 1.0), id="normalized-exact"),
        pytest.param("Lisbon", "User lives in Lisbon.", (True, 1.0), id="gold-contained"),
        pytest.param("2", "In 2023", (False, 0.0), id="containment-is-whole-words"),
        pytest.param("7 May 2023", "May 7, 2023", (True, 1.0), id="f1-reorder"),
        pytest.param("running marathons", "he runs a marathon", (True, 0.8), id="f1-stemmed"),
        pytest.param("Porto", "Lisbon", (False, 0.0), id="wrong"),
        pytest.param("Not mentioned in the conversation", NO_ANSWER, (True, 1.0), id="abstain"),
        pytest.param("Porto", NO_ANSWER, (False, 0.0), id="abstain-wrong"),
    ],
)
def test_judge(gold: str, prediction: str, expected: tuple[bool, float]) -> None:
    assert judge("Where?", gold, prediction) == expected


def test_judge_threshold() -> None:
    assert judge("q", "cat sat down", "the cat sat", threshold=0.9) == (False, 0.8)
    assert judge("q", "cat sat down", "the cat sat", threshold=0.8) == (True, 0.8)


CANDIDATES = [
    ("a", "User likes sushi."),
    ("b", "User lives in Porto and works in Porto."),
    ("c", "User lived in Rome before."),
    ("d", "User has a dog."),
    ("e", "User moved to Porto from Rome."),
]


@pytest.mark.parametrize(
    ("query", "limit", "expected"),
    [
        pytest.param("where does the user live", 5, ["b", "c"], id="stemmed-and-zero-dropped"),
        pytest.param("living in Porto or Rome", 5, ["b", "c", "e"], id="overlap-order"),
        pytest.param("living in Porto or Rome", 1, ["b"], id="limit"),
        pytest.param("Porto", 5, ["b", "e"], id="ties-in-input-order"),
        pytest.param("the user", 5, [], id="stopwords-only"),
        pytest.param("Porto", 0, [], id="zero-limit"),
    ],
)
def test_choose_ids(query: str, limit: int, expected: list[str]) -> None:
    assert choose_ids(query, CANDIDATES, limit=limit) == expected


def test_choose_ids_returns_each_id_once() -> None:
    assert choose_ids("porto", [("a", "Porto"), ("a", "Porto!")], limit=5) == ["a"]


# --- words ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        pytest.param("lives", "live", id="plural-s"),
        pytest.param("living", "live", id="ing-restores-e"),
        pytest.param("moved", "move", id="ed"),
        pytest.param("running", "run", id="double-consonant"),
        pytest.param("ponies", "poni", id="ies"),
        pytest.param("caresses", "caress", id="sses"),
        pytest.param("relational", "relate", id="ational"),
        pytest.param("user's", "user", id="possessive"),
        pytest.param("café", "café", id="non-ascii-unchanged"),
    ],
)
def test_stem_word(word: str, stem: str) -> None:
    assert stem_word(word) == stem


def test_tokenize_words_is_lowercase_and_unicode_aware() -> None:
    assert tokenize_words("I’m in São Paulo, don't ask! 漢字 x_y") == [
        "i'm",
        "in",
        "são",
        "paulo",
        "don't",
        "ask",
        "漢字",
        "x",
        "y",
    ]


def test_split_sentences_keeps_abbreviations_and_initials() -> None:
    text = "Dr. Smith met J. K. Rowling. Wow! Really?\nNew line"
    assert split_sentences(text) == [
        "Dr. Smith met J. K. Rowling.",
        "Wow!",
        "Really?",
        "New line",
    ]


def test_public_surface() -> None:
    assert set(rules.__all__) >= {
        "Fact",
        "NO_ANSWER",
        "STOPWORDS",
        "answer",
        "attribute_of",
        "choose_ids",
        "decide_ops",
        "extract_facts",
        "judge",
        "normalize_answer",
        "summarize",
        "token_f1",
        "tokenize_words",
    }
    assert {"the", "and", "i"} <= STOPWORDS
    assert "porto" not in STOPWORDS
    assert NO_ANSWER == "I don't know."


# --- properties -------------------------------------------------------------------------------

# Words the rules react to, mixed with arbitrary unicode, reach deep into the patterns.
_CUE_WORDS = re.split(
    r"\s+",
    "I i'm I’m my we you user's User live lives in moved to from Porto lisbon work at as job dog "
    "cat named called love hate don't not no longer anymore next last Tuesday week going will "
    "plan is am have has 34 years old sister wife married quit died . , ! ? ; and but",
)
_texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(_CUE_WORDS), st.text(max_size=8)), max_size=30).map(
        " ".join
    ),
)


@settings(max_examples=300, deadline=None)
@given(text=_texts, other=_texts)
def test_rules_never_raise_and_are_deterministic(text: str, other: str) -> None:
    messages = [("m1", "user", text), ("m2", "assistant", other)]
    facts = extract_facts(messages, include_assistant=True)
    assert facts == extract_facts(messages, include_assistant=True)
    for fact in facts:
        assert fact.text.startswith("User")
        assert fact.source_message_ids
    existing = [("x", other), ("y", "User lives in Porto.")]
    assert decide_ops(facts, existing) == decide_ops(facts, existing)
    summary = summarize([("user", text), ("assistant", other)], previous=other, max_sentences=3)
    assert summary == summarize(
        [("user", text), ("assistant", other)], previous=other, max_sentences=3
    )
    assert answer(text, [other, text]) == answer(text, [other, text])
    assert isinstance(attribute_of(text), str | None)
    correct, score = judge(text, other, text)
    assert 0.0 <= score <= 1.0 and isinstance(correct, bool)
    assert choose_ids(text, [("a", other), ("b", text)], limit=1) in ([], ["a"], ["b"])
