"""Test data shared by several test modules: input layouts as real sources write them."""

KZ_EXPORT_COLUMNS = ["RECORD_ID", "DECLARATION_NUMBER", "REGISTRATION_DATE", "EXPORTER_CODE", "EXPORTER_NAME",
                     "EXPORTER_NAME_EN", "EXPORTER_ADDRESS", "EXPORTER_ADDRESS_EN", "BUYER_NAME", "BUYER_NAME_EN",
                     "BUYER_ADDRESS", "COUNTRY_ISO_CODE_2", "DECLARANT_CODE", "DECLARANT_NAME", "DECLARANT_NAME_EN",
                     "HS_CODE", "PRODUCT_DESCRIPTION", "PRODUCT_DESCRIPTION_EN", "CUSTOMS_VALUE_USD",
                     "VALUE_IN_FOREIGN_CURRENCY", "FOREIGN_CURRENCY", "QUANTITY", "UNIT_OF_QUANTITY", "N_WEIGHT",
                     "ORIGIN_COUNTRY_NAME_EN", "TO_COUNTRY_NAME_EN", "TRADING_COUNTRY_NAME_EN", "BRAND_EN",
                     "MANUFACTURER_EN", "CUSTOMS_OFFICE_NAME_EN", "INCOTERMS"]


def ftm_entity(eid: str, schema: str, **props: object) -> str:
    """One FollowTheMoney entity as a JSON line; single values become one-item lists."""
    import json

    return json.dumps({"id": eid, "schema": schema,
                       "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()}},
                      ensure_ascii=False)


LOAD_TIMES = ("first_loaded", "last_loaded", "loaded_at")


def graph_snapshot(store, *, without: tuple[str, ...] = (), list_order: bool = False) -> dict[str, list[tuple]]:
    """Everything a store holds, comparable: every node of each label and every relationship of
    each type with all their stored properties (lists sorted, or as stored with ``list_order``),
    rows sorted; ``without`` names properties to leave out (e.g. ``LOAD_TIMES`` when comparing two
    different loads)."""
    from graphkit.model import get_model

    def value(v: object) -> object:
        if isinstance(v, list):
            return tuple(map(str, v)) if list_order else tuple(sorted(map(str, v)))
        return str(v) if v is not None else None

    model = get_model()
    out: dict[str, list[tuple]] = {}
    for label in model.nodes:
        cols = [c for c in model.node_columns(label) if c not in without]
        rows = store._execute(f"MATCH (n:{label}) RETURN " + ", ".join(f"n.{c} AS {c}" for c in cols))
        out[label] = sorted(tuple(value(r[c]) for c in cols) for r in rows)
    for type_ in model.relationships:
        cols = [c for c in model.rel_columns(type_) if c not in without]
        rows = store._execute(f"MATCH (a)-[r:{type_}]->(b) RETURN a.id AS _a, b.id AS _b, "
                             + ", ".join(f"r.{c} AS {c}" for c in cols))
        out[type_] = sorted(tuple(value(r[c]) for c in ["_a", "_b", *cols]) for r in rows)
    return out
