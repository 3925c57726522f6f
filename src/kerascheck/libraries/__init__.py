"""Libraries other than Keras that model code calls, as the interpreter models them:
NumPy arrays (``numpy_arrays``, ``numpy_library``) and TensorFlow functions
(``tensorflow_ops``, ``tensorflow_library``)."""
