"""The prefilter: files without Keras code reported before libcst is imported (``kerascheck.prefilter``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kerascheck.analysis import Options, analyze_bytes, modelled
from kerascheck.keras import third_party
from kerascheck.prefilter import empty_report

PLAIN = "import os\nfrom collections import deque\n\ndef area(w, h):\n    return w * h\n"


def project(tmp_path: Path) -> Path:
    """A project: a plain module, a package, and a sibling module that builds nothing."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "shapes.py").write_text("SIDE = 3\n")
    (tmp_path / "helpers.py").write_text("def twice(x):\n    return 2 * x\n")
    return tmp_path


@pytest.mark.parametrize(
    "name, source, skipped",
    [
        ("plain.py", PLAIN, True),
        ("named.py", PLAIN + "import keras\n", False),
        ("sibling.py", "import helpers\nprint(helpers.twice(2))\n", False),  # the analysis follows it
        ("pkg/inner.py", "from . import shapes\n", False),
        ("pkg/outer.py", "from .. import missing\n", True),
        ("third.py", "from tcn import TCN\n", False),  # a package the libraries read from source
        ("noqa.py", PLAIN + "x = 1  # noqa: KC201\n", False),  # its suppressions may be reported
        ("snippet.py", "model = Sequential([Dense(2)])\n", False),
    ],
)
def test_a_file_is_skipped_only_when_the_analysis_would_skip_it(tmp_path, name, source, skipped):
    path = project(tmp_path) / name
    path.write_text(source)
    report = empty_report(str(path), source.encode())
    assert (report is not None) == skipped
    if report is not None:
        assert report == analyze_bytes(source.encode(), str(path), Options())


def test_standard_input_and_unreadable_content_are_left_to_the_analysis():
    assert empty_report("-", PLAIN.encode()) == analyze_bytes(PLAIN.encode(), "-", Options())
    assert empty_report("-", b"\xff\xfeb\x00") is None  # the analysis says why it is not read


def test_the_prefilter_knows_every_package_the_libraries_read_from_source():
    assert set(modelled().source_packages) <= set(third_party.PACKAGES)


def test_checking_files_without_keras_code_never_imports_libcst(tmp_path):
    (tmp_path / "a.py").write_text(PLAIN)
    (tmp_path / "b.py").write_text("print('hello')\n")
    code = (f"import sys; from kerascheck.cli import main; code = main(['check', {str(tmp_path)!r}]); "
            "print(code, 'libcst' in sys.modules, 'kerascheck.analysis' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "0 False False"
    assert "2 files checked" in out
