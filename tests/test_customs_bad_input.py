"""A bad cell in any of the customs layouts added for the shared samples (Russian exports,
Ukraine, Uzbekistan, Armenia) stops the load with one message naming file, line and column, and
leaves the graph as it was: a copy of each real file with one value made unreadable."""

from __future__ import annotations

import csv

import pytest
from cases import graph_snapshot
from conftest import need_real

from graphkit.errors import InvalidData
from graphkit.load import load_files
from graphkit.store.embedded import EmbeddedStore

# (file, mapping, a column the mapping reads as a number)
LAYOUTS = [
    ("ru_export_declarations_full.csv", "ru-export", "TOTAL_VALUE_USD"),
    ("ua_import_declarations_full.csv", "ua-import", "CUSTOMS_VALUE_USD"),
    ("ua_export_declarations_full.csv", "ua-export", "CUSTOMS_VALUE_USD"),
    ("ua_import_monthly_agg.csv", "ua-import-agg", "TOTALVALUE"),
    ("uz_import_declarations_full.csv", "uz-import", "CUSTOMS_VALUE_USD"),
    ("uz_export_declarations_full.csv", "uz-export", "CUSTOMS_VALUE_USD"),
    ("am_import_declarations_full.csv", "am-import", "CUSTOMS VALUE USD"),
    ("am_export_declarations_full.csv", "am-export", "CUSTOMS VALUE USD"),
]


@pytest.mark.parametrize("file, mapping, column", LAYOUTS)
def test_a_bad_value_is_named_by_file_line_and_column_and_the_graph_is_unchanged(tmp_path, file, mapping, column):
    customs = need_real() / "customs_trade"
    with (customs / file).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index(column)] = "ten dollars"  # the first data row, line 2
    bad = tmp_path / "in" / file
    bad.parent.mkdir()
    with bad.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    with EmbeddedStore(tmp_path / "g") as store:
        load_files(store, [customs / "kz_export_declarations_full.csv"], "kz-export", rejects_dir=tmp_path / "r")
        before = graph_snapshot(store)
        with pytest.raises(InvalidData) as err:
            load_files(store, [bad], mapping, rejects_dir=tmp_path / "r")
        problem = err.value.problems[0]
        assert (problem.file, problem.line, problem.column) == (file, 2, column)
        assert "'ten dollars' is not a number" in problem.message
        assert f"{file}, line 2, column '{column}'" in str(err.value)
        assert graph_snapshot(store) == before
