"""What a kiosk downloads: its pages compressed and never cached, its style sheet and
script cached for a year by versioned addresses, the kana keys drawn by kiosk.js from
one attribute; and without JavaScript the compressed form still books."""

import gzip
import html
import re
from html.parser import HTMLParser

import brotli
from sqlalchemy import select

from desk.events.models import Booking, BookingStatus
from desk.extensions import db
from desk.kiosk.forms import KANA_COLUMNS
from tests.kiosk.helpers import PERSON

BROWSER = {"Accept-Encoding": "gzip, deflate, br", "Sec-Fetch-Site": "same-origin"}


def decoded(response):
    encoding = response.headers.get("Content-Encoding")
    assert encoding in ("br", "gzip"), encoding
    data = response.get_data()
    return (brotli.decompress(data) if encoding == "br" else gzip.decompress(data)).decode()


class Form(HTMLParser):
    """The fields a browser without JavaScript posts: hidden ones, and the first choice
    of each radio group, as a person would tick one."""

    def __init__(self):
        super().__init__()
        self.fields, self.assets = {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("hidden", "radio"):
            self.fields.setdefault(attrs["name"], attrs.get("value") or "")
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.assets.append(attrs["href"])
        elif tag == "script":
            self.assets.append(attrs["src"])


def test_the_start_page_goes_out_compressed_and_never_cached(kiosk_client, kiosk_place):
    venue = kiosk_place["venue"]
    response = kiosk_client.get(f"/kiosk/{venue.id}", headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = decoded(response)
    assert len(response.get_data()) < len(page.encode()) / 3
    # every step and the book button are on the page, for a browser without JavaScript
    assert re.findall(r'data-step="(\d)"', page) == ["1", "2", "3", "4"]
    assert 'type="submit"' in page
    # the kana keys come from one attribute; kiosk.js draws them
    assert f'data-kana-columns="{KANA_COLUMNS}"' in page
    assert "data-kana=" not in page


def test_the_kiosks_style_sheets_and_script_are_kept_for_a_year(kiosk_client, kiosk_place):
    parser = Form()
    parser.feed(decoded(kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}",
                                         headers=BROWSER)))
    assert len(parser.assets) == 3
    for url in parser.assets:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        response = kiosk_client.get(url, headers=BROWSER)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["Content-Encoding"] == "br"
        response.close()


def test_the_compressed_form_books_without_javascript(kiosk_client, kiosk_place):
    venue = kiosk_place["venue"]
    parser = Form()
    parser.feed(decoded(kiosk_client.get(f"/kiosk/{venue.id}", headers=BROWSER)))
    assert parser.fields["session_id"] == str(kiosk_place["here"].id)
    form = {**parser.fields, **PERSON, "seats": "1", "consent": "yes"}
    response = kiosk_client.post(f"/kiosk/{venue.id}/book", data=form, headers=BROWSER)
    assert response.status_code == 303
    booking = db.session.scalars(select(Booking)).one()
    assert booking.status == BookingStatus.BOOKED
    done = kiosk_client.get(response.headers["Location"], headers=BROWSER)
    assert done.headers["Cache-Control"] == "no-store"
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", decoded(done))).split())
    assert f"{booking.code[:4]} - {booking.code[4:]}" in page
