"""Synthetic files in the layouts of the big registries, at any scale, streamed to disk.

    python -m graphkit.synth.registries icij  OUT_DIR --scale 1      # 2M nodes, 3.3M relationships
    python -m graphkit.synth.registries psc   OUT_DIR --scale 1      # 10M JSON lines
    python -m graphkit.synth.registries gleif OUT_DIR --scale 1      # 2.4M LEI records, 400k relationships

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


# --- UK PSC people, from the domain's statistics -------------------------------------------------
# Surnames: the 100 commonest in England and Wales with their approximate shares of the population
# (ONS / Office for National Statistics surname counts, per 10,000 people); together about 16 %. The
# rest of the population is drawn from a long tail of compound English surnames (Ashworth,
# Blackwell ...) with Zipf weights, and people of other nationalities from their own countries' names.
UK_SURNAMES = (
    ("Smith", 115), ("Jones", 76), ("Williams", 55), ("Taylor", 50), ("Brown", 47), ("Davies", 44),
    ("Evans", 35), ("Wilson", 31), ("Thomas", 30), ("Johnson", 29), ("Roberts", 28), ("Robinson", 24),
    ("Thompson", 24), ("Wright", 23), ("Walker", 23), ("White", 22), ("Edwards", 21), ("Hughes", 21),
    ("Green", 21), ("Hall", 20), ("Lewis", 19), ("Harris", 19), ("Clarke", 19), ("Patel", 19), ("Jackson", 18),
    ("Wood", 18), ("Turner", 17), ("Martin", 17), ("Cooper", 17), ("Hill", 17), ("Ward", 16), ("Morris", 16),
    ("Moore", 16), ("Clark", 16), ("Lee", 15), ("King", 15), ("Baker", 15), ("Harrison", 15), ("Morgan", 15),
    ("Allen", 14), ("James", 14), ("Scott", 14), ("Phillips", 13), ("Watson", 13), ("Davis", 13), ("Parker", 13),
    ("Price", 13), ("Bennett", 13), ("Young", 12), ("Griffiths", 12), ("Mitchell", 12), ("Kelly", 12),
    ("Cook", 12), ("Carter", 12), ("Richardson", 12), ("Bailey", 12), ("Collins", 12), ("Bell", 12),
    ("Shaw", 11), ("Murphy", 11), ("Miller", 11), ("Cox", 11), ("Richards", 11), ("Khan", 11), ("Marshall", 10),
    ("Anderson", 10), ("Simpson", 10), ("Ellis", 10), ("Adams", 10), ("Singh", 10), ("Begum", 10),
    ("Wilkinson", 10), ("Foster", 10), ("Chapman", 10), ("Powell", 10), ("Webb", 10), ("Rogers", 10),
    ("Gray", 10), ("Mason", 10), ("Ali", 10), ("Hunt", 10), ("Hussain", 10), ("Campbell", 10), ("Matthews", 10),
    ("Owen", 10), ("Palmer", 10), ("Holmes", 10), ("Mills", 9), ("Barnes", 9), ("Knight", 9), ("Lloyd", 9),
    ("Butler", 9), ("Russell", 9), ("Barker", 9), ("Fisher", 9), ("Stevens", 9), ("Jenkins", 9), ("Murray", 9),
    ("Dixon", 9), ("Harvey", 9))
_HEADS = ("Ash", "Black", "Brad", "Brook", "Burn", "Cald", "Cart", "Chad", "Craw", "Dal", "Dun", "Elm", "Fair",
          "Fern", "Gold", "Green", "Hart", "Hay", "Hol", "Hurst", "Kings", "Lang", "Lath", "Mar", "Mid", "Mor",
          "New", "Nor", "Oak", "Pem", "Ran", "Red", "Rush", "Sal", "Shep", "Stan", "Stock", "Sut", "Thorn",
          "Wal", "Wat", "Wes", "Whit", "Win", "Wood", "Wy", "Ather", "Bur", "Crom", "Pen")
_TAILS = ("worth", "well", "ford", "ley", "ton", "by", "field", "ham", "wood", "more", "combe", "den",
          "croft", "ridge", "shaw", "wick", "stone", "bury", "hurst", "land", "dale", "sell", "ington", "er",
          "ing", "cott", "low", "brook", "gate", "burn")
# given names of people born 1945-1990 in England and Wales, commonest first (ONS baby names)
MALE = ("David John Paul Michael Mark Andrew Richard Peter James Robert Stephen Christopher Ian Simon "
        "Anthony Thomas Daniel Matthew Steven Gary Martin Jonathan Nicholas Philip Alan Graham Neil Kevin "
        "Timothy Adam Lee Jason Darren William Benjamin Colin Keith Brian Craig Carl Stuart Russell Dean "
        "Wayne Shaun Jeremy Roger Derek Barry Trevor Geoffrey Malcolm Raymond Edward Patrick Joseph Luke "
        "Samuel Oliver Charles George Henry Marc Karl Nigel Julian Rupert Hugh Alistair Gordon Kenneth").split()
FEMALE = ("Sarah Susan Julie Karen Elizabeth Helen Jane Claire Emma Nicola Joanne Rachel Lisa Caroline "
          "Amanda Louise Catherine Jacqueline Margaret Alison Michelle Victoria Laura Deborah Rebecca Anne "
          "Patricia Samantha Gillian Kate Jennifer Lucy Charlotte Amy Hannah Sophie Jessica Tracey Dawn "
          "Angela Wendy Christine Lynn Diane Sharon Kerry Joanna Fiona Ruth Mary Alexandra Katherine Natalie "
          "Zoe Lorraine Beverley Heidi Emily Georgina Harriet Philippa Penelope Linda Pauline Janet").split()
# nationalities of individual PSCs (shares in per cent, roughly as the register reports them),
# with names for those not British
NATIONALITIES = (("British", 80.0), ("Irish", 1.6), ("Indian", 2.0), ("Polish", 1.5), ("Chinese", 2.5),
                 ("American", 1.5), ("Italian", 1.4), ("Romanian", 1.5), ("German", 1.0), ("French", 1.0),
                 ("Pakistani", 1.2), ("Nigerian", 1.1), ("Bulgarian", 0.8), ("Lithuanian", 0.7), ("Spanish", 0.8),
                 ("Portuguese", 0.6), ("English", 0.5), ("Welsh", 0.2), ("Scottish", 0.1))
FOREIGN = {
    "Indian": ("Patel Sharma Singh Kumar Gupta Shah Mehta Reddy Nair Rao Iyer Joshi Desai Kapoor Malhotra",
               "Rahul Amit Sanjay Vikram Arjun Ravi Anil Rajesh Suresh Deepak", "Priya Anjali Neha Pooja Sunita Kavita Meera Anita"),
    "Polish": ("Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Szymanski Wozniak Kuczkowski",
               "Piotr Krzysztof Tomasz Pawel Marcin Michal Karol Jakub Lukasz Andrzej", "Anna Katarzyna Magdalena Agnieszka Joanna Ewa Monika"),
    "Chinese": ("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin",
                "Wei Jun Hao Lei Jian Ming Tao Peng Bo Qiang", "Xiu Ying Mei Hui Jing Yan Li Fang Na"),
    "Italian": ("Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo",
                "Marco Luca Giuseppe Alessandro Andrea Francesco Matteo Paolo", "Giulia Francesca Chiara Sara Valentina Elena"),
    "Romanian": ("Popescu Ionescu Popa Pop Radu Dumitru Stan Stoica Gheorghe Matei Ciobanu Rusu",
                 "Andrei Alexandru Ionut Mihai Florin Gabriel Adrian Cristian", "Elena Ioana Maria Andreea Mihaela Alina"),
    "Pakistani": ("Khan Ahmed Ali Hussain Malik Iqbal Raza Butt Shah Rehman Chaudhry Akhtar",
                  "Muhammad Imran Asif Tariq Bilal Usman Kamran Faisal", "Ayesha Fatima Sana Nadia Saima Rabia"),
    "Nigerian": ("Okafor Adeyemi Okonkwo Eze Adebayo Ogunleye Nwosu Balogun Ibrahim Olawale",
                 "Chukwuemeka Oluwaseun Adebayo Emeka Tunde Ifeanyi Segun", "Ngozi Chioma Funmilayo Adaeze Folake"),
    "Bulgarian": ("Ivanov Georgiev Dimitrov Petrov Nikolov Hristov Stoyanov Todorov Iliev Angelov",
                  "Georgi Ivan Dimitar Nikolay Petar Hristo Stoyan", "Maria Ivana Elena Desislava Gergana"),
    "Lithuanian": ("Kazlauskas Jankauskas Petrauskas Stankevicius Vasiliauskas Zukauskas Butkus Paulauskas",
                   "Tomas Mantas Darius Andrius Mindaugas Jonas", "Ruta Egle Laura Agne Ieva Jurgita"),
    "American": ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Anderson",
                 "Michael Christopher Matthew Joshua David Daniel Ryan Brandon", "Jennifer Ashley Jessica Amanda Sarah Megan"),
    "German": ("Mueller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann",
               "Thomas Michael Andreas Stefan Markus Christian Juergen", "Sabine Petra Claudia Andrea Susanne Katrin"),
    "French": ("Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau",
               "Jean Pierre Nicolas Philippe Laurent Olivier Julien", "Marie Nathalie Isabelle Sophie Camille Julie"),
    "Spanish": ("Garcia Fernandez Gonzalez Rodriguez Lopez Martinez Sanchez Perez Gomez Martin",
                "Javier Carlos Jose Antonio David Manuel Pablo", "Maria Laura Carmen Ana Lucia Marta"),
    "Portuguese": ("Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Jesus Sousa",
                   "Joao Pedro Tiago Rui Nuno Miguel Andre", "Ana Maria Catarina Ines Sofia Joana"),
}
RESIDENCE = (("England", 84.0), ("Scotland", 7.0), ("Wales", 4.0), ("Northern Ireland", 2.0), ("United Kingdom", 3.0))
#: addresses of formation agents and accountants that thousands of unrelated PSCs give as their
#: service address (Kemp House, 160 City Road is the register's best known)
AGENTS = tuple((str(n), street, town, code) for n, street, town, code in (
    ("160", "City Road", "London", "EC1V 2NX"), ("20-22", "Wenlock Road", "London", "N1 7GU"),
    ("71-75", "Shelton Street", "London", "WC2H 9JQ"), ("27", "Old Gloucester Street", "London", "WC1N 3AX"),
    ("128", "City Road", "London", "EC1V 2NX"), ("86-90", "Paul Street", "London", "EC2A 4NE"),
    ("2", "Frederick Street", "London", "WC1X 0ND"), ("7", "Bell Yard", "London", "WC2A 2JR"),
    ("1", "Royal Exchange", "London", "EC3V 3DG"), ("3rd Floor 207", "Regent Street", "London", "W1B 3HH"),
    ("Suite 1 Second Floor", "Everdene House", "Bournemouth", "BH7 7DU"),
    ("International House 12", "Constance Street", "London", "E16 2DQ")))
TOWNS = (("London", "E"), ("London", "N"), ("London", "SW"), ("Manchester", "M"), ("Birmingham", "B"),
         ("Leeds", "LS"), ("Bristol", "BS"), ("Glasgow", "G"), ("Edinburgh", "EH"), ("Cardiff", "CF"),
         ("Harrogate", "HG"), ("Hull", "HU"), ("Leicester", "LE"), ("Nottingham", "NG"), ("Sheffield", "S"),
         ("Liverpool", "L"), ("Newport", "NP"), ("Reading", "RG"), ("Oxford", "OX"), ("Norwich", "NR"))
STREETS = ("High Street", "Station Road", "Church Lane", "Park Road", "Victoria Road", "Green Lane", "Manor Road",
           "Church Street", "Park Avenue", "The Avenue", "Queens Road", "New Road", "Grange Road", "Kings Road",
           "Princes Square", "Mill Lane", "School Lane", "North Street", "London Road", "York Road")
_MIDS = ("", "er", "ing", "en", "ar", "el", "ow", "in", "on", "es", "and", "ig")
SERIAL_SHARE = 0.15  # people who control several firms (the register: about one in seven)


def _weighted(pairs: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    return [p for p, _ in pairs], [float(w) for _, w in pairs]


_UK = _weighted(UK_SURNAMES)
_NAT = _weighted(NATIONALITIES)
_RES = _weighted(RESIDENCE)
_GIVEN_W = {sex: [1.0 / (rank + 8) for rank in range(len(names))] for sex, names in (("m", MALE), ("f", FEMALE))}


def _surname(r: random.Random) -> str:
    x = r.random()
    if x < 0.16:  # the 100 commonest
        return r.choices(*_UK)[0]
    if x < 0.41:  # the next thousand or so, each about 1.7 in 10,000
        return r.choice(_HEADS) + r.choice(_TAILS)
    return (r.choice(_HEADS) + r.choice(_MIDS) + r.choice(_TAILS)).capitalize()  # the long tail


def _given(r: random.Random, sex: str) -> str:
    names = MALE if sex == "m" else FEMALE
    return r.choices(names, _GIVEN_W[sex])[0]


def _home(r: random.Random) -> dict[str, str]:
    town, area = r.choice(TOWNS)
    return {"premises": str(r.randint(1, 250)), "address_line_1": r.choice(STREETS), "locality": town,
            "postal_code": f"{area}{r.randint(1, 30)} {r.randint(1, 9)}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                           f"{r.choice('ABDEFGHJLNPQRSTUWXYZ')}", "country": "England"}


def _identity(r: random.Random, number: int, sex: str | None = None, surname: str | None = None,
              near_year: int | None = None, like: dict[str, Any] | None = None) -> dict[str, Any]:
    """One person: what every PSC line about them repeats (Companies House checks name, birth month
    and year, nationality against the filing), plus the service address they usually give."""
    sex = sex or ("m" if r.random() < 0.70 else "f")  # about seven in ten PSCs are men
    nationality = like["nationality"] if like else r.choices(*_NAT)[0]
    foreign = FOREIGN.get(nationality)
    if foreign and nationality != "American" or (foreign and r.random() < 0.5):
        surnames, male, female = (s.split() for s in foreign)
        surname = surname or r.choice(surnames)
        forename = r.choice(male if sex == "m" else female)
        middles = []
    else:
        surname = surname or _surname(r)
        forename = _given(r, sex)
        k = r.choices((0, 1, 2), (23, 65, 12))[0]
        middles = [m for m in (_given(r, sex) for _ in range(k)) if m != forename]
    year = near_year + r.randint(-5, 5) if near_year else int(r.triangular(1935, 2003, 1970))
    residence = "England" if nationality in ("English",) else r.choices(*_RES)[0] if nationality in (
        "British", "Welsh", "Scottish") or r.random() < 0.8 else {"Indian": "India", "Chinese": "China", "Polish": "Poland",
                                                                   "American": "United States"}.get(nationality, "England")
    title = ("Mr" if sex == "m" else r.choice(("Mrs", "Mrs", "Ms", "Miss"))) if r.random() < 0.85 else \
        (r.choice(("Dr", "")) if r.random() < 0.4 else "")
    return {"person": number, "sex": sex, "forename": forename, "middles": middles, "surname": surname,
            "title": title, "year": min(year, 2004), "month": r.randint(1, 12), "nationality": nationality,
            "residence": residence, "home": like["home"] if like else _home(r)}


def _slip(r: random.Random, word: str) -> str:
    """A typing slip: one letter doubled or dropped."""
    i = r.randrange(1, len(word))
    return word[:i] + word[i - 1] + word[i:] if r.random() < 0.5 else word[:i] + word[i + 1:]


_TRADES = ("Holdings", "Group", "Properties", "Investments", "Services", "Developments", "Estates", "Care",
           "Consulting", "Engineering", "Capital", "Trading", "Construction", "Homes", "Logistics", "Media")


def _corporate(r: random.Random) -> str:
    """A corporate PSC's name as the register shows them ("Robert Hitchins Limited", "Wpp Rocky
    Ltd", "Hull Citycare (Intermediate 2) Ltd"): a family or place name, a trade, a legal form."""
    head = _surname(r) if r.random() < 0.6 else r.choice(TOWNS)[0]
    tail = f" ({r.choice(_TRADES)} {r.randint(1, 9)})" if r.random() < 0.05 else ""
    return f"{head} {r.choice(_TRADES)}{tail} {r.choice(('Limited', 'Ltd', 'Holdings Limited', 'Plc', 'LLP'))}"


