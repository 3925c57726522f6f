"""KC204 width-bottleneck: A hidden Dense layer far narrower than the layers on both sides of it."""

from __future__ import annotations

from typing import Any, Iterator

from kerascheck.catalog import roles_of
from kerascheck.catalog.base import Role, may_equal
from kerascheck.catalog.core import Dense
from kerascheck.findings import Finding
from kerascheck.graph import Layer, Model, Operation
from kerascheck.rules.base import Example, ModelView, Rule, RuleContext

SEQ = "import keras\nfrom keras import layers\n"


class WidthBottleneck(Rule):
    code = "KC204"
    name = "width-bottleneck"
    severity = "info"
    summary = "A hidden Dense layer far narrower than the layers on both sides of it."
    docs = """\
## What it does
Finds a hidden `Dense` layer on feature vectors whose width is below
`bottleneck-ratio` (default 0.125) of both its input's width and the width
of the next `Dense` layer (`Dropout`, normalisation and activation layers in
between are looked through): `512 → 16 → 512`.  Not reported: models that
reconstruct their input (output shape = input shape: autoencoders, whose code
layer is the point), and squeeze-and-excitation gates (the wide layer after
the narrow one feeds a `Multiply`), whose narrow layer only computes channel
weights.

## Why it matters
Everything the later layers learn passes through those few numbers: a
`512 → 16 → 512` stack can represent no more than a rank-16 linear map, and
the 16-wide layer with a ReLU throws away even more.  It is often a typo
(`Dense(16)` for `Dense(160)`) or a leftover from an experiment; when it is a
deliberate compression, this note can be ignored.

## Example
```python
x = keras.layers.Dense(512, activation="relu")(x)
x = keras.layers.Dense(16, activation="relu")(x)   # 16 < 0.125 × 512
x = keras.layers.Dense(512, activation="relu")(x)
```

## Fix
Widen the narrow layer (or narrow its neighbours gradually), unless the
compression is intended.
"""
    options = {"bottleneck-ratio": 0.125}
    valid = (
        Example(
            SEQ + "m = keras.Sequential([keras.Input((512,)), layers.Dense(128), layers.Dense(512), layers.Dense(10)])\n", 0
        ),
        # the narrow layer is the output: a classifier head
        Example(SEQ + "m = keras.Sequential([keras.Input((512,)), layers.Dense(512), layers.Dense(10)])\n", 0),
        # an autoencoder: the code layer is the point
        Example(
            SEQ + "m = keras.Sequential([keras.Input((784,)), layers.Dense(32, activation='relu'),"
            " layers.Dense(784, activation='sigmoid')])\n",
            0,
        ),
        # a squeeze-and-excitation gate
        Example(
            SEQ + "x = keras.Input((8, 8, 256))\ns = layers.GlobalAveragePooling2D()(x)\n"
            "s = layers.Dense(16, activation='relu')(s)\ns = layers.Dense(256, activation='sigmoid')(s)\n"
            "s = layers.Reshape((1, 1, 256))(s)\nm = keras.Model(x, layers.Multiply()([x, s]))\n",
            0,
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((512,)), layers.Dense(16), layers.Dense(512), layers.Dense(10)])\n",
            0,
            options={"bottleneck-ratio": 0.03},
        ),
        # a shared layer is its own neighbour
        Example(SEQ + "d = layers.Dense(8)\nx = keras.Input((8,))\nm = keras.Model(x, layers.Dense(2)(d(d(x))))\n", 0),
        Example(
            SEQ + "import sys\nn = int(sys.argv[1])\n"
            "m = keras.Sequential([keras.Input((512,)), layers.Dense(n), layers.Dense(512), layers.Dense(10)])\n",
            0,
        ),
    )
    invalid = (
        Example(
            SEQ + "m = keras.Sequential([keras.Input((512,)), layers.Dense(16, activation='relu'),"
            " layers.Dense(512, activation='relu'), layers.Dense(10)])\n",
            contains="dense (Dense): 512 → 16 → 512: only 16 features pass from the 512-wide input to dense_1 (Dense); "
            "the two layers hold 8,208 + 8,704 parameters, against 262,656 for a direct 512 → 512 Dense",
        ),
        # looked through Dropout
        Example(
            SEQ + "m = keras.Sequential([keras.Input((300,)), layers.Dense(1024), layers.Dense(8), layers.Dropout(0.5),"
            " layers.Dense(256), layers.Dense(1)])\n",
            contains="1024 → 8 → 256",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((512,)), layers.Dense(100), layers.Dense(512), layers.Dense(10)])\n",
            options={"bottleneck-ratio": 0.25},
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((512,)), layers.Dense(output_dim=16), layers.Dense(512), layers.Dense(10)])\n",
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        ratio = ctx.options["bottleneck-ratio"]
        for model in ctx.models:
            if model.uncertain or reconstructs(model):
                continue
            view = ctx.view(model)
            for layer in view.layers():
                if not isinstance(layer.type, Dense) or view.is_output(layer):
                    continue
                shapes = view.input_shapes(layer)
                wide_in = width(shapes[0]) if len(shapes) == 1 else None
                narrow = width(view.output_shape.get(id(layer)))
                after = next_dense(layer, view)
                wide_out = width(view.output_shape.get(id(after))) if after is not None else None
                if after is None or wide_in is None or narrow is None or wide_out is None:
                    continue
                if narrow < ratio * wide_in and narrow < ratio * wide_out and not gates(after, view):
                    text = message(layer, after, wide_in, narrow, wide_out)
                    if text is not None:
                        yield self.finding(layer.source, text, fix=FIX)

