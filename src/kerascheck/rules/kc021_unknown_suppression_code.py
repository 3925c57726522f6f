"""KC021 unknown-suppression-code: A suppression comment names a code kerascheck does not have (opt-in)."""

from kerascheck.rules.base import AnalysisRule, Example


class UnknownSuppressionCode(AnalysisRule):
    code = "KC021"
    name = "unknown-suppression-code"
    severity = "warning"
    opt_in = True
    summary = "A suppression comment names a code kerascheck does not have (opt-in)."
    docs = """\
## What it does
Reports a code in a suppression comment that is neither a kerascheck code nor
a prefix of one: a `KC` code in `# noqa: ...` (other tools' codes there are
theirs), or any code in `# kerascheck: ignore[...]` / `ignore-file[...]`.

It is off by default, like ruff's unused and invalid `noqa` codes: enable it
with `extend-select = ["KC021"]` (or `--extend-select KC021`).

## Why it matters
A mistyped code suppresses nothing, and the comment says it does.

## Example
```python
import keras
x = keras.layers.Conv2D(8, 4, padding="same")  # noqa: KC999
```

## Fix
Correct the code (`kerascheck rule --all` lists them), or remove it.
"""
    valid = (Example("import keras\nx = 1  # noqa: KC2, E501\n", 0),)
    invalid = (
        Example("import keras\nx = 1  # noqa: KC999\n", contains="KC999 is not a kerascheck code"),
        Example("import keras\nx = 1  # kerascheck: ignore[E501]\n", contains="E501"),
    )


RULE = UnknownSuppressionCode()