def _psc_line(r: random.Random, p: dict[str, Any], office: dict[str, str]) -> dict[str, Any]:
    """One PSC line of person ``p`` at a firm whose registered office is ``office``: the same
    person as filed by another firm (or another agent) varies as the register does."""
    forename, surname, middles, title = p["forename"], p["surname"], list(p["middles"]), p["title"]
    if middles and r.random() < 0.15:  # the middle name left out by this filing
        middles = []
    if r.random() < 0.08:
        title = {"Mr": "Mr.", "Mrs": "", "": "Mr" if p["sex"] == "m" else "Ms"}.get(title, "")
    if r.random() < 0.01:
        surname = _slip(r, surname)
    elif r.random() < 0.01:
        forename = _slip(r, forename)
    x = r.random()
    address = p["home"] if x < 0.55 else office if x < 0.85 else dict(zip(
        ("premises", "address_line_1", "locality", "postal_code"), r.choice(AGENTS), strict=True)) | {
        "country": "England"}
    nationality = p["nationality"]
    if nationality == "British" and r.random() < 0.04:
        nationality = {"Scotland": "Scottish", "Wales": "Welsh"}.get(p["residence"], "English")
    residence = "United Kingdom" if p["residence"] == "England" and r.random() < 0.08 else p["residence"]
    name = " ".join(x for x in (title, forename, *middles, surname) if x)
    elements = {"forename": forename, "surname": surname} | ({"middle_name": " ".join(middles)} if middles else {}) \
        | ({"title": title} if title else {})
    return {"kind": "individual-person-with-significant-control", "name": name, "name_elements": elements,
            "date_of_birth": {"month": p["month"], "year": p["year"]}, "nationality": nationality,
            "country_of_residence": residence, "address": address}


