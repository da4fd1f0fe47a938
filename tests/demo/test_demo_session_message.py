"""The demo's coordinator's note: sent to the next class with bookings, some of its
messages delivered, on the session's page and its progress page."""

from sqlalchemy import select

from desk.events import session_messages
from desk.events.models import SessionMessage
from desk.extensions import db
from desk.notify.models import MessageState
from tests.demo.test_links import log_in


def test_the_demo_has_a_sent_session_message(demo_context):
    (message,) = db.session.scalars(select(SessionMessage)).all()
    assert message.author is not None and message.text_en
    progress = session_messages.progress(message)
    assert progress.total == message.planned > 0
    assert progress.totals[MessageState.DELIVERED] > 0
    app = demo_context.app
    client = app.test_client()
    log_in(app, client, "coordinator")
    session_page = client.get(f"/staff/sessions/{message.session_id}").get_data(as_text=True)
    link = f"/staff/sessions/{message.session_id}/messages/{message.id}"
    assert link in session_page and message.text_ja in session_page
    page = client.get(link)
    assert page.status_code == 200 and message.text_ja in page.get_data(as_text=True)
