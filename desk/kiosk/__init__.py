"""The booking kiosk: a touchscreen at a community centre, bound to one venue with a
one-time setup code, where residents choose a class and book a seat in four steps."""

import logging

logger = logging.getLogger("desk.kiosk")
