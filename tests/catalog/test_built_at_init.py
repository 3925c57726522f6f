"""``built_at_init``: the catalog says which layers Keras marks built when constructed.

A layer of a subclassed model that call() never uses keeps that state: built
with no weights (0 parameters) or unbuilt.  Every catalog layer is checked against real Keras.
"""

from __future__ import annotations

import inspect

import pytest

import kerascheck.catalog

#: a valid value for each required constructor parameter, by its name
REQUIRED = {
    "units": 4,
    "filters": 4,
    "kernel_size": 3,
    "pool_size": 2,
    "rate": 0.5,
    "stddev": 0.1,
    "factor": 0.1,
    "height_factor": 0.1,
    "width_factor": 0.1,
    "height": 4,
    "width": 4,
    "scale": 1.0,
    "axes": 1,
    "n": 2,
    "dims": (1,),
    "target_shape": (4,),
    "input_dim": 10,
    "output_dim": 4,
    "equation": "ab,bc->ac",
    "output_shape": 4,
    "activation": "relu",
    "function": lambda x: x,
    "num_heads": 2,
    "key_dim": 4,
    "head_dim": 4,
    "num_query_heads": 2,
    "num_key_value_heads": 1,
    "max_value": 1.0,
}
#: where one layer needs another value
REQUIRED_FOR = {"RandomPosterization": {"factor": 4}}


def _construct(keras, cls):
    """``cls`` with a valid value for each required parameter."""
    kwargs = {}
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if name == "self" or param.default is not param.empty or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if name == "layer":
            kwargs[name] = keras.layers.LSTM(2) if cls.__name__ == "Bidirectional" else keras.layers.Dense(2)
        elif name == "cell":
            kwargs[name] = keras.layers.SimpleRNNCell(2)
        else:
            kwargs[name] = REQUIRED_FOR.get(cls.__name__, {}).get(name, REQUIRED[name])
    return cls(**kwargs)


def _names() -> list[str]:
    return sorted({layer_type.name for layer_type in kerascheck.catalog.registry().values()})


@pytest.mark.parametrize("name", _names())
def test_built_at_init_matches_keras(keras, name):
    cls = getattr(keras.layers, name, None)
    if cls is None:
        pytest.skip(f"keras.layers has no {name}")
    layer = _construct(keras, cls)
    assert kerascheck.catalog.lookup(name).built_at_init == layer.built, (
        f"{name}: Keras marks it built at construction: {layer.built}"
    )
