"""Normalization layers against real Keras: shapes, weight counts, errors."""

from __future__ import annotations

import pytest
from oracle import check, check_invalid, check_legacy, our_layer

import kerascheck.catalog
from kerascheck.catalog.base import Call, Explain, Invalid, Unresolved
from kerascheck.unknown import Unknown

CASES = [
    ("BatchNormalization", (), {}, (64,)),
    ("BatchNormalization", (), {}, (8, 8, 32)),
    ("BatchNormalization", (1,), {}, (3, 8, 8)),  # channels_first idiom
    ("BatchNormalization", (), {"axis": -2}, (5, 7)),
    ("BatchNormalization", (), {"center": False}, (4, 6)),
    ("BatchNormalization", (), {"scale": False}, (4, 6)),
    ("BatchNormalization", (), {"center": False, "scale": False}, (6,)),
    ("BatchNormalization", (), {"renorm": True}, (5,)),
    ("BatchNormalization", (-1, 0.9, 1e-5, False), {}, (None, 10)),
    ("LayerNormalization", (), {}, (10, 64)),
    ("LayerNormalization", (), {"axis": [1, 2]}, (4, 5)),
    ("LayerNormalization", (), {"axis": (-1, 1)}, (4, 5, 6)),
    ("LayerNormalization", (), {"axis": 1}, (4, None)),
    ("LayerNormalization", (), {"center": False}, (7,)),
    ("LayerNormalization", (), {"scale": False, "center": False}, (7,)),
    ("RMSNormalization", (), {}, (4, 5)),
    ("RMSNormalization", (), {"axis": [1, 2]}, (4, 5)),
    ("GroupNormalization", (4,), {}, (8,)),
    ("GroupNormalization", (), {}, (8, 8, 64)),
    ("GroupNormalization", (-1,), {}, (4, 4, 6)),
    ("GroupNormalization", (2,), {"axis": 1, "center": False}, (6, None, None)),
    ("GroupNormalization", (1,), {"scale": False}, (None, 5)),
    ("UnitNormalization", (), {}, (10,)),
    ("UnitNormalization", (), {"axis": [1, 2]}, (4, None)),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}{c[1]}{c[2]}@{c[3]}")
def test_matches_keras(keras, case):
    name, args, kwargs, shape = case
    assert check(keras, name, args, kwargs, shape)[0] == (None, *shape)


def test_rms_scaling(keras):
    # Deprecated in Keras 3 but accepted: gamma only, even with scale=False.
    with pytest.warns(UserWarning):
        check(keras, "LayerNormalization", (), {"rms_scaling": True, "scale": False}, (4, 5))


def test_batch_axis_with_static_batch(keras):
    check(keras, "BatchNormalization", (), {"axis": 0}, (4,), batch=3)


def test_keras1_positional_order(keras):
    # Keras 1: BatchNormalization(epsilon, mode, axis, momentum).
    check_legacy(
        keras, "BatchNormalization", (1e-3, 0, 1), {}, layer_name="BatchNormalization", args=(1,), input_shape=(3, 8, 8)
    )
    check_legacy(
        keras,
        "BatchNormalization",
        (),
        {"mode": 2, "beta_init": "zero", "gamma_init": "one"},
        layer_name="BatchNormalization",
        input_shape=(16,),
    )


@pytest.mark.parametrize(
    "name, args, kwargs, shape, code",
    [
        ("BatchNormalization", (), {"axis": 3}, (3, 8), "KC103"),
        ("BatchNormalization", (), {}, (None,), "KC103"),
        ("BatchNormalization", (), {"axis": 0}, (4,), "KC103"),  # the batch axis is None
        ("BatchNormalization", (), {"axis": [1, 2]}, (4, 5), ""),
        ("LayerNormalization", (), {"axis": 4}, (4, 5), "KC103"),
        ("LayerNormalization", (), {}, (None,), "KC103"),
        ("RMSNormalization", (), {"axis": -4}, (4, 5), "KC103"),
        ("GroupNormalization", (4,), {}, (6,), ""),
        ("GroupNormalization", (8,), {}, (6,), ""),
        ("GroupNormalization", (0,), {}, (6,), "KC105"),
        ("GroupNormalization", (), {}, (None,), "KC103"),
        ("UnitNormalization", (), {"axis": 3}, (4, 5), "KC103"),
    ],
)
def test_invalid_like_keras(keras, name, args, kwargs, shape, code):
    check_invalid(keras, name, args, kwargs, shape, code=code)


def test_explanations(keras):
    *_, ex = our_layer(keras, "BatchNormalization", (), {}, (64,))
    assert ex.lines == [
        "BatchNormalization: 4 × 64 channels = 256 (128 trainable gamma/beta, 128 non-trainable moving mean/variance)"
    ]
    *_, ex = our_layer(keras, "LayerNormalization", (), {"axis": [1, 2]}, (4, 5))
    assert ex.lines == ["LayerNormalization: 2 × 20 features = 40 (gamma/beta)"]
    *_, ex = our_layer(keras, "GroupNormalization", (4,), {"center": False}, (8,))
    assert ex.lines == ["GroupNormalization: 1 × 8 channels = 8 (gamma)"]


def test_unknown_channels():
    lt = kerascheck.catalog.lookup("BatchNormalization")
    cfg = lt.normalize((), {}, "BatchNormalization")
    shape = (None, 8, Unknown())
    assert lt.output_shape(cfg, Call(shape), Explain()) is shape
    with pytest.raises(Unresolved):
        lt.weights(cfg, Call(shape), Explain())


@pytest.mark.parametrize("shape", [(None, 8, Unknown()), (None, 8, None)], ids=["unknown", "dynamic"])
def test_layer_normalization_without_weights_needs_no_size(shape):
    lt = kerascheck.catalog.lookup("LayerNormalization")
    cfg = lt.normalize((), {"center": False, "scale": False}, "LayerNormalization")
    assert lt.weights(cfg, Call(shape), Explain()) == []
    cfg = lt.normalize((), {"center": False, "scale": False, "axis": 3}, "LayerNormalization")
    with pytest.raises(Invalid):
        lt.weights(cfg, Call(shape), Explain())


@pytest.mark.parametrize("name", ["BatchNormalization", "LayerNormalization", "UnitNormalization"])
def test_unknown_axis_keeps_shape(name):
    lt = kerascheck.catalog.lookup(name)
    cfg = lt.normalize((), {"axis": Unknown()}, name)
    assert lt.output_shape(cfg, Call((None, 4, 5)), Explain()) == (None, 4, 5)
    if name != "UnitNormalization":
        with pytest.raises(Unresolved):
            lt.weights(cfg, Call((None, 4, 5)), Explain())