def _next_person(r: random.Random, waiting: list[list[Any]], found: list[dict[str, Any]],
                 people: int) -> tuple[dict[str, Any], int]:
    """The individual a firm's next PSC line names, and the count of people drawn so far: one
    of several firms' people still to be filed, the spouse (or now and then the son) of the
    firm's first PSC, or a new person, who may go on to control other firms. A person has one
    spouse and at most one son named after him: drawn again, they are the same person (kept
    with the first PSC, so memory does not grow with the snapshot), and a relative this firm
    has already filed makes way for someone new."""
    y = r.random()
    if waiting and y < 0.3:
        k = r.randrange(len(waiting))
        p = waiting[k][0]
        waiting[k][1] -= 1
        if waiting[k][1] <= 0:
            waiting[k] = waiting[-1]
            waiting.pop()
        return p, people
    first = found[0] if found else None
    if first and y < 0.6:  # a spouse, or now and then a son with his father's name
        kin = "son" if r.random() < 0.05 and first["sex"] == "m" else "spouse"
        known = first.get(kin)
        if known is None:
            people += 1
            if kin == "son":
                known = {k: v for k, v in first.items() if k not in ("son", "spouse")}
                known.update(person=people, year=first["year"] + r.randint(22, 35), month=r.randint(1, 12),
                             middles=[_given(r, "m")] if r.random() < 0.7 else [])
            else:
                known = _identity(r, people, sex="f" if first["sex"] == "m" else "m",
                                  surname=first["surname"], near_year=first["year"], like=first)
            first[kin] = known
            return known, people
        if all(p["person"] != known["person"] for p in found):
            return known, people
    people += 1
    p = _identity(r, people)
    if r.random() < SERIAL_SHARE:
        waiting.append([p, r.choices((1, 2, 3, 5, 10), (55, 20, 12, 8, 5))[0]])
    return p, people


