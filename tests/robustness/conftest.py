"""Bad input, made at test time under ``tmp_path`` (nothing large is committed).

``kerascheck`` runs in this process where memory and blocking do not matter,
and in a child process under a memory cap (``resource.setrlimit``) where they
do: reading ``/dev/zero`` or a 10 GB file whole would end in a MemoryError.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

#: the child's address space: the analysis thread reserves a 512 MB stack, the rest is the budget
MEMORY_CAP = 768 * 2**20


def _cap() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.fixture
def capped(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``kerascheck ARGS`` in ``tmp_path`` in a child process under ``MEMORY_CAP``."""
    pytest.importorskip("resource")

    def run(*args: str, stdin: Path | None = None) -> subprocess.CompletedProcess[str]:
        with open(stdin or "/dev/null", "rb") as source:
            return subprocess.run(
                [sys.executable, "-m", "kerascheck", *args], cwd=tmp_path, stdin=source, preexec_fn=_cap,
                capture_output=True, text=True, timeout=120,
            )

    return run
