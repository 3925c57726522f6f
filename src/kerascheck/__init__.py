"""kerascheck: a static linter for Keras model source."""

__version__ = "0.1.0"