FIX = "Widen the narrow layer, or narrow its neighbours gradually, unless the compression is intended."


def width(shape: Any) -> int | None:
    """The width of a batch of feature vectors: the last axis of a known rank-2 shape."""
    if isinstance(shape, tuple) and len(shape) == 2 and isinstance(shape[1], int) and not isinstance(shape[1], bool):
        return shape[1]
    return None


def next_dense(layer: Operation, view: ModelView) -> Layer | None:
    """The Dense layer that alone consumes ``layer``'s output, through shape-keeping layers."""
    op, seen = layer, {id(layer)}
    while True:
        after = view.successors(op)
        if len(after) != 1 or view.is_output(op) or not isinstance(after[0], Layer) or id(after[0]) in seen:
            return None  # a shared layer is its own successor
        op = after[0]
        seen.add(id(op))
        if isinstance(op.type, Dense):
            return op
        shapes = view.input_shapes(op)
        if len(shapes) != 1 or view.output_shape.get(id(op)) != shapes[0]:
            return None


def gates(layer: Operation, view: ModelView) -> bool:
    """Whether ``layer``'s output ends, through reshapes, in a Multiply (a squeeze-and-excitation gate)."""
    frontier, seen = [layer], {id(layer)}
    while frontier:
        op = frontier.pop()
        for nxt in view.successors(op):
            if Role.GATES in roles_of(nxt):
                return True
            if Role.BEFORE_GATE in roles_of(nxt) and id(nxt) not in seen:
                seen.add(id(nxt))
                frontier.append(nxt)
    return False


def reconstructs(model: Model) -> bool:
    """A model whose one output has (or may have) its one input's shape: an autoencoder."""
    ins, outs = model.inputs, model.outputs
    return len(ins) == 1 and len(outs) == 1 and isinstance(ins[0].shape, tuple) and may_equal(ins[0].shape, outs[0].shape)


def message(layer: Layer, after: Layer, wide_in: int, narrow: int, wide_out: int) -> str | None:
    """The diagnostic text, with the parameter effect (None when a count is unknown)."""
    first, second = params(layer), params(after)
    if first is None or second is None or after.weights is None:
        return None
    direct = wide_in * wide_out + sum(w.size for w in after.weights if w.name == "bias")
    return (
        f"{layer.name} ({layer.class_name}): {wide_in} → {narrow} → {wide_out}: only {narrow} features pass from the "
        f"{wide_in}-wide input to {after.name} ({after.class_name}); the two layers hold {first:,} + {second:,} "
        f"parameters, against {direct:,} for a direct {wide_in} → {wide_out} Dense"
    )


def params(layer: Layer) -> int | None:
    trainable, frozen = layer.param_counts()
    return None if trainable is None or frozen is None else trainable + frozen


RULE = WidthBottleneck()
