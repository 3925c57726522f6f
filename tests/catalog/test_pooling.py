"""Pooling layers against real Keras."""

from __future__ import annotations

import pytest
from oracle import check, check_invalid, check_legacy, keras_layer

import kerascheck.catalog
from kerascheck.catalog.base import Call, Explain
from kerascheck.unknown import Unknown, is_unknown

CF = {"data_format": "channels_first"}

WINDOWED = [
    ("MaxPooling1D", (), {}, (10, 4)),
    ("MaxPooling1D", (3,), {}, (11, 4)),
    ("MaxPooling1D", (3, 2), {}, (11, 4)),
    ("MaxPooling1D", (2,), {"padding": "same"}, (11, 4)),
    ("MaxPooling1D", (3,), {**CF, "strides": 1}, (4, 11)),
    ("MaxPooling1D", (2,), {}, (None, 4)),
    ("MaxPooling2D", (), {}, (9, 9, 3)),
    ("MaxPooling2D", ((3, 2),), {"strides": (1, 3)}, (9, 10, 3)),
    ("MaxPooling2D", (3, 2, "same"), {}, (9, 10, 3)),
    ("MaxPooling2D", (4,), {"strides": 3, "padding": "same"}, (10, 11, 3)),
    ("MaxPooling2D", (2, None, "valid", "channels_first"), {}, (3, 9, 8)),
    ("MaxPooling2D", (3,), {"strides": 2}, (None, 7, 3)),
    ("MaxPooling3D", (), {}, (4, 5, 6, 2)),
    ("MaxPooling3D", ((1, 2, 3),), {"padding": "same"}, (4, 5, 7, 2)),
    ("MaxPooling3D", (2,), {**CF, "strides": (1, 1, 2)}, (2, 4, 5, 6)),
    ("AveragePooling1D", (2,), {}, (10, 4)),
    ("AveragePooling1D", (4, 3, "same"), {}, (10, 4)),
    ("AveragePooling2D", (2,), {}, (9, 9, 3)),
    ("AveragePooling2D", ((2, 3),), {"strides": 1}, (9, 9, 3)),
    ("AveragePooling2D", (3,), {**CF, "padding": "same"}, (3, 10, None)),
    ("AveragePooling3D", (2,), {}, (4, 5, 6, 2)),
    ("AveragePooling3D", (3, 2, "same"), {}, (4, 5, 6, 2)),
]

GLOBAL = [
    (f"Global{kind}Pooling{n}D", (), kwargs, shape)
    for kind in ("Max", "Average")
    for n, shape, cf_shape in (
        (1, (10, 4), (4, 10)),
        (2, (9, 8, 3), (3, 9, 8)),
        (3, (4, 5, 6, 2), (2, 4, 5, 6)),
    )
    for kwargs, shape in (
        ({}, shape),
        ({"keepdims": True}, shape),
        (CF, cf_shape),
        ({**CF, "keepdims": True}, cf_shape),
        ({}, (None,) * n + shape[-1:]),
    )
]


def case_id(case) -> str:
    name, args, kwargs, shape = case
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})@{shape}"


@pytest.mark.parametrize("case", WINDOWED + GLOBAL, ids=case_id)
def test_matches_keras(keras, case):
    name, args, kwargs, shape = case
    check(keras, name, args, kwargs, shape)


def test_positional_keepdims_and_batch(keras):
    assert check(keras, "GlobalAveragePooling2D", ("channels_last", True), {}, (5, 5, 3), batch=2)[0] == (2, 1, 1, 3)


@pytest.mark.parametrize(
    "alias, name",
    [
        ("MaxPool1D", "MaxPooling1D"),
        ("MaxPool2D", "MaxPooling2D"),
        ("MaxPool3D", "MaxPooling3D"),
        ("AvgPool1D", "AveragePooling1D"),
        ("AvgPool2D", "AveragePooling2D"),
        ("AvgPool3D", "AveragePooling3D"),
        ("GlobalMaxPool1D", "GlobalMaxPooling1D"),
        ("GlobalMaxPool2D", "GlobalMaxPooling2D"),
        ("GlobalMaxPool3D", "GlobalMaxPooling3D"),
        ("GlobalAvgPool1D", "GlobalAveragePooling1D"),
        ("GlobalAvgPool2D", "GlobalAveragePooling2D"),
        ("GlobalAvgPool3D", "GlobalAveragePooling3D"),
    ],
)
def test_aliases(keras, alias, name):
    rank = int(name[-2])
    args = () if name.startswith("Global") else (2,)
    check(keras, name, args, {}, (6,) * rank + (3,), called_as=alias)


