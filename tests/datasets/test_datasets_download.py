"""Cache lookup, mirror fallback, SHA-256 checks, atomic writes and the offline error.

No test touches the network: non-``file://`` URLs hit a fake opener that fails like an
offline machine, and downloads come from ``file://`` mirrors in a temp folder.
"""
import dataclasses
import hashlib
import io
import os
import urllib.error
import urllib.request

import numpy as np
import pytest

from numnet.datasets import cache_status, download, fashion_mnist, format_cache_status, mnist
from numnet.datasets.download import DatasetUnavailableError, RemoteDataset, fetch
from numnet.datasets.idx import DatasetError, write_idx
from numnet.datasets.idx_dataset import MNIST_FILENAMES

_real_urlopen = urllib.request.urlopen


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """NUMNET_HOME in a temp folder; only file:// URLs can be opened."""
    home = tmp_path / "home"
    monkeypatch.setenv("NUMNET_HOME", str(home))
    calls = []

    def offline_urlopen(url, timeout=None):
        calls.append(url)
        if url.startswith("file://"):
            return _real_urlopen(url, timeout=timeout)
        raise urllib.error.URLError("network disabled in tests")

    monkeypatch.setattr(download, "_urlopen", offline_urlopen)
    return calls


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def _make_tiny_mnist(folder, n_train=6, n_test=4, labels_max=9, image_size=28):
    """Write the four IDX files of a tiny MNIST-like dataset; return name -> bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (n_train, image_size, image_size),
                                                   dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": np.arange(n_train, dtype=np.uint8) % (labels_max + 1),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (n_test, image_size, image_size),
                                                  dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": np.full(n_test, labels_max, dtype=np.uint8),
    }
    contents = {}
    for name, array in arrays.items():
        write_idx(str(folder / name), array)
        contents[name] = (folder / name).read_bytes()
    return arrays, contents


def _uri(folder):
    return folder.as_uri() + "/"


def test_default_home_is_dot_numnet(monkeypatch, tmp_path):
    monkeypatch.delenv("NUMNET_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert download.numnet_home() == os.path.join(str(tmp_path), ".numnet")
    assert download.dataset_dir("mnist") == os.path.join(str(tmp_path), ".numnet", "datasets",
                                                         "mnist")


def test_fetch_downloads_verifies_and_leaves_no_temp_files(tmp_path, capsys):
    src = tmp_path / "mirror"
    _, contents = _make_tiny_mnist(src)
    sha = {name: _sha(data) for name, data in contents.items()}
    paths = fetch("tiny", MNIST_FILENAMES, [_uri(src)], sha)
    folder = tmp_path / "home" / "datasets" / "tiny"
    assert paths == [str(folder / name) for name in MNIST_FILENAMES]
    for name in MNIST_FILENAMES:
        assert (folder / name).read_bytes() == contents[name]
    assert sorted(os.listdir(folder)) == sorted(MNIST_FILENAMES)
    assert "train-images-idx3-ubyte.gz [" in capsys.readouterr().err  # the progress bar


def test_fetch_falls_back_to_the_next_mirror(tmp_path, _isolated):
    src = tmp_path / "mirror"
    _, contents = _make_tiny_mnist(src)
    sha = {name: _sha(data) for name, data in contents.items()}
    mirrors = ["https://unreachable.example/", _uri(tmp_path / "empty"), _uri(src)]
    paths = fetch("tiny", MNIST_FILENAMES, mirrors, sha, progress=False)
    assert all(os.path.isfile(p) for p in paths)
    assert _isolated[0] == "https://unreachable.example/train-images-idx3-ubyte.gz"


def test_sha256_mismatch_is_rejected_and_next_mirror_used(tmp_path):
    good, bad = tmp_path / "good", tmp_path / "bad"
    _, contents = _make_tiny_mnist(good)
    _make_tiny_mnist(bad, n_train=7)
    sha = {name: _sha(data) for name, data in contents.items()}
    fetch("tiny", MNIST_FILENAMES, [_uri(bad), _uri(good)], sha, progress=False)
    folder = tmp_path / "home" / "datasets" / "tiny"
    assert (folder / MNIST_FILENAMES[0]).read_bytes() == contents[MNIST_FILENAMES[0]]


def test_only_bad_copies_give_unavailable_error_and_no_file(tmp_path):
    bad = tmp_path / "bad"
    _make_tiny_mnist(bad)
    sha = {name: "0" * 64 for name in MNIST_FILENAMES}
    with pytest.raises(DatasetUnavailableError, match="SHA-256 mismatch"):
        fetch("tiny", MNIST_FILENAMES, [_uri(bad)], sha, progress=False)
    assert os.listdir(tmp_path / "home" / "datasets" / "tiny") == []


def test_offline_error_lists_every_file_path_and_url(tmp_path, _isolated):
    with pytest.raises(DatasetUnavailableError) as info:
        fashion_mnist.load_data()
    message = str(info.value)
    folder = os.path.join(str(tmp_path / "home"), "datasets", "fashion_mnist")
    for name in MNIST_FILENAMES:
        assert os.path.join(folder, name) in message
        for mirror in fashion_mnist.SOURCE.mirrors:
            assert mirror + name in message
    assert "NUMNET_HOME" in message and "network disabled in tests" in message
    # One failing file is enough to know the machine is offline: no retries per file.
    assert len(_isolated) == len(fashion_mnist.SOURCE.mirrors)
    assert isinstance(info.value, DatasetError) and isinstance(info.value, ValueError)


def test_files_placed_by_hand_are_used_offline(tmp_path, _isolated):
    arrays, _ = _make_tiny_mnist(tmp_path / "home" / "datasets" / "fashion_mnist")
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert _isolated == []
    assert x_train.shape == (6, 28, 28) and y_train.shape == (6,)
    assert x_test.shape == (4, 28, 28) and y_test.shape == (4,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte.gz"])


def test_mnist_load_data_downloads_through_mirrors(tmp_path, monkeypatch):
    src = tmp_path / "mirror"
    arrays, contents = _make_tiny_mnist(src, n_train=3, n_test=2)
    source = dataclasses.replace(mnist.SOURCE, mirrors=(_uri(src),),
                                 sha256={n: _sha(d) for n, d in contents.items()})
    monkeypatch.setattr(mnist, "SOURCE", source)
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (3, 28, 28) and x_test.shape == (2, 28, 28)
    np.testing.assert_array_equal(y_train, arrays["train-labels-idx1-ubyte.gz"])
    assert os.path.isfile(tmp_path / "home" / "datasets" / "mnist" / MNIST_FILENAMES[0])


def test_label_out_of_range_in_cached_file(tmp_path):
    _make_tiny_mnist(tmp_path / "home" / "datasets" / "fashion_mnist", labels_max=10)
    with pytest.raises(DatasetError, match=r"t10k-labels-idx1-ubyte.gz.*label 10.*Delete"):
        fashion_mnist.load_data()


def test_image_and_label_counts_must_agree(tmp_path):
    folder = tmp_path / "home" / "datasets" / "mnist"
    _make_tiny_mnist(folder)
    write_idx(str(folder / "train-labels-idx1-ubyte.gz"), np.zeros(5, dtype=np.uint8))
    with pytest.raises(DatasetError, match="train split.*6 images but.*5 labels"):
        mnist.load_data()


def test_images_must_be_28x28(tmp_path):
    _make_tiny_mnist(tmp_path / "home" / "datasets" / "mnist", image_size=8)
    with pytest.raises(DatasetError, match="8x8 pixels; expected 28x28"):
        mnist.load_data()


def test_swapped_cached_files(tmp_path):
    folder = tmp_path / "home" / "datasets" / "mnist"
    _make_tiny_mnist(folder)
    a, b = folder / "train-images-idx3-ubyte.gz", folder / "train-labels-idx1-ubyte.gz"
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)
    with pytest.raises(DatasetError, match="swapped"):
        mnist.load_data()


def test_expected_counts_parameter(tmp_path):
    from numnet.datasets.idx_dataset import load_idx_dataset

    _make_tiny_mnist(tmp_path / "home" / "datasets" / "mnist")
    (x, _), _ = load_idx_dataset(mnist.SOURCE, expected_counts=(6, 4))
    assert len(x) == 6
    with pytest.raises(DatasetError, match="expected 60000 training and 10000 test"):
        load_idx_dataset(mnist.SOURCE, expected_counts=(60000, 10000))


class _FakeResponse(io.BytesIO):
    def __init__(self, data, length=None, fail_after=None):
        super().__init__(data)
        self.headers = {"Content-Length": str(len(data) if length is None else length)}
        self._fail_after = fail_after

    def read(self, n=-1):
        if self._fail_after is not None and self.tell() >= self._fail_after:
            raise ConnectionResetError("connection reset by peer")
        return super().read(n)


def _opener(response_factory):
    def fake(url, timeout=None):
        assert timeout == 5
        return response_factory()
    return fake


@pytest.mark.parametrize("make, reason", [
    (lambda: _FakeResponse(b"x" * 100, length=200), "ended after 100 of 200 bytes"),
    (lambda: _FakeResponse(b"x" * 900, fail_after=1), "connection reset"),
    (lambda: _FakeResponse(b"x" * 2000), "announces 2000 bytes, more than the 1000"),
    (lambda: _FakeResponse(b"x" * 2000, length="unknown"), "larger than the 1000 bytes"),
])
def test_failed_transfers_leave_nothing_behind(tmp_path, monkeypatch, make, reason):
    monkeypatch.setattr(download, "_urlopen", _opener(make))
    with pytest.raises(DatasetUnavailableError, match=reason):
        fetch("fake", ["a.bin"], ["https://example.invalid/"], timeout=5, max_bytes=1000,
              progress=False)
    assert os.listdir(tmp_path / "home" / "datasets" / "fake") == []


def test_present_files_are_not_downloaded_again(tmp_path, monkeypatch):
    folder = tmp_path / "home" / "datasets" / "fake"
    folder.mkdir(parents=True)
    (folder / "a.bin").write_bytes(b"old")

    def fail(url, timeout=None):
        raise AssertionError("no download expected")

    monkeypatch.setattr(download, "_urlopen", fail)
    assert fetch("fake", ["a.bin"], ["https://example.invalid/"]) == [str(folder / "a.bin")]


def test_download_without_content_length_and_progress(tmp_path, monkeypatch, capsys):
    response = _FakeResponse(b"abc")
    response.headers = {}
    monkeypatch.setattr(download, "_urlopen", lambda url, timeout=None: response)
    (path,) = fetch("fake", ["a.bin"], ["https://example.invalid"], {"a.bin": _sha(b"abc")})
    with open(path, "rb") as f:
        assert f.read() == b"abc"
    assert "a.bin 0.0 MB" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["", "..", "a/b", "../x", "a\\b"])
def test_unsafe_names_refused(name):
    with pytest.raises(ValueError, match="plain file or folder names"):
        fetch(name, ["a.bin"], [])
    with pytest.raises(ValueError, match="plain file or folder names"):
        fetch("ok", [name], [])


def test_no_mirrors_gives_unavailable_error(tmp_path):
    with pytest.raises(DatasetUnavailableError, match="no mirror URLs configured"):
        fetch("fake", ["a.bin"], [])


def test_remote_dataset_urls_and_paths(tmp_path):
    source = RemoteDataset("x", ("f.gz",), ("http://a/", "http://b"), description="X")
    assert source.urls("f.gz") == ["http://a/f.gz", "http://b/f.gz"]
    assert source.paths() == [str(tmp_path / "home" / "datasets" / "x" / "f.gz")]


def test_known_sha256_digests_are_well_formed():
    for source in (fashion_mnist.SOURCE, mnist.SOURCE):
        assert set(source.sha256) == set(MNIST_FILENAMES)
        for digest in source.sha256.values():
            assert len(digest) == 64 and int(digest, 16) >= 0
    assert fashion_mnist.SOURCE.mirrors[0] == \
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def test_cache_status_reports_presence_paths_and_urls(tmp_path):
    _make_tiny_mnist(tmp_path / "home" / "datasets" / "mnist")
    status = {entry["name"]: entry for entry in cache_status()}
    assert set(status) == {"fashion_mnist", "mnist", "digits", "toys"}
    assert status["mnist"]["complete"] and not status["fashion_mnist"]["complete"]
    first = status["fashion_mnist"]["files"][0]
    assert first["path"] == str(tmp_path / "home" / "datasets" / "fashion_mnist" /
                                "train-images-idx3-ubyte.gz")
    assert not first["present"] and first["size"] is None
    assert first["urls"][0].endswith("/train-images-idx3-ubyte.gz")
    assert status["mnist"]["files"][1]["present"] and status["mnist"]["files"][1]["size"] > 0
    text = format_cache_status()
    assert "mnist: MNIST - ready" in text and "fashion_mnist: Fashion-MNIST - missing" in text
    assert str(tmp_path / "home") in text
