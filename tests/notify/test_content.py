"""Message content: every template on every channel, in Japanese and English.

The Japanese SMS must fit one UCS-2 segment (70 characters) with the longest venue
short name and the longest program title in the data and in the demo data, and with
replies offered or not."""

import re
import xml.etree.ElementTree as ET
from datetime import date, time, timedelta

import pytest

from desk.demo import data as demo_data
from desk.events.bookings import waitlist_position
from desk.events.models import (
    FollowUpState,
    OfferState,
    Program,
    SeatOffer,
    Venue,
    WaitlistFollowUp,
)
from desk.events.notices import BookingTemplate
from desk.events.services import book_seat
from desk.extensions import db
from desk.notify.content import CHOICE, fewest_segments, fewest_segments_with, render, squash
from desk.notify.models import MessageChannel, OutboxMessage, RecipientKind
from desk.notify.segments import GSM7, UCS2, count_segments
from tests.fixtures.factories import NOW
from tests.notify.channel_support import LONGEST_SHORT_NAME, PUBLIC_URL, configure

DESK_PHONE = "0466-25-1111"
# messages to volunteers are written by desk.volunteers.messages (tests/volunteers)
# (the consultation desk's turn SMS has tests of its own: tests/consults/test_turn_sms.py)
BOOKING_TEMPLATES = list(BookingTemplate)


# -- the segment counter -----------------------------------------------------------------

@pytest.mark.parametrize(("text", "encoding", "units", "segments"), [
    ("", GSM7, 0, 0),
    ("a" * 160, GSM7, 160, 1),
    ("a" * 161, GSM7, 161, 2),
    ("a" * 306, GSM7, 306, 2),
    ("a" * 307, GSM7, 307, 3),
    ("€" * 80, GSM7, 160, 1),  # an extension character takes two septets
    ("€" * 81, GSM7, 162, 2),
    ("a" * 152 + "€" * 5, GSM7, 162, 2),  # an escape pair is never split: 152 + 2x5 -> 2
    ("あ" * 70, UCS2, 70, 1),
    ("あ" * 71, UCS2, 71, 2),
    ("あ" * 134, UCS2, 134, 2),
    ("あ" * 135, UCS2, 135, 3),
    ("a" * 69 + "あ", UCS2, 70, 1),  # one Japanese character makes the whole text UCS-2
    ("😀" * 35, UCS2, 70, 1),  # outside the BMP: two UCS-2 units each
    ("😀" * 36, UCS2, 72, 2),
    ("😀" + "あ" * 68, UCS2, 70, 1),
    ("😀" + "あ" * 69, UCS2, 71, 2),
    ("€" * 79 + "a", GSM7, 159, 1),
    ("€" * 79 + "ab", GSM7, 160, 1),
    ("€" * 79 + "abc", GSM7, 161, 2),
])
def test_count_segments(text, encoding, units, segments):
    count = count_segments(text)
    assert (count.encoding, count.units, count.segments) == (encoding, units, segments)


# -- rendering --------------------------------------------------------------------------------

def _longest(values):
    return max(values, key=len)


@pytest.fixture
def longest_session(ctx, monkeypatch, create_venue, create_program, create_session):
    """A session at the venue with the longest short name and for the program with the
    longest title in the database and in the demo data."""
    monkeypatch.setitem(ctx.config, "DESK_DESK_PHONE", DESK_PHONE)
    demo_short = _longest(venue["short_name"] for venue in demo_data.VENUES)
    demo_title = _longest(program["title"] for program in demo_data.PROGRAMS)
    create_venue(short_name=demo_short)
    create_program(title=demo_title, title_en="A" * 30)
    venue = create_venue(short_name=LONGEST_SHORT_NAME)
    program = create_program(title="長" * Program.TITLE_MAX, title_en="Long " * 20)
    longest_short = _longest(db.session.scalars(db.select(Venue.short_name)).all())
    longest_title = _longest(db.session.scalars(db.select(Program.title)).all())
    assert len(longest_short) == len(venue.short_name) == Venue.SHORT_NAME_MAX
    assert longest_title == program.title
    return create_session(venue_id=venue.id, program_id=program.id, capacity=1,
                          day=date(2026, 12, 13), start=time(13, 30), end=time(15))


