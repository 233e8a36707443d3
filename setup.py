"""Only the package list, which pyproject.toml cannot state: the graphkit* packages found on
disk (data folders included, as pyproject's own ``find`` would) plus the two data packages
pyproject.toml maps to the top-level folders ``cypher/`` and ``loaders/``
(``[tool.setuptools.package-dir]``), so a wheel ships them without symlinks."""

from setuptools import find_namespace_packages, setup

setup(packages=[*find_namespace_packages(include=["graphkit*"]), "graphkit.cypher", "graphkit.loaders"])
