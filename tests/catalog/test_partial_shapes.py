"""Partly known inputs against real Keras: every layer family, one input axis unknown.

Each case is a layer on inputs of known sizes.  For every size of every input
(and, with several inputs of one rank, for one axis of all of them at once),
kerascheck's catalog gets that size as ``Unknown`` and Keras gets the size
itself and two others.  What the catalog reports known, each output size and
each weight count, must be Keras's (sound); what Keras gives for all three
sizes, the catalog must report known (precise): a count or a size that does not
depend on the unknown axis stays exact.  Last, a quick test: the rows of
``fixtures/unknown/partial_shapes.py`` keep what they know.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import kerascheck.catalog
from kerascheck.catalog.base import Call, Explain, Unresolved
from kerascheck.unknown import Unknown, is_unknown
from tests.helpers import analyze

CF = {"data_format": "channels_first"}


@dataclass(frozen=True)
class Wrapped:
    """A layer given to another one (Bidirectional's, TimeDistributed's, RNN's cell)."""

    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def keras(self, keras) -> Any:
        return getattr(keras.layers, self.name)(*self.args, **self.kwargs)

    def ours(self) -> Any:
        lt = kerascheck.catalog.lookup(self.name)
        cfg = lt.normalize(self.args, dict(self.kwargs), self.name)
        cfg.setdefault("data_format", "channels_last")
        return _Inner(lt, cfg)


@dataclass
class _Inner:
    """A wrapped layer as the interpreter hands it to its wrapper: its type and config."""

    type: Any
    config: dict


@dataclass(frozen=True)
class Case:
    """``name(*args, **kwargs)`` called on ``inputs`` (shapes without the batch axis; a
    list: a list of inputs, or with ``heads`` the query and value of ``layer(query, value)``)."""

    name: str
    args: tuple
    kwargs: dict
    inputs: Any
    heads: bool = False

    def __str__(self) -> str:
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.name}({', '.join(parts)})@{self.inputs}"


def case(name: str, args: tuple = (), kwargs: dict | None = None, inputs: Any = (), heads: bool = False) -> Case:
    return Case(name, args, kwargs or {}, inputs, heads)


