"""KC214 points at the recurrent layer that returns the sequence, where the fix goes."""

from kerascheck.analysis import Options, analyze_source
from kerascheck.rules.kc214_sequence_into_head import RULE

SOURCE = """\
import keras
from keras import layers
m = keras.Sequential([
    keras.Input((100,)),
    layers.Embedding(20000, 128),
    layers.LSTM(64, return_sequences=True),
    layers.Dropout(0.2),
    layers.Dense(1, activation='sigmoid'),
])
"""


def test_points_at_the_recurrent_layer():
    report = analyze_source(SOURCE, "example.py", Options(rules=(RULE,)))
    assert [d.span.line for d in report.diagnostics] == [6]
