"""DHIS2: indicator mapping, data value sets (JSON, ADX) and the push."""
