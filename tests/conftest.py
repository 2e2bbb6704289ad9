"""Shared fixtures: every test starts with fresh names, float32 and a fixed seed."""
import matplotlib
import pytest

matplotlib.use("Agg")

import numnet  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_state():
    numnet.backend.clear_session()
    numnet.config.set_floatx("float32")
    numnet.utils.set_random_seed(1234)
    yield
    numnet.config.set_floatx("float32")
