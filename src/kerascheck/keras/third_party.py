"""Third-party packages of Keras layers and models that users import next to Keras.

Where one is installed in the environment kerascheck runs in, its modules are
found on ``sys.path`` (never imported) and interpreted like the project's own:
``from tcn import TCN`` follows ``tcn/tcn.py``'s ``TCN`` class, a Keras ``Layer``
subclass, as if the project had written it.  Where it is not installed, what
it makes is unknown, and the row says which package would be needed.

The list is short on purpose: packages whose code builds Keras layers or
models from Keras's public API, so that the interpreter can follow them.
"""

from __future__ import annotations

#: top-level module: the distribution that installs it (its PyPI name)
PACKAGES: dict[str, str] = {
    "tcn": "keras-tcn",
    "attention": "attention (philipperemy/keras-attention)",
    "keras_self_attention": "keras-self-attention",
    "keras_multi_head": "keras-multi-head",
    "keras_pos_embd": "keras-pos-embd",
    "keras_layer_normalization": "keras-layer-normalization",
    "keras_position_wise_feed_forward": "keras-position-wise-feed-forward",
    "keras_transformer": "keras-transformer",
    "keras_contrib": "keras-contrib",
    "tensorflow_addons": "tensorflow-addons",
    "keras_unet": "keras-unet",
    "keras_unet_collection": "keras-unet-collection",
    "segmentation_models": "segmentation-models",
    "classification_models": "image-classifiers",
    "efficientnet": "efficientnet",
    "vit_keras": "vit-keras",
}
