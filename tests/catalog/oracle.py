"""Compare a catalog ``LayerType`` with the real Keras layer it models.

Tests import this as ``from oracle import check, check_invalid``.  The API is
shared between layer families: only append new functions.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

import kerascheck.catalog
from kerascheck.catalog.base import Call, Explain, Invalid

Shape = tuple


def our_layer(keras, layer_name: str, args=(), kwargs=None, input_shape=(), batch=None, called_as=None):
    """Run our model of a layer: returns ``(shape, trainable, non_trainable, explain)``.

    ``input_shape`` excludes the batch axis, as for ``keras.Input``; a list of
    shapes means a list of inputs.  ``called_as`` is the name used at the call
    site (an alias or Keras 1/2 spelling); it defaults to ``layer_name``.
    """
    name = called_as or layer_name
    lt = kerascheck.catalog.lookup(name)
    assert lt is not None, f"{name} is not in the catalog"
    cfg = lt.normalize(tuple(args), dict(kwargs or {}), name)
    if cfg.get("data_format") is None:  # the interpreter fills the effective default
        cfg["data_format"] = keras.config.image_data_format()
    inputs = _with_batch(input_shape, batch)
    ex = Explain()
    call = Call(inputs)
    shape = lt.output_shape(cfg, call, ex)
    weights = lt.weights(cfg, call, ex)
    trainable = sum(w.size for w in weights if w.trainable)
    non_trainable = sum(w.size for w in weights if not w.trainable)
    if weights:
        assert ex.lines, f"{name} creates weights but explains no derivation"
    return shape, trainable, non_trainable, ex


def keras_layer(keras, layer_name: str, args=(), kwargs=None, input_shape=(), batch=None):
    """Build and call the real Keras layer: returns ``(shape, trainable, non_trainable)``."""
    layer = getattr(keras.layers, layer_name)(*args, **dict(kwargs or {}))
    if isinstance(input_shape, list):
        inputs = [keras.Input(shape=s, batch_size=batch) for s in input_shape]
    else:
        inputs = keras.Input(shape=input_shape, batch_size=batch)
    out = layer(inputs)
    shape = [tuple(o.shape) for o in out] if isinstance(out, (list, tuple)) else tuple(out.shape)
    trainable = sum(math.prod(w.shape) for w in layer.trainable_weights)
    non_trainable = sum(math.prod(w.shape) for w in layer.non_trainable_weights)
    return shape, trainable, non_trainable


def check(keras, layer_name: str, args=(), kwargs=None, input_shape=(), batch=None, called_as=None):
    """Assert our shape and weight counts equal Keras's; return ours.

    ``layer_name`` is the Keras 3 class built for real, with the same
    ``args``/``kwargs``; ``called_as`` is an alias our side is looked up by.
    """
    expected = keras_layer(keras, layer_name, args, kwargs, input_shape, batch)
    shape, trainable, non_trainable, _ = our_layer(keras, layer_name, args, kwargs, input_shape, batch, called_as)
    assert (shape, trainable, non_trainable) == expected
    return shape, trainable, non_trainable


def check_legacy(
    keras,
    called_as: str,
    legacy_args=(),
    legacy_kwargs=None,
    *,
    layer_name: str,
    args=(),
    kwargs=None,
    input_shape=(),
    batch=None,
):
    """A Keras 1/2 spelling against the equivalent Keras 3 construction."""
    expected = keras_layer(keras, layer_name, args, kwargs, input_shape, batch)
    shape, trainable, non_trainable, _ = our_layer(
        keras, layer_name, legacy_args, legacy_kwargs, input_shape, batch, called_as
    )
    assert (shape, trainable, non_trainable) == expected
    return shape, trainable, non_trainable


def check_invalid(keras, layer_name: str, args=(), kwargs=None, input_shape=(), batch=None, code="", called_as=None):
    """Assert Keras raises for this layer and input, and we raise ``Invalid`` with ``code``."""
    with pytest.raises(Exception):
        keras_layer(keras, layer_name, args, kwargs, input_shape, batch)
    with pytest.raises(Invalid) as info:
        our_layer(keras, layer_name, args, kwargs, input_shape, batch, called_as)
    assert info.value.code == code, str(info.value)
    return info.value


def _with_batch(input_shape, batch) -> Any:
    if isinstance(input_shape, list):
        return [(batch, *s) for s in input_shape]
    return (batch, *input_shape)
