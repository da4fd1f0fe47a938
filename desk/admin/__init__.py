"""Administration pages: accounts, API tokens, the audit log and the access log (admins
only). Downloading audit log entries about residents is itself in the access log."""

from flask_babel import lazy_gettext as _l

from desk.core import accesslog

AUDIT_EXPORTED = accesslog.register_action(
    "audit.exported", _l("Downloaded audit log entries about residents"))
