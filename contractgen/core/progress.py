"""Progress of a batch run: a bar with rate and ETA on a terminal, one plain line per order otherwise
(a log file or CI output should not fill with carriage returns)."""
from __future__ import annotations

import shutil
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    def __init__(self, total: int, stream: TextIO, label: str = "orders"):
        self.total, self.stream, self.label = total, stream, label
        self.done = 0
        self.started = time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._drawn = False

    def advance(self, line: str) -> None:
        """One order finished; `line` says which and how."""
        self.done += 1
        if self.tty:
            self.redraw()
        else:
            width = len(str(self.total))
            self.stream.write(f"[{self.done:{width}}/{self.total}] {line}\n")
            self.stream.flush()

    def note(self, line: str) -> None:
        """A line that stays (a failure) without breaking the bar."""
        if self.tty:
            self._clear()
            self.stream.write(line + "\n")
            self.redraw()
        else:
            self.stream.write(line + "\n")
            self.stream.flush()

    def redraw(self) -> None:
        if not self.tty or not self.total:
            return
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 and self.done else 0.0
        eta = _clock((self.total - self.done) / rate) if rate else "--:--"
        tail = f" {self.done}/{self.total} {self.label}  {rate:.1f}/s  ETA {eta}"
        columns = shutil.get_terminal_size((80, 20)).columns
        bar_width = max(10, min(40, columns - len(tail) - 3))
        filled = bar_width * self.done // self.total
        self.stream.write("\r[" + "#" * filled + "-" * (bar_width - filled) + "]" + tail + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self._drawn = False

    def close(self) -> None:
        if self.tty and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started
