"""KC001 syntax-error: The file cannot be parsed as Python."""

from kerascheck.rules.base import AnalysisRule, Example


class SyntaxErrorRule(AnalysisRule):
    code = "KC001"
    name = "syntax-error"
    severity = "error"
    summary = "The file cannot be parsed as Python."
    docs = """\
## What it does
Reports a file that is not valid Python 3, at the place and with the message
Python's own compiler gives (the source is compiled to a syntax tree only,
never run): `'[' was never closed` at the bracket, `Missing parentheses in
call to 'print'`. kerascheck goes on with the other files. The Python that
runs kerascheck decides: syntax newer than it is reported here too.

## Why it matters
Nothing in the file can be checked, and Python would refuse to run it.

## Example
```python
import keras
model = keras.Sequential([keras.layers.Dense(10)
```

## Fix
Correct the syntax (often an unclosed bracket or Python 2 code such as `print x`).
"""
    valid = (Example("import keras\nmodel = keras.Sequential([keras.layers.Dense(10)])\n", 0),)
    invalid = (
        Example("import keras\nmodel = keras.Sequential([keras.layers.Dense(10)\n", contains="'[' was never closed"),
        Example("import keras\nprint 'training'\n"),
    )


RULE = SyntaxErrorRule()
