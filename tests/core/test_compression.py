"""Compressed responses (desk.core.compression): pages, style sheets, scripts and
exports go out compressed when the client accepts it, and read back the same; files
that are compressed already, small answers, cross-site requests and clients that do
not ask stay as they are."""

import gzip
import io
from datetime import timedelta
from pathlib import Path

import brotli
import icalendar
import openpyxl
import pytest
from flask import url_for

from desk import create_app
from desk.auth.models import Role
from desk.core.timeutil import local_today, utcnow
from desk.events import services
from desk.extensions import db
from tests.conftest import test_config

BROWSER = {"Accept-Encoding": "gzip, deflate, br", "Sec-Fetch-Site": "same-origin"}
GZIP_ONLY = {"Accept-Encoding": "gzip"}


def decoded(response):
    encoding = response.headers.get("Content-Encoding")
    data = response.get_data()
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "br":
        return brotli.decompress(data)
    assert encoding is None, encoding
    return data


def static_url(app, filename):
    with app.test_request_context():
        return url_for("static", filename=filename)


def test_a_page_is_compressed_with_brotli_when_the_browser_accepts_it(client):
    plain = client.get("/")
    response = client.get("/", headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    assert len(response.get_data()) < len(plain.get_data()) / 3
    assert decoded(response) == plain.get_data()
    assert response.headers["Cache-Control"] == "no-store"  # pages stay uncached


def test_a_page_is_compressed_with_gzip_for_a_gzip_only_client(client):
    response = client.get("/", headers=GZIP_ONLY)
    assert response.headers["Content-Encoding"] == "gzip"
    assert decoded(response) == client.get("/").get_data()


@pytest.mark.parametrize("filename", ["kiosk/kiosk.css", "kiosk/kiosk.js", "css/desk.css",
                                      "vendor/design-tokens/tokens.css"])
@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_style_sheets_and_scripts_are_compressed(app, client, filename, encoding):
    url = static_url(app, filename)
    response = client.get(url, headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert decoded(response) == (Path(app.static_folder) / filename).read_bytes()
    response.close()


def test_nothing_is_compressed_for_a_client_that_does_not_ask(app, client):
    for url in ("/", static_url(app, "kiosk/kiosk.css")):
        response = client.get(url)
        assert "Content-Encoding" not in response.headers
        response.close()


def test_a_request_another_site_made_is_answered_uncompressed(client):
    """No compressed length to measure for a page another site had the browser ask
    for with text of its choosing (BREACH)."""
    response = client.get("/", headers={**BROWSER, "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    for site in ("same-origin", "same-site", "none"):
        response = client.get("/", headers={**BROWSER, "Sec-Fetch-Site": site})
        assert response.headers["Content-Encoding"] == "br"


def test_small_answers_are_left_alone(client):
    response = client.get("/healthz", headers=BROWSER)
    assert response.status_code == 200
    assert len(response.get_data()) < 500
    assert "Content-Encoding" not in response.headers


def test_a_compressed_static_file_is_revalidated_by_its_etag(app, client):
    url = static_url(app, "kiosk/kiosk.css").split("?")[0]  # an unversioned address
    first = client.get(url, headers=BROWSER)
    etag = first.headers["ETag"]
    first.close()
    assert etag.endswith(':br"')
    again = client.get(url, headers={**BROWSER, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_the_csv_export_is_compressed_and_reads_back_the_same(ctx, client, login, create_user,
                                                              create_session):
    for days in range(1, 8):
        create_session(day=local_today() + timedelta(days=days))
    db.session.commit()
    login(client, create_user(Role.ADMIN))
    plain = client.get("/admin/audit.csv")
    response = client.get("/admin/audit.csv", headers=BROWSER)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Content-Disposition"] == plain.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert decoded(response) == plain.get_data()
    assert decoded(response).startswith(b"\xef\xbb\xbf")


def test_the_spreadsheet_export_is_sent_as_it_is(ctx, client, login, create_user):
    """An .xlsx file is a zip archive already: sent as it is, and it opens."""
    login(client, create_user(Role.COORDINATOR))
    response = client.get("/staff/reports/report.xlsx", headers=BROWSER,
                          query_string={"period": "month",
                                        "month": local_today().strftime("%Y-%m")})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert openpyxl.load_workbook(io.BytesIO(response.get_data())).worksheets


def test_a_bookings_calendar_file_reads_back_when_compressed(ctx, client, create_session,
                                                              create_person):
    session = create_session(day=local_today() + timedelta(days=10))
    booking = services.book_seat(session, create_person(), seats=1, channel="web",
                                 actor="web", now=utcnow()).booking
    db.session.commit()
    response = client.get(f"/bookings/{booking.token}.ics", headers=GZIP_ONLY)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    calendar = icalendar.Calendar.from_ical(decoded(response))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1 and str(events[0]["UID"])


def test_compression_can_be_left_to_a_reverse_proxy(tmp_path):
    app = create_app({**test_config(tmp_path / "instance",
                                    f"sqlite:///{tmp_path / 'desk.sqlite3'}"),
                      "DESK_COMPRESS": False})
    client = app.test_client()
    response = client.get(static_url(app, "kiosk/kiosk.css"), headers=BROWSER)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    response.close()
