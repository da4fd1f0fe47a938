"""What the packages above the registry hang onto a person, registered by them (in their
`__init__.py`), so that the registry can merge, show and later disclose or anonymise a
person without importing any of them.

- `PERSON_REFERENCES`: every column that holds the id of a person (`people.id`) or of a
  proxy contact (`proxy_contacts.id`). A package with such a column calls
  `register_reference`; tests/people/test_registry.py fails for a foreign key to
  either table that nobody registered.
- `ACTIVITIES`: what counts as a resident still being in touch, for the retention period
  of residents (desk.people.erasure): each is a function of a cutoff giving a SELECT of
  the `person_id`s with something since then (a booking for a session on or after it).
- `PERSON_PAGE_SECTIONS`: parts of a person's page (a bookings list), and
  `MERGE_PREVIEW_SECTIONS`: items of the merge preview's "What will happen" list (two
  bookings for one session). Each is a template partial and a function giving its
  context.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from desk.extensions import db
from desk.people.models import DistinctPair, Person, PrivacyRequest, ProxyContact
from desk.people.signals import MergeChanges


@dataclass(frozen=True)
class PersonReference:
    """A column holding a person's (or a proxy contact's) id."""

    model: type
    column: str
    label: object  # what the rows are, in a coordinator's words (lazy)
    # True: a merge moves the rows from the dropped record to the kept one (the owning
    # package's `merged` receiver does it) and the merge preview counts them. False:
    # they point at a proxy contact (which moves with its person), or the registry
    # itself keeps them (the merge history, the pairs checked to be different people).
    moves_on_merge: bool = True

    @property
    def table(self):
        return self.model.__tablename__

    @property
    def attribute(self):
        return getattr(self.model, self.column)


PERSON_REFERENCES = [
    PersonReference(ProxyContact, "person_id", _l("Proxy contacts")),
    PersonReference(Person, "merged_into_id", _l("Records merged into this one"),
                    moves_on_merge=False),
    PersonReference(DistinctPair, "low_id", _l("Records checked to be different residents"),
                    moves_on_merge=False),
    PersonReference(DistinctPair, "high_id", _l("Records checked to be different residents"),
                    moves_on_merge=False),
    PersonReference(PrivacyRequest, "person_id", _l("Requests to stop and delete"),
                    moves_on_merge=False),
]


def register_reference(model, column, *, label, moves_on_merge=True):
    """Declare that `model.column` holds a person's (or a proxy contact's) id."""
    reference = PersonReference(model, column, label, moves_on_merge)
    PERSON_REFERENCES.append(reference)
    return reference


def moving_references():
    """The references a merge moves, by table name."""
    return sorted((reference for reference in PERSON_REFERENCES if reference.moves_on_merge),
                  key=lambda reference: (reference.table, reference.column))


def repoint(model, column, *, keep, drop):
    """For a receiver of `merged`: re-point the rows whose `column` holds `drop`'s id to
    `keep`, in id order. Returns the MergeChanges listing them."""
    attribute = getattr(model, column)
    rows = db.session.scalars(
        select(model).where(attribute == drop.id).order_by(model.id)).unique().all()
    for row in rows:
        setattr(row, column, keep.id)
    db.session.flush()
    ids = [row.id for row in rows]
    for row in rows:  # their relationships still show `drop`
        db.session.expire(row)
    return MergeChanges(moved={model.__tablename__: ids})


ACTIVITIES = []


def activity(since_cutoff):
    """Decorator: `since_cutoff(cutoff)` gives a SELECT of one column, `person_id`, of the
    people with activity on or after `cutoff`."""
    ACTIVITIES.append(since_cutoff)
    return since_cutoff


@dataclass(frozen=True)
class Section:
    """A part of a page another package contributes: `template` (a partial) rendered
    with what `context` returns (for the person page: context(person); for the merge
    preview: context(keep, drop))."""

    template: str
    context: Callable[..., dict]


PERSON_PAGE_SECTIONS = []
MERGE_PREVIEW_SECTIONS = []


def person_page_section(template):
    """Decorator: the function gives the context of `template`, a section of the person
    page (after the proxy contacts)."""
    def register(context):
        PERSON_PAGE_SECTIONS.append(Section(template, context))
        return context
    return register


def merge_preview_section(template):
    """Decorator: the function gives the context of `template`, items (`<li>`) of the
    merge preview's list of what will happen."""
    def register(context):
        MERGE_PREVIEW_SECTIONS.append(Section(template, context))
        return context
    return register