@pytest.fixture
def longest_booking(longest_session, create_person):
    booking = book_seat(longest_session, create_person(), channel="phone_desk", actor="test",
                        now=NOW).booking
    db.session.commit()
    return booking


@pytest.fixture
def tenth_waiting(longest_booking, create_person):
    """Number 10 on the waiting list of the same session (a two-digit position)."""
    for _number in range(10):
        booking = book_seat(longest_booking.session, create_person(), channel="phone_desk",
                            actor="test", now=NOW).booking
    db.session.commit()
    assert waitlist_position(booking) == 10
    return booking


WAITLIST_TEMPLATES = (BookingTemplate.WAITLIST_CONFIRMED, BookingTemplate.MOVED_TO_WAITLIST)


def offer_seat(booking, *, expires_dt):
    """An open seat offer to a waiting booking (the longest deadline text: another day)."""
    offer = SeatOffer(session_id=booking.session_id, booking_id=booking.id,
                      seats=booking.seats, state=OfferState.OPEN,
                      offered_dt=expires_dt - timedelta(hours=2), expires_dt=expires_dt)
    db.session.add(offer)
    db.session.flush()
    return offer


def follow_up(booking, target):
    """The next class offered to a booking still waiting at the start (the longest
    names: the target is the longest session)."""
    followup = WaitlistFollowUp(booking_id=booking.id, session_id=booking.session_id,
                                target_session_id=target.id, seats=booking.seats,
                                state=FollowUpState.OPEN, created_dt=NOW)
    db.session.add(followup)
    db.session.flush()
    return followup


def message_for(booking, channel, template, locale="ja", address=None,
                recipient_kind=RecipientKind.PERSON):
    message = OutboxMessage(
        recipient_kind=recipient_kind, person_id=booking.person_id,
        channel=MessageChannel(channel), address=address or booking.person.phone,
        template=BookingTemplate(template), locale=locale, due_dt=NOW,
        topic="booking", topic_id=booking.id, not_after=booking.session.start_dt)
    db.session.add(message)
    db.session.flush()
    return message


@pytest.mark.parametrize("replies", [True, False], ids=["replies", "outbound-only"])
@pytest.mark.parametrize("template", BOOKING_TEMPLATES)
def test_japanese_sms_fits_one_segment(longest_booking, tenth_waiting, monkeypatch, ctx,
                                       template, replies):
    configure(monkeypatch, ctx, DESK_PUBLIC_URL=PUBLIC_URL if replies else "http://127.0.0.1:5000")
    booking = tenth_waiting if template in WAITLIST_TEMPLATES else longest_booking
    if template == BookingTemplate.SEAT_OFFERED:
        booking = tenth_waiting
        offer_seat(booking, expires_dt=booking.session.start_dt - timedelta(hours=20))
    if template == BookingTemplate.FOLLOWUP_OFFERED:
        booking = tenth_waiting
        follow_up(booking, booking.session)
    body = render(message_for(booking, "sms", template)).sms_body
    count = count_segments(body)
    assert count.segments == 1, f"{len(body)} characters: {body}"
    if template == BookingTemplate.SEAT_OFFERED:
        assert "12/12 17:30" in body
    assert LONGEST_SHORT_NAME in body
    assert DESK_PHONE in body


@pytest.mark.parametrize("template", BOOKING_TEMPLATES)
def test_english_sms_stays_short(longest_booking, monkeypatch, ctx, template):
    configure(monkeypatch, ctx)
    body = render(message_for(longest_booking, "sms", template, locale="en")).sms_body
    # a Japanese venue name makes an English SMS UCS-2 as well: at most three parts
    assert count_segments(body).segments <= 3, body
    assert "Sun, Dec 13" in body and "13:30" in body and DESK_PHONE in body


@pytest.mark.parametrize("locale", ["ja", "en"])
@pytest.mark.parametrize("template", BOOKING_TEMPLATES)
def test_sms_has_no_links(longest_booking, monkeypatch, ctx, template, locale):
    configure(monkeypatch, ctx)
    body = render(message_for(longest_booking, "sms", template, locale=locale)).sms_body
    assert not re.search(r"https?:|www\.|\.jp/|\.com", body), body


