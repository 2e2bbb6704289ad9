"""``Progbar``: the progress line Keras 3 prints during fit, evaluate and predict.

``1500/1500 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - accuracy: 0.8153 - loss: 0.5323``

On a terminal the line is redrawn in place (at most every ``interval`` seconds) with a colored
bar; when output is not a terminal (a file, a pipe, CI) only the finished line is printed, as
plain text with no escape codes.
"""
import math
import sys
import time

_BAR = "\u2501"


def format_value(value):
    """Format a metric like Keras: 4 decimals, or scientific notation when tiny."""
    value = float(value)
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


def format_time_per_unit(seconds, unit="step"):
    """``' 1ms/step'``, ``' 250us/step'`` or ``' 2s/step'`` like Keras."""
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit}"
    return f" {seconds * 1e6:.0f}us/{unit}"


class Progbar:
    """A progress line for ``target`` steps.

    Args:
        target: the number of steps (None if unknown).
        width: the bar's width in characters (default 20).
        verbose: 1 for the bar, 2 for one line when finished, 0 for nothing.
        interval: minimum seconds between redraws on a terminal (default 0.05).
        unit_name: the unit shown per time, default 'step'.
        stream: where to write (default ``sys.stdout`` at the time of writing).
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, unit_name="step",
                 stream=None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self._stream = stream
        self._start = time.time()
        self._last_update = 0.0
        self._previous_width = 0
        self._values = {}

    @property
    def stream(self):
        return self._stream or sys.stdout

    def _dynamic(self):
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def update(self, current, values=None, finalize=None):
        """Show progress at step ``current`` with ``values`` (a dict of already averaged
        numbers). ``finalize`` defaults to ``current >= target``."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        if values:
            self._values = dict(values)
        if self.verbose == 0:
            return
        now = time.time()
        dynamic = self._dynamic()
        if self.verbose == 2 or not dynamic:
            if finalize:
                self._write_line(current, now, colored=False, verbose=self.verbose)
            return
        if not finalize and now - self._last_update < self.interval:
            return
        self._last_update = now
        self._write_line(current, now, colored=True, verbose=1, finalize=finalize)

    def _write_line(self, current, now, colored, verbose, finalize=True):
        elapsed = now - self._start
        per_step = elapsed / current if current else 0.0
        target = self.target
        count = f"{current}/{target}" if target is None else \
            f"{current:>{int(math.log10(max(target, 1))) + 1}}/{target}"
        if verbose == 2:
            line = f"{count} - {int(elapsed)}s -" + format_time_per_unit(per_step, self.unit_name)
        else:
            if target is not None:
                done = int(self.width * min(current / target, 1.0)) if target else self.width
                if colored:
                    bar = (f"\x1b[1m{count}\x1b[0m " + (f"\x1b[32m{_BAR * done}\x1b[0m" if done else "")
                           + (f"\x1b[37m{_BAR * (self.width - done)}\x1b[0m"
                              if done < self.width else ""))
                else:
                    bar = f"{count} " + _BAR * self.width
            else:
                bar = count
            if finalize:
                timing = f" {int(elapsed)}s" + format_time_per_unit(per_step, self.unit_name)
            else:
                eta = per_step * (target - current) if target else 0
                timing = f" {_format_eta(eta)}"
            line = bar + timing
        for key, value in self._values.items():
            line += f" - {key}: {format_value(value)}"
        stream = self.stream
        if colored:
            padding = max(self._previous_width - len(line), 0)
            stream.write("\r" + line + " " * padding + ("\n" if finalize else ""))
            self._previous_width = len(line)
        else:
            stream.write(line + "\n")
        stream.flush()


def _format_eta(seconds):
    if seconds > 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds > 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"
