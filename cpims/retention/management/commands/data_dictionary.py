"""Write docs/data-dictionary.md from the data_dictionary.yaml files; ``--check`` fails when an entry
is missing or the document is stale (the test suite runs it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from cpims.retention import dictionary


class Command(BaseCommand):
    help = "Write docs/data-dictionary.md; with --check, fail on a missing entry or a stale document."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="Change nothing; fail when incomplete or stale.")

    def handle(self, *args: Any, **options: Any) -> None:
        found = check_or_write(write=not options["check"])
        if found:
            raise CommandError("The data dictionary is incomplete or stale:\n  " + "\n  ".join(found))
        self.stdout.write("docs/data-dictionary.md is complete and current.")


def check_or_write(*, write: bool) -> list[str]:
    entries = dictionary.load()
    with translation.override("en"):  # the field labels, in the language of the published document
        infos = dictionary.project_models()
    found = dictionary.problems(entries, infos)
    if found:
        return found
    text = dictionary.render(entries, infos)
    path = dictionary.DOC_PATH
    if write:
        path.write_text(text, encoding="utf-8")
        return []
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if current != text:
        return ["docs/data-dictionary.md is stale: run `manage.py data_dictionary` and commit it"]
    return []
