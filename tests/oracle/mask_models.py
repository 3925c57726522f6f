"""Small Functional models that carry Keras masks, generated from a seed.

``source(seed)`` writes one model file: token ids through ``Embedding`` (with
or without ``mask_zero``) and float sequences through ``Masking``, then a
random mix of layers that pass, drop, merge or compute masks (Dense, Dropout,
SpatialDropout1D, TimeDistributed, Conv1D, Lambda, the RNNs, Bidirectional,
the merges, Attention, MultiHeadAttention, pooling, nested Sequential and
Functional models), called plainly or with keyword arguments (which decides
whether Keras puts the mask in the call's node).  Sometimes a Sequential model
with a mask-computing layer is built first, whose build takes auto-names.
The same seed always gives the same source.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

T = 6  # every sequence's length
VOCAB = 20

HEADER = "import keras\nfrom keras import layers\n"
#: Layer subclasses a model may use: whose call takes the mask, which pass it on, which compute one
CLASSES = {
    "TakesMask": """
class TakesMask(layers.Layer):
    def call(self, inputs, mask=None):
        return inputs * 2.0
""",
    "PassesMask": """
class PassesMask(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs
""",
    "KeepsMask": """
class KeepsMask(layers.Layer):
    def call(self, inputs, mask=None):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return super().compute_mask(inputs, mask)
""",
    "FirstFeatureMask": """
class FirstFeatureMask(layers.Layer):
    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return keras.ops.not_equal(inputs[:, :, 0], 0.0)
""",
}


@dataclass
class Value:
    """A tensor variable of the generated source: ``kind`` 'ids' (None, T) int,
    'seq' (None, length, width), or 'vec' (None, width); the inputs it depends on."""

    name: str
    kind: str
    width: int
    inputs: frozenset[str]
    length: int = T


@dataclass
class Builder:
    rng: random.Random
    lines: list[str] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    count: int = 0
    classes: set[str] = field(default_factory=set)

    def var(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def emit(self, line: str) -> None:
        self.lines.append(line)

    def add(self, kind: str, width: int, expression: str, inputs: frozenset[str], length: int = T) -> Value:
        name = self.var("x" if kind != "vec" else "v")
        self.emit(f"{name} = {expression}")
        value = Value(name, kind, width, inputs, length)
        self.values.append(value)
        return value

    def pick(self, *kinds: str) -> Value | None:
        """A value of one of ``kinds`` (sequences of length T only)."""
        found = [v for v in self.values if v.kind in kinds and v.length == T]
        if not found:
            return None
        # prefer recent tensors, so that the graph gets deep
        return found[-1] if self.rng.random() < 0.5 else self.rng.choice(found)

    def width(self) -> int:
        return self.rng.choice((2, 3, 4))


def _call(b: Builder, layer: str, argument: str, first: str = "inputs") -> str:
    """``layer(argument)``, sometimes with a keyword (Keras then leaves the mask out
    of the node); ``first``: the name of the layer's first call parameter."""
    roll = b.rng.random()
    if roll < 0.12:
        return f"{layer}({argument}, training=False)"
    if roll < 0.18:
        return f"{layer}({first}={argument})"
    return f"{layer}({argument})"


def _inputs(b: Builder) -> None:
    if b.rng.random() < 0.8:
        ids = b.var("ids")
        b.emit(f'{ids} = keras.Input(shape=({T},), dtype="int32")')
        b.values.append(Value(ids, "ids", 0, frozenset([ids])))
        zero = b.rng.random() < 0.8
        width = b.width()
        b.add("seq", width, f"layers.Embedding({VOCAB}, {width}, mask_zero={zero})({ids})", frozenset([ids]))
    if not b.values or b.rng.random() < 0.6:
        name = b.var("seq")
        width = b.width()
        b.emit(f"{name} = keras.Input(shape=({T}, {width}))")
        value = Value(name, "seq", width, frozenset([name]))
        b.values.append(value)
        if b.rng.random() < 0.7:
            mask_value = b.rng.choice(("0.0", "-1.0"))
            b.add("seq", width, f"layers.Masking(mask_value={mask_value})({name})", value.inputs)


def _step(b: Builder) -> None:
    rng = b.rng
    choice = rng.choice(
        ["dense", "dense", "passing", "rnn", "rnn", "bidirectional", "merge", "merge", "concatenate",
         "attention", "mha", "pool", "conv", "lambda", "nested", "time_distributed", "vector", "dot",
         "initial_state", "custom", "list_model", "shared", "operation", "cell", "nested_masks"]
    )
    x = b.pick("seq")
    if x is None:
        return
    k = b.width()
    if choice == "dense":
        b.add("seq", k, _call(b, f"layers.Dense({k})", x.name), x.inputs)
    elif choice == "passing":
        layer = rng.choice(
            ["layers.Dropout(0.1)", "layers.SpatialDropout1D(0.1)", "layers.LayerNormalization()",
             'layers.Activation("relu")', "layers.Identity()", "layers.BatchNormalization()",
             "layers.Softmax()", "layers.GaussianNoise(0.1)"]
        )
        b.add("seq", x.width, _call(b, layer, x.name), x.inputs)
    elif choice == "rnn":
        cls = rng.choice(("LSTM", "GRU", "SimpleRNN"))
        sequences = rng.random() < 0.6
        if rng.random() < 0.2:
            states = 2 if cls == "LSTM" else 1
            out = b.var("x" if sequences else "v")
            names = ", ".join([out] + [b.var("s") for _ in range(states)])
            b.emit(f"{names} = layers.{cls}({k}, return_sequences={sequences}, return_state=True)({x.name})")
            b.values.append(Value(out, "seq" if sequences else "vec", k, x.inputs))
        else:
            dtype = ', dtype="float64"' if rng.random() < 0.05 else ""
            layer = f"layers.{cls}({k}, return_sequences={sequences}{dtype})"
            b.add("seq" if sequences else "vec", k, _call(b, layer, x.name, "sequences"), x.inputs)
    elif choice == "bidirectional":
        sequences = rng.random() < 0.6
        mode = rng.choice(('"concat"', '"sum"', "None"))
        layer = f"layers.Bidirectional(layers.LSTM({k}, return_sequences={sequences}), merge_mode={mode})"
        kind = "seq" if sequences else "vec"
        if mode == "None":
            first, second = b.var("x"), b.var("x")
            b.emit(f"{first}, {second} = {layer}({x.name})")
            b.values += [Value(first, kind, k, x.inputs), Value(second, kind, k, x.inputs)]
        else:
            b.add(kind, 2 * k if mode == '"concat"' else k, _call(b, layer, x.name, "sequences"), x.inputs)
    elif choice in ("merge", "concatenate"):
        y = b.pick("seq")
        assert y is not None
        parts = [x, y] + ([b.pick("seq")] if rng.random() < 0.3 else [])
        if choice == "merge":
            cls = rng.choice(("Add", "Multiply", "Average", "Maximum", "Minimum", "Subtract", "add"))
            if cls == "Subtract":
                parts = parts[:2]
            names = []
            for part in parts:
                assert part is not None
                if part.width != k:
                    part = b.add("seq", k, f"layers.Dense({k})({part.name})", part.inputs)
                names.append(part.name)
            layer = "layers.add" if cls == "add" else f"layers.{cls}()"
        else:
            names = [p.name for p in parts if p is not None]
            k = sum(p.width for p in parts if p is not None)
            layer = rng.choice(("layers.Concatenate()", "layers.concatenate"))
        inputs = frozenset().union(*(p.inputs for p in parts if p is not None))
        if choice == "concatenate" and rng.random() < 0.2:
            width = parts[0].width  # along the time axis: the sequences must have the same width
            names = [n if p.width == width else b.add("seq", width, f"layers.Dense({width})({n})", p.inputs).name
                     for n, p in zip(names, parts) if p is not None]
            b.add("seq", width, f"layers.Concatenate(axis=1)([{', '.join(names)}])", inputs, length=T * len(names))
            return
        b.add("seq", k, f"{layer}([{', '.join(names)}])", inputs)
    elif choice == "attention":
        y = b.pick("seq")
        assert y is not None
        if y.width != x.width:
            y = b.add("seq", x.width, f"layers.Dense({x.width})({y.name})", y.inputs)
        cls = rng.choice(("Attention", "AdditiveAttention"))
        b.add("seq", x.width, f"layers.{cls}()([{x.name}, {y.name}])", x.inputs | y.inputs)
    elif choice == "mha":
        y = b.pick("seq")
        assert y is not None
        b.add("seq", x.width, f"layers.MultiHeadAttention(2, 2)({x.name}, {y.name})", x.inputs | y.inputs)
    elif choice == "pool":
        cls = rng.choice(("GlobalAveragePooling1D", "GlobalMaxPooling1D"))
        b.add("vec", x.width, _call(b, f"layers.{cls}()", x.name), x.inputs)
    elif choice == "conv":
        b.add("seq", k, _call(b, f'layers.Conv1D({k}, 3, padding="same")', x.name), x.inputs)
    elif choice == "lambda":
        mask = rng.choice(("", "", ", mask=lambda inputs, mask: mask", ", mask=lambda inputs, mask: None"))
        b.add("seq", x.width, _call(b, f"layers.Lambda(lambda t: t * 2.0{mask})", x.name), x.inputs)
    elif choice == "initial_state":
        source_ = b.pick("seq")
        assert source_ is not None
        out, h, c = b.var("x"), b.var("s"), b.var("s")
        b.emit(f"{out}, {h}, {c} = layers.LSTM({k}, return_sequences=True, return_state=True)({source_.name})")
        b.add("seq", k, f"layers.LSTM({k}, return_sequences=True)({x.name}, initial_state=[{h}, {c}])", x.inputs | source_.inputs)
    elif choice == "custom":
        cls = rng.choice(sorted(CLASSES))
        b.classes.add(cls)
        b.add("seq", x.width, f"{cls}()({x.name})", x.inputs)  # their call takes no training
    elif choice == "list_model":
        y = b.pick("seq")
        assert y is not None
        inner, first, second = b.var("inner"), b.var("start"), b.var("start")
        b.emit(f"{first} = keras.Input(shape=({T}, {x.width}))")
        b.emit(f"{second} = keras.Input(shape=({T}, {y.width}))")
        b.emit(f"{inner} = keras.Model([{first}, {second}], layers.Concatenate()([{first}, {second}]))")
        b.add("seq", x.width + y.width, f"{inner}([{x.name}, {y.name}])", x.inputs | y.inputs)
    elif choice == "time_distributed":
        b.add("seq", k, _call(b, f"layers.TimeDistributed(layers.Dense({k}))", x.name), x.inputs)
    elif choice == "dot":
        y = b.pick("seq")
        assert y is not None
        if y.width != x.width:
            y = b.add("seq", x.width, f"layers.Dense({x.width})({y.name})", y.inputs)
        b.add("seq", T, f"layers.Dot(axes=2)([{x.name}, {y.name}])", x.inputs | y.inputs)
    elif choice == "shared":
        y = b.pick("seq")
        assert y is not None
        if y.width != x.width:
            y = b.add("seq", x.width, f"layers.Dense({x.width})({y.name})", y.inputs)
        shared = b.var("shared")
        b.emit(f"{shared} = layers.Dense({k})")
        b.add("seq", k, f"{shared}({x.name})", x.inputs)
        b.add("seq", k, f"{shared}({y.name})", y.inputs)
    elif choice == "operation":
        expression = rng.choice((f"{x.name} * 2.0", f"keras.ops.relu({x.name})", f"{x.name} + {x.name}"))
        b.add("seq", x.width, expression, x.inputs)
    elif choice == "cell":
        cls = rng.choice(("LSTMCell", "GRUCell", "SimpleRNNCell"))
        b.add("seq", k, _call(b, f"layers.RNN(layers.{cls}({k}), return_sequences=True)", x.name, "sequences"), x.inputs)
    elif choice == "nested_masks":
        inner, start = b.var("inner"), b.var("start")
        b.emit(f"{start} = keras.Input(shape=({T}, {x.width}))")
        b.emit(f"{inner} = keras.Model({start}, layers.GRU({k}, return_sequences=True)(layers.Masking()({start})))")
        b.add("seq", k, _call(b, inner, x.name), x.inputs)
    elif choice == "vector":
        v = b.pick("vec")
        if v is not None:
            b.add("vec", k, f"layers.Dense({k})({v.name})", v.inputs)
    else:  # nested
        inner = b.var("inner")
        if rng.random() < 0.5:
            b.emit(f"{inner} = keras.Sequential([layers.Dense({k}), layers.Dropout(0.1)])")
        else:
            start = b.var("start")
            b.emit(f"{start} = keras.Input(shape=({T}, {x.width}))")
            b.emit(f"{inner} = keras.Model({start}, layers.Dense({k})({start}))")
        b.add("seq", k, _call(b, inner, x.name), x.inputs)


def _prelude(b: Builder) -> None:
    """A Sequential model whose builds run mask-computing layers (their operations take
    names); sometimes its output, which carries its mask, feeds the Functional model."""
    width = b.width()
    if b.rng.random() < 0.2:
        b.emit(
            f'pre = keras.Sequential([keras.Input(shape=({T},), dtype="int32"), '
            f"layers.Embedding({VOCAB}, {width}, mask_zero=True), layers.Dense({width})])"
        )
        b.values.append(Value("pre.outputs[0]", "seq", width, frozenset(["pre.inputs[0]"])))
    elif b.rng.random() < 0.5:
        b.emit(
            f'pre = keras.Sequential([keras.Input(shape=({T},), dtype="int32"), '
            f"layers.Embedding({VOCAB}, {width}, mask_zero=True), layers.GRU({width})])"
        )
    else:
        b.emit("pre = keras.Sequential()")
        b.emit(f"pre.add(keras.Input(shape=({T}, {width})))")
        b.emit("pre.add(layers.Masking())")
        b.emit(f"pre.add(layers.LSTM({width}))")


def _model(b: Builder, model: str) -> None:
    """One Functional model, assigned to ``model``."""
    _inputs(b)
    for _ in range(b.rng.randint(2, 7)):
        _step(b)
    last = b.values[-1]
    head = b.pick("seq", "vec") if b.rng.random() < 0.3 else None
    outputs = [last] if head is None or head is last else [last, head]
    if b.rng.random() < 0.5 and last.kind == "seq":
        cls = b.rng.choice(("LSTM", "GRU"))
        outputs[0] = b.add("vec", 2, f"layers.{cls}(2)({last.name})", last.inputs)
    used = sorted(frozenset().union(*(o.inputs for o in outputs)))
    names = [o.name for o in outputs]
    inputs = used[0] if len(used) == 1 else f"[{', '.join(used)}]"
    out = names[0] if len(names) == 1 else f"[{', '.join(names)}]"
    b.emit(f"{model} = keras.Model({inputs}, {out})")


def source(seed: int) -> str:
    """The source of one generated model file (sometimes two models: names go on)."""
    b = Builder(random.Random(seed))
    if b.rng.random() < 0.15:
        _prelude(b)
    _model(b, "model")
    if b.rng.random() < 0.15:
        b.values = []
        _model(b, "second")
    classes = "".join(CLASSES[name] for name in sorted(b.classes))
    return HEADER + classes + "\n" + "\n".join(b.lines) + "\n"
