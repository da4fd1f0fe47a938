"""Read-only look-ups of the resident registry: staff search, likely duplicates, and
what merging two records would do.

Phone numbers are searchable by coordinators and admins only; the people blueprint
checks the role before any of these run.
"""

import re
from dataclasses import dataclass, field
from itertools import combinations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, false, func, or_, select

from desk.core.kana import is_kana, kana_key, normalise_kana
from desk.core.paging import paginate
from desk.core.phone import clean_digits, parse_phone
from desk.extensions import db
from desk.people import registry
from desk.people.models import DistinctPair, Person, ProxyContact

PAGE_SIZE = 30
MIN_PHONE_DIGITS = 3
DUPLICATE_GROUPS_MAX = 100

# The optional fields a merge copies from the dropped record where the kept one has
# nothing; a phone number travels with its kind.
FILLABLE_FIELDS = (("phone", "phone_kind"), ("email",), ("district_id",), ("age_band",))


# -- search --------------------------------------------------------------------------------

@dataclass
class SearchResult:
    pagination: Pagination  # of the people found
    mode: str  # "all", "phone", "kana" or "name"
    too_short: bool = False  # part of a phone number too short to search (none found)

    @property
    def people(self):
        return self.pagination.items

    @property
    def page(self):
        return self.pagination.page

    @property
    def pages(self):
        return self.pagination.pages

    @property
    def total(self):
        return self.pagination.total


def _phone_condition(text):
    """The condition for a phone search, or None when `text` does not look like a phone
    number. A full number matches exactly (the person's or a proxy contact's number);
    part of a number matches the stored E.164 from its start when it starts with 0 or +81,
    anywhere otherwise."""
    cleaned = clean_digits(text)
    if not re.fullmatch(r"\+?[0-9-]*[0-9][0-9-]*", cleaned):
        return None
    digits = cleaned.replace("-", "").lstrip("+")
    if len(digits) < MIN_PHONE_DIGITS:
        return False
    phone = parse_phone(text)
    if phone is not None:
        return or_(Person.phone == phone.e164, Person.id.in_(
            select(ProxyContact.person_id).where(ProxyContact.phone == phone.e164)))
    if cleaned.startswith("+81"):
        return Person.phone.startswith("+" + digits, autoescape=True)
    if digits.startswith("0"):
        return Person.phone.startswith("+81" + digits[1:], autoescape=True)
    return Person.phone.contains(digits, autoescape=True)


def _condition(text):
    """(mode, condition) for the search field's text."""
    phone = _phone_condition(text)
    if phone is not None:
        return "phone", phone
    if is_kana(normalise_kana(text)):
        return "kana", Person.kana_key.contains(kana_key(text), autoescape=True)
    compact = "".join(text.split())
    return "name", func.replace(Person.name, " ", "").contains(compact, autoescape=True)


def search_people(text, *, page=1, include_merged=False, page_size=PAGE_SIZE):
    """People found by one field: a phone number in any format (or part of one), a
    reading in kana of any kind and width, or part of the name. Sorted by kana."""
    # control characters (a NUL byte breaks PostgreSQL's comparisons) are never in names
    text = "".join(char for char in text or "" if char.isprintable() or char.isspace()).strip()
    query = select(Person)
    mode, too_short = "all", False
    if text:
        mode, condition = _condition(text)
        too_short = condition is False
        query = query.where(false() if too_short else condition)
    if not include_merged:
        query = query.where(Person.merged_into_id.is_(None))
    return SearchResult(paginate(query.order_by(Person.name_kana, Person.id), page=page,
                                 per_page=page_size), mode, too_short)


# -- one person -------------------------------------------------------------------------------

def duplicates_of(person):
    """Other live records with the same phone number or the same reading, except those
    a coordinator found to be a different resident (no reading yet, a name to confirm,
    matches no other)."""
    if person.is_merged or person.is_anonymised:
        return []
    same = [Person.phone == person.phone] if person.phone else []
    if person.kana_key:
        same.append(Person.kana_key == person.kana_key)
    if not same:
        return []
    candidates = db.session.scalars(
        select(Person).where(or_(*same), Person.id != person.id, Person.merged_into_id.is_(None),
                             Person.anonymised_dt.is_(None))
        .order_by(Person.name_kana, Person.id)).unique().all()
    checked = distinct_pairs([person.id, *(other.id for other in candidates)])
    return [other for other in candidates if not pairs_of([person.id, other.id]) <= checked]


