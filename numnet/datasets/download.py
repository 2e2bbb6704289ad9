"""Find dataset files in the local cache or download them from mirrors, verified and atomically.

Files live in ``$NUMNET_HOME/datasets/<name>/`` (``NUMNET_HOME`` defaults to ``~/.numnet``).
A file that is already there is used as it is (the loader then checks its structure, so a copy
placed by hand works offline); a missing file is downloaded from each mirror in turn until one
gives bytes whose SHA-256 matches the known digest. A download is written to a temp file in the
same folder, flushed, fsynced and renamed into place, so an interrupted transfer never leaves a
half-written file under the real name.

When a file can be neither found nor downloaded, one ``DatasetUnavailableError`` lists every
missing file with its full path and the URLs it can be fetched from by hand.
"""
import dataclasses
import hashlib
import http.client
import os
import sys
import tempfile
import time
import urllib.request

from numnet.datasets.idx import DatasetError

HOME_ENV = "NUMNET_HOME"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
_CHUNK = 64 * 1024

# The function that opens a URL; tests replace it with a fake opener.
_urlopen = urllib.request.urlopen


class DatasetUnavailableError(DatasetError):
    """Dataset files are not in the cache and could not be downloaded (e.g. no network)."""


@dataclasses.dataclass(frozen=True)
class RemoteDataset:
    """Where a downloadable dataset's files come from.

    Args:
        name: the cache folder name, e.g. ``'fashion_mnist'``.
        filenames: the file names, e.g. ``('train-images-idx3-ubyte.gz', ...)``.
        mirrors: base URLs tried in order; a file's URL is ``mirror + filename``.
        sha256: dict file name -> hex SHA-256 digest of the genuine file (None: not checked).
        description: a human name, e.g. ``'Fashion-MNIST'``.
    """

    name: str
    filenames: tuple
    mirrors: tuple
    sha256: dict = None
    description: str = ""

    def urls(self, filename):
        """The URLs of ``filename``, one per mirror, in the order they are tried."""
        return file_urls(filename, self.mirrors)

    def paths(self):
        """The full cache paths of the files, in the order of ``filenames``."""
        folder = dataset_dir(self.name)
        return [os.path.join(folder, f) for f in self.filenames]

    def fetch(self, **kwargs):
        """``fetch(self.name, self.filenames, self.mirrors, self.sha256, **kwargs)``."""
        return fetch(self.name, self.filenames, self.mirrors, self.sha256,
                     description=self.description, **kwargs)


def numnet_home():
    """The numnet data folder: ``$NUMNET_HOME``, or ``~/.numnet`` when it is not set."""
    home = os.environ.get(HOME_ENV) or os.path.join("~", ".numnet")
    return os.path.abspath(os.path.expanduser(home))


def dataset_dir(name):
    """The cache folder of dataset ``name``: ``<numnet_home()>/datasets/<name>``."""
    _check_plain_name("name", name)
    return os.path.join(numnet_home(), "datasets", name)


def file_urls(filename, mirrors):
    """Join each mirror base URL with ``filename`` (adding a ``/`` where needed)."""
    return [m + filename if m.endswith("/") else m + "/" + filename for m in mirrors]


