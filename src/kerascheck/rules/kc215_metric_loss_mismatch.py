"""KC215 metric-loss-mismatch: An accuracy metric on a model trained with a regression loss."""

from __future__ import annotations

from typing import Any, Iterator

from kerascheck.findings import Finding
from kerascheck.rules._heads import (
    ACCURACY,
    PROBABILITY,
    REGRESSION,
    Head,
    describe,
    heads,
    keras_name,
    last_compile,
    losses,
    per_output,
)
from kerascheck.rules.base import Example, Rule, RuleContext

IMPORT = "import keras\nfrom keras import layers\n"
REGRESSOR = IMPORT + (
    "m = keras.Sequential([keras.Input((13,)), layers.Dense(64, activation='relu'), layers.Dense({head})])\n"
)


class MetricLossMismatch(Rule):
    code = "KC215"
    name = "metric-loss-mismatch"
    severity = "info"
    summary = "An accuracy metric on a model trained with a regression loss."
    docs = """\
## What it does
Finds `model.compile(...)` calls that ask for an accuracy metric (`"accuracy"`,
`"acc"`, `keras.metrics.Accuracy()`, `"binary_accuracy"`...) on an output trained
with a regression loss (`mse`, `mae`, `mape`, `msle`, `huber`, `log_cosh`, as
strings, `keras.losses` functions or objects) whose activation is not a
probability (no activation, relu...). Unlike most rules it points at the
`compile(...)` call, where the metric is chosen.

Outputs ending in softmax or sigmoid are left alone: a classifier trained with
mean squared error still has a meaningful accuracy.

## Why it matters
Accuracy counts predictions that match the target class. For a continuous
target Keras still computes it — `"accuracy"` becomes binary accuracy on one
output unit (predictions rounded at 0.5) or (sparse) categorical accuracy on
several (the largest output taken as the class) — so
the training log shows a number near 0 (or a meaningless one) that hides how
well the regression is doing.

## Example
```python
model = keras.Sequential([keras.Input((13,)), layers.Dense(64, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
```

## Fix
Track a regression metric instead: `"mae"`, `keras.metrics.RootMeanSquaredError()`,
`keras.metrics.R2Score()`.
"""
    valid = (
        Example(REGRESSOR.format(head="1") + "m.compile(optimizer='adam', loss='mse', metrics=['mae'])\n", 0),
        Example(REGRESSOR.format(head="10, activation='softmax'")
                + "m.compile(loss='categorical_crossentropy', metrics=['accuracy'])\n", 0),
        # a classifier trained with mean squared error: accuracy is meaningful
        Example(REGRESSOR.format(head="10, activation='softmax'") + "m.compile(loss='mse', metrics=['accuracy'])\n", 0),
        Example(REGRESSOR.format(head="1, activation='sigmoid'")
                + "m.compile(loss=keras.losses.MeanSquaredError(), metrics=['acc'])\n", 0),
        # the output layer is not known
        Example(IMPORT + "from mylib import Head\nm = keras.Sequential([keras.Input((13,)), Head()])\n"
                "m.compile(loss='mse', metrics=['accuracy'])\n", 0),
        # accuracy only on the classification output
        Example(IMPORT + """\
inp = keras.Input((32,))
h = layers.Dense(64, activation='relu')(inp)
age = layers.Dense(1, name='age')(h)
gender = layers.Dense(2, activation='softmax', name='gender')(h)
m = keras.Model(inp, [age, gender])
m.compile(loss={'age': 'mse', 'gender': 'sparse_categorical_crossentropy'},
          metrics={'age': ['mae'], 'gender': ['accuracy']})
""", 0),
    )
    invalid = (
        Example(REGRESSOR.format(head="1") + "m.compile(optimizer='adam', loss='mse', metrics=['accuracy'])\n",
                contains="'accuracy' with loss 'mse'"),
        Example(REGRESSOR.format(head="1") + "m.compile(loss=keras.losses.mean_absolute_error,"
                " metrics=[keras.metrics.Accuracy()])\n", contains="Accuracy"),
        Example(IMPORT + "import tensorflow as tf\nm = tf.keras.Sequential([tf.keras.layers.Dense(3, input_dim=8)])\n"
                "m.compile(loss=tf.keras.losses.Huber(delta=2.0), metrics=['acc', 'mae'])\n",
                contains="3 units"),
        Example(REGRESSOR.format(head="1, activation='relu'") + "m.compile('adam', 'mean_squared_logarithmic_error',"
                " metrics='accuracy')\n"),
        Example(IMPORT + """\
inp = keras.Input((32,))
h = layers.Dense(64, activation='relu')(inp)
age = layers.Dense(1, name='age')(h)
gender = layers.Dense(2, activation='softmax', name='gender')(h)
m = keras.Model(inp, [age, gender])
m.compile(loss={'age': 'mse', 'gender': 'sparse_categorical_crossentropy'},
          metrics={'age': ['accuracy'], 'gender': ['accuracy']})
""", contains="age (Dense)"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.models:
            outputs = heads(ctx.view(model))
            compiled = last_compile(model)
            given = losses(compiled, outputs)
            wanted = metrics(compiled.args, outputs) if compiled is not None else None
            if compiled is None or given is None or wanted is None:
                continue
            for head, loss, names in zip(outputs, given, wanted):
                accuracy = next((n for n in names if n in ACCURACY), None)
                if loss is None or loss.name not in REGRESSION or accuracy is None:
                    continue
                if head.activation is None or head.activation in PROBABILITY or head.units is None:
                    continue
                yield self.finding(compiled.source, message(head, accuracy, loss.name), fix=FIX)


FIX = "track a regression metric instead, such as 'mae' or keras.metrics.RootMeanSquaredError()"


def message(head: Head, accuracy: str, loss: str) -> str:
    units = f"{head.units} unit{'s' * (head.units != 1)}"
    how = ""
    if accuracy in ("accuracy", "acc") and head.units == 1:
        how = " (Keras makes it binary accuracy: predictions rounded at 0.5)"
    return (
        f"metric '{accuracy}' with loss '{loss}', a regression loss: accuracy counts exact class matches{how},"
        f" meaningless for the continuous values {describe(head.output)} predicts ({units}, {head.activation})"
    )


def metrics(args: dict[str, Any], outputs: list[Head]) -> list[list[str]] | None:
    """The names of the metrics ``compile`` gives each output (None: not known)."""
    value = args.get("metrics")
    if value is None or not outputs:
        return None
    if len(outputs) == 1:  # Keras gives one output every metric, however nested
        return [_names(value)]
    if isinstance(value, dict):
        value = {name: value.get(name) for name in (h.name for h in outputs)}
    elif not (isinstance(value, (list, tuple)) and len(value) == len(outputs)):
        return None
    given = per_output(value, outputs)
    return None if given is None else [_names(v) for v in given]


def _names(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [n for v in value for n in _names(v)]
    if value is None:
        return []
    name = keras_name(value, "metrics")
    return [name] if name is not None else []


RULE = MetricLossMismatch()
