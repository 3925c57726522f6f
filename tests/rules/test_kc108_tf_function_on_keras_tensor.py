"""KC108's premise, against real Keras 3: its invalid examples fail to run, its valid ones run."""

from __future__ import annotations

import pytest

from kerascheck.rules.kc108_tf_function_on_keras_tensor import RULE


@pytest.mark.parametrize("example", RULE.invalid, ids=lambda e: str(RULE.invalid.index(e)))
def test_keras_rejects_the_invalid_examples(keras, example):
    with pytest.raises(ValueError, match="KerasTensor cannot be used as input to a TensorFlow function"):
        exec(compile(example.source, "example.py", "exec"), {})


@pytest.mark.parametrize("example", RULE.valid, ids=lambda e: str(RULE.valid.index(e)))
def test_keras_runs_the_valid_examples(keras, example):
    exec(compile(example.source, "example.py", "exec"), {})
