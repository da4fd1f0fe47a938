"""Disclosure on request (開示請求): everything desk holds about one resident, read from
the registry so that a registered table cannot be left out.

`disclosure_for(person, ...)` starts from the person's row and follows every registered
reference (desk.people.registry) until nothing new turns up: PERSON_REFERENCES (rows
holding the person's id or one of their proxy contacts': records merged into this one,
proxy contacts, bookings, messages, consultation tickets), DEPENDENT_REFERENCES (rows
holding the id of a row found already: a visit's ticket, a reply's message) and LINKS
(rows naming one without a foreign key: an outbox row about a booking or a ticket).
Then come the audit entries whose object is one of those rows, and those of rows since
deleted whose snapshot pointed at one (a proxy contact removed). Every column of every
row is kept as stored; packages show their rows more readably through
registry.DISCLOSURE_SECTIONS.

`as_json` and `csv_zip` write the machine-readable files; docs/people.md describes them.
"""

import base64
import enum
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from desk.core.audit import AuditEntry, actor_fields
from desk.core.csvexport import csv_bytes
from desk.core.timeutil import isoformat_local
from desk.extensions import db
from desk.people import registry
from desk.people.models import Person

FORMAT = "desk-disclosure"
VERSION = 1
ROOT = "people"
AUDIT = "audit_entries"
ROOT_LABEL = _l("Resident records (this one and those merged into it)")
AUDIT_LABEL = _l("Audit log entries about these records")


@dataclass
class Table:
    name: str
    label: object  # lazy: what the rows are, in a coordinator's words
    columns: list
    rows: list  # one dict per row (column -> plain value), in primary key order
    withheld: list  # columns holding a secret (registry.SECRET_COLUMNS): always None


@dataclass
class Disclosure:
    person: Person
    municipality: str
    produced_dt: datetime
    produced_by: str
    tables: dict  # table name -> Table: every table the registry reaches, empty ones too

    def ids(self, table):
        """The ids of the person's rows of `table`."""
        return [row["id"] for row in self.tables[table].rows]

    def rows(self, table):
        return self.tables[table].rows


def _references():
    return [*registry.PERSON_REFERENCES, *registry.DEPENDENT_REFERENCES]


def table_labels():
    """{table name: label} of every table a disclosure lists, in the order it lists them:
    the person's records first, the audit log last."""
    labels = {ROOT: ROOT_LABEL}
    for reference in _references():
        labels.setdefault(reference.table, reference.label)
    for link in registry.LINKS:
        labels.setdefault(link.table, link.table)
    labels[AUDIT] = AUDIT_LABEL
    return labels


