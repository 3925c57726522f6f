"""``keras.applications`` constructors in user code run Keras's own source
(``keras/applications.py``); the numbers themselves are checked against Keras by
``fixtures/constructs/applications_transfer.py``."""

from __future__ import annotations

from collections import Counter

import pytest

from helpers import analyze
from kerascheck.keras import applications

needs_keras = pytest.mark.skipif(applications.keras_root() is None, reason="Keras 3 is not installed")


def models_by_name(source: str) -> dict[str, dict]:
    return {m["name"]: m for m in analyze(source)["models"]}


@needs_keras
def test_every_public_spelling_names_its_source():
    found = applications.constructors()
    assert found["keras.applications.ResNet50"] == found["keras.applications.resnet50.ResNet50"]
    assert found["keras.applications.ResNet50"].module == "keras.src.applications.resnet"
    # a constructor exported on two lines, in parentheses
    assert found["keras.applications.InceptionResNetV2"].name == "InceptionResNetV2"
    assert len([name for name in found if name.count(".") == 2]) == 40
    assert not any(name.endswith("preprocess_input") for name in found)


@needs_keras
def test_weights_change_nothing_but_what_keras_source_adds():
    source = """
        from tensorflow.keras.applications import EfficientNetB0, VGG16
        VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
        VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
        EfficientNetB0(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
        EfficientNetB0(weights=None, include_top=False, input_shape=(32, 32, 3))
    """
    vgg_imagenet, vgg_none, eff_imagenet, eff_none = analyze(source)["models"]
    assert vgg_imagenet["total_params"] == vgg_none["total_params"] == 14_714_688
    assert [r["name"] for r in vgg_imagenet["layers"]] == [r["name"] for r in vgg_none["layers"]]
    classes = Counter(r["class"] for r in eff_imagenet["layers"])
    classes.subtract(r["class"] for r in eff_none["layers"])
    assert +classes == Counter(Rescaling=1)  # ImageNet weights expect a normalised input
    assert eff_imagenet["total_params"] == eff_none["total_params"]


@needs_keras
def test_a_base_on_the_models_input_joins_the_model():
    model = models_by_name("""
        import keras
        inputs = keras.Input((64, 64, 3))
        base = keras.applications.resnet50.ResNet50(include_top=False, weights=None, input_tensor=inputs)
        x = keras.layers.GlobalAveragePooling2D()(base.get_layer("conv3_block4_out").output)
        model = keras.Model(inputs, keras.layers.Dense(2)(x), name="head")
    """)["head"]
    names = [row["name"] for row in model["layers"]]
    assert names[:2] == ["conv1_pad", "conv1_conv"] and names[-2:] == ["global_average_pooling2d", "dense"]
    assert "conv4_block1_out" not in names  # only what leads to the output
    assert model["layers"][-1]["params"] == 512 * 2 + 2


@needs_keras
def test_keras_2_names_of_layers_keras_3_renamed():
    model = models_by_name("""
        from tensorflow.keras.layers import Input, Concatenate, UpSampling2D
        from tensorflow.keras.models import Model
        from tensorflow.keras.applications import DenseNet121
        inputs = Input((64, 64, 3))
        encoder = DenseNet121(include_top=False, weights=None, input_tensor=inputs)
        s1 = encoder.get_layer("input_1").output      # Keras 2's first auto-named Input
        s2 = encoder.get_layer("conv1/relu").output   # Keras 2's DenseNet name; Keras 3 refuses "/"
        x = Concatenate()([UpSampling2D()(s2), s1])
        model = Model(inputs, x, name="skips")
    """)["skips"]
    assert model["layers"][-1]["output_shape"] == [None, 64, 64, 67]


def test_without_keras_the_base_is_unknown_and_says_why(monkeypatch):
    monkeypatch.setattr(applications, "constructors", dict)
    monkeypatch.setattr(applications, "keras_root", lambda: None)
    report = analyze("""
        import keras
        base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
        other = keras.applications.ResNet50(weights=None)
        inputs = keras.Input((32, 32, 3))
        model = keras.Model(inputs, keras.layers.Dense(2)(base(inputs)))
    """)
    [model] = report["models"]
    assert model["total_params"] is None
    [note] = [d for d in report["diagnostics"] if d["code"] == "KC002"]  # said once
    assert note["line"] == 3 and applications.MISSING_KERAS in note["message"]


@needs_keras
def test_design_findings_are_the_files_not_those_of_keras_own_base():
    """KC208 (ResNet50's biases before BatchNormalization) and KC202 (VGG16's fc1)
    are Keras's design, not the file's: only the file's own layers are judged."""
    from kerascheck.rules.selection import rules_for

    report = analyze("""
        import keras
        from keras.applications import ResNet50, VGG16
        VGG16(weights=None)
        base = ResNet50(weights=None, include_top=False, input_shape=(64, 64, 3))
        outputs = keras.layers.Dense(10, activation="softmax")(base.output)
        model = keras.Model(base.input, outputs)
    """, rules=rules_for("check"))
    assert [(d["code"], d["line"]) for d in report["diagnostics"]] == [("KC205", 6)]


@needs_keras
def test_design_findings_of_a_base_a_module_of_the_project_makes_are_keras_own(tmp_path):
    """The same when a helper module makes the base: its own layers are judged, at
    their lines there, and the base's are not."""
    from kerascheck.analysis import Options, analyze_source
    from kerascheck.rules.selection import rules_for

    (tmp_path / "builder.py").write_text(
        "import keras\n\n\ndef build():\n"
        "    base = keras.applications.VGG16(weights=None)\n"
        "    model = keras.Model(base.input, keras.layers.Dense(3, activation='softmax')(base.output))\n"
        "    model.compile(optimizer='adam', loss='binary_crossentropy')\n"
        "    return model\n"
    )
    main = "from builder import build\n\nmodel = build()\n"
    (tmp_path / "main.py").write_text(main)
    report = analyze_source(main, str(tmp_path / "main.py"), Options(rules=rules_for("check")))
    assert [(d.code, d.path, d.span.line) for d in report.diagnostics] == [("KC210", str(tmp_path / "builder.py"), 6)]
