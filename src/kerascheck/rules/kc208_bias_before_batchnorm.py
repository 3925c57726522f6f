"""KC208 bias-before-batchnorm: A convolution or Dense bias that the BatchNormalization right after cancels."""

from __future__ import annotations

from typing import Iterator

from kerascheck.catalog.base import Unresolved, channels_axis
from kerascheck.catalog.convolutional import Conv, DepthwiseConv
from kerascheck.catalog.core import Dense
from kerascheck.catalog.normalization import BatchNormalization
from kerascheck.catalog.rnn import ConvLSTM
from kerascheck.findings import Finding
from kerascheck.graph import Layer
from kerascheck.rules.base import Example, ModelView, Rule, RuleContext

SEQ = "import keras\nfrom keras import layers\n"
LINEAR = (None, "linear")


class BiasBeforeBatchNorm(Rule):
    code = "KC208"
    name = "bias-before-batchnorm"
    severity = "info"
    summary = "A convolution or Dense bias that the BatchNormalization right after cancels."
    docs = """\
## What it does
Finds a convolution (any kind) or `Dense` layer with `use_bias=True` and no
activation whose output goes only into `BatchNormalization` layers that
normalise its channel axis (the last axis, or axis 1 for `channels_first`
convolutions), with or without `center`.  The input shape is not needed: the
bias holds `filters` (or `units`) values whatever the input's channels, and a
convolution's output rank is its own (only a depthwise convolution, whose bias
grows with the input channels, needs them).

## Why it matters
Batch normalisation subtracts the per-channel mean — during training the
batch's, at inference the moving average, which has learnt the bias too — so a
constant added per channel just before has no effect on anything.  The bias
weights are trained, saved and counted for nothing; the normalisation's own
`beta` already provides the offset (with `center=False` there is none, and the
bias cannot add one).  Keras's own ResNet50 carries 26,560 such
parameters in 53 convolutions.

## Example
```python
x = keras.layers.Conv2D(64, 3, padding="same")(x)  # 64 biases, cancelled
x = keras.layers.BatchNormalization()(x)
```

## Fix
Pass `use_bias=False` to the layer before the normalisation.
"""
    valid = (
        Example(
            SEQ + "x = keras.Input((32, 32, 3))\ny = layers.Conv2D(16, 3, use_bias=False)(x)\n"
            "m = keras.Model(x, layers.BatchNormalization()(y))\n",
            0,
        ),
        # the activation comes first: the bias shifts what ReLU cuts
        Example(
            SEQ + "m = keras.Sequential([keras.Input((32,)), layers.Dense(16, activation='relu'),"
            " layers.BatchNormalization()])\n",
            0,
        ),
        # the output is also used elsewhere
        Example(
            SEQ + "x = keras.Input((16,))\ny = layers.Dense(16)(x)\n"
            "m = keras.Model(x, [layers.BatchNormalization()(y), y])\n",
            0,
        ),
        # channels_first feature map normalised over its last axis: the bias is not per normalised slice
        Example(
            SEQ + "m = keras.Sequential([keras.Input((3, 8, 8)), layers.Conv2D(8, 3, data_format='channels_first'),"
            " layers.BatchNormalization(axis=-1)])\n",
            0,
        ),
        # the normalisation is only there on one branch
        Example(
            SEQ + "import sys\nx = keras.Input((16,))\ny = layers.Dense(16)(x)\nif sys.argv[1]:\n"
            "    y = layers.BatchNormalization()(y)\nm = keras.Model(x, y)\n",
            0,
        ),
        # a depthwise convolution's bias size depends on the input channels, unknown here
        Example(
            "from keras.models import Sequential\nfrom keras.layers import DepthwiseConv2D, BatchNormalization\n"
            "def build(shape):\n    m = Sequential()\n    m.add(DepthwiseConv2D(3, input_shape=shape))\n"
            "    m.add(BatchNormalization())\n    return m\nnet = build(SHAPE)\n",
            0,
        ),
        Example(
            SEQ + "import sys\nact = sys.argv[1]\n"
            "m = keras.Sequential([keras.Input((32,)), layers.Dense(16, activation=act), layers.BatchNormalization()])\n",
            0,
        ),
    )
    invalid = (
        # without center the mean is still subtracted: the bias is cancelled all the same
        Example(
            SEQ + "m = keras.Sequential([keras.Input((32,)), layers.Dense(16), layers.BatchNormalization(center=False)])\n",
            contains="its 16 bias parameters are wasted",
        ),
        Example(
            SEQ + "x = keras.Input((224, 224, 3))\ny = layers.Conv2D(64, 7, strides=2, name='conv1_conv')(x)\n"
            "y = layers.BatchNormalization(axis=3, epsilon=1.001e-5, name='conv1_bn')(y)\n"
            "m = keras.Model(x, layers.Activation('relu')(y))\n",
            contains="conv1_conv (Conv2D): its 64 bias parameters are wasted: conv1_bn (BatchNormalization)",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((32,)), layers.Dense(128, activation='linear'),"
            " layers.BatchNormalization(), layers.Activation('relu')])\n",
            contains="128 bias parameters",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((3, 8, 8)), layers.Conv2D(8, 3, data_format='channels_first'),"
            " layers.BatchNormalization(axis=1)])\n",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((8, 8, 4)), layers.DepthwiseConv2D(3, depth_multiplier=2),"
            " layers.BatchNormalization()])\n",
            contains="its 8 bias parameters",
        ),
        # the input shape is unknown: the bias is `filters` wide all the same
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Conv2D, BatchNormalization\n"
            "def build(shape):\n    m = Sequential()\n    m.add(Conv2D(24, (3, 3), padding='same', input_shape=shape))\n"
            "    m.add(BatchNormalization())\n    return m\nnet = build(SHAPE)\n",
            contains="its 24 bias parameters are wasted",
        ),
        # Keras 1 spelling
        Example(
            SEQ + "from keras.layers import Convolution2D\nm = keras.Sequential([keras.Input((8, 8, 3)),"
            " Convolution2D(16, 3, 3, bias=True), layers.BatchNormalization()])\n",
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.models:
            if model.uncertain:
                continue  # the layers after it depend on a condition
            view = ctx.view(model)
            for layer in view.layers():
                biases = bias_size(layer)
                after = view.successors(layer)
                if not biases or not after or view.is_output(layer):
                    continue
                if all(cancels(bn, layer, view) for bn in after):
                    names = ", ".join(f"{bn.name} ({bn.class_name})" for bn in after)
                    yield self.finding(
                        layer.source,
                        f"{layer.name} ({layer.class_name}): its {biases:,} bias parameters are wasted: {names} "
                        "right after subtracts the per-channel mean, which cancels any bias",
                        fix="Pass use_bias=False; "
                        + ("the BatchNormalization's beta already provides the offset."
                           if all(isinstance(bn, Layer) and bn.config.get("center") is True for bn in after)
                           else "with center=False the normalised output has no offset either way."),
                    )


def bias_size(layer: Layer) -> int:
    """The size of the bias of a linear convolution or Dense layer (0 otherwise or if unknown):
    a depthwise convolution's depends on its input channels, the others' are ``filters``
    or ``units`` whatever the input."""
    if not isinstance(layer.type, (Conv, Dense)) or isinstance(layer.type, ConvLSTM):
        return 0
    activation = layer.config.get("activation")
    if not (activation is None or isinstance(activation, str) and activation in LINEAR):
        return 0
    if layer.weights is not None:
        return sum(w.size for w in layer.weights if w.name == "bias")
    if layer.config.get("use_bias") is not True or isinstance(layer.type, DepthwiseConv):
        return 0
    size = layer.config.get("units" if isinstance(layer.type, Dense) else "filters")
    return size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else 0


def cancels(op: object, layer: Layer, view: ModelView) -> bool:
    """Whether ``op`` is a BatchNormalization over ``layer``'s channel axis (it subtracts
    the mean, with or without ``center``).  A convolution's output rank is known without
    its input; a Dense layer's channel axis is the last."""
    if not isinstance(op, Layer) or not isinstance(op.type, BatchNormalization):
        return False
    shape = view.output_shape.get(id(layer))
    axis = op.config.get("axis")
    if not isinstance(axis, int) or isinstance(axis, bool):
        return False
    if isinstance(shape, tuple):
        rank = len(shape)
    elif isinstance(layer.type, Conv):
        rank = layer.type.rank + 2
    else:
        return axis == -1
    try:
        channel = rank - 1 if isinstance(layer.type, Dense) else channels_axis(layer.config, rank)
    except Unresolved:
        return False
    return -rank <= axis < rank and axis % rank == channel


RULE = BiasBeforeBatchNorm()
