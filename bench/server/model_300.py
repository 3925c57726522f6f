"""A 300-line training script, the size of a typical model file, for the
language server's latency benchmark (bench/server/latency.py).

Four models: a Sequential baseline, a small residual network, a text
classifier and a convolutional autoencoder, with the helpers, constants and
training code a real script has around them.
"""

import numpy as np
import keras
from keras import layers

# ---------------------------------------------------------------- settings
IMAGE_SIZE = 64
CHANNELS = 3
NUM_CLASSES = 12
VOCABULARY = 20_000
SEQUENCE_LENGTH = 200
EMBEDDING_DIM = 128
BATCH_SIZE = 32
EPOCHS = 3
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 1e-4
DROPOUT = 0.3
LATENT_DIM = 64
SEED = 1234


def make_images(count):
    """Random images and labels, standing in for a real data set."""
    rng = np.random.default_rng(SEED)
    images = rng.random((count, IMAGE_SIZE, IMAGE_SIZE, CHANNELS), dtype=np.float32)
    labels = rng.integers(0, NUM_CLASSES, size=(count,))
    return images, labels


def make_texts(count):
    """Random token sequences and binary labels."""
    rng = np.random.default_rng(SEED + 1)
    tokens = rng.integers(1, VOCABULARY, size=(count, SEQUENCE_LENGTH))
    labels = rng.integers(0, 2, size=(count,))
    return tokens, labels


# ---------------------------------------------------------------- baseline
def build_baseline():
    """A plain Sequential CNN: the number to beat."""
    model = keras.Sequential(name="baseline")
    model.add(keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, CHANNELS)))
    model.add(layers.Conv2D(32, 3, padding="same", activation="relu"))
    model.add(layers.Conv2D(32, 3, padding="same", activation="relu"))
    model.add(layers.MaxPooling2D(2))
    model.add(layers.Conv2D(64, 3, padding="same", activation="relu"))
    model.add(layers.Conv2D(64, 3, padding="same", activation="relu"))
    model.add(layers.MaxPooling2D(2))
    model.add(layers.Conv2D(128, 3, padding="same", activation="relu"))
    model.add(layers.MaxPooling2D(2))
    model.add(layers.Flatten())
    model.add(layers.Dense(256, activation="relu"))
    model.add(layers.Dropout(DROPOUT))
    model.add(layers.Dense(NUM_CLASSES, activation="softmax"))
    return model


# ---------------------------------------------------------------- residual network
def conv_bn_relu(x, filters, kernel_size=3, strides=1):
    """Convolution, batch normalization and ReLU."""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)


def residual_block(x, filters, strides=1):
    """Two 3x3 convolutions with a shortcut; a 1x1 projection when the shape changes."""
    shortcut = x
    y = conv_bn_relu(x, filters, strides=strides)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    if strides != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=strides, use_bias=False)(x)
        shortcut = layers.BatchNormalization()(shortcut)
    y = layers.Add()([y, shortcut])
    return layers.Activation("relu")(y)


def build_resnet(widths=(32, 64, 128), blocks_per_stage=2):
    """A small ResNet: a stem, three stages, global pooling and a classifier."""
    inputs = keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, CHANNELS), name="image")
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = conv_bn_relu(x, widths[0], kernel_size=5, strides=2)
    for stage, filters in enumerate(widths):
        for block in range(blocks_per_stage):
            strides = 2 if block == 0 and stage > 0 else 1
            x = residual_block(x, filters, strides=strides)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(DROPOUT)(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="resnet_small")


# ---------------------------------------------------------------- text classifier
def build_text_model():
    """Embedding, a bidirectional LSTM and attention-like pooling."""
    tokens = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int32", name="tokens")
    x = layers.Embedding(VOCABULARY, EMBEDDING_DIM, mask_zero=True)(tokens)
    x = layers.SpatialDropout1D(0.2)(x)
    x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
    x = layers.Conv1D(64, 5, padding="valid", activation="relu")(x)
    maximum = layers.GlobalMaxPooling1D()(x)
    average = layers.GlobalAveragePooling1D()(x)
    x = layers.Concatenate()([maximum, average])
    x = layers.Dense(64, activation="relu")(x)
    x = layers.Dropout(DROPOUT)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(tokens, outputs, name="text_classifier")


