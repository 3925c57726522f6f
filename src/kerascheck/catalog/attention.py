"""Attention layers: EinsumDense, MultiHeadAttention, GroupedQueryAttention,
Attention and AdditiveAttention.

MultiHeadAttention and GroupedQueryAttention are called as
``layer(query, value, key=None, ...)``: the query is ``call.inputs`` and the
others arrive in ``call.kwargs`` (``call_args`` names the positional ones).
Their weights are the EinsumDense projections Keras builds.  Attention and
AdditiveAttention take a list ``[query, value]`` or ``[query, value, key]``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from kerascheck.catalog.base import Call, Explain, Invalid, LayerType, Mask, Role, Shape, ShapeTree, Weight
from kerascheck.catalog.base import KERNEL_KEYWORDS, format_shape, known
from kerascheck.catalog.convolutional import check_positive
from kerascheck.unknown import Unknown, is_unknown

#: Keras's three equation forms (after ``...`` → ``0``) and whether the ellipsis is on the left
EQUATIONS = (
    (r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", False),
    (r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", True),
    (r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", False),
)
ATTENTION_CALL_ARGS = (
    "value",
    "key",
    "query_mask",
    "value_mask",
    "key_mask",
    "attention_mask",
    "return_attention_scores",
    "training",
    "use_causal_mask",
)


# ------------------------------------------------------------------ EinsumDense
@dataclass(frozen=True)
class Einsum:
    """The shapes EinsumDense derives from its equation and input."""

    kernel: tuple
    bias: tuple | None
    output: tuple


def analyze_einsum(equation: str, bias_axes: str | None, input_shape: Shape, partial: Any) -> Einsum:
    """Kernel, bias and output shapes, following Keras's own rules and quirks.

    ``partial`` is the output shape without the batch axis; dims covered by
    an ellipsis come from the input (Keras inserts left-elided ones in
    reverse order).  A None given in ``partial`` stays None in the output.
    """
    text = equation.replace("...", "0")
    for pattern, left in EQUATIONS:
        match = re.match(pattern, text)
        if match:
            break
    else:
        raise Invalid(f"EinsumDense: equation {equation!r} is not of the form 'ab,bc->ac' (optionally with ...)")
    inp, weight, outp = match.groups()
    elided = len(input_shape) - len(inp)
    out = [input_shape[0], *((partial,) if isinstance(partial, int) else partial)]
    if elided > 0 and left:
        for i in range(1, elided):
            out.insert(1, input_shape[i])
    elif elided > 0:
        out += input_shape[len(input_shape) - elided :]
    shift = elided if left else 0
    in_index = {c: (i + elided) - len(input_shape) if left else i for i, c in enumerate(inp)}
    out_index = {c: i + shift for i, c in enumerate(outp)}
    try:
        for c in inp:
            actual = input_shape[in_index[c]]
            given = out[out_index[c]] if c in out_index else None
            if given is not None and not is_unknown(given) and not is_unknown(actual) and given != actual:
                raise Invalid(f"EinsumDense: output_shape gives {given} for '{c}', the input has {actual}")
        for c in outp:
            if c not in inp and c not in weight:
                raise Invalid(f"EinsumDense: output dimension '{c}' is neither in the input nor the weight")
        kernel = []
        for c in weight:
            if c not in out_index and c not in in_index:
                raise Invalid(f"EinsumDense: weight dimension '{c}' is neither in the input nor the output")
            kernel.append(out[out_index[c]] if c in out_index else input_shape[in_index[c]])
        bias = None
        if bias_axes is not None:
            if any(c not in outp for c in bias_axes):
                raise Invalid(f"EinsumDense: bias_axes {bias_axes!r} are not all in the output '{outp}'")
            start = min(outp.find(c) for c in bias_axes)
            bias = [out[i + shift] if c in bias_axes else 1 for i, c in enumerate(outp) if i >= start]
            bias += [1] * (elided if elided > 0 and not left else 0)
    except IndexError:
        shown = format_shape(input_shape)
        raise Invalid(f"EinsumDense: equation {equation!r} does not fit input {shown}", code="KC103") from None
    return Einsum(tuple(kernel), None if bias is None else tuple(bias), tuple(out))


def defined(shape: tuple, what: str, layer: str) -> tuple[int, ...]:
    """A weight shape that must be fully known and defined."""
    shape = known(shape, what)
    if None in shape:
        raise Invalid(f"{layer} needs defined dimensions for its {what}, got {format_shape(shape)}", code="KC103")
    return shape


def dims_text(shape: tuple) -> str:
    return "×".join(str(d) for d in shape) or "1"


class EinsumDense(LayerType):
    name = "EinsumDense"
    positional = ("equation", "output_shape", "activation", "bias_axes")
    keywords = (
        *(k for k in KERNEL_KEYWORDS if k != "activity_regularizer"),
        "lora_rank",
        "lora_alpha",
        "gptq_unpacked_column_size",
        "quantization_config",
    )
    defaults = {"bias_axes": None}
    roles = Role.READS_FEATURES

    def analyze(self, cfg: dict[str, Any], shape: Shape) -> Einsum:
        equation = known(cfg.get("equation"), "equation")
        partial = known(cfg.get("output_shape"), "output_shape")
        return analyze_einsum(equation, known(cfg["bias_axes"], "bias_axes"), shape, partial)

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        return self.analyze(cfg, call.inputs).output

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        shapes = self.analyze(cfg, call.inputs)
        weights = [Weight("kernel", defined(shapes.kernel, "kernel", self.name))]
        text = f"EinsumDense: kernel {dims_text(shapes.kernel)}"
        if shapes.bias is not None:
            weights.append(Weight("bias", defined(shapes.bias, "bias", self.name)))
            text += f" + bias {dims_text(shapes.bias)}"
        ex.add(f"{text} = {sum(w.size for w in weights):,}")
        return weights


# ------------------------------------------------------------------ multi-head
def dims_differ(a: tuple, b: tuple) -> bool:
    """Whether two known shapes differ as Keras compares them (None ≠ 4)."""
    return len(a) != len(b) or any(x != y for x, y in zip(a, b) if not is_unknown(x) and not is_unknown(y))


def projections(parts: list[tuple[str, tuple, tuple | None]], layer: str, ex: Explain) -> list[Weight]:
    """Weights of EinsumDense projections ``(name, kernel shape, bias shape or None)``."""
    weights, texts = [], []
    for name, kernel, bias in parts:
        weights.append(Weight(f"{name}/kernel", kernel))
        text = f"{name} {dims_text(kernel)}"
        if bias is not None:
            weights.append(Weight(f"{name}/bias", bias))
            text += f" + {math.prod(bias):,}"
        texts.append(text)
    ex.add(f"{layer}: {', '.join(texts)} = {sum(w.size for w in weights):,}")
    return weights


class MultiHeadAttention(LayerType):
    """``num_heads`` attention heads of ``key_dim`` (query/key) and ``value_dim`` (value) each.

    The output has the query's shape, its last axis replaced by
    ``output_shape`` when given.  As in Keras, the attention scores returned
    with ``return_attention_scores`` are shaped (batch, heads, Tq, Tq) — the
    query's length twice, whatever the key's length.
    """

    name = "MultiHeadAttention"
    call_args = ATTENTION_CALL_ARGS
    built_sublayers = ("Softmax", "Dropout")
    positional: ClassVar[tuple[str, ...]] = ("num_heads", "key_dim", "value_dim", "dropout", "use_bias", "output_shape", "attention_axes")
    keywords: ClassVar[tuple[str, ...]] = ("sliding_window", "flash_attention", *KERNEL_KEYWORDS, "use_gate", "seed")
    defaults = {"value_dim": None, "use_bias": True, "output_shape": None, "use_gate": False}
    mask = Mask.PASSED
    several_shapes = True  # query, value and key
    shape_parameters = ("query_shape", "value_shape", "key_shape")
    required_shapes = 2

    def check_config(self, cfg: dict[str, Any]) -> None:
        for key in ("num_heads", "key_dim", "value_dim"):
            value = cfg.get(key)
            if not is_unknown(value) and (value is not None or key != "value_dim"):
                check_positive((value,), key, self.name)

    def inputs(self, call: Call) -> tuple[Shape, Shape, Shape]:
        """Query, value and key shapes (key defaults to value), checked as Keras builds."""
        query, value, key = call.inputs, call.kwargs.get("value"), call.kwargs.get("key")
        if isinstance(query, list) or value is None:
            raise Invalid(f"{self.name} is called as layer(query, value) or layer(query, value, key)")
        key = value if key is None else key
        if dims_differ(tuple(value[1:-1]), tuple(key[1:-1])):
            raise Invalid(
                f"{self.name}: value {format_shape(value)} and key {format_shape(key)} must match "
                "on all but the last axis",
                code="KC102",
            )
        return query, value, key

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        self.check_config(cfg)
        query, _, _ = self.inputs(call)
        out = query
        extra = known(cfg["output_shape"], "output_shape")
        if extra:
            out = (*query[:-1], *((extra,) if isinstance(extra, int) else extra))
        if known(call.kwargs.get("return_attention_scores", False), "return_attention_scores"):
            heads = cfg["num_heads"]
            return [out, (query[0], Unknown() if is_unknown(heads) else heads, query[1], query[1])]
        return out

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        self.check_config(cfg)
        query, value, key = self.inputs(call)
        heads, key_dim = known(cfg["num_heads"], "num_heads"), known(cfg["key_dim"], "key_dim")
        value_dim = known(cfg["value_dim"], "value_dim") or key_dim
        q, k, v = (defined((s[-1],), "projection", self.name)[0] for s in (query, key, value))
        extra = known(cfg["output_shape"], "output_shape")
        out = ((extra,) if isinstance(extra, int) else tuple(extra)) if extra else (q,)
        bias = known(cfg["use_bias"], "use_bias")

        def part(name: str, kernel: tuple, bias_shape: tuple) -> tuple:
            return (name, kernel, bias_shape if bias else None)

        parts = [
            part("query", (q, heads, key_dim), (heads, key_dim)),
            part("key", (k, heads, key_dim), (heads, key_dim)),
        ]
        if known(cfg["use_gate"], "use_gate"):
            parts.append(part("gate", (q, heads, value_dim), (heads, value_dim)))
        parts.append(part("value", (v, heads, value_dim), (heads, value_dim)))
        parts.append(part("attention_output", (heads, value_dim, *defined(out, "output_shape", self.name)), out))
        return projections(parts, self.name, ex)


class GroupedQueryAttention(MultiHeadAttention):
    """``num_query_heads`` query heads sharing ``num_key_value_heads`` key/value heads of ``head_dim``."""

    name = "GroupedQueryAttention"
    aliases = ("GroupQueryAttention",)
    positional = ("head_dim", "num_query_heads", "num_key_value_heads", "dropout", "use_bias")
    defaults = {"use_bias": True, "use_gate": False}

    def check_config(self, cfg: dict[str, Any]) -> None:
        query_heads, kv_heads = cfg.get("num_query_heads"), cfg.get("num_key_value_heads")
        if isinstance(query_heads, int) and isinstance(kv_heads, int) and kv_heads and query_heads % kv_heads:
            raise Invalid(f"{self.name}: {query_heads} query heads are not divisible by {kv_heads} key/value heads")

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        self.check_config(cfg)
        query, value, _ = self.inputs(call)
        if dims_differ((query[-1],), (value[-1],)):
            raise Invalid(
                f"{self.name}: query {format_shape(query)} and value {format_shape(value)} need the same last axis",
                code="KC102",
            )
        if known(call.kwargs.get("return_attention_scores", False), "return_attention_scores"):
            key = call.kwargs.get("key")
            length = (value if key is None else key)[1]
            heads = cfg.get("num_query_heads")
            return [query, (query[0], Unknown() if is_unknown(heads) else heads, query[1], length)]
        return query

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        query, value, key = self.inputs(call)
        head_dim = known(cfg["head_dim"], "head_dim")
        query_heads = known(cfg["num_query_heads"], "num_query_heads")
        kv_heads = known(cfg["num_key_value_heads"], "num_key_value_heads")
        q, k, v = (defined((s[-1],), "projection", self.name)[0] for s in (query, key, value))
        bias = known(cfg["use_bias"], "use_bias")

        def part(name: str, size: int, heads: int) -> tuple:
            return (name, (size, heads, head_dim), (heads, head_dim) if bias else None)

        parts = [part("query", q, query_heads), part("key", k, kv_heads)]
        if known(cfg["use_gate"], "use_gate"):
            parts.append(part("gate", q, query_heads))
        parts.append(part("value", v, kv_heads))
        parts.append(("attention_output", (query_heads, head_dim, q), (q,) if bias else None))
        return projections(parts, self.name, ex)


# ------------------------------------------------------------------ dot-product
class Attention(LayerType):
    """Dot-product (Luong) attention over ``[query, value]`` or ``[query, value, key]``.

    Output: the query's shape with the value's last axis; scores (with
    ``return_attention_scores``): the query's shape with the key's length.
    """

    name = "Attention"
    call_args = ("mask", "training", "return_attention_scores", "use_causal_mask")
    positional: ClassVar[tuple[str, ...]] = ("use_scale", "score_mode", "dropout", "seed")
    defaults = {"use_scale": False, "score_mode": "dot"}
    several_shapes = True  # query, value and key
    ignored_legacy_kwargs = ("causal",)
    mask = Mask.QUERY
    takes_mask = True

    def inputs(self, call: Call) -> list[Shape]:
        shapes = call.inputs
        if not isinstance(shapes, list) or len(shapes) not in (2, 3):
            raise Invalid(f"{self.name} is called on a list [query, value] or [query, value, key]", code="KC102")
        return shapes

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        if known(cfg.get("score_mode", "dot"), "score_mode") not in ("dot", "concat"):
            raise Invalid(f"{self.name}: score_mode must be 'dot' or 'concat', got {cfg['score_mode']!r}")
        query, value, *rest = self.inputs(call)
        key = rest[0] if rest else value
        out = (*query[:-1], value[-1])
        if known(call.kwargs.get("return_attention_scores", False), "return_attention_scores"):
            return [out, (*query[:-1], key[-2])]
        return out

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        weights = []
        if known(cfg["use_scale"], "use_scale"):
            weights.append(Weight("scale", ()))
        if known(cfg["score_mode"], "score_mode") == "concat":
            weights.append(Weight("concat_score_weight", ()))
        if weights:
            ex.add(f"{self.name}: {' + '.join(w.name for w in weights)} scalars = {len(weights)}")
        return weights


class AdditiveAttention(Attention):
    """Additive (Bahdanau) attention; ``use_scale`` learns one scale per query feature."""

    name = "AdditiveAttention"
    positional = ("use_scale", "dropout")
    defaults = {"use_scale": True}

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        if not known(cfg["use_scale"], "use_scale"):
            return []
        (features,) = defined((self.inputs(call)[0][-1],), "scale", self.name)
        ex.add(f"AdditiveAttention: scale of {features:,} query features")
        return [Weight("scale", (features,))]


LAYERS = (EinsumDense, MultiHeadAttention, GroupedQueryAttention, Attention, AdditiveAttention)
