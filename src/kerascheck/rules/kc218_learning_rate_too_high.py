"""KC218 learning-rate-too-high: An optimizer given to compile() with a learning rate far above any that trains."""

from __future__ import annotations

from typing import Any, Iterator

from kerascheck.findings import Finding
from kerascheck.interpreter.values import Opaque
from kerascheck.rules._heads import replaced_untrained
from kerascheck.rules.base import Example, Rule, RuleContext

SEQ = "import keras\nfrom keras import layers\nm = keras.Sequential([keras.Input((6,)), layers.Dense(3)])\n"

#: Keras 3's default learning rate of each optimizer this rule knows, by class name
#: (Keras 1/2's lower-case aliases too); adaptive ones scale each step to about the rate
ADAPTIVE = {"Adam": 0.001, "AdamW": 0.001, "Nadam": 0.001, "Adamax": 0.001, "RMSprop": 0.001, "Adagrad": 0.001,
            "Lion": 0.001}
ADAPTIVE |= {name.lower(): rate for name, rate in ADAPTIVE.items()}
SGD = {"SGD": 0.01, "sgd": 0.01}


class LearningRateTooHigh(Rule):
    code = "KC218"
    name = "learning-rate-too-high"
    severity = "warning"
    summary = "An optimizer given to compile() with a learning rate far above any that trains."
    docs = """\
## What it does
Reads the optimizer object given to `model.compile(optimizer=...)` (directly or
through a variable: `keras.optimizers.Adam(...)`, `tf.keras`, Keras 1/2's
`Adam(lr=...)` and lower-case aliases) and reports a learning rate, given
positionally or as `learning_rate=`/`lr=`, of **1 or more** for an adaptive
optimizer (Adam, AdamW, Nadam, Adamax, RMSprop, Adagrad, Lion), or **above 1**
for `SGD`.  Optimizers named by a string (`"adam"`) use their default rate;
rates from a schedule or computed at run time are not checked; a `compile()`
that a later one replaces before any `fit()` is not either.  Adadelta, designed
around a rate of 1, and Adafactor's relative steps are left alone.  The
diagnostic points at the optimizer's constructor call, where the rate is
written (at the `compile()` when the optimizer is made out of view).

## Why it matters
Adaptive optimizers divide each gradient by a running estimate of its size, so
every step moves each weight by roughly the learning rate whatever the
gradient's scale.  Their default rate is 0.001; with 1 or more, each step moves
weights by more than their initial magnitude (a Glorot-initialised kernel's
weights are around 0.05): the loss jumps to NaN or oscillates and the model
never trains, usually a typo (`50` for `5e-4`) or a rate meant for another
optimizer.  Plain SGD's step is the rate times the gradient; rates up to 1 are
used with small gradients, above that training diverges almost surely.

## Example
```python
model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=50.0),
              loss="categorical_crossentropy")
```

## Fix
Use a rate near the optimizer's default (0.001 for Adam and RMSprop, 0.01 for
SGD), and tune from there.
"""
    valid = (
        Example(SEQ + "m.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3), loss='mse')\n", 0),
        Example(SEQ + "m.compile(keras.optimizers.SGD(1.0, momentum=0.9), 'mse')\n", 0),
        Example(SEQ + "m.compile(optimizer='adam', loss='mse')\n", 0),
        # Adadelta is designed around a rate of 1
        Example(SEQ + "m.compile(keras.optimizers.Adadelta(learning_rate=1.0), 'mse')\n", 0),
        # a rate computed at run time
        Example(SEQ + "import sys\nm.compile(keras.optimizers.Adam(float(sys.argv[1])), 'mse')\n", 0),
        # replaced before any training
        Example(SEQ + "m.compile(keras.optimizers.Adam(10), 'mse')\nm.compile(keras.optimizers.Adam(1e-3), 'mse')\n", 0),
    )
    invalid = (
        Example(
            SEQ + "m.compile(optimizer=keras.optimizers.RMSprop(learning_rate=50.0), loss='categorical_crossentropy')\n",
            contains="optimizer RMSprop with learning rate 50.0, 50,000× its default 0.001",
        ),
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Dense\nfrom keras.optimizers import Adam\n"
            "m = Sequential([Dense(3, input_dim=6)])\nopt = Adam(lr=1)\nm.compile(loss='mse', optimizer=opt)\n",
            contains="Adam with learning rate 1",
        ),
        Example(SEQ + "import tensorflow as tf\nm.compile(tf.keras.optimizers.SGD(10), 'mse')\n", contains="SGD"),
        # trained with it before a later compile()
        Example(SEQ + "m.compile(keras.optimizers.Adam(10), 'mse')\nm.fit(x, y)\n"
                "m.compile(keras.optimizers.Adam(1e-3), 'mse')\n"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.models:
            for index, compiled in enumerate(model.compiles):
                optimizer = compiled.args.get("optimizer")
                found = too_high(optimizer)
                if found is None or replaced_untrained(model, index):
                    continue
                name, rate, default = found
                yield self.finding(
                    getattr(optimizer, "node", None) or compiled.source,  # where the rate is written
                    f"optimizer {name} with learning rate {rate!r}, {rate / default:,.0f}× its default {default}: "
                    + ("an adaptive optimizer moves every weight by about the rate at each step"
                       if name in ADAPTIVE else "each step is the rate times the gradient")
                    + ", so training diverges",
                    fix=f"use a learning rate near {default} and tune from there",
                )


def too_high(optimizer: Any) -> tuple[str, float, float] | None:
    """The optimizer's class name, learning rate and default, when the rate is out of range."""
    if not isinstance(optimizer, Opaque) or not optimizer.what.startswith("keras.optimizers."):
        return None
    name = optimizer.what.rsplit(".", 1)[-1]
    default = ADAPTIVE.get(name) or SGD.get(name)
    if default is None:
        return None
    rate = optimizer.arguments.get("learning_rate", optimizer.arguments.get("lr"))
    if rate is None and optimizer.positional:
        rate = optimizer.positional[0]
    if not isinstance(rate, (int, float)) or isinstance(rate, bool):
        return None
    if rate >= 1 if name in ADAPTIVE else rate > 1:
        return name, rate, default
    return None


RULE = LearningRateTooHigh()
