"""Kernels that run notebook after notebook: started once per worker, reset in between.

Starting a kernel and importing the stack costs about 2 s of CPU, and a run has eight
notebooks on two cores; so each worker keeps one kernel busy (the run's two kernels run all
eight notebooks) and, between notebooks, puts it back to a new kernel's state
(:mod:`analysis.pipeline.kernel_reset`). A kernel whose notebook failed, timed out or died is
stopped and the worker's next notebook gets a new one, so an error never carries over.
"""

from __future__ import annotations

import contextlib

from analysis.paths import NOTEBOOKS_DIR

#: The kernel's own log only at CRITICAL: its start-up chatter is noise, a cell's error reaches
#: us through nbclient, and a kernel stopped mid-message (Ctrl-C) logs a signature error with a
#: traceback that says nothing to the user. No command history: a run keeps no sqlite file in
#: ~/.ipython (nothing is written outside the run), and has no history thread to wait for.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False"]
SNAPSHOT = "import analysis.pipeline.kernel_reset as _scr_reset; _scr_reset.snapshot()"
RESET = "import analysis.pipeline.kernel_reset as _scr_reset; _scr_reset.reset()"
START_TIMEOUT_S = 60


class WorkerKernel:
    """One worker's kernel: :meth:`ready` before each notebook, :meth:`stop` at the end."""

    def __init__(self) -> None:
        self.manager = None
        self.used = False

    def ready(self):
        """A kernel manager whose kernel looks new: started now, or reset after its last use."""
        if self.manager is not None and not self.manager.is_alive():
            self.stop()
        if self.manager is None:
            from jupyter_client.manager import KernelManager

            self.manager = KernelManager(kernel_name="python3")
            # the kernel inherits this process's environment now (SCR_DATA and the run's stage)
            self.manager.start_kernel(cwd=str(NOTEBOOKS_DIR), extra_arguments=KERNEL_ARGUMENTS)
            self.used = False
        self._run(RESET if self.used else SNAPSHOT)
        self.used = True
        return self.manager

    def _run(self, code: str) -> None:
        client = self.manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=START_TIMEOUT_S)
            reply = client.execute_interactive(
                code, silent=True, store_history=False, timeout=START_TIMEOUT_S
            )
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the kernel could not be reset: {reply['content'].get('evalue')}")

    def stop(self) -> None:
        """Stop the kernel outright (every file a notebook writes is written inside a cell)."""
        if self.manager is not None:
            with contextlib.suppress(Exception):
                self.manager.shutdown_kernel(now=True)
                self.manager.cleanup_resources()
        self.manager = None