# -- likely duplicates ----------------------------------------------------------------------

@dataclass
class DuplicateGroup:
    people: list
    reasons: set = field(default_factory=set)  # "phone" and/or "kana"

    @property
    def same_phone(self):
        return "phone" in self.reasons

    @property
    def same_kana(self):
        return "kana" in self.reasons


def _groups_by(column):
    live = and_(Person.merged_into_id.is_(None), Person.anonymised_dt.is_(None))
    shared = (select(column).where(live, column.is_not(None), column != "")
              .group_by(column).having(func.count(Person.id) > 1))
    groups = {}
    for person in db.session.scalars(select(Person).where(live, column.in_(shared))
                                     .order_by(Person.name_kana, Person.id)).unique():
        groups.setdefault(getattr(person, column.key), []).append(person)
    return list(groups.values())


def _all_duplicate_groups():
    """Groups of live records that share a phone number or a reading (kana_key; an empty
    one, a name still to confirm, is no reading), each group once with its reasons,
    sorted by kana."""
    groups = {}
    for reason, column in (("phone", Person.phone), ("kana", Person.kana_key)):
        for people in _groups_by(column):
            key = frozenset(person.id for person in people)
            groups.setdefault(key, DuplicateGroup(people)).reasons.add(reason)
    return sorted(groups.values(),
                  key=lambda group: (group.people[0].name_kana, group.people[0].id))


def distinct_pairs(ids):
    """{(low id, high id)} of the pairs among `ids` checked to be different residents."""
    if not ids:
        return set()
    rows = db.session.execute(
        select(DistinctPair.low_id, DistinctPair.high_id)
        .where(DistinctPair.low_id.in_(ids), DistinctPair.high_id.in_(ids)))
    return {(low, high) for low, high in rows}


def pairs_of(ids):
    """Every (low id, high id) pair of the ids."""
    return set(combinations(sorted(set(ids)), 2))


@dataclass
class DuplicateLists:
    groups: list  # likely duplicates still to look at
    total: int
    checked: list  # groups a coordinator found to be different residents
    checked_total: int


def duplicate_lists(limit=DUPLICATE_GROUPS_MAX):
    """The groups of likely duplicates, sorted by kana, split into those still to look
    at and those checked: every pair of their records found to be different residents."""
    all_groups = _all_duplicate_groups()
    checked_pairs = distinct_pairs({person.id for group in all_groups
                                    for person in group.people})
    groups, checked = [], []
    for group in all_groups:
        pairs = pairs_of(person.id for person in group.people)
        (checked if pairs <= checked_pairs else groups).append(group)
    return DuplicateLists(groups[:limit], len(groups), checked[:limit], len(checked))


def likely_duplicates(limit=DUPLICATE_GROUPS_MAX):
    """The groups still to look at: (groups, total)."""
    lists = duplicate_lists(limit)
    return lists.groups, lists.total


# -- merging ------------------------------------------------------------------------------

@dataclass
class MergePlan:
    keep: Person
    drop: Person
    moves: dict  # table name -> number of rows re-pointed to `keep`
    sections: list  # (template, context): what other packages say will happen
    fills: list  # names of `keep`'s empty fields taken from `drop`
    copies_consent: bool


def fillable_fields(keep, drop):
    """The names of `keep`'s empty optional fields that `drop` has."""
    return [names[0] for names in FILLABLE_FIELDS
            if getattr(keep, names[0]) is None and getattr(drop, names[0]) is not None]


def copies_consent(keep, drop):
    """Whether `keep` takes `drop`'s consent to reminders (it has none of its own)."""
    return drop.has_consent and not keep.has_consent


def merge_plan(keep, drop):
    """What merging `drop` into `keep` would do (nothing is changed)."""
    moves = {reference.table: db.session.scalar(
        select(func.count()).select_from(reference.model).where(reference.attribute == drop.id))
        for reference in registry.moving_references()}
    sections = [(section.template, section.context(keep, drop))
                for section in registry.MERGE_PREVIEW_SECTIONS]
    return MergePlan(keep=keep, drop=drop, moves=moves, sections=sections,
                     fills=fillable_fields(keep, drop),
                     copies_consent=copies_consent(keep, drop))
