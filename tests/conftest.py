"""Shared test setup.  Real Keras (TensorFlow backend) is the oracle."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import pytest


@pytest.fixture(scope="session")
def keras():
    """The real Keras 3 package, imported once per test session."""
    import keras as real_keras

    return real_keras
