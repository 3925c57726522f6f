"""KC002 analysis-limit: A budget or limit of the analysis was reached (steps, recursion depth, loop length, value size, graph size, nesting)."""

from kerascheck.rules.base import AnalysisRule, Example


class AnalysisLimitRule(AnalysisRule):
    code = "KC002"
    name = "analysis-limit"
    severity = "info"
    summary = "A budget or limit of the analysis was reached (steps, recursion depth, loop length, value size, graph size, nesting)."
    docs = """\
## What it does
Reports where the abstract interpreter stopped following the code because a
budget ran out or a limit was reached: too many steps in one top-level
statement (or in the file), too deep a recursion (60 calls, or a function
calling itself with arguments no better known than those of the call it is
in: it would go on without end), too long a loop or
comprehension, the memory the file's values may take, or a source nested too
deeply or too large to parse. The budgets and limits count steps,
iterations, depth, items and tokens, never seconds, so the same file gives the
same report on any machine at any load.

## Why it matters
What that statement computed becomes unknown (`?`) rather than guessed: the
names it binds, what it changed, and the models it built or changed (their
totals are then unknown). The rest of the file is still analysed: each
top-level statement, entry point and imported module's statement has a
budget of its own (200,000 steps, within 1,000,000 for the file; once the
file's are spent, each later statement still gets 10,000), so does a loop
(50,000 within its statement's: what follows it still runs), a loop past
10,000 iterations is treated as a loop over unknown values, and past 128 of
the project's modules (or 150,000 tokens of them), what later imports bind is
unknown. A value past its
limits (an integer over 100,000 bits, a string or container over 100,000
items) is unknown without a diagnostic; once the values the file made took
5,000,000 words of memory, each later large one is unknown, and that is said
once; once the file's models recorded 50,000 calls of layers, models and
operations on symbolic tensors (a ResNet-50 is about 180; the library source
kerascheck runs and a subclassed model's traced `call()` count too), each
later call's output is unknown, said once at the layer whose call passed it:
the models built before keep their exact numbers. A source with an expression nested more than 500 levels deep (brackets
and chained operators) or more than 100,000 tokens is not parsed at all
(Python's own limits, 200 nested brackets and 99 levels of indentation, are
syntax errors: `KC001`). It also says
(once per file) when the source kerascheck reads instead of modelling is
missing: `keras.applications` constructors are run from the installed Keras
3's source, so without Keras 3 installed what they build is unknown.

## Example
```python
import keras
while True:
    pass
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
```

## Fix
Usually nothing: the rest of the file is still analysed. If a model's numbers
matter, move its construction out of the unbounded code.
"""
    valid = (Example("import keras\nfor i in range(3):\n    pass\n", 0),)
    invalid = (
        Example("import keras\nwhile True:\n    pass\n", contains="loop"),
        Example("import keras\ndef f(n):\n    return f(n + 1)\nf(0)\n", contains="nested deeper"),
        Example("import keras\ndef walk(node):\n    return [walk(c) for c in node]\nwalk(data)\n", contains="calls itself"),
    )


RULE = AnalysisLimitRule()
