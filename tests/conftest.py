"""Shared fixtures: a fresh embedded store per test, the real samples, and a CLI runner that
goes through graphkit's one error boundary (``graphkit.cli.main``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.store.embedded import EmbeddedStore

REPO = Path(__file__).resolve().parent.parent
REAL = REPO.parent / "shared" / "data" / "real"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def store(tmp_path: Path):
    with EmbeddedStore(tmp_path / "graph") as s:
        yield s


@pytest.fixture
def real() -> Path:
    """The real samples in ../shared/data/real, read in place (never copied)."""
    if not REAL.is_dir():
        if IN_CI:
            pytest.fail(f"{REAL} is missing: CI must have ../shared beside the checkout")
        pytest.skip(f"{REAL} not found: put the shared folder beside the checkout to run this test")
    return REAL


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str | Path) -> Run:
    """Run ``graphkit ARGS`` in-process, as a user would, capturing output and exit code."""
    runner = CliRunner()
    code = 0
    with runner.isolation() as streams:
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = streams[0].getvalue().decode(), streams[1].getvalue().decode()
    return Run(code, out, err)


@pytest.fixture
def cli():
    return run_cli
