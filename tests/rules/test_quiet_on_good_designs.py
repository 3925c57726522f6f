"""The rules stay quiet on well-designed models: Keras's own applications (read from
the installed package, never copied here) and our classic-architecture fixtures.

No warning or error fires there (one would be listed below with the reason it
deserves attention); any is a false alarm to fix in the rule.  The design notes
(infos) listed below must keep being given.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from kerascheck.analysis import Options, analyze_bytes
from kerascheck.rules import all_rules

ROOT = Path(__file__).resolve().parents[2]
APPLICATIONS = Path(importlib.util.find_spec("keras").submodule_search_locations[0]) / "src" / "applications"

#: (file, code) → why a user should see it as a warning or an error
JUSTIFIED: dict[tuple[str, str], str] = {}
#: (file, code) → why the design note (info) is given
NOTES = {
    ("nasnet.py", "KC201"): "stem_conv1: a 3×3 stride-2 valid conv on 224×224 never reads the last row and column",
    ("vgg16.py", "KC202"): "fc1 holds 74% of VGG16's parameters: the textbook Dense-after-Flatten hotspot",
    ("vgg19.py", "KC202"): "fc1 holds 72% of VGG19's parameters",
    ("siamese.py", "KC201"): "a 2×2 pool on an 11×11 map drops the last row and column",
}

APPLICATION_FILES = sorted(p for p in APPLICATIONS.glob("*.py") if not p.name.endswith("_test.py"))
FILES = APPLICATION_FILES + sorted((ROOT / "fixtures" / "classic").glob("*.py"))


def test_the_applications_are_there():
    assert {"vgg16.py", "resnet.py", "nasnet.py", "efficientnet.py"} <= {p.name for p in FILES}


@pytest.mark.parametrize(
    "path",
    # Keras's applications are large files: seconds all together
    [pytest.param(p, marks=pytest.mark.slow) if p in APPLICATION_FILES else p for p in FILES],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_no_unjustified_warning_or_error(path):
    report = analyze_bytes(path.read_bytes(), str(path), Options(rules=tuple(all_rules().values())))
    loud = {(path.name, d.code): d.message for d in report.diagnostics if d.severity in ("warning", "error")}
    unjustified = {key: message for key, message in loud.items() if key not in JUSTIFIED}
    assert not unjustified
    expected = {key for key in JUSTIFIED if key[0] == path.name}
    assert expected <= set(loud), "a finding worth a user's attention is no longer reported"
    notes = {(path.name, d.code) for d in report.diagnostics if d.severity == "info"}
    assert {key for key in NOTES if key[0] == path.name} <= notes, "a design note is no longer given"
