"""KC222 collapsed-feature-map: valid convolutions and pooling shrink a large image to a 1×1 map of a few channels before the classifier."""

from __future__ import annotations

import math
from typing import Iterator

from kerascheck.catalog import type_of
from kerascheck.catalog.core import Dense
from kerascheck.catalog.reshaping import Flatten
from kerascheck.findings import Finding
from kerascheck.graph import Layer
from kerascheck.rules._heads import describe, rank, shape_text, size
from kerascheck.rules.base import Example, ModelView, Rule, RuleContext

SEQ = "import keras\nfrom keras import layers\n"
STAGES = (
    "layers.Conv2D(24, 9, activation='relu'), layers.MaxPooling2D(2), layers.Conv2D(16, 7, activation='relu'),"
    " layers.MaxPooling2D(2), layers.Conv2D({last}, 5, activation='relu'), layers.MaxPooling2D(2),"
    " layers.Conv2D({last}, 5, activation='relu'), layers.MaxPooling2D(2)"
)


class CollapsedFeatureMap(Rule):
    code = "KC222"
    name = "collapsed-feature-map"
    severity = "warning"
    summary = "Valid convolutions and pooling shrink a large image to a 1×1 map of a few channels before the classifier."
    docs = """\
## What it does
Finds a `Flatten` feeding a `Dense` classifier whose input is a 1×1 map of at
most `collapsed-max-features` channels (default 32), in a model whose image
input is at least `collapsed-min-input` pixels on each side (default 64).  The
diagnostic points at the layer that made the 1×1 map (usually the last
pooling).

Not reported: small images (28×28 MNIST or 32×32 CIFAR networks reach 1×1 by
design, and their inputs hold few values to begin with); a map of more
channels (VGG-style 1×1×512 features are a rich code); a global pooling,
which reduces the map on purpose.  With these defaults the rule is silent on
the 3,290 files of the real-world benchmark's 55 repositories (`bench/realworld/`)
and on Keras's own applications.

## Why it matters
Each valid convolution trims `kernel − 1` rows and each pooling halves the map
and drops an odd row: a stack of stages designed for a small image, run on a
96×96 one, leaves a 3×3 map that the last pooling cuts to 1×1, discarding five
of its nine positions, and hands the classifier 16 numbers for a 27,648-value
image.  The model trains, but its accuracy is capped by what those few
numbers can say, and the layers before it learn to squeeze the whole image
through them.

## Example
```python
keras.Sequential([
    keras.Input((96, 96, 3)),
    layers.Conv2D(24, 9, activation="relu"), layers.MaxPooling2D(2),   # 88 → 44
    layers.Conv2D(16, 7, activation="relu"), layers.MaxPooling2D(2),   # 38 → 19
    layers.Conv2D(16, 5, activation="relu"), layers.MaxPooling2D(2),   # 15 → 7
    layers.Conv2D(16, 5, activation="relu"), layers.MaxPooling2D(2),   # 3 → 1
    layers.Flatten(),
    layers.Dense(3, activation="softmax"),
])
```

## Fix
Keep a map of a few pixels and more channels before the head: `padding="same"`
convolutions, fewer pooling stages, or more filters in the last stages (then
`GlobalAveragePooling2D` or `Flatten`).
"""
    options = {"collapsed-max-features": 32, "collapsed-min-input": 64}
    valid = (
        # MNIST: a 28×28 image collapses to 1×1 by design
        Example(SEQ + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 3), layers.MaxPooling2D(2),"
                " layers.Conv2D(32, 3), layers.MaxPooling2D(2), layers.Conv2D(32, 3), layers.MaxPooling2D(2),"
                " layers.Flatten(), layers.Dense(10, activation='softmax')])\n", 0),
        # many channels: a rich code
        Example(SEQ + "m = keras.Sequential([keras.Input((96, 96, 3)), " + STAGES.format(last=256)
                + ", layers.Flatten(), layers.Dense(3, activation='softmax')])\n", 0),
        # a global pooling on purpose
        Example(SEQ + "m = keras.Sequential([keras.Input((96, 96, 3)), layers.Conv2D(16, 3), layers.GlobalAveragePooling2D(),"
                " layers.Dense(3, activation='softmax')])\n", 0),
    )
    invalid = (
        Example(SEQ + "m = keras.Sequential([keras.Input((96, 96, 3)), " + STAGES.format(last=16)
                + ", layers.Flatten(), layers.Dense(3, activation='softmax')])\n",
                contains="max_pooling2d_3 (MaxPooling2D) reduces the (None, 96, 96, 3) input to a 1×1 map of 16"
                " channels: the classifier after flatten (Flatten) sees 16 features of an image of 27,648 values"),
        Example(SEQ + "x = keras.Input((3, 128, 128))\ny = layers.Conv2D(8, 5, strides=4, data_format='channels_first')(x)\n"
                "y = layers.MaxPooling2D(31, data_format='channels_first')(y)\n"
                "m = keras.Model(x, layers.Dense(2, activation='softmax')(layers.Flatten()(y)))\n",
                contains="a 1×1 map of 8 channels"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        most, least = ctx.options["collapsed-max-features"], ctx.options["collapsed-min-input"]
        for model in ctx.models:
            image = _image_input(model.inputs[0].shape if len(model.inputs) == 1 else None)
            if image is None or sorted(image)[-2] < least:  # its height and width, whichever the layout
                continue
            view = ctx.view(model)
            for layer in view.layers():
                found = _collapsed(view, layer, most)
                if found is not None:
                    maker, channels = found
                    values = math.prod(image)
                    yield self.finding(
                        maker.source,
                        f"{describe(maker)} reduces the {shape_text(model.inputs[0].shape)} input to a 1×1 map of"
                        f" {channels} channel{'s' * (channels != 1)}: the classifier after {describe(layer)} sees"
                        f" {channels} feature{'s' * (channels != 1)} of an image of {values:,} values",
                        fix="keep a larger map and more channels before the head: padding='same', fewer poolings,"
                        " or more filters in the last stages",
                    )


def _image_input(shape: object) -> tuple[int, ...] | None:
    """An image input's sizes (without the batch axis), when every one is known."""
    if rank(shape) != 4 or not isinstance(shape, tuple):
        return None
    sizes = tuple(s for s in map(size, shape[1:]) if s is not None)
    return sizes if len(sizes) == 3 else None


def _collapsed(view: ModelView, layer: Layer, most: int) -> tuple[Layer, int] | None:
    """For a Flatten into a Dense: the layer making its 1×1 input, and the channels."""
    if not isinstance(type_of(layer), Flatten):
        return None
    after = view.successors(layer)
    if not after or not all(isinstance(op, Layer) and isinstance(type_of(op), Dense) for op in after):
        return None
    inputs = view.input_shapes(layer)
    makers = view.predecessors(layer)
    if len(inputs) != 1 or rank(inputs[0]) != 4 or len(makers) != 1 or not isinstance(makers[0], Layer):
        return None
    sizes = [size(d) for d in inputs[0][1:]]
    if any(s is None for s in sizes) or sorted(s for s in sizes if s is not None)[:2] != [1, 1]:
        return None
    channels = max(s for s in sizes if s is not None)
    return (makers[0], channels) if channels <= most else None


RULE = CollapsedFeatureMap()
