"""KC203 bottleneck-below-output: A hidden layer is narrower than the output layer it feeds."""

from __future__ import annotations

import math
from typing import Any, Iterator

from kerascheck.catalog.base import may_equal
from kerascheck.findings import Finding
from kerascheck.graph import Layer, Op, Operation
from kerascheck.rules._heads import PROBABILITY, Head, describe, heads, rank, size
from kerascheck.rules.base import Example, ModelView, Rule, RuleContext
from kerascheck.unknown import is_unknown

IMPORT = "import keras\nfrom keras import layers\n"
MLP = IMPORT + """\
m = keras.Sequential([
    keras.Input((784,)),
    layers.Dense(128, activation='relu'),
    layers.Dense({hidden}, activation='relu'),
    layers.Dense({units}, activation='{activation}'),
])
"""


class BottleneckBelowOutput(Rule):
    code = "KC203"
    name = "bottleneck-below-output"
    severity = "warning"
    summary = "A hidden layer is narrower than the output layer it feeds."
    docs = """\
## What it does
Finds the narrowest hidden layer with fewer features than the model's output
layer has units, through which everything reaching that output must pass:
`Dense(8)` → `Dense(10, activation="softmax")`. Only feature vectors
`(batch, features)` are compared; for a softmax output, N − 1 features are
enough for N classes. Wide layers are left alone: the option `bottleneck-max-width`
(default 32) sets the widest layer reported, since wide representations below
the class count are common, sound designs: 64 features for CIFAR-100's 100
classes (the CIFAR ResNets), 768 for ImageNet's 1,000 (ConvNeXt-T).

Only outputs that predict are checked: a layer with weights ending in softmax,
sigmoid or no activation (a model cut at a relu feature layer is not). Narrow
layers by design stay quiet: models whose output has the shape of their input
(autoencoders), and decoders or generators whose narrow layer is still wider
than the model's own input (a latent vector); so does a model whose input has a
size kerascheck does not know, which may be either.

## Why it matters
What a layer discards no later layer can recover: with ten classes scored from
eight features, the output layer's logits are confined to an 8-dimensional
subspace of the 10, which limits the class probabilities the model can express
and makes similar classes harder to separate. It is usually a leftover from
shrinking a layer or swapping the two sizes.

## Example
```python
model = keras.Sequential([
    keras.Input((784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(8, activation="relu"),  # 8 features for 10 classes
    layers.Dense(10, activation="softmax"),
])
```

## Fix
Make the hidden layer at least as wide as the output (usually wider), or check
whether its size and the output's were swapped.
"""
    options = {"bottleneck-max-width": 32}
    valid = (
        Example(MLP.format(hidden=64, units=10, activation="softmax"), 0),
        Example(MLP.format(hidden=9, units=10, activation="softmax"), 0),
        Example(MLP.format(hidden=64, units=100, activation="softmax"), 0),
        # an autoencoder: the output reconstructs the input
        Example(IMPORT + """\
inp = keras.Input((784,))
code = layers.Dense(32, activation='relu')(inp)
m = keras.Model(inp, layers.Dense(784, activation='sigmoid')(code))
""", 0),
        # a decoder: every layer is wider than the latent input
        Example(IMPORT + """\
latent = keras.Input((2,))
x = layers.Dense(16, activation='relu')(latent)
m = keras.Model(latent, layers.Dense(784, activation='sigmoid')(x))
""", 0),
        # a narrow branch next to a wide one is not a bottleneck
        Example(IMPORT + """\
inp = keras.Input((100,))
narrow = layers.Dense(4, activation='relu')(inp)
wide = layers.Dense(64, activation='relu')(inp)
m = keras.Model(inp, layers.Dense(10, activation='softmax')(layers.Concatenate()([narrow, wide])))
""", 0),
        # a model cut at a feature layer: its output is not a prediction
        Example(IMPORT + """\
inp = keras.Input((32, 32, 3))
x = layers.GlobalAveragePooling2D()(layers.Conv2D(16, 3, activation='relu')(inp))
m = keras.Model(inp, layers.Dense(64, activation='relu')(x))
""", 0),
        # an input of unknown width: the code of an autoencoder, or wider than a latent vector
        Example(IMPORT + """\
import sys
inp = keras.Input((int(sys.argv[1]),))
code = layers.Dense(32, activation='relu')(inp)
m = keras.Model(inp, layers.Dense(784, activation='sigmoid')(code))
""", 0),
        # the width is unknown
        Example(IMPORT + "import sys\nn = int(sys.argv[1])\n"
                + MLP.format(hidden="n", units=10, activation="softmax").split("\n", 2)[2], 0),
    )
    invalid = (
        Example(MLP.format(hidden=8, units=10, activation="softmax"),
                contains="dense_1 (Dense) has 8 features, fewer than the 10 units of the output layer dense_2 (Dense)"),
        Example(MLP.format(hidden=32, units=100, activation="softmax")),
        Example(MLP.format(hidden=4, units=5, activation="sigmoid"), contains="4 features"),
        Example(MLP.format(hidden=48, units=100, activation="softmax"), options={"bottleneck-max-width": 50}),
        # a narrow global pooling before a wider head
        Example(IMPORT + """\
inp = keras.Input((32, 32, 3))
x = layers.Conv2D(16, 3, activation='relu')(inp)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(0.5)(x)
m = keras.Model(inp, layers.Dense(100, activation='softmax')(x))
""", contains="global_average_pooling2d (GlobalAveragePooling2D) has 16 features"),
        # a nested encoder model narrower than the classifier on top
        Example(IMPORT + """\
encoder = keras.Sequential([keras.Input((64,)), layers.Dense(32, activation='relu'), layers.Dense(3)], name='encoder')
m = keras.Sequential([keras.Input((64,)), encoder, layers.Dense(5, activation='softmax')])
""", contains="encoder (Sequential) has 3 features"),
        # a funnel: only its narrowest layer is reported
        Example(IMPORT + "m = keras.Sequential([keras.Input((30,)), layers.Dense(8), layers.Dense(4), layers.Dense(2),"
                " layers.Dense(7, activation='softmax')])\n", contains="dense_2 (Dense) has 2 features"),
        # legacy Keras 1 spelling
        Example(IMPORT + "from keras.models import Sequential\nfrom keras.layers import Dense\n"
                "m = Sequential()\nm.add(Dense(output_dim=6, input_dim=20, activation='relu'))\n"
                "m.add(Dense(output_dim=26, activation='softmax'))\n"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        max_width = ctx.options["bottleneck-max-width"]
        for model in ctx.models:
            view = ctx.view(model)
            reported: set[int] = set()
            for head in heads(view):
                found = _narrowest(view, head, max_width)
                if found is not None and id(found[0]) not in reported:
                    reported.add(id(found[0]))
                    yield self.finding(found[0].source, _message(*found, head), fix=FIX)


FIX = "make the hidden layer at least as wide as the output, or check whether the two sizes were swapped"


def _narrowest(view: ModelView, head: Head, max_width: int) -> tuple[Operation, int] | None:
    """The narrowest layer every path to ``head`` passes through, if narrower than it needs."""
    units = head.units
    if not _prediction(head) or rank(head.shape) != 2 or units is None or _reconstructs(view, head):
        return None
    needed = units - 1 if head.activation == "softmax" else units
    inputs = _input_width(view)
    if inputs is None:  # a narrow layer may still be wider than the model's input
        return None
    limit = min(needed, inputs, max_width + 1)
    found: tuple[Operation, int] | None = None
    for layer in view.operations:
        width = _narrowing(view, layer)
        if width is None or width >= limit or (found is not None and width >= found[1]):
            continue
        if _all_paths_through(view, layer, head.output):
            found = (layer, width)
    return found


def _message(layer: Operation, width: int, head: Head) -> str:
    output = head.layer or head.output
    return (f"{describe(layer)} has {width} feature{'s' * (width != 1)}, fewer than the {head.units} units of"
            f" the output layer {describe(output)} it feeds: what it discards cannot be recovered")


def _prediction(head: Head) -> bool:
    """An output layer that predicts (classes, probabilities or values), not a feature output."""
    return head.layer is not None and head.activation in PROBABILITY | {"linear"}


def _input_width(view: ModelView) -> float | None:
    """The number of values the model's inputs hold: infinite with a dynamic (None)
    dimension or an unknown rank, None (unknown) with a dimension kerascheck does not know."""
    total: float = 0
    for tensor in view.model.inputs:
        values = _values(tensor.shape)
        if values is None:
            return None
        total += values
    return total or math.inf


def _reconstructs(view: ModelView, head: Head) -> bool:
    return any(may_equal(t.shape, head.shape) for t in view.model.inputs)


def _narrowing(view: ModelView, layer: Operation) -> int | None:
    """The width of a layer's (or nested model's) (batch, features) output when it is
    narrower than its input."""
    if isinstance(layer, Op) or (isinstance(layer, Layer) and layer.type is None):
        return None
    shape: Any = view.output_shape.get(id(layer))
    if rank(shape) != 2 or size(shape[1]) is None:
        return None
    width: int = shape[1]
    feeding = [_values(s) for s in view.input_shapes(layer)]
    if not feeding or any(values is None or values <= width for values in feeding):
        return None  # not narrower than one of its inputs, or not known to be
    return width


def _values(shape: Any) -> float | None:
    """The number of values of one sample of ``shape``: infinite with a dynamic (None)
    dimension or an unknown rank, None when a dimension is unknown."""
    if not rank(shape):
        return math.inf
    dims = shape[1:]
    if any(is_unknown(d) for d in dims):
        return None
    return math.inf if any(size(d) is None for d in dims) else math.prod(dims)


def _all_paths_through(view: ModelView, layer: Operation, output: Operation) -> bool:
    """Whether every path from the model's inputs to ``output`` passes through ``layer``."""
    if output is layer:
        return False
    seen: set[int] = {id(layer)}
    stack = [output]
    reached = False
    while stack:
        op = stack.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        parents = view.predecessors(op)
        if len(view.input_shapes(op)) > len(parents) or not parents:
            return False  # an operation reading a model input, reached around ``layer``
        reached = reached or any(p is layer for p in parents)
        stack.extend(parents)
    return reached


RULE = BottleneckBelowOutput()
