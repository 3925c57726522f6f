"""The report types and every reporter import without libcst, the interpreter or the rules."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kerascheck.reporters import CHECK_MODULES

MODULES = ["kerascheck.report", "kerascheck.diagnostics", "kerascheck.reporters.table", "kerascheck.reporters.json_report",
           *(f"kerascheck.reporters.{name}" for name in CHECK_MODULES.values())]
HEAVY = ("libcst", "kerascheck.interpreter", "kerascheck.analysis", "kerascheck.graph", "kerascheck.rules.base")


@pytest.mark.parametrize("module", MODULES)
def test_importing_loads_nothing_heavy(module):
    code = f"import sys, {module}; print(*sorted(m for m in sys.modules if m.startswith({HEAVY!r})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == []
