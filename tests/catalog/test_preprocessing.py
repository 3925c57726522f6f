"""Preprocessing layers against real Keras: image sizes by data_format, Normalization's statistics."""

from __future__ import annotations

import pytest
from oracle import check, check_invalid, our_layer

import kerascheck.catalog
from kerascheck.catalog.base import Call, Explain, Unresolved
from kerascheck.catalog.preprocessing import SHAPE_PRESERVING
from kerascheck.unknown import Unknown

CF = {"data_format": "channels_first"}

#: constructor arguments the shape-preserving layers require
REQUIRED = {
    "Rescaling": (1 / 255,),
    "RandomRotation": (0.1,),
    "RandomZoom": (0.1,),
    "RandomTranslation": (0.1, 0.2),
    "RandomContrast": (0.1,),
    "RandomBrightness": (0.1,),
    "RandomHue": (0.1,),
    "RandomSaturation": (0.1,),
    "RandomSharpness": (0.1,),
    "RandomShear": (0.1,),
    "RandomPosterization": (1,),
}


@pytest.mark.parametrize("name", SHAPE_PRESERVING)
@pytest.mark.parametrize("shape", [(8, 8, 3), (None, None, 3)], ids=str)
def test_shape_preserving(keras, name, shape):
    check(keras, name, REQUIRED.get(name, ()), {}, shape)


@pytest.mark.parametrize("name", ["Rescaling", "RandomFlip", "RandomContrast"])
def test_shape_preserving_any_rank(keras, name):
    check(keras, name, REQUIRED.get(name, ()), {}, (5,))
    check(keras, name, REQUIRED.get(name, ()), {}, (2, 8, 8, 3))


def test_color_degeneration(keras):
    check(keras, "RandomColorDegeneration", (0.1,), {}, (8, 8, 3))
    check(keras, "RandomColorDegeneration", (0.1,), CF, (3, 8, None))


IMAGE = [
    ("Resizing", (10, 12), {}, (8, 8, 3)),
    ("Resizing", (10, 12), {}, (None, None, 3)),
    ("Resizing", (10, 12), CF, (3, 8, 8)),
    ("Resizing", (10, 12), {"crop_to_aspect_ratio": True}, (8, 6, 1)),
    ("Resizing", (10, 12), {}, (8, 8)),  # rank 3: one unbatched image, batch axis overwritten
    ("Resizing", (10, 12), CF, (8, 8)),
    ("Resizing", (10, 12), {}, (2, 8, 8, 3)),
    ("Resizing", (10, 12), {}, (8,)),
    ("CenterCrop", (4, 6), {}, (8, 8, 3)),
    ("CenterCrop", (10, 12), {}, (8, 8, 3)),  # larger than the input: Keras resizes
    ("CenterCrop", (4, 6), CF, (3, 8, 8)),
    ("CenterCrop", (4, 6), {}, (8, 8)),
    ("RandomCrop", (4, 6), {}, (8, 8, 3)),
    ("RandomCrop", (4, 6), {}, (None, None, 3)),
    ("RandomCrop", (4, 6), CF, (3, 8, 8)),
    ("RandomCrop", (4, 6), {}, (8, 8)),
    ("RandomCrop", (4, 6), {}, (2, 8, 8, 3)),
    ("RandomCrop", (4, 6), CF, (8,)),
]


@pytest.mark.parametrize("case", IMAGE, ids=lambda c: f"{c[0]}{c[1]}{c[2]}@{c[3]}")
def test_image_size(keras, case):
    check(keras, *case)


def test_resizing_unbatched_note(keras):
    *_, ex = our_layer(keras, "Resizing", (10, 12), {}, (8, 8))
    assert ex.lines == ["Resizing: Keras reads a rank-3 input as one unbatched image"]


NORMALIZATION = [
    ((), {}, (8, 8, 3)),
    ((), {}, (16,)),
    ((None,), {}, (8, 8, 3)),
    (((1, 2),), {}, (8, 6, 3)),
    (((-1, 1),), {}, (8, 6, 3)),
    ((1,), {}, (5, None)),
    ((), {"mean": 0.5, "variance": 2.0}, (8, 8, 3)),
    ((-1, [1.0, 2.0, 3.0], [1.0, 1.0, 1.0]), {}, (8, 3)),
    ((), {"invert": True}, (4,)),
]


@pytest.mark.parametrize("args, kwargs, shape", NORMALIZATION, ids=str)
def test_normalization(keras, args, kwargs, shape):
    check(keras, "Normalization", args, kwargs, shape)


def test_normalization_batch_axis(keras):
    check(keras, "Normalization", (0,), {}, (3,), batch=4)


def test_normalization_explanation(keras):
    *_, ex = our_layer(keras, "Normalization", (), {}, (8, 8, 3))
    assert ex.lines == ["Normalization: mean and variance of 3 features + 1 count = 7 (non-trainable)"]


@pytest.mark.parametrize(
    "name, args, kwargs, shape, code",
    [
        ("Normalization", (), {}, (None,), "KC103"),
        ("Normalization", (0,), {}, (3,), "KC103"),
        ("Normalization", (3,), {}, (3,), "KC103"),
        ("Normalization", (), {"mean": 0.5}, (3,), ""),
        ("CenterCrop", (4, 6), {}, (2, 8, 8, 3), "KC103"),
        ("Resizing", (4, 6), CF, (8,), "KC103"),
        ("RandomCrop", (4, 6), {}, (8,), "KC103"),
        ("RandomColorDegeneration", (0.1,), {}, (8, 8, 4), ""),
        ("RandomColorDegeneration", (0.1,), {}, (8,), "KC103"),
        ("RandomColorDegeneration", (0.1,), {}, (2, 8, 8, 3), "KC103"),
    ],
)
def test_invalid_like_keras(keras, name, args, kwargs, shape, code):
    check_invalid(keras, name, args, kwargs, shape, code=code)


def test_unknown_values():
    resizing = kerascheck.catalog.lookup("Resizing")
    height = Unknown()
    cfg = resizing.normalize((height, 12), {"data_format": "channels_last"}, "Resizing")
    assert resizing.output_shape(cfg, Call((None, 8, 8, 3)), Explain()) == (None, height, 12, 3)
    norm = kerascheck.catalog.lookup("Normalization")
    cfg = norm.normalize((), {}, "Normalization")
    with pytest.raises(Unresolved):
        norm.weights(cfg, Call((None, 8, Unknown())), Explain())
    cfg = norm.normalize((), {"mean": Unknown(), "variance": Unknown()}, "Normalization")
    assert norm.weights(cfg, Call((None, 8, 3)), Explain()) == []


def test_normalization_unknown_axis():
    norm = kerascheck.catalog.lookup("Normalization")
    cfg = norm.normalize((Unknown(),), {}, "Normalization")
    assert norm.output_shape(cfg, Call((None, 8, 3)), Explain()) == (None, 8, 3)
    with pytest.raises(Unresolved):
        norm.weights(cfg, Call((None, 8, 3)), Explain())