CASES = [
    # core
    case("Dense", (4,), inputs=(5, 3)),
    case("Dense", (4,), {"use_bias": False}, inputs=(6,)),
    case("Embedding", (20, 4), inputs=(6,)),
    case("Activation", ("relu",), inputs=(4, 5)),
    case("Masking", (), inputs=(4, 5)),
    # convolutional
    case("Conv1D", (8, 3), {"strides": 2}, (11, 4)),
    case("Conv1D", (8, 3), {"padding": "causal", "dilation_rate": 2}, (9, 4)),
    case("Conv2D", (6, (3, 5)), {"strides": (2, 1)}, (15, 16, 3)),
    case("Conv2D", (6, 3), CF, (3, 12, 13)),
    case("Conv2D", (8, 3), {"groups": 2, "padding": "same"}, (9, 9, 4)),
    case("Conv3D", (4, 2), {}, (6, 7, 8, 2)),
    case("Conv1DTranspose", (4, 3), {"strides": 2, "output_padding": 1}, (6, 3)),
    case("Conv2DTranspose", (5, 3), {"strides": 2, "padding": "same"}, (7, 8, 3)),
    case("SeparableConv1D", (6, 3), {}, (9, 3)),
    case("SeparableConv2D", (6, 3), {"depth_multiplier": 2}, (9, 9, 3)),
    case("DepthwiseConv1D", (3,), {}, (9, 4)),
    case("DepthwiseConv2D", (3,), {"depth_multiplier": 2, **CF}, (3, 9, 9)),
    # pooling
    case("MaxPooling1D", (3,), {"strides": 2, "padding": "same"}, (11, 4)),
    case("MaxPooling2D", (2,), {}, (9, 10, 3)),
    case("AveragePooling2D", (2,), CF, (3, 8, 9)),
    case("AveragePooling3D", (2,), {}, (6, 6, 6, 2)),
    case("GlobalMaxPooling1D", (), {"keepdims": True}, (7, 5)),
    case("GlobalAveragePooling2D", (), {}, (7, 8, 5)),
    case("GlobalAveragePooling2D", (), CF, (5, 7, 8)),
    case("GlobalMaxPooling3D", (), {}, (4, 5, 6, 2)),
    # reshaping
    case("Flatten", (), {}, (4, 5, 3)),
    case("Flatten", (), {}, (None, 5, 3)),
    case("Reshape", ((-1, 2),), {}, (4, 6)),
    case("Reshape", ((3, 8),), {}, (6, 4)),
    case("Permute", ((2, 1),), {}, (4, 5)),
    case("RepeatVector", (3,), {}, (5,)),
    case("ZeroPadding1D", ((1, 2),), {}, (5, 3)),
    case("ZeroPadding2D", (((1, 2), (0, 1)),), {}, (5, 6, 3)),
    case("Cropping1D", ((1, 2),), {}, (8, 3)),
    case("Cropping2D", (1,), CF, (3, 6, 7)),
    case("Cropping3D", (1,), {}, (4, 5, 6, 2)),
    case("UpSampling1D", (3,), {}, (4, 2)),
    case("UpSampling2D", ((2, 3),), {}, (4, 5, 3)),
    case("UpSampling3D", (2,), {}, (3, 4, 5, 2)),
    # regularization
    case("Dropout", (0.5,), {}, (4, 5)),
    case("SpatialDropout2D", (0.2,), {}, (4, 5, 3)),
    case("GaussianNoise", (0.1,), {}, (5,)),
    case("ActivityRegularization", (), {}, (5,)),
    # activations
    case("ReLU", (), {}, (4, 5)),
    case("Softmax", (), {"axis": 1}, (4, 5)),
    case("PReLU", (), {}, (4, 5)),
    case("PReLU", (), {"shared_axes": [1]}, (4, 5)),
    case("PReLU", (), {"shared_axes": [1, 2]}, (4, 5, 3)),
    # normalization
    case("BatchNormalization", (), {}, (6, 7, 4)),
    case("BatchNormalization", (), {"axis": 1}, (4, 6, 7)),
    case("LayerNormalization", (), {}, (5, 6)),
    case("LayerNormalization", (), {"axis": [1, 2]}, (5, 6)),
    case("LayerNormalization", (), {"center": False, "scale": False}, (5, 7)),
    case("RMSNormalization", (), {}, (5, 6)),
    case("GroupNormalization", (2,), {}, (5, 4)),
    case("UnitNormalization", (), {}, (5, 6)),
    # recurrent
    case("SimpleRNN", (4,), {}, (6, 3)),
    case("LSTM", (4,), {"return_sequences": True, "return_state": True}, (6, 3)),
    case("GRU", (4,), {"reset_after": False}, (6, 3)),
    case("RNN", (Wrapped("LSTMCell", (4,)),), {"return_sequences": True}, (6, 3)),
    case("ConvLSTM1D", (3, 2), {}, (4, 7, 2)),
    case("ConvLSTM2D", (3, 3), {"padding": "same", "return_sequences": True}, (3, 6, 7, 2)),
    case("Bidirectional", (Wrapped("LSTM", (4,), {"return_sequences": True}),), {}, (6, 3)),
    case("Bidirectional", (Wrapped("GRU", (3,)),), {"merge_mode": "sum"}, (6, 3)),
    case("TimeDistributed", (Wrapped("Dense", (3,)),), {}, (5, 4)),
    case("TimeDistributed", (Wrapped("Conv2D", (4, 3)),), {}, (3, 6, 7, 2)),
    # merging
    case("Add", (), {}, [(4, 5), (4, 5)]),
    case("Multiply", (), {}, [(4, 1), (4, 5)]),
    case("Average", (), {}, [(4, 5), (4, 5)]),
    case("Subtract", (), {}, [(3,), (3,)]),
    case("Concatenate", (), {}, [(4, 5), (4, 3)]),
    case("Concatenate", (), {"axis": 1}, [(4, 5), (6, 5)]),
    case("Dot", (1,), {}, [(5,), (5,)]),
    case("Dot", ((2, 2),), {}, [(3, 4), (5, 4)]),
    # preprocessing
    case("Resizing", (4, 5), {}, (8, 9, 3)),
    case("CenterCrop", (4, 5), {}, (8, 9, 3)),
    case("Rescaling", (1 / 255,), {}, (8, 9, 3)),
    case("Normalization", (), {}, (5, 4)),
    case("RandomFlip", (), {}, (8, 9, 3)),
    # attention
    case("MultiHeadAttention", (2, 4), {}, [(5, 6), (7, 8)], heads=True),
    case("MultiHeadAttention", (2, 4), {"output_shape": 3}, [(5, 6), (5, 6)], heads=True),
    case("GroupQueryAttention", (4, 4, 2), {}, [(5, 8), (7, 8)], heads=True),
    case("Attention", (), {}, [(5, 6), (7, 6)]),
    case("AdditiveAttention", (), {}, [(5, 6), (7, 6)]),
    case("EinsumDense", ("abc,cd->abd", (None, 8)), {"bias_axes": "d"}, (5, 6)),
    case("EinsumDense", ("ab,bc->ac", 8), {}, (6,)),
]


