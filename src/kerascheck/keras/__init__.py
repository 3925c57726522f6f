"""Keras as the interpreter sees it: what Keras does when model code calls it.

``library.KerasLibrary`` is the interpreter's ``Library`` for Keras: it
answers calls of ``keras.*`` names and the operations on Keras's objects
(layers, tensors, models) by building the model graph (``kerascheck.graph``)
from the layer catalog (``kerascheck.catalog``).  ``session`` holds one
analysis's Keras state and the graph-building primitives; ``custom_layers``
and ``subclassed_models`` interpret the source's subclasses of Keras classes;
``masking``, ``internals`` (Keras's own helper functions) and ``datasets``
(``keras.datasets`` and the data utilities) model the rest.
"""
