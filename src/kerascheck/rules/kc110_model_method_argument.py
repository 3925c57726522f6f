"""KC110 model-method-argument: Sequential.add() given an argument it does not take; Keras raises TypeError."""

from kerascheck.rules.base import Example, ModelProblemRule

SEQ = "from keras.models import Sequential\nfrom keras.layers import Dense\nm = Sequential()\n"


class ModelMethodArgument(ModelProblemRule):
    code = "KC110"
    name = "model-method-argument"
    severity = "error"
    summary = "Sequential.add() given an argument it does not take (input_shape=...); Keras raises TypeError."
    docs = """\
## What it does
Finds `model.add(...)` calls on a `Sequential` model given anything but the
layer and Keras 3's `rebuild=`: a keyword such as `input_shape=`, which
belongs inside the layer's constructor (a misplaced parenthesis), or a third
positional argument.  The diagnostic points at the `add()` call; the model's
totals are reported unknown: the script stops there.

## Why it matters
`Sequential.add(self, layer, rebuild=True)` takes nothing else: Keras 3 (and
Keras 1 and 2, whose `add` takes only the layer) raises "Sequential.add() got
an unexpected keyword argument 'input_shape'".  Where the error is caught and
ignored, the model has no input shape at all.

## Example
```python
model = Sequential()
model.add(Dense(32, activation="relu"), input_shape=(8,))
```

## Fix
Move the argument into the layer's call: `model.add(Dense(32,
activation="relu", input_shape=(8,)))`, or start the model with
`keras.Input((8,))`.
"""
    valid = (
        Example(SEQ + "m.add(Dense(32, activation='relu', input_shape=(8,)))\nm.add(Dense(1))\n", 0),
        Example(SEQ + "m.add(Dense(32, input_shape=(8,)), rebuild=False)\n", 0),
    )
    invalid = (
        Example(
            SEQ + "m.add(Dense(32, activation='relu'), input_shape=(8,))\nm.add(Dense(1))\n",
            contains="sequential: Sequential.add() got an unexpected keyword argument 'input_shape': "
            "input_shape= belongs inside Dense(...)",
        ),
        Example(
            SEQ + "m.add(Dense(32, input_shape=(8,)), True, 'x')\n",
            contains="takes from 2 to 3 positional arguments but 4 were given",
        ),
    )


RULE = ModelMethodArgument()
