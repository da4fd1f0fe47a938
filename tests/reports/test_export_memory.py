"""The large exports keep a batch of rows in memory, not the whole file: the audit log CSV
and the attendance list CSV of four times as many rows peak at nearly the same Python
memory (tracemalloc) as the smaller ones, although their files are four times as large.
The .xlsx keeps each distinct text once (openpyxl's shared strings: a workbook's zip
holds them in one part, written at the end), here every resident's name: its peak grows
by a few hundred bytes per row, not by the row's cells, ORM objects and file. Built the
old way (every row as an ORM object and a cell object per cell, the file as one string)
the peak grew with the rows: about 126 MiB for the demo's files."""

import gc
import tracemalloc
from datetime import date, time

import pytest
from sqlalchemy import delete, insert

from desk.auth.models import Role
from desk.core import csvexport
from desk.core.audit import AuditEntry
from desk.events.models import Booking, BookingChannel, BookingStatus
from desk.extensions import db
from desk.people.models import Person
from tests.fixtures.factories import NOW

SMALL = 1000
LARGE = 4 * SMALL
NOTE = "講座の受付で、ご家族から電話番号の変更の連絡がありました。" * 8
PERIOD = "?from=2026-12-01&to=2026-12-31"


@pytest.fixture(autouse=True)
def small_spool(monkeypatch):
    """Every file here goes to disk, as the demo's do: a spooled file keeps up to
    SPOOL_MEMORY_MAX in memory, which would otherwise be most of the peak."""
    monkeypatch.setattr(csvexport, "SPOOL_MEMORY_MAX", 64 * 1024)


def download_peak(client, url):
    """(peak Python memory in bytes while the file is made and read, its size)."""
    gc.collect()
    tracemalloc.start()
    try:
        response = client.get(url, buffered=False)
        assert response.status_code == 200
        size = sum(len(chunk) for chunk in response.response)
        response.close()
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


def add_audit_entries(count):
    db.session.execute(delete(AuditEntry))
    db.session.execute(insert(AuditEntry), [
        {"created_dt": NOW, "actor_label": "coordinator@city.example.jp",
         "action": "person.update", "object_type": "people", "object_id": 1,
         "before": {"phone": "+819012345678"}, "after": {"phone": "+819087654321"},
         "note": NOTE} for _number in range(count)])
    db.session.commit()


def add_bookings(session_id, count):
    db.session.execute(delete(Booking))
    db.session.execute(delete(Person))
    people = db.session.scalars(insert(Person).returning(Person.id), [
        {"name": f"山田 花子{number}", "name_kana": "やまだ はなこ", "kana_key": "ヤマダハナコ",
         "phone": "+819012345678", "created_channel": "phone_desk"}
        for number in range(count)]).all()
    db.session.execute(insert(Booking), [
        {"session_id": session_id, "person_id": person_id, "seats": 1,
         "status": BookingStatus.BOOKED, "code": f"{number:08d}", "token": f"t{number}",
         "channel": BookingChannel.PHONE_DESK, "queue_dt": NOW, "booked_dt": NOW}
        for number, person_id in enumerate(people)])
    db.session.commit()


def assert_bounded(small, large):
    """Four times the rows, four times the file, and the peak grows by less than 1 KiB a
    row: the rows are not kept (built the old way, it grew by 5 to 8 KiB a row). The
    margin is for what else the test process allocates meanwhile (its other threads, a
    collection that comes later), seen at about 0.3 KiB a row in a full run."""
    (small_peak, small_size), (large_peak, large_size) = small, large
    assert large_size > 3.5 * small_size
    assert (large_peak - small_peak) / (LARGE - SMALL) < 1024, (small_peak, large_peak)


def test_the_audit_log_csv_peaks_at_a_batch_not_the_file(ctx, client, login, create_user):
    login(client, create_user(Role.ADMIN))
    add_audit_entries(SMALL)
    small = download_peak(client, "/admin/audit.csv")
    add_audit_entries(LARGE)
    large = download_peak(client, "/admin/audit.csv")
    assert_bounded(small, large)


@pytest.fixture
def attendance_peaks(ctx, client, login, create_user, create_session):
    """{extension: (peak, size) of the small list, of the large list}"""
    login(client, create_user(Role.COORDINATOR))
    session = create_session(day=date(2026, 12, 3), start=time(10), capacity=12)

    def peaks(extension):
        url = f"/staff/reports/attendance.{extension}{PERIOD}"
        add_bookings(session.id, SMALL)
        small = download_peak(client, url)
        add_bookings(session.id, LARGE)
        return small, download_peak(client, url)
    return peaks


def test_the_attendance_csv_peaks_at_a_batch_not_the_file(attendance_peaks):
    assert_bounded(*attendance_peaks("csv"))


def test_the_attendance_xlsx_peaks_at_its_distinct_texts_not_the_file(attendance_peaks):
    (small_peak, small_size), (large_peak, large_size) = attendance_peaks("xlsx")
    assert large_size > 3.5 * small_size
    assert (large_peak - small_peak) / (LARGE - SMALL) < 1024, (small_peak, large_peak)
