"""Numbers written back as a file writes them: integers plain, others in the shortest repr."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantees.model.format.numbers import number_text
from guarantees.model.format.uncertain import parse_uncertain


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.1, "0.1"),
        (0.1000001, "0.1000001"),
        (20.0, "20"),
        (20, "20"),
        (-3.0, "-3"),
        (1234567.0, "1234567"),
        (1e15, "1000000000000000"),
        (1e16, "1e+16"),
        (1e-7, "1e-07"),
        (0.30000000000000004, "0.30000000000000004"),
    ],
)
def test_number_text(value: float, text: str) -> None:
    assert number_text(value) == text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_property_number_text_reads_back_exactly(value: float) -> None:
    assert float(number_text(value)) == value
    assert not number_text(value).endswith(".0")


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (0.1000001, "0.1000001"),
        (20, "20"),
        ([0.1, 0.1000001], "[0.1, 0.1000001]"),
        ({"triangular": [0, 0.15, 0.4500001]}, "triangular(0, 0.15, 0.4500001)"),
    ],
)
def test_uncertain_values_are_shown_with_every_digit(data: object, text: str) -> None:
    assert str(parse_uncertain(data)) == text
