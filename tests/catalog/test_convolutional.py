"""Convolution layers against real Keras: shapes, parameter counts, errors."""

from __future__ import annotations

import pytest
from oracle import check, check_invalid, check_legacy, keras_layer, our_layer

import kerascheck.catalog
from kerascheck.catalog.base import Call, Explain, Invalid, Unresolved
from kerascheck.unknown import Unknown, is_unknown

CF = {"data_format": "channels_first"}

CONV = [
    # Conv1D
    ("Conv1D", (8, 3), {}, (10, 4)),
    ("Conv1D", (8, 3), {"strides": 2}, (11, 4)),
    ("Conv1D", (8, 4), {"strides": 3, "padding": "same"}, (11, 4)),
    ("Conv1D", (8, 3), {"padding": "causal", "dilation_rate": 2}, (9, 4)),
    ("Conv1D", (8, 3), {"dilation_rate": 3}, (13, 4)),
    ("Conv1D", (6, 3), {"groups": 2, "use_bias": False}, (10, 4)),
    ("Conv1D", (8, 3), CF, (4, 10)),
    ("Conv1D", (8, 3), {"strides": 2}, (None, 4)),
    ("Conv1D", (8, 5, 2, "same"), {}, (7, 3)),
    # Conv2D
    ("Conv2D", (10, 4), {}, (9, 9, 3)),
    ("Conv2D", (10, (3, 5)), {"strides": (2, 3)}, (15, 16, 3)),
    ("Conv2D", (10, 3), {"strides": 2, "padding": "same"}, (15, 16, 3)),
    ("Conv2D", (10, 3), {"strides": 4, "padding": "SAME"}, (7, 9, 3)),
    ("Conv2D", (10, 3), {"dilation_rate": (2, 3)}, (12, 13, 3)),
    ("Conv2D", (8, 3), {"groups": 4}, (12, 12, 8)),
    ("Conv2D", (8, 3), {"use_bias": False}, (12, 12, 8)),
    ("Conv2D", (8, 3), {**CF, "strides": 2}, (3, 17, 12)),
    ("Conv2D", (8, 1), {}, (None, None, 3)),
    ("Conv2D", (8, 7), {"strides": 3}, (28, None, 1)),
    # Conv3D
    ("Conv3D", (4, 3), {}, (8, 9, 10, 2)),
    ("Conv3D", (4, (1, 2, 3)), {"strides": (1, 2, 3), "padding": "same"}, (8, 9, 10, 2)),
    ("Conv3D", (4, 2), {**CF, "dilation_rate": 2, "use_bias": False}, (2, 8, 9, 10)),
    ("Conv3D", (6, 3), {"groups": 3}, (5, 5, 5, 3)),
    ("Conv3D", (4, 3), {"strides": 2}, (None, 9, 10, 2)),
]

TRANSPOSE = [
    ("Conv1DTranspose", (8, 3), {}, (10, 4)),
    ("Conv1DTranspose", (8, 3), {"strides": 2}, (10, 4)),
    ("Conv1DTranspose", (8, 2), {"strides": 3}, (10, 4)),  # kernel < stride: valid pads to the stride
    ("Conv1DTranspose", (8, 3), {"strides": 2, "padding": "same"}, (10, 4)),
    ("Conv1DTranspose", (8, 3), {"strides": 2, "output_padding": 1}, (10, 4)),
    ("Conv1DTranspose", (8, 4), {"strides": 3, "padding": "same", "output_padding": 2}, (10, 4)),
    ("Conv1DTranspose", (8, 3), {"dilation_rate": 2}, (None, 4)),
    ("Conv2DTranspose", (10, 4), {}, (9, 9, 3)),
    ("Conv2DTranspose", (10, 3), {"strides": 2, "padding": "same"}, (7, 8, 3)),
    ("Conv2DTranspose", (10, (3, 4)), {"strides": (2, 3), "output_padding": (1, 0)}, (7, 8, 3)),
    ("Conv2DTranspose", (10, 5), {"strides": 2, "padding": "same", "output_padding": 0}, (7, 8, 3)),
    ("Conv2DTranspose", (10, 3), {"dilation_rate": (2, 3), "use_bias": False}, (7, 8, 3)),
    ("Conv2DTranspose", (10, 3), {**CF, "strides": 2}, (3, 7, None)),
    ("Conv3DTranspose", (4, 3), {}, (4, 5, 6, 2)),
    ("Conv3DTranspose", (4, 2), {"strides": (1, 2, 3), "padding": "same"}, (4, 5, 6, 2)),
    ("Conv3DTranspose", (4, 3, 2, "valid", "channels_first", 1), {}, (2, 4, 5, 6)),
]

