"""Regularization layers against real Keras: identity shapes, no weights, rate checks."""

from __future__ import annotations

import pytest
from oracle import check, check_invalid, check_legacy

CF = {"data_format": "channels_first"}

CASES = [
    ("Dropout", (0.5,), {}, (10,)),
    ("Dropout", (0.0,), {"noise_shape": (None, 1, 4)}, (7, 4)),
    ("Dropout", (1,), {"seed": 3}, (None, 2, 3)),
    ("SpatialDropout1D", (0.2,), {}, (10, 4)),
    ("SpatialDropout1D", (0.2,), {}, (None, 4)),
    ("SpatialDropout2D", (0.2,), {}, (9, 9, 3)),
    ("SpatialDropout2D", (0.2, "channels_first"), {}, (3, 9, 9)),
    ("SpatialDropout3D", (0.2,), CF, (2, 4, 5, 6)),
    ("GaussianNoise", (0.1,), {}, (10,)),
    ("GaussianNoise", (1.0,), {}, (None, 3, 3)),
    ("GaussianDropout", (0.3,), {}, (10, 2)),
    ("AlphaDropout", (0.3,), {}, (10,)),
    ("AlphaDropout", (0.3, (None, 1)), {}, (4, 10)),
    ("ActivityRegularization", (), {}, (10,)),
    ("ActivityRegularization", (0.01, 0.02), {}, (None, 4)),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}{c[1]}{c[2]}@{c[3]}")
def test_matches_keras(keras, case):
    name, args, kwargs, shape = case
    assert check(keras, name, args, kwargs, shape)[0] == (None, *shape)


@pytest.mark.parametrize(
    "called_as, legacy_args, legacy_kwargs, name, args, kwargs, shape",
    [
        ("Dropout", (), {"p": 0.5}, "Dropout", (0.5,), {}, (10,)),
        ("GaussianNoise", (), {"sigma": 0.1}, "GaussianNoise", (0.1,), {}, (10,)),
        ("GaussianDropout", (), {"p": 0.2}, "GaussianDropout", (0.2,), {}, (10,)),
        ("SpatialDropout2D", (), {"p": 0.2, "dim_ordering": "th"}, "SpatialDropout2D", (0.2,), CF, (3, 5, 5)),
    ],
)
def test_legacy_spellings(keras, called_as, legacy_args, legacy_kwargs, name, args, kwargs, shape):
    check_legacy(keras, called_as, legacy_args, legacy_kwargs, layer_name=name, args=args, kwargs=kwargs, input_shape=shape)


@pytest.mark.parametrize(
    "name, args, shape, code",
    [
        ("Dropout", (1.5,), (10,), ""),
        ("Dropout", (-0.1,), (10,), ""),
        ("Dropout", (None,), (10,), ""),
        ("GaussianNoise", (2.0,), (10,), ""),  # Keras 3 caps stddev at 1
        ("GaussianDropout", (1.2,), (10,), ""),
        ("AlphaDropout", (-1,), (10,), ""),
        ("SpatialDropout1D", (0.2,), (10,), "KC103"),
        ("SpatialDropout2D", (0.2,), (10, 4), "KC103"),
        ("SpatialDropout3D", (0.2,), (10, 4, 3), "KC103"),
    ],
)
def test_invalid_like_keras(keras, name, args, shape, code):
    check_invalid(keras, name, args, {}, shape, code=code)
