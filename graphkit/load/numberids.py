"""Which registry numbers may become node identity in one load.

A number becomes a node's id (``ru-inn:7750004150``) only where it is unambiguous within its
source: when two records of one load that the source keeps apart carry the same number of the
scheme that would give the id, neither takes it; each keeps its source-scoped id (the id a record
without numbers gets) and still carries the number among its ``registry_ids``, so look-ups find
both and resolution sees the pair. OFAC gives VEB's INN to BANK BELVEB OJSC too: two nodes,
not one.

"Records the source keeps apart" are records of one entity of the mapping (OFAC's ``party``, a
registry's ``company``, a customs file's ``importer``; every FtM entity) whose source-scoped ids
differ (OFAC's ``ent_num``, an FtM entity id, the key columns). The same record read twice, or a
customs file naming the same importer on many declarations, is one claimant, not an ambiguity;
nor is a registry row naming a holder by the number of a firm it lists (another entity of the
mapping: a reference). A number found ambiguous is no node id for any entity of the load.

``load_files`` makes a first, counting pass over the load's files (the same readers, with
nothing written) and then the writing pass. The counting pass builds no record: the record
builder (``RecordBuilder`` in counting mode) reads only the columns of the entities that have
identifiers and the skip rules', and claims per record what decides its node id - the label,
the numbers qualified by the record's country, the source key - once per distinct set of those
cells. Cost: a second read and parse of every file, with a fraction of the build (FtM files
count in their own first pass over the ids, which they make anyway), and a
dict with one entry per distinct number in the load (its first claimant's id) plus the set of
ambiguous numbers: for a million numbers, on the order of 150 MB. ``RecordBuilder.lean_counting
= False`` counts by building every record in full, the reference the lean count is tested
against (tests/test_number_counting.py).
"""

from __future__ import annotations


class NumberClaims:
    """(entity of the mapping, number id) -> the source-scoped id of the first record claiming
    it, for one load; and the numbers found ambiguous."""

    def __init__(self) -> None:
        self.counting = True
        self._first: dict[tuple[str, str], str] = {}
        self.ambiguous: set[str] = set()

    def claim(self, number_id: str, record_id: str, entity: str = "") -> None:
        """Record that the record ``record_id`` of ``entity`` would take ``number_id`` as its id."""
        first = self._first.setdefault((entity, number_id), record_id)
        if first != record_id:
            self.ambiguous.add(number_id)

    def node_id(self, number_id: str, record_id: str, entity: str = "") -> str:
        """The node id to use: counting, ``number_id`` (claimed); writing, ``number_id`` unless
        two records of the load claim it, then ``record_id``."""
        if self.counting:
            self.claim(number_id, record_id, entity)
            return number_id
        return record_id if number_id in self.ambiguous else number_id

    def state(self) -> tuple[dict[tuple[str, str], str], set[str]]:
        """What counting has found: the first claim of each number and the ambiguous numbers
        (sent back by a process that counted a part of the load, ``merge``)."""
        return self._first, self.ambiguous

    def merge(self, state: tuple[dict[tuple[str, str], str], set[str]]) -> None:
        """Add what another count found (``state``) to this one's: a number two counts each
        claim for a different record is ambiguous, as if one count had seen both claims."""
        first, ambiguous = state
        self.ambiguous |= ambiguous
        mine = self._first
        for key, record_id in first.items():
            if mine.setdefault(key, record_id) != record_id:
                self.ambiguous.add(key[1])

    def done_counting(self) -> None:
        self.counting = False
        self._first.clear()  # only the ambiguous numbers are needed from here on
