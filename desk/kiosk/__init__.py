"""The booking kiosk: a touchscreen at a community centre, bound to one venue with a
one-time setup code, where residents choose a class and book a seat in four steps."""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from desk.core import retention
from desk.extensions import db
from desk.kiosk.models import KioskDevice

logger = logging.getLogger("desk.kiosk")


def _revoked_before(cutoff):
    return KioskDevice.revoked_dt < cutoff


def _count_devices(cutoff):
    return db.session.scalar(select(func.count(KioskDevice.id)).where(_revoked_before(cutoff)))


def _purge_devices(cutoff, now):
    return db.session.execute(delete(KioskDevice).where(_revoked_before(cutoff))
                              .execution_options(synchronize_session="fetch")).rowcount


retention.register(
    "kiosk_devices", label=_l("Kiosk devices taken out of use (who set them up, when last seen)"),
    unit=retention.DAYS, default=365, count=_count_devices, purge=_purge_devices,
    what_happens=_l("Deleted; the audit log keeps that they existed"), order=40)
