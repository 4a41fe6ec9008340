"""Dashboards by role, the county map and report packs: pages over reporting's facts and roll-ups
(no models of their own)."""
