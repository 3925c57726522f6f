"""Tensor operations (``keras.ops``) on partly known shapes; their known values are
checked against Keras by the fixtures (``fixtures/unknown/partial_shapes.py``)."""

from __future__ import annotations

import pytest

from kerascheck.catalog.base import Call, Explain, Unresolved
from kerascheck.catalog.operations import operation
from kerascheck.unknown import Unknown, is_unknown


def reshape(shape, newshape):
    return operation("reshape").output_shape({"newshape": newshape}, Call(shape), Explain())


def test_reshape_keeps_known_sizes():
    assert reshape((2, 3, 4), (-1, 12)) == (2, 12)
    width = Unknown()
    out = reshape((2, width, 4), (2, -1, 4))
    assert out[0] == 2 and is_unknown(out[1]) and out[2] == 4
    out = reshape((2, 3, 4), (-1, width))
    assert is_unknown(out[0]) and out[1] is width


def test_reshape_of_a_dynamic_size_infers_none():
    """Keras cannot infer -1 beside a None, whatever the unknown sizes are."""
    width = Unknown()
    assert reshape((None, width, 6), (-1, width)) == (None, width)
    assert reshape((None, 7, 6), (-1, None, 3)) == (None, None, 3)


def test_reshape_to_an_unknown_shape():
    with pytest.raises(Unresolved):
        reshape((None, 4), Unknown())
