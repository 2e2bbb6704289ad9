"""Tests for numnet.saving.atomic: all-or-nothing file writes."""
import os
import zipfile

import h5py
import numpy as np
import pytest

from numnet.saving.atomic import atomic_write, atomic_write_with


def _leftovers(folder, keep):
    """Names in ``folder`` other than ``keep`` (temporary files that were not cleaned up)."""
    return sorted(set(os.listdir(folder)) - set(keep))


def test_atomic_write_creates_file(tmp_path):
    target = tmp_path / "out.bin"
    with atomic_write(target) as f:
        f.write(b"hello")
    assert target.read_bytes() == b"hello"
    assert _leftovers(tmp_path, ["out.bin"]) == []


def test_atomic_write_text_mode(tmp_path):
    target = tmp_path / "out.json"
    with atomic_write(str(target), mode="w") as f:
        f.write('{"a": "\u00e9"}\n')
    assert target.read_text(encoding="utf-8") == '{"a": "\u00e9"}\n'


def test_error_mid_write_keeps_old_file_and_removes_temp(tmp_path):
    target = tmp_path / "model.keras"
    target.write_bytes(b"old contents")
    with pytest.raises(RuntimeError, match="disk on fire"):
        with atomic_write(target) as f:
            f.write(b"new partial data")
            raise RuntimeError("disk on fire")
    assert target.read_bytes() == b"old contents"
    assert _leftovers(tmp_path, ["model.keras"]) == []


def test_keyboard_interrupt_also_cleans_up(tmp_path):
    target = tmp_path / "m.h5"
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(target) as f:
            f.write(b"x" * 1000)
            raise KeyboardInterrupt
    assert not target.exists()
    assert _leftovers(tmp_path, []) == []


def test_replaces_existing_file_and_keeps_its_permissions(tmp_path):
    target = tmp_path / "m.bin"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    with atomic_write(target) as f:
        f.write(b"new")
    assert target.read_bytes() == b"new"
    if os.name == "posix":
        assert os.stat(target).st_mode & 0o777 == 0o640


def test_new_file_gets_normal_permissions(tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX permissions only")
    umask = os.umask(0o022)
    os.umask(umask)
    target = tmp_path / "fresh.bin"
    with atomic_write(target) as f:
        f.write(b"1")
    assert os.stat(target).st_mode & 0o777 == 0o666 & ~umask


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        with atomic_write(tmp_path / "nope" / "m.keras") as f:
            f.write(b"")


def test_bad_mode_refused(tmp_path):
    with pytest.raises(ValueError, match="Unsupported mode"):
        with atomic_write(tmp_path / "x", mode="ab"):
            pass


def test_atomic_write_with_h5py(tmp_path):
    target = tmp_path / "w.h5"

    def write(path):
        with h5py.File(path, "w") as f:
            f["x"] = np.arange(3)
        return "done"

    assert atomic_write_with(target, write) == "done"
    with h5py.File(target, "r") as f:
        assert list(f["x"][()]) == [0, 1, 2]
    assert _leftovers(tmp_path, ["w.h5"]) == []


def test_atomic_write_with_zipfile_error_keeps_old(tmp_path):
    target = tmp_path / "m.keras"
    target.write_bytes(b"previous model")

    def write(path):
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("config.json", "{}")
            raise OSError("no space left")

    with pytest.raises(OSError, match="no space left"):
        atomic_write_with(target, write)
    assert target.read_bytes() == b"previous model"
    assert _leftovers(tmp_path, ["m.keras"]) == []


def test_atomic_write_with_needs_callable(tmp_path):
    with pytest.raises(TypeError, match="callable"):
        atomic_write_with(tmp_path / "x", "not a function")
