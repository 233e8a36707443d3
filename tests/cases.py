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
