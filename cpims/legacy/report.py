"""The mapping report of a run: per-table counts, every rejected or unmapped legacy row and the
duplicates linked for review, as CSV and as a self-contained HTML page."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from cpims.legacy.actions import COUNT_KEYS
from cpims.legacy.models import ImportRun


def _safe(value: str) -> str:
    """Spreadsheet formulas neutralised."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def report_csv(run: ImportRun) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "table", *COUNT_KEYS, "legacy_id", "reason"])
    for table, counts in sorted(run.counts.items()):
        writer.writerow(["counts", table, *[counts.get(k, 0) for k in COUNT_KEYS], "", ""])
    for r in run.rejects.order_by("legacy_table", "legacy_id").iterator(chunk_size=2000):
        writer.writerow(["reject", r.legacy_table, *[""] * len(COUNT_KEYS), _safe(r.legacy_id), _safe(r.reason)])
    for d in run.duplicates.select_related("person", "candidate").iterator(chunk_size=2000):
        reason = f"{d.person.cpims_number} ~ {d.candidate.cpims_number} ({d.score:.2f})"
        writer.writerow(["duplicate", "reg_person", *[""] * len(COUNT_KEYS), _safe(d.legacy_id), reason])
    return out.getvalue()


def report_context(run: ImportRun, limit: int | None = None) -> dict[str, object]:
    rejects = run.rejects.order_by("legacy_table", "legacy_id")
    duplicates = run.duplicates.select_related("person", "candidate").order_by("pk")
    return {
        "run": run,
        "count_keys": COUNT_KEYS,
        "tables": [(t, [c.get(k, 0) for k in COUNT_KEYS]) for t, c in sorted(run.counts.items())],
        "rejects": rejects[:limit] if limit else rejects,
        "reject_count": rejects.count(),
        "duplicates": duplicates[:limit] if limit else duplicates,
        "duplicate_count": duplicates.count(),
    }


def write_reports(run: ImportRun, directory: Path | None = None) -> tuple[Path, Path]:
    """Write ``<run>.csv`` and ``<run>.html`` under the private files directory; returns both paths."""
    directory = directory or Path(settings.MEDIA_ROOT) / "legacy"
    directory.mkdir(parents=True, exist_ok=True)
    csv_path = directory / f"legacy-import-{run.public_id}.csv"
    html_path = directory / f"legacy-import-{run.public_id}.html"
    csv_path.write_text(report_csv(run), encoding="utf-8")
    html_path.write_text(render_to_string("legacy/report_file.html", report_context(run)), encoding="utf-8")
    run.report_path = str(html_path)
    run.save(update_fields=["report_path", "updated_at"])
    return csv_path, html_path
