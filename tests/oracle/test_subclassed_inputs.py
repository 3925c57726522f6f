"""Subclassed models given their input by ``build()`` or ``fit()``, against real Keras 3.

Keras 3's ``build()`` leaves the layers of a subclassed model unbuilt (what
KC216 warns about); kerascheck reports the model as its first call on that
shape builds it.  Both halves are checked: Keras really leaves them unbuilt,
and kerascheck's rows equal Keras's after ``model(keras.Input(shape))``
written on the same line.  ``fit()`` on arrays (kept out of the fixtures,
which do not train) builds the model on their batches.
"""

from __future__ import annotations

import textwrap

from oracle_lib import compare, file_report, record_keras, run_kerascheck

SOURCE = textwrap.dedent(
    """
    import keras
    from keras import layers


    class ConvNet(keras.Model):
        def __init__(self, num_classes=10):
            super().__init__()
            self.conv = layers.Conv2D(16, 3, activation="relu")
            self.pool = layers.MaxPooling2D()
            self.bn = layers.BatchNormalization()
            self.flatten = layers.Flatten()
            self.head = layers.Dense(num_classes)

        def call(self, x, training=False):
            x = self.bn(self.pool(self.conv(x)), training=training)
            return self.head(self.flatten(x))


    model = ConvNet()
    model.build((None, 28, 28, 1))
    """
).lstrip()
CALLED = SOURCE.replace("model.build((None, 28, 28, 1))", "model(keras.Input(shape=(28, 28, 1)))")


def test_keras3_build_leaves_the_layers_unbuilt(keras, tmp_path):
    path = tmp_path / "built.py"
    path.write_text(SOURCE)
    (model,) = record_keras(keras, path).models
    assert model.rows and all(row.trainable is None for row in model.rows if row.cls in ("Conv2D", "Dense"))
    assert model.total == 0


def test_kerascheck_reports_the_first_call_on_the_built_shape(keras, tmp_path, capsys):
    path, called = tmp_path / "built.py", tmp_path / "called.py"
    path.write_text(SOURCE)
    called.write_text(CALLED)
    recording = record_keras(keras, called)
    _, report = run_kerascheck(path, capsys)
    entry = file_report(report, path)
    assert compare(recording, entry, allowed_unknown=set(), compare_lines=True) == []
    assert entry["models"][0]["total_params"] == recording.models[0].total > 0


FIT = SOURCE.replace(
    "model.build((None, 28, 28, 1))",
    "model.compile(optimizer='adam', loss='mse'); model.fit(np.zeros((4, 28, 28, 1)), np.zeros((4, 10)), verbose=0)",
).replace("import keras\n", "import numpy as np\nimport keras\n")


def test_fit_on_arrays_builds_the_model_on_their_batches(keras, tmp_path, capsys):
    path = tmp_path / "fitted.py"
    path.write_text(FIT)
    recording = record_keras(keras, path)
    _, report = run_kerascheck(path, capsys)
    entry = file_report(report, path)
    assert compare(recording, entry, allowed_unknown=set(), compare_lines=True) == []
    assert entry["models"][0]["layers"][0]["output_shape"] == [None, 26, 26, 16]