def test_sms_names_the_class_as_fully_as_fits(ctx, monkeypatch, create_venue, create_program,
                                              create_session, create_person):
    from desk.events.messages import place_options

    configure(monkeypatch, ctx, DESK_PUBLIC_URL="http://127.0.0.1:5000")
    venue = create_venue(short_name="辻堂センター")
    short = create_program(title="LINE入門", title_en="LINE")
    long = create_program(title="長" * 60, title_en="A very long class title " * 4)
    texts = {}
    for program in (short, long):
        session = create_session(venue_id=venue.id, program_id=program.id)
        booking = book_seat(session, create_person(), channel="web", actor="test",
                            now=NOW).booking
        texts[program.id] = render(message_for(booking, "sms", "booking_confirmed",
                                               locale="en")).sms_body
    assert "辻堂センター LINE." in texts[short.id]
    # the long title would take a third segment: the kind of session names it instead
    assert "辻堂センター Smartphone class." in texts[long.id]
    assert count_segments(texts[long.id]).segments == 2
    options = place_options({"venue": venue, "title": "t" * 100, "kind": "スマホ講座"})
    assert options == ["辻堂センター " + "t" * 100, "辻堂センター スマホ講座", "辻堂センター"]
    assert fewest_segments(["あ" * 71, "あ" * 70, "あ" * 10]) == "あ" * 70


@pytest.mark.parametrize("text", [
    f"Booked: Sun, Dec 13 13:30 {CHOICE}. Code 2741-0386. Call  0466-25-1111.",
    f"予約 {CHOICE}\n番号 {CHOICE} です",
    f"{CHOICE}",
])
def test_text_written_once_matches_text_written_per_choice(text):
    """fewest_segments_with(text, choices) is what writing the text once per choice and
    keeping the fewest segments gives (the SMS is rendered once, not three times)."""
    choices = ["辻堂センター " + "長" * 60, "辻堂センター  スマホ講座", "辻堂センター", ""]
    written = [squash(text.replace(CHOICE, choice)) for choice in choices]
    assert fewest_segments_with(text, choices) == fewest_segments(written)
    assert CHOICE not in fewest_segments_with(text, choices)


def test_english_sms_snapshot(longest_booking, monkeypatch, ctx):
    configure(monkeypatch, ctx)
    booking = longest_booking
    code = booking.display_code
    bodies = {template: render(message_for(booking, "sms", template, locale="en")).sms_body
              for template in BOOKING_TEMPLATES}
    place = f"Sun, Dec 13 13:30 {LONGEST_SHORT_NAME}"
    assert bodies[BookingTemplate.BOOKING_CONFIRMED].startswith(f"Booked: {place}")
    assert bodies[BookingTemplate.BOOKING_CONFIRMED].endswith(
        f"Booking code {code}. To cancel, reply 2 or call {DESK_PHONE}.")
    assert bodies[BookingTemplate.REMINDER].endswith(
        f"Code {code}. Reply 1 if you will come, 2 to cancel. Desk: {DESK_PHONE}")
    assert bodies[BookingTemplate.SESSION_CANCELLED].startswith(f"We are sorry: {place}")


def test_outbound_only_sms_does_not_offer_replies(longest_booking, monkeypatch, ctx):
    # an alphanumeric sender ID cannot receive replies
    configure(monkeypatch, ctx, DESK_SMS_FROM="FujisawaCty")
    body = render(message_for(longest_booking, "sms", "booking_confirmed", locale="en")).sms_body
    assert "reply" not in body.lower()
    assert body.endswith(f"To cancel, call {DESK_PHONE}.")


def test_english_uses_the_english_title(longest_booking, monkeypatch, ctx):
    configure(monkeypatch, ctx)
    content = render(message_for(longest_booking, "email", "booking_confirmed", locale="en",
                                 address="keiko@example.jp"))
    assert "Long Long" in content.email_subject
    japanese = render(message_for(longest_booking, "email", "booking_confirmed", locale="ja",
                                  address="keiko@example.jp"))
    assert "長長長" in japanese.email_subject


