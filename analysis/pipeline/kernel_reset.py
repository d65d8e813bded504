"""Inside a notebook kernel: make a kernel that has run a notebook look like a new one.

``reproduce`` keeps two kernels busy, each running notebook after notebook (see
:mod:`analysis.pipeline.notebooks`), because starting a kernel and importing pandas, matplotlib
and the kit costs about 2 s of CPU per notebook, a third of the run. Between two notebooks the
kernel is put back to the state a new kernel starts in, for everything :func:`reset` lists:
these functions run in the kernel (sent as silent code, recorded nowhere), and
``tests/test_reproduce.py`` checks both that a notebook polluting every one of these finds
nothing left in the next, and that chapters run this way give the same bytes as in new
kernels. Modules stay imported: that is the point, and the kit's modules hold no state a
notebook changes (their caches are of the input files, which no notebook writes, and hand out
copies). Not reset, because no chapter touches them: numpy's error and print settings and
global random state, logging, IPython configuration and event callbacks. A notebook that
needs them in a new kernel's state, or any doubt, is what ``--fresh-kernels`` is for.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings

_START: dict = {}
#: Libraries the chapters use that add warning filters when first imported (statsmodels shows
#: every ConvergenceWarning, numpy every RankWarning, ...). They are imported before the
#: snapshot, so their filters survive every reset, as a new kernel has them once it imports them.
FILTERING_LIBRARIES = (
    "numpy",
    "pandas",
    "matplotlib",
    "scipy.special",
    "scipy.sparse",
    "statsmodels.tools.sm_exceptions",
)


def snapshot() -> None:
    """Record the new kernel's state (called once, before its first notebook)."""
    for name in FILTERING_LIBRARIES:
        importlib.import_module(name)
    _START.update(
        cwd=os.getcwd(),
        environ=dict(os.environ),
        path=list(sys.path),
        filters=list(warnings.filters),
    )


def reset() -> None:
    """Put the kernel back as :func:`snapshot` found it, keeping only imported modules.

    The user namespace, the output history and the execution counter (IPython); the working
    folder, environment and import path; warning filters, and which warnings were already
    shown; matplotlib's settings and open figures; pandas' options.
    """
    shell = get_ipython()  # noqa: F821 (defined in every IPython kernel)
    shell.reset(new_session=False)  # the user namespace, In/Out and _ (as %reset -f does)
    shell.execution_count = 1
    os.chdir(_START["cwd"])
    os.environ.clear()
    os.environ.update(_START["environ"])
    sys.path[:] = _START["path"]
    warnings.filters[:] = _START["filters"]
    warnings.onceregistry.clear()
    for module in list(sys.modules.values()):  # "already shown" records, per module
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()
    warnings._filters_mutated()  # noqa: SLF001 (how warnings forgets what it has shown)
    if "matplotlib" in sys.modules:  # only a notebook that drew: nothing to reset otherwise
        matplotlib = sys.modules["matplotlib"]
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # not the backend or interactive mode, which the kernel's inline backend set
            kept = ("backend", "interactive")
            original = {k: v for k, v in matplotlib.rcParamsOrig.items() if k not in kept}
            matplotlib.rcParams.update(original)  # as when first imported
    if "pandas" in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["pandas"].reset_option("all")
