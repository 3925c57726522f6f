"""KC221 unreachable-targets: a regression's targets lie outside what its output activation can produce."""

from __future__ import annotations

import math
from typing import Iterator

from kerascheck.findings import Finding
from kerascheck.graph import FitTarget
from kerascheck.rules._heads import REGRESSION, Head, describe, rank, shape_text, size, trained_output
from kerascheck.rules.base import Example, Rule, RuleContext

#: the values each bounded activation can take
RANGES = {
    "relu": (0.0, math.inf), "softplus": (0.0, math.inf), "exponential": (0.0, math.inf), "relu6": (0.0, 6.0),
    "sigmoid": (0.0, 1.0), "hard_sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0),
}
HEAD = (
    "import numpy as np\nimport keras\nfrom keras import layers\n"
    "x = np.reshape(np.array([[-1.0, 0.0, 1.0, 2.0, 3.0]]), (5, 1))\n"
    "m = keras.Sequential([keras.Input((1,)), layers.Dense(4, activation='relu'), layers.Dense({head})])\n"
    "m.compile(optimizer='adam', loss={loss!r})\n"
)


class UnreachableTargets(Rule):
    code = "KC221"
    name = "unreachable-targets"
    severity = "warning"
    summary = "A regression's targets lie outside what its output activation can produce."
    docs = """\
## What it does
Where `fit(x, y)` or `train_on_batch(x, y)` is given targets the file spells
out (a NumPy array of literal values, reshaped or not) and the loss is a
regression loss (mean squared or absolute error, Huber, log-cosh…), reports
an output whose final activation cannot produce some of them: `relu`,
`softplus` or `exponential` (never negative) with negative targets, `sigmoid`
or `softmax` (in [0, 1]) or `tanh` (in [−1, 1]) with targets outside that
range.  Also reported: one target value per example, `(n, 1)`, against an output
of several units under a regression loss, which Keras
broadcasts over every unit without a word.

The diagnostic points at the layer applying the output's activation (or the
output layer, for the broadcast).  Targets loaded from files, scaled by
arithmetic or drawn at random are not known, and never reported.

## Why it matters
The model trains, and the loss plateaus where the unreachable targets keep
it: a `relu` output regressing `y = 2x − 1` can never say −3, and when its
unit's input turns negative for every example the gradient is 0 and the loss
stops changing for good (the "dying ReLU" seen in most runs of such a model).
A broadcast target trains every unit to predict the same value.

## Example
```python
y = np.array([[-3.0], [-1.0], [1.0], [3.0]])
outputs = Dense(1, activation="relu")(hidden)
model.compile(loss="mse", optimizer="adam")
model.fit(x, y)
```

## Fix
Use a linear output (`Dense(1)`) for unbounded targets, or scale the targets
into the activation's range; give the output one unit per target value.
"""
    valid = (
        Example(HEAD.format(head="1", loss="mse") + "m.fit(x, np.reshape(np.array([[-3.0, -1.0, 1.0, 3.0, 5.0]]), (5, 1)))\n", 0),
        Example(HEAD.format(head="1, activation='relu'", loss="mse")
                + "m.fit(x, np.reshape(np.array([[0.0, 1.0, 2.0, 3.0, 4.0]]), (5, 1)))\n", 0),
        Example(HEAD.format(head="1, activation='sigmoid'", loss="mse")
                + "m.fit(x, np.array([[0.0], [0.2], [0.5], [0.9], [1.0]]))\n", 0),
        # a cross-entropy takes labels, not values
        Example(HEAD.format(head="3, activation='softmax'", loss="sparse_categorical_crossentropy")
                + "m.fit(x, np.array([0, 1, 2, 2, 1]))\n", 0),
        # values not known
        Example(HEAD.format(head="1, activation='relu'", loss="mse") + "m.fit(x, np.random.randn(5, 1))\n", 0),
    )
    invalid = (
        Example(HEAD.format(head="1, activation='relu'", loss="mse")
                + "m.fit(x, np.reshape(np.array([[-3.0, -1.0, 1.0, 3.0, 5.0]]), (5, 1)), epochs=500)\n",
                contains="dense_1 (Dense) gives the output a relu, which is never below 0, but fit() is given"
                " targets from -3.0 to 5.0 with loss mse: the negative ones are out of reach"),
        Example(HEAD.format(head="1, activation='tanh'", loss="mean_absolute_error")
                + "m.fit(x, np.array([[0.5], [1.5], [2.0], [0.0], [-0.5]]))\n",
                contains="a tanh, which lies in [-1, 1], but fit() is given targets from -0.5 to 2.0"),
        Example(HEAD.format(head="4", loss="mse") + "m.fit(x, np.zeros((5, 1)))\n",
                contains="fit() is given one target value per example, shape (5, 1), for the 4 units of"
                " dense_1 (Dense): loss mse compares it with each of them"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for target in ctx.facts.fit_targets:
            head, loss = _regression_head(ctx, target)
            if head is None or head.activation_layer is None:
                continue
            message = _out_of_range(head, loss, target) or _broadcast(head, loss, target)
            if message is not None:
                node = head.activation_layer.source if message[1] else target.node
                yield self.finding(node, message[0], fix=message[2])


def _regression_head(ctx: RuleContext, target: FitTarget) -> tuple[Head | None, str]:
    """The model's one output and its regression loss, when ``target`` trains it with one."""
    trained = trained_output(ctx, target)
    if trained is None or trained[1].name not in REGRESSION:
        return None, ""
    return trained[0], trained[1].name


def _out_of_range(head: Head, loss: str, target: FitTarget) -> tuple[str, bool, str] | None:
    bounds = RANGES.get(head.activation or "")
    if bounds is None or target.values is None:
        return None
    low, high = bounds
    smallest, largest = target.values
    if low <= smallest and largest <= high:
        return None
    assert head.activation_layer is not None
    if high == math.inf:
        reach, out = f"which is never below {low:g}", "the negative ones are out of reach" if low == 0 else "some are out of reach"
    else:
        reach, out = f"which lies in [{low:g}, {high:g}]", "those outside it are out of reach"
    return (f"{describe(head.activation_layer)} gives the output a {head.activation}, {reach}, but fit() is given"
            f" targets from {smallest} to {largest} with loss {loss}: {out}",
            True, "use a linear output (no activation) for these targets, or scale them into the activation's range")


def _broadcast(head: Head, loss: str, target: FitTarget) -> tuple[str, bool, str] | None:
    units = size(head.shape[-1]) if rank(head.shape) == 2 else None
    if units is None or units < 2 or target.shape[1:] != (1,):
        return None
    return (f"fit() is given one target value per example, shape {shape_text(target.shape)}, for the {units} units"
            f" of {describe(head.output)}: loss {loss} compares it with each of them (Keras broadcasts it), so every"
            " unit learns the same value",
            False, f"give targets of {units} values per example, or the output one unit")


RULE = UnreachableTargets()
