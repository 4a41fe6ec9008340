"""The legacy CPIMS tables the import reads, as DDL written from the legacy model definitions
(cpovc_main, cpovc_registry, cpovc_auth, cpovc_forms), in the SQL subset SQLite and PostgreSQL
share; and a small synthetic legacy database with the messy cases the import must handle.

Names are synthetic (invented for the tests); no real person's data."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

TABLES = {
    "list_geo": """area_id INTEGER PRIMARY KEY, area_type_id VARCHAR(50) NOT NULL, area_name VARCHAR(100) NOT NULL,
        area_code VARCHAR(10), parent_area_id INTEGER, area_name_abbr VARCHAR(5),
        timestamp_created TIMESTAMP, timestamp_updated TIMESTAMP, is_void BOOLEAN NOT NULL DEFAULT FALSE""",
    "reg_org_unit": """id INTEGER PRIMARY KEY, org_unit_id_vis VARCHAR(12) NOT NULL,
        org_unit_name VARCHAR(255) NOT NULL,
        org_unit_type_id VARCHAR(4) NOT NULL, date_operational DATE, date_closed DATE,
        handle_ovc BOOLEAN NOT NULL DEFAULT FALSE, is_void BOOLEAN NOT NULL DEFAULT FALSE,
        parent_org_unit_id INTEGER, created_by_id INTEGER, created_at DATE""",
    "reg_person": """id INTEGER PRIMARY KEY, designation VARCHAR(25), first_name VARCHAR(255) NOT NULL,
        other_names VARCHAR(255), surname VARCHAR(255) NOT NULL, email VARCHAR(254), des_phone_number INTEGER,
        date_of_birth DATE, date_of_death DATE, sex_id VARCHAR(4) NOT NULL, is_void BOOLEAN NOT NULL DEFAULT FALSE,
        created_by_id INTEGER, created_at DATE""",
    "auth_user": """id INTEGER PRIMARY KEY, password VARCHAR(128) NOT NULL, last_login TIMESTAMP,
        is_superuser BOOLEAN NOT NULL DEFAULT FALSE, reg_person_id INTEGER NOT NULL UNIQUE, role VARCHAR(20),
        username VARCHAR(20) NOT NULL UNIQUE, is_staff BOOLEAN NOT NULL DEFAULT FALSE,
        is_active BOOLEAN NOT NULL DEFAULT TRUE, date_joined TIMESTAMP, timestamp_created TIMESTAMP,
        timestamp_updated TIMESTAMP, password_changed_timestamp TIMESTAMP""",
    "reg_persons_types": """id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL, person_type_id VARCHAR(4) NOT NULL,
        date_began DATE, date_ended DATE, is_void BOOLEAN NOT NULL DEFAULT FALSE""",
    "reg_persons_geo": """id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL, area_id INTEGER NOT NULL,
        area_type VARCHAR(4) NOT NULL, date_linked DATE, date_delinked DATE, is_void BOOLEAN NOT NULL DEFAULT FALSE""",
    "reg_persons_org_units": """id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL, org_unit_id INTEGER NOT NULL,
        date_linked DATE, date_delinked DATE, primary_unit BOOLEAN NOT NULL DEFAULT FALSE,
        reg_assistant BOOLEAN NOT NULL DEFAULT FALSE, is_void BOOLEAN NOT NULL DEFAULT FALSE""",
    "reg_persons_external_ids": """id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL,
        identifier_type_id VARCHAR(4) NOT NULL,
        identifier VARCHAR(255) NOT NULL, is_void BOOLEAN NOT NULL DEFAULT FALSE""",
    "reg_persons_guardians": """id INTEGER PRIMARY KEY, child_person_id INTEGER NOT NULL,
        guardian_person_id INTEGER NOT NULL,
        relationship VARCHAR(5) NOT NULL, date_linked DATE, date_delinked DATE,
        child_headed BOOLEAN NOT NULL DEFAULT FALSE, is_void BOOLEAN NOT NULL DEFAULT FALSE""",
    "ovc_case_record": """case_id UUID PRIMARY KEY, case_serial VARCHAR(50) NOT NULL,
        perpetrator_status VARCHAR(20) NOT NULL,
        perpetrator_first_name VARCHAR(100), perpetrator_other_names VARCHAR(100), perpetrator_surname VARCHAR(100),
        perpetrator_relationship_type VARCHAR(50), risk_level VARCHAR(50) NOT NULL, date_case_opened DATE,
        case_reporter_first_name VARCHAR(100), case_reporter_other_names VARCHAR(100),
        case_reporter_surname VARCHAR(100), case_reporter_contacts VARCHAR(20), case_reporter VARCHAR(20) NOT NULL,
        court_name VARCHAR(200), court_number VARCHAR(50), police_station VARCHAR(200), ob_number VARCHAR(50),
        case_status VARCHAR(50) NOT NULL, referral_present VARCHAR(10) NOT NULL, timestamp_created TIMESTAMP,
        is_void BOOLEAN NOT NULL DEFAULT FALSE, sync_id UUID, parent_case_id UUID, created_by INTEGER,
        person_id INTEGER NOT NULL, case_remarks TEXT, date_of_summon DATE, summon_status BOOLEAN,
        case_stage INTEGER NOT NULL DEFAULT 0""",
    "ovc_case_geo": """id INTEGER PRIMARY KEY, case_id_id UUID NOT NULL, report_subcounty_id INTEGER NOT NULL,
        report_ward VARCHAR(100), report_village VARCHAR(100), report_orgunit_id INTEGER,
        occurence_county_id INTEGER, occurence_subcounty_id INTEGER, occurence_ward VARCHAR(100) NOT NULL,
        occurence_village VARCHAR(100) NOT NULL, timestamp_created TIMESTAMP, is_void BOOLEAN NOT NULL DEFAULT FALSE,
        sync_id UUID, person_id INTEGER NOT NULL""",
    "ovc_case_category": """case_category_id UUID PRIMARY KEY, case_id_id UUID NOT NULL,
        case_category VARCHAR(4) NOT NULL,
        case_grouping_id UUID, date_of_event DATE NOT NULL, place_of_event VARCHAR(4) NOT NULL,
        case_nature VARCHAR(4) NOT NULL, timestamp_created TIMESTAMP, is_void BOOLEAN NOT NULL DEFAULT FALSE,
        sync_id UUID, person_id INTEGER NOT NULL""",
    "ovc_case_sub_category": """case_sub_category_id UUID PRIMARY KEY, case_category_id UUID NOT NULL,
        case_grouping_id UUID, sub_category_id VARCHAR(4) NOT NULL, person_id INTEGER NOT NULL,
        timestamp_created TIMESTAMP, is_void BOOLEAN NOT NULL DEFAULT FALSE, sync_id UUID""",
    "ovc_case_events": """case_event_id UUID PRIMARY KEY, case_event_type_id VARCHAR(20) NOT NULL,
        date_of_event DATE NOT NULL,
        case_event_details VARCHAR(100) NOT NULL, case_event_notes VARCHAR(1000) NOT NULL,
        case_event_outcome VARCHAR(250), next_hearing_date DATE, next_mention_date DATE, plea_taken VARCHAR(4),
        application_outcome VARCHAR(4), placement_id_id UUID, timestamp_created TIMESTAMP,
        is_void BOOLEAN NOT NULL DEFAULT FALSE, sync_id UUID, case_id_id UUID, app_user_id INTEGER NOT NULL""",
    "ovc_case_event_encounters": """service_id UUID PRIMARY KEY, service_provided VARCHAR(250) NOT NULL,
        service_provider VARCHAR(250), place_of_service VARCHAR(250), date_of_encounter_event DATE NOT NULL,
        case_event_id_id UUID NOT NULL, service_grouping_id UUID, timestamp_created TIMESTAMP,
        case_category_id UUID, is_void BOOLEAN NOT NULL DEFAULT FALSE, sync_id UUID""",
    "ovc_case_event_closure": """closure_id UUID PRIMARY KEY, case_outcome VARCHAR(4) NOT NULL,
        date_of_case_closure DATE NOT NULL, case_closure_notes VARCHAR(1000) NOT NULL, transfer_to_id INTEGER,
        case_event_id_id UUID NOT NULL, created_by INTEGER, timestamp_created TIMESTAMP,
        is_void BOOLEAN NOT NULL DEFAULT FALSE, is_active BOOLEAN NOT NULL DEFAULT TRUE, sync_id UUID""",
    "ovc_case_event_summon": """summon_id UUID PRIMARY KEY, honoured BOOLEAN NOT NULL DEFAULT FALSE, honoured_date DATE,
        summon_date DATE, summon_note VARCHAR(250), case_event_id_id UUID NOT NULL, timestamp_created TIMESTAMP,
        case_category_id UUID, is_void BOOLEAN NOT NULL DEFAULT FALSE, sync_id UUID""",
    "ovc_household": """id UUID PRIMARY KEY, head_person_id INTEGER NOT NULL, head_identifier VARCHAR(255) NOT NULL,
        created_at TIMESTAMP, is_void BOOLEAN NOT NULL DEFAULT FALSE""",
    "ovc_household_members": """id UUID PRIMARY KEY, house_hold_id UUID NOT NULL, person_id INTEGER NOT NULL,
        hh_head BOOLEAN NOT NULL DEFAULT FALSE, member_type VARCHAR(4) NOT NULL, member_alive VARCHAR(4) NOT NULL,
        death_cause VARCHAR(4), hiv_status VARCHAR(4), date_linked DATE NOT NULL, date_delinked DATE,
        is_void BOOLEAN NOT NULL DEFAULT FALSE""",
    "ovc_referrals": """refferal_id UUID PRIMARY KEY, refferal_actor_type VARCHAR(4) NOT NULL,
        refferal_actor_specify VARCHAR(50) NOT NULL, refferal_to VARCHAR(4) NOT NULL,
        refferal_status VARCHAR(20) NOT NULL,
        refferal_startdate DATE NOT NULL, refferal_enddate DATE, case_category_id UUID, referral_grouping_id UUID,
        case_id_id UUID NOT NULL, timestamp_created TIMESTAMP, is_void BOOLEAN NOT NULL DEFAULT FALSE, sync_id UUID,
        person_id INTEGER NOT NULL""",
    "ovc_placement": """placement_id UUID PRIMARY KEY, admission_number VARCHAR(50) NOT NULL,
        residential_institution_name VARCHAR(100) NOT NULL, residential_institution_id INTEGER NOT NULL,
        admission_date DATE, admission_type VARCHAR(4) NOT NULL, transfer_from VARCHAR(100),
        transfer_from_institution_id INTEGER, admission_reason VARCHAR(100) NOT NULL, holding_period INTEGER,
        committing_period_units VARCHAR(4), committing_period INTEGER, current_residential_status VARCHAR(4) NOT NULL,
        has_court_committal_order VARCHAR(4) NOT NULL, free_for_adoption VARCHAR(4), court_order_number VARCHAR(20),
        court_order_issue_date DATE, committing_court VARCHAR(100), placement_notes TEXT, ob_number VARCHAR(20),
        placement_type VARCHAR(10) NOT NULL, person_id INTEGER NOT NULL, transfer_to_institution_id INTEGER,
        case_record_id UUID, created_by INTEGER, is_active BOOLEAN NOT NULL DEFAULT TRUE, timestamp_created TIMESTAMP,
        is_void BOOLEAN NOT NULL DEFAULT FALSE, sync_id UUID""",
    "ovc_placement_followup": """placememt_followup_id UUID PRIMARY KEY, followup_type VARCHAR(100) NOT NULL,
        followup_date DATE NOT NULL, followup_details VARCHAR(1000) NOT NULL, followup_outcome VARCHAR(1000) NOT NULL,
        person_id INTEGER NOT NULL, placement_id_id UUID NOT NULL, created_by INTEGER, timestamp_created TIMESTAMP,
        is_void BOOLEAN NOT NULL DEFAULT FALSE, sync_id UUID""",
}


def ddl(postgres: bool = False) -> list[str]:
    out = []
    for name, columns in TABLES.items():
        cols = columns if postgres else columns.replace(" UUID", " VARCHAR(36)")
        out.append(f"CREATE TABLE {name} ({cols})")
    return out


class Builder:
    """Rows for a legacy database, inserted through a DB-API connection (``sqlite3`` or psycopg)."""

    def __init__(self, conn: Any, postgres: bool = False) -> None:
        self.conn = conn
        self.postgres = postgres
        self.cur = conn.cursor()
        self.seq = 0
        for stmt in ddl(postgres):
            self.cur.execute(stmt)

    def next_id(self) -> int:
        self.seq += 1
        return self.seq

    def insert(self, table: str, **values: Any) -> Any:
        mark = "%s" if self.postgres else "?"
        cols = ", ".join(values)
        marks = ", ".join([mark] * len(values))
        self.cur.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(values.values()))  # noqa: S608
        return values

    def insert_many(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        mark = "%s" if self.postgres else "?"
        cols = list(rows[0])
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"  # noqa: S608
        self.cur.executemany(sql, [[r[c] for c in cols] for r in rows])

    def commit(self) -> None:
        self.conn.commit()


def uid() -> str:
    return str(uuid.uuid4())


def person_rows(
    pid: int, first: str, last: str, sex: str, born: str | None, kind: str, area: int, unit: int | None
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {
        "reg_person": [
            {
                "id": pid,
                "first_name": first,
                "other_names": None,
                "surname": last,
                "sex_id": sex,
                "date_of_birth": born,
                "is_void": False,
                "created_at": "2019-01-01",
            }
        ],
        "reg_persons_types": [{"id": pid, "person_id": pid, "person_type_id": kind, "is_void": False}],
        "reg_persons_geo": [
            {"id": pid, "person_id": pid, "area_id": area, "area_type": "GPRR", "date_delinked": None, "is_void": False}
        ],
        "reg_persons_org_units": [],
    }
    if unit is not None:
        out["reg_persons_org_units"].append(
            {"id": pid, "person_id": pid, "org_unit_id": unit, "primary_unit": True, "is_void": False}
        )
    return out


def build_small(path: Path) -> dict[str, Any]:
    """The small messy legacy database of the tests (SQLite file at ``path``). Returns the ids
    the tests look at and the expected per-table outcome."""
    conn = sqlite3.connect(path)
    b = Builder(conn)
    return fill_small(b)


def fill_small(b: Builder) -> dict[str, Any]:
    from cpims.geo.models import Area, OrgUnit

    nairobi = Area.objects.get(level="county", code="047")
    office = OrgUnit.objects.get(code="DCS-SC274")  # Westlands, where the cast's Nairobi officer works
    sub = office.sub_county
    assert sub is not None and sub.county_id == nairobi.pk
    ward = Area.objects.filter(level="ward", sub_county=sub).order_by("pk").first()
    assert ward is not None
    # Geography: county, sub-county, ward by official code; one code that does not exist.
    b.insert("list_geo", area_id=1, area_type_id="GPRV", area_name="Nairobi", area_code=nairobi.code, is_void=False)
    b.insert(
        "list_geo", area_id=2, area_type_id="GDIS", area_name="SC", area_code=sub.code, parent_area_id=1, is_void=False
    )
    b.insert(
        "list_geo", area_id=3, area_type_id="GWRD", area_name="W", area_code=ward.code, parent_area_id=2, is_void=False
    )
    b.insert("list_geo", area_id=4, area_type_id="GWRD", area_name="Nowhere", area_code="99999", is_void=False)
    # Org units: one maps by code, one does not map.
    b.insert(
        "reg_org_unit",
        id=10,
        org_unit_id_vis=office.code,
        org_unit_name=office.name,
        org_unit_type_id="TNGD",
        is_void=False,
    )
    b.insert(
        "reg_org_unit",
        id=11,
        org_unit_id_vis="U999999",
        org_unit_name="Closed Office",
        org_unit_type_id="TNGD",
        is_void=False,
    )
    county_office = OrgUnit.objects.get(code="DCS-C047")
    b.insert(
        "reg_org_unit",
        id=13,
        org_unit_id_vis=county_office.code,
        org_unit_name=county_office.name,
        org_unit_type_id="TNGD",
        is_void=False,
    )
    # A user (a member of staff), assigned at the office.
    b.insert(
        "reg_person",
        id=900,
        first_name="Staffa",
        surname="Officera",
        sex_id="SFEM",
        email="staff@example.org",
        is_void=False,
    )
    b.insert("auth_user", id=1, password="!", reg_person_id=900, username="sofficer", is_active=True)
    b.insert("reg_persons_org_units", id=900, person_id=900, org_unit_id=10, primary_unit=True, is_void=False)
    rows: dict[str, list[dict[str, Any]]] = {}

    def add(parts: dict[str, list[dict[str, Any]]]) -> None:
        for t, rs in parts.items():
            rows.setdefault(t, []).extend(rs)

    add(person_rows(100, "Amani", "Mwangiz", "SFEM", "2014-03-01", "TBVC", 3, 10))
    add(person_rows(101, "Baraka", "Otienoz", "SMAL", None, "TBVC", 3, 10))  # no date of birth
    add(person_rows(102, "Amani", "Mwangiz", "SFEM", "2014-03-01", "TBVC", 3, 10))  # duplicate of 100
    add(person_rows(103, "Chema", "Kiprotichz", "SXXX", "2012-01-01", "TBVC", 3, 10))  # unknown sex code
    add(person_rows(104, "Dalia", "Wekesaz", "SFEM", "2010-05-05", "TBVC", 3, 11))  # office does not map
    add(person_rows(105, "Halima", "Mwangiz", "SFEM", "1985-01-01", "TBGR", 3, None))  # caregiver of 100
    for t, rs in rows.items():
        b.insert_many(t, rs)
    b.insert(
        "reg_persons_external_ids", id=1, person_id=100, identifier_type_id="ISOV", identifier="BC 0001", is_void=False
    )
    b.insert("reg_persons_external_ids", id=2, person_id=101, identifier_type_id="ZZZZ", identifier="X1", is_void=False)
    b.insert(
        "reg_persons_external_ids", id=3, person_id=103, identifier_type_id="ISOV", identifier="BC 0003", is_void=False
    )
    b.insert(
        "reg_persons_guardians", id=1, child_person_id=100, guardian_person_id=105, relationship="CGPM", is_void=False
    )
    b.insert(
        "reg_persons_guardians", id=2, child_person_id=101, guardian_person_id=105, relationship="XXXX", is_void=False
    )

    cases: dict[str, str] = {}

    def case(name: str, person: int, unit: int, categories: list[tuple[str, str | None]], **extra: Any) -> str:
        cid = uid()
        cases[name] = cid
        values = {
            "case_id": cid,
            "case_serial": f"CCO/{name}",
            "perpetrator_status": "PKNW",
            "perpetrator_first_name": "Perpa",
            "perpetrator_surname": "Trator",
            "perpetrator_relationship_type": "RCNB",
            "risk_level": "RLHG",
            "date_case_opened": "2023-02-01",
            "case_reporter_first_name": "Repo",
            "case_reporter_surname": "Rter",
            "case_reporter_contacts": "0700000000",
            "case_reporter": "CRMO",
            "case_status": "ACTIVE",
            "referral_present": "ANNO",
            "is_void": False,
            "person_id": person,
            "case_stage": 0,
            "timestamp_created": "2023-02-01 10:00:00",
        }
        values.update(extra)
        b.insert("ovc_case_record", **values)
        b.insert(
            "ovc_case_geo",
            id=b.next_id(),
            case_id_id=cid,
            report_subcounty_id=2,
            report_orgunit_id=unit,
            occurence_county_id=1,
            occurence_subcounty_id=2,
            occurence_ward="",
            occurence_village="Kijiji",
            is_void=False,
            person_id=person,
        )
        for code, sub_code in categories:
            cat_id = uid()
            b.insert(
                "ovc_case_category",
                case_category_id=cat_id,
                case_id_id=cid,
                case_category=code,
                date_of_event="2023-01-20",
                place_of_event="PEHF",
                case_nature="OOEV",
                is_void=False,
                person_id=person,
            )
            if sub_code:
                b.insert(
                    "ovc_case_sub_category",
                    case_sub_category_id=uid(),
                    case_category_id=cat_id,
                    sub_category_id=sub_code,
                    person_id=person,
                    is_void=False,
                )
        return cid

    from cpims.core.models import Code

    cats = list(
        Code.objects.filter(code_list__name="case_category_id")
        .order_by("order", "pk")
        .values_list("code", flat=True)
        .distinct()[:4]
    )
    case("four", 100, 10, [(c, None) for c in cats], risk_level="RLZZ")  # four categories; unknown risk code
    case("plain", 101, 10, [(cats[0], None)])
    case("badcat", 101, 10, [("ZZZZ", None)])  # no category maps: rejected
    case("nochild", 103, 10, [(cats[0], None)])  # its child was rejected
    # Events: a service, a closure (with a transfer to another unit), an orphan, an unknown type.
    service_code = Code.objects.filter(code_list__name="intervention_id").values_list("code", flat=True).first()
    outcome = Code.objects.filter(code_list__name="closure_outcome_id").values_list("code", flat=True).first()

    def event(kind: str, case_id: str | None, **extra: Any) -> str:
        eid = uid()
        b.insert(
            "ovc_case_events",
            **{
                "case_event_id": eid,
                "case_event_type_id": kind,
                "date_of_event": "2023-03-01",
                "case_event_details": "",
                "case_event_notes": "",
                "case_event_outcome": service_code,
                "is_void": False,
                "case_id_id": case_id,
                "app_user_id": 1,
                **extra,
            },
        )
        return eid

    e1 = event("SERVICES", cases["four"])
    b.insert(
        "ovc_case_event_encounters",
        service_id=uid(),
        service_provided=service_code,
        date_of_encounter_event="2023-03-01",
        case_event_id_id=e1,
        is_void=False,
    )
    e2 = event("CLOSURE", cases["plain"])
    b.insert(
        "ovc_case_event_closure",
        closure_id=uid(),
        case_outcome=outcome,
        date_of_case_closure="2023-06-01",
        case_closure_notes="",
        case_event_id_id=e2,
        transfer_to_id=13,
        is_void=False,
    )
    event("SERVICES", uid())  # orphaned: no such case
    event("VISIT", cases["four"])  # an unknown type: reported, not imported by this version
    court = {
        "hearing": event(
            "COURT HEARING",
            cases["four"],
            plea_taken="PLNG",
            case_event_outcome="CADJ",
            next_hearing_date="2023-04-15",
        ),
        "mention": event("COURT MENTION", cases["four"], next_mention_date="2023-02-01"),  # next date before: blank
    }
    summons = event("SUMMON", cases["four"])
    b.insert(
        "ovc_case_event_summon",
        summon_id=uid(),
        honoured=True,
        honoured_date="2023-03-10",
        summon_date="2023-03-08",
        summon_note="First Summon",
        case_event_id_id=summons,
        is_void=False,
    )
    referrals = {}
    for name, status, end, case_id, void in (
        ("done", "COMPLETED", "2023-05-01", cases["four"], False),
        ("open", "PENDING", None, cases["four"], False),
        ("void", "PENDING", None, cases["four"], True),
        ("orphan", "PENDING", None, uid(), False),
    ):
        referrals[name] = uid()
        b.insert(
            "ovc_referrals",
            refferal_id=referrals[name],
            refferal_actor_type="RDSA",
            refferal_actor_specify="Police",
            refferal_to="RDPL",
            refferal_status=status,
            refferal_startdate="2023-04-01",
            refferal_enddate=end,
            case_id_id=case_id,
            is_void=void,
            person_id=100,
        )
    households = {"halima": uid(), "chema": uid()}  # the second's head (unknown sex code) is rejected
    for name, head in (("halima", 105), ("chema", 103)):
        b.insert("ovc_household", id=households[name], head_person_id=head, head_identifier="", is_void=False)
    members = {}
    for name, hh, person, left in (
        ("head", "halima", 105, None),
        ("child", "halima", 100, None),
        ("left", "halima", 101, "2022-01-01"),
        ("again", "halima", 100, None),  # a second active row for the same person: rejected
        ("orphan", "chema", 103, None),
    ):
        members[name] = uid()
        b.insert(
            "ovc_household_members",
            id=members[name],
            house_hold_id=households[hh],
            person_id=person,
            hh_head=name == "head",
            member_type="TBVC",
            member_alive="AYES",
            date_linked="2020-01-01",
            date_delinked=left,
            is_void=False,
        )
    cci = OrgUnit.objects.filter(kind="cci").order_by("pk").first()
    if cci is None:
        cci = OrgUnit.objects.create(
            name="Test Children's Home", code="CCI-TEST-1", kind="cci", area=ward, county=nairobi, sub_county=sub
        )
    b.insert(
        "reg_org_unit", id=12, org_unit_id_vis=cci.code, org_unit_name=cci.name, org_unit_type_id="TNRC", is_void=False
    )
    placements = {}
    for name, unit, child in (("home", 12, 100), ("office", 10, 101)):  # the second is at an office: rejected
        placements[name] = uid()
        b.insert(
            "ovc_placement",
            placement_id=placements[name],
            admission_number="A/1",
            residential_institution_name=str(unit),
            residential_institution_id=unit,
            admission_date="2023-04-01",
            admission_type="TANA",
            admission_reason="RACP",
            current_residential_status="RSRS",
            has_court_committal_order="ANNO",
            placement_type="Normal",
            person_id=child,
            case_record_id=cases["four"],
            is_void=False,
            is_active=True,
        )
    b.insert(
        "ovc_placement_followup",
        placememt_followup_id=uid(),
        followup_type="Visit",
        followup_date="2023-05-01",
        followup_details="",
        followup_outcome="Settled",
        person_id=100,
        placement_id_id=placements["home"],
        is_void=False,
    )
    b.commit()
    return {
        "cases": cases,
        "office": office,
        "categories": cats,
        "cci": cci,
        "referrals": referrals,
        "court": court,
        "summons": summons,
        "households": households,
        "members": members,
    }
