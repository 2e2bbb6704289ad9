"""``CSVLogger``: write one row of logs per epoch to a CSV file."""
import collections.abc
import csv
import os

import numpy as np

from ._checks import check_path
from .callback import Callback


def _cell(value):
    """A logs value as written: strings as they are, 1-D sequences as ``"[a, b]"``."""
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (
            isinstance(value, np.ndarray) and value.ndim == 0):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Stream each epoch's logs to a CSV file, as Keras 3 lays it out.

    The header is ``epoch`` followed by the logs keys of the first epoch in sorted order; when
    there are no ``val_`` keys, ``val_`` columns for each key are added anyway (filled with
    ``NA``), so a run without validation has the same columns. ``epoch`` is the 0-based epoch
    index. Rows end in ``\\r\\n`` (the csv module's Excel dialect). The file is flushed and
    synced to disk after every epoch, so it is complete up to the last finished epoch even if
    training is interrupted; it is closed when training ends. Missing parent folders are
    created.

    Args:
        filename: the CSV file (``str`` or ``os.PathLike``), e.g. ``'run/log.csv'``.
        separator: the one-character column separator. Default: ``','``.
        append: when True, add rows to an existing file (writing the header only if the file
            is empty), e.g. when resuming training; when False (default) the file is
            overwritten.

    Example::

        model.fit(x, y, epochs=10, callbacks=[CSVLogger('training.csv')])
        pandas.read_csv('training.csv')
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = check_path("CSVLogger", "filename", filename)
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(f"CSVLogger: argument `separator` must be a single character "
                             f"such as ',' or ';' or '\\t'; received {separator!r}.")
        self.sep = separator
        self.append = bool(append)
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename, "r", newline="") as f:
                    self.append_header = not f.readline()
            mode = "a"
        else:
            mode = "w"
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        folder = os.path.dirname(self.filename)
        if folder:
            os.makedirs(folder, exist_ok=True)
        self.csv_file = open(self.filename, mode, newline="", encoding="utf-8")
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys += [f"val_{key}" for key in self.keys]
        if self.writer is None:
            dialect = type("CSVLoggerDialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         dialect=dialect)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()
        os.fsync(self.csv_file.fileno())

    def on_train_end(self, logs=None):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
