"""Synthetic sources drawn from the domain's statistics, for benchmarks and tests.

- ``registry``: a Russian and Kazakh company registry in the layout of ``loaders/registry.yml``
  (``python -m graphkit.synth.registry --companies 100000 --out DIR``);
- ``registries``: files in the layouts of ICIJ, UK PSC and GLEIF at any scale
  (``python -m graphkit.synth.registries psc OUT_DIR --scale 0.05``), PSC people from UK name
  frequencies with their truth;
- ``scenario``: Russian and Kazakh registry FtM files and a Latin press file with the truth of
  which records are one firm or person, and ``evaluate.score_scenario`` that scores what graphkit
  prints on it.

Each is seeded: the same arguments give the same files. They are library code (not bench/) so
that tests use them without reaching into the benchmark scripts.
"""