def _put(shape: tuple, axis: int, value: Any) -> tuple:
    return (*shape[:axis], value, *shape[axis + 1 :])


def axes(c: Case) -> list[tuple[str, Any]]:
    """The places a size can be unknown: ``(label, where)``, ``where`` a list of (input, axis)."""
    shapes = c.inputs if isinstance(c.inputs, list) else [c.inputs]
    found = [
        (f"in{k}-axis{a + 1}" if len(shapes) > 1 else f"axis{a + 1}", [(k, a)])
        for k, shape in enumerate(shapes)
        for a, d in enumerate(shape)
        if isinstance(d, int)
    ]
    rank = {len(s) for s in shapes}
    if len(shapes) > 1 and len(rank) == 1:
        found += [
            (f"all-axis{a + 1}", [(k, a) for k in range(len(shapes))])
            for a in range(rank.pop())
            if all(isinstance(s[a], int) for s in shapes)
        ]
    return found


def sized(c: Case, where: list[tuple[int, int]], value: Any) -> Any:
    """The case's inputs with the size at each place of ``where`` set to ``value``."""
    shapes = list(c.inputs) if isinstance(c.inputs, list) else [c.inputs]
    for k, a in where:
        shapes[k] = _put(shapes[k], a, value)
    return shapes if isinstance(c.inputs, list) else shapes[0]


def keras_side(keras, c: Case, inputs: Any) -> tuple | None:
    """Keras's (output shape, trainable, non-trainable), or None when Keras rejects it."""
    args = tuple(a.keras(keras) if isinstance(a, Wrapped) else a for a in c.args)
    try:
        layer = getattr(keras.layers, c.name)(*args, **c.kwargs)
        if isinstance(inputs, list):
            tensors = [keras.Input(shape=s) for s in inputs]
            out = layer(*tensors) if c.heads else layer(tensors)
        else:
            out = layer(keras.Input(shape=inputs))
    except Exception:  # Keras rejects these sizes
        return None
    shape = [tuple(o.shape) for o in out] if isinstance(out, (list, tuple)) else tuple(out.shape)
    trainable = sum(math.prod(w.shape) for w in layer.trainable_weights)
    return shape, trainable, sum(math.prod(w.shape) for w in layer.non_trainable_weights)


def our_side(c: Case, inputs: Any) -> tuple[Any, Any]:
    """The catalog's output shape and (trainable, non-trainable), each Unknown when it
    raises ``Unresolved`` (as the graph reports them)."""
    lt = kerascheck.catalog.lookup(c.name)
    cfg = lt.normalize(tuple(a.ours() if isinstance(a, Wrapped) else a for a in c.args), dict(c.kwargs), c.name)
    cfg.setdefault("data_format", "channels_last")
    if c.heads:
        query, value = ((None, *s) for s in inputs)
        call = Call(query, {"value": value})
    elif isinstance(inputs, list):
        call = Call([(None, *s) for s in inputs])
    else:
        call = Call((None, *inputs))
    try:
        shape = lt.output_shape(cfg, call, Explain())
    except Unresolved as exc:
        shape = Unknown(str(exc))
    try:
        weights = lt.weights(cfg, call, Explain())
        counts: Any = (sum(w.size for w in weights if w.trainable), sum(w.size for w in weights if not w.trainable))
    except Unresolved as exc:
        counts = Unknown(str(exc))
    return shape, counts


