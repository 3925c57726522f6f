"""KC010 skipped-file: A file not analysed because it is too large, not a regular file, or a notebook."""

from kerascheck.rules.base import AnalysisRule


class SkippedFile(AnalysisRule):
    code = "KC010"
    name = "skipped-file"
    severity = "info"
    summary = "A file not analysed because it is too large, not a regular file, or a notebook."
    docs = """\
## What it does
Reports a file kerascheck does not read, and why: it is larger than
5,000,000 bytes (checked before reading: such a file is never read), it is not
a regular file (a named pipe, a device such as `/dev/zero`, a socket: never
opened, so a pipe cannot make the run wait), or it is a Jupyter notebook named
on the command line. Standard input is read up to the same limit.

## Why it matters
Nothing in the file is checked. It is an info, not an error: a large data or
generated module is usually not model code, and the run goes on with the
other files.

## Example
`kerascheck check data/table.py` on a 6 MB generated lookup table, or
`kerascheck check notebook.ipynb`.

## Fix
Usually nothing. Exclude the file (`extend-exclude` in `[tool.kerascheck]`) to
silence it; export a notebook with `jupyter nbconvert --to script`; give the
content of a pipe on standard input (`kerascheck check - < PIPE`).
"""
    # no source example: what it reports is a file, not its text (tests/robustness/)


RULE = SkippedFile()
