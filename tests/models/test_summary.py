"""summary(): the Keras 3 table, totals with sizes, Korean names aligned."""
import numnet as keras
from numnet.models.summary import display_width, summary_lines

# Printed by real Keras 3.15 (torch backend) with output not a terminal (76 columns).
KERAS_BOOK_SUMMARY = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ flatten (Flatten)               │ (None, 784)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 100)            │        78,500 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dropout (Dropout)               │ (None, 100)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │         1,010 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 79,510 (310.59 KB)
 Trainable params: 79,510 (310.59 KB)
 Non-trainable params: 0 (0.00 B)"""


def book_model(name=None):
    return keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(100, activation="relu"),
                             keras.layers.Dropout(0.3),
                             keras.layers.Dense(10, activation="softmax")], name=name)


def test_book_network_summary_matches_keras_text(capsys):
    book_model().summary(line_length=76)
    assert capsys.readouterr().out.rstrip("\n") == KERAS_BOOK_SUMMARY


def test_book_network_has_79510_params():
    assert book_model().count_params() == 79510


def test_korean_model_name_and_layer_names_align():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="은닉층")],
                             name="패션 MNIST 모델")
    lines = summary_lines(model, line_length=76)
    assert lines[0] == 'Model: "패션 MNIST 모델"'
    table = [line for line in lines if line[:1] in "┏┃┡│├└"]
    assert {display_width(line) for line in table} == {76}
    assert any("은닉층 (Dense)" in line for line in table)


def test_unbuilt_model_and_optimizer_params():
    model = keras.Sequential([keras.layers.Dense(10)])
    text = "\n".join(summary_lines(model, line_length=76))
    assert "?" in text and "0 (unbuilt)" in text
    model = book_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.train_on_batch([[[0] * 28] * 28] * 2, [1, 2])
    lines = summary_lines(model, line_length=76)
    # Keras: Adam's m and v for 79,510 weights, plus its iteration and learning rate.
    assert lines[-4] == " Total params: 238,532 (931.77 KB)"
    assert lines[-1] == " Optimizer params: 159,022 (621.18 KB)"


# Printed by real Keras 3.15 for a two-input functional model (76 columns).
KERAS_FUNCTIONAL_SUMMARY = """\
Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ a (InputLayer)      │ (None, 3)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ b (InputLayer)      │ (None, 2)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense (Dense)       │ (None, 4)         │         16 │ a[0][0]           │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_1 (Dense)     │ (None, 4)         │         12 │ b[0][0]           │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ concatenate         │ (None, 8)         │          0 │ dense[0][0],      │
│ (Concatenate)       │                   │            │ dense_1[0][0]     │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_2 (Dense)     │ (None, 2)         │         18 │ concatenate[0][0] │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 46 (184.00 B)
 Trainable params: 46 (184.00 B)
 Non-trainable params: 0 (0.00 B)"""


def test_functional_summary_with_connections_matches_keras(capsys):
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    ha, hb = keras.layers.Dense(4)(a), keras.layers.Dense(4)(b)
    out = keras.layers.Dense(2)(keras.layers.Concatenate()([ha, hb]))
    keras.Model([a, b], out).summary(line_length=76)
    assert capsys.readouterr().out.rstrip("\n") == KERAS_FUNCTIONAL_SUMMARY


def test_summary_column_widths_follow_keras_at_other_widths():
    # Keras 3 at a terminal of 92+ columns draws the book network 88 wide.
    lines = summary_lines(book_model(), line_length=88)
    assert lines[1] == "┏" + "━" * 38 + "┳" + "━" * 29 + "┳" + "━" * 17 + "┓"
