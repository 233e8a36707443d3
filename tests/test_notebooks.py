"""The notebooks run top to bottom, and their key outputs say what they should."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def run(name: str, tmp_path: Path, **env: str) -> list[str]:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    old = dict(os.environ)
    os.environ.update(env)
    try:
        # coalesce_streams: one print of several arguments is several writes, and under load the
        # kernel may flush between them; merged, the cell's output reads as the user sees it
        NotebookClient(nb, timeout=300, kernel_name="python3", coalesce_streams=True,
                       resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append(out.get("text", "") + str(out.get("data", {}).get("text/plain", "")))
    return texts


def test_investigation_walkthrough(tmp_path):
    out = "\n".join(run("investigation_walkthrough.ipynb", tmp_path))
    assert "ТОО «Аспан Арба» <-> ООО «Небесная механика» ['shared_officer', 'common_owner', 'shipment']" in out
    assert "drones declared for export from Aspan Arba to Nebesnaya Mekhanika: 524" in out
    assert "SABOSHNIKOV M." in out and "Mikhail Saboshnikov" in out
    assert "sources" in out and "demo-registry-kz:registry_kz.csv#KZ-" in out  # the evidence table (graphkit.api)
    assert ':param name => "kz-bin:220440173863"' in out and "MATCH path = (a:Company)<-[r1:OFFICER_OF|OWNS]-(p1)" in out


def test_real_samples_notebook(tmp_path, real):
    out = "\n".join(run("real_samples.ipynb", tmp_path, GRAPHKIT_REAL=str(real)))
    assert "pairs of firms with a common owner" in out
    assert "customs rows name a Russian importer by INN" in out
    assert "kek_company_ownership.ftm.jsonl" in out
