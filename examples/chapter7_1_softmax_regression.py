"""Chapter 7-1: an artificial neural network with one Dense layer (softmax regression).

Course chapter 7-1 (the first Keras model): every image is flattened into one row of pixels,
scaled to 0..1, and a single ``Dense(10, activation='softmax')`` layer maps it to the
probabilities of the 10 classes. Trained with ``sparse_categorical_crossentropy`` (integer
labels), this is multinomial logistic regression written as a neural network. Each class's
column of the weight matrix, drawn as an image, shows the pixel template that class looks for.

Data: Fashion-MNIST when its files are in the cache (as the course uses), otherwise the
bundled 8x8 digits, so the script always runs offline.

Run::

    python examples/chapter7_1_softmax_regression.py [--data auto|fashion_mnist|digits]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sklearn.model_selection import train_test_split  # noqa: E402

import _course_common as common  # noqa: E402
import numnet as keras  # noqa: E402


def plot_samples(images, labels, out):
    """The first ten training images with their labels."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 10, figsize=(10, 1.4))
    for ax, image, label in zip(axes, images, labels):
        ax.imshow(image, cmap="gray_r")
        ax.set_title(str(label))
        ax.axis("off")
    return common.save(fig, out, "chapter7_1_samples.png")


def plot_class_weights(kernel, image_shape, out):
    """Each class's weights as an image: red pixels raise the class score, blue lower it."""
    import matplotlib.pyplot as plt

    limit = abs(kernel).max()
    fig, axes = plt.subplots(1, kernel.shape[1], figsize=(10, 1.4))
    for c, ax in enumerate(axes):
        ax.imshow(kernel[:, c].reshape(image_shape), cmap="bwr", vmin=-limit, vmax=limit)
        ax.set_title(f"class {c}")
        ax.axis("off")
    return common.save(fig, out, "chapter7_1_weights.png")


def main(argv=None):
    """Train softmax regression, evaluate it on the validation set, save the figures."""
    args = common.parse_args(__doc__.splitlines()[0], argv, common.add_data_argument)
    keras.utils.set_random_seed(42)
    name, (train_input, train_target), _ = common.load_course_images(args.data, args.quick)
    image_shape = train_input.shape[1:]
    plot_samples(train_input[:10], train_target[:10], args.out)

    train_scaled = train_input / 255.0
    train_scaled = train_scaled.reshape(-1, image_shape[0] * image_shape[1])
    train_scaled, val_scaled, train_target, val_target = train_test_split(
        train_scaled, train_target, test_size=0.2, random_state=42)
    print("training data:", train_scaled.shape, "validation data:", val_scaled.shape)

    dense = keras.layers.Dense(10, activation="softmax", input_shape=(train_scaled.shape[1],))
    model = keras.Sequential(dense)
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    epochs = 2 if args.quick else (5 if name == "fashion_mnist" else 40)
    model.fit(train_scaled, train_target, epochs=epochs)
    loss, accuracy = model.evaluate(val_scaled, val_target)
    print(f"validation loss {loss:.4f}, validation accuracy {accuracy:.4f}")

    plot_class_weights(dense.kernel.numpy(), image_shape, args.out)
    return {"data": name, "val_accuracy": accuracy}


if __name__ == "__main__":
    main()
