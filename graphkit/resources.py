"""Where graphkit's data folders are: the query library (``cypher/``) and the loader mappings
(``loaders/``).

Both live at the top of the repository. A wheel ships them inside the package, as
``graphkit/cypher`` and ``graphkit/loaders`` (``pyproject.toml`` maps the packages
``graphkit.cypher`` and ``graphkit.loaders`` to the top-level folders); a source checkout (an
editable install, or pytest with ``pythonpath = ["."]``) reads the top-level folders in place.
No symlink is involved either way.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _folder(name: str) -> Path:
    packaged = Path(str(resources.files("graphkit").joinpath(name)))
    if packaged.is_dir():  # an installed wheel
        return packaged
    return Path(__file__).resolve().parent.parent / name  # a source checkout


def cypher_dir() -> Path:
    """The folder of the query library, ``*.cypher`` files (see graphkit/queries.py)."""
    return _folder("cypher")


def loaders_dir() -> Path:
    """The folder of the built-in loader mappings, ``*.yml`` files (see graphkit/load/mapping.py)."""
    return _folder("loaders")
