"""optimizers.get / serialize / deserialize: names, instances, configs and errors."""
import pytest

from numnet import optimizers
from numnet.optimizers import (SGD, Adadelta, Adagrad, Adam, Adamax, AdamW, Nadam, RMSprop,
                               schedules)

CLASSES = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad, "adamw": AdamW,
           "nadam": Nadam, "adamax": Adamax, "adadelta": Adadelta}


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_get_by_name_with_keras_defaults(name):
    for spelling in (name, name.upper(), CLASSES[name].__name__):
        opt = optimizers.get(spelling)
        assert type(opt) is CLASSES[name]
        assert opt.get_config() == {**CLASSES[name]().get_config(), "name": opt.name}


def test_keras_default_learning_rates():
    rates = {name: optimizers.get(name).learning_rate for name in CLASSES}
    assert rates == {"sgd": 0.01, "adam": 0.001, "rmsprop": 0.001, "adagrad": 0.001,
                     "adamw": 0.001, "nadam": 0.001, "adamax": 0.001, "adadelta": 0.001}


def test_get_instance_none_and_dict():
    opt = Adam(learning_rate=0.01)
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None
    clone = optimizers.get({"class_name": "Adam", "config": {"learning_rate": 0.05}})
    assert type(clone) is Adam and clone.learning_rate == 0.05


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_serialize_round_trip(name):
    opt = CLASSES[name](learning_rate=0.02, clipnorm=1.0, name="opt")
    config = optimizers.serialize(opt)
    assert config["module"] == "keras.optimizers" and config["registered_name"] is None
    assert config["class_name"] == CLASSES[name].__name__
    clone = optimizers.deserialize(config)
    assert type(clone) is type(opt) and clone.get_config() == opt.get_config()


def test_round_trip_with_schedule():
    opt = SGD(learning_rate=schedules.PolynomialDecay(0.1, 100), momentum=0.9)
    config = optimizers.serialize(opt)
    assert config["config"]["learning_rate"]["class_name"] == "PolynomialDecay"
    clone = optimizers.deserialize(config)
    assert isinstance(clone._learning_rate, schedules.PolynomialDecay)
    assert clone.get_config() == opt.get_config()


def test_deserialize_config_written_by_keras():
    # optimizers.serialize(Adam()) in Keras 3.15.1 with the torch backend
    keras_config = {
        "module": "keras.src.backend.torch.optimizers.torch_adam", "class_name": "Adam",
        "config": {"name": "adam", "learning_rate": 0.0010000000474974513,
                   "weight_decay": None, "clipnorm": None, "global_clipnorm": None,
                   "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
                   "ema_overwrite_frequency": None, "loss_scale_factor": None,
                   "gradient_accumulation_steps": None, "beta_1": 0.9, "beta_2": 0.999,
                   "epsilon": 1e-07, "amsgrad": False},
        "registered_name": "Adam"}
    opt = optimizers.deserialize(keras_config)
    assert type(opt) is Adam and opt.get_config() == keras_config["config"]


def test_unknown_name():
    with pytest.raises(ValueError, match=r"Unknown optimizer 'adm'. Choose one of: adadelta, "
                                         r"adagrad, adam, adamax, adamw, nadam, rmsprop, sgd "
                                         r"\(did you mean 'adam'\?\)"):
        optimizers.get("adm")
    with pytest.raises(ValueError, match="Unknown optimizer 'Ftrl'"):
        optimizers.deserialize({"class_name": "Ftrl", "config": {}})


def test_uninterpretable_identifiers():
    with pytest.raises(TypeError, match=r"pass an instance such as Adam\(\)"):
        optimizers.get(Adam)
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier 3"):
        optimizers.get(3)
    with pytest.raises(TypeError, match="expected a dict with 'class_name'"):
        optimizers.deserialize("adam")
    with pytest.raises(TypeError, match="expected an optimizer"):
        optimizers.serialize("adam")


def test_unknown_key_in_config():
    with pytest.raises(TypeError, match=r"SGD got unexpected argument\(s\) \['momentun'\]"):
        optimizers.deserialize({"class_name": "SGD", "config": {"momentun": 0.9}})
