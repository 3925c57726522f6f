"""KC000 internal-error: kerascheck failed while analysing this file."""

from kerascheck.rules.base import AnalysisRule


class InternalError(AnalysisRule):
    code = "KC000"
    name = "internal-error"
    severity = "error"
    summary = "kerascheck failed while analysing this file."
    docs = """\
## What it does
Reports that kerascheck itself failed on a file, with the exception type and
message. The other files are still analysed.

## Why it matters
The file's models were not checked, so a clean run would be misleading. It is
always a kerascheck bug: no source should make the analysis fail.

## Example
Any file that triggers a defect in kerascheck, for instance an unusual construct
the interpreter mishandles.

## Fix
Report it with the file (or a reduced version of it) and the message; in the
meantime, `# kerascheck: ignore-file[KC000]` silences it for that file.
"""


RULE = InternalError()
