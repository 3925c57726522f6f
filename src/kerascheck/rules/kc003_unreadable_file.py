"""KC003 unreadable-file: The file is binary, not UTF-8, or over 1 MB, and is not analysed."""

from kerascheck.rules.base import AnalysisRule, Example


class UnreadableFile(AnalysisRule):
    code = "KC003"
    name = "unreadable-file"
    severity = "error"
    summary = "The file is binary, not UTF-8, or over 1 MB, and is not analysed."
    docs = """\
## What it does
Reports a file kerascheck will not analyse: it contains NUL bytes (binary), it
is not valid UTF-8, or it is larger than 1,000,000 bytes.

## Why it matters
Such a file is usually not source code at all (a saved model or data file with
a `.py` name), or generated code too large to check quickly.

## Example
A `model.py` that is really an HDF5 file, or a Latin-1 encoded source.

## Fix
Exclude the file (`exclude` in `[tool.kerascheck]`), re-save the source as
UTF-8, or split a generated file.
"""
    valid = (Example(b"import keras\n# caf\xc3\xa9\n", 0),)
    invalid = (
        Example(b"\x89HDF\r\n\x1a\n\x00\x00keras", contains="binary"),
        Example(b"import keras\n# caf\xe9\n", contains="UTF-8"),
    )


RULE = UnreadableFile()
