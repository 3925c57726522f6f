"""One root cause, one diagnostic: a consequence on the same call is folded into its
cause (``kerascheck.cascades``), unless the cause is not reported."""

from __future__ import annotations

from kerascheck.analysis import Options, analyze_source
from kerascheck.rules import all_rules

LEGACY = "import keras\nm = keras.Sequential([keras.Input((48, 48, 1)), keras.layers.Conv2D(8, 5, 5){comment}])\n"
CONV3D = "import keras\nm = keras.Sequential([keras.Input((16, 32, 32, 1)), keras.layers.Conv3D(8, 3, 3, 3)])\n"


def diagnostics(source: str, reports=None):
    options = Options(rules=tuple(all_rules().values()), reports=reports)
    return [(d.code, d.severity, d.message) for d in analyze_source(source, "m.py", options).diagnostics]


def test_the_consequence_is_said_in_its_cause():
    [(code, severity, message)] = diagnostics(LEGACY.format(comment=""))
    assert (code, severity) == ("KC213", "warning")
    assert "KC201 (fractional-stride-drop) follows from it: conv2d (Conv2D): (48 − 5) / 5 = 8.6" in message


def test_the_cause_takes_the_more_severe_severity():
    [(code, severity, message)] = diagnostics(CONV3D)
    assert (code, severity) == ("KC213", "error")
    assert "KC107 (invalid-layer-argument) follows from it" in message


def test_a_consequence_whose_cause_is_not_reported_stands_alone():
    assert [d[0] for d in diagnostics(LEGACY.format(comment=""), reports=lambda code: code != "KC213")] == ["KC201"]
    suppressed = LEGACY.format(comment="  # noqa: KC213\n")
    assert [d[0] for d in diagnostics(suppressed)] == ["KC201"]
