"""KC205 dense-on-unflattened, one of kerascheck's rules:
A Dense layer on a spatial feature map makes the classifier output a map, not a vector.
"""

from __future__ import annotations

from typing import Any, Iterator

from kerascheck.catalog import roles_of, type_of
from kerascheck.catalog.base import Role, may_equal
from kerascheck.catalog.core import Dense
from kerascheck.findings import Finding
from kerascheck.graph import Layer
from kerascheck.rules._heads import PROBABILITY, Head, describe, heads, one_target_per_example, rank, shape_text, target_shapes
from kerascheck.rules.base import Example, ModelView, Rule, RuleContext

IMPORT = "import keras\nfrom keras import layers\n"
CNN = IMPORT + """\
m = keras.Sequential([
    keras.Input((28, 28, 1)),
    layers.Conv2D(32, 3, activation='relu'),{between}
    layers.Dense(10, activation='softmax'),
])
"""


class DenseOnUnflattened(Rule):
    code = "KC205"
    name = "dense-on-unflattened"
    severity = "warning"
    summary = "A Dense layer on a spatial feature map makes the classifier output a map, not a vector."
    docs = """\
## What it does
Finds a `Dense` layer applied to a feature map of rank 4 or more (the output of
`Conv2D`, `MaxPooling2D`...) on the way to a classifier output (a `Dense` ending
in softmax or sigmoid) that therefore keeps the spatial axes: the model outputs
`(None, 26, 26, 10)` where `(None, 10)` was meant. The diagnostic points at the
first `Dense` applied to the map.

Dense prediction is left alone: a model whose output keeps its input's spatial
size (segmentation, one label per pixel; or may keep it, a size being unknown)
may use `Dense` as a 1×1 convolution — unless `fit()` (or `train_on_batch`)
is given targets the file makes known (NumPy arrays, `keras.datasets` labels)
with one label or vector per example, `(50000, 1)`: those say the map was not
meant.  Sequences (rank 3) are KC214's business.

## Why it matters
`Dense` only transforms the last axis of its input; it never flattens it. The
model builds and summarises without complaint, then `fit` fails: "Arguments
`target` and `output` must have the same rank (ndim). Received:
target.shape=(None, 10), output.shape=(None, 26, 26, 10)".

## Example
```python
model = keras.Sequential([
    keras.Input((28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.Dense(10, activation="softmax"),  # (None, 26, 26, 10)
])
```

## Fix
Add `layers.Flatten()` or `layers.GlobalAveragePooling2D()` before the first
`Dense`.
"""
    valid = (
        Example(CNN.format(between="\n    layers.Flatten(),"), 0),
        Example(CNN.format(between="\n    layers.GlobalAveragePooling2D(),"), 0),
        # one label per pixel, at the input's resolution
        Example(IMPORT + """\
inp = keras.Input((64, 64, 3))
x = layers.Conv2D(16, 3, padding='same', activation='relu')(inp)
m = keras.Model(inp, layers.Dense(4, activation='softmax')(x))
""", 0),
        # an image of unknown height: the output may keep the input's resolution
        Example(IMPORT + """import sys
inp = keras.Input((int(sys.argv[1]), 64, 3))
x = layers.Conv2D(16, 3, padding='same', activation='relu')(inp)
m = keras.Model(inp, layers.Dense(4, activation='softmax')(x))
""", 0),
        # a pointwise Dense inside a convolutional block, pooled before the head
        Example(IMPORT + """\
inp = keras.Input((32, 32, 3))
x = layers.Conv2D(48, 4, strides=4)(inp)
x = layers.Dense(192, activation='gelu')(x)
x = layers.Dense(48)(x)
x = layers.GlobalAveragePooling2D()(x)
m = keras.Model(inp, layers.Dense(100, activation='softmax')(x))
""", 0),
        # feature extractor without classifier
        Example(IMPORT + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 3), layers.Dense(4)])\n", 0),
        # segmentation trained on one mask per image, pixel by pixel
        Example(IMPORT + """import numpy as np
m = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(16, 3, padding='same'), layers.Dense(4, activation='softmax')])
m.compile(loss='sparse_categorical_crossentropy')
m.fit(np.zeros((10, 32, 32, 3)), np.zeros((10, 32, 32, 1)))
""", 0),
    )
    invalid = (
        Example(CNN.format(between=""), contains="(None, 26, 26, 10) instead of (None, 10)"),
        # the output keeps the input's size, but fit() is given one label per image
        Example(IMPORT + """import numpy as np
m = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(16, 3, padding='same'), layers.Dense(10, activation='softmax')])
m.compile(loss='sparse_categorical_crossentropy')
m.fit(np.zeros((100, 32, 32, 3)), np.zeros((100, 1)))
""", contains="(None, 32, 32, 10) instead of (None, 10)"),
        Example(CNN.format(between="\n    layers.MaxPooling2D(),\n    layers.Dense(128, activation='relu'),"),
                contains="dense (Dense) is applied to a (None, 13, 13, 32) feature map"),
        Example(IMPORT + "from keras.models import Sequential\n"
                "from keras.layers import Convolution2D, Dense, Activation\n"
                "m = Sequential()\nm.add(Convolution2D(32, 3, 3, input_shape=(1, 28, 28), dim_ordering='th'))\n"
                "m.add(Dense(1))\nm.add(Activation('sigmoid'))\n", contains="(None, 32, 26, 1) instead of (None, 1)"),
        Example(IMPORT + """\
import tensorflow as tf
inp = tf.keras.Input((16, 16, 16, 1))
x = tf.keras.layers.Conv3D(8, 3, activation='relu')(inp)
x = tf.keras.layers.MaxPooling3D()(x)
m = tf.keras.Model(inp, tf.keras.layers.Dense(3, activation='softmax')(x))
""", contains="(None, 7, 7, 7, 3)"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.models:
            view = ctx.view(model)
            targets = target_shapes(ctx, model)
            for head in heads(view):
                if head.layer is None or not _spatial_classifier(view, head, targets):
                    continue
                dense = _first_dense(view, head.layer)
                (feeding,) = view.input_shapes(dense)
                intended = shape_text((head.shape[0], head.shape[-1]))
                yield self.finding(
                    dense.source,
                    f"{describe(dense)} is applied to a {shape_text(feeding)} feature map without Flatten or"
                    f" pooling, so the model outputs {shape_text(head.shape)} instead of {intended}",
                    fix=f"add layers.Flatten() or a global pooling layer before {dense.name}",
                )


def _spatial_classifier(view: ModelView, head: Head, targets: list[tuple[Any, ...]]) -> bool:
    """A Dense classifier whose output keeps spatial axes its input does not have,
    or keeps them where fit() is given one label per example."""
    layer = head.layer
    n = rank(head.shape)
    if layer is None or not isinstance(type_of(layer), Dense) or head.activation not in PROBABILITY or n is None or n < 4:
        return False
    feeding = view.input_shapes(layer)
    if len(feeding) != 1 or rank(feeding[0]) != n:
        return False
    if one_target_per_example(targets, head.shape) is not None:
        return True  # the targets say one prediction per example, not per position
    spatial = head.shape[1:-1]  # a per-position prediction keeps (or may keep) its input's spatial axes
    return not any(rank(t.shape) == n and may_equal(t.shape[1:-1], spatial) for t in view.model.inputs)


def _first_dense(view: ModelView, layer: Layer) -> Layer:
    """The first Dense of the run of per-position layers that ends at ``layer``."""
    first = current = layer
    while True:
        parents = view.predecessors(current)
        if len(parents) != 1 or not isinstance(parents[0], Layer) or Role.PER_POSITION not in roles_of(parents[0]):
            return first
        current = parents[0]
        if isinstance(type_of(current), Dense):
            first = current


RULE = DenseOnUnflattened()
