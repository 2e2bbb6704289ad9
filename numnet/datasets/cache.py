"""What is in the dataset cache: for the ``numnet datasets`` command and for troubleshooting."""
import importlib.util
import os

from numnet.datasets import fashion_mnist, mnist
from numnet.datasets.download import numnet_home

DOWNLOADABLE = (fashion_mnist.SOURCE, mnist.SOURCE)


def cache_status():
    """Describe every dataset numnet knows, and which of their files are in the cache.

    Returns:
        A list with one dict per dataset:

        - ``name``: the module name under ``numnet.datasets`` (e.g. ``'fashion_mnist'``).
        - ``description``: a human name.
        - ``kind``: ``'download'`` (cached files), ``'bundled'`` (ships with scikit-learn) or
          ``'generated'`` (made on the spot).
        - ``folder``: the cache folder, or None.
        - ``complete``: True when ``load_data()`` can work offline.
        - ``files``: one dict per file: ``filename``, ``path``, ``present`` (bool), ``size``
          (bytes or None) and ``urls`` (the download URLs in the order they are tried).
    """
    status = []
    for source in DOWNLOADABLE:
        files = []
        for filename, path in zip(source.filenames, source.paths()):
            present = os.path.isfile(path)
            files.append({
                "filename": filename,
                "path": path,
                "present": present,
                "size": os.path.getsize(path) if present else None,
                "urls": source.urls(filename),
            })
        status.append({
            "name": source.name,
            "description": source.description,
            "kind": "download",
            "folder": os.path.dirname(files[0]["path"]),
            "complete": all(f["present"] for f in files),
            "files": files,
        })
    status.append({
        "name": "digits",
        "description": "scikit-learn 8x8 handwritten digits",
        "kind": "bundled",
        "folder": None,
        "complete": importlib.util.find_spec("sklearn") is not None,
        "files": [],
    })
    status.append({
        "name": "toys",
        "description": "logic gates and noisy XOR",
        "kind": "generated",
        "folder": None,
        "complete": True,
        "files": [],
    })
    return status


def format_cache_status(status=None):
    """Render ``cache_status()`` (or the given list) as readable text, one block per dataset."""
    status = cache_status() if status is None else status
    lines = [f"numnet data folder: {numnet_home()} (set NUMNET_HOME to change it)"]
    for entry in status:
        if entry["kind"] == "download":
            state = "ready" if entry["complete"] else "missing files (downloaded on first use)"
        elif entry["kind"] == "bundled":
            state = "ready (bundled with scikit-learn)" if entry["complete"] \
                else "needs scikit-learn"
        else:
            state = "ready (generated)"
        lines.append(f"{entry['name']}: {entry['description']} - {state}")
        if entry["folder"]:
            lines.append(f"  folder: {entry['folder']}")
        for f in entry["files"]:
            mark = f"present, {f['size']} bytes" if f["present"] else "missing"
            lines.append(f"  {f['filename']}: {mark}")
            if not f["present"]:
                lines.extend(f"      from {url}" for url in f["urls"])
    return "\n".join(lines)
