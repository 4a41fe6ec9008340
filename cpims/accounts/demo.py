"""The local demo data set: a few partner org units and one demo user per role.

Demo only (settings.CPIMS_DEMO). Passwords are generated on first load, never committed, and kept
in var/demo-credentials.txt (mode 600) so a second `make run` can print them again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from cpims.accounts import roles as R
from cpims.accounts.models import Assignment, Role, User
from cpims.geo.models import OrgUnit


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    kind: str
    sub_county_office: str  # code of the DCS office whose area it serves


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    org_unit: str


DEMO_UNITS = (
    DemoUnit("DEMO-NGO-WESTLANDS", "Tumaini Children Support (demo NGO)", OrgUnit.Kind.NGO, "DCS-SC274"),
    DemoUnit("DEMO-CCI-WESTLANDS", "Upendo Children's Home (demo CCI)", OrgUnit.Kind.CCI, "DCS-SC274"),
    DemoUnit("DEMO-RESCUE-LANGATA", "Langata Rescue Centre (demo)", OrgUnit.Kind.RESCUE_CENTRE, "DCS-SC277"),
    DemoUnit("DEMO-COURT-NAIROBI", "Nairobi Children's Court (demo)", OrgUnit.Kind.COURT, "DCS-SC274"),
    DemoUnit("DEMO-POLICE-LODWAR", "Lodwar Police Station (demo)", OrgUnit.Kind.POLICE_STATION, "DCS-SC125"),
)

# Synthetic people: the names are invented for the demo.
DEMO_USERS = (
    DemoUser("demo.admin", "Amani", "Admin", R.SYSTEM_ADMIN, "DCS-HQ"),
    DemoUser("demo.national", "Wanjiru", "Takwimu", R.NATIONAL_ME, "DCS-HQ"),
    DemoUser("demo.coordinator", "Otieno", "Mratibu", R.COUNTY_COORDINATOR, "DCS-C047"),
    DemoUser("demo.officer", "Achieng", "Afisa", R.SUBCOUNTY_OFFICER, "DCS-SC274"),
    DemoUser("demo.volunteer", "Kiprono", "Kujitolea", R.VOLUNTEER_OFFICER, "DCS-SC274"),
    DemoUser("demo.partner", "Nasimiyu", "Mshirika", R.PARTNER_CASEWORKER, "DEMO-NGO-WESTLANDS"),
    DemoUser("demo.institution", "Mwikali", "Msimamizi", R.INSTITUTION_MANAGER, "DEMO-CCI-WESTLANDS"),
    DemoUser("demo.stakeholder", "Ekai", "Mdau", R.STAKEHOLDER_VIEWER, "DCS-HQ"),
    DemoUser("demo.turkana.coordinator", "Lokiru", "Mratibu", R.COUNTY_COORDINATOR, "DCS-C023"),
    DemoUser("demo.turkana.officer", "Akai", "Afisa", R.SUBCOUNTY_OFFICER, "DCS-SC125"),
    DemoUser("demo.dpo", "Faraja", "Mlinzi", R.DATA_PROTECTION_OFFICER, "DCS-HQ"),
)


def credentials_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-credentials.txt"


def _read_credentials() -> dict[str, str]:
    path = credentials_path()
    if not path.exists():
        return {}
    pairs = (line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)
    return {username: password for username, password in pairs}


def _write_credentials(creds: dict[str, str]) -> None:
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{u}\t{p}\n" for u, p in creds.items()), encoding="utf-8")
    path.chmod(0o600)


@transaction.atomic
def load_demo_users() -> None:
    """Create the demo units and users that do not exist yet (their passwords go to the credentials file)."""
    if not settings.CPIMS_DEMO:
        raise RuntimeError("Demo data may only be loaded with CPIMS_DEMO=true.")
    for unit in DEMO_UNITS:
        office = OrgUnit.objects.select_related("area").get(code=unit.sub_county_office)
        OrgUnit.objects.get_or_create(
            code=unit.code,
            defaults={
                "name": unit.name,
                "kind": unit.kind,
                "parent": office,
                "area": office.area,
                "county": office.county,
                "sub_county": office.sub_county,
            },
        )
    creds = _read_credentials()
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(username=spec.username, first_name=spec.first_name, last_name=spec.last_name)
            password = creds.get(spec.username) or f"demo-{secrets.token_urlsafe(9)}"
            user.set_password(password)
            user.save()
            creds[spec.username] = password
            Assignment.objects.create(
                user=user, role=Role.objects.get(code=spec.role), org_unit=OrgUnit.objects.get(code=spec.org_unit)
            )
    _write_credentials(creds)


def demo_credentials() -> dict[str, str]:
    """Username -> password of every demo user, as kept on this machine."""
    creds = _read_credentials()
    return {
        spec.username: creds.get(spec.username, "(set before this machine's credentials file)") for spec in DEMO_USERS
    }
