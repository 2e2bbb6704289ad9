"""Atomic file writing: the target file is either the complete new file or left untouched.

Both helpers write to a temporary file with a unique name in the target's own folder (so the
final ``os.replace`` is a rename on one file system, which is atomic), flush it to disk with
``os.fsync``, rename it over the target, and then fsync the folder where the platform allows
it. If anything fails before the rename, the temporary file is removed and the old target,
if any, is still there unchanged.

Example::

    with atomic_write("model.json", mode="w") as f:
        f.write(text)

    atomic_write_with("model.h5", lambda tmp_path: write_h5(tmp_path))
"""
import contextlib
import os
import secrets
import stat

_TEXT_MODES = ("w", "wt")
_BINARY_MODES = ("wb",)


def _target_paths(path):
    """Return ``(absolute target path, its folder)`` and check that the folder exists.

    Args:
        path: the file to write (``str`` or ``os.PathLike``).
    """
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"Expected a file path (str or os.PathLike) for `path`, "
                        f"received {type(path).__name__}: {path!r}.")
    target = os.path.abspath(os.fsdecode(os.fspath(path)))
    folder = os.path.dirname(target)
    if os.path.isdir(target):
        raise IsADirectoryError(f"Cannot write to {os.fspath(path)!r}: it is a folder. "
                                "Give a file name, e.g. 'model.keras'.")
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Cannot write to {os.fspath(path)!r}: the folder {folder!r} "
                                "does not exist. Create it first (os.makedirs).")
    return target, folder


def _create_temp(target, folder):
    """Create and open a new, empty, uniquely named file beside ``target``.

    Args:
        target: absolute path of the final file.
        folder: the folder of ``target``.
    Returns:
        ``(file descriptor opened for writing, temporary path)``.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    base = os.path.basename(target)
    for _ in range(100):
        temp = os.path.join(folder, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            # 0o666 minus the process umask: the same permissions a plain open() would give.
            fd = os.open(temp, flags, 0o666)
        except FileExistsError:
            continue
        _copy_mode(target, temp)
        return fd, temp
    raise FileExistsError(f"Could not create a temporary file in {folder!r} "
                          "(100 unique names were all taken).")


def _copy_mode(target, temp):
    """Give ``temp`` the permission bits of an existing ``target`` (nothing if none)."""
    try:
        os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
    except OSError:
        pass


def _remove_quietly(path):
    """Delete ``path`` if it exists, ignoring errors (used while already failing)."""
    try:
        os.remove(path)
    except OSError:
        pass


def _fsync_path(path):
    """Flush a file that is already closed to disk (open read-write, fsync, close)."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_directory(folder):
    """Flush a folder's entry table to disk so a rename in it survives a crash.

    Silently does nothing where folders cannot be opened or synced (Windows, some network
    file systems).

    Args:
        folder: the folder path.
    """
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(path, mode="wb", encoding="utf-8"):
    """Context manager that yields a file object whose contents replace ``path`` atomically.

    The file object writes to a temporary file in the same folder. When the ``with`` block
    ends normally the data is flushed and fsynced, the temporary file is renamed over
    ``path`` with ``os.replace`` and the folder is fsynced. When the block raises, the
    temporary file is deleted, ``path`` is left as it was, and the exception propagates.

    Args:
        path: the file to create or replace (``str`` or ``os.PathLike``); its folder must
            exist.
        mode: ``'wb'`` (default, binary) or ``'w'`` / ``'wt'`` (text).
        encoding: text encoding for text modes; default ``'utf-8'``. Ignored for ``'wb'``.
    Yields:
        The open file object.
    Raises:
        ValueError: ``mode`` is not one of the modes above.
        FileNotFoundError: the folder of ``path`` does not exist.
    """
    if mode not in _TEXT_MODES + _BINARY_MODES:
        raise ValueError(f"Unsupported mode {mode!r} for atomic_write. "
                         "Choose one of: 'wb' (binary), 'w' or 'wt' (text).")
    target, folder = _target_paths(path)
    fd, temp = _create_temp(target, folder)
    try:
        if mode in _BINARY_MODES:
            f = os.fdopen(fd, "wb")
        else:
            f = os.fdopen(fd, "w", encoding=encoding, newline="")
    except BaseException:
        os.close(fd)
        _remove_quietly(temp)
        raise
    try:
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, target)
    except BaseException:
        _remove_quietly(temp)
        raise
    fsync_directory(folder)


def atomic_write_with(path, writer_fn):
    """Atomically create ``path`` with a library that insists on writing to a file name.

    ``writer_fn(temp_path)`` is called with the path of a new, empty temporary file in the
    same folder as ``path`` (it may truncate or overwrite it, as ``h5py.File(temp, 'w')`` and
    ``zipfile.ZipFile(temp, 'w')`` do) and must have closed the file when it returns. The
    temporary file is then fsynced and renamed over ``path``. If ``writer_fn`` raises, the
    temporary file is removed, ``path`` is left as it was and the exception propagates.

    Args:
        path: the file to create or replace (``str`` or ``os.PathLike``); its folder must
            exist.
        writer_fn: a callable taking one argument, the temporary file's path (``str``).
    Returns:
        Whatever ``writer_fn`` returned.
    Raises:
        FileNotFoundError: the folder of ``path`` does not exist.
    """
    if not callable(writer_fn):
        raise TypeError(f"`writer_fn` must be a callable taking a file path, "
                        f"received {type(writer_fn).__name__}.")
    target, folder = _target_paths(path)
    fd, temp = _create_temp(target, folder)
    os.close(fd)
    try:
        result = writer_fn(temp)
        if not os.path.isfile(temp):
            raise FileNotFoundError(f"The writer removed or renamed its temporary file "
                                    f"{temp!r} instead of writing to it.")
        _fsync_path(temp)
        os.replace(temp, target)
    except BaseException:
        _remove_quietly(temp)
        raise
    fsync_directory(folder)
    return result
