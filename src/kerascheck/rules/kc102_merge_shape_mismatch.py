"""KC102 merge-shape-mismatch: Add, Multiply, Concatenate… are given inputs whose shapes Keras rejects."""

from kerascheck.rules.base import Example, LayerProblemRule


class MergeShapeMismatch(LayerProblemRule):
    code = "KC102"
    name = "merge-shape-mismatch"
    severity = "error"
    summary = "Add, Multiply, Concatenate… are given inputs whose shapes Keras rejects."
    docs = """\
## What it does
Checks the inputs of merge layers (`Add`, `Subtract`, `Multiply`, `Average`,
`Maximum`, `Minimum`, `Concatenate`, `Dot`) and tensor arithmetic: elementwise
merges need shapes that broadcast, `Concatenate` needs equal sizes on every axis
but the concatenation axis, `Dot` needs equal sizes on the contracted axes.

## Why it matters
Keras raises when the model is built; a residual connection whose branch
changed the channel count is the usual cause.

## Example
```python
x = keras.Input((32, 32, 16))
y = keras.layers.Conv2D(32, 3, padding="same")(x)
z = keras.layers.Add()([x, y])  # 16 vs 32 channels
```

## Fix
Project the shortcut (a 1×1 `Conv2D` or a `Dense`) to the branch's shape, or
concatenate instead of adding.
"""
    valid = (
        Example(
            "import keras\nx = keras.Input((8, 8, 4))\ny = keras.layers.Conv2D(4, 3, padding='same')(x)\n"
            "m = keras.Model(x, keras.layers.Add()([x, y]))\n",
            0,
        ),
    )
    invalid = (
        Example(
            "import keras\nx = keras.Input((8, 8, 4))\ny = keras.layers.Conv2D(8, 3, padding='same')(x)\n"
            "m = keras.Model(x, keras.layers.Add()([x, y]))\n",
        ),
        Example(
            "import keras\na = keras.Input((4, 5))\nb = keras.Input((3, 6))\n"
            "m = keras.Model([a, b], keras.layers.Concatenate()([a, b]))\n",
        ),
    )


RULE = MergeShapeMismatch()
