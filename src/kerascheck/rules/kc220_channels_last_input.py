"""KC220 channels-last-input: An input shaped channels-last, like (224, 224, 3), feeds convolutions that read channels first."""

from __future__ import annotations

from kerascheck.rules.base import Example
from kerascheck.rules.kc206_channels_first_input import ChannelsFirstInput

SEQ = "import keras\nfrom keras import layers\n"
FIRST = SEQ + "keras.config.set_image_data_format('channels_first')\n"


class ChannelsLastInput(ChannelsFirstInput):
    """KC206 the other way round: the checks and helpers are KC206's."""

    code = "KC220"
    name = "channels-last-input"
    severity = "warning"
    summary = "An input shaped channels-last, like (224, 224, 3), feeds convolutions that read channels first."
    looks = "channels_last"
    reads = "channels_first"
    docs = """\
## What it does
KC206 the other way round: finds model inputs of rank 4 or 5 whose last
dimension is a channel count (1, 3 or 4) while the two before it are image
sides (16 or more), such as `(224, 224, 3)`, when the first convolution or
pooling layers they feed (through layers that keep the layout) use
`data_format="channels_first"`, set on the layers or globally
(`keras.config.set_image_data_format("channels_first")`, `keras.json`'s
setting given with `--data-format`, Keras 1's `set_image_dim_ordering('th')`).
The diagnostic points at the `Input` call, or at the layer that declares
`input_shape=`.

## Why it matters
Keras reads `(128, 128, 3)` under channels_first as 128 channels of a 128×3
image: the first convolution's kernel spans 128 "channels", it slides over a
3-pixel-wide image, and the pooling after it drops most of that width.  The
model builds and trains, badly.  It is typical of code that switched the data
format for a Theano-era model, or of an input copied from a channels-last
example.

## Example
```python
keras.config.set_image_data_format("channels_first")
model = keras.Sequential([
    keras.Input((128, 128, 3)),
    keras.layers.Conv2D(32, 3, padding="same"),
])
```

## Fix
Give the input channels first, `keras.Input((3, 128, 128))`, and transpose the
data; or keep channels last (`data_format="channels_last"`).
"""
    valid = (
        Example(FIRST + "m = keras.Sequential([keras.Input((3, 128, 128)), layers.Conv2D(32, 3)])\n", 0),
        Example(SEQ + "m = keras.Sequential([keras.Input((128, 128, 3)), layers.Conv2D(32, 3)])\n", 0),
        # a small map with 4 values per position, a 64-channel feature map
        Example(FIRST + "m = keras.Sequential([keras.Input((64, 8, 8)), layers.Conv2D(8, 1)])\n", 0),
        # no convolution or pooling reads the layout
        Example(FIRST + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(10)])\n", 0),
    )
    invalid = (
        Example(
            FIRST + "m = keras.Sequential([keras.Input((128, 128, 3)), layers.Conv2D(32, 3, padding='same'),"
            " layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(2, activation='softmax')])\n",
            contains="input (None, 128, 128, 3) looks channels-last (3 channels), but conv2d (Conv2D) uses "
            "channels_first: Keras reads it as a 128×3 image with 128 channels, so its 3×3 kernel spans 128 input "
            "channels: 36,896 parameters instead of 896",
        ),
        # per layer, on a Functional input
        Example(
            SEQ + "x = keras.Input((64, 64, 1))\n"
            "y = layers.MaxPooling2D(2, data_format='channels_first')(x)\nm = keras.Model(x, y)\n",
            contains="a 64×1 image with 64 channels",
        ),
        # Keras 1's global setting
        Example(
            "from keras import backend as K\nfrom keras.models import Sequential\nfrom keras.layers import Conv2D\n"
            "K.set_image_dim_ordering('th')\nm = Sequential()\nm.add(Conv2D(32, (3, 3), input_shape=(28, 28, 1)))\n",
            contains="a 28×1 image with 28 channels, on which it fails",
        ),
    )


RULE = ChannelsLastInput()