def dims(shape: Any) -> list:
    """The sizes of a shape, or of a list of shapes, in order."""
    return [d for s in shape for d in s] if isinstance(shape, list) else list(shape)


VARIANTS = [pytest.param(c, where, id=f"{c}-{label}") for c in CASES for label, where in axes(c)]


@pytest.mark.parametrize("c, where", VARIANTS)
def test_partly_known_input(keras, c, where):
    k, a = where[0]
    size = (c.inputs[k] if isinstance(c.inputs, list) else c.inputs)[a]
    expected = keras_side(keras, c, sized(c, where, size))
    assert expected is not None, "Keras rejects the case itself"
    shape, counts = our_side(c, sized(c, where, Unknown()))

    # sound: what the catalog knows is what Keras builds
    if not is_unknown(shape):
        ours, theirs = dims(shape), dims(expected[0])
        assert len(ours) == len(theirs), (shape, expected[0])
        assert all(is_unknown(o) or o == t for o, t in zip(ours, theirs)), (shape, expected[0])
    if not is_unknown(counts):
        assert counts == expected[1:]

    # precise: what Keras gives for every size, the catalog knows
    others = [r for r in (keras_side(keras, c, sized(c, where, v)) for v in (size + 3, 2 * size + 5)) if r is not None]
    if not others:
        return  # Keras takes no other size here (an axis two inputs must share)
    results = [expected, *others]
    fixed = [len(set(column)) == 1 for column in zip(*(dims(r[0]) for r in results))]
    if any(fixed):
        assert not is_unknown(shape), f"{shape.reason}, but Keras gives {[r[0] for r in results]}"
        lost = [i for i, (d, f) in enumerate(zip(dims(shape), fixed)) if f and is_unknown(d)]
        assert not lost, f"sizes {lost} of {shape} are unknown, but Keras gives {[r[0] for r in results]}"
    if all(r[1:] == expected[1:] for r in others):
        assert not is_unknown(counts), f"{counts.reason}, but Keras counts {expected[1:]} for every size"


#: rows of fixtures/unknown/partial_shapes.py: (name, output shape, params); the oracle
#: (tests/oracle/test_fixtures.py) checks every known value of them against Keras
FIXTURE_ROWS = [
    ("dense", [None, 32], None),
    ("dense_1", [None, 32], 1056),
    ("conv2d", [None, "?", "?", 16], 448),
    ("batch_normalization", [None, "?", "?", 16], 64),
    ("conv2d_transpose", [None, "?", "?", 16], 6928),
    ("global_average_pooling2d", [None, 16], 0),
    ("flatten", [None, "?"], 0),
    ("dense_4", [None, 4], None),
    ("lstm", [None, "?", 8], 416),
    ("multi_head_attention", [None, "?", 12], 420),
    ("simple_rnn", [None, 5], 110),
    ("embedding", [None, "?", 8], 800),
    ("embedding_1", [None, "?", 8], None),
    ("concatenate_1", [None, "?", 8], 0),
    ("reshape", [None, "?", 1], 0),
    ("repeat_vector", [None, 3, "?"], 0),
    ("lambda", [None, "?", 2], 0),
    ("reshape_2", [None, "?"], 0),
    ("conv2d_1", [None, None, "?", 4], 112),
    ("reshape_3", [None, None, 4], 0),
    ("conv2d_2", [None, 6, 6, 4], None),
    ("conv_lstm2d", [None, 6, 6, 2], None),
    ("flatten_1", [None, 72], 0),
    ("dense_9", [1, 1], 17),
]


def test_partly_known_rows_of_the_fixture():
    """What the unknown sizes of the fixture leave known, reported as such (quick tier)."""
    source = (Path(__file__).parents[2] / "fixtures" / "unknown" / "partial_shapes.py").read_text()
    rows = {row["name"]: row for model in analyze(source)["models"] for row in model["layers"]}
    assert [(name, rows[name]["output_shape"], rows[name]["params"]) for name, _, _ in FIXTURE_ROWS] == FIXTURE_ROWS
