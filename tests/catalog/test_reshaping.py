"""Reshaping layers against real Keras."""

from __future__ import annotations

import pytest
from oracle import check, check_invalid, check_legacy

import kerascheck.catalog
from kerascheck.catalog.base import Call, Explain, Unresolved
from kerascheck.unknown import Unknown, is_unknown

CF = {"data_format": "channels_first"}

CASES = [
    ("Flatten", (), {}, (7, 7, 64)),
    ("Flatten", (), {}, (5,)),
    ("Flatten", (), {}, ()),
    ("Flatten", (), CF, (3, 4, 5)),
    ("Flatten", (), {}, (None, 3)),
    ("Reshape", ((28, 28),), {}, (784,)),
    ("Reshape", ((-1, 3),), {}, (9, 9, 3)),
    ("Reshape", ((4, -1, 2),), {}, (6, 4)),
    ("Reshape", ((-1,),), {}, (2, 3, 4)),
    ("Reshape", ((-1, 3),), {}, (None, 3)),
    ("Reshape", ((5, 3),), {}, (None, 3)),
    ("Reshape", ([2, 2, 0],), {}, (0, 7)),
    ("Permute", ((2, 1),), {}, (10, 64)),
    ("Permute", ((3, 1, 2),), {}, (4, 5, None)),
    ("Permute", ((1,),), {}, (6,)),
    ("RepeatVector", (3,), {}, (32,)),
    ("RepeatVector", (1,), {}, (None,)),
    ("ZeroPadding1D", (), {}, (10, 4)),
    ("ZeroPadding1D", (3,), {}, (10, 4)),
    ("ZeroPadding1D", ((1, 4),), {}, (None, 4)),
    ("ZeroPadding1D", ((2, 0),), CF, (4, 10)),
    ("ZeroPadding2D", (), {}, (9, 9, 3)),
    ("ZeroPadding2D", (2,), {}, (9, 8, 3)),
    ("ZeroPadding2D", ((1, 2),), {}, (9, 8, 3)),
    ("ZeroPadding2D", (((1, 2), (3, 0)),), {}, (9, None, 3)),
    ("ZeroPadding2D", (((1, 2), 4),), CF, (3, 9, 8)),
    ("ZeroPadding3D", (), {}, (4, 5, 6, 2)),
    ("ZeroPadding3D", ((1, 2, (0, 3)),), {}, (4, 5, 6, 2)),
    ("ZeroPadding3D", (2,), CF, (2, 4, None, 6)),
    ("Cropping1D", (), {}, (10, 4)),
    ("Cropping1D", ((2, 5),), {}, (10, 4)),
    ("Cropping1D", (3,), {}, (None, 4)),
    ("Cropping2D", (), {}, (9, 9, 3)),
    ("Cropping2D", (2,), {}, (9, 8, 3)),
    ("Cropping2D", ((1, 3),), {}, (9, 8, 3)),
    ("Cropping2D", (((0, 2), (3, 1)),), CF, (3, 9, 8)),
    ("Cropping2D", (((4, 4), 1),), {}, (9, None, 3)),
    ("Cropping3D", (), {}, (4, 5, 6, 2)),
    ("Cropping3D", (((1, 0), 2, (0, 3)),), {}, (4, 5, 6, 2)),
    ("Cropping3D", (1,), CF, (2, 4, None, 6)),
    ("UpSampling1D", (), {}, (10, 4)),
    ("UpSampling1D", (3,), {}, (None, 4)),
    ("UpSampling2D", (), {}, (9, 8, 3)),
    ("UpSampling2D", ((2, 3),), {"interpolation": "bilinear"}, (9, None, 3)),
    ("UpSampling2D", (3,), CF, (3, 9, 8)),
    ("UpSampling3D", (), {}, (4, 5, 6, 2)),
    ("UpSampling3D", ((1, 2, 3),), CF, (2, 4, 5, 6)),
]


def case_id(case) -> str:
    name, args, kwargs, shape = case
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})@{shape}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_matches_keras(keras, case):
    name, args, kwargs, shape = case
    check(keras, name, args, kwargs, shape)


def test_fixed_batch_size(keras):
    assert check(keras, "Flatten", (), {}, (3, 4), batch=8)[0] == (8, 12)
    assert check(keras, "Reshape", ((2, -1),), {}, (3, 4), batch=8)[0] == (8, 2, 6)


