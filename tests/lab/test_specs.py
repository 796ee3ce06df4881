"""Experiment settings refuse what lax parsing would silently accept."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from memlab.lab.running.specs import RecallSpec


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("k", "3", id="k-text"),
        pytest.param("k", [5, "10"], id="k-list-with-text"),
        pytest.param("budget_tokens", "500", id="budget-text"),
    ],
)
def test_a_number_in_quotes_is_an_error(field: str, value: object) -> None:
    with pytest.raises(ValidationError, match=r"is text, not a number: write .* without quotes"):
        RecallSpec(**{field: value})


def test_numbers_still_parse() -> None:
    assert RecallSpec(k=[3, 5], budget_tokens=500).ks() == [3, 5]
