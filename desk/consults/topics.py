"""The configurable topic list of the consultation log (what visitors ask about):
coordinators add topics, rename them, hide and show them, and set their order.

A topic is never deleted: a hidden one (`is_active` false) is no longer offered on the
visit log form, but the visits that mention it keep it, and the reports still count
it. Its `code` is fixed once made (exports and the audit log name topics by it); it is
made from the English name unless given.

Each function checks its input (one ValidationError with a message per field, nothing
changed), changes the topic, flushes and writes the audit entry; none commits.
"""

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import func, select

from desk.consults.models import ConsultTopic
from desk.core import records
from desk.core.validation import Checker
from desk.events.models import Topic
from desk.extensions import db

TOPIC_AUDIT_FIELDS = ("code", "name", "name_en", "position", "is_active", "program_topic")
POSITION_MAX = 9999
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def all_topics():
    """Every topic, hidden ones too, in the list's order."""
    return list(db.session.scalars(
        select(ConsultTopic).order_by(ConsultTopic.position, ConsultTopic.id)))


def code_from_name(name_en):
    """A code made from an English name: `Cashless payment` -> `cashless_payment`,
    made unique with a number (`_2`, `_3` ...); `topic` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", name_en or "").encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if not base or not base[0].isalpha():
        base = f"topic_{base}".rstrip("_")
    base = base[:ConsultTopic.CODE_MAX].rstrip("_")
    taken = set(db.session.scalars(select(ConsultTopic.code).where(
        ConsultTopic.code.like(f"{base[:20]}%"))))
    code, number = base, 1
    while code in taken:
        number += 1
        suffix = f"_{number}"
        code = base[:ConsultTopic.CODE_MAX - len(suffix)].rstrip("_") + suffix
    return code


def _taken(column, value, current):
    query = select(ConsultTopic.id).where(func.lower(column) == value.lower())
    if current is not None:
        query = query.where(ConsultTopic.id != current.id)
    return db.session.scalar(query.limit(1)) is not None


def _values(data, current=None):
    checker = Checker(data)
    values = {
        "name": checker.text("name", ConsultTopic.NAME_MAX, required=True),
        "name_en": checker.text("name_en", ConsultTopic.NAME_MAX, required=True),
        "position": checker.integer("position", 0, POSITION_MAX),
        "is_active": checker.boolean("is_active", default=True),
        "program_topic": checker.choice("program_topic", Topic, required=False),
    }
    if values["name"] and _taken(ConsultTopic.name, values["name"], current):
        checker.fail("name", _("A topic with this name already exists."))
    if values["name_en"] and _taken(ConsultTopic.name_en, values["name_en"], current):
        checker.fail("name_en", _("A topic with this name already exists."))
    if current is None:
        code = checker.text("code", ConsultTopic.CODE_MAX)
        if code is not None:
            code = code.lower()
            if not _CODE.match(code):
                checker.fail("code", _("Use small letters a-z, digits and _, starting with a "
                                       "letter."))
            elif _taken(ConsultTopic.code, code, None):
                checker.fail("code", _("A topic with this code already exists."))
        values["code"] = code
    checker.done()
    if values["program_topic"] is not None:
        values["program_topic"] = values["program_topic"].value
    return values


def create_topic(data, *, actor):
    """A new topic (offered on the log form unless `is_active` is false); placed last
    unless a position is given."""
    values = _values(data)
    if values["code"] is None:
        values["code"] = code_from_name(values["name_en"])
    if values["position"] is None:
        last = db.session.scalar(select(func.max(ConsultTopic.position))) or 0
        values["position"] = min(last + 1, POSITION_MAX)
    return records.create(ConsultTopic, values, action="consult_topic.create",
                          fields=TOPIC_AUDIT_FIELDS, actor=actor)


def update_topic(topic, changes, *, actor):
    """Rename, hide or show, re-order, or relate to another class topic: `changes`
    holds the fields to change (name, name_en, position, is_active, program_topic);
    the code stays. No audit entry when nothing changed."""
    current = {name: getattr(topic, name) for name in
               ("name", "name_en", "position", "is_active", "program_topic")}
    values = _values({**current, **changes}, topic)
    if values["position"] is None:
        values["position"] = topic.position
    records.update(topic, values, action="consult_topic.update", fields=TOPIC_AUDIT_FIELDS,
                   actor=actor)
    return topic


def set_topic_active(topic, active, *, actor):
    """Hide a topic from the log form (False) or offer it again (True)."""
    return update_topic(topic, {"is_active": bool(active)}, actor=actor)