# -- voice -------------------------------------------------------------------------------------

def _says(twiml):
    root = ET.fromstring(twiml)
    return root, [(say.text, say.get("language"), say.get("voice")) for say in root.iter("Say")]


def test_voice_says_the_message_twice_then_offers_keys(longest_booking, monkeypatch, ctx):
    configure(monkeypatch, ctx)
    message = message_for(longest_booking, "voice", "reminder")
    content = render(message, now=NOW)
    root, says = _says(content.voice_twiml)
    gather = root.find("Gather")
    assert gather is not None
    assert gather.get("numDigits") == "1"
    assert gather.get("action") == f"{PUBLIC_URL}/twilio/voice/{message.id}/gather"
    inside = [say.text for say in gather.iter("Say")]
    assert inside[0] == inside[1] == content.voice_text
    assert {(language, voice) for _text, language, voice in says} == {("ja-JP", "Polly.Mizuki")}
    assert "1" in inside[2] and "2" in inside[2] and "9" in inside[2]
    assert root[-1].tag == "Hangup"
    # the code, in two groups of four, and the desk's number are read digit by digit, as
    # the phone line reads them
    code = longest_booking.code
    assert f"{'、'.join(code[:4])}。 {'、'.join(code[4:])}" in content.voice_text


def test_voice_without_webhooks_has_no_menu(longest_booking, monkeypatch, ctx):
    configure(monkeypatch, ctx, DESK_PUBLIC_URL="http://127.0.0.1:5000")
    content = render(message_for(longest_booking, "voice", "booking_confirmed"), now=NOW)
    root, says = _says(content.voice_twiml)
    assert root.find("Gather") is None
    assert [text for text, _language, _voice in says][:2] == [content.voice_text] * 2


def test_english_voice_uses_an_english_voice(longest_booking, monkeypatch, ctx):
    configure(monkeypatch, ctx)
    content = render(message_for(longest_booking, "voice", "booking_confirmed", locale="en"),
                     now=NOW)
    _root, says = _says(content.voice_twiml)
    assert {(language, voice) for _text, language, voice in says} == {("en-US", "Polly.Joanna")}
    assert "Sunday, December 13" in content.voice_text
    assert "1:30 PM" in content.voice_text


def test_cancelled_booking_call_offers_only_the_no_more_calls_key(longest_booking,
                                                                  monkeypatch, ctx):
    from desk.events.services import cancel_booking

    configure(monkeypatch, ctx)
    cancel_booking(longest_booking, actor="test", now=NOW)
    content = render(message_for(longest_booking, "voice", "booking_cancelled"), now=NOW)
    says = [say.text for say in ET.fromstring(content.voice_twiml).find("Gather").iter("Say")]
    assert not any("1" in text or "2" in text for text in says[2:])
    assert says[-1] == "今後この電話をご希望でない場合は、8 を押してください。"


# -- e-mail ----------------------------------------------------------------------------------

def test_email_content(longest_booking, monkeypatch, ctx):
    configure(monkeypatch, ctx)
    longest_booking.session.program.what_to_bring = "スマートフォン、充電器"
    content = render(message_for(longest_booking, "email", "booking_confirmed", locale="en",
                                 address="keiko@example.jp"), now=NOW)
    assert content.email_subject.startswith("Booking confirmed:")
    assert "\n" not in content.email_subject
    text = content.email_text
    assert longest_booking.display_code in text
    assert f"{PUBLIC_URL}/bookings/{longest_booking.token}" in text
    assert "スマートフォン、充電器" in text
    assert DESK_PHONE in text
    assert "\n\n\n" not in text
    assert f'href="{PUBLIC_URL}/bookings/{longest_booking.token}"' in content.email_html
    assert content.ics_method == "REQUEST"
    assert b"METHOD:REQUEST" in content.ics


