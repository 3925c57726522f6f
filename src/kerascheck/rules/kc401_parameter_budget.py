"""KC401 parameter-budget: A model has more parameters than the project's budget (max-params)."""

from __future__ import annotations

from typing import Iterator

from kerascheck.findings import Finding
from kerascheck.graph import Operation
from kerascheck.rules.base import Example, Rule, RuleContext

SEQ = "import keras\nfrom keras import layers\n"
MLP = SEQ + "m = keras.Sequential([keras.Input((784,)), layers.Dense(512), layers.Dense(10)])\n"  # 407,050


class ParameterBudget(Rule):
    code = "KC401"
    name = "parameter-budget"
    severity = "error"
    summary = "A model has more parameters than the project's budget (max-params)."
    docs = """\
## What it does
When `max-params` is set, reports every model whose total number of parameters
(trainable and non-trainable, as `model.summary()` counts them) exceeds it,
with the largest row of its summary.  The diagnostic points at the model's
constructor call.  Models whose total is not known are not reported, and
without `max-params` the rule does nothing.

## Why it matters
A model that must fit a device, a latency target or a download size has a hard
budget; a change to an input size or a layer width can multiply the count
(a `Dense` layer after `Flatten` grows with the image) and is only noticed on
the device.

## Example
```toml
[tool.kerascheck]
max-params = 1_000_000
```
```python
model = keras.applications.VGG16()  # 138,357,544 parameters
```

## Fix
Shrink the largest layers (the message names the largest one), or raise the
budget if it is the model you want.
"""
    options = {"max-params": None}
    valid = (
        Example(MLP, 0),  # no budget set: the rule is inactive
        Example(MLP, 0, options={"max-params": 407_050}),
        Example(
            SEQ + "from mylib import Custom\nm = keras.Sequential([keras.Input((784,)), Custom(), layers.Dense(10)])\n",
            0,
            options={"max-params": 1},
        ),
    )
    invalid = (
        Example(
            MLP,
            contains="sequential (Sequential) has 407,050 parameters, 7,050 over the budget of 400,000; "
            "the largest layer is dense (Dense) with 401,920 (99%)",
            options={"max-params": 400_000},
        ),
        # a nested model and the model around it are both over the budget
        Example(
            SEQ + "base = keras.Sequential([keras.Input((784,)), layers.Dense(512)], name='base')\n"
            "x = keras.Input((784,))\nm = keras.Model(x, layers.Dense(10)(base(x)), name='classifier')\n",
            count=2,
            contains="over the budget of 100,000",
            options={"max-params": 100_000},
        ),
        Example(
            SEQ + "base = keras.Sequential([keras.Input((784,)), layers.Dense(512)], name='base')\n"
            "x = keras.Input((784,))\nm = keras.Model(x, layers.Dense(10)(base(x)), name='classifier')\n",
            contains="classifier (Functional) has 407,050 parameters, 2,050 over the budget of 405,000; "
            "the largest layer is base (Sequential) with 401,920 (99%)",
            options={"max-params": 405_000},
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        budget = ctx.options["max-params"]
        if not isinstance(budget, int) or isinstance(budget, bool):
            return
        for model in ctx.models:
            trainable, frozen = model.totals()
            if trainable is None or frozen is None or trainable + frozen <= budget:
                continue
            total = trainable + frozen
            text = f"{model.name} ({model.class_name}) has {total:,} parameters, {total - budget:,} over the budget of {budget:,}"
            largest = max(model.rows or [], key=lambda row: size(row.operation), default=None)
            if largest is not None:
                op = largest.operation
                text += f"; the largest layer is {op.name} ({op.class_name}) with {size(op):,} ({size(op) / total:.0%})"
            yield self.finding(model.source, text, fix="Shrink the largest layers, or raise max-params.")


def size(op: Operation) -> int:
    trainable, frozen = op.totals()
    return (trainable or 0) + (frozen or 0)


RULE = ParameterBudget()