SEPARABLE_DEPTHWISE = [
    ("SeparableConv1D", (8, 3), {}, (10, 4)),
    ("SeparableConv1D", (8, 3), {"strides": 2, "padding": "same", "depth_multiplier": 3}, (11, 4)),
    ("SeparableConv1D", (8, 3), {**CF, "use_bias": False}, (4, 11)),
    ("SeparableConv2D", (10, 3), {"depth_multiplier": 2}, (9, 9, 3)),
    ("SeparableConv2D", (10, (3, 2)), {"strides": 2, "dilation_rate": 2}, (19, 19, 3)),
    ("SeparableConv2D", (16, 3, 1, "same"), {**CF}, (3, None, 9)),
    ("DepthwiseConv1D", (3,), {}, (10, 4)),
    ("DepthwiseConv1D", (3,), {"depth_multiplier": 3, "strides": 2, "padding": "same"}, (11, 4)),
    ("DepthwiseConv1D", (3, 1, "valid", 2, "channels_first"), {}, (4, 11)),
    ("DepthwiseConv2D", (3,), {}, (9, 9, 3)),
    ("DepthwiseConv2D", ((3, 5),), {"depth_multiplier": 4, "use_bias": False}, (9, 9, 3)),
    ("DepthwiseConv2D", (3,), {"strides": 2, "dilation_rate": 2, "padding": "same"}, (None, 9, 3)),
    ("DepthwiseConv2D", (2,), {**CF, "depth_multiplier": 2}, (3, 9, 8)),
]


def case_id(case) -> str:
    name, args, kwargs, shape = case
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})@{shape}"


@pytest.mark.parametrize("case", CONV + TRANSPOSE + SEPARABLE_DEPTHWISE, ids=case_id)
def test_matches_keras(keras, case):
    name, args, kwargs, shape = case
    check(keras, name, args, kwargs, shape)


def test_fixed_batch_size_propagates(keras):
    assert check(keras, "Conv2DTranspose", (4, 3), {"strides": 2}, (5, 5, 2), batch=7)[0][0] == 7


@pytest.mark.parametrize(
    "alias, name, args, kwargs, shape",
    [
        ("Convolution1D", "Conv1D", (8, 3), {}, (10, 4)),
        ("Convolution2D", "Conv2D", (8, (3, 3)), {"strides": 2}, (10, 10, 4)),
        ("Convolution3D", "Conv3D", (8, 2), {}, (5, 5, 5, 1)),
        ("Convolution1DTranspose", "Conv1DTranspose", (8, 3, 2), {}, (10, 4)),
        # a Keras 2/3 alias keeps Keras 3's meaning: the third positional is strides
        ("Convolution2DTranspose", "Conv2DTranspose", (8, 3, 2), {}, (10, 10, 4)),
        ("Convolution3DTranspose", "Conv3DTranspose", (8, 3), {}, (4, 4, 4, 4)),
        ("SeparableConvolution1D", "SeparableConv1D", (8, 3), {}, (10, 4)),
        ("SeparableConvolution2D", "SeparableConv2D", (8, (3, 3), 2), {}, (10, 10, 4)),
    ],
)
def test_keras3_aliases(keras, alias, name, args, kwargs, shape):
    check(keras, name, args, kwargs, shape, called_as=alias)


