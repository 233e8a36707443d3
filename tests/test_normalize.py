import datetime as dt

import pytest

from graphkit import normalize as nz


@pytest.mark.parametrize("a, b", [
    ("ООО «Небесная механика»", "OOO NEBESNAYA MEHANIKA"),
    ("ТОО \"Аспан Арба\"", "ASPAN ARBA LLP"),
    ("Товарищество с ограниченной ответственностью «Аспан Арба»", "Aspan Arba TOO"),
    ("LLP WAN SHENG CERAMIC VAN SHEN КERAMIК", "TOO Wan Sheng Ceramic Van Shen Keramik"),  # Cyrillic К homoglyphs
])
def test_the_same_firm_written_differently_has_one_key(a, b):
    assert nz.name_key(a) == nz.name_key(b)


def test_similar_firms_keep_different_keys():
    assert nz.name_key("ООО «Небесная механика»") != nz.name_key("ООО «Небесная механика Плюс»")


def test_legal_form_is_kept_as_a_typed_attribute():
    assert nz.split_legal_form("ООО «Небесная механика»") == ("llc", "nebesnaya mehanika")
    assert nz.split_legal_form("ТОО Аспан Арба")[0] == "llp"
    assert nz.split_legal_form("DJI Europe B.V.")[0] == "bv"


def test_person_keys_ignore_word_order():
    assert nz.name_key("Сапожников Михаил", "Person") == nz.name_key("Mikhail Sapozhnikov", "Person") or \
        nz.name_key("Сапожников Михаил", "Person") == nz.name_key("Mihail Sapozhnikov", "Person")


def test_registry_numbers_glued_to_names_are_split_off():
    ids, rest = nz.split_glued_ids("7722476458 772201001 OOO YATASH RUS")
    assert ids == {"ru-inn": "7722476458", "ru-kpp": "772201001"}
    assert rest == "OOO YATASH RUS"
    assert nz.split_glued_ids("OOO YATASH RUS") == ({}, "OOO YATASH RUS")


def test_hs_codes_stay_strings_with_hs6_and_chapter():
    assert nz.hs_code("8806221000") == ("8806221000", "880622", "88")
    assert nz.hs_code("101210000") == ("0101210000", "010121", "01")  # spreadsheet lost the 0
    # Armenia's 11 digits (EAEU code and one more) stay as they are: ceramic tiles, not live plants
    assert nz.hs_code("69072190090") == ("69072190090", "690721", "69")
    assert nz.hs_code("NULL") is None
    with pytest.raises(ValueError):
        nz.hs_code("88O6")


def test_countries_from_names_in_any_script():
    assert nz.country("RUSSIAN FEDERATION") == "ru"
    assert nz.country("КАЗАХСТАН") == "kz"
    assert nz.country("NULL") is None


def test_countries_read_from_the_kept_table_as_rigour_looks_them_up(tmp_path, monkeypatch):
    from rigour.territories import lookup_territory
    from rigour.territories.lookup import _get_territory_names

    monkeypatch.setenv("GRAPHKIT_CACHE", str(tmp_path))
    nz.territory_names.cache_clear()
    nz.clear_caches()
    assert nz.country("England And Wales") == "gb"  # the table built, then kept
    kept = list(tmp_path.glob("territory-names-rigour-*.json"))
    assert len(kept) == 1
    nz.territory_names.cache_clear()
    nz.clear_caches()
    built = _get_territory_names()
    assert nz.territory_names() == {name: t.code for name, t in built.items()}  # read back whole
    # every name rigour knows, and codes, QIDs, spellings of the real samples' country cells
    names = [*built, "GB", "gbr", "Q145", "England", "Northern Ireland", "British", "UNITED STATES",
             "Российская Федерация", "Кыргызстан", "Hong Kong", "Virgin Islands, British", "Atlantis", " "]
    for name in names:
        t = lookup_territory(name.strip())
        assert nz.country(name) == (t.code.split("-")[0] if t else None), name
    kept[0].write_text("{not json", "utf-8")  # a damaged file is built again, not trusted
    nz.territory_names.cache_clear()
    nz.clear_caches()
    assert nz.country("Scotland") == "gb"
    assert nz.territory_names() == {name: t.code for name, t in built.items()}
    blocked = tmp_path / "a-file-not-a-folder"  # a cache folder that cannot be made: built, not kept
    blocked.write_text("", "utf-8")
    monkeypatch.setenv("GRAPHKIT_CACHE", str(blocked))
    nz.territory_names.cache_clear()
    nz.clear_caches()
    assert nz.country("Wales") == "gb" and blocked.read_text("utf-8") == ""
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".territory")]  # no half-written file left
    nz.territory_names.cache_clear()


def test_dates_and_numbers():
    assert nz.parse_date("Mar 2025", ("%b %Y",)) == dt.date(2025, 3, 1)
    assert nz.parse_date("2022-04-15") == dt.date(2022, 4, 15)
    with pytest.raises(ValueError):
        nz.parse_date("15/04/2022x")
    assert nz.parse_float("1 351,30") == 1351.3
    assert nz.parse_float("-0-") is None
