"""The booking kiosk: a touchscreen at a community centre, bound to one venue with a
one-time setup code, where residents choose a class and book a seat in four steps."""

import logging

from flask_babel import lazy_gettext as _l

from desk.core import retention
from desk.kiosk.models import KioskDevice

logger = logging.getLogger("desk.kiosk")


def _revoked_before(cutoff):
    return KioskDevice.revoked_dt < cutoff


retention.register(
    "kiosk_devices", label=_l("Kiosk devices taken out of use (who set them up, when last seen)"),
    unit=retention.DAYS, default=365, **retention.deleting(KioskDevice, _revoked_before),
    what_happens=_l("Deleted; the audit log keeps that they existed"), order=40)