@pytest.mark.parametrize(
    "called_as, legacy_args, legacy_kwargs, name, args, kwargs, shape",
    [
        (
            "Convolution2D",
            (32, 3, 3),
            {"border_mode": "same", "subsample": (2, 2)},
            "Conv2D",
            (32, (3, 3)),
            {"padding": "same", "strides": (2, 2)},
            (15, 15, 3),
        ),
        ("Convolution2D", (16, 5, 3), {"dim_ordering": "th"}, "Conv2D", (16, (5, 3)), CF, (3, 20, 20)),
        ("Convolution2D", (16, 3, 3), {"dim_ordering": "tf", "bias": False}, "Conv2D", (16, 3), {"use_bias": False}, (9, 9, 3)),
        ("Convolution2D", (), {"nb_filter": 4, "nb_row": 2, "nb_col": 3}, "Conv2D", (4, (2, 3)), {}, (9, 9, 3)),
        ("AtrousConvolution2D", (8, 3, 3), {"atrous_rate": (2, 2)}, "Conv2D", (8, 3), {"dilation_rate": 2}, (12, 12, 3)),
        (
            "Convolution1D",
            (),
            {"nb_filter": 8, "filter_length": 3, "subsample_length": 2, "border_mode": "valid"},
            "Conv1D",
            (8, 3),
            {"strides": 2},
            (15, 4),
        ),
        ("AtrousConvolution1D", (8, 3), {"atrous_rate": 2}, "Conv1D", (8, 3), {"dilation_rate": 2}, (15, 4)),
        ("Convolution3D", (4, 2, 3, 1), {}, "Conv3D", (4, (2, 3, 1)), {}, (6, 6, 6, 2)),
        (
            "Convolution3D",
            (4,),
            {"kernel_dim1": 1, "kernel_dim2": 2, "kernel_dim3": 3, "dim_ordering": "th"},
            "Conv3D",
            (4, (1, 2, 3)),
            CF,
            (2, 6, 6, 6),
        ),
        (
            "Deconvolution2D",
            (8, 3, 3, (None, 14, 14, 8)),
            {"subsample": (2, 2), "border_mode": "same"},
            "Conv2DTranspose",
            (8, 3),
            {"strides": 2, "padding": "same"},
            (7, 7, 3),
        ),
        (
            "Deconvolution2D",
            (8, 3, 3),
            {"output_shape": (None, 8, 9, 9), "dim_ordering": "th"},
            "Conv2DTranspose",
            (8, 3),
            CF,
            (3, 7, 7),
        ),
        ("Deconv2D", (8, (3, 3)), {"strides": 2}, "Conv2DTranspose", (8, 3), {"strides": 2}, (7, 7, 3)),
        # Keras 1's output_shape asks for other rows and columns: Keras 3's output_padding
        (
            "Deconvolution2D",
            (8, 3, 3, (None, 26, 25, 8)),
            {"subsample": (2, 2)},
            "Conv2DTranspose",
            (8, 3),
            {"strides": 2, "output_padding": (1, 0)},
            (12, 12, 3),
        ),
        (
            "Deconvolution2D",
            (8, 3, 3),
            {"output_shape": (None, 8, 13, 14), "subsample": (2, 2), "border_mode": "same", "dim_ordering": "th"},
            "Conv2DTranspose",
            (8, 3),
            {"strides": 2, "padding": "same", "output_padding": (0, 1), **CF},
            (3, 7, 7),
        ),
        (
            "Deconv2D",
            (4, 5, 5, (1, 31, 31, 4)),
            {"subsample": (3, 3)},
            "Conv2DTranspose",
            (4, 5),
            {"strides": 3, "output_padding": 2},
            (9, 9, 2),
        ),
        # Keras 2 ignored output_shape in every other spelling
        ("Conv2DTranspose", (8, 3), {"output_shape": (None, 9, 30, 8)}, "Conv2DTranspose", (8, 3), {}, (7, 7, 3)),
        (
            "Deconvolution3D",
            (4, 3),
            {"output_shape": (None, 30, 30, 30, 4)},
            "Conv3DTranspose",
            (4, 3),
            {},
            (3, 4, 5, 1),
        ),
        ("Deconvolution3D", (4, 3), {"padding": "same"}, "Conv3DTranspose", (4, 3), {"padding": "same"}, (3, 4, 5, 1)),
        (
            "SeparableConvolution2D",
            (8, 3, 3),
            {"depth_multiplier": 2, "border_mode": "same"},
            "SeparableConv2D",
            (8, 3),
            {"depth_multiplier": 2, "padding": "same"},
            (9, 9, 3),
        ),
    ],
)
def test_legacy_spellings(keras, called_as, legacy_args, legacy_kwargs, name, args, kwargs, shape):
    check_legacy(keras, called_as, legacy_args, legacy_kwargs, layer_name=name, args=args, kwargs=kwargs, input_shape=shape)


