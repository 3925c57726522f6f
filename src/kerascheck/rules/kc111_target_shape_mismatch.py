"""KC111 target-shape-mismatch: fit() is given targets whose shape the loss rejects against the model's output."""

from __future__ import annotations

from typing import Any, Iterator

from kerascheck.findings import Finding
from kerascheck.graph import FitTarget
from kerascheck.rules._heads import BINARY, CATEGORICAL, REGRESSION, SPARSE, describe, rank, shape_text, size, trained_output
from kerascheck.rules.base import Example, Rule, RuleContext

MLP = (
    "import numpy as np\nimport keras\nfrom keras import layers\n"
    "m = keras.Sequential([keras.Input((2,)), layers.Dense(64, activation='relu'), layers.Dense({head})])\n"
    "m.compile(optimizer='sgd', loss={loss!r})\n"
)


class TargetShapeMismatch(Rule):
    code = "KC111"
    name = "target-shape-mismatch"
    severity = "error"
    summary = "fit() is given targets whose shape the loss rejects against the model's output."
    docs = """\
## What it does
Where `fit(x, y)`, `fit(x=..., y=...)` or `train_on_batch(x, y)` is given
targets whose shape the file makes known (NumPy arrays built in the file,
`keras.datasets` labels, `to_categorical`), compares them with the model's
output `(None, k)` under the loss of the `compile()` in effect, as Keras 3
does when training starts (after its own squeeze or expansion of a last axis
of size 1), and reports what it rejects:

- `categorical_crossentropy` or `binary_crossentropy` with targets that are
  not one row of `k` values per example: integer labels `(n,)` or `(n, 1)`
  against a 10-way softmax ("must have the same rank", "must have the same
  shape");
- `sparse_categorical_crossentropy` with one-hot targets `(n, k)` (it wants
  one integer label per example);
- a regression loss with targets of another width (`(n, 5)` against
  `(None, 10)`: "Dimensions must be equal"), or one value per example `(n,)`
  against several units (NumPy's broadcasting lines `n` up with the units).

The diagnostic points at the `fit()` call.  Outputs of other ranks (a
sequence, an image) are left to KC214 and KC205; models with several outputs,
losses kerascheck does not know, and targets whose shape is not known are
left alone, and so is a `fit()` after which the model changed (`pop()`, `add()`).

## Why it matters
The model builds, compiles and summarises, then `fit()` fails on the first
batch, usually after the data pipeline has run for a while.  The mismatch is
in nearly every case integer labels given to `categorical_crossentropy`
(or one-hot labels to the sparse one).

## Example
```python
y_train = np.array([2, 3, 7])                   # integer labels
model.add(Dense(10, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="sgd")
model.fit(X_train, y_train)                     # ValueError
```

## Fix
One-hot encode the labels, `keras.utils.to_categorical(y_train, 10)`, or use
`sparse_categorical_crossentropy` with the integer labels; for a regression,
give the output as many units as each target has values.
"""
    valid = (
        Example(MLP.format(head="10, activation='softmax'", loss="sparse_categorical_crossentropy")
                + "m.fit(np.zeros((3, 2)), np.array([2, 3, 7]))\n", 0),
        Example(MLP.format(head="10, activation='softmax'", loss="categorical_crossentropy")
                + "m.fit(np.zeros((3, 2)), keras.utils.to_categorical(np.array([2, 3, 7]), 10))\n", 0),
        Example(MLP.format(head="1, activation='sigmoid'", loss="binary_crossentropy")
                + "m.fit(np.zeros((3, 2)), np.array([0, 1, 1]))\n", 0),
        Example(MLP.format(head="10, activation='softmax'", loss="sparse_categorical_crossentropy")
                + "m.fit(np.zeros((3, 2)), np.array([[2], [3], [7]]))\n", 0),
        # a squared error broadcasting one target over every unit runs (KC221 reports it)
        Example(MLP.format(head="3", loss="mse") + "m.fit(np.zeros((4, 2)), np.zeros((4, 1)))\n", 0),
        # fit() ran before pop(): the targets suited the output of then
        Example(MLP.format(head="4", loss="mse") + "m.fit(np.zeros((32, 2)), np.zeros((32, 4)))\nm.pop()\n"
                "m.compile(loss='mse', optimizer='sgd')\nm.fit(np.zeros((32, 2)), np.zeros((32, 64)))\n", 0),
        # the loss is the user's own
        Example(MLP.format(head="10, activation='softmax'", loss="x").replace("loss='x'", "loss=my_loss")
                + "m.fit(np.zeros((3, 2)), np.array([2, 3, 7]))\n", 0),
    )
    invalid = (
        Example(MLP.format(head="10, activation='softmax'", loss="categorical_crossentropy")
                + "m.fit(np.zeros((3, 2)), np.array([2, 3, 7]))\n",
                contains="fit() is given targets of shape (3,) for the output (None, 10) of dense_1 (Dense), but loss"
                " categorical_crossentropy needs one row of 10 values per example: Keras raises 'Arguments `target`"
                " and `output` must have the same rank'"),
        Example(MLP.format(head="10, activation='softmax'", loss="categorical_crossentropy")
                + "m.fit(x=np.zeros((3, 2)), y=np.array([[2], [3], [7]]))\n",
                contains="targets of shape (3, 1)"),
        Example(MLP.format(head="10, activation='softmax'", loss="sparse_categorical_crossentropy")
                + "m.train_on_batch(np.zeros((3, 2)), keras.utils.to_categorical(np.array([2, 3, 7]), 10))\n",
                contains="needs one integer label per example"),
        Example(MLP.format(head="10", loss="mse") + "m.fit(np.zeros((3, 2)), np.zeros((3, 5)))\n",
                contains="Keras raises 'Dimensions must be equal'"),
        Example(MLP.format(head="10", loss="mse") + "m.fit(np.zeros((3, 2)), np.zeros((3,)))\n",
                contains="(3,) lines up with the 10 units, not the examples"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for target in ctx.facts.fit_targets:
            found = _mismatch(ctx, target)
            if found is not None:
                yield self.finding(target.node, found[0], fix=found[1])


def _mismatch(ctx: RuleContext, target: FitTarget) -> tuple[str, str] | None:
    trained = trained_output(ctx, target)
    if trained is None or rank(trained[0].shape) != 2:
        return None
    output, loss = trained[0], trained[1].name
    units = size(output.shape[-1])
    per_example = target.shape[1:]
    if units is None or len(per_example) > 1 or any(size(d) is None for d in per_example):
        return None
    width = per_example[0] if per_example else None  # None: one value per example, (n,)
    if units == 1 and width in (None, 1):
        return None  # Keras squeezes or expands the last axis of size 1
    said = (f"fit() is given targets of shape {shape_text(target.shape)} for the output"
            f" {shape_text(output.shape)} of {describe(output.output)}, but loss {loss}")
    if loss in CATEGORICAL | BINARY and width != units:
        which = "rank" if width is None else "shape"
        return (f"{said} needs one row of {units} values per example: Keras raises 'Arguments `target` and"
                f" `output` must have the same {which}'",
                _ONE_HOT if loss in CATEGORICAL else f"give the output {_units(width)}, or targets of {units} values")
    if loss in SPARSE and width is not None and width > 1:
        return (f"{said} needs one integer label per example: Keras raises 'Argument `output` must have rank"
                " (ndim) `target.ndim - 1`'",
                "give the integer labels (np.argmax(y, axis=-1)), or use categorical_crossentropy with one-hot targets")
    if loss in REGRESSION and width is not None and width > 1 and units > 1 and width != units:
        return (f"{said} compares them value by value: Keras raises 'Dimensions must be equal'",
                f"give the output {width} units, one per target value")
    examples = size(target.shape[0])
    if loss in REGRESSION and width is None and units > 1 and examples is not None and examples not in (1, units):
        return (f"{said} compares them value by value, and ({examples},) lines up with the {units} units, not the"
                " examples: Keras raises 'Dimensions must be equal'",
                f"give targets of {units} values per example, or the output one unit")
    return None


_ONE_HOT = ("one-hot encode the labels (keras.utils.to_categorical(y, num_classes)), or use"
            " sparse_categorical_crossentropy with integer labels")


def _units(width: Any) -> str:
    return "one unit" if width in (None, 1) else f"{width} units"


RULE = TargetShapeMismatch()
