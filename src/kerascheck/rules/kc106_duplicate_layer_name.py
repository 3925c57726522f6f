"""KC106 duplicate-layer-name: Two layers of one model have the same name=; Keras refuses to build the model."""

from __future__ import annotations

from typing import Iterator

from kerascheck.findings import Finding
from kerascheck.graph import Model, Operation
from kerascheck.rules.base import Example, Rule, RuleContext

SEQ = "import keras\nfrom keras import layers\n"
BLOCK = (
    SEQ + "def block(x, name):\n"
    "    x = layers.Conv2D(16, 3, padding='same', name=name + '_conv')(x)\n"
    "    return layers.ReLU(name=name + '_relu')(x)\n"
)


class DuplicateLayerName(Rule):
    code = "KC106"
    name = "duplicate-layer-name"
    severity = "error"
    summary = "Two layers of one model have the same name=; Keras refuses to build the model."
    docs = """\
## What it does
Finds two different layers (or input layers, or nested models) of the same
model that were given the same `name=`.  The diagnostic points at the later
one.  Only names written in the source are compared: Keras's automatic names
(`dense_1`...) depend on what else the session created.

## Why it matters
Keras 3 raises when the model is created: a `Sequential` model says "All layers
added to a Sequential model should have unique names", a functional model
'The name "x" is used 2 times in the model'.  It typically happens when a
block-building function is called twice with the same name prefix, or when a
named sub-model is built twice.  (The same layer object used twice is
sharing, not a duplicate.)

## Example
```python
x = conv_block(inputs, name="block1")
x = conv_block(x, name="block1")  # block1_conv, block1_relu again
```

## Fix
Give each layer a unique name (number the blocks), or leave `name=` out and let
Keras choose.
"""
    valid = (
        Example(BLOCK + "x = keras.Input((32, 32, 3))\nm = keras.Model(x, block(block(x, 'b1'), 'b2'))\n", 0),
        # the same layer used twice is shared, not duplicated
        Example(
            SEQ + "d = layers.Dense(8, name='proj')\nx = keras.Input((8,))\nm = keras.Model(x, d(d(x)))\n", 0
        ),
        # the same name in two different models
        Example(
            SEQ + "a = keras.Sequential([keras.Input((4,)), layers.Dense(2, name='out')])\n"
            "b = keras.Sequential([keras.Input((4,)), layers.Dense(2, name='out')])\n",
            0,
        ),
        # a layer that is not part of the graph does not count
        Example(
            SEQ + "x = keras.Input((8,))\ny = layers.Dense(4, name='a')(x)\nz = layers.Dense(4, name='a')(x)\n"
            "m = keras.Model(x, y)\n",
            0,
        ),
        # a layer of a nested model is not a layer of the outer one
        Example(
            SEQ + "inner = keras.Sequential([keras.Input((8,)), layers.Dense(4, name='a')], name='inner')\n"
            "x = keras.Input((8,))\nm = keras.Model(x, layers.Dense(2, name='a')(inner(x)))\n",
            0,
        ),
        # only one of the two branches runs
        Example(
            SEQ + "import sys\nx = keras.Input((8,))\nif sys.argv[1]:\n    y = layers.Dense(4, name='a')(x)\n"
            "else:\n    y = layers.Dense(8, name='a')(x)\nm = keras.Model(x, y)\n",
            0,
        ),
        # the name is not known
        Example(
            SEQ + "import sys\nm = keras.Sequential([keras.Input((4,)), layers.Dense(2, name=sys.argv[1]),"
            " layers.Dense(2, name='a')])\n",
            0,
        ),
    )
    invalid = (
        Example(
            BLOCK + "x = keras.Input((32, 32, 3))\nm = keras.Model(x, block(block(x, 'b1'), 'b1'))\n",
            count=2,
            contains="already has a",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((8,)), layers.Dense(4, name='hidden'), layers.Dense(4, name='hidden')])\n",
            contains="hidden (Dense): sequential already has a Dense named 'hidden'; Keras refuses to build a model with two",
        ),
        Example(
            SEQ + "m = keras.Sequential()\nm.add(keras.Input((8,), name='x'))\nm.add(layers.Dense(4, name='x'))\n",
            contains="x (Dense): sequential already has an InputLayer named 'x'",
        ),
        # a sub-model built twice by the same function
        Example(
            SEQ + "def encoder():\n    return keras.Sequential([keras.Input((8,)), layers.Dense(4)], name='encoder')\n"
            "a, b = keras.Input((8,)), keras.Input((8,))\n"
            "m = keras.Model([a, b], layers.Concatenate()([encoder()(a), encoder()(b)]))\n",
            contains="encoder (Sequential): functional_2 already has a Sequential named 'encoder'",
        ),
        Example(
            SEQ + "from keras.layers import Convolution2D\nm = keras.Sequential([keras.Input((8, 8, 1)),"
            " Convolution2D(4, 3, 3, name='c'), Convolution2D(4, 3, 3, name='c')])\n",
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.models:
            if model.uncertain:
                continue  # both branches of an unknown condition are in the graph
            members = operations(model)
            first: dict[str, Operation] = {}
            for op in members:
                if not op.named:
                    continue
                if op.name not in first:
                    first[op.name] = op
                    continue
                earlier = first[op.name]
                yield self.finding(
                    op.source,
                    f"{op.name} ({op.class_name}): {model.name} already has a{article(earlier.class_name)} "
                    f"{earlier.class_name} named '{op.name}'; Keras refuses to build a model with two",
                    fix="Give each layer a unique name, or leave name= out.",
                )


def article(word: str) -> str:
    return "n" if word[:1].upper() in "AEIOU" else ""


def operations(model: Model) -> list[Operation]:
    """The distinct layers Keras checks for unique names: a Sequential's list (with its
    input layer), a functional model's graph (inputs included)."""
    if model.kind == "sequential":
        found = list(model.sequence)
    elif model.kind == "functional" and model.rows is not None:
        inputs = [t.producer.operation for t in model.inputs if t.producer is not None]
        found = inputs + [row.operation for row in model.rows]
    else:
        return []
    return list({id(op): op for op in found}.values())


RULE = DuplicateLayerName()
