"""A run stops cleanly however it is asked to: Ctrl-C, ``kill``, or a signal sent to make alone."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from analysis.pipeline.stopping import catches_sigint, stop_with_make

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")

#: A stand-in for a long run: it waits, as the runner waits for notebooks, and says how it ended.
WAITER = textwrap.dedent(
    """
    import os, sys, threading
    from analysis.pipeline.stopping import stop_on_terminate, stop_with_make, Terminated
    stop_on_terminate()
    watching = stop_with_make(poll_s=0.05) is not None
    try:  # told inside the try: the signal may come as soon as this is read
        print("watching" if watching else "not watching", os.getpid(), flush=True)
        threading.Event().wait(30)
    except Terminated:
        print("terminated", flush=True); sys.exit(143)
    except KeyboardInterrupt:
        print("interrupted", flush=True); sys.exit(130)
    print("ran to the end", flush=True)
    """
)


def _default_sigint() -> None:
    # as in a terminal: a job started in the background of a script ignores SIGINT
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_under_make(tmp_path) -> tuple[subprocess.Popen, str]:
    (tmp_path / "waiter.py").write_text(WAITER)
    (tmp_path / "Makefile").write_text(f"run:\n\t{sys.executable} waiter.py\n")
    make = subprocess.Popen(
        ["make", "-s", "run"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_default_sigint,
        start_new_session=True,
    )
    said, pid = make.stdout.readline().split()
    assert said == "watching"
    return make, pid


def test_catches_sigint_reads_the_handler_of_a_process():
    assert catches_sigint(os.getpid()) is True  # Python's own KeyboardInterrupt handler
    assert catches_sigint(2**22 + 12345) is None  # no such process


def test_not_under_make_nothing_is_watched():
    assert stop_with_make() is None  # pytest's parent is not make


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["kill -INT", "kill -KILL"])
def test_a_signal_to_make_alone_stops_the_run(tmp_path, sig):
    """GNU make passes neither SIGINT nor its own death on to the command it runs; the run
    sees make reset its handler (or go) and stops itself, within a second, not 30."""
    make, pid = _start_under_make(tmp_path)
    start = time.monotonic()
    make.send_signal(sig)
    make.wait(timeout=10)
    for _ in range(100):  # the run, not make, must be gone
        if "zombie" in _state(pid):
            break
        time.sleep(0.05)
    else:
        os.kill(int(pid), signal.SIGKILL)
        pytest.fail("the run went on after make was stopped")
    assert time.monotonic() - start < 5
    if sig == signal.SIGINT:
        assert "interrupted" in make.stdout.read()


def test_sigterm_stops_the_run_as_ctrl_c_does(tmp_path):
    (tmp_path / "waiter.py").write_text(WAITER)
    run = subprocess.Popen(
        [sys.executable, "waiter.py"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert run.stdout.readline().split()[0] == "not"
    run.terminate()
    assert run.wait(timeout=10) == 143, run.stdout.read()
    assert run.stdout.read().strip() == "terminated"


def _state(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/status") as handle:
            return handle.read()
    except OSError:
        return "zombie"
