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
- `DEPENDENT_REFERENCES`: every column that holds the id of a row disclosed with a
  person (a visit's ticket, a reply's message), and `LINKS`: a pair of plain columns
  naming such a row without a foreign key (an outbox row's topic "booking" and its
  topic_id). The disclosure (desk.people.disclosure) follows them all;
  tests/people/test_disclosure.py fails for a foreign key to a disclosed table that
  nobody registered. `SECRET_COLUMNS` are withheld from it (a booking's link token).
- `PERSON_PAGE_SECTIONS`: parts of a person's page (a bookings list),
  `MERGE_PREVIEW_SECTIONS`: items of the merge preview's "What will happen" list (two
  bookings for one session), and `DISCLOSURE_SECTIONS`: parts of the printed
  disclosure (bookings and attendance). Each is a template partial and a function
  giving its context.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from desk.extensions import db
from desk.people.models import DistinctPair, Person, PrivacyRequest, ProxyContact
from desk.people.signals import MergeChanges


def table_of(model):
    """The Table of a model class, or the Table itself (an association table)."""
    return getattr(model, "__table__", model)


@dataclass(frozen=True)
class PersonReference:
    """A column holding a person's (or a proxy contact's) id; in DEPENDENT_REFERENCES,
    the id of a row disclosed with a person (a visit's ticket)."""

    model: type  # a model class, or a Table (DEPENDENT_REFERENCES only)
    column: str
    label: object  # what the rows are, in a coordinator's words (lazy)
    # True: a merge moves the rows from the dropped record to the kept one (the owning
    # package's `merged` receiver does it) and the merge preview counts them. False:
    # they point at a proxy contact (which moves with its person), or the registry
    # itself keeps them (the merge history, the pairs checked to be different people).
    moves_on_merge: bool = True

    @property
    def table(self):
        return table_of(self.model).name

    @property
    def attribute(self):
        return getattr(self.model, self.column)

    @property
    def foreign_key(self):
        """The foreign key of the column: where it points (`.column`, its table)."""
        return next(iter(table_of(self.model).c[self.column].foreign_keys))


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


DEPENDENT_REFERENCES = []


def register_dependent(model, column, *, label):
    """Declare that `model.column` (a model class or an association Table) holds the id
    of a row the disclosure of a person shows (a visit's `ticket_id`): its rows are
    disclosed with that row."""
    reference = PersonReference(model, column, label, moves_on_merge=False)
    DEPENDENT_REFERENCES.append(reference)
    return reference


@dataclass(frozen=True)
class Link:
    """Rows of `model` naming a row of `target` without a foreign key: those whose
    `kind_column` is `kind` and whose `id_column` holds the id of a disclosed `target`
    row (an outbox row with topic "booking" and the booking's id as topic_id)."""

    model: type
    kind_column: str
    kind: str
    id_column: str
    target: type

    @property
    def table(self):
        return table_of(self.model).name


LINKS = []


def register_link(model, *, kind_column, kind, id_column, target):
    """Declare that rows of `model` with `kind_column == kind` name a `target` row by
    `id_column`: they are disclosed with it."""
    link = Link(model, kind_column, kind, id_column, target)
    LINKS.append(link)
    return link


SECRET_COLUMNS = set()


def register_secret(model, column):
    """Declare that `model.column` holds a secret that opens something (a booking's
    link token), not information about the person: a disclosure says it exists but
    withholds its value."""
    SECRET_COLUMNS.add((table_of(model).name, column))


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
DISCLOSURE_SECTIONS = []


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


def disclosure_section(template):
    """Decorator: the function gives the context of `template`, a section of the printed
    disclosure, from the Disclosure (desk.people.disclosure): `disclosure.ids(table)`
    are the ids of the person's rows of that table."""
    def register(context):
        DISCLOSURE_SECTIONS.append(Section(template, context))
        return context
    return register
