"""One commit point per request (the model is Indico's RH: process, then commit once).

Services change rows and flush; they never commit, and neither do views. A request is
one unit of work, ended in one place, `DeskFlask` (the application class of create_app):

- The view returned a response: everything the request changed is committed, once,
  before the response leaves. A commit that fails is an error of the request like any
  other (the 500 page, or "busy"), so nobody is told "done" about work that was not
  saved: a browser gets the error page, Twilio an error status instead of TwiML.
- The view, or a before_request hook, raised (a 404, a DeskError the API turns into
  JSON, a bug): everything the request changed is rolled back before the error handler
  draws its answer, except what the request kept (below); the messages it flashed are
  taken back too (a "saved" must not greet the next page).
- A view that shows a refusal on its own page (a DeskError on a form, or flashed) runs
  that service call inside `refusable()` (desk.core.web.attempt does): the call runs in
  a SAVEPOINT, and a refusal undoes what the call changed, so nothing of it is
  committed at the end, while the rest of the request goes on.

Keeping a change although the answer is an error, decided once, here:
- a refusal that says so: a DeskError subclass with `keeps_changes = True` (a wrong
  password or a wrong SMS code is counted although the answer is "no") keeps what the
  refused call changed when it is shown through `refusable()`;
- `keep_changes()`: what the request changed so far stays, whatever happens next (an
  API token's last use, noted before the route runs).

When the database itself fails (an outage), the rollback may fail as well: the pool
then drops the connection (the database discards what it did not commit), and the
error page is still drawn and the request still ends (desk.core.blueprint.server_error
asks nothing of the database).

Messages a request planned in the outbox are handed to the dispatcher only after the
commit (desk.notify.scheduler listens to after_commit). CLI commands, tasks, the
dispatcher and the demo are not requests: they commit themselves.
"""

import logging
from contextlib import contextmanager

from flask import Flask, g, message_flashed, session
from sqlalchemy.exc import SQLAlchemyError

from desk.core.errors import DeskError
from desk.extensions import db

logger = logging.getLogger("desk")

_KEPT = "desk_kept_savepoint"
_FLASHED = "desk_flashed"


class DeskFlask(Flask):
    """Flask, with the request's one commit point."""

    def dispatch_request(self):
        response = super().dispatch_request()
        db.session.commit()
        return response

    def handle_user_exception(self, e):
        _roll_back_request()
        _take_back_flashes()
        return super().handle_user_exception(e)

    def do_teardown_appcontext(self, *args):
        """What is still open is rolled back before Flask-SQLAlchemy removes the session:
        a rollback that fails still gives its connection back to the pool, where closing
        the session would raise and keep it. A context that never used the database
        (a dispatcher's send) has no session, and none is made for it."""
        if db.session.registry.has():
            try:
                db.session.rollback()
            except SQLAlchemyError:
                _note_failed_rollback()
        super().do_teardown_appcontext(*args)


@message_flashed.connect
def _note_flash(app, message, category, **extra):
    g.setdefault(_FLASHED, []).append((category, message))


def _take_back_flashes():
    flashed = g.pop(_FLASHED, None)
    if flashed:
        remaining = list(session.get("_flashes", []))
        for item in flashed:
            if item in remaining:  # not shown yet by a page of this request
                remaining.remove(item)
        session["_flashes"] = remaining


def _roll_back_request():
    """Undo what the request changed, but what it kept (which is committed now)."""
    kept = g.pop(_KEPT, None)
    try:
        if kept is None or not db.session().in_nested_transaction():
            db.session.rollback()
            return
        kept.rollback()  # also when an error of the database made it unusable
        db.session.commit()
    except SQLAlchemyError:
        _note_failed_rollback()


def _note_failed_rollback():
    """The database could not roll back (it has gone): the pool drops the connection
    (the database discards what it did not commit); the error that brought the request
    here is the one shown."""
    logger.warning("The database could not roll back", exc_info=True)


def keep_changes():
    """What this request changed so far stays, whatever happens next: it is committed at
    the end even when the request ends in an error. What the request changes afterwards
    is committed or rolled back as a whole, as usual."""
    db.session.flush()
    setattr(g, _KEPT, db.session.begin_nested())


@contextmanager
def refusable():
    """Run one service call whose refusal the view shows on its page: a DeskError from
    the block undoes what the block changed (its SAVEPOINT is rolled back, and every
    row is read afresh when the page shows it: another request may have changed it,
    which is often why the call was refused), unless the error keeps its changes; the
    error goes on to the view, which shows it."""
    savepoint = db.session.begin_nested()
    try:
        yield
    except DeskError as error:
        if error.keeps_changes and savepoint.is_active:
            savepoint.commit()
        else:
            savepoint.rollback()
            db.session.expire_all()
        raise
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
