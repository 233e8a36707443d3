"""What the loader compiles from a mapping gives what the plain code gives: the flattening
function written for a mapping's paths against the paths followed one by one and against the
full walk, on odd shapes and on every real record a mapping reads."""

from __future__ import annotations

from graphkit.load.nested import LIST_SEP, PathRow
from graphkit.load.values import _clean_cell

PATHS = ["a", "a.b", "a.b.c", "a.d", "RegAddress.PostTown", "n", "t", "x.y.z", "l.v",
         "q[k=v].w", "e.f-g", "e.f"]
ODD = [
    {"a": {"b": {"c": "deep"}, "d": 4}, "n": 0, "t": False, "e": {"f": "plain", "f-g": "dash"}},
    {"a": "a scalar where objects go", "x": None, "l": [], "q": [{"k": "v", "w": "kept"}, {"k": "u", "w": "no"}]},
    {"a": {"b": None}, "x": {"y.z": "dotted below"}, "RegAddress": {"PostTown": "  "}},
    {"a": [{"b": {"c": "in a list"}}, {"d": "x"}], "x": {"y": ["one", "two"]}, "l": {"v": {"#text": "element"}}},
    {"a": {"b.c": "dotted key", "d": True}, "RegAddress.PostTown": 12.5, "t": {"x": 1}},
    {"n": [1, 2], "e": [], "q": {"k": "v", "w": "single"}},
    {"l": {"v": ["first", " ", "second"]}, "n": ["only"], "t": [], "a": {"d": ["x", 1]}},
    {"l": [{"v": ["in", "lists"]}, {"v": "and not"}], "n": [" "], "e": {"f": [None, "after none"]}},
    {"a": {"b": {"c": " NULL "}, "d": "\ufeff  padded \x1a"}, "n": ["-", " "], "t": "n/a",
     "x": {"y": {"z": [" first ", "-"]}}, "l": {"v": {"#text": " None "}}},
    {},
]


def cleaned_by_hand(row: dict) -> dict:
    return {k: None if v is None else _clean_cell(v) for k, v in row.items()}


def test_the_compiled_flattening_is_the_path_by_path_one_and_the_walk_on_odd_shapes():
    flat = PathRow(sorted(PATHS))
    for record in ODD:
        assert flat.flatten(record) == flat.flatten_by_path(record) == flat.walk(record), record
    assert flat.flatten(ODD[0])["a.b.c"] == "deep"
    assert flat.flatten(ODD[3])["a.b.c"] == "in a list"
    assert flat.flatten(ODD[4])["a.b.c"] == "dotted key"
    assert flat.flatten(ODD[1])["q[k=v].w"] == "kept"
    assert flat.flatten(ODD[3])["x.y.z"] is None and flat.flatten(ODD[2])["x.y.z"] == "dotted below"
    assert flat.flatten(ODD[5])["n"] == f"1{LIST_SEP}2"
    assert flat.flatten(ODD[6])["l.v"] == f"first{LIST_SEP}second" and flat.flatten(ODD[6])["n"] == "only"
    assert flat.flatten(ODD[6])["t"] is None and flat.flatten(ODD[7])["n"] is None


def test_the_flattening_that_cleans_as_it_goes_is_the_flattening_cleaned_after():
    flat = PathRow(sorted(PATHS))
    for record in ODD:
        assert flat.cleaned(record) == cleaned_by_hand(flat.walk(record)), record
    odd = flat.cleaned(ODD[-2])
    assert odd["a.b.c"] is None and odd["t"] is None and odd["l.v"] is None and odd["n"] is None
    assert odd["a.d"] == "padded" and odd["x.y.z"] == f"first {LIST_SEP}-"



def test_digest_hashes_each_part_after_a_separator_none_apart_from_empty():
    import hashlib

    from graphkit.model import digest

    def by_part(*parts: object, length: int = 20) -> str:  # the definition, one update per part
        h = hashlib.sha1()
        for p in parts:
            h.update(("\x1f" + ("\x00" if p is None else str(p))).encode("utf-8"))
        return h.hexdigest()[:length]

    for parts in [(), (None,), ("",), ("Company", None, "", 3, 4.5, True), ("x\x1fy", "é", "ООО Ромашка")]:
        assert digest(*parts) == by_part(*parts)
    assert digest("a", length=8) == by_part("a", length=8)
    assert digest(None) != digest("")
