"""KC208 on Keras's own ResNet: the waste real Keras shows (53 convolutions, 26,560 biases)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import libcst as cst
import pytest

from kerascheck.analysis import Options, interpret
from kerascheck.report import FileReport
from kerascheck.rules.base import RuleContext
from kerascheck.rules.kc208_bias_before_batchnorm import RULE


def keras_application(name: str) -> Path:
    spec = importlib.util.find_spec("keras")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("Keras is not installed")
    return Path(spec.submodule_search_locations[0]) / "src" / "applications" / f"{name}.py"


def test_resnet50_biases_cancelled_by_batchnorm():
    path = keras_application("resnet")
    api = interpret(cst.parse_module(path.read_text()), Options(), FileReport(str(path)), [])
    (model,) = [m for m in api.models if m.name == "resnet50"]
    found = list(RULE.check(RuleContext(str(path), [model], api.facts, {})))
    wasted = sum(int(re.search(r"its ([\d,]+) bias", d.message).group(1).replace(",", "")) for d in found)
    # keras.applications.ResNet50(weights=None): 53 Conv2D layers with a bias feed only a BatchNormalization
    assert (len(found), wasted) == (53, 26_560)
