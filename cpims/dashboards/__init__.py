"""Dashboards by role, the county map and report packs."""
