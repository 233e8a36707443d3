"""Synthetic files in the layouts of the big registries, at any scale, streamed to disk.

    python bench/registries_synth.py icij  OUT_DIR --scale 1      # 2M nodes, 3.3M relationships
    python bench/registries_synth.py psc   OUT_DIR --scale 1      # 10M JSON lines
    python bench/registries_synth.py gleif OUT_DIR --scale 1      # 2.4M LEI records, 400k relationships

Scale 1 is the size users download (ICIJ Offshore Leaks ~810k entities, 770k officers, 400k
addresses, 26k intermediaries, 3.3M relationships; the UK PSC snapshot ~10M lines; GLEIF
~2.4M Level 1 records and ~400k Level 2 relationships). Rows are written one at a time, so
memory does not grow with the scale. The shapes follow the real files (the headers, the JSON
nesting, the XML namespaces of ../shared/data/real); names are drawn from word lists, so many
firms share officers, owners and addresses as in the real data. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path
from typing import Any

WORDS = ("NORTH STAR BLUE RIVER OAK CEDAR SILVER GOLD ATLAS DELTA OMEGA ALPHA PRIME CROWN EAGLE "
         "HARBOUR SUMMIT PACIFIC BALTIC ORIENT MERIDIAN VECTOR NOBLE ROYAL GREEN WHITE").split()
FORMS = ("LIMITED", "LTD", "S.A.", "INC.", "CORP.", "HOLDINGS LIMITED", "TRUST", "FOUNDATION")
GIVEN = ("JOHN ANNA IVAN ELENA MARC SOFIA PETER MARIA DAVID OLGA CARLOS LUCIA ALI FATIMA "
         "CHEN WEI JAMES NINA").split()
SURNAMES = ("SMITH IVANOV PETROVA MUELLER GARCIA ROSSI KOWALSKI NOVAK SILVA COHEN KHAN WANG "
            "TANAKA DUBOIS JANSEN BERG").split()
JURIS = (("BVI", "British Virgin Islands", "VGB"), ("PMA", "Panama", "PAN"), ("SEY", "Seychelles", "SYC"),
         ("BAH", "Bahamas", "BHS"), ("NEV", "Nevis", "KNA"))
COUNTRIES = (("Russia", "RUS"), ("Cyprus", "CYP"), ("United Kingdom", "GBR"), ("Switzerland", "CHE"),
             ("Hong Kong", "HKG"), ("Kazakhstan", "KAZ"))
MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
NOTE = "The Panama Papers  data is current through 2015"

# full-size counts (scale 1)
ICIJ = {"entities": 810_000, "officers": 770_000, "intermediaries": 26_000, "addresses": 400_000,
        "relationships": 3_300_000}
PSC_LINES = 10_000_000
GLEIF_LEI = 2_400_000
GLEIF_RR = 400_000


def firm(r: random.Random, n: int) -> str:
    return f"{r.choice(WORDS)} {r.choice(WORDS)} {n} {r.choice(FORMS)}"


def person(r: random.Random) -> str:
    return f"{r.choice(SURNAMES)}, {r.choice(GIVEN)}"


def icij_date(r: random.Random) -> str:
    return f"{r.randint(1, 28):02d}-{r.choice(MONTHS)}-{r.randint(1990, 2015)}"


def icij(out: Path, scale: float, seed: int = 7) -> dict[str, int]:
    """The ICIJ bundle: five node files and relationships.csv."""
    r = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    n = {k: max(1, int(v * scale)) for k, v in ICIJ.items()}
    base = {"entities": 10_000_000, "officers": 12_000_000, "intermediaries": 11_000_000, "addresses": 14_000_000}

    def writer(name: str, header: list[str]) -> tuple[Any, Any]:
        fh = (out / name).open("w", encoding="utf-8", newline="")
        w = csv.writer(fh)
        w.writerow(header)
        return fh, w

    fh, w = writer("nodes-entities.csv", ["node_id", "name", "original_name", "former_name", "jurisdiction",
                                          "jurisdiction_description", "company_type", "address", "internal_id",
                                          "incorporation_date", "inactivation_date", "struck_off_date", "dorm_date",
                                          "status", "service_provider", "ibcRUC", "country_codes", "countries",
                                          "sourceID", "valid_until", "note"])
    for i in range(n["entities"]):
        j = r.choice(JURIS)
        w.writerow([base["entities"] + i, firm(r, i), "", "", j[0], j[1], "Business Company", "", i,
                    icij_date(r), "", icij_date(r) if r.random() < 0.3 else "", "", "Active", "Mossack Fonseca",
                    100_000 + i, j[2], j[1], "Panama Papers", NOTE, ""])
    fh.close()
    fh, w = writer("nodes-officers.csv", ["node_id", "name", "countries", "country_codes", "sourceID",
                                          "valid_until", "note"])
    for i in range(n["officers"]):
        c = r.choice(COUNTRIES)
        name = firm(r, i) if r.random() < 0.3 else person(r) + f" {i}"
        w.writerow([base["officers"] + i, name, c[0], c[1], "Panama Papers", NOTE, ""])
    fh.close()
    fh, w = writer("nodes-intermediaries.csv", ["node_id", "name", "status", "internal_id", "address", "countries",
                                               "country_codes", "sourceID", "valid_until", "note"])
    for i in range(n["intermediaries"]):
        c = r.choice(COUNTRIES)
        w.writerow([base["intermediaries"] + i, firm(r, i), "ACTIVE", i, "", c[0], c[1], "Panama Papers", NOTE, ""])
    fh.close()
    fh, w = writer("nodes-addresses.csv", ["node_id", "address", "name", "countries", "country_codes", "sourceID",
                                          "valid_until", "note"])
    for i in range(n["addresses"]):
        c = r.choice(COUNTRIES)
        w.writerow([base["addresses"] + i, f"{i} {r.choice(WORDS)} STREET, {c[0].upper()}", "", c[0], c[1],
                    "Panama Papers", NOTE, ""])
    fh.close()
    fh, w = writer("relationships.csv", ["node_id_start", "node_id_end", "rel_type", "link", "status",
                                         "start_date", "end_date", "sourceID"])
    links = ("shareholder of", "director of", "beneficiary of", "secretary of", "nominee shareholder of")
    for _ in range(n["relationships"]):
        x = r.random()
        entity = base["entities"] + r.randrange(n["entities"])
        if x < 0.62:
            row = [base["officers"] + r.randrange(n["officers"]), entity, "officer_of", r.choice(links), "",
                   icij_date(r), icij_date(r) if r.random() < 0.2 else ""]
        elif x < 0.87:
            row = [entity, base["addresses"] + r.randrange(n["addresses"]), "registered_address",
                   "registered address", "", "", ""]
        elif x < 0.97:
            row = [base["intermediaries"] + r.randrange(n["intermediaries"]), entity, "intermediary_of",
                   "intermediary of", "", "", ""]
        elif x < 0.99:
            row = [entity, base["entities"] + r.randrange(n["entities"]), "similar", "similar name and address as",
                   "", "", ""]
        else:
            row = [entity, base["entities"] + r.randrange(n["entities"]), "connected_to", "connected to", "", "", ""]
        w.writerow([*row, "Panama Papers"])
    fh.close()
    return {"records": sum(n.values()), **n}


def psc(out: Path, scale: float, seed: int = 7) -> dict[str, int]:
    """A PSC snapshot: JSON lines, ending with the totals record as Companies House's does."""
    r = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    lines = max(2, int(PSC_LINES * scale))
    companies = max(1, lines // 2)
    natures = ("ownership-of-shares-75-to-100-percent", "ownership-of-shares-25-to-50-percent",
               "ownership-of-shares-50-to-75-percent", "voting-rights-75-to-100-percent",
               "right-to-appoint-and-remove-directors", "significant-influence-or-control")
    with (out / "psc-snapshot.txt").open("w", encoding="utf-8") as fh:
        for i in range(lines - 1):
            number = f"{r.randrange(companies):08d}"
            x = r.random()
            address = {"premises": str(r.randint(1, 200)), "address_line_1": f"{r.choice(WORDS).title()} Street",
                       "locality": "London", "postal_code": f"E{r.randint(1, 20)} {r.randint(1, 9)}AA",
                       "country": "England"}
            nat = sorted(set(r.sample(natures, r.randint(1, 3))))
            if x < 0.70:
                data: dict[str, Any] = {
                    "kind": "individual-person-with-significant-control", "name": f"Mr {person(r)} {i % 50_000}",
                    "name_elements": {"forename": r.choice(GIVEN).title(), "surname": r.choice(SURNAMES).title()},
                    "date_of_birth": {"year": r.randint(1940, 2000), "month": r.randint(1, 12)},
                    "nationality": "British", "country_of_residence": "England", "address": address,
                    "natures_of_control": nat, "notified_on": "2016-04-06"}
            elif x < 0.95:
                uk = r.random() < 0.7
                data = {"kind": "corporate-entity-person-with-significant-control", "name": firm(r, i).title(),
                        "identification": {"legal_authority": "Companies Act 2006", "legal_form": "Limited",
                                           "country_registered": "England And Wales" if uk else "Delaware, Usa",
                                           "registration_number": f"{r.randrange(companies):08d}" if uk
                                           else f"{r.randrange(10**7)}"},
                        "address": address, "natures_of_control": nat, "notified_on": "2016-04-06"}
            else:
                data = {"kind": "persons-with-significant-control-statement", "notified_on": "2016-04-06",
                        "statement": "no-individual-or-entity-with-signficant-control"}
            data["links"] = {"self": f"/company/{number}/persons-with-significant-control/x/{i}"}
            fh.write(json.dumps({"company_number": number, "data": data}) + "\n")
        fh.write(json.dumps({"data": {"kind": "totals#persons-of-significant-control-snapshot",
                                      "persons_of_significant_control_count": lines}}) + "\n")
    return {"records": lines, "companies": companies}


LEI_NS = "http://www.gleif.org/data/schema/leidata/2016"
RR_NS = "http://www.gleif.org/data/schema/rr/2016"


def lei_code(i: int) -> str:
    return f"5493{i:014d}00"


def gleif(out: Path, scale: float, seed: int = 7) -> dict[str, int]:
    """GLEIF Level 1 (LEI-CDF) and Level 2 (RR-CDF) files."""
    r = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    n_lei = max(1, int(GLEIF_LEI * scale))
    n_rr = max(1, int(GLEIF_RR * scale))
    with (out / "lei2-golden-copy.xml").open("w", encoding="utf-8") as fh:
        fh.write(f'<?xml version="1.0" encoding="UTF-8"?><lei:LEIData xmlns:lei="{LEI_NS}">\n<lei:LEIRecords>\n')
        for i in range(n_lei):
            name = firm(r, i).replace("&", "&amp;")
            city = r.choice(WORDS).title()
            ra = "RA000585" if r.random() < 0.1 else "RA000665"
            address = f"""
         <lei:FirstAddressLine>{i} {city} Road</lei:FirstAddressLine>
         <lei:City>{city}</lei:City>
         <lei:Country>GB</lei:Country>
         <lei:PostalCode>EC{i % 9 + 1} 1AA</lei:PostalCode>
      """
            fh.write(f"""<lei:LEIRecord>
   <lei:LEI>{lei_code(i)}</lei:LEI>
   <lei:Entity>
      <lei:LegalName xml:lang="en">{name}</lei:LegalName>
      <lei:LegalAddress xml:lang="en">{address}</lei:LegalAddress>
      <lei:HeadquartersAddress xml:lang="en">{address}</lei:HeadquartersAddress>
      <lei:RegistrationAuthority>
         <lei:RegistrationAuthorityID>{ra}</lei:RegistrationAuthorityID>
         <lei:RegistrationAuthorityEntityID>{i:08d}</lei:RegistrationAuthorityEntityID>
      </lei:RegistrationAuthority>
      <lei:LegalJurisdiction>GB</lei:LegalJurisdiction>
      <lei:EntityCategory>GENERAL</lei:EntityCategory>
      <lei:LegalForm><lei:EntityLegalFormCode>H0PO</lei:EntityLegalFormCode></lei:LegalForm>
      <lei:EntityStatus>ACTIVE</lei:EntityStatus>
   </lei:Entity>
   <lei:Registration><lei:RegistrationStatus>ISSUED</lei:RegistrationStatus></lei:Registration>
</lei:LEIRecord>
""")
        fh.write("</lei:LEIRecords>\n</lei:LEIData>\n")
    types = ("IS_DIRECTLY_CONSOLIDATED_BY", "IS_ULTIMATELY_CONSOLIDATED_BY", "IS_FUND-MANAGED_BY")
    with (out / "rr-golden-copy.xml").open("w", encoding="utf-8") as fh:
        fh.write(f'<?xml version="1.0" encoding="UTF-8"?><rr:RelationshipData xmlns:rr="{RR_NS}">\n'
                 "<rr:RelationshipRecords>\n")
        for _ in range(n_rr):
            child = lei_code(r.randrange(n_lei))
            parent = lei_code(r.randrange(int(n_lei * 1.05)))  # some parents are not among the records
            fh.write(f"""<rr:RelationshipRecord>
   <rr:Relationship>
      <rr:StartNode><rr:NodeID>{child}</rr:NodeID><rr:NodeIDType>LEI</rr:NodeIDType></rr:StartNode>
      <rr:EndNode><rr:NodeID>{parent}</rr:NodeID><rr:NodeIDType>LEI</rr:NodeIDType></rr:EndNode>
      <rr:RelationshipType>{r.choice(types)}</rr:RelationshipType>
      <rr:RelationshipPeriods>
         <rr:RelationshipPeriod>
            <rr:StartDate>20{r.randint(10, 23)}-01-01T00:00:00Z</rr:StartDate>
            <rr:PeriodType>RELATIONSHIP_PERIOD</rr:PeriodType>
         </rr:RelationshipPeriod>
      </rr:RelationshipPeriods>
      <rr:RelationshipStatus>ACTIVE</rr:RelationshipStatus>
   </rr:Relationship>
   <rr:Registration><rr:RegistrationStatus>PUBLISHED</rr:RegistrationStatus></rr:Registration>
</rr:RelationshipRecord>
""")
        fh.write("</rr:RelationshipRecords>\n</rr:RelationshipData>\n")
    return {"records": n_lei + n_rr, "lei": n_lei, "rr": n_rr}


LAYOUTS = {"icij": icij, "psc": psc, "gleif": gleif}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("layout", choices=LAYOUTS)
    p.add_argument("out", type=Path)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args()
    print(json.dumps(LAYOUTS[a.layout](a.out, a.scale, a.seed)))


if __name__ == "__main__":
    main()
