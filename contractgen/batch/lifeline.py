"""The processes of a batch run end when the process that started them dies, even by kill -9.

Linux's prctl(PR_SET_PDEATHSIG) has the kernel signal a process when its parent dies; it is checked
once more by polling, which also covers the moment before prctl and systems without it.
"""
from __future__ import annotations

import ctypes
import os
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
POLL_SECONDS = 1.0


def signal_on_parent_death(signum: int) -> None:
    """Have the kernel send `signum` to this process when its parent (the thread that forked it) dies."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def watch(pid: int, on_death) -> None:
    """Call `on_death()` (in a daemon thread) once process `pid` has gone."""
    def poll():
        while alive(pid):
            time.sleep(POLL_SECONDS)
        on_death()

    threading.Thread(target=poll, name=f"watch-{pid}", daemon=True).start()
