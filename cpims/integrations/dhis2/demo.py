"""Demo data of the dhis2 app (CPIMS_DEMO only; idempotent).

A demo DHIS2 server at http://127.0.0.1:8080 (a local DHIS2, e.g. the dhis2/core Docker image),
user ``admin``; the password is read from CPIMS_DHIS2_PASSWORD and never stored. The dhis2_push
command runs as the demo national M&E officer.
"""

from __future__ import annotations

from cpims.accounts.models import User
from cpims.integrations.dhis2.defaults import default_document
from cpims.integrations.dhis2.models import DEFAULT_PASSWORD_ENV, Dhis2Server

DEMO_SERVER_NAME = "Local DHIS2 (demo)"


def load_demo_dhis2() -> None:
    if Dhis2Server.objects.filter(name=DEMO_SERVER_NAME).exists():
        return
    Dhis2Server.objects.create(
        name=DEMO_SERVER_NAME,
        base_url="http://127.0.0.1:8080",
        username="admin",
        password_env=DEFAULT_PASSWORD_ENV,
        data_set_uid=default_document()["data_set"]["uid"],
        run_as=User.objects.filter(username="demo.national").first(),
        # Only one server may be active; leave a real one active if an operator configured it.
        is_active=not Dhis2Server.objects.filter(is_active=True).exists(),
    )
