"""Caseload facts, statistics tables, drill-down, exports and background downloads."""
