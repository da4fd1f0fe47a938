"""The offer at the end of a kiosk booking: hear about new classes of the topics
pressed, by SMS to a mobile (a call to a landline), with the kiosk as the consent's
channel (desk.events.news)."""

from datetime import timedelta

from sqlalchemy import select

from desk.events.models import Booking, NewsSubscription
from desk.extensions import db
from desk.kiosk import queries as kiosk_queries
from desk.kiosk import views as kiosk_views
from tests.fixtures.pages import text
from tests.kiosk.helpers import booking_form


def _book(client, place):
    response = client.post(f"/kiosk/{place['venue'].id}/book",
                           data=booking_form(place["here"]))
    assert response.status_code == 303
    return response.headers["Location"]


def test_kiosk_offers_the_news_after_a_booking(kiosk_client, kiosk_place):
    done = _book(kiosk_client, kiosk_place)
    page = text(kiosk_client.get(done))
    assert "Hear about new classes?" in page and "Yes, tell me" in page
    response = kiosk_client.post(f"{done}/news", data={"topics": ["line", "my_number"],
                                                       "consent": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith("?news=1")
    subscription = db.session.scalars(select(NewsSubscription)).one()
    booking = db.session.scalars(select(Booking)).one()
    assert subscription.person_id == booking.person_id
    assert (subscription.channel, subscription.consent_method) == ("sms", "kiosk")
    assert subscription.topic_list == "line,my_number"
    page = text(kiosk_client.get(response.headers["Location"]))
    assert "We will tell you about new classes" in page
    assert "Hear about new classes?" not in page


def test_kiosk_news_needs_a_topic_and_writes_nothing(kiosk_client, kiosk_place):
    done = _book(kiosk_client, kiosk_place)
    response = kiosk_client.post(f"{done}/news", data={"consent": "1"})
    assert response.status_code == 422
    assert "Choose at least one topic." in text(response)
    assert db.session.scalars(select(NewsSubscription)).all() == []


def test_kiosk_news_answers_only_while_the_confirmation_is_shown(kiosk_client, kiosk_place,
                                                                 monkeypatch):
    done = _book(kiosk_client, kiosk_place)
    booking = db.session.scalars(select(Booking)).one()
    later = booking.created_dt + timedelta(minutes=kiosk_queries.DONE_PAGE_MINUTES, seconds=1)
    monkeypatch.setattr(kiosk_views, "utcnow", lambda: later)
    response = kiosk_client.post(f"{done}/news", data={"topics": ["line"], "consent": "1"})
    assert response.status_code == 303
    assert db.session.scalars(select(NewsSubscription)).all() == []
