"""KC210 output-loss-mismatch: The output layer's activation or units do not suit the loss given to compile()."""

from __future__ import annotations

from typing import Iterator

from kerascheck.findings import Finding
from kerascheck.graph import Compile, Model
from kerascheck.rules._heads import (
    BINARY,
    CATEGORICAL,
    PROBABILITY,
    REGRESSION,
    SPARSE,
    Head,
    Loss,
    describe,
    heads,
    losses,
    rank,
    replaced_untrained,
    shape_text,
    softmax_axes,
)
from kerascheck.rules.base import Example, Rule, RuleContext

IMPORT = "import keras\nfrom keras import layers\n"
MLP = IMPORT + "m = keras.Sequential([keras.Input((20,)), layers.Dense(64, activation='relu'), layers.Dense({head})])\n"


class OutputLossMismatch(Rule):
    code = "KC210"
    name = "output-loss-mismatch"
    severity = "warning"
    summary = "The output layer's activation or units do not suit the loss given to compile()."
    follows_from = ("KC209",)
    docs = """\
## What it does
Compares each output's final activation and number of units with the loss
`model.compile(loss=...)` gives it (a string, a `keras.losses` function or
object; one loss for all outputs, a list in output order or a dict by output
name) and reports:

- `categorical_crossentropy` or `sparse_categorical_crossentropy` on a single
  unit;
- `from_logits=True` after a softmax or sigmoid;
- `categorical_crossentropy` (or the sparse one) after a sigmoid;
- `binary_crossentropy` after a softmax over more than two units (on two, with
  one-hot labels, it is twice the categorical cross-entropy);
- a regression loss (mean squared or absolute error, Huber, log-cosh…) after a
  softmax over two or more units (a sigmoid with a squared error is left
  alone: it is a common, working way to fit values in [0, 1]);
- a cross-entropy with `from_logits=False` (the default) on outputs that are
  not probabilities: no activation (raw logits), relu, tanh...

The diagnostic points at the layer applying the output's final activation (for
an output without activation, the layer computing it). Outputs whose activation
or loss kerascheck cannot determine are left alone; where the number of units
is not known (a vocabulary read from a file), only what is wrong whatever it is
is reported (a softmax with `binary_crossentropy` is, but for exactly two
units, which the message says).

Every `compile()` of the model is checked, not only the last: one followed by
`fit()` trained the model.  A `compile()` that a later one replaces before any
`fit()` or `train_on_batch()` never trains anything: its mismatch is an
**info** at that call (dead code that reads like a bug), not a warning.  When KC209 reports the
same layer (a softmax over one unit, an activation after a softmax), the
mismatch follows from that misuse and is said in KC209's diagnostic.  A model
the file never trains by itself but only nested in another model it trains (a
GAN's generator, compiled so that `predict()` works in Keras 1, trained
through the combined model) never uses its own loss: its mismatch is an info.

## Why it matters
None of these fail: the model trains, badly or not at all.
Categorical cross-entropy on one unit is always 0 (the single value is
normalised to 1), and the sparse variant rejects every label but 0.
With `from_logits=True` the loss applies its own softmax or sigmoid a second
time (Keras's TensorFlow backend notices and undoes it with a warning; JAX and
PyTorch do not). Categorical cross-entropy after a sigmoid ignores that each
unit is an independent probability; binary cross-entropy after a softmax
scores each class as an independent yes/no, and `accuracy` then becomes binary
accuracy, which looks excellent for any many-class model. A squared error
through a softmax has a gradient that vanishes as the outputs saturate: a
confidently wrong class is barely corrected, where cross-entropy's gradient is
the error itself. With
`from_logits=False`, Keras clips outputs into [1e-7, 1 − 1e-7] before taking the
log: raw logits outside that range get no gradient.

## Example
```python
model = keras.Sequential([
    keras.Input((20,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
```

## Fix
Pair `softmax` with `categorical_crossentropy` or `sparse_categorical_crossentropy`,
`sigmoid` with `binary_crossentropy`; to train on logits, leave the output
without activation and pass `from_logits=True` to the loss object.
"""
    valid = (
        Example(MLP.format(head="10, activation='softmax'") + "m.compile('adam', 'categorical_crossentropy')\n", 0),
        Example(MLP.format(head="1, activation='sigmoid'") + "m.compile(loss='binary_crossentropy')\n", 0),
        Example(MLP.format(head="10")
                + "m.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n", 0),
        Example(MLP.format(head="1") + "m.compile(loss=keras.losses.BinaryCrossentropy(True))\n", 0),
        Example(MLP.format(head="1") + "m.compile(loss='mse')\n", 0),
        Example(MLP.format(head="2, activation='softmax'") + "m.compile(loss='binary_crossentropy')\n", 0),
        Example(MLP.format(head="10") + "m.compile(loss='categorical_hinge')\n", 0),
        Example(MLP.format(head="5") + "m.add(layers.Activation('softmax'))\n"
                "m.compile(loss=keras.losses.categorical_crossentropy)\n", 0),
        # from_logits comes from elsewhere: unknown
        Example(MLP.format(head="10") + "import sys\nflag = sys.argv[1] == 'x'\n"
                "m.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=flag))\n", 0),
        Example(MLP.format(head="10") + "import json\ncfg = json.load(open('c.json'))\n"
                "m.compile(loss=keras.losses.CategoricalCrossentropy(**cfg))\n", 0),
        # a custom output layer: its activation is unknown
        Example(IMPORT + "from mylib import Head\nm = keras.Sequential([keras.Input((20,)), Head(10)])\n"
                "m.compile(loss='categorical_crossentropy')\n", 0),
        # a sigmoid fitted with a squared error: values in [0, 1], a common working choice
        Example(MLP.format(head="5, activation='sigmoid'") + "m.compile(loss='mse')\n", 0),
        # a softmax over the time axis (a distribution over positions), not over the units
        Example(IMPORT + "inp = keras.Input((30, 4))\n"
                "m = keras.Model(inp, layers.Softmax(axis=1)(layers.Dense(2)(inp)))\nm.compile(loss='mse')\n", 0),
        # per-output losses by name
        Example(IMPORT + """\
inp = keras.Input((32,))
h = layers.Dense(64, activation='relu')(inp)
age = layers.Dense(1, name='age')(h)
gender = layers.Dense(2, activation='softmax', name='gender')(h)
m = keras.Model(inp, [age, gender])
m.compile(optimizer='adam', loss={'age': 'mse', 'gender': 'sparse_categorical_crossentropy'})
""", 0),
        # the discriminator's sigmoid, seen through the nested model
        Example(IMPORT + """\
d = keras.Sequential([keras.Input((8,)), layers.Dense(1, activation='sigmoid')], name='d')
g = keras.Sequential([keras.Input((4,)), layers.Dense(8)], name='g')
z = keras.Input((4,))
gan = keras.Model(z, d(g(z)))
gan.compile(loss='binary_crossentropy', optimizer='adam')
""", 0),
    )
    invalid = (
        # a GAN's generator, compiled but trained only inside the combined model: an info
        Example(IMPORT + """\
g = keras.Sequential([keras.Input((100,)), layers.Dense(784), layers.Activation('tanh')], name='g')
d = keras.Sequential([keras.Input((784,)), layers.Dense(1, activation='sigmoid')], name='d')
gan = keras.Sequential([g, d])
g.compile(loss='binary_crossentropy', optimizer='sgd')
gan.compile(loss='binary_crossentropy', optimizer='sgd')
gan.train_on_batch(z, y)
""", contains="but g is never trained by itself here, only inside sequential, so this loss is never used"),
        Example(MLP.format(head="10, activation='sigmoid'")
                + "m.compile(optimizer='adam', loss='categorical_crossentropy')\n",
                contains="dense_1 (Dense) gives the output a sigmoid over 10 units"),
        Example(MLP.format(head="5, activation='softmax'")
                + "m.compile('adam', 'binary_crossentropy', metrics=['accuracy'])\n",
                contains="binary_crossentropy"),
        Example(MLP.format(head="10, activation='softmax'")
                + "m.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n",
                contains="from_logits=True"),
        Example(MLP.format(head="1, activation='sigmoid'") + "m.compile(loss=keras.losses.BinaryCrossentropy(True))\n",
                contains="from_logits=True"),
        Example(MLP.format(head="1, activation='sigmoid'") + "m.compile(loss='categorical_crossentropy')\n",
                contains="always 0"),
        Example(MLP.format(head="1, activation='sigmoid'") + "m.compile(loss='sparse_categorical_crossentropy')\n",
                contains="every label but 0"),
        Example(MLP.format(head="10") + "m.compile(optimizer='sgd', loss='categorical_crossentropy')\n",
                contains="without activation"),
        Example(IMPORT + "import tensorflow as tf\n"
                "m = tf.keras.Sequential([tf.keras.layers.Dense(1, activation='tanh', input_shape=(4,))])\n"
                "m.compile(loss=tf.keras.losses.binary_crossentropy)\n", contains="tanh"),
        # legacy Keras 1 spelling, activation after the layer
        Example(IMPORT + "from keras.models import Sequential\nfrom keras.layers import Dense, Activation\n"
                "m = Sequential()\nm.add(Dense(output_dim=10, input_dim=100))\nm.add(Activation('sigmoid'))\n"
                "m.compile(loss='categorical_crossentropy', optimizer='sgd')\n", contains="activation (Activation)"),
        # a Sequential without input shape: the units come from the arguments
        Example(IMPORT + "m = keras.Sequential([layers.Flatten(), layers.Dense(128, activation='relu'),"
                " layers.Dense(10, activation='sigmoid'), layers.Dropout(0.1)])\n"
                "m.compile(loss='sparse_categorical_crossentropy')\n", contains="sigmoid over 10 units"),
        # not built, and a Reshape makes the unit count unknown: a sigmoid is no distribution whatever it is
        Example(IMPORT + "m = keras.Sequential([layers.Dense(20, activation='sigmoid'), layers.Reshape((4, 5))])\n"
                "m.compile(loss='categorical_crossentropy')\n", contains="a sigmoid over its units, but loss"),
        # a softmax over a vocabulary whose size comes from the data
        Example(IMPORT + "import json\nvocab = json.load(open('vocab.json'))\ninp = keras.Input((20,))\n"
                "h = layers.Embedding(len(vocab), 64)(inp)\nout = layers.Dense(len(vocab), activation='softmax')(h)\n"
                "m = keras.Model(inp, out)\nm.compile(optimizer='adam', loss='binary_crossentropy')\n",
                contains="softmax over its units per position (None, 20, ?), but loss binary_crossentropy scores each"
                " unit as an independent yes/no (the same only for exactly two units and one-hot labels)"),
        # logits of unknown width with a probability loss
        Example(IMPORT + "import sys\nn = int(sys.argv[1])\nm = keras.Sequential([keras.Input((8,)), layers.Dense(n)])\n"
                "m.compile(loss='categorical_crossentropy')\n", contains="its units without activation"),
        # one loss per output, in a list
        Example(IMPORT + """\
inp = keras.Input((32,))
h = layers.Dense(64, activation='relu')(inp)
a = layers.Dense(3, activation='softmax')(h)
b = layers.Dense(1, activation='sigmoid')(h)
m = keras.Model(inp, [a, b])
m.compile(loss=['categorical_crossentropy', keras.losses.BinaryFocalCrossentropy(from_logits=True)])
""", contains="dense_2 (Dense)"),
        Example(MLP.format(head="5, activation='softmax'") + "m.compile(optimizer='sgd', loss='mean_squared_error')\n",
                contains="softmax over 5 units, but loss mean_squared_error is a regression loss"),
        Example(MLP.format(head="3, activation='softmax'") + "m.compile(loss=keras.losses.Huber())\n",
                contains="loss Huber is a regression loss"),
        # a compile() replaced by the one in effect (which suits the output): an info at the call
        Example(MLP.format(head="6, activation='sigmoid'") + "m.compile(loss='categorical_crossentropy')\n"
                "m.compile(loss='binary_crossentropy')\n", contains="this compile() is replaced by a later one"),
        # an earlier compile() trained the model before the last one
        Example(MLP.format(head="6, activation='sigmoid'") + "m.compile(loss='categorical_crossentropy')\n"
                "m.fit(x, y)\nm.compile(loss='binary_crossentropy')\n", contains="dense_1 (Dense) gives the output"),
        # the last compile() is the wrong one
        Example(MLP.format(head="6, activation='sigmoid'") + "m.compile(loss='binary_crossentropy')\n"
                "m.compile(loss='categorical_crossentropy')\n", contains="dense_1 (Dense) gives the output"),
        # resume from a saved model or build one: the built model may be the one compiled
        Example(IMPORT + """\
import os
inp = keras.Input((32,))
if os.path.isfile('model.h5'):
    m = keras.models.load_model('model.h5')
else:
    m = keras.Model(inp, layers.Dense(10, activation='softmax')(inp))
m.compile(loss='binary_crossentropy', optimizer='sgd')
""", contains="dense (Dense) gives the output a softmax over 10 units, but loss binary_crossentropy"),
        # one loss for every output
        Example(IMPORT + """\
inp = keras.Input((32,))
a = layers.Dense(3, activation='softmax')(inp)
b = layers.Dense(4, activation='softmax')(inp)
m = keras.Model(inp, [a, b])
m.compile(loss='binary_crossentropy')
""", count=2),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.models:
            outputs = heads(ctx.view(model))
            trainer = _trained_only_within(ctx, model) if model.compiles else None
            for index, compiled in enumerate(model.compiles):
                later = model.compiles[index + 1 :]
                given = losses(compiled, outputs) or []
                repeated = [losses(c, outputs) or [] for c in later]
                problems = [
                    (head, *problem)
                    for i, (head, loss) in enumerate(zip(outputs, given))
                    if (problem := _problem(head, loss)) is not None
                    and not any(i < len(other) and other[i] == loss for other in repeated)  # said there
                ]
                if not replaced_untrained(model, index):  # in effect: said at each output
                    for head, message, fix in problems:
                        assert head.activation_layer is not None  # _problem() needs it
                        if trainer is None:
                            yield self.finding(head.activation_layer.source, message, fix=fix)
                        else:  # a GAN's generator: its own loss is never used
                            yield self.finding(
                                head.activation_layer.source,
                                f"{message}; but {model.name} is never trained by itself here, only inside"
                                f" {trainer.name}, so this loss is never used",
                                fix="compile it with the loss it would be trained with, or not at all",
                                severity="info",
                            )
                elif problems:  # replaced before any training: a note at the call
                    yield _replaced(self, compiled, problems)


def _trained_only_within(ctx: RuleContext, model: Model) -> Model | None:
    """The model of the file that trains ``model`` nested in it, when ``model`` itself is
    never trained in the file (a GAN's generator, compiled for ``predict()`` only)."""
    if any(c.trained for c in model.compiles):
        return None
    for other in ctx.models:
        if other is not model and any(c.trained for c in other.compiles) and model in other.operations():
            return other
    return None


def _problem(head: Head, loss: Loss | None) -> tuple[str, str] | None:
    """A head's mismatch with its loss, when both are known."""
    if loss is None or head.activation is None or head.activation_layer is None:
        return None
    return mismatch(head, loss)


def _replaced(rule: Rule, compiled: Compile, problems: list[tuple[Head, str, str]]) -> Finding:
    """An info at a ``compile()`` a later one replaces, whose losses do not suit the outputs."""
    said = "; ".join(message for _, message, _ in problems)
    return rule.finding(
        compiled.source,
        f"this compile() is replaced by a later one before any training, and its loss would not suit the output: {said}",
        fix="remove this compile(): only the last one takes effect",
        severity="info",
    )


def mismatch(head: Head, loss: Loss) -> tuple[str, str] | None:
    """The message and fix for a head that does not suit its loss, if it does not."""
    activation, units, layer = head.activation, head.units, head.activation_layer
    assert layer is not None  # check() passes only heads with one
    count = "its units" if units is None else f"{units} unit{'s' * (units != 1)}"
    if (rank(head.shape) or 0) > 2:
        count += f" per position {shape_text(head.shape)}"
    ends = f"{describe(layer)} gives the output a {activation} over {count}"
    if activation == "linear":
        ends = f"{describe(layer)} gives the output {count} without activation"
    probabilistic = loss.name in CATEGORICAL | SPARSE | BINARY
    if units == 1 and loss.name in CATEGORICAL:
        return (f"{ends}, and loss {loss.name} on a single unit is always 0: the model learns nothing",
                "use binary_crossentropy with a sigmoid output, or one unit per class with softmax")
    if units == 1 and loss.name in SPARSE:
        return (f"{ends}, but loss {loss.name} needs one unit per class: every label but 0 is out of range",
                "use binary_crossentropy with a sigmoid output, or one unit per class with softmax")
    if probabilistic and loss.from_logits and activation in PROBABILITY:
        return (f"{ends}, but loss {loss.name} has from_logits=True and applies a {_expected(loss)} of its own on top",
                f"remove the {activation} activation (keep the outputs as logits), or drop from_logits=True")
    if activation in ("sigmoid", "hard_sigmoid") and loss.name in CATEGORICAL | SPARSE:
        return (f"{ends}, but loss {loss.name} expects a softmax distribution over the classes",
                "use activation='softmax' for one label per sample, or binary_crossentropy for several labels")
    several = units is not None and units > 1
    if activation == "softmax" and several and loss.name in REGRESSION and _over_last_axis(head):
        return (f"{ends}, but loss {loss.name} is a regression loss: through a softmax its gradient vanishes as"
                " the outputs saturate, and a wrong class with high confidence is barely penalised",
                "use categorical_crossentropy (sparse_categorical_crossentropy for integer labels); for several"
                " independent labels, sigmoid with binary_crossentropy")
    if activation == "softmax" and loss.name in BINARY and units is not None and units > 2:
        return (f"{ends}, but loss {loss.name} scores each of the {units} units as an independent yes/no",
                "use categorical_crossentropy (or sparse_categorical_crossentropy for integer labels)")
    if activation == "softmax" and loss.name in BINARY and units is None and _over_last_axis(head):
        return (f"{ends}, but loss {loss.name} scores each unit as an independent yes/no (the same only for"
                " exactly two units and one-hot labels)",
                "use categorical_crossentropy (or sparse_categorical_crossentropy for integer labels)")
    if probabilistic and loss.from_logits is False and activation not in PROBABILITY:
        return (f"{ends}, but loss {loss.name} (from_logits=False) expects probabilities: Keras clips the"
                " outputs into [1e-7, 1 - 1e-7], and those outside get no gradient",
                f"add activation='{_expected(loss)}', or pass from_logits=True to the loss object")
    return None


def _over_last_axis(head: Head) -> bool:
    """Whether the head's softmax normalises its units (its last axis)."""
    axes = softmax_axes(head.activation_layer) if head.activation_layer is not None else None
    last = (rank(head.shape) or 0) - 1
    return axes is not None and len(axes) == 1 and axes[0] in (-1, last)


def _expected(loss: Loss) -> str:
    return "sigmoid" if loss.name in BINARY else "softmax"


RULE = OutputLossMismatch()
