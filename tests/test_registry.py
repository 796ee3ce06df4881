"""`Registry`: the one behaviour of memlab's six name registries."""

from __future__ import annotations

import pytest

from memlab.errors import ConfigError
from memlab.lab.analysis.scorers import SCORERS
from memlab.llm.extract import EXTRACTORS
from memlab.llm.prompt import PROMPTS
from memlab.recall.base import STRATEGIES
from memlab.recall.embedders import EMBEDDERS
from memlab.registry import Registry
from memlab.triggers import TRIGGERS


def test_names_keep_registration_order_and_lookups_find_them() -> None:
    colours: Registry[str] = Registry("colour", hint="add one with colours.add(name, value)")
    colours.add("red", "#f00")
    colours.register("blue")("#00f")
    assert colours.names() == ["red", "blue"] and list(colours) == ["red", "blue"]
    assert colours.get("blue") == colours["blue"] == "#00f"
    assert "red" in colours and "green" not in colours and len(colours) == 2
    assert colours.values() == ["#f00", "#00f"]
    colours.remove("red")
    colours.remove("red")  # absent: nothing happens
    assert colours.names() == ["blue"]


def test_an_unknown_name_lists_the_known_ones_and_says_what_to_do() -> None:
    colours: Registry[str] = Registry("colour", hint="add one with colours.add(name, value)")
    colours.add("red", "#f00")
    colours.add("blue", "#00f")
    message = "unknown colour 'green'; known: 'blue', 'red'; add one with colours.add(name, value)"
    for lookup in (colours.get, colours.__getitem__):
        with pytest.raises(ConfigError) as info:
            lookup("green")
        assert str(info.value) == message


def test_a_registry_that_does_not_replace_refuses_a_different_object() -> None:
    shapes: Registry[object] = Registry("shape", hint="pick a free name", replace=False)
    square = object()
    shapes.add("square", square)
    shapes.add("square", square)  # the same object again, as on a second import: fine
    with pytest.raises(ConfigError, match="shape name 'square' is already registered"):
        shapes.add("square", object())
    replacing: Registry[int] = Registry("number", hint="-")
    replacing.add("one", 1)
    replacing.add("one", 2)
    assert replacing.get("one") == 2


def test_the_loader_runs_once_on_the_first_lookup_and_again_after_a_failure() -> None:
    calls: list[str] = []

    def load() -> None:
        calls.append("load")
        if len(calls) == 1:
            raise RuntimeError("first load fails")
        assert "builtin" not in animals  # a lookup while loading does not load again
        animals.add("builtin", "cat")

    animals: Registry[str] = Registry("animal", hint="-", loader=load)
    animals.add("mine", "dog")  # registering does not load
    assert calls == []
    with pytest.raises(RuntimeError, match="first load fails"):
        animals.names()
    assert animals.names() == ["mine", "builtin"]
    assert animals.get("builtin") == "cat" and calls == ["load", "load"]


@pytest.mark.parametrize(
    ("registry", "kind", "builtin"),
    [
        pytest.param(STRATEGIES, "recall strategy", "bm25", id="strategies"),
        pytest.param(EMBEDDERS, "embedder", "static", id="embedders"),
        pytest.param(EXTRACTORS, "extraction strategy", "agno-v2", id="extractors"),
        pytest.param(PROMPTS, "prompt", "answer", id="prompts"),
        pytest.param(SCORERS, "scorer", "token_f1", id="scorers"),
        pytest.param(TRIGGERS, "summary trigger", "session_end", id="triggers"),
    ],
)
def test_memlab_s_registries_are_registries(
    registry: Registry[object], kind: str, builtin: str
) -> None:
    assert isinstance(registry, Registry) and builtin in registry.names()
    with pytest.raises(ConfigError, match=rf"unknown {kind} 'nope'; known: .*'{builtin}'.*; "):
        registry.get("nope")
