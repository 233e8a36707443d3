"""An earlier revision of the code, for a bench that measures before and after in one run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def checkout(rev: str, dest: Path) -> Path:
    """The package, queries and mappings as they were at git revision ``rev``, in ``dest`` (made
    afresh), ready to be put first on ``sys.path`` of a child process."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "graphkit", "cypher", "loaders"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest
