"""Attention layers against real Keras: multi-head projections, dot-product attention, EinsumDense."""

from __future__ import annotations

import math

import pytest
from oracle import check, check_invalid, our_layer

import kerascheck.catalog
from kerascheck.catalog.base import Call, Explain, Invalid, Unresolved
from kerascheck.unknown import Unknown, is_unknown


def keras_heads(keras, class_name, args, kwargs, query, value, key=None, scores=False, batch=None):
    """Real Keras: ``layer(query, value[, key])`` → (shapes, trainable, non-trainable)."""
    layer = getattr(keras.layers, class_name)(*args, **kwargs)
    tensors = [keras.Input(shape=s, batch_size=batch) for s in (query, value, key) if s is not None]
    out = layer(*tensors, return_attention_scores=True) if scores else layer(*tensors)
    shapes = [tuple(o.shape) for o in out] if isinstance(out, (list, tuple)) else tuple(out.shape)
    trainable = sum(math.prod(w.shape) for w in layer.trainable_weights)
    return shapes, trainable, sum(math.prod(w.shape) for w in layer.non_trainable_weights)


def our_heads(name, args, kwargs, query, value, key=None, scores=False, batch=None):
    """Ours, with value/key bound by name as the interpreter does through ``call_args``."""
    lt = kerascheck.catalog.lookup(name)
    cfg = lt.normalize(tuple(args), dict(kwargs), name)
    extra = dict(zip(lt.call_args, [(batch, *value)] + ([(batch, *key)] if key is not None else [])))
    if scores:
        extra["return_attention_scores"] = True
    call = Call((batch, *query), extra)
    ex = Explain()
    shape = lt.output_shape(cfg, call, ex)
    weights = lt.weights(cfg, call, ex)
    assert ex.lines
    return shape, sum(w.size for w in weights if w.trainable), sum(w.size for w in weights if not w.trainable), ex


def check_heads(keras, name, args, kwargs, query, value, key=None, scores=False, batch=None, called_as=None):
    expected = keras_heads(keras, name, args, kwargs, query, value, key, scores, batch)
    got = our_heads(called_as or name, args, kwargs, query, value, key, scores, batch)
    assert got[:3] == expected
    return got


MHA = [
    ((2, 8), {}, (5, 16), (7, 12), None),
    ((2, 8), {"value_dim": 4}, (5, 16), (7, 12), (7, 10)),
    ((2, 8), {"output_shape": (3, 4), "use_bias": False}, (5, 16), (7, 12), None),
    ((2, 8), {"output_shape": 6}, (5, 16), (7, 12), None),
    ((2, 8), {"output_shape": [6]}, (None, 16), (None, 12), None),
    ((2, 8), {"use_gate": True}, (5, 16), (7, 12), None),
    ((2, 8, 3, 0.1, False), {}, (5, 16), (7, 12), None),
    ((4, 16), {"attention_axes": (1, 2)}, (5, 4, 16), (5, 4, 12), None),
    ((4, 16), {"attention_axes": 2}, (5, 4, 16), (3, 4, 12), None),
    ((1, 3), {}, (16,), (12,), None),
]


@pytest.mark.parametrize("args, kwargs, query, value, key", MHA, ids=str)
@pytest.mark.parametrize("scores", [False, True])
def test_multi_head_attention(keras, args, kwargs, query, value, key, scores):
    check_heads(keras, "MultiHeadAttention", args, kwargs, query, value, key, scores)


def test_multi_head_scores_use_query_length_twice(keras):
    # Keras's symbolic scores are (batch, heads, Tq, Tq) even when the key is longer.
    shapes = check_heads(keras, "MultiHeadAttention", (2, 8), {}, (5, 16), (7, 12), scores=True, batch=3)[0]
    assert shapes[1] == (3, 2, 5, 5)