def test_email_html_escapes_what_people_typed(longest_booking, monkeypatch, ctx):
    configure(monkeypatch, ctx)
    longest_booking.person.name = "<b>佐藤</b>"
    content = render(message_for(longest_booking, "email", "reminder", locale="en",
                                 address="keiko@example.jp"), now=NOW)
    assert "<b>佐藤</b>" not in content.email_html
    assert "&lt;b&gt;佐藤&lt;/b&gt;" in content.email_html


def test_proxy_copy_says_whose_booking_it_is(longest_booking, monkeypatch, ctx):
    configure(monkeypatch, ctx)
    content = render(message_for(longest_booking, "email", "reminder", locale="en",
                                 address="son@example.jp",
                                 recipient_kind=RecipientKind.PROXY), now=NOW)
    assert f"a contact of {longest_booking.person.name}" in content.email_text
    voice = render(message_for(longest_booking, "voice", "reminder", locale="en",
                               recipient_kind=RecipientKind.PROXY), now=NOW)
    assert f"the booking of {longest_booking.person.name}" in voice.voice_text


@pytest.mark.parametrize("template", BOOKING_TEMPLATES)
def test_a_proxys_sms_and_email_subject_name_the_person_booked(longest_booking, tenth_waiting,
                                                               monkeypatch, ctx, template):
    configure(monkeypatch, ctx)
    booking = tenth_waiting if template in WAITLIST_TEMPLATES else longest_booking
    name = booking.person.name
    own = render(message_for(booking, "sms", template)).sms_body
    assert name not in own
    copy = render(message_for(booking, "sms", template,
                              recipient_kind=RecipientKind.PROXY)).sms_body
    assert copy.startswith(f"{name}さんの予約：")
    assert count_segments(copy).segments <= 2, copy
    english = render(message_for(booking, "sms", template, locale="en",
                                 recipient_kind=RecipientKind.PROXY)).sms_body
    assert english.startswith(f"{name}'s booking: ")
    email = render(message_for(booking, "email", template, locale="en",
                               address="son@example.jp",
                               recipient_kind=RecipientKind.PROXY), now=NOW)
    assert email.email_subject.startswith(f"{name}'s booking: ")
    assert name not in render(message_for(booking, "email", template, locale="en",
                                           address="keiko@example.jp"), now=NOW).email_subject


def test_every_template_renders_on_every_channel(longest_booking, monkeypatch, ctx):
    configure(monkeypatch, ctx)
    for template in BOOKING_TEMPLATES:
        for locale in ("ja", "en"):
            for channel, address in (("sms", None), ("voice", None),
                                     ("email", "keiko@example.jp")):
                content = render(message_for(longest_booking, channel, template,
                                             locale=locale, address=address), now=NOW)
                text = content.sms_body or content.voice_text or content.email_text
                assert longest_booking.session.venue.short_name in text or \
                    longest_booking.session.venue.name in text


def test_a_message_without_its_booking_cannot_be_rendered(longest_booking, ctx):
    from desk.notify.channels.base import PermanentError

    message = message_for(longest_booking, "sms", "reminder")
    message.topic_id = None
    db.session.flush()
    db.session.expire(message)
    with pytest.raises(PermanentError):
        render(message)


def test_a_name_still_to_confirm_is_never_written(longest_booking, monkeypatch, ctx):
    """A new caller of the phone line is stored under a placeholder name: messages greet
    them without it, and a contact's copy does not name them."""
    configure(monkeypatch, ctx)
    longest_booking.person.name = "山田 花子（お名前確認中）"
    longest_booking.person.name_to_confirm = True
    own = render(message_for(longest_booking, "email", "booking_confirmed",
                             address="hanako@example.jp"), now=NOW)
    assert own.email_text.startswith("こんにちは。")
    copy = render(message_for(longest_booking, "email", "booking_confirmed",
                              address="ichiro@example.jp", recipient_kind=RecipientKind.PROXY),
                  now=NOW)
    voice = render(message_for(longest_booking, "voice", "booking_confirmed",
                               recipient_kind=RecipientKind.PROXY), now=NOW)
    for text in (own.email_subject, own.email_text, copy.email_subject, copy.email_text,
                 voice.voice_text):
        assert "確認中" not in text and "山田" not in text