@pytest.mark.parametrize(
    "called_as, legacy_kwargs, name, kwargs, shape",
    [
        ("MaxPooling1D", {"pool_length": 3, "stride": 2}, "MaxPooling1D", {"pool_size": 3, "strides": 2}, (11, 4)),
        ("AveragePooling1D", {"pool_length": 2, "border_mode": "same"}, "AveragePooling1D", {"pool_size": 2, "padding": "same"}, (11, 4)),
        ("MaxPooling2D", {"border_mode": "same", "dim_ordering": "th"}, "MaxPooling2D", {"padding": "same", **CF}, (3, 9, 9)),
        ("AveragePooling3D", {"pool_size": (2, 2, 2), "dim_ordering": "tf"}, "AveragePooling3D", {"pool_size": 2}, (4, 4, 4, 1)),
        ("GlobalAveragePooling2D", {"dim_ordering": "th"}, "GlobalAveragePooling2D", CF, (3, 9, 9)),
        # Keras 3 requires AveragePooling's pool_size; Keras 1/2 defaulted it to 2
        ("AveragePooling2D", {}, "AveragePooling2D", {"pool_size": 2}, (9, 9, 3)),
        ("AvgPool1D", {"strides": 1}, "AveragePooling1D", {"pool_size": 2, "strides": 1}, (9, 3)),
        ("AveragePooling3D", {"padding": "same"}, "AveragePooling3D", {"pool_size": 2, "padding": "same"}, (3, 4, 5, 2)),
    ],
)
def test_legacy_spellings(keras, called_as, legacy_kwargs, name, kwargs, shape):
    check_legacy(keras, called_as, (), legacy_kwargs, layer_name=name, kwargs=kwargs, input_shape=shape)


@pytest.mark.parametrize(
    "name, args, kwargs, shape, code",
    [
        ("MaxPooling2D", (3,), {}, (2, 9, 3), "KC101"),
        ("AveragePooling1D", (5,), {"strides": 1}, (4, 3), "KC101"),
        ("MaxPooling3D", (), {}, (1, 4, 4, 3), "KC101"),
        ("MaxPooling2D", (), {}, (9, 9), "KC103"),
        ("MaxPooling1D", (), {}, (9, 9, 3), "KC103"),
        ("GlobalMaxPooling2D", (), {}, (9, 3), "KC103"),
        ("GlobalAveragePooling1D", (), {}, (9, 9, 3), "KC103"),
        ("MaxPooling2D", (0,), {}, (9, 9, 3), "KC105"),
        ("MaxPooling2D", (2, 0), {}, (9, 9, 3), "KC105"),
        # Keras 3 does not lower-case a pooling layer's padding
        ("MaxPooling2D", (), {"padding": "SAME"}, (9, 9, 3), ""),
        ("AveragePooling1D", (2,), {"padding": "causal"}, (9, 3), ""),
    ],
)
def test_invalid_like_keras(keras, name, args, kwargs, shape, code):
    check_invalid(keras, name, args, kwargs, shape, code=code)


def run(name, args, kwargs, shape):
    lt = kerascheck.catalog.lookup(name)
    cfg = lt.normalize(args, kwargs, name)
    cfg.setdefault("data_format", "channels_last")
    ex = Explain()
    return lt.output_shape(cfg, Call(shape), ex), ex


def test_unknown_dims_propagate():
    out, _ = run("MaxPooling2D", (2,), {}, (None, Unknown(), 8, Unknown()))
    assert is_unknown(out[1]) and out[2] == 4 and is_unknown(out[3])
    out, _ = run("GlobalMaxPooling2D", (), {"keepdims": True}, (None, Unknown(), Unknown(), 5))
    assert out == (None, 1, 1, 5)


def test_explanation():
    out, ex = run("MaxPooling2D", (3, 2), {}, (None, 28, 9, 1))
    assert out == (None, 13, 4, 1)
    assert ex.lines == ["height = floor((28 + 0 − 3) / 2) + 1 = 13", "width = floor((9 + 0 − 3) / 2) + 1 = 4"]


def test_the_explained_shape_is_keras_shape(keras):
    assert keras_layer(keras, "MaxPooling2D", (3, 2), {}, (28, 9, 1))[0] == (None, 13, 4, 1)


def test_omitted_pool_size_is_keras2s():
    assert run("AvgPool2D", (), {}, (None, 8, 9, 3))[0] == (None, 4, 4, 3)
