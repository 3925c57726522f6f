"""Merge layers against real Keras: broadcasting, concatenation, dot products, errors."""

from __future__ import annotations

import math

import pytest
from oracle import check, check_invalid

import kerascheck.catalog
from kerascheck.catalog.base import Call, Explain, Invalid
from kerascheck.catalog.merging import legacy_merge_layer
from kerascheck.unknown import Unknown, is_unknown

ELEMENTWISE = ("Add", "Multiply", "Average", "Maximum", "Minimum")

BROADCAST = [
    [(4, 5), (4, 5)],
    [(4, 5), (1, 5)],
    [(4, 1), (1, 5)],
    [(4, 5), (5,)],
    [(5,), (3, 4, 1)],
    [(None, 5), (4, 5)],
    [(4, 5), (None, 5)],
    [(4, 5), (4, 5), (1, 5)],
    [(6,)],
    [(), (3,)],
]


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shapes", BROADCAST, ids=str)
def test_elementwise_broadcast(keras, name, shapes):
    check(keras, name, (), {}, shapes)


def test_subtract(keras):
    check(keras, "Subtract", (), {}, [(4, 5), (1, 5)])


def test_static_batch(keras):
    check(keras, "Add", (), {}, [(4, 5), (4, 5)], batch=3)
    check(keras, "Concatenate", (), {}, [(4, 5), (4, 1)], batch=3)


CONCATENATE = [
    ((), {}, [(4, 5), (4, 6)]),
    ((), {}, [(4, 5), (4, 6), (4, 1)]),
    ((), {}, [(4, None), (4, 6)]),
    ((), {}, [(None, 5), (4, 6)]),  # the first input's other dims are kept
    ((), {}, [(4, 5)]),
    ((1,), {}, [(4, 5), (3, 5)]),
    ((), {"axis": -2}, [(4, 5), (3, 5)]),
    ((), {"axis": 2}, [(2, 3, 4), (2, 5, 4)]),
    ((), {"axis": 2}, [(2, None, 4), (2, 5, None)]),
    ((), {"axis": 0}, [(4, 5), (4, 5)]),
]


@pytest.mark.parametrize("args, kwargs, shapes", CONCATENATE, ids=str)
def test_concatenate(keras, args, kwargs, shapes):
    check(keras, "Concatenate", args, kwargs, shapes)


DOT = [
    ({"axes": -1}, [(4, 5), (4, 5)]),
    ({"axes": 1}, [(4, 5), (4, 6)]),
    ({"axes": (2, 2)}, [(4, 5), (3, 5)]),
    ({"axes": [-1, -2]}, [(4, 5), (5, 4)]),
    ({"axes": 1}, [(5,), (5,)]),
    ({"axes": 1, "normalize": True}, [(None, 5), (None, 5)]),
    ({"axes": -1}, [(2, 4, 5), (2, 4, 5)]),
]


@pytest.mark.parametrize("kwargs, shapes", DOT, ids=str)
def test_dot(keras, kwargs, shapes):
    check(keras, "Dot", (), kwargs, shapes)


@pytest.mark.parametrize(
    "name, args, kwargs, shapes, code",
    [
        ("Add", (), {}, [(4, 5), (3, 5)], "KC102"),
        ("Multiply", (), {}, [(4, 5), (4, 2, 5)], "KC102"),
        ("Maximum", (), {}, [(2,), (2,), (3,)], "KC102"),
        ("Add", (), {}, (4, 5), "KC102"),  # a single tensor, not a list
        ("Subtract", (), {}, [(4, 5), (4, 5), (4, 5)], "KC102"),
        ("Concatenate", (), {}, [(4, 5), (3, 6)], "KC102"),
        ("Concatenate", (), {}, [(4, 5), (5,)], "KC102"),
        ("Concatenate", (), {}, [(1, 5), (4, 6)], "KC102"),  # no broadcasting
        ("Concatenate", (1,), {}, [(4,), (3, 5)], "KC102"),
        ("Concatenate", (5,), {}, [(4, 5), (4, 5)], ""),
        ("Concatenate", (-5,), {}, [(4, 5), (4, 5)], ""),
        ("Concatenate", (), {}, (4, 5), "KC102"),
        ("Dot", (-1,), {}, [(4, 5), (4, 6)], "KC102"),
        ("Dot", (1,), {}, [(None, 5), (4, 5)], "KC102"),  # None does not match 4
        ("Dot", (-1,), {}, [(4, 5), (4, 5), (4, 5)], "KC102"),
        ("Dot", ((1, 2, 3),), {}, [(4, 5), (4, 5)], ""),
    ],
)
def test_invalid_like_keras(keras, name, args, kwargs, shapes, code):
    check_invalid(keras, name, args, kwargs, shapes, code=code)