def sha256_of(path):
    """The hex SHA-256 digest of the file at ``path``, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(name, filenames, mirrors, sha256=None, *, timeout=DEFAULT_TIMEOUT,
          max_bytes=DEFAULT_MAX_BYTES, progress=True, description=None):
    """Return the local paths of a dataset's files, downloading the missing ones.

    Args:
        name: the dataset's cache folder name, e.g. ``'mnist'`` (letters, digits, ``_-.``).
        filenames: list of file names inside that folder.
        mirrors: list of base URLs tried in order for each missing file (``http(s)://``,
            ``file://``); the URL of a file is the base joined with its name.
        sha256: dict file name -> expected hex SHA-256, or None (default). A downloaded file
            whose digest differs is discarded and the next mirror is tried. Files already in
            the cache are not hashed: the dataset loader validates their structure instead,
            so that copies placed by hand are accepted.
        timeout: seconds to wait for a server (default 30).
        max_bytes: the largest download accepted per file (default 256 MiB).
        progress: draw a progress bar on stderr while downloading (default True).
        description: a human name for messages (default: ``name``).
    Returns:
        List of absolute paths, in the order of ``filenames``.
    Raises:
        DatasetUnavailableError: some file is missing and no mirror delivered a good copy; the
            message lists every missing file's full path and its download URLs.
    """
    folder = dataset_dir(name)
    filenames = list(filenames)
    for filename in filenames:
        _check_plain_name("filenames", filename)
    mirrors = list(mirrors)
    sha256 = dict(sha256 or {})
    paths = [os.path.join(folder, f) for f in filenames]
    missing = [(f, p) for f, p in zip(filenames, paths) if not os.path.isfile(p)]
    for index, (filename, path) in enumerate(missing):
        urls = file_urls(filename, mirrors)
        failures = []
        if urls:
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError as exc:
                failures.append(f"cannot create folder {folder}: {exc}")
        if not failures:
            for url in urls:
                try:
                    download_file(url, path, sha256.get(filename), timeout=timeout,
                                  max_bytes=max_bytes, progress=progress)
                    break
                except (OSError, ValueError, http.client.HTTPException) as exc:
                    # URLError, HTTPError and timeouts are OSErrors; DatasetError a ValueError
                    failures.append(f"{url}: {exc}")
            else:
                failures = failures or ["no mirror URLs configured"]
        if os.path.isfile(path):
            continue
        still_missing = [f for f, p in missing[index:] if not os.path.isfile(p)]
        raise DatasetUnavailableError(
            _unavailable_message(description or name, folder, still_missing, mirrors, failures)
        )
    return paths


def download_file(url, path, sha256=None, *, timeout=DEFAULT_TIMEOUT,
                  max_bytes=DEFAULT_MAX_BYTES, progress=True):
    """Download ``url`` to ``path`` atomically, checking size and (optionally) SHA-256.

    Args:
        url: the URL to read.
        path: the destination file; its folder must exist.
        sha256: expected hex digest, or None (default) to skip the check.
        timeout: seconds to wait for the server (default 30).
        max_bytes: refuse a response larger than this many bytes (default 256 MiB).
        progress: draw a progress bar on stderr (default True).
    Returns:
        ``path``.
    Raises:
        OSError: network failure (``urllib.error.URLError`` and subclasses) or write failure.
        DatasetError: the response is too large or its SHA-256 differs.
    """
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".",
                               suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            with _urlopen(url, timeout=timeout) as response:
                total = _content_length(response)
                if total is not None and total > max_bytes:
                    raise DatasetError(f"the server announces {total} bytes, more than the "
                                       f"{max_bytes} allowed")
                digest = _copy_bounded(response, out, total, max_bytes,
                                       os.path.basename(path) if progress else None)
            out.flush()
            os.fsync(out.fileno())
        if sha256 is not None and digest != sha256.lower():
            raise DatasetError(f"SHA-256 mismatch: got {digest}, expected {sha256.lower()} "
                               "(damaged or different file)")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def _copy_bounded(response, out, total, max_bytes, label):
    """Copy the response to ``out`` in chunks, hashing it; stop past ``max_bytes``."""
    digest = hashlib.sha256()
    bar = _ProgressBar(total, label) if label else None
    received = 0
    while True:
        chunk = response.read(_CHUNK)
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise DatasetError(f"the response is larger than the {max_bytes} bytes allowed")
        digest.update(chunk)
        out.write(chunk)
        if bar:
            bar.update(received)
    if bar:
        bar.close(received)
    if total is not None and received != total:
        raise DatasetError(f"the transfer ended after {received} of {total} bytes")
    return digest.hexdigest()


def _content_length(response):
    headers = getattr(response, "headers", None)
    value = headers.get("Content-Length") if headers is not None else None
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class _ProgressBar:
    """A one-line progress bar on stderr: ``name [=====>    ]  45%  1.2/2.6 MB``."""

    def __init__(self, total, label, width=30, stream=None):
        self.total, self.label, self.width = total, label, width
        self.stream = stream or sys.stderr
        self._last = -1.0

    def update(self, received, force=False):
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        mb = received / 1e6
        if self.total:
            frac = min(received / self.total, 1.0)
            filled = int(frac * self.width)
            arrow = ">" if filled < self.width else ""
            bar = "=" * filled + arrow + " " * (self.width - filled - len(arrow))
            text = f"{self.label} [{bar}] {frac:4.0%} {mb:.1f}/{self.total / 1e6:.1f} MB"
        else:
            text = f"{self.label} {mb:.1f} MB"
        self.stream.write("\r" + text)
        self.stream.flush()

    def close(self, received):
        self.update(received, force=True)
        self.stream.write("\n")
        self.stream.flush()


def _check_plain_name(argument, value):
    """Refuse names that could leave the cache folder (``..``, separators, empty)."""
    if (not isinstance(value, str) or not value or value in (".", "..")
            or "/" in value or "\\" in value or "\0" in value):
        raise ValueError(
            f"fetch: {argument} must be plain file or folder names without path separators; "
            f"received {value!r}."
        )


def _unavailable_message(title, folder, missing, mirrors, failures):
    lines = [
        f"{title}: {len(missing)} file(s) are not in the cache and could not be downloaded "
        "(no network, or every mirror failed).",
        f"Download them by hand and put them in {folder}{os.sep} "
        f"(set the {HOME_ENV} environment variable to use another base folder):",
    ]
    for filename in missing:
        lines.append(f"  {os.path.join(folder, filename)}")
        lines.extend(f"      from {url}" for url in file_urls(filename, mirrors))
    if failures:
        lines.append("Download attempts:")
        lines.extend(f"  {reason}" for reason in failures)
    return "\n".join(lines)
