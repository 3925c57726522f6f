"""kerascheck on the installed ``keras/src/applications/*.py``: all 40 models.

The files are read from site-packages at test time (never copied here).  They
define the public constructors (``ResNet50()``...) and never call them, so
kerascheck reports each constructor once with its default arguments.  Real
Keras builds ``keras.applications.NAME()`` with the same defaults, its weights
download refused (it comes after the model is built): that is
``NAME(weights=None)`` plus, for EfficientNetB0-B7 only, the weightless
``Rescaling`` that ``weights="imagenet"`` adds — same totals.  Each model is
compared layer by layer (class, name, constructor line, output shape,
trainable and non-trainable counts) and by its totals.
"""

from __future__ import annotations

import gc
import importlib.util
from pathlib import Path

import pytest

from oracle_lib import ReportError, compare, file_report, record_keras, run_kerascheck

#: forty real architectures built with Keras, and kerascheck on fifteen large files:
#: about two minutes all together
pytestmark = pytest.mark.slow

#: each application file and the public constructors it defines
APPLICATIONS = {
    "vgg16": ["VGG16"],
    "vgg19": ["VGG19"],
    "resnet": ["ResNet50", "ResNet101", "ResNet152"],
    "resnet_v2": ["ResNet50V2", "ResNet101V2", "ResNet152V2"],
    "inception_v3": ["InceptionV3"],
    "inception_resnet_v2": ["InceptionResNetV2"],
    "xception": ["Xception"],
    "mobilenet": ["MobileNet"],
    "mobilenet_v2": ["MobileNetV2"],
    "mobilenet_v3": ["MobileNetV3Small", "MobileNetV3Large"],
    "densenet": ["DenseNet121", "DenseNet169", "DenseNet201"],
    "nasnet": ["NASNetMobile", "NASNetLarge"],
    "efficientnet": [f"EfficientNetB{i}" for i in range(8)],
    "efficientnet_v2": [f"EfficientNetV2{s}" for s in ("B0", "B1", "B2", "B3", "S", "M", "L")],
    "convnext": [f"ConvNeXt{s}" for s in ("Tiny", "Small", "Base", "Large", "XLarge")],
}
#: files whose models are built by a function of another application file
SIBLINGS = {"resnet_v2": ["resnet"]}

CASES = [pytest.param(stem, builder, id=builder) for stem, builders in APPLICATIONS.items() for builder in builders]
_REPORTS: dict[str, dict] = {}


def application_file(name: str) -> Path:
    spec = importlib.util.find_spec("keras")
    root = Path(list(spec.submodule_search_locations)[0])
    return root / "src" / "applications" / f"{name}.py"


def kerascheck_entry(stem: str, capsys) -> dict:
    """kerascheck's report of one application file, computed once per session."""
    if stem not in _REPORTS:
        path = application_file(stem)
        assert path.exists(), path
        try:
            _, report = run_kerascheck(path, capsys)
            _REPORTS[stem] = file_report(report, path)
        except ReportError as exc:
            pytest.fail(f"{path}: {exc}", pytrace=False)
    return _REPORTS[stem]


class _Download(Exception):
    """Keras asked for the pretrained weights: the model is complete."""


def build_with_defaults(keras, builder: str) -> None:
    from keras.src.utils import file_utils

    def refuse(*args, **kwargs):
        raise _Download()

    original, file_utils.get_file = file_utils.get_file, refuse
    try:
        getattr(keras.applications, builder)()
    except _Download:
        return
    finally:
        file_utils.get_file = original
    raise AssertionError(f"{builder}() built without asking for its weights")


def context(builder: str) -> str:
    return f"{builder}() with its default arguments"


def test_all_forty_models_are_listed(keras):
    assert len(CASES) == 40
    for stem, builders in APPLICATIONS.items():
        for builder in builders:
            assert getattr(keras.applications, builder).__module__ == f"keras.src.applications.{stem}"


@pytest.mark.parametrize("stem", list(APPLICATIONS))
def test_only_public_constructors_are_reported(stem, capsys):
    """Helpers (``ResNet()``, ``EfficientNet()``...) are reached through their callers."""
    entry = kerascheck_entry(stem, capsys)
    contexts = list(dict.fromkeys(m.get("context") for m in entry["models"]))
    assert contexts == [context(b) for b in APPLICATIONS[stem]]


@pytest.mark.parametrize("stem,builder", CASES)
def test_application_matches_keras(keras, capsys, stem, builder):
    path = application_file(stem)
    entry = kerascheck_entry(stem, capsys)
    models = [m for m in entry["models"] if m.get("context") == context(builder)]
    siblings = [application_file(s) for s in SIBLINGS.get(stem, ())]
    recording = record_keras(keras, path, run=lambda: build_with_defaults(keras, builder), siblings=siblings)
    gc.collect()
    assert recording.models, f"Keras's {builder} built no model in {path.name}"
    problems = compare(recording, {"models": models}, allowed_unknown=set(), compare_lines=True)
    if problems:
        pytest.fail(f"{path.name} {builder}: kerascheck disagrees with Keras 3\n\n" + "\n\n".join(problems), pytrace=False)
