"""Tensor operations (``keras.ops``) on partly known shapes; their known values are
checked against Keras by the fixtures (``fixtures/unknown/partial_shapes.py``)."""

from __future__ import annotations

import pytest

from kerascheck.catalog.base import Call, Explain, Invalid, Unresolved
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


def extract_patches(shape, size, **cfg):
    cfg = {"size": size, "data_format": "channels_last", **cfg}
    return operation("extract_patches").output_shape(cfg, Call(shape), Explain())


def test_extract_patches_lays_patches_out_as_a_convolution():
    assert extract_patches((None, 32, 32, 3), (4, 4)) == (None, 8, 8, 48)
    assert extract_patches((None, 9, 9, 2), 3, strides=2, padding="same") == (None, 5, 5, 18)
    assert extract_patches((9, 9, 2), 3, strides=1) == (7, 7, 18)
    assert extract_patches((None, 2, 9, 9), 3, data_format="channels_first") == (None, 18, 3, 3)
    with pytest.raises(Unresolved):
        extract_patches((None, 8, 8, 8, 1), (2, 2, 2))


@pytest.mark.parametrize(
    "shape, size, cfg",
    [
        ((32, 32, 3), (4, 4), {}),
        ((9, 11, 2), 3, {"strides": 2, "padding": "same"}),
        ((12, 12, 1), (3, 2), {"strides": (2, 1), "padding": "valid"}),
        ((10, 10, 4), 2, {"dilation_rate": 2, "strides": 1}),
    ],
)
def test_extract_patches_matches_keras(keras, shape, size, cfg):
    images = keras.Input(shape)
    expected = keras.ops.image.extract_patches(images, size, **cfg).shape
    assert extract_patches((None, *shape), size, **cfg) == tuple(expected)


def broadcast_to(shape, target, traced=False):
    config = {"shape": target, **({"_traced": True} if traced else {})}
    return operation("broadcast_to").output_shape(config, Call(shape), Explain())


def test_broadcast_to_gives_the_shape_keras_gives():
    assert broadcast_to((1, 1, 8), (None, 1, 8)) == (None, 1, 8)
    assert broadcast_to((5, 1, 8), (None, 1, 8)) == (None, 1, 8)  # Keras's symbolic op: the shape given
    with pytest.raises(Invalid):
        broadcast_to((3, 8), (4, 8))


def test_broadcast_to_in_a_traced_call_is_tensorflows():
    """On backend tensors a None of the shape (a size known only when the model runs)
    takes the input's size, as TensorFlow's shape inference does."""
    assert broadcast_to((1, 1, 8), (None, 1, 8), traced=True) == (None, 1, 8)
    assert broadcast_to((5, 1, 8), (None, 1, 8), traced=True) == (5, 1, 8)
    assert broadcast_to((8,), (None, 2, 8), traced=True) == (None, 2, 8)
    with pytest.raises(Unresolved):
        broadcast_to((5, 8), (1, 8), traced=True)


def concatenate(shapes, axis, traced=False):
    config = {"axis": axis, **({"_traced": True} if traced else {})}
    return operation("concatenate").output_shape(config, Call(shapes), Explain())


def test_concatenate_keeps_the_first_tensors_sizes_unless_traced():
    """Keras's symbolic op keeps the first tensor's other sizes; TensorFlow takes a size either knows."""
    assert concatenate([(None, 1, 8), (5, 2, 8)], 1) == (None, 3, 8)
    assert concatenate([(None, 1, 8), (5, 2, 8)], 1, traced=True) == (5, 3, 8)
    out = concatenate([(None, 1, 8), (Unknown(), 2, 8)], 1, traced=True)
    assert is_unknown(out[0]) and out[1:] == (3, 8)


def split(shape, sections, axis=0):
    return operation("split").output_shape({"indices_or_sections": sections, "axis": axis}, Call(shape), Explain())


def test_split_into_equal_parts_or_at_indices():
    assert split((None, 8, 12), 3, axis=-1) == [(None, 8, 4)] * 3
    assert split((None, 8, 12), [3, 7], axis=-1) == [(None, 8, 3), (None, 8, 4), (None, 8, 5)]
    assert split((None, 8, 12), [2, 2], axis=2) == [(None, 8, 2), (None, 8, 0), (None, 8, 10)]  # end - start
    assert split((None, None, 12), 2, axis=1) == [(None, None, 12)] * 2
    assert split((None, None, 12), [1, 3], axis=1) == [(None, 1, 12), (None, 2, 12), (None, None, 12)]


def test_split_keras_refuses_is_invalid_and_an_unknown_axis_unresolved():
    for sections in (5, [-2], (5, 3)):  # not divisible; negative sizes, as Keras computes them
        with pytest.raises(Invalid):
            split((None, 8, 12), sections, axis=-1)
    with pytest.raises(Unresolved):
        split((None, Unknown(), 12), 2, axis=1)


def test_normalize_keeps_the_shape_and_is_named_as_keras_names_it(keras):
    """``keras.ops.normalize`` (and Keras 2's ``K.l2_normalize`` inside a Lambda or a
    custom layer's call(), read as it)."""
    x = keras.Input((5, 4))
    out = keras.ops.normalize(x, axis=1)
    op = operation("normalize")
    assert op.name == type(out._keras_history.operation).__name__
    assert op.output_shape({"axis": 1}, Call((None, 5, 4)), Explain()) == tuple(out.shape)
