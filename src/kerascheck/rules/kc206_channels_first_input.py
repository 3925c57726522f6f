"""KC206 channels-first-input, one of kerascheck's rules:
An input shaped channels-first, like (3, 224, 224), feeds convolutions that read channels last.
"""

from __future__ import annotations

from typing import Any, ClassVar, Iterator

from kerascheck.catalog.base import Call, Explain, Invalid, Shape, Unresolved, format_shape
from kerascheck.catalog.convolutional import Conv
from kerascheck.catalog.pooling import GlobalPooling, Pooling
from kerascheck.findings import Finding
from kerascheck.graph import Layer, Model, Node, Tensor
from kerascheck.modelbuild import traverse
from kerascheck.rules._call_sites import once_per_call_site
from kerascheck.rules.base import Example, Rule, RuleContext
from kerascheck.unknown import contains_unknown

#: channel counts of images: grey, RGB, RGBA
CHANNEL_COUNTS = (1, 3, 4)
#: the two trailing dimensions must both be at least this to look like an image's sides
MIN_SIDE = 16
WINDOWS = (Conv, Pooling, GlobalPooling)
SEQ = "import keras\nfrom keras import layers\n"


class ChannelsFirstInput(Rule):
    code = "KC206"
    name = "channels-first-input"
    severity = "warning"
    summary = "An input shaped channels-first, like (3, 224, 224), feeds convolutions that read channels last."
    docs = """\
## What it does
Finds model inputs of rank 4 or 5 whose first non-batch dimension is a channel
count (1, 3 or 4) while the last two are image sides (16 or more), such as
`(3, 224, 224)` or `(1, 28, 28)`, when the first convolution or pooling layers
they feed (through layers that keep the layout: padding, normalisation,
activations, rescaling) use `data_format="channels_last"`, Keras's default.
The diagnostic points at the `Input` call, or at the layer that declares
`input_shape=`.  Files that set channels-first (globally with
`keras.backend.set_image_data_format`, Keras 1's `set_image_dim_ordering('th')`,
or on the layers themselves) are not reported.

## Why it matters
Keras does not transpose anything: it reads `(3, 224, 224)` as a 3-pixel-high,
224-pixel-wide image with 224 channels.  The model builds and trains, but the
first convolution's kernel spans 224 "channels" (a 3×3 kernel with 64 filters
has 129,088 parameters instead of 1,792), it slides over a 3-pixel height, and
accuracy suffers for no visible reason.  This is typical of code written for
Theano or ported from PyTorch.

## Example
```python
inputs = keras.Input((3, 224, 224))
x = keras.layers.Conv2D(64, 3, padding="same")(inputs)
```

## Fix
Give the input channels last, `keras.Input((224, 224, 3))`, and transpose the
data (`np.transpose(x, (0, 2, 3, 1))`); or, if the data must stay channels
first, pass `data_format="channels_first"` to the layers (or set it globally).
"""
    valid: ClassVar[tuple[Example, ...]] = (
        Example(SEQ + "m = keras.Sequential([keras.Input((224, 224, 3)), layers.Conv2D(64, 3)])\n", 0),
        # channels-first declared globally, Keras 1 style or Keras 3 style
        Example(
            "from keras import backend as K\nfrom keras.models import Sequential\nfrom keras.layers import Conv2D\n"
            "K.set_image_dim_ordering('th')\nm = Sequential()\n"
            "m.add(Conv2D(32, (3, 3), input_shape=(1, 28, 28)))\n",
            0,
        ),
        Example(
            SEQ + "keras.backend.set_image_data_format('channels_first')\n"
            "m = keras.Sequential([keras.Input((3, 64, 64)), layers.Conv2D(8, 3), layers.MaxPooling2D()])\n",
            0,
        ),
        # per layer
        Example(
            SEQ + "x = keras.Input((3, 32, 32))\n"
            "y = layers.Conv2D(16, 3, data_format='channels_first')(x)\nm = keras.Model(x, y)\n",
            0,
        ),
        # a Permute turns the layout around before the first convolution
        Example(
            SEQ + "x = keras.Input((3, 32, 32))\ny = layers.Permute((2, 3, 1))(x)\n"
            "y = layers.Conv2D(16, 3)(y)\nm = keras.Model(x, y)\n",
            0,
        ),
        # a 1×1 map with 64 channels, a 4-frame clip of RGB images: channels last
        Example(SEQ + "m = keras.Sequential([keras.Input((1, 1, 64)), layers.Conv2D(8, 1)])\n", 0),
        Example(SEQ + "m = keras.Sequential([keras.Input((4, 64, 64, 3)), layers.Conv3D(8, 3)])\n", 0),
        # no convolution or pooling: nothing reads the layout
        Example(SEQ + "m = keras.Sequential([keras.Input((3, 32, 32)), layers.Flatten(), layers.Dense(10)])\n", 0),
        # the shape is unknown
        Example(
            SEQ + "import sys\nc = int(sys.argv[1])\n"
            "m = keras.Sequential([keras.Input((c, 32, 32)), layers.Conv2D(8, 3)])\n",
            0,
        ),
    )
    invalid: ClassVar[tuple[Example, ...]] = (
        Example(
            SEQ + "inputs = keras.Input((3, 224, 224))\nx = layers.Conv2D(64, 3, padding='same')(inputs)\n"
            "m = keras.Model(inputs, x)\n",
            contains="conv2d (Conv2D) uses channels_last: Keras reads it as a 3×224 image with 224 channels,"
            " so its 3×3 kernel spans 224 input channels: 129,088 parameters instead of 1,792",
        ),
        # Keras 1 code ported without its set_image_dim_ordering('th')
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Convolution2D, MaxPooling2D, Flatten\n"
            "m = Sequential()\n"
            "m.add(Convolution2D(32, 3, 3, border_mode='valid', input_shape=(1, 28, 28)))\n"
            "m.add(MaxPooling2D(pool_size=(2, 2)))\nm.add(Flatten())\n",
            contains="(None, 1, 28, 28) looks channels-first (1 channel), but conv2d (Conv2D) uses channels_last: Keras"
            " reads it as a 1×28 image with 28 channels, on which it fails: a 3-wide window does not fit",
        ),
        # through a rescaling and zero padding, to a pooling layer
        Example(
            SEQ + "x = keras.Input((3, 64, 64))\ny = layers.Rescaling(1 / 255)(x)\ny = layers.ZeroPadding2D(1)(y)\n"
            "y = layers.MaxPooling2D(2)(y)\nm = keras.Model(x, y)\n",
            contains="max_pooling2d (MaxPooling2D) uses channels_last: Keras reads it as a 3×64 image with"
            " 64 channels, which it pools into (None, 2, 33, 64)",
        ),
        # a volume for Conv3D
        Example(
            SEQ + "m = keras.Sequential([keras.Input((1, 32, 64, 64)), layers.Conv3D(8, 3, padding='same')])\n",
            contains="a 1×32×64 volume with 64 channels, so its 3×3×3 kernel spans 64 input channels:"
            " 13,832 parameters instead of 224",
        ),
        # a global channels_last setting does not help a channels-first input
        Example(
            SEQ + "keras.backend.set_image_data_format('channels_last')\n"
            "m = keras.Sequential([keras.Input((3, 32, 32)), layers.Conv2D(8, 3)])\n",
        ),
    )

    #: the layout the input looks like, and the one the layers read
    looks: ClassVar[str] = "channels_first"
    reads: ClassVar[str] = "channels_last"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        checked = (self.check_input(model, tensor) for model in ctx.models for tensor in model.inputs)
        return once_per_call_site(d for d in checked if d is not None)

    def check_input(self, model: Model, tensor: Tensor) -> Finding | None:
        shape = tensor.shape
        if not looks_like(shape, self.looks) or tensor.producer is None:
            return None
        reached = first_windows(model, tensor, channel_axis(self.reads))
        if not reached or any(layer.config.get("data_format") != self.reads for layer, _ in reached):
            return None
        if any(not isinstance(layer.type, WINDOWS) or layer.type.rank + 2 != len(shape) for layer, _ in reached):
            return None
        layer, node = next(((op, n) for op, n in reached if isinstance(op.type, Conv)), reached[0])
        meant, read = channel_axis(self.looks), channel_axis(self.reads)
        channels = shape[meant]
        sides = "×".join(str(d) for i, d in enumerate(shape[1:], 1) if i != len(shape) + read and i != read)
        kind = "image" if len(shape) == 4 else "volume"
        reading = f"Keras reads it as a {sides} {kind} with {shape[read]} channels"
        message = (
            f"input {format_shape(shape)} looks {self.looks.replace('_', '-')} ({channels} "
            f"channel{'s' if channels > 1 else ''}), but {_describe(layer)} uses {self.reads}: "
            f"{reading}{consequence(layer, node, shape, self.looks)}."
        )
        others = [d for i, d in enumerate(shape[1:], 1) if i != len(shape) + meant and i != meant]
        fixed = (*others, channels) if self.reads == "channels_last" else (channels, *others)
        return self.finding(
            tensor.producer.operation.source,
            message,
            fix=f"declare the input {self.reads.replace('_', ' ')}, keras.Input({fixed}), and transpose the data; "
            f"or set data_format='{self.looks}' on the layers",
        )


