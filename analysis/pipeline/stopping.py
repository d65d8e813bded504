"""Stopping a run on request: Ctrl-C, ``kill`` and a stopped ``make`` all end it the same way.

Python turns Ctrl-C (SIGINT) into ``KeyboardInterrupt``, which the runner handles: queued
notebooks are cancelled, kernels stopped, nothing half-written kept. Two other requests would
otherwise bypass that:

- **SIGTERM** (``kill PID``, or ``make`` passing on a ``kill`` it received) ends Python at once,
  leaving kernels and a staging folder behind. :func:`stop_on_terminate` makes it a
  ``KeyboardInterrupt`` too.
- **``kill -INT`` sent to ``make`` alone** (not to its process group, as Ctrl-C is). GNU make
  does not pass SIGINT on to the command it runs: it waits for it to finish, then stops. So
  the run would go on to the end. :func:`stop_with_make` watches for that: make resets its
  SIGINT handler to the default as it starts handling the signal, which shows in the
  ``SigCgt`` mask of ``/proc/<make>/status``; the run then interrupts itself. It also stops
  when make itself is killed (the run is re-parented). Only Linux has ``/proc``; elsewhere,
  or when the parent is not make, this does nothing.

No library does this (the signal flow of GNU make is specific), hence the few lines here.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

POLL_S = 0.25
MAKE_NAMES = {"make", "gmake"}


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: handled as Ctrl-C is, told apart only for the exit code (143)."""


def stop_on_terminate() -> None:
    """Make SIGTERM stop the run as Ctrl-C does (a ``KeyboardInterrupt``: :class:`Terminated`)."""

    def _interrupt(signum, frame):  # noqa: ARG001 (the signature signal handlers take)
        raise Terminated

    signal.signal(signal.SIGTERM, _interrupt)


def catches_sigint(pid: int) -> bool | None:
    """Whether process ``pid`` has a handler for SIGINT (None when that cannot be read)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    return None


def _process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def stop_with_make(poll_s: float = POLL_S) -> threading.Thread | None:
    """When the parent is GNU make, stop this run when make is told to stop.

    Returns the watching thread (a daemon), or None when there is nothing to watch: the
    parent is not make, or make ignores SIGINT (a background job), or there is no ``/proc``.
    """
    parent = os.getppid()
    if _process_name(parent) not in MAKE_NAMES or not catches_sigint(parent):
        return None
    main = threading.main_thread().ident

    def _watch() -> None:
        stop = threading.Event()
        while not stop.wait(poll_s):
            if os.getppid() != parent or catches_sigint(parent) is False:
                # a real signal to the main thread (not interrupt_main, which only sets a
                # flag) wakes it where it waits for a notebook to finish
                signal.pthread_kill(main, signal.SIGINT)
                return

    thread = threading.Thread(target=_watch, name="stop-with-make", daemon=True)
    thread.start()
    return thread
