"""KC020 unused-suppression: A suppression comment that suppresses nothing (opt-in)."""

from kerascheck.rules.base import AnalysisRule, Example


class UnusedSuppression(AnalysisRule):
    code = "KC020"
    name = "unused-suppression"
    severity = "warning"
    opt_in = True
    summary = "A suppression comment that suppresses nothing (opt-in)."
    docs = """\
## What it does
Reports a kerascheck code in a `# noqa: ...` comment, or a
`# kerascheck: ignore[...]` / `ignore-file[...]` comment, that suppresses no
diagnostic: nothing of that code is reported on that line (in that file for
`ignore-file`), or the code is not enabled. A bare `# kerascheck: ignore`
that suppresses nothing is reported too. Other tools' codes (`# noqa: E501`)
and a bare `# noqa`, which other linters read as well, are never reported.

It is off by default, like ruff's `RUF100`: enable it with
`extend-select = ["KC020"]` (or `--extend-select KC020`).

## Why it matters
A suppression left after the code it silenced was fixed would silence the
next, real problem on that line without anyone noticing.

## Example
```python
import keras
model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3)])  # noqa: KC101
```

## Fix
Remove the code from the comment (or the comment).
"""
    valid = (
        Example("import keras\nm = keras.Sequential([keras.Input((28, 1, 1)), keras.layers.Conv2D(8, 3)])  # noqa: KC101\n", 0),
        Example("import keras\nx = 1  # noqa: E501\ny = 2  # noqa\n", 0),
    )
    invalid = (
        Example("import keras\nm = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3)])  # noqa: KC101\n",
                contains="no KC101 diagnostic on this line"),
        Example("# kerascheck: ignore-file[KC3]\nimport keras\n", contains="in this file"),
    )


RULE = UnusedSuppression()