def test_multi_head_explanation():
    *_, ex = our_heads("MultiHeadAttention", (2, 8), {}, (5, 16), (7, 12))
    assert ex.lines == [
        "MultiHeadAttention: query 16×2×8 + 16, key 12×2×8 + 16, value 12×2×8 + 16, "
        "attention_output 2×8×16 + 16 = 960"
    ]


GQA = [
    ((8, 4, 2), {}, (5, 16), (7, 16), None),
    ((8, 4, 2), {"use_gate": True, "use_bias": False}, (5, 16), (7, 16), (7, 10)),
    ((4, 6, 3, 0.0, False), {}, (None, 12), (None, 12), None),
    ((8, 4, 4), {}, (5, 16), (7, 16), (7, 3)),
]


@pytest.mark.parametrize("args, kwargs, query, value, key", GQA, ids=str)
@pytest.mark.parametrize("scores", [False, True])
def test_grouped_query_attention(keras, args, kwargs, query, value, key, scores):
    check_heads(
        keras, "GroupQueryAttention", args, kwargs, query, value, key, scores, called_as="GroupedQueryAttention"
    )
    assert type(keras.layers.GroupQueryAttention(*args, **kwargs)).__name__ == "GroupedQueryAttention"


@pytest.mark.parametrize(
    "name, args, query, value, key, code",
    [
        ("MultiHeadAttention", (2, 8), (5, 16), (7, 12), (6, 12), "KC102"),
        ("MultiHeadAttention", (2, 8), (5, 16), (None, 12), (7, 12), "KC102"),
        ("MultiHeadAttention", (2, 8), (5, None), (7, 12), None, "KC103"),
        ("MultiHeadAttention", (0, 8), (5, 16), (7, 12), None, "KC105"),
        ("GroupQueryAttention", (8, 4, 2), (5, 16), (7, 12), None, "KC102"),
        ("GroupQueryAttention", (8, 4, 3), (5, 16), (7, 16), None, ""),
        ("GroupQueryAttention", (8, 4, 2), (5, 16), (7, 16), (6, 16), "KC102"),
    ],
)
def test_heads_invalid_like_keras(keras, name, args, query, value, key, code):
    with pytest.raises(Exception):
        keras_heads(keras, name, args, {}, query, value, key)
    with pytest.raises(Invalid) as info:
        our_heads(kerascheck.catalog.lookup(name).name, args, {}, query, value, key)
    assert info.value.code == code


def test_heads_need_value():
    lt = kerascheck.catalog.lookup("MultiHeadAttention")
    cfg = lt.normalize((2, 8), {}, "MultiHeadAttention")
    with pytest.raises(Invalid):
        lt.output_shape(cfg, Call((None, 5, 16)), Explain())


def test_heads_unknown():
    lt = kerascheck.catalog.lookup("MultiHeadAttention")
    cfg = lt.normalize((Unknown(), 8), {}, "MultiHeadAttention")
    call = Call((None, 5, 16), {"value": (None, 7, 12), "return_attention_scores": True})
    out, scores = lt.output_shape(cfg, call, Explain())
    assert out == (None, 5, 16) and is_unknown(scores[1])
    with pytest.raises(Unresolved):
        lt.weights(cfg, call, Explain())


ATTENTION = [
    ("Attention", (), {}, [(5, 16), (7, 12)]),
    ("Attention", (True, "concat"), {}, [(5, 16), (7, 12), (7, 16)]),
    ("Attention", (), {"use_scale": True}, [(None, 16), (None, 16)]),
    ("AdditiveAttention", (), {}, [(5, 16), (7, 12)]),
    ("AdditiveAttention", (False,), {}, [(5, 16), (7, 12), (7, 16)]),
    ("AdditiveAttention", (), {}, [(2, 5, 16), (2, 7, 16)]),
]


@pytest.mark.parametrize("name, args, kwargs, shapes", ATTENTION, ids=str)
def test_attention(keras, name, args, kwargs, shapes):
    check(keras, name, args, kwargs, shapes)


