"""The built wheel works on its own: cypher/ and loaders/ ship inside it as package data (no
symlinks), and an installed copy loads a demo file and finds its links."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "graphkit" / "demo" / "data"


@pytest.mark.slow
def test_a_built_wheel_ships_the_query_library_and_mappings_and_runs(tmp_path: Path):
    # built from a copy of the sources, so the build leaves nothing in the checkout
    src = tmp_path / "src"
    src.mkdir()
    for name in ("graphkit", "cypher", "loaders"):
        shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(REPO / name, src / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(tmp_path / "dist"), str(src)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("graphkit-*.whl")

    with zipfile.ZipFile(wheel) as zf:
        infos = zf.infolist()
        links = [i.filename for i in infos if stat.S_ISLNK(i.external_attr >> 16)]
        names = {i.filename for i in infos}
        zf.extractall(tmp_path / "site")  # a pure-Python wheel, installed by unpacking it
    assert links == []
    assert {f"graphkit/cypher/{p.name}" for p in (REPO / "cypher").glob("*.cypher")} <= names
    assert {f"graphkit/loaders/{p.name}" for p in (REPO / "loaders").glob("*.yml")} <= names

    # the unpacked wheel comes first on the path, and the run starts outside the checkout
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}

    def graphkit(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "graphkit.cli", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = subprocess.run([sys.executable, "-c", "import graphkit.resources as r; print(r.cypher_dir()); "
                            "print(r.loaders_dir())"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert where.stdout.split() == [str(tmp_path / "site" / "graphkit" / "cypher"),
                                    str(tmp_path / "site" / "graphkit" / "loaders")]
    assert "20 read, 20 loaded" in graphkit("load", str(DEMO / "registry_kz.csv"), "--mapping", "registry",
                                            "--db", "g")
    assert "19 read, 19 loaded" in graphkit("load", str(DEMO / "customs_kz_export.csv"), "--mapping",
                                            "kz-export", "--db", "g")
    out = graphkit("find-links", "Aspan Arba", "--db", "g")
    assert "B: ООО НЕБЕСНАЯ МЕХАНИКА (ru)" in out and "linked by: shipment (7 customs records)" in out