# ---------------------------------------------------------------- autoencoder
def build_encoder():
    """Images down to a latent vector."""
    inputs = keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, CHANNELS))
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(inputs)
    x = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv2D(128, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Flatten()(x)
    latent = layers.Dense(LATENT_DIM, name="latent")(x)
    return keras.Model(inputs, latent, name="encoder")


def build_decoder():
    """A latent vector back up to an image."""
    latent = keras.Input(shape=(LATENT_DIM,))
    x = layers.Dense(8 * 8 * 128, activation="relu")(latent)
    x = layers.Reshape((8, 8, 128))(x)
    x = layers.Conv2DTranspose(128, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(x)
    outputs = layers.Conv2D(CHANNELS, 3, padding="same", activation="sigmoid")(x)
    return keras.Model(latent, outputs, name="decoder")


def build_autoencoder():
    """The encoder and decoder chained into one model."""
    encoder = build_encoder()
    decoder = build_decoder()
    inputs = keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, CHANNELS))
    outputs = decoder(encoder(inputs))
    return keras.Model(inputs, outputs, name="autoencoder")


# ---------------------------------------------------------------- augmentation and tabular head
def build_augmentation():
    """Random flips, rotations and zooms applied while training."""
    return keras.Sequential(
        [
            layers.RandomFlip("horizontal"),
            layers.RandomRotation(0.1),
            layers.RandomZoom(0.1),
            layers.RandomContrast(0.1),
        ],
        name="augmentation",
    )


def build_tabular(features=32, hidden=(128, 64, 32)):
    """A multilayer perceptron for tabular features, with batch normalization."""
    inputs = keras.Input(shape=(features,), name="features")
    x = layers.BatchNormalization()(inputs)
    for units in hidden:
        x = layers.Dense(units, use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.Dropout(DROPOUT)(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="tabular")


def build_augmented_baseline():
    """The baseline behind the augmentation layers."""
    inputs = keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, CHANNELS))
    x = build_augmentation()(inputs)
    outputs = build_baseline()(x)
    return keras.Model(inputs, outputs, name="augmented_baseline")


# ---------------------------------------------------------------- training
def compile_classifier(model):
    """Adam with weight decay and sparse categorical cross-entropy."""
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=LEARNING_RATE, weight_decay=WEIGHT_DECAY),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def compile_text_model(model):
    """Binary cross-entropy for the text classifier."""
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def compile_autoencoder(model):
    """Mean squared error between the image and its reconstruction."""
    model.compile(optimizer="adam", loss="mse")
    return model


def callbacks(name):
    """Early stopping and a learning-rate schedule on the validation loss."""
    return [
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2),
        keras.callbacks.CSVLogger(f"{name}.csv"),
    ]


def train_images(model, images, labels):
    """Fit an image classifier with a validation split."""
    return model.fit(
        images,
        labels,
        batch_size=BATCH_SIZE,
        epochs=EPOCHS,
        validation_split=0.2,
        callbacks=callbacks(model.name),
        verbose=2,
    )


def train_texts(model, tokens, labels):
    """Fit the text classifier."""
    return model.fit(
        tokens,
        labels,
        batch_size=BATCH_SIZE,
        epochs=EPOCHS,
        validation_split=0.2,
        callbacks=callbacks(model.name),
        verbose=2,
    )


def train_autoencoder(model, images):
    """Fit the autoencoder on the images alone."""
    return model.fit(
        images,
        images,
        batch_size=BATCH_SIZE,
        epochs=EPOCHS,
        validation_split=0.2,
        callbacks=callbacks(model.name),
        verbose=2,
    )


def evaluate(model, inputs, targets):
    """The loss and metrics on held-out data, printed."""
    results = model.evaluate(inputs, targets, batch_size=BATCH_SIZE, verbose=0)
    names = model.metrics_names
    for name, value in zip(names, np.atleast_1d(results)):
        print(f"{model.name}: {name} = {value:.4f}")
    return results


def report(models):
    """A summary of each model, with its parameter count."""
    for model in models:
        model.summary()
        print(f"{model.name}: {model.count_params():,} parameters")


# ---------------------------------------------------------------- main
baseline = compile_classifier(build_baseline())
resnet = compile_classifier(build_resnet())
text_model = compile_text_model(build_text_model())
autoencoder = compile_autoencoder(build_autoencoder())
tabular = compile_classifier(build_tabular())
augmented = compile_classifier(build_augmented_baseline())


def main():
    """Train and evaluate every model on the stand-in data."""
    images, labels = make_images(512)
    tokens, text_labels = make_texts(512)
    report([baseline, resnet, text_model, autoencoder])
    train_images(baseline, images, labels)
    train_images(resnet, images, labels)
    train_texts(text_model, tokens, text_labels)
    train_autoencoder(autoencoder, images)
    test_images, test_labels = make_images(128)
    test_tokens, test_text_labels = make_texts(128)
    evaluate(baseline, test_images, test_labels)
    evaluate(resnet, test_images, test_labels)
    evaluate(text_model, test_tokens, test_text_labels)
    evaluate(autoencoder, test_images, test_images)


if __name__ == "__main__":
    main()
