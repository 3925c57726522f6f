"""``--input-shape NAME=SHAPE`` and ``input-shapes`` in config, against real Keras 3.

Each source leaves its input shape to its caller or to the data; Keras is run
on the same source with that shape written in (the oracle), kerascheck on the
source alone with the shape given by name.
"""

from __future__ import annotations

import json
import textwrap

import pytest

from kerascheck.cli import main
from oracle_lib import compare, file_report, record_keras

BUILDER = textwrap.dedent(
    """
    import keras
    from keras import layers


    def build_model(input_shape, num_classes=10):
        inputs = keras.Input(shape=input_shape)
        x = layers.Conv2D(16, 3, activation="relu")(inputs)
        x = layers.MaxPooling2D()(x)
        x = layers.Flatten()(x)
        return keras.Model(inputs, layers.Dense(num_classes, activation="softmax")(x), name="classifier")
    """
).lstrip()
SUBCLASSED = textwrap.dedent(
    """
    import keras
    from keras import layers


    class Regressor(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(32, activation="relu")
            self.out = layers.Dense(1)

        def call(self, x):
            return self.out(self.hidden(x))


    model = Regressor()
    model.compile(optimizer="adam", loss="mse")
    """
).lstrip()
SEQUENTIAL = textwrap.dedent(
    """
    import keras
    from keras import layers

    model = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(3)], name="mlp")
    """
).lstrip()


def kerascheck_json(capsys, *argv: str) -> dict:
    capsys.readouterr()
    code = main(["summary", "--output-format", "json", *argv])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


@pytest.mark.parametrize(
    ("source", "given", "keras_line"),
    [
        (BUILDER, "build_model=28,28,1", "model = build_model((28, 28, 1))"),
        (BUILDER, "build_model.input_shape=(32, 32, 3)", "model = build_model((32, 32, 3))"),
        (SUBCLASSED, "Regressor=13", "model(keras.Input(shape=(13,)))"),
        (SEQUENTIAL, "mlp=20", "model.build((None, 20))"),
    ],
    ids=["function", "function-parameter", "subclassed-class", "sequential-name"],
)
def test_a_given_input_shape_gives_what_keras_builds(keras, tmp_path, capsys, source, given, keras_line):
    path, oracle = tmp_path / "model.py", tmp_path / "oracle.py"
    path.write_text(source)
    oracle.write_text(source + keras_line + "\n")
    report = kerascheck_json(capsys, str(path), "--input-shape", given)
    entry = file_report(report, path)
    recording = record_keras(keras, oracle)
    assert compare(recording, entry, allowed_unknown=set(), compare_lines=False) == []
    assert entry["models"][0]["total_params"] is not None


def test_without_a_shape_the_same_sources_stay_unknown(tmp_path, capsys):
    for source in (BUILDER, SUBCLASSED, SEQUENTIAL):
        path = tmp_path / "model.py"
        path.write_text(source)
        (model,) = kerascheck_json(capsys, str(path))["files"][0]["models"]
        assert model["total_params"] is None


def test_the_shape_in_the_source_wins(tmp_path, capsys):
    path = tmp_path / "model.py"
    path.write_text(BUILDER + "model = build_model((8, 8, 1))\n")
    given = kerascheck_json(capsys, str(path), "--input-shape", "build_model=28,28,1")
    plain = kerascheck_json(capsys, str(path))
    assert given["files"][0]["models"] == plain["files"][0]["models"]


def test_input_shapes_in_the_configuration(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.kerascheck]\ninput-shapes = { build_model = [28, 28, 1] }\n')
    path = tmp_path / "model.py"
    path.write_text(BUILDER)
    configured = kerascheck_json(capsys, str(path))
    given = kerascheck_json(capsys, str(path), "--input-shape", "build_model=28,28,1")
    assert configured["files"][0]["models"] == given["files"][0]["models"]
    assert configured["files"][0]["models"][0]["total_params"] is not None


def test_a_name_that_matches_nothing_is_a_warning(tmp_path, capsys):
    path = tmp_path / "model.py"
    path.write_text(BUILDER)
    main(["summary", str(path), "--input-shape", "build_modle=28,28,1"])
    assert "--input-shape build_modle: matched no function or model" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["build_model", "build_model=", "build_model=28,x", "=28", "build_model=0,3"])
def test_a_malformed_input_shape_is_a_usage_error(tmp_path, capsys, bad):
    path = tmp_path / "model.py"
    path.write_text(BUILDER)
    assert main(["summary", str(path), "--input-shape", bad]) == 2
    assert "--input-shape" in capsys.readouterr().err
