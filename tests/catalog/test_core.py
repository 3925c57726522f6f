"""Core layers against real Keras: what Embedding's constructor rejects; Lambda's declared shapes."""

from __future__ import annotations

import pytest

from helpers import only_model
from oracle import check, check_invalid

import kerascheck.catalog
from kerascheck.catalog.base import Call, Explain
from kerascheck.unknown import Unknown, is_unknown


@pytest.mark.parametrize("args", [(0, 8), (5, 0), (-1, 8), (5.0, 8), (True, 8)], ids=str)
def test_embedding_sizes_must_be_positive_integers(keras, args):
    error = check_invalid(keras, "Embedding", args, input_shape=(10,), code="KC105")
    assert "must be a positive integer" in str(error)


def test_embedding(keras):
    assert check(keras, "Embedding", (5, 8), input_shape=(10,)) == ((None, 10, 8), 40, 0)


def test_lambda_declared_output_shape_partly_known():
    """A Lambda's declared ``output_shape`` keeps its known sizes when one is unknown."""
    lt = kerascheck.catalog.lookup("Lambda")
    width = Unknown()
    cfg = lt.normalize((lambda t: t,), {"output_shape": (width, 2)}, "Lambda")
    assert lt.output_shape(cfg, Call((None, 7)), Explain()) == (None, width, 2)
    cfg = lt.normalize((lambda t: t,), {"output_shape": ((3,), (4,))}, "Lambda")
    assert is_unknown(lt.output_shape(cfg, Call((None, 7)), Explain()))


def test_lambda_output_shape_function_that_gives_no_shape_is_unknown():
    """``output_shape=function``: what it returns is the shape when it reads as one, else unknown."""
    model = only_model("""
        import keras
        inputs = keras.Input((6,))
        a = keras.layers.Lambda(lambda t: t, output_shape=lambda s: (s[0], s[1] // 2))(inputs)
        b = keras.layers.Lambda(lambda t: t, output_shape=lambda s: unknown_helper(s))(a)
        model = keras.Model(inputs, b)
    """)
    assert [row["output_shape"] for row in model["layers"]] == [[None, 3], None]
