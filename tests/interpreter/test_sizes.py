"""The bounds on what the interpreter hands to Python's deep operations (``interpreter/sizes.py``)."""

from __future__ import annotations

import pytest

from kerascheck.interpreter.sizes import MAX_SIZE, logical_size, small

VALUES = [
    None, True, 1.5, 0, -7, 2 ** (64 * (MAX_SIZE - 1)), 2 ** (64 * MAX_SIZE), 2 ** (64 * MAX_SIZE) - 1,
    "", "x" * (MAX_SIZE - 1), "x" * MAX_SIZE, b"y" * MAX_SIZE,
    [1, 2, (3, "four")], list(range(MAX_SIZE)), list(range(MAX_SIZE - 1)), {"a": [1] * MAX_SIZE},
    frozenset({1, 2}), object(),
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_small_is_the_logical_size_within_the_bound(value):
    assert small(value) is (logical_size(value) <= MAX_SIZE)


def test_small_holds_for_all_its_values_only():
    assert small(1, "ab", None, [1, 2])
    assert not small(1, "x" * MAX_SIZE, None)
    assert small()
