"""What the phone line reads: its calls (for a disclosure)."""

from sqlalchemy import select

from desk.extensions import db
from desk.phone.models import PhoneCall


def calls_by_start(ids):
    """The calls with these ids, latest first."""
    if not ids:
        return []
    return db.session.scalars(select(PhoneCall).where(PhoneCall.id.in_(ids))
                              .order_by(PhoneCall.started_dt.desc(), PhoneCall.id.desc())).all()
