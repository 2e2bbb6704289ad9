"""Chapter 8: a convolutional neural network, its filters and its feature maps.

Course chapters 8-2 and 8-3. Images get a channel axis (``(N, H, W)`` -> ``(N, H, W, 1)``)
and pass through two convolution blocks, ``Conv2D(32, 3, padding='same', relu)`` +
``MaxPooling2D(2)`` and ``Conv2D(64, 3, padding='same', relu)`` + ``MaxPooling2D(2)``, then
``Flatten``, ``Dense(100, relu)``, ``Dropout(0.4)`` and ``Dense(10, softmax)``. With 'same'
padding the 8x8 digits shrink 8 -> 4 -> 2 (28x28 Fashion-MNIST: 28 -> 14 -> 7).

Training uses ``ModelCheckpoint('best-cnn-model.keras', save_best_only=True)`` and
``EarlyStopping(patience=2, restore_best_weights=True)``. Then, as in chapter 8-3:

- the 32 filters of the first layer are drawn before and after training, with a histogram
  of their weights (training spreads them out);
- ``keras.Model(model.inputs, model.layers[0].output)`` is a model that outputs the first
  layer's activations: its 32 feature maps for one image show what each filter responds to;
  the same for the second convolution layer (64 maps of 4x4 for digits).

Data: the bundled 8x8 digits (default), or ``--data fashion_mnist`` (slower: 48,000 images).

Run::

    python examples/chapter8_cnn.py [--data digits|fashion_mnist|auto]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import _course_common as common  # noqa: E402
import numnet as keras  # noqa: E402


def cnn(image_shape):
    """The chapter-8 CNN for images of shape ``(height, width, 1)``."""
    model = keras.Sequential(name="chapter8_cnn")
    model.add(keras.layers.Conv2D(32, kernel_size=3, activation="relu", padding="same",
                                  input_shape=image_shape))
    model.add(keras.layers.MaxPooling2D(2))
    model.add(keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu", padding="same"))
    model.add(keras.layers.MaxPooling2D(2))
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(100, activation="relu"))
    model.add(keras.layers.Dropout(0.4))
    model.add(keras.layers.Dense(10, activation="softmax"))
    return model


def plot_prediction(image, probabilities, out):
    """One validation image and the probabilities the CNN gives to each class."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3))
    left.imshow(image[:, :, 0], cmap="gray_r")
    left.axis("off")
    right.bar(range(10), probabilities)
    right.set_xticks(range(10))
    right.set_xlabel("class")
    right.set_ylabel("probability")
    fig.tight_layout()
    return common.save(fig, out, "cnn_prediction.png")


def draw_filters_and_maps(model, untrained_kernel, image, out, most=64):
    """Filters before/after training, their weight histogram, feature maps of both layers
    (at most ``most`` panels per figure)."""
    plot = keras.plot
    conv1 = model.layers[0]
    trained_kernel = conv1.weights[0].numpy()
    print(f"first conv layer kernel {trained_kernel.shape}: mean {trained_kernel.mean():.4f}, "
          f"std {trained_kernel.std():.4f} (untrained std {untrained_kernel.std():.4f})")
    figures = {
        "cnn_filters.png": plot.plot_conv_kernels(conv1, vmax=0.5, max_filters=most),
        "cnn_filters_untrained.png": plot.plot_conv_kernels(untrained_kernel, vmax=0.5,
                                                            max_filters=most,
                                                            title="untrained kernels"),
        "cnn_weight_histogram.png": plot.plot_weight_histogram(
            {"untrained": untrained_kernel, "trained": trained_kernel}),
    }
    conv1_acti = keras.Model(model.inputs, model.layers[0].output)
    conv2_acti = keras.Model(model.inputs, model.layers[2].output)
    maps1 = conv1_acti.predict(image[None], verbose=0)
    maps2 = conv2_acti.predict(image[None], verbose=0)
    print(f"feature maps: first layer {maps1.shape[1:]}, second layer {maps2.shape[1:]}")
    figures["cnn_feature_maps_conv1.png"] = plot.plot_feature_maps(maps1, max_maps=most)
    figures["cnn_feature_maps_conv2.png"] = plot.plot_feature_maps(maps2, max_maps=most)
    for filename, fig in figures.items():
        common.save(fig, out, filename)


def main(argv=None):
    """Train the CNN, evaluate it, draw its filters and feature maps."""
    def add_arguments(parser):
        parser.add_argument("--data", choices=("digits", "fashion_mnist", "auto"),
                            default="digits", help="dataset (default: digits)")

    args = common.parse_args(__doc__.splitlines()[0], argv, add_arguments)
    keras.utils.set_random_seed(42)
    name, (train_input, train_target), (test_input, test_target) = \
        common.load_course_images(args.data, args.quick, quick_samples=300)
    train_scaled = train_input.reshape(-1, *train_input.shape[1:], 1) / 255.0
    test_scaled = test_input.reshape(-1, *test_input.shape[1:], 1) / 255.0
    train_scaled, val_scaled, train_target, val_target = train_test_split(
        train_scaled, train_target, test_size=0.2, random_state=42)

    model = cnn(train_scaled.shape[1:])
    model.summary()
    untrained_kernel = model.layers[0].weights[0].numpy()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    checkpoint_cb = keras.callbacks.ModelCheckpoint(
        os.path.join(args.out, "best-cnn-model.keras"), save_best_only=True)
    early_stopping_cb = keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    history = model.fit(train_scaled, train_target, epochs=2 if args.quick else 20,
                        validation_data=(val_scaled, val_target),
                        callbacks=[checkpoint_cb, early_stopping_cb],
                        verbose=2)
    path = os.path.join(args.out, "cnn_history.png")
    common.close(keras.plot.plot_history(history, to_file=path, title="chapter-8 CNN"))
    print(f"saved {path}")

    _, val_accuracy = model.evaluate(val_scaled, val_target, verbose=0)
    _, test_accuracy = model.evaluate(test_scaled, test_target, verbose=0)
    print(f"validation accuracy {val_accuracy:.4f}, test accuracy {test_accuracy:.4f}")
    probabilities = model.predict(val_scaled[0:1], verbose=0)[0]
    print(f"first validation image: predicted class {int(np.argmax(probabilities))}, "
          f"label {int(val_target[0])}")
    plot_prediction(val_scaled[0], probabilities, args.out)
    draw_filters_and_maps(model, untrained_kernel, val_scaled[0], args.out,
                          most=8 if args.quick else 64)
    return {"data": name, "val_accuracy": val_accuracy, "test_accuracy": test_accuracy}


if __name__ == "__main__":
    main()
