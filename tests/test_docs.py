"""Generated documentation is current."""

from pathlib import Path

from kerascheck.catalog.__main__ import render

ROOT = Path(__file__).resolve().parents[1]


def test_layer_list_is_current():
    assert (ROOT / "docs" / "layers.md").read_text() == render(), "run: python -m kerascheck.catalog > docs/layers.md"
