"""What the phone line reads: its calls and recordings of names (for a disclosure)."""

from sqlalchemy import select

from desk.extensions import db
from desk.phone.models import NameRecording, PhoneCall


def calls_by_start(ids):
    """The calls with these ids, latest first."""
    if not ids:
        return []
    return db.session.scalars(select(PhoneCall).where(PhoneCall.id.in_(ids))
                              .order_by(PhoneCall.started_dt.desc(), PhoneCall.id.desc())).all()


def recordings_by_id(ids):
    """The recordings of names with these ids, oldest first."""
    if not ids:
        return []
    return db.session.scalars(select(NameRecording).where(NameRecording.id.in_(ids))
                              .order_by(NameRecording.id)).all()
