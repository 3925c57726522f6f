"""KC104 reshape-size-mismatch: A Reshape target holds a different number of values than its input."""

from kerascheck.rules.base import Example, LayerProblemRule


class ReshapeSizeMismatch(LayerProblemRule):
    code = "KC104"
    name = "reshape-size-mismatch"
    severity = "error"
    summary = "A Reshape target holds a different number of values than its input."
    docs = """\
## What it does
Multiplies out the input and the target shape of `Reshape` (and
`keras.ops.reshape`), resolving a `-1`, and reports when they differ.

## Why it matters
Keras raises "total size of new array must be unchanged" when the model is
built; the numbers in the message show which factor is off.

## Example
```python
model = keras.Sequential([
    keras.Input((784,)),
    keras.layers.Reshape((28, 28, 3)),  # 784 values into 2,352
])
```

## Fix
Make the product of the target equal the input size, or use `-1` for one axis.
"""
    valid = (
        Example("import keras\nm = keras.Sequential([keras.Input((784,)), keras.layers.Reshape((28, -1, 1))])\n", 0),
    )
    invalid = (
        Example("import keras\nm = keras.Sequential([keras.Input((784,)), keras.layers.Reshape((28, 28, 3))])\n"),
    )


RULE = ReshapeSizeMismatch()
