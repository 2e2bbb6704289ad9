"""The course networks that ``numnet train`` builds: the chapter-7 MLP and the chapter-8 CNN."""
import numnet

MODELS = ("mlp", "cnn")


def build_model(kind, input_shape, hidden=(100,), activation="relu", dropout=0.3,
                num_classes=10, binary=False):
    """Build the network ``kind`` for samples of ``input_shape``.

    - ``'mlp'`` (chapter 7): ``Flatten`` (for images), then for each entry of ``hidden`` a
      ``Dense(units, activation)`` followed by ``Dropout(dropout)``, then the output layer.
    - ``'cnn'`` (chapter 8): ``Conv2D(32, 3, padding='same')``, ``MaxPooling2D(2)``,
      ``Conv2D(64, 3, padding='same')``, ``MaxPooling2D(2)``, ``Flatten``, the hidden
      ``Dense`` / ``Dropout`` layers, then the output layer. ``input_shape`` must be
      ``(height, width, channels)``.

    The output is ``Dense(num_classes, 'softmax')``, or ``Dense(1, 'sigmoid')`` when ``binary``.

    Args:
        kind: ``'mlp'`` or ``'cnn'``.
        input_shape: one sample's shape, e.g. ``(8, 8)`` or ``(28, 28, 1)``.
        hidden: units of each hidden ``Dense`` layer, e.g. ``(100,)`` or ``(256, 128)``;
            empty for softmax regression (no hidden layer).
        activation: the hidden layers' activation (default ``'relu'``).
        dropout: the ``Dropout`` rate after each hidden layer; 0 for none (default 0.3).
        num_classes: classes of a softmax output (default 10).
        binary: one sigmoid unit instead of a softmax (default False).
    Returns:
        An uncompiled ``numnet.Sequential``.
    """
    layers = numnet.layers
    model = numnet.Sequential(name=f"numnet_{kind}")
    model.add(numnet.Input(shape=tuple(input_shape)))
    if kind == "cnn":
        model.add(layers.Conv2D(32, 3, padding="same", activation=activation))
        model.add(layers.MaxPooling2D(2))
        model.add(layers.Conv2D(64, 3, padding="same", activation=activation))
        model.add(layers.MaxPooling2D(2))
        model.add(layers.Flatten())
    elif kind == "mlp":
        if len(input_shape) > 1:
            model.add(layers.Flatten())
    else:
        raise ValueError(f"Unknown model {kind!r}. Choose one of: {', '.join(MODELS)}.")
    for units in hidden:
        model.add(layers.Dense(units, activation=activation))
        if dropout:
            model.add(layers.Dropout(dropout))
    if binary:
        model.add(layers.Dense(1, activation="sigmoid"))
    else:
        model.add(layers.Dense(num_classes, activation="softmax"))
    return model


def loss_for(binary):
    """The loss for integer labels: binary or sparse categorical cross-entropy."""
    return "binary_crossentropy" if binary else "sparse_categorical_crossentropy"
