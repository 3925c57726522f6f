"""KC201 on the seed it comes from, beyond the rule's own examples."""

from __future__ import annotations

from pathlib import Path

from kerascheck.analysis import Options, analyze_source
from kerascheck.rules.kc201_fractional_stride_drop import RULE

SEED = Path(__file__).parents[2] / "fixtures" / "seeds" / "seed002_strided_mnist.py"


def test_seed002_reports_the_second_convolution_once():
    report = analyze_source(SEED.read_text(), str(SEED), Options(rules=(RULE,)))
    found = [d for d in report.diagnostics if d.code == "KC201"]
    assert [d.message for d in found] == [
        "conv2d_1 (Conv2D): (8 − 5) / 2 = 1.5 on height and width: the last row and column "
        "of the 8×8 input are never read (15 of its 64 positions)"
    ]
    assert found[0].span.line == 13