@pytest.mark.parametrize("name", ["Attention", "AdditiveAttention"])
def test_attention_scores(keras, name):
    layer = getattr(keras.layers, name)()
    inputs = [keras.Input(shape=s) for s in [(5, 16), (7, 12), (6, 16)]]
    expected = [tuple(t.shape) for t in layer(inputs, return_attention_scores=True)]
    lt = kerascheck.catalog.lookup(name)
    call = Call([(None, 5, 16), (None, 7, 12), (None, 6, 16)], {"return_attention_scores": True})
    assert lt.output_shape(lt.normalize((), {}, name), call, Explain()) == expected == [(None, 5, 12), (None, 5, 6)]


@pytest.mark.parametrize(
    "name, args, shapes, code",
    [
        ("Attention", (), (5, 16), "KC102"),
        ("Attention", (), [(5, 16)], "KC102"),
        ("AdditiveAttention", (), [(5, 16), (5, 16), (5, 16), (5, 16)], "KC102"),
        ("AdditiveAttention", (), [(5, None), (5, 16)], "KC103"),
    ],
)
def test_attention_invalid_like_keras(keras, name, args, shapes, code):
    check_invalid(keras, name, args, {}, shapes, code=code)


def test_attention_keras2_causal():
    lt = kerascheck.catalog.lookup("Attention")
    assert "causal" in lt.ignored_legacy_kwargs
    cfg = lt.normalize((), {"causal": True}, "Attention")
    assert lt.output_shape(cfg, Call([(None, 5, 16), (None, 7, 12)]), Explain()) == (None, 5, 12)


EINSUM = [
    (("ab,bc->ac", 64), {"bias_axes": "c"}, (32,)),
    (("ab,bc->ac", (64,)), {}, (32,)),
    (("abc,cd->abd", (None, 64)), {"bias_axes": "d"}, (10, 32)),
    (("abc,cd->abd", (10, 64)), {}, (10, 32)),
    (("abc,cde->abde", (None, 4, 8)), {"bias_axes": "de"}, (10, 32)),
    (("abc,cde->abde", (None, 4, 8)), {"bias_axes": "d"}, (10, 32)),
    (("...b,bc->...c", 64), {"bias_axes": "c"}, (3, 4, 32)),  # Keras reverses the elided axes
    (("...b,bc->...c", 64), {}, (32,)),
    (("ab...,bc->ac...", 64), {"bias_axes": "c"}, (32, 3, 4)),
    (("ab,bc->ac", 64), {}, (3, 32)),  # no ellipsis, extra input axis: Keras appends it
    (("abc,cd->abd", (None, 64)), {}, (None, 32)),
]


@pytest.mark.parametrize("args, kwargs, shape", EINSUM, ids=str)
def test_einsum_dense(keras, args, kwargs, shape):
    check(keras, "EinsumDense", args, kwargs, shape)


@pytest.mark.parametrize(
    "args, kwargs, shape, code",
    [
        (("abc,cd->abd", (7, 64)), {}, (10, 32), ""),
        (("ab,bc", 64), {}, (32,), ""),
        (("ab,bc->ac", 64), {}, (None,), "KC103"),
        (("ab,bc->ad", 64), {}, (32,), ""),
        (("ab,bcx->ac", 64), {}, (32,), ""),
        (("ab,bc->ac", 64), {"bias_axes": "x"}, (32,), ""),
    ],
)
def test_einsum_invalid_like_keras(keras, args, kwargs, shape, code):
    check_invalid(keras, "EinsumDense", args, kwargs, shape, code=code)


def test_einsum_explanation(keras):
    *_, ex = our_layer(keras, "EinsumDense", ("abc,cde->abde", (None, 4, 8)), {"bias_axes": "d"}, (10, 32))
    assert ex.lines == ["EinsumDense: kernel 32×4×8 + bias 4×1 = 1,028"]
