"""model.yml is checked with real errors (they hold under ``python -O`` too)."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources

import pytest

from graphkit.errors import GraphkitError, ModelError
from graphkit.model import get_model, parse_model

TEXT = resources.files("graphkit").joinpath("model.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("kinds: [registration], short: OGRN", "kinds: [licence], short: OGRN", "ru-ogrn has unknown kind"),
    ("      sanctioned: bool\n  Address:", "      sanctioned: boolean\n  Address:", "unknown type boolean"),
    ("joining: [auto, accepted]", "joining: []", "no joining judgement"),
    ("between: [[Person, Person]]\n    display: {word: family", "between: [[Person, Pet]]\n    display: {word: family",
     "FAMILY names unknown label Pet"),
])
def test_a_model_that_contradicts_itself_is_refused(old, new, message):
    assert old in TEXT
    with pytest.raises(ModelError, match=message) as refused:
        parse_model(TEXT.replace(old, new, 1))
    assert isinstance(refused.value, GraphkitError)


def test_the_checks_hold_under_python_O():
    broken = TEXT.replace("joining: [auto, accepted]", "joining: []")
    code = ("import sys; from graphkit.model import parse_model\n"
            "try:\n    parse_model(sys.stdin.read())\nexcept Exception as e:\n    print(type(e).__name__)\n")
    out = subprocess.run([sys.executable, "-O", "-c", code], input=broken, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ModelError"


def test_each_scheme_has_its_kind_and_short_name():
    ids = get_model().identifiers
    assert (ids["ru-ogrn"].kinds[0], ids["ru-ogrn"].short) == ("registration", "OGRN")
    assert (ids["kz-iin"].kinds[0], ids["kz-iin"].short) == ("national_id", "IIN")
    assert get_model().generic_identifiers["national_id"].prefix == "nid"
    assert get_model().joining == ("auto", "accepted")
