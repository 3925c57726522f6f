"""KC103 incompatible-rank: A layer is given an input of the wrong rank (Conv2D on a vector, LSTM on 2-D input)."""

from kerascheck.rules.base import Example, LayerProblemRule


class IncompatibleRank(LayerProblemRule):
    code = "KC103"
    name = "incompatible-rank"
    severity = "error"
    summary = "A layer is given an input of the wrong rank (Conv2D on a vector, LSTM on 2-D input)."
    docs = """\
## What it does
Compares each layer's input rank with the rank the layer requires: `Conv2D`
and `MaxPooling2D` need (batch, height, width, channels), `LSTM` and `Conv1D`
need (batch, steps, features), `Dense` needs at least (batch, features).

## Why it matters
Keras raises "expected ndim=4, found ndim=2" when the model is built. It
usually means a `Reshape` is missing after `Dense`, or a `Flatten` came too early.

## Example
```python
model = keras.Sequential([
    keras.Input((784,)),
    keras.layers.Conv2D(32, 3),  # the input is a flat vector
])
```

## Fix
Reshape the data (`keras.layers.Reshape((28, 28, 1))`) or give the model the
right input shape.
"""
    valid = (
        Example(
            "import keras\nm = keras.Sequential([keras.Input((784,)), keras.layers.Reshape((28, 28, 1)),"
            " keras.layers.Conv2D(8, 3)])\n",
            0,
        ),
    )
    invalid = (
        Example("import keras\nm = keras.Sequential([keras.Input((784,)), keras.layers.Conv2D(8, 3)])\n", contains="rank"),
        Example("import keras\nm = keras.Sequential([keras.Input((10,)), keras.layers.LSTM(4)])\n"),
    )


RULE = IncompatibleRank()
