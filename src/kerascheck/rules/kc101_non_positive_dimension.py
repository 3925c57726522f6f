"""KC101 non-positive-dimension: A convolution, pooling or cropping window is larger than its input."""

from kerascheck.rules.base import Example, LayerProblemRule


class NonPositiveDimension(LayerProblemRule):
    code = "KC101"
    name = "non-positive-dimension"
    severity = "error"
    summary = "A convolution, pooling or cropping window is larger than its input."
    docs = """\
## What it does
Finds layers whose window (kernel, pool or crop) does not fit in the input with
`padding="valid"`, so the output would have zero or negative size.

## Why it matters
Keras refuses to build the model ("Negative dimension size" / "Computed output
size would be zero or negative") — but only when the model is built, often after
the data pipeline has run.

## Example
```python
model = keras.Sequential([
    keras.Input((28, 1, 1)),
    keras.layers.Conv2D(8, 3),  # 3×3 window over a 1-pixel-wide input
])
```

## Fix
Use `padding="same"`, a smaller window, or remove a down-sampling step earlier.
"""
    valid = (
        Example("import keras\nm = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3)])\n", 0),
    )
    invalid = (
        Example(
            "import keras\nm = keras.Sequential([keras.Input((28, 1, 1)), keras.layers.Conv2D(8, 3)])\n",
            contains="does not fit",
        ),
        Example(
            "import keras\nm = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.MaxPooling2D(2),"
            " keras.layers.MaxPooling2D(2), keras.layers.MaxPooling2D(2)])\n",
        ),
    )


RULE = NonPositiveDimension()