def channel_axis(data_format: str) -> int:
    """Where a batch of images holds its channels: 1 (channels_first) or -1."""
    return 1 if data_format == "channels_first" else -1


def looks_like(shape: Any, data_format: str) -> bool:
    """A known rank-4/5 shape whose channel axis in ``data_format`` is a channel count and
    whose two image sides next to it are at least MIN_SIDE."""
    if not isinstance(shape, tuple) or len(shape) not in (4, 5):
        return False
    dims = shape[1:]
    if not all(isinstance(d, int) and not isinstance(d, bool) for d in dims):
        return False
    if data_format == "channels_first":
        return dims[0] in CHANNEL_COUNTS and min(dims[-2:]) >= MIN_SIDE
    return dims[-1] in CHANNEL_COUNTS and min(dims[-3:-1]) >= MIN_SIDE


def first_windows(model: Model, tensor: Tensor, axis: int) -> list[tuple[Layer, Node]]:
    """The convolution and pooling layers ``tensor`` reaches through layers that keep its
    layout (its rank and the size of the channel axis ``axis`` they read)."""
    nodes, _, _ = traverse(model)
    consumers: dict[int, list[Node]] = {}
    for node in nodes:
        for parent in node.inputs:
            consumers.setdefault(id(parent), []).append(node)
    found: list[tuple[Layer, Node]] = []
    frontier, seen = [tensor], set()
    while frontier:
        current = frontier.pop(0)
        for node in consumers.get(id(current), []):
            if id(node) in seen:
                continue
            seen.add(id(node))
            op = node.operation
            if isinstance(op, Layer) and isinstance(op.type, WINDOWS):
                found.append((op, node))
            elif keeps_layout(node, current, axis):
                frontier.extend(node.outputs)
    return found


