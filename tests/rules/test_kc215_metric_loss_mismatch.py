"""KC215 points at the compile(...) call, not at a layer."""

from kerascheck.analysis import Options, analyze_source
from kerascheck.rules.kc215_metric_loss_mismatch import RULE

SOURCE = """\
import keras
from keras import layers
m = keras.Sequential([keras.Input((13,)), layers.Dense(1)])
m.compile(
    optimizer='adam',
    loss='mse',
    metrics=['accuracy'],
)
"""


def test_points_at_the_compile_call():
    report = analyze_source(SOURCE, "example.py", Options(rules=(RULE,)))
    assert [(d.span.line, d.span.end_line) for d in report.diagnostics] == [(4, 8)]
