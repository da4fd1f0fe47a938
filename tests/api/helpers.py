"""Helpers for the API tests."""

from sqlalchemy import func, select

from desk.core.audit import AuditEntry
from desk.events.models import EventSession, SessionSeries
from desk.extensions import db


def row_counts():
    """Rows that a refused write must leave alone."""
    db.session.expire_all()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (EventSession, SessionSeries, AuditEntry)}


def assert_error(response, status, code=None, fields=()):
    """The JSON error shape, with the given status, code and field names."""
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    if code is not None:
        assert error["code"] == code, error
    for name in fields:
        assert name in error["fields"], error
    return error
