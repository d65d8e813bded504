"""Every path the project uses, anchored at the package (never the working directory).

Notebook runners start in ``notebooks/`` and the CLI may run from anywhere, so all paths are
derived from this file's location.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent

CODEBOOK_DIR = PACKAGE_DIR / "casedata" / "codebook"
DATA_DIR = ROOT / "data"
PUBLISHED_DIR = DATA_DIR / "published"
CONTEXT_DIR = DATA_DIR / "context"
SYNTHETIC_DIR = DATA_DIR / "synthetic"
EXAMPLES_DIR = DATA_DIR / "examples"
RAW_DIR = DATA_DIR / "raw"
NOTEBOOKS_DIR = ROOT / "notebooks"
FIGURES_DIR = ROOT / "figures"
OUTPUTS_DIR = ROOT / "outputs"
DOCS_DIR = ROOT / "docs"
#: Where `make template` writes the blank coding workbook and label files (ignored by git).
CODING_DIR = ROOT / "coding"

#: Environment variable that points every notebook and command at a researcher's own file.
DATA_ENV_VAR = "SCR_DATA"


#: Environment variable that chooses the sheet of a workbook named by ``$SCR_DATA`` (or "all").
SHEET_ENV_VAR = "SCR_SHEET"
#: The dataset's name on a run's outputs (``make reproduce NAME=...``); a neutral one if unset.
DATASET_NAME_ENV_VAR = "SCR_DATASET_NAME"

#: Environment variable that moves the folder own-data runs are written under (default runs/).
RUNS_ENV_VAR = "SCR_RUNS_DIR"


def runs_dir() -> Path:
    """Where runs on own data are written: ``$SCR_RUNS_DIR``, else ``runs/`` (ignored by git)."""
    value = os.environ.get(RUNS_ENV_VAR, "").strip()
    return Path(value).expanduser().resolve() if value else ROOT / "runs"


#: Where a relative ``$SCR_DATA`` or ``$SCR_FILE`` was typed (make sets it to the repository), so
#: a notebook kernel started in ``notebooks/`` still finds the file.
BASE_ENV_VAR = "SCR_DATA_BASE"
#: The file ``make validate FILE=...`` checks (passed in the environment, not on a command line).
FILE_ENV_VAR = "SCR_FILE"


def user_path(value: str) -> Path:
    """A path the user typed, made absolute against where they typed it."""
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = Path(os.environ.get(BASE_ENV_VAR, "").strip() or Path.cwd()) / path
    return path.resolve()


def data_override() -> Path | None:
    """Return the case-data file named by ``$SCR_DATA``, or None when unset or empty."""
    value = os.environ.get(DATA_ENV_VAR, "").strip()
    return user_path(value) if value else None


def sheet_override() -> str | None:
    """Return the workbook sheet named by ``$SCR_SHEET``, or None when unset or empty."""
    return os.environ.get(SHEET_ENV_VAR, "").strip() or None