@pytest.mark.parametrize(
    "name, args, kwargs, shape, code",
    [
        ("Conv2D", (8, 5), {}, (4, 9, 3), "KC101"),
        ("Conv1D", (8, 3), {"dilation_rate": 5}, (10, 3), "KC101"),
        ("Conv3D", (8, 3), {"strides": 2}, (9, 9, 2, 1), "KC101"),
        ("Conv2D", (8, 3), {}, (9, 9), "KC103"),
        ("Conv2D", (8, 3), {}, (9, 9, 3, 1), "KC103"),
        ("Conv1D", (8, 3), {}, (9, 9, 3), "KC103"),
        ("Conv2D", (8, 3), {}, (9, 9, None), "KC103"),
        ("Conv2D", (0, 3), {}, (9, 9, 3), "KC105"),
        ("Conv2D", (8, (3, 0)), {}, (9, 9, 3), "KC105"),
        ("Conv2D", (8, 3), {"strides": 0}, (9, 9, 3), "KC105"),
        ("Conv2D", (8, 3), {"strides": 2, "dilation_rate": 2}, (9, 9, 3), ""),
        ("Conv2D", (8, 3), {"padding": "causal"}, (9, 9, 3), ""),
        ("Conv2D", (6, 3), {"groups": 4}, (9, 9, 8), ""),
        ("Conv2D", (8, 3), {"groups": 4}, (9, 9, 6), ""),
        ("Conv2DTranspose", (8, 3), {"strides": 2, "output_padding": 2}, (9, 9, 3), ""),
        ("Conv2DTranspose", (8, 3), {"strides": 2, "dilation_rate": 2}, (9, 9, 3), ""),
        ("Conv2DTranspose", (8, 3), {}, (9, 9), "KC103"),
        ("Conv1DTranspose", (8, 3), {}, (9, None), "KC103"),
        ("Conv1DTranspose", (8, 3), {"padding": "causal"}, (9, 3), ""),
        ("SeparableConv2D", (8, 5), {}, (4, 9, 3), "KC101"),
        ("SeparableConv2D", (8, 3), {"depth_multiplier": 0}, (9, 9, 3), "KC105"),
        ("SeparableConv1D", (8, 3), {}, (9, None), "KC103"),
        ("SeparableConv1D", (8, 3), {"padding": "causal"}, (9, 3), ""),
        ("DepthwiseConv1D", (3,), {"padding": "causal"}, (9, 3), ""),
        ("DepthwiseConv2D", (3,), {}, (9, 9, None), "KC103"),
        ("DepthwiseConv1D", (12,), {}, (9, 3), "KC101"),
        ("DepthwiseConv2D", (3,), {}, (9, 9, 3, 3), "KC103"),
    ],
)
def test_invalid_like_keras(keras, name, args, kwargs, shape, code):
    check_invalid(keras, name, args, kwargs, shape, code=code)


