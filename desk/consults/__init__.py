"""Consultation desks: the queue of tickets, serving, the visit log."""

import logging

logger = logging.getLogger("desk.consults")
