"""KC301's fix as edits: applied, the code reads with the same shapes and counts
and is no longer flagged; never offered where it would not be certainly right."""

from __future__ import annotations

from pathlib import Path

import pytest

from kerascheck import config
from kerascheck.analysis import analyze_source, options_for
from kerascheck.diagnostics import Diagnostic, Span, TextEdit
from kerascheck.fixes import apply_fixes
from kerascheck.report import FileReport

LEGACY = Path(__file__).resolve().parents[2] / "fixtures" / "legacy"
K1 = "from keras.models import Sequential\nfrom keras.layers import *\n"


def check(source: str, path: str = "snippet.py") -> FileReport:
    """What ``kerascheck check`` reports for ``source``, every rule selected."""
    settings = config.Settings(root=Path(path).parent, select=("KC",))
    return analyze_source(source, path, options_for(settings, None, "check"))


def rows(report: FileReport) -> list[list[tuple]]:
    return [[(r.name, r.class_name, r.output_shape, r.params) for r in m.layers] for m in report.models]


def fixed(source: str, path: str = "snippet.py") -> str:
    """``source`` with every fix applied, round after round, as ``check --fix`` does;
    each round reads the same models and leaves the rest of the diagnostics."""
    report = check(source, path)
    while any(d.edits for d in report.diagnostics):
        source, count = apply_fixes(source, report.diagnostics)
        after = check(source, path)
        assert rows(after) == rows(report)
        unfixed = sorted(d.message for d in report.diagnostics if not d.edits)
        assert len(after.diagnostics) == len(report.diagnostics) - count
        assert sorted(d.message for d in after.diagnostics if not d.edits) == unfixed
        report = after
    return source


def edits(source: str) -> list[tuple[TextEdit, ...]]:
    return [d.edits for d in check(source).diagnostics if d.code == "KC301"]


def test_the_fixture_fixed_is_its_keras3_twin():
    """The twin is run by real Keras (tests/oracle/test_fixtures.py)."""
    original = (LEGACY / "keras1_quick_fixes.py").read_text()
    twin = (LEGACY / "keras1_quick_fixes.keras3.py").read_text()
    assert fixed(original).splitlines()[2:] == twin.splitlines()[2:]


@pytest.mark.parametrize("path", sorted(p for p in LEGACY.glob("*.py") if not p.name.endswith(".keras3.py")), ids=str)
def test_fixing_a_legacy_fixture_keeps_its_models(path):
    fixed(path.read_text(), str(path))


@pytest.mark.parametrize(
    "call",
    [
        "Dense(output_dim=10, init='he_normal', input_dim=4)",  # init is not one of the catalog's equivalences
        "Deconvolution2D(8, 3, 3, input_shape=(8, 8, 3))",  # Keras 3's name is another import
        "Convolution2D(8, *(3, 3), input_shape=(8, 8, 3))",  # not the call as written
        "Dense(**{'output_dim': 4}, input_dim=4)",
        "MaxPooling2D(dim_ordering=ordering, input_shape=(8, 8, 3))",  # not a literal
    ],
)
def test_no_fix_where_it_is_not_certainly_right(call):
    source = K1 + "ordering = 'tf'\nm = Sequential([" + call + "])\n"
    assert edits(source) and all(e == () for e in edits(source))


def test_no_fix_for_a_layer_whose_call_is_in_another_module(tmp_path):
    (tmp_path / "blocks.py").write_text("from keras.layers import Dense\ndef head():\n    return Dense(output_dim=3)\n")
    main = tmp_path / "main.py"
    main.write_text(K1 + "from blocks import head\nm = Sequential([Dense(4, input_dim=2), head()])\n")
    [diagnostic] = [d for d in check(main.read_text(), str(main)).diagnostics if d.code == "KC301"]
    assert diagnostic.edits == ()


def test_a_layer_built_in_a_loop_is_fixed_once():
    source = K1 + "m = Sequential([Input((8, 8, 3))])\nfor f in (8, 16):\n    m.add(Convolution2D(f, 3, 3, border_mode='same'))\n"
    assert fixed(source).endswith("    m.add(Convolution2D(f, (3, 3), padding='same'))\n")


@pytest.mark.parametrize(
    "loop",
    [
        "for k in (3, (3, 3)):\n    m.add(Convolution2D(8, k, k, border_mode='same'))\n",  # Keras 1's kernel, then not
        "import sys\nk = int(sys.argv[1])\nm.add(Convolution2D(8, k, k, border_mode='same'))\n",  # unknown
    ],
)
def test_no_fix_for_a_kernel_not_known_as_keras_1s_on_every_layer_of_the_call(loop):
    source = K1 + "m = Sequential([Input((8, 8, 3))])\n" + loop
    assert [e for e in edits(source) if e] == []


def test_model_keywords_are_renamed():
    source = "from keras.models import Model\nfrom keras.layers import Input, Dense\nx = Input((4,))\nm = Model(input=x, output=Dense(2)(x))\n"
    assert fixed(source).endswith("m = Model(inputs=x, outputs=Dense(2)(x))\n")


def test_overlapping_fixes_wait_for_the_next_round():
    def diagnostic(*edits: tuple[int, int, str]) -> Diagnostic:
        placed = tuple(TextEdit(Span(1, start, 1, end), text) for start, end, text in edits)
        return Diagnostic("KC301", "legacy-keras-api", "info", "", Span(1, 1, 1, 1), edits=placed)

    source = "abcdef"
    first = diagnostic((1, 3, "X"))
    overlapping = diagnostic((2, 4, "Y"))
    same_place = diagnostic((1, 1, "Z"))
    elsewhere = diagnostic((5, 5, "("), (7, 7, ")"))
    assert apply_fixes(source, [first, overlapping, same_place, elsewhere]) == ("Xcd(ef)", 2)
