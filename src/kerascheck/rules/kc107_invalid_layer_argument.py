"""KC107 invalid-layer-argument: A layer argument Keras rejects (an unknown keyword, a rate outside [0, 1]…)."""

from kerascheck.rules.base import Example, LayerProblemRule

SEQ = "import keras\nfrom keras import layers\n"


class InvalidLayerArgument(LayerProblemRule):
    code = "KC107"
    name = "invalid-layer-argument"
    severity = "error"
    summary = "A layer argument Keras rejects (an unknown keyword, a rate outside [0, 1]…)."
    follows_from = ("KC213",)
    docs = """\
## What it does
Reports constructor arguments that Keras 3 validates and rejects, other than
sizes: a keyword the layer does not take (`Dense(4, kernel_size=3)`), a
dropout rate outside [0, 1], strides > 1 together with a dilation rate > 1, an
unknown padding, a `Bidirectional` whose layer already goes backwards…  The layer's shape and
parameter count are then reported unknown: Keras never builds it.

A keyword is known when the layer's Keras 3 constructor takes it (with the
keywords of Keras's `Layer` it passes on: `name`, `dtype`, `trainable`,
`input_shape`, `input_dim`…), or when it is a Keras 1/2 spelling kerascheck
understands (`border_mode`, `nb_filter`, `init`, `W_regularizer`,
`output_dim`, `batch_input_shape`, `weights`…): those are KC301's, like a
`pool_size` left to the default Keras 1/2 gave it (`AveragePooling2D()`).
On a call KC213 reports (Keras 1's `Conv3D(8, 3, 3, 3)`, whose last 3 Keras 3
reads as `padding=3`), the error is said in KC213's diagnostic, as an error.

## Why it matters
Keras raises when the layer is created or built ("Unrecognized keyword
arguments passed to Dense: {'kernel_size': 3}"), so the script fails before
training starts — or, for arguments Keras 2 accepted, after an upgrade.

## Example
```python
keras.layers.Dense(4, kernel_size=3)
keras.layers.Dropout(1.5)
keras.layers.Conv2D(8, 3, strides=2, dilation_rate=2)
```

## Fix
Follow the message: it names the argument and the accepted values.
"""
    valid = (
        Example(SEQ + "m = keras.Sequential([keras.Input((8,)), layers.Dropout(0.5)])\n", 0),
        # Keras 1/2 spellings are KC301's, not errors
        Example(
            SEQ + "m = keras.Sequential([layers.Dense(output_dim=4, input_dim=8, init='uniform', W_regularizer=None),"
            " layers.Dense(2, batch_input_shape=(None, 4))])\n",
            0,
        ),
    )
    invalid = (
        Example(
            SEQ + "m = keras.Sequential([keras.Input((8,)), layers.Dense(4, kernel_size=3)])\n",
            contains="Dense takes no argument kernel_size=",
        ),
        Example(SEQ + "m = keras.Sequential([keras.Input((8,)), layers.Dropout(1.5)])\n"),
        Example(SEQ + "m = keras.Sequential([keras.Input((16, 16, 3)), layers.Conv2D(8, 3, strides=2, dilation_rate=2)])\n"),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((10, 4)), layers.Bidirectional(layers.LSTM(4, go_backwards=True))])\n",
            contains="go_backwards=True",
        ),
    )


RULE = InvalidLayerArgument()
