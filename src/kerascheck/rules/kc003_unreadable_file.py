"""KC003 unreadable-file: The file or folder cannot be read or decoded as Python source, and is not analysed."""

from kerascheck.rules.base import AnalysisRule, Example


class UnreadableFile(AnalysisRule):
    code = "KC003"
    name = "unreadable-file"
    severity = "error"
    summary = "The file or folder cannot be read or decoded as Python source, and is not analysed."
    docs = """\
## What it does
Reports a file kerascheck cannot read as Python source, and why: permission
denied, a symbolic link loop or a broken link, a folder of the walk that
cannot be listed, a file that looks binary (it contains NUL bytes), or bytes
that are not valid in the file's encoding. The encoding is found as Python
finds it (PEP 263): a UTF-8 byte-order mark, else a coding line on the first
two lines (`# -*- coding: latin-1 -*-`), else UTF-8; the message gives the
line and column of the first byte that does not decode. The other files are
still analysed.

## Why it matters
Nothing in the file is checked, and Python itself could not run it (or
kerascheck was not allowed to read it).

## Example
A `model.py` that is really an HDF5 file, or a Latin-1 encoded source without
a coding line.

## Fix
Re-save the source as UTF-8 or declare its encoding on its first line, fix
the permissions or the link, or exclude the file (`extend-exclude` in
`[tool.kerascheck]`).
"""
    valid = (
        Example(b"import keras\n# caf\xc3\xa9\n", 0),
        Example(b"# -*- coding: latin-1 -*-\nimport keras\n# caf\xe9\n", 0),
        Example(b"\xef\xbb\xbfimport keras\n", 0),
    )
    invalid = (
        Example(b"\x89HDF\r\n\x1a\n\x00\x00keras", contains="binary"),
        Example(b"import keras\n# caf\xe9\n", contains="not valid UTF-8 and declares no other encoding"),
        Example(b"# coding: klingon\nimport keras\n", contains="unknown encoding"),
    )


RULE = UnreadableFile()
