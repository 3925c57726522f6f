"""Core layers against real Keras: what Embedding's constructor rejects."""

from __future__ import annotations

import pytest

from oracle import check, check_invalid


@pytest.mark.parametrize("args", [(0, 8), (5, 0), (-1, 8), (5.0, 8), (True, 8)], ids=str)
def test_embedding_sizes_must_be_positive_integers(keras, args):
    error = check_invalid(keras, "Embedding", args, input_shape=(10,), code="KC105")
    assert "must be a positive integer" in str(error)


def test_embedding(keras):
    assert check(keras, "Embedding", (5, 8), input_shape=(10,)) == ((None, 10, 8), 40, 0)
