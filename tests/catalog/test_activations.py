"""Activation layers against real Keras; PReLU's alpha weight in particular."""

from __future__ import annotations

import pytest
from oracle import check, check_invalid, check_legacy, our_layer

import kerascheck.catalog
from kerascheck.catalog.base import Call, Explain, Unresolved
from kerascheck.unknown import Unknown

CASES = [
    ("ReLU", (), {}, (10,)),
    ("ReLU", (6.0,), {}, (None, 3)),
    ("ReLU", (None, 0.1, 0.5), {}, (4, 4, 2)),
    ("LeakyReLU", (), {}, (10,)),
    ("LeakyReLU", (0.0,), {}, (None, 5)),
    ("ELU", (), {}, (10,)),
    ("ELU", (0.5,), {}, (3, None)),
    ("Softmax", (), {}, (10,)),
    ("Softmax", (1,), {}, (3, 4)),
    ("PReLU", (), {}, (10,)),
    ("PReLU", (), {}, (9, 9, 3)),
    ("PReLU", (), {"shared_axes": [1, 2]}, (9, 9, 3)),
    ("PReLU", (), {"shared_axes": [1, 2]}, (None, None, 3)),
    ("PReLU", (), {"shared_axes": 1}, (None, 4)),
    ("PReLU", (), {"shared_axes": (2, 3)}, (3, None, None)),
    ("PReLU", (), {"shared_axes": [-1]}, (5, 6, 3)),  # Keras indexes alpha with axis - 1: shares axis 2
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}{c[1]}{c[2]}@{c[3]}")
def test_matches_keras(keras, case):
    name, args, kwargs, shape = case
    assert check(keras, name, args, kwargs, shape)[0] == (None, *shape)


def test_leaky_relu_alpha(keras):
    # Keras 2 spelled it alpha; Keras 3 still accepts it with a warning.
    with pytest.warns(UserWarning):
        check(keras, "LeakyReLU", (), {"alpha": 0.2}, (4,))
    check_legacy(keras, "LeakyReLU", (), {"alpha": 0.2}, layer_name="LeakyReLU", kwargs={"negative_slope": 0.2}, input_shape=(4,))


def test_prelu_keras1_init(keras):
    check_legacy(
        keras, "PReLU", (), {"init": "zero"}, layer_name="PReLU", kwargs={"alpha_initializer": "zeros"}, input_shape=(4, 2)
    )


@pytest.mark.parametrize(
    "name, args, kwargs, shape, code",
    [
        ("ReLU", (-1.0,), {}, (10,), ""),
        ("ReLU", (), {"negative_slope": -0.1}, (10,), ""),
        ("ReLU", (), {"threshold": -1.0}, (10,), ""),
        ("LeakyReLU", (-0.3,), {}, (10,), ""),
        ("LeakyReLU", (None,), {}, (10,), ""),
        ("PReLU", (), {}, (None, 3), "KC105"),
        ("PReLU", (), {"shared_axes": [2]}, (None, 3), "KC105"),
        ("PReLU", (), {"shared_axes": [4]}, (5, 3), "KC103"),
    ],
)
def test_invalid_like_keras(keras, name, args, kwargs, shape, code):
    check_invalid(keras, name, args, kwargs, shape, code=code)


def test_prelu_explanation(keras):
    *_, ex = our_layer(keras, "PReLU", (), {"shared_axes": [1, 2]}, (9, 9, 3))
    assert ex.lines == ["PReLU: alpha of shape (1, 1, 3) = 3"]


def test_prelu_shared_unknown_axes():
    lt = kerascheck.catalog.lookup("PReLU")
    cfg = lt.normalize((), {"shared_axes": [1, 2]}, "PReLU")
    weights = lt.weights(cfg, Call((None, Unknown(), Unknown(), 8)), Explain())
    assert [w.shape for w in weights] == [(1, 1, 8)]
    with pytest.raises(Unresolved):
        lt.weights(cfg, Call((None, 4, 4, Unknown())), Explain())


def test_elementwise_functions_are_keras_activations_that_keep_the_shape(keras):
    """``ELEMENTWISE_FUNCTIONS``: every keras.activations function called on its input
    alone but glu (which halves the last axis), each keeping the input's shape."""
    from kerascheck.catalog.activations import ELEMENTWISE_FUNCTIONS

    x = keras.ops.ones((2, 3, 4))
    functions = {n for n in dir(keras.activations) if not n.startswith("_") and n not in ("get", "serialize", "deserialize")}
    assert ELEMENTWISE_FUNCTIONS == functions - {"glu", "threshold"}  # threshold needs its arguments
    for name in ELEMENTWISE_FUNCTIONS:
        assert tuple(getattr(keras.activations, name)(x).shape) == (2, 3, 4), name
    assert tuple(keras.activations.glu(x).shape) == (2, 3, 2)
