"""KC210 points at the layer applying the output's final activation."""

from kerascheck.analysis import Options, analyze_source
from kerascheck.rules.kc210_output_loss_mismatch import RULE

SOURCE = """\
import keras
from keras import layers
m = keras.Sequential([
    keras.Input((8,)),
    layers.Dense(4),
    layers.Activation('sigmoid'),
])
m.compile(loss='categorical_crossentropy')
"""


def test_points_at_the_final_activation():
    report = analyze_source(SOURCE, "example.py", Options(rules=(RULE,)))
    assert [d.span.line for d in report.diagnostics] == [6]


def test_points_at_the_layer_without_activation():
    source = SOURCE.replace("    layers.Activation('sigmoid'),\n", "")
    report = analyze_source(source, "example.py", Options(rules=(RULE,)))
    assert [d.span.line for d in report.diagnostics] == [5]


REPLACED = SOURCE.replace("m.compile(loss='categorical_crossentropy')", "m.compile(loss='categorical_crossentropy')\n{between}m.compile(loss='binary_crossentropy')")


def test_a_replaced_compile_is_an_info_at_that_call():
    report = analyze_source(REPLACED.format(between=""), "example.py", Options(rules=(RULE,)))
    assert [(d.span.line, d.severity) for d in report.diagnostics] == [(8, "info")]


def test_a_compile_that_trained_is_in_effect():
    report = analyze_source(REPLACED.format(between="m.fit(x, y)\n"), "example.py", Options(rules=(RULE,)))
    assert [(d.span.line, d.severity) for d in report.diagnostics] == [(6, "warning")]
