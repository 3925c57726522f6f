"""KC002 analysis-limit: A budget of the interpreter ran out (steps, time, recursion depth, loop length)."""

from kerascheck.rules.base import AnalysisRule, Example


class AnalysisLimitRule(AnalysisRule):
    code = "KC002"
    name = "analysis-limit"
    severity = "info"
    summary = "A budget of the interpreter ran out (steps, time, recursion depth, loop length)."
    docs = """\
## What it does
Reports where the abstract interpreter gave up because a budget ran out: too
many steps in one call, too deep a recursion, too long a loop, too much time
for the file, or code nested too deeply to parse.

## Why it matters
Values computed there are reported as unknown (`?`) rather than guessed, so
some shapes or counts of the file's models may be missing.

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
    )


RULE = AnalysisLimitRule()
