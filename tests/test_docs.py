"""The README is short and the reference lives in docs/: every page it links exists, and every
relative link in the README and in docs/ leads to a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _relative_links(page: Path) -> list[str]:
    return [m for m in LINK.findall(page.read_text(encoding="utf-8")) if "://" not in m]


def test_every_relative_link_in_the_readme_and_docs_leads_to_a_file():
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    broken = [f"{page.relative_to(REPO)} -> {link}" for page in pages for link in _relative_links(page)
              if not (page.parent / link).exists()]
    assert broken == []


def test_the_readme_links_the_reference_pages():
    linked = set(_relative_links(REPO / "README.md"))
    for page in ("commands", "mappings", "resolution", "neo4j", "design", "model", "red-flags",
                 "queries", "development"):
        assert f"docs/{page}.md" in linked
