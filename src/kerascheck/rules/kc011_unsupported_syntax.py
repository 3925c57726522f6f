"""KC011 unsupported-syntax: Valid Python that kerascheck's parser cannot read; the file is not analysed."""

from kerascheck.rules.base import AnalysisRule, Example


class UnsupportedSyntax(AnalysisRule):
    code = "KC011"
    name = "unsupported-syntax"
    severity = "info"
    summary = "Valid Python that kerascheck's parser cannot read; the file is not analysed."
    docs = """\
## What it does
Reports a file that Python's own compiler accepts but libcst, the parser
kerascheck builds on, does not: a rare construct such as an annotated
assignment to a parenthesized name. Python is asked by compiling the source
to a syntax tree only; nothing is run.

## Why it matters
The file is valid, so it is not an error (`KC001` is for files Python itself
rejects), but nothing in it is checked.

## Example
```python
import keras
(x): int = 3
```

## Fix
Usually nothing. If the file defines models, rewrite the construct
(`x: int = 3`) so that they are checked.
"""
    valid = (Example("import keras\nx: int = 3\n", 0),)
    invalid = (Example("import keras\n(x): int = 3\n", contains="libcst"),)


RULE = UnsupportedSyntax()