# ------------------------------------------------------ static-only behaviour
def run(name, args, kwargs, shape, called_as=None):
    lt = kerascheck.catalog.lookup(called_as or name)
    cfg = lt.normalize(args, kwargs, called_as or name)
    cfg.setdefault("data_format", "channels_last")
    ex = Explain()
    return lt, cfg, lt.output_shape(cfg, Call(shape), ex), ex


def test_unknown_filters_keep_spatial_dims():
    lt, cfg, out, _ = run("Conv2D", (Unknown(), 3), {"strides": 2}, (None, 9, 9, 3))
    assert out[:3] == (None, 4, 4) and is_unknown(out[3])
    with pytest.raises(Unresolved):
        lt.weights(cfg, Call((None, 9, 9, 3)), Explain())


def test_unknown_input_dim_stays_unknown():
    _, _, out, _ = run("Conv2DTranspose", (4, 3), {"strides": 2}, (None, Unknown(), 5, 3))
    assert is_unknown(out[1]) and out[2:] == (11, 4)
    _, _, out, _ = run("DepthwiseConv2D", (3,), {"depth_multiplier": 2}, (None, 9, 9, Unknown()))
    assert out[1:3] == (7, 7) and is_unknown(out[3])


def test_unknown_kernel_is_unresolved():
    with pytest.raises(Unresolved):
        run("Conv2D", (8, Unknown()), {}, (None, 9, 9, 3))


@pytest.mark.parametrize(
    "kernel, strides, padding", [(k, s, p) for k in (2, 3, 4) for s in (1, 2, 3) for p in ("valid", "same")]
)
def test_keras1_output_shape_is_reached_exactly_when_keras3_can(keras, kernel, strides, padding):
    """Keras 1's Deconvolution2D(..., output_shape=...) is given the output_padding
    (or none) with which Keras 3 gives the requested rows, and is invalid exactly
    when no output_padding Keras 3 accepts gives them."""
    reachable = {}
    for output_padding in [None, *range(strides)]:
        layer = keras.layers.Conv2DTranspose(1, kernel, strides=strides, padding=padding, output_padding=output_padding)
        rows = layer.compute_output_shape((None, 5, 5, 1))[1]
        reachable.setdefault(rows, output_padding)
    lt = kerascheck.catalog.lookup("Deconvolution2D")
    for rows in range(1, 25):
        kwargs = {"subsample": (strides, strides), "border_mode": padding}
        cfg = lt.normalize((1, kernel, kernel, (None, rows, rows, 1)), kwargs, "Deconvolution2D")
        cfg["data_format"] = "channels_last"
        if rows in reachable:
            assert lt.output_shape(cfg, Call((None, 5, 5, 1)), Explain()) == (None, rows, rows, 1)
        else:
            with pytest.raises(Invalid):
                lt.output_shape(cfg, Call((None, 5, 5, 1)), Explain())


def test_keras1_output_shape_explained():
    args, kwargs = (8, 3, 3, (None, 26, 26, 8)), {"subsample": (2, 2)}
    _, _, out, ex = run("Conv2DTranspose", args, kwargs, (None, 12, 12, 3), "Deconvolution2D")
    assert out == (None, 26, 26, 8)
    assert ex.lines[0] == "Keras 1 output_shape=(None, 26, 26, 8): Keras 3's output_padding=(1, 1)"
    with pytest.raises(Unresolved):
        run("Conv2DTranspose", (8, 3, 3, (None, Unknown(), 26, 8)), {}, (None, 12, 12, 3), "Deconvolution2D")


def test_keras1_positional_kernel_may_be_unknown():
    k = Unknown()
    cfg = kerascheck.catalog.lookup("Convolution2D").normalize((8, k, k), {}, "Convolution2D")
    assert cfg["kernel_size"] == (k, k) and cfg["strides"] == 1


