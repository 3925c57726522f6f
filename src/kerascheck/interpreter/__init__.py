"""The Python interpreter: runs model source on abstract values, without executing it.

It knows Python only (``statements``, ``expressions``, ``calls``, ``values``,
``builtins``, ``modules``); the libraries the source calls (Keras, NumPy,
TensorFlow) answer through the ``library`` seam.  ``engine.Interpreter`` puts
the parts together.
"""