def keeps_layout(node: Node, tensor: Tensor, axis: int) -> bool:
    """A layer or operation whose output has its input's rank and channel dimension (at ``axis``)."""
    if not isinstance(node.operation, Layer) or len(node.outputs) != 1:
        return False
    before, after = tensor.shape, node.outputs[0].shape
    if not isinstance(after, tuple) or contains_unknown(after):
        return False
    return len(after) == len(before) and after[axis] == before[axis]


def consequence(layer: Layer, node: Node, shape: Shape, meant: str) -> str:
    """What the misreading does to the first window layer: its parameters, or its output."""
    if layer.problems:
        return f", on which it fails: {layer.problems[0].message}"
    if isinstance(layer.type, Conv) and layer.weights:
        intended = _weights_count(layer, shape, meant)
        kernel = "×".join(str(k) for k in layer.weights[0].shape[: layer.type.rank])
        actual = sum(w.size for w in layer.weights)
        read = shape[1] if meant == "channels_last" else shape[-1]
        text = f", so its {kernel} kernel spans {read} input channels: {actual:,} parameters"
        return text + (f" instead of {intended:,}" if intended is not None else "")
    output = node.outputs[0].shape
    if contains_unknown(output):
        return ""
    verb = "pools" if not isinstance(layer.type, Conv) else "turns"
    return f", which it {verb} into {format_shape(output)}"


def _weights_count(layer: Layer, shape: Shape, meant: str) -> int | None:
    """The layer's parameter count had it read ``shape`` in the ``meant`` data format."""
    if layer.type is None:  # consequence() passes a Conv
        return None
    config = {**layer.config, "data_format": meant}
    try:
        return sum(w.size for w in layer.type.weights(config, Call(shape), Explain()))
    except (Unresolved, Invalid, TypeError, ValueError, IndexError, KeyError):
        return None


def _describe(layer: Layer) -> str:
    return f"{layer.name} ({layer.class_name})"


RULE = ChannelsFirstInput()
