"""KC109 disconnected-output: A Functional model's output is not computed from its inputs; Keras refuses the model."""

from kerascheck.rules.base import Example, ModelProblemRule

SEQ = "import keras\nfrom keras import layers\n"


class DisconnectedOutput(ModelProblemRule):
    code = "KC109"
    name = "disconnected-output"
    severity = "error"
    summary = "A Functional model's output is not computed from its inputs; Keras refuses the model."
    docs = """\
## What it does
Finds a Functional model (`keras.Model(inputs, outputs)`) with an output that
depends on a `keras.Input` which is not among the model's `inputs`: the output
cannot be computed from what the model is given.  The diagnostic names the
output and the inputs it depends on.  The model's totals are reported unknown:
Keras never builds it.

## Why it matters
Keras 3 raises when the model is created ("Output with path `` is not
connected to `inputs`").  It typically happens when a second input is built
but left out of `inputs`, or when a branch starts from the wrong tensor.
(An input that no output uses is allowed: Keras keeps it for losses and
metrics.)

## Example
```python
image = keras.Input((32, 32, 3))
meta = keras.Input((4,))
x = layers.Concatenate()([layers.Flatten()(image), meta])
model = keras.Model(image, layers.Dense(10)(x))  # meta is not an input
```

## Fix
List every input the outputs depend on: `keras.Model([image, meta], ...)`.
"""
    valid = (
        Example(SEQ + "a = keras.Input((4,))\nb = keras.Input((4,))\nm = keras.Model([a, b], layers.Add()([a, b]))\n", 0),
        # an input no output uses is allowed
        Example(SEQ + "a = keras.Input((4,))\nb = keras.Input((3,))\nm = keras.Model([a, b], layers.Dense(2)(a))\n", 0),
        # an intermediate tensor may be an input
        Example(SEQ + "a = keras.Input((4,))\nh = layers.Dense(3)(a)\nm = keras.Model(h, layers.Dense(2)(h))\n", 0),
    )
    invalid = (
        Example(
            SEQ + "a = keras.Input((4,))\nb = keras.Input((3,))\nm = keras.Model(a, layers.Dense(2)(b))\n",
            contains="its output (dense) is not connected to its inputs: it depends on input_layer_1",
        ),
        Example(
            SEQ + "a = keras.Input((4,))\nb = keras.Input((4,))\n"
            "m = keras.Model(a, [layers.Dense(2)(a), layers.Add()([a, b])])\n",
            contains="its output 1 (add)",
        ),
    )


RULE = DisconnectedOutput()
