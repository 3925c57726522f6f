"""KC209 softmax-misuse: A softmax over a single unit, on hidden features, or followed by another activation."""

from __future__ import annotations

from typing import Any, Iterator

from kerascheck.catalog import roles_of, type_of
from kerascheck.catalog.base import Role
from kerascheck.catalog.core import Dense
from kerascheck.catalog.rnn import TimeDistributed
from kerascheck.findings import Finding
from kerascheck.graph import Layer, Operation
from kerascheck.rules._heads import (
    applied_activation,
    describe,
    is_activation_only,
    rank,
    shape_text,
    size,
    softmax_axes,
)
from kerascheck.rules.base import Example, ModelView, Rule, RuleContext

EFFECT = {
    "softmax": "which flattens the probabilities toward uniform",
    "relu": "which changes nothing (softmax outputs are already ≥ 0)",
}
DISTORTS = "which distorts the probabilities"
IMPORT = "import keras\nfrom keras import layers\n"


class SoftmaxMisuse(Rule):
    code = "KC209"
    name = "softmax-misuse"
    severity = "warning"
    summary = "A softmax over a single unit, on hidden features, or followed by another activation."
    docs = """\
## What it does
Finds three misuses of softmax:

- a softmax over an axis of size 1 (`Dense(1, activation="softmax")`, or a
  `Softmax` over such an axis) — an **error**: it outputs 1.0 whatever the input;
- a softmax on a hidden layer whose output feeds another `Dense`, convolution
  or recurrent layer as features (a softmax over another axis, or one whose
  output feeds `Multiply`, `Dot`, `Permute`, `Reshape`... as attention weights,
  is left alone);
- an activation applied after a softmax (`Dense(10, activation="softmax")`
  followed by `Activation("relu")` or a second `Softmax`); the diagnostic points
  at that second activation.

## Why it matters
A softmax over one value is always exactly 1: the layer's weights get no
gradient and a binary classifier built this way predicts the positive class for
every sample (Keras 3 only warns at run time). On hidden features a softmax
forces the units to compete for a total of 1: most of them end up near 0, and
the next layer sees small values tied together rather than independent
features. A second activation after a
softmax distorts the probabilities: another softmax flattens them toward
uniform, a ReLU does nothing, a sigmoid squeezes them into [0.5, 0.73].

## Example
```python
model = keras.Sequential([
    keras.Input((20,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(1, activation="softmax"),  # always 1.0
])
```

## Fix
For a single yes/no output use `activation="sigmoid"` (or two units with
softmax). On hidden layers use `relu` or another hidden activation. Apply
softmax once, at the output.
"""
    valid = (
        Example(IMPORT + "m = keras.Sequential([keras.Input((20,)), layers.Dense(64, activation='relu'),"
                " layers.Dense(1, activation='sigmoid')])\n", 0),
        Example(IMPORT + "m = keras.Sequential([keras.Input((20,)), layers.Dense(10, activation='softmax')])\n", 0),
        # attention pooling: softmax over the time axis, used as weights
        Example(IMPORT + """\
inp = keras.Input((50, 32))
scores = layers.Flatten()(layers.Dense(1)(inp))
weights = layers.Softmax()(scores)
weights = layers.Reshape((50, 1))(weights)
pooled = layers.Flatten()(layers.Dot(axes=1)([weights, inp]))
m = keras.Model(inp, layers.Dense(3, activation='softmax')(pooled))
""", 0),
        # gating: softmax weights multiplied with features
        Example(IMPORT + """\
inp = keras.Input((16,))
gate = layers.Dense(16, activation='softmax')(inp)
m = keras.Model(inp, layers.Dense(1)(layers.Multiply()([gate, inp])))
""", 0),
        # softmax over the time axis of a sequence, then a Dense on features
        Example(IMPORT + """\
inp = keras.Input((30, 8))
w = layers.Softmax(axis=1)(inp)
m = keras.Model(inp, layers.Dense(1)(layers.Flatten()(w)))
""", 0),
        Example(IMPORT + "m = keras.Sequential([keras.Input((20,)), layers.Dense(10),"
                " layers.Activation('softmax')])\n", 0),
        # a linear activation after a softmax changes nothing
        Example(IMPORT + "m = keras.Sequential([keras.Input((20,)), layers.Dense(10, activation='softmax'),"
                " layers.Activation('linear')])\n", 0),
        # the number of units is unknown
        Example(IMPORT + "import sys\nn = int(sys.argv[1])\n"
                "m = keras.Sequential([keras.Input((20,)), layers.Dense(n, activation='softmax')])\n", 0),
    )
    invalid = (
        Example(IMPORT + "m = keras.Sequential([keras.Input((20,)), layers.Dense(64, activation='relu'),"
                " layers.Dense(1, activation='softmax')])\n", contains="output (None, 1)"),
        # the loss on that one unit follows from it (KC210 folded in, the severity stays error)
        Example(IMPORT + "m = keras.Sequential([keras.Input((20,)), layers.Dense(1, activation='softmax')])\n"
                "m.compile(loss='categorical_crossentropy')\n",
                contains="; KC210 (output-loss-mismatch) follows from it: dense (Dense) gives the output a softmax"),
        Example(IMPORT + "import tensorflow as tf\nm = tf.keras.Sequential([tf.keras.layers.Dense(1,"
                " input_dim=8, activation=tf.nn.softmax)])\n", contains="always outputs 1.0"),
        Example(IMPORT + "inp = keras.Input((50, 32))\n"
                "m = keras.Model(inp, layers.Softmax(axis=-1)(layers.Dense(1)(inp)))\n", contains="(None, 50, 1)"),
        # not built (no input shape): the unit count alone decides
        Example(IMPORT + "m = keras.Sequential()\nm.add(layers.Dense(32, activation='relu'))\n"
                "m.add(layers.Dense(1, activation='softmax'))\n", contains="over its single unit"),
        Example(IMPORT + "from keras.models import Sequential\nfrom keras.layers import Dense, Activation\n"
                "m = Sequential()\nm.add(Dense(1, input_shape=(8,)))\nm.add(Activation('softmax'))\n",
                contains="activation (Activation)"),
        Example(IMPORT + "m = keras.Sequential([keras.Input((20,)), layers.Dense(64, activation='softmax'),"
                " layers.Dense(10, activation='softmax')])\n", contains="feeds dense_1 (Dense)"),
        Example(IMPORT + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3, activation='softmax'),"
                " layers.Dropout(0.2), layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(10)])\n",
                contains="its 16 outputs"),
        Example(IMPORT + "m = keras.Sequential([keras.Input((20,)), layers.Dense(10, activation='softmax'),"
                " layers.Activation('relu')])\n", contains="applies relu after dense (Dense) already applied softmax"),
        Example(IMPORT + "inp = keras.Input((20,))\nx = layers.Dense(10)(inp)\nx = layers.Softmax()(x)\n"
                "m = keras.Model(inp, keras.ops.softmax(x))\n", contains="toward uniform"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.models:
            if model.uncertain:
                continue
            view = ctx.view(model)
            for op in view.operations:
                axes = softmax_axes(op)
                if axes is None or not isinstance(op, Layer):
                    continue
                found = self.single_unit(view, op, axes) or self.hidden_features(view, op, axes)
                if found is not None:
                    yield found
                yield from self.activation_after(view, op)

    def single_unit(self, view: ModelView, op: Layer, axes: tuple[int, ...]) -> Finding | None:
        shape: Any = view.output_shape.get(id(op))
        n = rank(shape)
        if n is None:
            if axes != (-1,) or _units(op) != 1:
                return None
            where = "its single unit"  # a layer not built yet (a Sequential without input shape)
        elif not all(-n < a < n for a in axes) or any(a % n == 0 or size(shape[a]) != 1 for a in axes):
            return None
        else:
            where = f"axis {axes[0] if len(axes) == 1 else axes} of size 1 (output {shape_text(shape)})"
        return self.finding(
            op.source,
            f"{describe(op)} applies softmax over {where}: it always outputs 1.0, whatever the input",
            fix="use activation='sigmoid' for a single yes/no output, or give the layer one unit per class",
            severity="error",
        )

    def hidden_features(self, view: ModelView, op: Layer, axes: tuple[int, ...]) -> Finding | None:
        shape: Any = view.output_shape.get(id(op))
        n = rank(shape)
        if n is None or axes not in ((-1,), (n - 1,)) or view.is_output(op):
            return None
        readers = _readers(view, op)
        if not readers or not all(Role.READS_FEATURES in roles_of(r) for r in readers):
            return None
        width = size(shape[-1])
        outputs = f"its {width} outputs" if width is not None else "its outputs"
        return self.finding(
            op.source,
            f"{describe(op)} applies softmax over {outputs} and feeds {describe(readers[0])} as features:"
            " softmax makes them compete for a total of 1, so most reach the next layer near 0",
            fix="use relu (or another hidden activation) here; keep softmax for the output or for attention weights",
        )

    def activation_after(self, view: ModelView, op: Layer) -> Iterator[Finding]:
        for reader in _readers(view, op):
            second = applied_activation(reader)
            if not is_activation_only(reader) or second in (None, "linear"):
                continue
            same = second != "softmax" or _axes(view, reader) == _axes(view, op)
            effect = EFFECT.get(second, DISTORTS) if same else DISTORTS
            yield self.finding(
                reader.source,
                f"{describe(reader)} applies {second} after {describe(op)} already applied softmax, {effect}",
                fix="remove the second activation; apply softmax once, at the output",
            )


def _units(op: Layer) -> Any:
    """The units of a Dense layer (wrapped in TimeDistributed or not), from its arguments."""
    layer = op.config.get("layer") if isinstance(type_of(op), TimeDistributed) else op
    return layer.config.get("units") if isinstance(layer, Layer) and isinstance(type_of(layer), Dense) else None


def _axes(view: ModelView, op: Operation) -> set[int] | None:
    """The softmax axes of ``op``, counted from the front."""
    n, axes = rank(view.output_shape.get(id(op))), softmax_axes(op)
    return None if n is None or axes is None else {a % n for a in axes}


def _readers(view: ModelView, op: Operation) -> list[Operation]:
    """The operations that read ``op``'s output, looking through dropout-like layers
    (those that keep the values' activation without rearranging them)."""
    out: list[Operation] = []
    for successor in view.successors(op):
        roles = roles_of(successor)
        if Role.KEEPS_ACTIVATION in roles and Role.REARRANGES not in roles and isinstance(successor, Layer):
            out.extend(_readers(view, successor))
        else:
            out.append(successor)
    return out


RULE = SoftmaxMisuse()