def plain(value):
    """A stored value as JSON-safe data: times as ISO 8601 in Japan time (+09:00), bytes
    in Base64."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return isoformat_local(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):  # a recording's audio, in Base64
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def _key(table, row):
    return tuple(row[column.name] for column in table.primary_key)


def _select(table, condition):
    """{primary key: row} of the rows of `table` meeting `condition`."""
    rows = db.session.execute(select(table).where(condition)).mappings()
    return {_key(table, row): dict(row) for row in rows}


def _values(found, column):
    """The values of `column` (a Column) among the rows found, sorted."""
    return sorted({row[column.name] for row in found.get(column.table.name, {}).values()})


def _conditions(found):
    """(table, condition) for every registered way a row can point at a row found."""
    for reference in _references():
        values = _values(found, reference.foreign_key.column)
        if values:
            table = registry.table_of(reference.model)
            yield table, table.c[reference.column].in_(values)
    for link in registry.LINKS:
        target = registry.table_of(link.target)
        values = _values(found, target.c.id)
        if values:
            table = registry.table_of(link.model)
            yield table, and_(table.c[link.kind_column] == link.kind,
                              table.c[link.id_column].in_(values))


def _find_rows(person):
    """{table name: {primary key: row}} of every row that belongs to the disclosure."""
    people = registry.table_of(Person)
    found = {ROOT: _select(people, people.c.id == person.id)}
    grew = True
    while grew:
        grew = False
        for table, condition in _conditions(found):
            rows = _select(table, condition)
            known = found.setdefault(table.name, {})
            if rows.keys() - known.keys():
                known.update(rows)
                grew = True
    return found


def _deleted_rows_entries(found):
    """Audit entries of rows deleted since (a proxy contact removed) whose before or
    after snapshot held the id a registered reference points at."""
    audit = AuditEntry.__table__
    entries = {}
    for reference in _references():
        table = registry.table_of(reference.model)
        values = set(_values(found, reference.foreign_key.column))
        if "id" not in table.c or not values:
            continue
        candidates = _select(audit, and_(audit.c.object_type == table.name,
                                         audit.c.object_id.not_in(select(table.c.id))))
        entries.update({key: row for key, row in candidates.items()
                        if any((snapshot or {}).get(reference.column) in values
                               for snapshot in (row["before"], row["after"]))})
    return entries


def _audit_entries(found):
    audit = AuditEntry.__table__
    conditions = [and_(audit.c.object_type == name,
                       audit.c.object_id.in_(sorted(row["id"] for row in rows.values())))
                  for name, rows in found.items()
                  if rows and "id" in db.metadata.tables[name].c]
    entries = _select(audit, or_(*conditions))
    entries.update(_deleted_rows_entries(found))
    return entries


def _producer(actor):
    name = getattr(actor, "display_name", None)
    return name or actor_fields(actor)[1]


def disclosure_for(person, *, actor, now, municipality):
    """Everything desk holds about `person`, as produced by `actor` at `now` for the
    city `municipality`: a Disclosure listing every table the registry reaches."""
    found = _find_rows(person)
    found[AUDIT] = _audit_entries(found)
    tables = {}
    for name, label in table_labels().items():
        columns = [column.name for column in db.metadata.tables[name].columns]
        withheld = [column for column in columns if (name, column) in registry.SECRET_COLUMNS]
        rows = found.get(name, {})
        tables[name] = Table(name, label, columns,
                             [{key: None if key in withheld else plain(value)
                               for key, value in rows[row_key].items()}
                              for row_key in sorted(rows)], withheld)
    return Disclosure(person, municipality, now, _producer(actor), tables)


# -- the machine-readable files -----------------------------------------------------------

def as_json(disclosure):
    """The disclosure as JSON-safe data (the structure docs/people.md describes)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "municipality": disclosure.municipality,
        "person_id": disclosure.person.id,
        "produced_at": isoformat_local(disclosure.produced_dt),
        "produced_by": disclosure.produced_by,
        "tables": {name: {"label": str(table.label), "columns": table.columns,
                          "withheld": table.withheld, "rows": table.rows}
                   for name, table in disclosure.tables.items()},
    }


def _cell(value):
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def csv_zip(disclosure):
    """The disclosure as a ZIP of CSV files: about.csv (who, when, for whom) and one file
    per table (`<table>.csv`, a header of column names, then the rows)."""
    data = as_json(disclosure)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        about = [["key", "value"], *([key, data[key]] for key in
                                     ("format", "version", "municipality", "person_id",
                                      "produced_at", "produced_by"))]
        archive.writestr("about.csv", csv_bytes(about))
        for name, table in disclosure.tables.items():
            rows = [[_cell(row[column]) for column in table.columns] for row in table.rows]
            archive.writestr(f"{name}.csv", csv_bytes([table.columns, *rows]))
    return buffer.getvalue()


# -- what the printed page derives --------------------------------------------------------

@dataclass
class ConsentChange:
    when: datetime
    proxy_id: int | None  # None: the resident's own consent to reminders
    given: bool
    method: str | None
    actor: str


def consent_history(disclosure):
    """Each time the resident's consent to reminders, or a proxy contact's consent to
    copies, was given or withdrawn, oldest first (from the audit entries)."""
    fields = {ROOT: ("has_consent", "consent_method"),
              "proxy_contacts": ("wants_copies", "consent_method")}
    changes = []
    for entry in disclosure.rows(AUDIT):
        if entry["object_type"] not in fields:
            continue
        flag, method = fields[entry["object_type"]]
        before, after = entry["before"] or {}, entry["after"] or {}
        if flag in after and after[flag] != before.get(flag, False):
            changes.append(ConsentChange(
                datetime.fromisoformat(entry["created_dt"]),
                entry["object_id"] if entry["object_type"] != ROOT else None,
                bool(after[flag]), after.get(method), entry["actor_label"]))
    return sorted(changes, key=lambda change: change.when)


def audit_changes(entry):
    """[(field, before, after)] of an audit entry's fields whose value differs."""
    before, after = entry["before"] or {}, entry["after"] or {}
    return [(key, before.get(key), after.get(key)) for key in dict.fromkeys([*before, *after])
            if before.get(key) != after.get(key)]


def cell_text(value):
    """A plain value as the printed page shows it."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "–" if value is None or value == "" else str(value)