def _keras_batched(keras, name: str, kwargs: dict, batch_shapes: list[tuple]) -> tuple:
    layer = getattr(keras.layers, name)(**kwargs)
    return tuple(layer([keras.Input(batch_shape=s) for s in batch_shapes]).shape)


def test_different_batch_sizes(keras):
    shapes = [(2, 4), (3, 4)]
    with pytest.raises(ValueError):
        _keras_batched(keras, "Add", {}, shapes)
    with pytest.raises(Invalid) as info:
        kerascheck.catalog.lookup("Add").output_shape({}, Call(shapes), Explain())
    assert info.value.code == "KC102"


def test_one_known_batch_size(keras):
    shapes = [(2, 4), (None, 4)]
    ours = kerascheck.catalog.lookup("Add").output_shape({}, Call(shapes), Explain())
    assert ours == _keras_batched(keras, "Add", {}, shapes) == (2, 4)


LEGACY = [
    ("sum", {}, "Add", {}, [(4, 5), (4, 5)]),
    ("mul", {}, "Multiply", {}, [(4, 5), (4, 5)]),
    ("ave", {"name": "m"}, "Average", {"name": "m"}, [(4, 5), (4, 5)]),
    ("max", {}, "Maximum", {}, [(4, 5), (4, 5)]),
    ("concat", {}, "Concatenate", {"axis": -1}, [(4, 5), (4, 6)]),
    ("concat", {"concat_axis": 1}, "Concatenate", {"axis": 1}, [(4, 5), (3, 5)]),
    ("dot", {"dot_axes": 1}, "Dot", {"axes": 1, "normalize": False}, [(4, 5), (4, 6)]),
    ("dot", {}, "Dot", {"axes": -1, "normalize": False}, [(4, 5), (3, 5)]),
    ("cos", {"dot_axes": 1}, "Dot", {"axes": 1, "normalize": True}, [(5,), (5,)]),
]


@pytest.mark.parametrize("mode, kwargs, layer_name, expected, shapes", LEGACY, ids=str)
def test_legacy_merge(keras, mode, kwargs, layer_name, expected, shapes):
    class_name, changes = legacy_merge_layer(mode, {**kwargs, "output_shape": None, "node_indices": None})
    assert (class_name, changes) == (layer_name, expected)
    check(keras, layer_name, (), changes, shapes)


def test_legacy_merge_unmodelled_mode():
    assert legacy_merge_layer("custom", {}) == (None, {})


def test_unknown_dims():
    add = kerascheck.catalog.lookup("Add")
    out = add.output_shape({}, Call([(None, Unknown(), 5), (None, 4, Unknown())]), Explain())
    assert out == (None, 4, 5)
    out = add.output_shape({}, Call([(None, Unknown()), (None, 1)]), Explain())
    assert is_unknown(out[1])
    concat = kerascheck.catalog.lookup("Concatenate")
    cfg = concat.normalize((), {}, "Concatenate")
    out = concat.output_shape(cfg, Call([(None, Unknown(), 5), (None, 3, Unknown())]), Explain())
    assert is_unknown(out[1]) and is_unknown(out[2])


def test_concatenate_explanation():
    concat = kerascheck.catalog.lookup("Concatenate")
    ex = Explain()
    concat.output_shape({"axis": -1}, Call([(None, 4, 5), (None, 4, 6)]), ex)
    assert ex.lines == ["Concatenate: axis -1 = 5 + 6 = 11"]


def test_no_weights(keras):
    assert check(keras, "Dot", (1,), {}, [(8,), (8,)])[1:] == (0, 0)
    assert math.prod(check(keras, "Add", (), {}, [(2, 3), (2, 3)])[0][1:]) == 6
