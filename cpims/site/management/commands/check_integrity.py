"""The application's own integrity checks, for a restored backup (or any day): every migration
applied, the system checks pass, the number counters ahead of every number issued, the audit log's
append-only triggers in place (PostgreSQL), and the records' counts printed as JSON so a restore
can be compared with its source. Exits non-zero when a check fails."""

from __future__ import annotations

import json
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max
from django.db.models.functions import Length

from cpims.audit.models import AuditEvent
from cpims.care.models import Placement
from cpims.cases.models import Case, ServiceRecord
from cpims.registry.models import Counter, Person
from cpims.registry.numbers import normalise_number

COUNTED = {"people": Person, "cases": Case, "services": ServiceRecord, "placements": Placement, "audit": AuditEvent}


def _problems() -> list[str]:
    problems = []
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        problems.append("migrations not applied")
    # Numbers are "CP", the serial zero-padded, a check digit: the longest, then the greatest text
    # is the highest serial (one indexed read, not a scan).
    last = (
        Person.objects.exclude(cpims_number="")
        .order_by(Length("cpims_number").desc(), "-cpims_number")
        .values_list("cpims_number", flat=True)
        .first()
    )
    highest = int(last[2:-1]) if last and normalise_number(last) else 0
    counter = Counter.objects.filter(name="person").aggregate(v=Max("value"))["v"] or 0
    if highest > counter:
        problems.append(f"person counter {counter} is behind the highest CPIMS number issued ({highest})")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass AND NOT tgisinternal"
            )
            if cursor.fetchone()[0] < 2:
                problems.append("the audit log's append-only triggers are missing")
    return problems


class Command(BaseCommand):
    help = "Check the database's integrity (after a restore) and print the records' counts as JSON."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("check", verbosity=0)
        problems = _problems()
        counts = {name: model._default_manager.count() for name, model in COUNTED.items()}
        self.stdout.write(json.dumps({"counts": counts, "problems": problems}, sort_keys=True))
        if problems:
            raise CommandError("; ".join(problems))
