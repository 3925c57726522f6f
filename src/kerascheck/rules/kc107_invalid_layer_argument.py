"""KC107 invalid-layer-argument: A layer argument Keras rejects (a rate outside [0, 1], strides with dilation…)."""

from kerascheck.rules.base import Example, LayerProblemRule


class InvalidLayerArgument(LayerProblemRule):
    code = "KC107"
    name = "invalid-layer-argument"
    severity = "error"
    summary = "A layer argument Keras rejects (a rate outside [0, 1], strides with dilation…)."
    docs = """\
## What it does
Reports constructor arguments that Keras 3 validates and rejects, other than
sizes: a dropout rate outside [0, 1], strides > 1 together with a dilation
rate > 1, a `pool_size` missing where Keras 3 requires it, an unknown padding…

## Why it matters
Keras raises when the layer is created or built, so the script fails before
training starts — or, for arguments Keras 2 accepted, after an upgrade.

## Example
```python
keras.layers.Dropout(1.5)
keras.layers.Conv2D(8, 3, strides=2, dilation_rate=2)
```

## Fix
Follow the message: it names the argument and the accepted values.
"""
    valid = (
        Example("import keras\nm = keras.Sequential([keras.Input((8,)), keras.layers.Dropout(0.5)])\n", 0),
    )
    invalid = (
        Example("import keras\nm = keras.Sequential([keras.Input((8,)), keras.layers.Dropout(1.5)])\n"),
        Example(
            "import keras\nm = keras.Sequential([keras.Input((16, 16, 3)),"
            " keras.layers.Conv2D(8, 3, strides=2, dilation_rate=2)])\n"
        ),
    )


RULE = InvalidLayerArgument()