@pytest.mark.parametrize(
    "called_as, legacy_kwargs, name, kwargs, shape",
    [
        ("UpSampling1D", {"length": 3}, "UpSampling1D", {"size": 3}, (5, 2)),
        ("UpSampling2D", {"dim_ordering": "th"}, "UpSampling2D", CF, (3, 5, 6)),
        ("ZeroPadding2D", {"padding": (1, 2), "dim_ordering": "th"}, "ZeroPadding2D", {"padding": (1, 2), **CF}, (3, 5, 6)),
        ("Cropping3D", {"cropping": 1, "dim_ordering": "th"}, "Cropping3D", {"cropping": 1, **CF}, (2, 4, 5, 6)),
    ],
)
def test_legacy_spellings(keras, called_as, legacy_kwargs, name, kwargs, shape):
    check_legacy(keras, called_as, (), legacy_kwargs, layer_name=name, kwargs=kwargs, input_shape=shape)


@pytest.mark.parametrize(
    "name, args, kwargs, shape, code",
    [
        ("Reshape", ((5, 5),), {}, (24,), "KC104"),
        ("Reshape", ((-1, 5),), {}, (4, 6), "KC104"),
        ("Reshape", ((0, -1),), {}, (4, 6), "KC104"),
        ("Reshape", ((-1, -1),), {}, (4, 6), "KC105"),
        ("Reshape", ((-2, 3),), {}, (4, 6), "KC105"),
        ("Permute", ((2, 1),), {}, (4, 6, 2), "KC103"),
        ("Permute", ((0, 1),), {}, (4, 6), ""),
        ("Permute", ((1, 3),), {}, (4, 6), ""),
        ("RepeatVector", (3,), {}, (4, 6), "KC103"),
        ("RepeatVector", (0,), {}, (4,), "KC105"),
        ("RepeatVector", (2.0,), {}, (4,), "KC105"),
        ("ZeroPadding2D", (1,), {}, (4, 6), "KC103"),
        ("ZeroPadding2D", ((1, 2, 3, 4),), {}, (4, 6, 1), ""),
        ("ZeroPadding1D", (-1,), {}, (4, 6), "KC105"),
        ("Cropping1D", ((3, 3),), {}, (6, 2), "KC101"),
        ("Cropping1D", (), {}, (6, 2, 1), "KC103"),
        ("Cropping2D", (((4, 4), 0),), {}, (8, 8, 3), "KC101"),
        ("Cropping2D", (((0, 0), (5, 0)),), CF, (3, 8, 5), "KC101"),
        ("Cropping2D", (-1,), {}, (8, 8, 3), "KC105"),
        ("Cropping3D", (2,), {}, (8, 4, 8, 3), "KC101"),
        ("UpSampling1D", ((2,),), {}, (8, 3), "KC105"),
        ("UpSampling1D", (0,), {}, (8, 3), "KC105"),
        ("UpSampling2D", ((2, 0),), {}, (8, 8, 3), "KC105"),
        ("UpSampling3D", (), {}, (8, 8, 3), "KC103"),
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


def test_flatten_unknown_and_explanation():
    out, ex = run("Flatten", (), {}, (None, 7, 7, 64))
    assert out == (None, 3136) and ex.lines == ["Flatten: 7 × 7 × 64 = 3,136"]
    out, _ = run("Flatten", (), {}, (None, Unknown(), 7))
    assert out[0] is None and is_unknown(out[1])
    out, _ = run("Flatten", (), {}, (None, None, Unknown()))  # Keras's None, whatever the other size
    assert out == (None, None)


def test_reshape_unknowns():
    out, ex = run("Reshape", ((-1, 3),), {}, (None, 4, 6))
    assert out == (None, 8, 3) and ex.lines == ["Reshape: -1 = 24 / 3 = 8"]
    out, _ = run("Reshape", ((-1, 3),), {}, (None, Unknown(), 6))
    assert out[0] is None and is_unknown(out[1]) and out[2] == 3
    n = Unknown()
    out, _ = run("Reshape", ((n, -1),), {}, (None, 4, 6))
    assert out[1] is n and is_unknown(out[2])
    out, _ = run("Reshape", ((n, -1),), {}, (None, None, 6))
    assert out[1] is n and out[2] is None
    with pytest.raises(Unresolved):
        run("Reshape", (Unknown(),), {}, (None, 4))


def test_spatial_unknowns():
    out, _ = run("UpSampling2D", (2,), {}, (None, Unknown(), 5, 3))
    assert is_unknown(out[1]) and out[2:] == (10, 3)
    out, _ = run("RepeatVector", (Unknown(),), {}, (None, 5))
    assert is_unknown(out[1]) and out[2] == 5
    with pytest.raises(Unresolved):
        run("Cropping2D", (Unknown(),), {}, (None, 8, 8, 3))