#: (layer, arguments, input shape, the last line of its parameter explanation)
EXPLAINED_COUNTS = [
        ("Conv2D", (10, 4), (None, 9, 9, 3), "Conv2D: 10 filters × (4×4 kernel × 3 input channels) + 10 biases = 490"),
        (
            "Conv2DTranspose",
            (10, 4),
            (None, 9, 9, 3),
            "Conv2DTranspose: 10 filters × (4×4 kernel × 3 input channels) + 10 biases = 490",
        ),
        (
            "SeparableConv2D",
            (16, 3),
            (None, 9, 9, 8),
            "SeparableConv2D: depthwise 3×3 kernel × 8 channels × 1 (72) + pointwise 8 × 16 filters (128)"
            " + 16 biases = 216",
        ),
        ("DepthwiseConv1D", (5,), (None, 9, 4), "DepthwiseConv1D: 4 channels × 1 multiplier × 5 kernel + 4 biases = 24"),
]


@pytest.mark.parametrize("name, args, shape, line", EXPLAINED_COUNTS)
def test_parameter_explanation(name, args, shape, line):
    lt, cfg, _, ex = run(name, args, {}, shape)
    lt.weights(cfg, Call(shape), ex)
    assert ex.lines[-1] == line


@pytest.mark.parametrize("name, args, shape, line", EXPLAINED_COUNTS)
def test_the_explained_counts_are_keras_counts(keras, name, args, shape, line):
    _, trainable, non_trainable = keras_layer(keras, name, args, {}, shape[1:])
    assert line.endswith(f" = {trainable + non_trainable}")


def test_shape_explanation():
    _, _, _, ex = run("Conv2D", (8, 7), {"strides": 3}, (None, 28, 28, 1))
    assert ex.lines == ["height = floor((28 + 0 − 7) / 3) + 1 = 8", "width = floor((28 + 0 − 7) / 3) + 1 = 8"]


def test_the_explained_shape_is_keras_shape(keras):
    assert keras_layer(keras, "Conv2D", (8, 7), {"strides": 3}, (28, 28, 1))[0] == (None, 8, 8, 8)


def test_convolution1d_input_dim_and_length():
    lt = kerascheck.catalog.lookup("Convolution1D")
    cfg = lt.normalize((8, 3), {"input_dim": 32, "input_length": 10}, "Convolution1D")
    assert lt.declared_input_shape(cfg) == (None, 10, 32)
    cfg = lt.normalize((8, 3), {"input_shape": (10, 32)}, "Convolution1D")
    assert lt.declared_input_shape(cfg) == (None, 10, 32)


def test_our_layer_reports_explanation(keras):
    *_, ex = our_layer(keras, "Conv1D", (8, 3), {}, (10, 4))
    assert ex.lines[-1].endswith("= 104")


def test_keras_1_2_conv2d_alias_with_a_keras_1_keyword_reads_the_kernel_positionally():
    """Keras 1.2's ``Conv2D`` was ``Convolution2D``: with a keyword only Keras 1 had
    (``bias=``, ``border_mode=``…) the call is Keras 1's, its kernel r×c (legacy
    intent, README); without one, Keras 3's reading stands (KC213 warns)."""
    from tests.helpers import only_model

    source = "from keras.layers import Input, Conv2D\nfrom keras.models import Model\nx = Input((32, 32, 3))\nm = Model(x, Conv2D(8, 3, 3{})(x))\n"
    keras1 = only_model(source.format(", bias=False"))
    assert keras1["layers"][-1]["output_shape"] == [None, 30, 30, 8] and keras1["total_params"] == 216
    keras1_same = only_model(source.format(", border_mode='same'"))
    assert keras1_same["layers"][-1]["output_shape"] == [None, 32, 32, 8]
    keras3 = only_model(source.format(", padding='same'"))
    assert keras3["layers"][-1]["output_shape"] == [None, 11, 11, 8]
