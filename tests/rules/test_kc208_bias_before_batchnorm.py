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

#: keras.applications.ResNet50(weights=None): 53 Conv2D layers with a bias feed only a
#: BatchNormalization, 26,560 biases in all (counted on real Keras by the last test)
RESNET50_WASTE = (53, 26_560)


def keras_application(name: str) -> Path:
    spec = importlib.util.find_spec("keras")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("Keras is not installed")
    return Path(spec.submodule_search_locations[0]) / "src" / "applications" / f"{name}.py"


def test_resnet50_biases_cancelled_by_batchnorm():
    path = keras_application("resnet")
    keras = interpret(cst.parse_module(path.read_text()), Options(), FileReport(str(path)), [])
    (model,) = [m for m in keras.models if m.name == "resnet50"]
    found = list(RULE.check(RuleContext(str(path), [model], keras.session.facts, {})))
    wasted = sum(int(re.search(r"its ([\d,]+) bias", d.message).group(1).replace(",", "")) for d in found)
    assert (len(found), wasted) == RESNET50_WASTE


@pytest.mark.slow  # builds ResNet50 with Keras: seconds
def test_the_expected_counts_are_what_keras_builds(keras):
    """RESNET50_WASTE, counted on ``keras.applications.ResNet50(weights=None)``."""
    import math

    model = keras.applications.ResNet50(weights=None)
    fed_to_batchnorm = [
        layer
        for layer in model.layers
        if isinstance(layer, keras.layers.Conv2D)
        and layer.use_bias
        and layer._outbound_nodes
        and all(isinstance(node.operation, keras.layers.BatchNormalization) for node in layer._outbound_nodes)
    ]
    wasted = sum(math.prod(layer.bias.shape) for layer in fed_to_batchnorm)
    assert (len(fed_to_batchnorm), wasted) == RESNET50_WASTE
    keras.backend.clear_session()
