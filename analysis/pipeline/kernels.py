"""Kernels that run notebook after notebook: started once per worker, reset in between.

Starting a kernel and importing the stack costs about 2 s of CPU, and a run has eight
notebooks on two cores; so each worker keeps one kernel busy (the run's two kernels run all
eight notebooks) and, between notebooks, puts it back to a new kernel's state
(:mod:`analysis.pipeline.kernel_reset`). A kernel whose notebook failed, timed out or died is
stopped and the worker's next notebook gets a new one, so an error never carries over.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import tempfile
import time
from pathlib import Path

from analysis.paths import NOTEBOOKS_DIR

#: The kernel's own log only at CRITICAL: its start-up chatter is noise, a cell's error reaches
#: us through nbclient, and a kernel stopped mid-message (Ctrl-C) logs a signature error with a
#: traceback that says nothing to the user. No command history: a run keeps no sqlite file in
#: ~/.ipython (nothing is written outside the run), and has no history thread to wait for.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False"]
SNAPSHOT = (
    "import analysis.pipeline.kernel_reset as _scr_reset; _scr_reset.snapshot(); del _scr_reset"
)
RESET = "import analysis.pipeline.kernel_reset as _scr_reset; _scr_reset.reset()"
START_TIMEOUT_S = 60
POLL_S = 0.2  # how often a silent reset checks that its kernel still runs


def kill_kernel(manager) -> None:
    """Kill a kernel manager's process outright, from any thread (no event loop involved)."""
    process = getattr(getattr(manager, "provisioner", None), "process", None)
    if process is not None:
        with contextlib.suppress(OSError):
            process.kill()
        with contextlib.suppress(Exception):
            process.wait(timeout=10)


class WorkerKernel:
    """One worker's kernel: :meth:`ready` before each notebook, :meth:`stop` after a failure,
    :meth:`close` when the run ends or is interrupted (no kernel is started after that)."""

    def __init__(self) -> None:
        self.manager = None
        self.used = False
        self.closed = False

    def ready(self):
        """A kernel manager whose kernel looks new: started now, or reset after its last use.

        The manager is jupyter_client's asynchronous one, as nbclient makes for itself: with
        it nbclient notices a kernel that dies (its blocking twin leaves nbclient waiting on a
        dead kernel's messages for ever).
        """
        from jupyter_core.utils import run_sync

        if self.closed:
            raise RuntimeError("the run was stopped")
        if self.manager is not None and not run_sync(self.manager.is_alive)():
            self.stop()
        if self.manager is None:
            from jupyter_client.manager import AsyncKernelManager

            self.manager = AsyncKernelManager(kernel_name="python3", **_transport())
            # the kernel inherits this process's environment now (SCR_DATA and the run's stage)
            run_sync(self.manager.start_kernel)(
                cwd=str(NOTEBOOKS_DIR), extra_arguments=KERNEL_ARGUMENTS
            )
            self.used = False
        self._run(RESET if self.used else SNAPSHOT)
        self.used = True
        return self.manager

    def _run(self, code: str) -> None:
        """Run ``code`` silently, giving up as soon as the kernel is stopped or dies."""
        from jupyter_client.blocking import BlockingKernelClient

        client = BlockingKernelClient()
        client.load_connection_info(self.manager.get_connection_info())
        client.start_channels()
        try:
            msg_id = client.execute(code, silent=True, store_history=False)
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                try:
                    reply = client.get_shell_msg(timeout=POLL_S)
                except queue.Empty:
                    if self.closed or self.manager is None or time.monotonic() > deadline:
                        raise RuntimeError("the kernel did not answer") from None
                    process = getattr(self.manager.provisioner, "process", None)
                    if process is not None and process.poll() is not None:
                        raise RuntimeError("the kernel stopped") from None
                    continue
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the kernel could not be reset: {reply['content'].get('evalue')}")

    def stop(self) -> None:
        """Stop the kernel outright (every file a notebook writes is written inside a cell).

        The process is killed directly, not through the manager's shutdown: that runs on an
        event loop of the worker's thread, and from another thread (the main one, on Ctrl-C,
        while the worker waits on the same kernel) it can wait for ever.
        """
        manager, self.manager = self.manager, None
        if manager is not None:
            kill_kernel(manager)
            with contextlib.suppress(OSError):
                manager.cleanup_connection_file()
                manager.cleanup_ipc_files()
            if manager.transport == "ipc":
                shutil.rmtree(Path(manager.ip).parent, ignore_errors=True)

    def close(self) -> None:
        """Stop the kernel and start no other: the run is over (or was interrupted)."""
        self.closed = True
        self.stop()


def _transport() -> dict:
    """How a kernel talks to the run: through socket files in a folder of its own (POSIX).

    Over TCP, jupyter_client picks a free port and the kernel binds it a moment later; a
    kernel of another run (two runs at once, or the sweep's two workers) can take it in
    between, and the kernel dies with a traceback on the user's terminal ("Address already in
    use"). Socket files in a fresh private folder cannot collide. Windows has no such sockets:
    TCP there (issue 24).
    """
    if os.name == "nt":
        return {}
    folder = tempfile.mkdtemp(prefix="scr-kernel-")  # private (0700) and unique
    return {"transport": "ipc", "ip": str(Path(folder) / "kernel")}
