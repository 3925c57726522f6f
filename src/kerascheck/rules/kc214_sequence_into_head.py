"""KC214 sequence-into-head, one of kerascheck's rules:
A whole sequence (rank 3) reaches the classifier's output layer: it predicts per time step.
"""

from __future__ import annotations

from typing import Any, Iterator

from kerascheck.catalog import roles_of, type_of
from kerascheck.catalog.base import Role
from kerascheck.catalog.core import Dense, Embedding
from kerascheck.catalog.rnn import Bidirectional, TimeDistributed
from kerascheck.findings import Finding
from kerascheck.graph import Layer, Operation
from kerascheck.rules._heads import PROBABILITY, Head, describe, heads, one_target_per_example, rank, shape_text, target_shapes
from kerascheck.rules.base import Example, ModelView, Rule, RuleContext

IMPORT = "import keras\nfrom keras import layers\n"
STACKED = IMPORT + """\
m = keras.Sequential([
    keras.Input((100,)),
    layers.Embedding(20000, 128),
    layers.LSTM(64, return_sequences=True),
    layers.LSTM(64, return_sequences={last}),
    layers.Dense(1, activation='sigmoid'),
])
"""


class SequenceIntoHead(Rule):
    code = "KC214"
    name = "sequence-into-head"
    severity = "warning"
    summary = "A whole sequence (rank 3) reaches the classifier's output layer: it predicts per time step."
    docs = """\
## What it does
Finds classifiers (an output `Dense` ending in softmax or sigmoid) whose output
layer receives a sequence `(batch, steps, features)` — typically because the
last recurrent layer kept `return_sequences=True`, or because an `Embedding` or
`Conv1D` output was never pooled — so the model outputs one prediction per time
step, `(None, 100, 1)` instead of `(None, 1)`. The diagnostic points at the
recurrent layer that returns the sequence, or at the output layer when there is
none.

It stays quiet where per-step output is clearly intended: the output layer is
wrapped in `TimeDistributed`; the model has several inputs (an encoder-decoder);
the sequence is built on purpose from an image or a vector (`Reshape`,
`Permute`, `RepeatVector`... on the way, as in CTC text recognition); the output
predicts the next token over the whole vocabulary of the model's `Embedding` (a
language model); or the output is not a classifier.  Where `fit()` (or
`train_on_batch`) is given targets the file makes known with one value or
label per sequence, `(500, 1)`, none of these exemptions holds and any `Dense`
output is reported (wrapped in `TimeDistributed` too), a regression head too: Keras would broadcast `(500, 1)`
against `(None, 30, 1)` and train the wrong objective without a word.

## Why it matters
The model builds and summarises without complaint, then `fit` with one label
per sequence fails: "Arguments `target` and `output` must have the same rank
(ndim). Received: target.shape=(None,), output.shape=(None, 100, 1)". Labels
reshaped to fit make the model classify every prefix of the sequence instead.

## Example
```python
model = keras.Sequential([
    keras.Input((100,)),
    layers.Embedding(20000, 128),
    layers.LSTM(64, return_sequences=True),
    layers.LSTM(64, return_sequences=True),  # the last one should not
    layers.Dense(1, activation="sigmoid"),
])
```

## Fix
Set `return_sequences=False` on the last recurrent layer, or pool the steps
(`GlobalMaxPooling1D`, `GlobalAveragePooling1D`, `Flatten`). If one prediction
per step is what you want, wrap the output layer in `TimeDistributed` to make it
explicit.
"""
    valid = (
        Example(STACKED.format(last="False"), 0),
        Example(IMPORT + """\
m = keras.Sequential([
    keras.Input((100, 8)),
    layers.Bidirectional(layers.LSTM(32, return_sequences=True)),
    layers.TimeDistributed(layers.Dense(5, activation='softmax')),
])
""", 0),
        Example(IMPORT + """\
m = keras.Sequential([
    keras.Input((200,)), layers.Embedding(5000, 64), layers.Conv1D(32, 5, activation='relu'),
    layers.GlobalMaxPooling1D(), layers.Dense(1, activation='sigmoid'),
])
""", 0),
        # a language model: the next token, over the embedding's vocabulary
        Example(IMPORT + """\
m = keras.Sequential([
    keras.Input((40,)), layers.Embedding(65, 256), layers.GRU(1024, return_sequences=True),
    layers.Dense(65, activation='softmax'),
])
""", 0),
        # seq2seq training model: two inputs
        Example(IMPORT + """\
enc_in = keras.Input((None, 71))
_, h, c = layers.LSTM(256, return_state=True)(enc_in)
dec_in = keras.Input((None, 93))
seq = layers.LSTM(256, return_sequences=True)(dec_in, initial_state=[h, c])
m = keras.Model([enc_in, dec_in], layers.Dense(93, activation='softmax')(seq))
""", 0),
        # CTC speech recognition: a spectrogram turned into a sequence of frames
        Example(IMPORT + """\
spec = keras.Input((None, 193))
x = layers.Reshape((-1, 193, 1))(spec)
x = layers.Conv2D(32, (11, 41), strides=(2, 2), padding='same', activation='relu')(x)
x = layers.Reshape((-1, 97 * 32))(x)
x = layers.Bidirectional(layers.GRU(128, return_sequences=True))(x)
m = keras.Model(spec, layers.Dense(32, activation='softmax')(x))
""", 0),
        # sequence regression, not a classifier
        Example(IMPORT + "m = keras.Sequential([keras.Input((24, 3)), layers.GRU(16, return_sequences=True),"
                " layers.Dense(1)])\n", 0),
    )
    invalid = (
        Example(STACKED.format(last="True"), contains="lstm_1 (LSTM) returns its whole sequence"),
        # a regression head, reported because fit() is given one target per series
        Example(IMPORT + """import numpy as np
m = keras.Sequential([keras.Input((30, 4)), layers.GRU(16, return_sequences=True), layers.Dense(1)])
m.compile(optimizer='adam', loss='mse')
m.fit(np.random.rand(500, 30, 4), np.random.rand(500, 1))
""", contains="where fit() is given targets of shape (500, 1)"),
        # per step on purpose (TimeDistributed), but fit() is given one label per sequence
        Example(IMPORT + """import numpy as np
m = keras.Sequential([keras.Input((398, 40)), layers.LSTM(128, return_sequences=True),
                      layers.TimeDistributed(layers.Dense(11)), layers.Activation('softmax')])
m.compile(loss='categorical_crossentropy', optimizer='rmsprop')
m.fit(np.zeros((100, 398, 40)), np.zeros((100, 11)))
""", contains="lstm (LSTM) returns its whole sequence (return_sequences=True) into the output layer"
             " time_distributed (TimeDistributed), so the model outputs (None, 398, 11) instead of (None, 11)"),
        Example(IMPORT + """\
inp = keras.Input((50, 16))
x = layers.Bidirectional(layers.GRU(32, return_sequences=True))(inp)
x = layers.Dropout(0.3)(x)
x = layers.Dense(16, activation='relu')(x)
m = keras.Model(inp, layers.Dense(4, activation='softmax')(x))
""", contains="bidirectional (Bidirectional)"),
        Example(IMPORT + "from keras.models import Sequential\nfrom keras.layers import Embedding, Dense\n"
                "m = Sequential()\nm.add(Embedding(1000, 32, input_length=80))\n"
                "m.add(Dense(1, activation='sigmoid'))\n",
                contains="dense (Dense) is applied to a (None, 80, 32) sequence"),
        Example(IMPORT + "m = keras.Sequential([keras.Input((60, 1)), layers.SimpleRNN(8, return_sequences=True),"
                " layers.Dense(2), layers.Activation('softmax')])\n", contains="(None, 60, 2) instead of (None, 2)"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.models:
            view = ctx.view(model)
            if len(model.inputs) != 1 or rank(model.inputs[0].shape) not in (2, 3):
                continue
            targets = target_shapes(ctx, model)
            for head in heads(view):
                target = one_target_per_example(targets, head.shape)
                if _per_sequence_head(view, head, target):
                    yield self.report(view, head, target)

    def report(self, view: ModelView, head: Head, target: tuple[Any, ...] | None = None) -> Finding:
        layer = head.layer
        assert layer is not None  # _per_sequence_head() found it
        shape = head.shape
        intended = shape_text((shape[0], shape[-1]))
        steps = " one prediction per time step" if target is None else (
            f" one prediction per time step, where fit() is given targets of shape {shape_text(target)}")
        source = _sequence_source(view, layer)
        if source is not None:
            message = (f"{describe(source)} returns its whole sequence (return_sequences=True) into the output"
                       f" layer {describe(layer)}, so the model outputs {shape_text(shape)} instead of {intended}:"
                       + steps)
            return self.finding(source.source, message, fix=FIX)
        (feeding,) = view.input_shapes(layer)
        message = (f"{describe(layer)} is applied to a {shape_text(feeding)} sequence, so the model outputs"
                   f" {shape_text(shape)} instead of {intended}:" + steps)
        return self.finding(layer.source, message, fix=FIX)


FIX = ("set return_sequences=False on the last recurrent layer or pool the steps (GlobalMaxPooling1D);"
       " for one prediction per step, wrap the output layer in TimeDistributed")


def _per_sequence_head(view: ModelView, head: Head, target: tuple[Any, ...] | None) -> bool:
    """A classifier that predicts per time step; or any Dense head that does, where
    fit() is given one target per sequence (``target``)."""
    layer = head.layer
    if layer is None or not (isinstance(type_of(layer), Dense) or target is not None and _time_distributed_dense(layer)):
        return False
    feeding = view.input_shapes(layer)
    if rank(head.shape) != 3 or len(feeding) != 1 or rank(feeding[0]) != 3:
        return False
    if target is not None:
        return True  # the targets contradict a per-step output, whatever built the sequence
    if head.activation not in PROBABILITY:
        return False
    if head.units is None or head.units in _vocabularies(view):
        return False
    return not any(Role.BUILDS_SEQUENCES in roles_of(op) for op in _ancestors(view, layer))


def _time_distributed_dense(layer: Layer) -> bool:
    inner = layer.config.get("layer") if isinstance(type_of(layer), TimeDistributed) else None
    return isinstance(inner, Layer) and isinstance(type_of(inner), Dense)


def _ancestors(view: ModelView, op: Operation) -> list[Operation]:
    seen: dict[int, Operation] = {}
    stack = [op]
    while stack:
        for parent in view.predecessors(stack.pop()):
            if id(parent) not in seen:
                seen[id(parent)] = parent
                stack.append(parent)
    return list(seen.values())


def _vocabularies(view: ModelView) -> set[Any]:
    return {op.config.get("input_dim") for op in view.layers() if isinstance(type_of(op), Embedding)}


def _sequence_source(view: ModelView, layer: Layer) -> Operation | None:
    """The recurrent layer returning the sequence that reaches ``layer`` through per-step layers."""
    current: Operation = layer
    while True:
        parents = view.predecessors(current)
        if len(parents) != 1:
            return None
        current = parents[0]
        if _returns_sequences(current):
            return current
        if not (isinstance(current, Layer) and Role.PER_POSITION in roles_of(current)):
            return None


def _returns_sequences(op: Operation) -> bool:
    if not isinstance(op, Layer):
        return False
    inner = op.config.get("layer") if isinstance(type_of(op), Bidirectional) else op
    return isinstance(inner, Layer) and Role.RECURRENT in roles_of(inner) and inner.config.get("return_sequences") is True


RULE = SequenceIntoHead()
