"""Probes about what changes and when: knowledge updates and dated events (v1 generator).

Split from `synth_probes` (which calls these two in its fixed order, so every draw stays
where it was). Lives beside the generator only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from synth_conversation import Layout
from synth_dates import elapsed, spellings
from synth_persona import Persona
from synth_pools import EVENTS

Add = Callable[..., None]
"""Adds one probe: (question or questions, answers, evidence tags, category, **options)."""
_NO = ["no", "they broke up", "broke up", "split up"]
_CANCELLED = ["no", "cancelled", "it was cancelled", "called off"]


def updates(p: Persona, lay: Layout, add: Add, before: Callable[[str], int]) -> None:
    """Probes on values that changed (`before(tag)` is the session a stale value is asked after)."""
    c = p.ctx
    if "move" in p.updates:
        add("Where does {name} live?", [c["city"]], ["home"], after=before("move"))
        add(
            (
                "Where does {name} live now?",
                "Which city is {name} living in these days?",
                "Where is {name} based now?",
            ),
            [c["new_city"]],
            ["move"],
            "knowledge-update",
            stale=[c["city"]],
        )
    else:
        add("Which city does {name} live in?", [c["city"]], ["home"])
    if "job_change" in p.updates:
        add("Where does {name} work?", [c["employer"]], ["job"], after=before("job_change"))
        add(
            ("Where does {name} work now?", "Who is {name}'s current employer?"),
            [c["new_employer"]],
            ["job_change"],
            "knowledge-update",
            stale=[c["employer"]],
        )
        add(
            "What is {name}'s job now?",
            [c["new_job"]],
            ["job_change"],
            "knowledge-update",
            stale=[c["job"]],
        )
    else:
        add("What does {name} do for a living?", [c["job"]], ["job"])
        add("Which company does {name} work for?", [c["employer"]], ["job"])
    if "breakup" in p.updates:
        add(
            "What is the name of {name}'s {prel}?",
            [c["partner"]],
            ["partner"],
            after=before("breakup"),
        )
        if p.new_partner:
            add(
                "Who is {name} dating now?",
                [c["new_partner"]],
                ["breakup", "new_partner"],
                "knowledge-update",
                stale=[c["partner"]],
            )
        else:
            add(
                "Is {name} still with {partner}?",
                list(_NO),
                ["breakup"],
                "knowledge-update",
                stale=["yes"],
            )
    elif p.has_partner:
        add("What is the name of {name}'s {prel}?", [c["partner"]], ["partner"])
    if "drink_change" in p.updates:
        add(
            "What does {name} usually drink?", [c["drink"]], ["drink"], after=before("drink_change")
        )
        add(
            ("What is {name}'s go-to drink these days?", "What does {name} drink now?"),
            [c["new_drink"]],
            ["drink_change"],
            "knowledge-update",
            stale=[c["drink"]],
        )
    else:
        add("What does {name} usually drink?", [c["drink"]], ["drink"])
    if "trip_cancel" in p.updates:
        add(
            "Where is {name} travelling in {month}?",
            [c["dest"]],
            ["trip"],
            after=before("trip_cancel"),
        )
        if p.trip_replaced:
            add(
                "Where is {name} going on holiday in {month} now?",
                [c["new_dest"]],
                ["trip_cancel"],
                "knowledge-update",
                stale=[c["dest"]],
            )
        else:
            add(
                "Is {name}'s trip to {dest} still happening?",
                list(_CANCELLED),
                ["trip_cancel"],
                "knowledge-update",
                stale=["yes"],
            )
    else:
        add("Where has {name} planned a trip for {month}?", [c["dest"]], ["trip"])
        add("In which month is {name}'s trip to {dest}?", [c["month"]], ["trip"])


def temporal(p: Persona, lay: Layout, add: Add) -> None:
    """Probes on when the dated events happened, how far apart and how long ago."""
    at = lay.placed
    last = len(lay.dates) - 1
    days = lay.event_days
    labels = [EVENTS[i] for i in p.events]
    for slot in (0, 1):
        add(
            f"When did {{name}} {labels[slot][1]}?",
            spellings(days[slot]),
            [f"event{slot}"],
            "temporal",
        )
    first = 0 if days[0] < days[1] else 1
    a, b = (0, 1) if p.events[0] % 2 else (1, 0)
    add(
        f"Which happened first: {labels[a][2]} or {labels[b][2]}?",
        [labels[first][2], *labels[first][3]],
        ["event0", "event1"],
        "temporal",
    )
    add(
        f"How much time passed between {labels[0][2]} and {labels[1][2]}?",
        elapsed(days[0], days[1]),
        ["event0", "event1"],
        "temporal",
    )
    # "Now" is explicit: an hour after the start of the session the probe follows.
    add(
        f"As of the latest conversation, how long ago did {{name}} {labels[0][1]}?",
        elapsed(days[0], lay.dates[last].date()),
        ["event0"],
        "temporal",
        asked_at=lay.dates[last] + timedelta(hours=1),
    )
    # Mid-conversation: asked right after a session, whose day is "now".
    mid = at["event1"] + 1 if at["event1"] + 1 < last else at["event1"]
    if mid < last:
        add(
            f"How long ago did {{name}} {labels[1][1]}?",
            elapsed(days[1], lay.dates[mid].date()),
            ["event1"],
            "temporal",
            after=mid,
            asked_at=lay.dates[mid] + timedelta(hours=1),
        )
    # Multi-hop over time: which home was current when an event happened.
    if "move" in p.updates:
        move_s = at["move"]
        for slot in (0, 1):
            s = at[f"event{slot}"]
            if s != move_s:
                city, tag = (p.ctx["city"], "home") if s < move_s else (p.ctx["new_city"], "move")
                add(
                    f"Which city was {{name}} living in at the time of {labels[slot][2]}?",
                    [city],
                    [f"event{slot}", tag],
                    "multi-hop",
                )
                break
