"""Chapter 7-3: training a neural network - loss curves, validation, dropout, saving, callbacks.

Course chapter 7-3, step by step:

1. ``fit`` returns a ``History``; its loss and accuracy per epoch are plotted.
2. With ``validation_data`` the validation loss is plotted too: when it starts rising while
   the training loss keeps falling, the network overfits.
3. ``optimizer='adam'`` and a ``Dropout(0.3)`` layer (which randomly switches off 30% of the
   hidden units during training) keep the two curves together longer.
4. ``save_weights('model.weights.h5')`` stores the weights only, ``save('model-whole.keras')``
   the whole model; ``load_weights`` into a new model of the same shape and
   ``keras.models.load_model`` bring them back (same validation accuracy).
5. ``ModelCheckpoint('best-model.keras', save_best_only=True)`` keeps the model of the best
   epoch; ``EarlyStopping(patience=2, restore_best_weights=True)`` stops when the validation
   loss has not improved for 2 epochs and puts the best weights back.

Data: Fashion-MNIST when its files are in the cache, otherwise the bundled 8x8 digits.

Run::

    python examples/chapter7_3_training_tricks.py [--data auto|fashion_mnist|digits]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import _course_common as common  # noqa: E402
import numnet as keras  # noqa: E402


def model_fn(image_shape, a_layer=None):
    """Flatten -> Dense(100, relu) -> [a_layer] -> Dense(10, softmax), as in the course."""
    model = keras.Sequential()
    model.add(keras.layers.Flatten(input_shape=image_shape))
    model.add(keras.layers.Dense(100, activation="relu"))
    if a_layer:
        model.add(a_layer)
    model.add(keras.layers.Dense(10, activation="softmax"))
    return model


def plot(history, out, filename, title, metrics=("loss",)):
    """Save the curves of ``history`` (training and, when present, validation)."""
    path = os.path.join(out, filename)
    common.close(keras.plot.plot_history(history, metrics=list(metrics), to_file=path,
                                         title=title))
    print(f"saved {path}")


def main(argv=None):
    """Walk through the chapter; figures and model files go into ``--out``."""
    args = common.parse_args(__doc__.splitlines()[0], argv, common.add_data_argument)
    keras.utils.set_random_seed(42)
    name, (train_input, train_target), _ = common.load_course_images(args.data, args.quick)
    image_shape = train_input.shape[1:]
    train_scaled = train_input / 255.0
    train_scaled, val_scaled, train_target, val_target = train_test_split(
        train_scaled, train_target, test_size=0.2, random_state=42)
    val = (val_scaled, val_target)
    epochs = 3 if args.quick else 20
    out = args.out
    results = {"data": name}

    print(f"\n1-2. Loss curves with validation ({epochs} epochs, rmsprop)")
    model = model_fn(image_shape)
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(train_scaled, train_target, epochs=epochs, verbose=0,
                        validation_data=val)
    plot(history, out, "chapter7_3_rmsprop.png", "rmsprop: training vs validation loss")

    print(f"\n3a. Adam ({epochs} epochs)")
    model = model_fn(image_shape)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(train_scaled, train_target, epochs=epochs, verbose=0,
                        validation_data=val)
    plot(history, out, "chapter7_3_adam.png", "adam")

    print(f"\n3b. Adam + Dropout(0.3) ({epochs} epochs)")
    model = model_fn(image_shape, keras.layers.Dropout(0.3))
    model.summary()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(train_scaled, train_target, epochs=epochs, verbose=0,
                        validation_data=val)
    plot(history, out, "chapter7_3_dropout.png", "adam + dropout 0.3")

    print("\n4. Saving and loading")
    weights_path = os.path.join(out, "model.weights.h5")
    whole_path = os.path.join(out, "model-whole.keras")
    model.save_weights(weights_path)
    model.save(whole_path)
    model = model_fn(image_shape, keras.layers.Dropout(0.3))
    model.load_weights(weights_path)
    val_labels = np.argmax(model.predict(val_scaled, verbose=0), axis=-1)
    results["loaded_weights_accuracy"] = float(np.mean(val_labels == val_target))
    print(f"load_weights -> validation accuracy {results['loaded_weights_accuracy']:.4f}")
    model = keras.models.load_model(whole_path)
    loss, accuracy = model.evaluate(val_scaled, val_target, verbose=0)
    print(f"load_model   -> validation accuracy {accuracy:.4f}")

    print("\n5. ModelCheckpoint and EarlyStopping")
    best_path = os.path.join(out, "best-model.keras")
    model = model_fn(image_shape, keras.layers.Dropout(0.3))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    checkpoint_cb = keras.callbacks.ModelCheckpoint(best_path, save_best_only=True)
    early_stopping_cb = keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    history = model.fit(train_scaled, train_target, epochs=5 if args.quick else 100,
                        verbose=0, validation_data=val,
                        callbacks=[checkpoint_cb, early_stopping_cb])
    print(f"stopped at epoch {early_stopping_cb.stopped_epoch} (0-based; 0 = did not stop "
          f"early), best epoch {early_stopping_cb.best_epoch}")
    plot(history, out, "chapter7_3_early_stopping.png", "early stopping (patience=2)")
    loss, accuracy = model.evaluate(val_scaled, val_target, verbose=0)
    best = keras.models.load_model(best_path)
    best_loss, best_accuracy = best.evaluate(val_scaled, val_target, verbose=0)
    print(f"restored best weights: val_loss {loss:.4f}, val_accuracy {accuracy:.4f}")
    print(f"best-model.keras:      val_loss {best_loss:.4f}, val_accuracy {best_accuracy:.4f}")
    results.update(val_accuracy=accuracy, stopped_epoch=early_stopping_cb.stopped_epoch)
    return results


if __name__ == "__main__":
    main()
