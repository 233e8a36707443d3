"""An earlier revision of the code, for a bench that measures before and after in one run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
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


def measured_in_child(script: str, args: list[str], code: Path, doing: str,
                      env: dict[str, str] | None = None) -> dict[str, object]:
    """The JSON a bench ``script`` prints last when run as ``script _child *args`` in a process of
    its own, with the graphkit of ``code`` first on its path (and ``env`` added)."""
    out = subprocess.run([sys.executable, script, "_child", *args], cwd=code, capture_output=True, text=True,
                         check=False, env={**os.environ, **(env or {}), "PYTHONPATH": str(code)})
    if out.returncode:
        raise SystemExit(f"{doing} with {code} failed:\n{out.stderr[-2000:]}")
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result
