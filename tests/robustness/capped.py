"""Run kerascheck on one source in a child process whose memory is capped.

The child analyses the source as the command line does (``with_deep_stack``)
under ``resource.setrlimit(RLIMIT_AS)``: an analysis that needs more memory
fails there (a ``MemoryError``, or the process aborts) instead of taking the
test machine's.  It reports the diagnostics, the models' totals, its peak
resident memory and the interpreter's steps.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: the address space of the child: its 512 MB analysis stack (reserved, not
#: used) and about 700 MB for the rest
ADDRESS_SPACE = 1_300 * 2**20
#: the most resident memory an analysis may take, in MB
PEAK_MB = 400

CHILD = """
import json, resource, sys
import kerascheck.interpreter.engine as engine
from kerascheck.analysis import Options, analyze_source
from kerascheck.deep_stack import with_deep_stack

def peak_kb():
    # VmHWM is this program's own peak; ru_maxrss would include the peak of the
    # process it was forked from (Linux keeps it across exec): a test run holding
    # TensorFlow's gigabytes
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

steps = []
run = engine.Interpreter.run
def counted(self):
    try:
        run(self)
    finally:
        steps.append(self.steps)
engine.Interpreter.run = counted
source = sys.stdin.read()
report = with_deep_stack(analyze_source, source, sys.argv[1], Options())
print(json.dumps({
    "diagnostics": [[d.code, d.message, d.span.line] for d in report.diagnostics],
    "totals": [m.total for m in report.models],
    "peak_mb": peak_kb() / 1024,
    "steps": sum(steps),
}))
"""


@dataclass
class Result:
    diagnostics: list[tuple[str, str, int]]
    totals: list[int | None]
    peak_mb: float
    steps: int

    @property
    def codes(self) -> list[str]:
        return [code for code, _, _ in self.diagnostics]


def analyze_capped(source: str, path: str = "bad.py", timeout: float = 120) -> Result:
    """kerascheck's report on ``source`` (named ``path``), from a child process
    limited to ``ADDRESS_SPACE``; the child's failure fails the test."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, path],
        input=source,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=cap,
        env=env,
    )
    assert done.returncode == 0, f"the analysis failed ({done.returncode}): {done.stderr[-2000:]}"
    found = json.loads(done.stdout)
    return Result([tuple(d) for d in found["diagnostics"]], found["totals"], found["peak_mb"], found["steps"])
