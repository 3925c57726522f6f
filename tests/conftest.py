"""Shared test setup.  Real Keras (TensorFlow backend) is the oracle.

Tiers (see tests/README.md): every test that uses the ``keras`` fixture, or
lives under ``tests/oracle/``, is marked ``oracle`` here at collection; tests
that take seconds carry an explicit ``@pytest.mark.slow``.  The inner loop is
``pytest -m "not oracle and not slow"``; plain ``pytest`` runs everything.

The quick tier must never import TensorFlow or Keras, so two guards hold in
every run: collecting the tests imports neither, and a test not marked
``oracle`` that imports one of them (when it was not imported yet) fails.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
# Tests run kerascheck on fresh files, often with its code patched: no result
# cache unless a test asks for one (tests/test_cache.py).
os.environ["KERASCHECK_NO_CACHE"] = "1"

import pytest

ORACLE_DIR = Path(__file__).resolve().parent / "oracle"
#: modules only ``oracle`` tests may import
HEAVY_MODULES = ("tensorflow", "keras")


@pytest.fixture(scope="session")
def keras():
    """The real Keras 3 package, imported once per test session."""
    import keras as real_keras

    return real_keras


def is_oracle(item: pytest.Item) -> bool:
    """Whether ``item`` needs real Keras: it uses the ``keras`` fixture (directly or
    through another fixture) or belongs to the oracle suite (tests/oracle/)."""
    if "keras" in getattr(item, "fixturenames", ()):
        return True
    return ORACLE_DIR in Path(str(item.path)).resolve().parents


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if is_oracle(item) and item.get_closest_marker("oracle") is None:
            item.add_marker(pytest.mark.oracle)


def heavy_modules_loaded() -> list[str]:
    return [name for name in HEAVY_MODULES if name in sys.modules]


def pytest_collection_finish(session):
    loaded = heavy_modules_loaded()
    if loaded:
        raise pytest.UsageError(
            f"collecting the tests imported {', '.join(loaded)}: import Keras through the "
            "`keras` fixture (or inside an oracle test), never at a test module's top level, "
            'so that `pytest -m "not oracle and not slow"` stays free of TensorFlow'
        )


def pytest_sessionfinish(session, exitstatus):
    """A run without oracle tests (the quick tier) ends without TensorFlow or Keras
    imported, whatever imported them (a fixture of a wider scope, a plugin...)."""
    items = getattr(session, "items", [])
    loaded = heavy_modules_loaded()
    if items and loaded and not any(item.get_closest_marker("oracle") for item in items):
        session.config.get_terminal_writer().line(
            f"ERROR: no oracle test ran, but {', '.join(loaded)} got imported: "
            "the quick tier must stay free of TensorFlow",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _only_oracle_tests_import_keras(request):
    """A test not marked ``oracle`` that imports TensorFlow or Keras fails (this is
    seen whenever nothing imported them before it, so always in the quick tier)."""
    before = set(heavy_modules_loaded())
    yield
    if request.node.get_closest_marker("oracle") is None:
        new = [name for name in heavy_modules_loaded() if name not in before]
        if new:
            pytest.fail(
                f"{request.node.nodeid} imported {', '.join(new)} but is not marked oracle: "
                "use the `keras` fixture or mark it @pytest.mark.oracle",
                pytrace=False,
            )