def psc(out: Path, scale: float, seed: int = 7, truth: bool = False) -> dict[str, int]:
    """A PSC snapshot: JSON lines, ending with the totals record as Companies House's does.

    Firms have one to four PSCs; individuals are drawn from UK name frequencies, nationalities
    and birth years (see the tables above), and one in seven (``SERIAL_SHARE``) controls several
    firms, filed each time as the register varies a person: the middle name left out, the title
    changed, the firm's registered office or a formation agent given as the service address, now
    and then a slip in a name. Spouses share a surname and a home; a son may carry his father's
    name; a person has one spouse and at most one such son (the generator once drew a new one
    each time, and two spouses of one man, both "Andreea Ciobanu, Romanian, born 1968-12", were
    two people identical in every field the register holds). ``truth``: also write
    ``truth-psc.csv`` (each individual line's ``links.self`` and the person it is), for
    measuring resolution against."""
    r = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    lines = max(2, int(PSC_LINES * scale))
    natures = ("ownership-of-shares-75-to-100-percent", "ownership-of-shares-25-to-50-percent",
               "ownership-of-shares-50-to-75-percent", "voting-rights-75-to-100-percent",
               "right-to-appoint-and-remove-directors", "significant-influence-or-control")
    waiting: list[list[Any]] = []  # people of several firms with filings still to come: [identity, filings left]
    people = companies = 0
    truth_fh = (out / "truth-psc.csv").open("w", encoding="utf-8", newline="") if truth else None
    truth_w = csv.writer(truth_fh) if truth_fh else None
    if truth_w:
        truth_w.writerow(["self", "person"])
    written = 0
    with (out / "psc-snapshot.txt").open("w", encoding="utf-8") as fh:
        while written < lines - 1:
            companies += 1
            number = f"{r.randrange(10**8):08d}"
            office = _home(r)
            found: list[dict[str, Any]] = []
            for slot in range(r.choices((1, 2, 3, 4), (50, 35, 10, 5))[0]):
                if written >= lines - 1:
                    break
                x = r.random()
                if slot == 0 and x < 0.057:
                    data: dict[str, Any] = {"kind": "persons-with-significant-control-statement",
                                            "statement": "no-individual-or-entity-with-signficant-control"}
                elif x < 0.14:
                    uk = r.random() < 0.7
                    data = {"kind": "corporate-entity-person-with-significant-control",
                            "name": _corporate(r),
                            "identification": {"legal_authority": "Companies Act 2006", "legal_form": "Limited",
                                               "country_registered": "England And Wales" if uk else "Delaware, Usa",
                                               "registration_number": f"{r.randrange(10**8):08d}" if uk
                                               else f"{r.randrange(10**7)}"},
                            "address": office}
                else:
                    p, people = _next_person(r, waiting, found, people)
                    found.append(p)
                    data = _psc_line(r, p, office)
                data["notified_on"] = f"{r.randint(2016, 2024)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
                if data["kind"] != "persons-with-significant-control-statement":
                    data["natures_of_control"] = sorted(set(r.sample(natures, r.randint(1, 3))))
                kind = "individual" if data["kind"].startswith("individual") else data["kind"].split("-")[0]
                data["links"] = {"self": f"/company/{number}/persons-with-significant-control/{kind}/x{written}"}
                if truth_w and kind == "individual":
                    truth_w.writerow([data["links"]["self"], found[-1]["person"]])
                fh.write(json.dumps({"company_number": number, "data": data}) + "\n")
                written += 1
        fh.write(json.dumps({"data": {"kind": "totals#persons-of-significant-control-snapshot",
                                      "persons_of_significant_control_count": lines}}) + "\n")
    if truth_fh:
        truth_fh.close()
    return {"records": lines, "companies": companies, "people": people}


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
# the built-in mappings that load each layout, in order (relationships after the nodes they name)
MAPPINGS = {"icij": ["icij"], "psc": ["uk-psc"], "gleif": ["gleif-lei", "gleif-rr"]}


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
