"""KC202 parameter-hotspot: A Dense layer on a flattened feature map holds most of the model's parameters."""

from __future__ import annotations

import math
from typing import Iterator

from kerascheck.catalog.base import Role
from kerascheck.catalog.core import Dense
from kerascheck.findings import Finding
from kerascheck.graph import Layer, Op
from kerascheck.rules.base import Example, ModelView, Rule, RuleContext

SEQ = "import keras\nfrom keras import layers\n"
VGG_HEAD = (
    SEQ + "m = keras.Sequential([keras.Input((14, 14, 512)), layers.MaxPooling2D(2), layers.Flatten(),"
    " layers.Dense(4096, activation='relu'), layers.Dense(1000, activation='softmax')])\n"
)


class ParameterHotspot(Rule):
    code = "KC202"
    name = "parameter-hotspot"
    severity = "info"
    summary = "A Dense layer on a flattened feature map holds most of the model's parameters."
    docs = """\
## What it does
Reports a `Dense` layer fed by a flattened feature map — `Flatten` (or a
`Reshape` to one axis) of a multi-axis tensor that a layer of the model
computed, possibly through `Dropout`, normalisation or activation layers —
when it holds at least `hotspot-share` of its model's parameters (default
half) and at least `hotspot-min-params` parameters itself (default
1,000,000).  The message shows the flattened shape the weight matrix comes
from.  Only models whose
total is known are checked; a nested model's row is not a layer.

Layers whose size is inherent are not reported: an `Embedding` table is sized
by its vocabulary; convolution, recurrent and attention weights do not grow
with the input's extent; a `Dense` layer on the model's own input (an MLP over
raw values, a GAN generator projecting its latent vector) is sized by the data.

## Why it matters
A `Dense` layer on a flattened feature map multiplies every position of the
map by every unit, so its size grows with the resolution: VGG16's first fully
connected layer holds 102,764,544 of the network's 138,357,544 parameters
(74%).  Such a layer dominates memory, over-fits easily, and ties the model to
one input size.

The share alone does not make a hotspot: in a small network the classifier
head naturally holds most of the weights (a `Dense(96)` on a 5×5×48 map holds
115,296 of a 153,658-parameter MNIST CNN, 75%; a `Dense(512)` on a 2×2×128
map about half of a CIFAR-sized one), and nothing needs fixing there.  The
floor of a million parameters (4 MB of float32 weights) is where the layer's
size starts to matter for memory and over-fitting; it separates the
Flatten-into-Dense mistakes seen in practice (a 1,179,776-parameter `Dense`
holding 98% of its model) from their fixes (the same head after more pooling,
204,928 parameters, still 84%), which a share threshold cannot.  Lower
`hotspot-min-params` for models meant for small devices.

It is an **info**, not a warning: a large head is a design choice, not a
defect.  VGG-style heads (a `Dense(2048)` on a 7×7×512 map, 51 million
parameters) and Flatten-into-Dense heads of 3 to 78 million parameters are kept
by their authors in the fixed versions of the real-bug benchmark
(`bench/realbugs/`), and the model trains; the note says where the weights are,
which is what "why does my deeper network have fewer parameters?" asks.

## Example
```python
x = keras.layers.Flatten()(features)       # 7×7×512 = 25,088 values
x = keras.layers.Dense(4096)(x)            # 102,764,544 parameters
```

## Fix
Shrink the feature map before the head: `GlobalAveragePooling2D` instead of
`Flatten`, or more pooling / strided convolutions before it, or fewer units.
"""
    options = {"hotspot-share": 0.5, "hotspot-min-params": 1_000_000}
    valid = (
        Example(
            SEQ + "m = keras.Sequential([keras.Input((14, 14, 512)), layers.GlobalAveragePooling2D(),"
            " layers.Dense(1000, activation='softmax')])\n",
            0,
        ),
        # small models: under hotspot-min-params
        Example(SEQ + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(16)])\n", 0),
        # a small CNN's head holds most of its weights (115,296 of 153,658) without being a problem
        Example(
            SEQ + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(48, 3, activation='relu'),"
            " layers.MaxPooling2D(2), layers.Conv2D(48, 4, activation='relu'), layers.MaxPooling2D(2),"
            " layers.Flatten(), layers.Dense(96, activation='relu'), layers.Dense(10, activation='softmax')])\n",
            0,
        ),
        Example(VGG_HEAD, 0, options={"hotspot-share": 0.97}),
        Example(VGG_HEAD, 0, options={"hotspot-min-params": 200_000_000}),
        # an MLP over raw pixels: the first layer's size is the data's
        Example(
            SEQ + "m = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(512, activation='relu'),"
            " layers.Dense(10, activation='softmax')])\n",
            0,
        ),
        # an embedding table's size is its vocabulary's; the LSTM's does not grow with the text
        Example(
            SEQ + "m = keras.Sequential([keras.Input((100,)), layers.Embedding(20000, 128), layers.LSTM(256),"
            " layers.Dense(1, activation='sigmoid')])\n",
            0,
        ),
        # a shared layer is its own predecessor
        Example(
            SEQ + "d = layers.Dense(512)\nx = keras.Input((512,))\nm = keras.Model(x, layers.Dense(2)(d(d(x))))\n", 0
        ),
        # the total is unknown: a layer the catalog does not know
        Example(
            SEQ + "from mylib import Custom\nx = keras.Input((14, 14, 512))\ny = layers.Flatten()(Custom()(x))\n"
            "m = keras.Model(x, layers.Dense(10)(layers.Dense(4096)(y)))\n",
            0,
        ),
    )
    invalid = (
        # only the Dense on the flattened map: the next one reads the first one's units
        Example(
            SEQ + "m = keras.Sequential([keras.Input((16, 16, 4)), layers.Conv2D(4, 1), layers.Flatten(),"
            " layers.Dense(1024), layers.Dense(1024)])\n",
            contains="dense (Dense) holds 1,049,600",
            options={"hotspot-share": 0.3},
        ),
        Example(
            VGG_HEAD,
            contains="dense (Dense) holds 102,764,544 of the 106,861,544 parameters of sequential (96%): "
            "7×7×512 = 25,088 flattened inputs × 4,096 units",
        ),
        Example(
            SEQ + "x = keras.Input((64, 64, 3))\ny = layers.Conv2D(32, 3, activation='relu')(x)\n"
            "y = layers.Dropout(0.5)(layers.Flatten()(y))\nm = keras.Model(x, layers.Dense(10, activation='softmax')(y))\n",
            contains="62×62×32 = 123,008 flattened inputs × 10 units",
        ),
        # a time series flattened into a Dense layer
        Example(
            SEQ + "m = keras.Sequential([keras.Input((128, 9)), layers.Conv1D(64, 3, activation='relu'),"
            " layers.Reshape((-1,)), layers.Dense(128), layers.Dense(6)])\n",
            contains="126×64 = 8,064 flattened inputs × 128 units",
        ),
        Example(
            SEQ + "from keras.layers import Convolution2D\nm = keras.Sequential([keras.Input((28, 28, 1)),"
            " Convolution2D(32, 3, 3), layers.MaxPooling2D(), layers.Flatten(), layers.Dense(output_dim=128)])\n",
            contains="692,352 of the 692,672 parameters of sequential (over 99%)",
            options={"hotspot-min-params": 100_000},
        ),
        # the small CNN head above, with a lower floor
        Example(
            SEQ + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(48, 3, activation='relu'),"
            " layers.MaxPooling2D(2), layers.Conv2D(48, 4, activation='relu'), layers.MaxPooling2D(2),"
            " layers.Flatten(), layers.Dense(96, activation='relu'), layers.Dense(10, activation='softmax')])\n",
            contains="115,296 of the 153,658 parameters",
            options={"hotspot-min-params": 100_000},
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        share, least = ctx.options["hotspot-share"], ctx.options["hotspot-min-params"]
        for model in ctx.models:
            trainable, frozen = model.totals()
            if trainable is None or frozen is None or trainable + frozen <= 0:
                continue
            total = trainable + frozen
            view = ctx.view(model)
            for layer in view.layers():
                count, shape = params(layer), flattened_map(layer, view)
                if shape is None or count is None or count < least or count < share * total:
                    continue
                inputs, units = math.prod(shape), layer.config["units"]
                yield self.finding(
                    layer.source,
                    f"{layer.name} ({layer.class_name}) holds {count:,} of the {total:,} parameters of {model.name} "
                    f"({percent(count, total)}): {'×'.join(map(str, shape))} = {inputs:,} flattened inputs × {units:,} units",
                    fix="Shrink the feature map first: GlobalAveragePooling instead of Flatten, or more pooling before it.",
                )


def percent(part: int, total: int) -> str:
    """``74%``; ``over 99%`` rather than a rounded ``100%`` for less than all."""
    shown = round(100 * part / total)
    return "over 99%" if shown == 100 and part < total else f"{shown}%"


def params(layer: Layer) -> int | None:
    trainable, frozen = layer.param_counts()
    return None if trainable is None or frozen is None else trainable + frozen


def flattened_map(layer: Layer, view: ModelView) -> tuple[int, ...] | None:
    """The feature map (without batch axis) a Dense layer's input was flattened from,
    when a layer of the model computed that map; None otherwise."""
    if not isinstance(layer.type, Dense):
        return None
    op, seen = layer, {id(layer)}
    while True:  # back through Dropout, BatchNormalization, activations... to the flattening
        before = view.predecessors(op)
        if len(before) != 1 or not isinstance(before[0], Layer) or id(before[0]) in seen:
            return None  # a shared layer is its own predecessor
        op = before[0]
        seen.add(id(op))
        shapes = view.input_shapes(op)
        if len(shapes) != 1 or not isinstance(shapes[0], tuple):
            return None
        output = view.output_shape.get(id(op))
        roles = _roles(op)
        if Role.REARRANGES in roles and isinstance(output, tuple) and len(output) == 2:
            break  # Flatten, or a Reshape to one axis
        if Role.KEEPS_LAYOUT not in roles or output != shapes[0]:
            return None
    dims = shapes[0][1:]
    if len(dims) < 2 or not all(isinstance(d, int) for d in dims) or not view.predecessors(op):
        return None  # flattening the model's own input: an MLP on raw values, not a feature map
    return dims


def _roles(op: Layer) -> Role:
    """The roles of a catalog layer's own type (an operation, an unknown layer or one of
    the source's subclasses has none here: a ``keras.ops.reshape`` is not looked at)."""
    if isinstance(op, Op) or op.type is None:
        return Role.NONE
    return op.type.roles


RULE = ParameterHotspot()
