"""The benchmarks' scripts (bench/<name>/*.py are not a package), loaded by path."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench"


def load(bench: str, name: str) -> ModuleType:
    """``bench/<bench>/<name>.py`` as the module ``<bench>_<name>``."""
    spec = importlib.util.spec_from_file_location(f"{bench}_{name}", BENCH / bench / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
