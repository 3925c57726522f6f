"""KC302 implicit-keras-name, one of kerascheck's rules:
Keras names a snippet uses without importing them, read as Keras's.
"""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.findings import Finding
from kerascheck.rules.base import Example, Rule, RuleContext


class ImplicitKerasName(Rule):
    code = "KC302"
    name = "implicit-keras-name"
    severity = "info"
    summary = "Keras names a snippet uses without importing them, read as Keras's."
    docs = """\
## What it does
Says, once per file, which names kerascheck read as Keras's although the file
never binds them: a layer or model class used without an import (`Dense`,
`Conv2D`, `Sequential`, `Input`…), and a model the file only ever adds layers
to (`model.add(...)` with no `model = ...`), read as an empty `Sequential`
made before the snippet starts.  A name the file binds anywhere (an import, an
assignment, a parameter, a definition) is never read this way, nor is any name
when a star import kerascheck cannot read might bind it.

## Why it matters
Pasted snippets, notebook cells and scripts whose imports live elsewhere are
where questions about shapes start.  Analysed as Keras code, their bugs are
found (a softmax over one unit, a missing `Flatten`); this note says what was
assumed to find them.

## Example
```python
model.add(Dense(32, activation="relu", input_shape=(12,)))
model.add(Dense(1, activation="softmax"))
```

## Fix
Nothing, for a snippet.  In a file meant to run, add the imports
(`from keras.layers import Dense`) and create the model (`model =
keras.Sequential()`).
"""
    valid = (Example("import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n", 0),)
    invalid = (
        Example("model.add(Dense(4, input_shape=(3,)))\nmodel.add(Dense(2))\n", 1, contains="model (an empty Sequential)"),
        Example(
            "from keras.layers import Dense\nnet = Sequential()\nnet.add(Dense(2, input_shape=(3,)))\n",
            1,
            contains="Sequential (keras.models.Sequential)",
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        seen: dict[str, str] = {}
        for _, name, meaning in ctx.facts.implicit_names:
            seen.setdefault(name, meaning)
        if seen:
            node = ctx.facts.implicit_names[0][0]
            names = ", ".join(f"{name} ({meaning})" for name, meaning in seen.items())
            yield self.finding(node, f"used without being defined or imported, read as Keras's: {names}")


RULE = ImplicitKerasName()
