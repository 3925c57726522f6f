"""KC105 non-integer-size: A size (units, filters, kernel…) is not a positive integer."""

from kerascheck.rules.base import Example, LayerProblemRule


class NonIntegerSize(LayerProblemRule):
    code = "KC105"
    name = "non-integer-size"
    severity = "error"
    summary = "A size (units, filters, kernel…) is not a positive integer."
    docs = """\
## What it does
Reports layer sizes that evaluate to a float, zero or a negative number —
typically `/` where `//` was meant.

## Why it matters
Keras rejects the layer ("expected a positive integer. Received: units=392.0");
kerascheck reports the layer's shape and parameters as unknown rather than a
fractional count.

## Example
```python
w, h, c = 28, 28, 1
layer = keras.layers.Dense((w * h * c) / 2)  # 392.0
```

## Fix
Use integer division (`//`) or `int(...)`.
"""
    valid = (
        Example("import keras\nm = keras.Sequential([keras.Input((784,)), keras.layers.Dense(784 // 2)])\n", 0),
    )
    invalid = (
        Example(
            "import keras\nw, h, c = 28, 28, 1\n"
            "m = keras.Sequential([keras.Input((784,)), keras.layers.Dense((w * h * c) / 2)])\n",
            contains="392.0",
        ),
        Example("import keras\nm = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(0, 3)])\n"),
    )


RULE = NonIntegerSize()
