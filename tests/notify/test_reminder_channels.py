"""Which reminder goes where, by the kind of the phone number (both databases): a text
message to a mobile, a call to a landline or IP phone, nothing automatic to toll-free,
navigation dial, other non-personal numbers or an ambiguous number abroad; the staff's
pages say why."""

import pytest

from desk.auth.models import Role
from desk.events import services as event_services
from desk.extensions import db
from desk.notify.models import MessageChannel
from desk.notify.planning import person_channels, proxy_channels
from desk.people import services as people_services
from tests.fixtures.factories import NOW

SMS, VOICE, EMAIL = MessageChannel.SMS, MessageChannel.VOICE, MessageChannel.EMAIL

AUTOMATIC = [
    ("０９０－１２３４－５６７８", [SMS]),
    ("+81 80 2345 6789", [SMS]),
    ("070ー3456ー7890", [SMS]),
    ("+44 7911 123456", [SMS]),
    ("0466-25-1111", [VOICE]),
    ("(03) 1234-5678", [VOICE]),
    ("+44 20 7946 0018", [VOICE]),
    ("050‐1234‐5678", [VOICE]),
    ("0120-123-456", []),
    ("０８００－１２３－４５６７", []),
    ("0570―123―456", []),
    ("0990-123-456", []),
    ("020-1234-5678", []),
    ("+1 415 555 0100", []),
    ("+1 (212) 555-0100", []),
]


@pytest.mark.parametrize(("phone", "channels"), AUTOMATIC)
def test_automatic_reminders_go_by_the_kind_of_number(ctx, create_person, phone, channels):
    person = create_person(phone=phone)
    assert [channel for channel, _address in person_channels(person)] == channels


@pytest.mark.parametrize(("phone", "channels"), AUTOMATIC)
def test_a_proxys_copies_go_by_the_kind_of_number(ctx, create_person, phone, channels):
    person = create_person()
    proxy = people_services.add_proxy(person, {"name": "佐藤 一郎", "phone": phone,
                                               "wants_copies": True},
                                      consent_method="phone_staff", actor="test", now=NOW)
    assert [channel for channel, _address in proxy_channels(proxy)] == channels


@pytest.mark.parametrize(("phone", "choice", "channels"), [
    ("+1 415 555 0100", "sms", [SMS]),
    ("+1 415 555 0100", "voice", [VOICE]),
    ("090-1234-5678", "voice", [VOICE]),
    ("0466-25-1111", "sms", [VOICE]),        # a landline cannot take a text: a call
    ("0120-123-456", "voice", []),           # never a resident's own line
    ("0120-123-456", "sms", []),
    ("0570-123-456", "voice", []),
    ("0990-123-456", "voice", []),
])
def test_a_chosen_channel_is_used_where_it_can_reach_the_person(ctx, create_person, phone,
                                                                 choice, channels):
    person = create_person(phone=phone, reminder_channel=choice)
    assert [channel for channel, _address in person_channels(person)] == channels


def test_a_toll_free_number_with_an_email_gets_the_email(ctx, create_person):
    person = create_person(phone="0120-123-456", email="keiko@example.jp")
    assert person_channels(person) == [(EMAIL, "keiko@example.jp")]


@pytest.fixture
def staff_client(ctx, client, create_user, login):
    login(client, create_user(Role.COORDINATOR))
    client.set_cookie("desk_locale", "ja")
    return client


@pytest.mark.parametrize(("phone", "choice", "reason"), [
    ("0120-123-456", "automatic", "フリーダイヤルには、お知らせを自動で送りません"),
    ("0800-123-4567", "voice", "フリーダイヤルには、お知らせを自動で送りません"),
    ("0570-123-456", "automatic", "ナビダイヤル（0570）には、お知らせを自動で送りません"),
    ("+1 415 555 0100", "automatic", "携帯電話か固定電話か分からない"),
    ("0990-123-456", "automatic", "この種類の番号には、お知らせを自動で送りません"),
])
def test_the_person_page_says_why_no_reminder_goes_out(staff_client, create_person, phone,
                                                       choice, reason):
    person = create_person(phone=phone, reminder_channel=choice)
    html = staff_client.get(f"/staff/people/{person.id}").get_data(as_text=True)
    assert reason in html


@pytest.mark.parametrize(("phone", "choice"), [
    ("090-1234-5678", "automatic"), ("0466-25-1111", "automatic"),
    ("050-1234-5678", "automatic"), ("+1 415 555 0100", "sms"),
    ("+1 415 555 0100", "voice"),
])
def test_the_person_page_says_nothing_when_reminders_reach_the_number(
        staff_client, create_person, phone, choice):
    person = create_person(phone=phone, reminder_channel=choice)
    html = staff_client.get(f"/staff/people/{person.id}").get_data(as_text=True)
    assert "お知らせを自動で送りません" not in html


def test_the_proxy_row_and_the_booking_page_say_why(staff_client, create_person,
                                                    create_session):
    person = create_person(phone="0120-123-456")
    people_services.add_proxy(person, {"name": "佐藤 一郎", "phone": "0570-123-456",
                                       "wants_copies": True},
                              consent_method="phone_staff", actor="test", now=NOW)
    result = event_services.book_seat(create_session(), person, channel="phone_desk",
                                      actor="test", now=NOW)
    db.session.commit()
    html = staff_client.get(f"/staff/people/{person.id}").get_data(as_text=True)
    assert "ナビダイヤル（0570）には、お知らせを自動で送りません" in html
    html = staff_client.get(f"/staff/bookings/{result.booking.id}").get_data(as_text=True)
    assert "フリーダイヤルには、お知らせを自動で送りません" in html
    assert "前の日にお知らせします" not in html


@pytest.mark.parametrize(("phone", "shown"), [
    ("090-1234-5678", [SMS, VOICE]), ("0466-25-1111", [VOICE]), ("0120-123-456", []),
    ("0570-123-456", [])])
def test_the_opt_out_switches_are_the_channels_desk_may_use(ctx, create_person, phone, shown):
    """A person's page offers to stop only what could ever be sent to the number."""
    from desk.notify import queries

    person = create_person(phone=phone, email=None)
    assert [state.channel for state in queries.person_channels(person)] == shown
