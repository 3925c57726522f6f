"""The keyword arguments each catalog layer accepts (``LayerType.unknown_keywords``), against Keras.

Keras 3 raises on a keyword its constructor does not take ("Unrecognized
keyword arguments passed to Dense"); kerascheck reports it (KC107) unless it
is a Keras 1/2 spelling the catalog knows.  Each premise is checked on the
real Keras class: the catalog's ``positional`` and ``keywords`` are its
constructor's parameters, the keywords ``Layer`` takes from ``**kwargs`` are
accepted, an unknown one is refused, and the Keras 1/2 ``Layer`` keywords are
not Keras 3's.
"""

from __future__ import annotations

import inspect

import pytest

from kerascheck import catalog
from kerascheck.catalog.base import LAYER_KEYWORDS, LEGACY_LAYER_KEYWORDS, LayerType

TYPES = sorted({id(t): t for t in catalog.registry().values()}.values(), key=lambda t: t.name)

#: a value for each parameter some layer requires
REQUIRED = {
    "units": 2, "activation": "relu", "input_dim": 5, "output_dim": 2, "function": lambda x: x, "filters": 2,
    "kernel_size": 3, "pool_size": 2, "target_shape": (2,), "dims": (1,), "n": 2, "rate": 0.5, "stddev": 0.1,
    "axes": 1, "height": 4, "width": 4, "factor": 0.5, "scale": 1.0, "height_factor": 0.1, "width_factor": 0.1,
    "equation": "ab,bc->ac", "num_heads": 2, "key_dim": 2, "head_dim": 2, "num_query_heads": 2,
    "num_key_value_heads": 1,
}
FACTOR = {"RandomPosterization": 4}  # its factor is a number of bits


def keras_class(keras, layer_type: LayerType):
    return next(getattr(keras.layers, n) for n in (layer_type.name, *layer_type.aliases) if hasattr(keras.layers, n))


def parameters(cls) -> dict[str, inspect.Parameter]:
    return {n: p for n, p in inspect.signature(cls.__init__).parameters.items() if n != "self"}


def construct(keras, layer_type: LayerType, **extra):
    """The Keras layer made with its required arguments and ``extra``."""
    cls = keras_class(keras, layer_type)
    required = {}
    for name, p in parameters(cls).items():
        if p.default is p.empty and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            if name == "output_shape":
                required[name] = 2
            elif name == "cell":
                required[name] = keras.layers.LSTMCell(2)
            elif name == "layer":
                required[name] = keras.layers.LSTM(2)
            elif name == "factor":
                required[name] = FACTOR.get(layer_type.name, REQUIRED[name])
            else:
                required[name] = REQUIRED[name]
    return cls(**{**required, **extra})


@pytest.mark.parametrize("layer_type", TYPES, ids=lambda t: t.name)
def test_positional_and_keywords_are_the_keras_constructors_parameters(keras, layer_type):
    params = parameters(keras_class(keras, layer_type))
    named = {n for n, p in params.items() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
    ours = {*layer_type.positional, *layer_type.keywords}
    assert named <= ours, f"missing: {sorted(named - ours)}"
    for keyword in sorted(ours - named):  # taken out of **kwargs by the layer's __init__
        construct(keras, layer_type, **{keyword: None})


@pytest.mark.parametrize("layer_type", TYPES, ids=lambda t: t.name)
@pytest.mark.parametrize("keyword", LAYER_KEYWORDS)
def test_the_keywords_of_keras_layer_are_accepted_where_keras_passes_them_on(keras, layer_type, keyword):
    value = {"name": "x", "dtype": "float32", "trainable": False, "autocast": False, "input_shape": (4,)}
    refused = layer_type.unknown_keywords([keyword]) == [keyword]
    try:
        construct(keras, layer_type, **{keyword: value.get(keyword, None if keyword == "activity_regularizer" else 4)})
    except TypeError:  # "unexpected keyword argument", "got multiple values for keyword argument"
        assert refused
    else:
        assert not refused


@pytest.mark.parametrize("layer_type", TYPES, ids=lambda t: t.name)
def test_an_unknown_keyword_is_refused(keras, layer_type):
    with pytest.raises((ValueError, TypeError), match="Unrecognized keyword arguments|unexpected keyword"):
        construct(keras, layer_type, kernel_sizes=3)
    assert layer_type.unknown_keywords(["kernel_sizes", "name"]) == ["kernel_sizes"]


@pytest.mark.parametrize("keyword", LEGACY_LAYER_KEYWORDS)
def test_the_legacy_layer_keywords_are_not_keras_3s(keras, keyword):
    """Keras 1/2's Layer took them; Keras 3 refuses them (kerascheck: legacy, KC301)."""
    dense = catalog.lookup("Dense")
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        construct(keras, dense, **{keyword: None if keyword != "batch_input_shape" else (None, 4)})
    assert dense.unknown_keywords([keyword]) == []
