"""The access log: who opened which residents' records. Each recorded action (a person's
page, a search listing residents, an attendance list downloaded) writes one entry with
the residents' ids and nothing else personal; admins alone read and filter it; the
retention purge deletes old entries."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from desk.auth.models import Role
from desk.core import accesslog, retention
from desk.core.accesslog import AccessEntry, AccessObject
from desk.core.timeutil import local_datetime, utcnow
from desk.events.models import BookingChannel
from desk.events.services import book_seat
from desk.extensions import db
from tests.fixtures.factories import NOW


@pytest.fixture
def coordinator(ctx, create_user):
    return create_user(Role.COORDINATOR, display_name="調整 花子")


@pytest.fixture
def admin(ctx, create_user):
    return create_user(Role.ADMIN, display_name="管理 一郎")


def _entries():
    db.session.expire_all()
    return db.session.scalars(select(AccessEntry).order_by(AccessEntry.id)).all()


# -- recording ---------------------------------------------------------------------------------

def test_record_keeps_the_ids_once_each_and_nothing_else(ctx, coordinator):
    entry = accesslog.record(coordinator, "people.searched", "person", [7, 3, 7, 12], now=NOW)
    db.session.commit()
    [stored] = _entries()
    assert stored.id == entry.id
    assert (stored.actor_id, stored.actor_label, stored.action, stored.object_type,
            stored.object_count, stored.created_dt) == (
        coordinator.id, coordinator.audit_label, "people.searched", "person", 3, NOW)
    assert stored.object_ids == [3, 7, 12]
    columns = {column.name for column in AccessEntry.__table__.columns} | {
        column.name for column in AccessObject.__table__.columns}
    assert columns == {"id", "created_dt", "actor_id", "actor_label", "action",
                       "object_type", "object_count", "entry_id", "object_id"}


def test_an_unregistered_action_is_a_programming_error(ctx, coordinator):
    with pytest.raises(ValueError):
        accesslog.record(coordinator, "people.peeked", "person", [1], now=NOW)
    with pytest.raises(ValueError):
        accesslog.register_action("person.viewed", "again")


def test_opening_a_persons_page_records_one_entry(client, login, coordinator, create_person):
    person = create_person(phone="090-4444-5555")
    login(client, coordinator)
    assert client.get(f"/staff/people/{person.id}").status_code == 200
    [entry] = _entries()
    assert (entry.action, entry.object_type, entry.object_ids, entry.actor_id) == (
        "person.viewed", "person", [person.id], coordinator.id)


def test_a_search_records_the_residents_listed_not_the_text(client, login, coordinator,
                                                            create_person):
    found = create_person(name="検索 花子", name_kana="けんさく はなこ")
    create_person(name="別人 太郎", name_kana="べつじん たろう")
    login(client, coordinator)
    client.post("/staff/people", data={"q": "けんさく"})
    assert client.get("/staff/people").status_code == 200
    [entry] = _entries()
    assert (entry.action, entry.object_ids) == ("people.searched", [found.id])
    # a search that lists nobody showed nobody: nothing to record
    client.post("/staff/people", data={"q": "だれもいない"})
    client.get("/staff/people")
    assert len(_entries()) == 1


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_an_attendance_list_download_records_the_residents_in_it(client, login, coordinator,
                                                                 create_session,
                                                                 create_person, extension):
    session = create_session(day=date(2026, 12, 3), start=time(10), end=time(11))
    people = [create_person() for _ in range(3)]
    for person in people:
        book_seat(session, person, channel=BookingChannel.PHONE_DESK, actor="test", now=NOW)
    db.session.commit()
    login(client, coordinator)
    response = client.get(f"/staff/reports/attendance.{extension}?from=2026-12-01"
                          "&to=2026-12-31")
    assert response.status_code == 200
    [entry] = _entries()
    assert (entry.action, entry.object_type) == ("attendance.exported", "person")
    assert entry.object_ids == sorted(person.id for person in people)


@pytest.mark.parametrize("suffix", ["", ".json", ".zip"])
def test_producing_a_disclosure_records_the_person(client, login, coordinator, create_person,
                                                   suffix):
    person = create_person()
    login(client, coordinator)
    assert client.get(f"/staff/people/{person.id}/disclosure{suffix}").status_code == 200
    [entry] = _entries()
    assert (entry.action, entry.object_ids) == ("disclosure.produced", [person.id])


# -- the admins' page --------------------------------------------------------------------------

@pytest.fixture
def logged(ctx, coordinator, admin):
    """Three entries: the coordinator opened person 5 on 1 December and searched (5, 9)
    on 3 December; the admin downloaded a list with 9 on 5 December (JST)."""
    def at(day):
        return local_datetime(date(2026, 12, day), time(10))

    accesslog.record(coordinator, "person.viewed", "person", [5], now=at(1))
    accesslog.record(coordinator, "people.searched", "person", [5, 9], now=at(3))
    accesslog.record(admin, "attendance.exported", "person", [9], now=at(5))
    db.session.commit()


def _listed(client, query=""):
    response = client.get("/admin/access-log" + query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page, [label for label in ("住民のページを表示", "住民を検索（一覧に出た住民）",
                                      "参加者名簿をダウンロード")
                  if f"<td>{label}</td>" in page]


def test_the_admin_page_lists_and_filters(client, login, admin, coordinator, logged):
    login(client, admin)
    page, shown = _listed(client)
    assert len(shown) == 3 and "3件" in page
    assert _listed(client, f"?user={coordinator.id}")[1] == [
        "住民のページを表示", "住民を検索（一覧に出た住民）"]
    assert _listed(client, "?action=attendance.exported")[1] == ["参加者名簿をダウンロード"]
    assert _listed(client, "?person=9")[1] == ["住民を検索（一覧に出た住民）",
                                               "参加者名簿をダウンロード"]
    assert _listed(client, "?person=５")[1] == ["住民のページを表示",
                                                "住民を検索（一覧に出た住民）"]
    assert _listed(client, "?from=2026-12-02&to=2026-12-04")[1] == [
        "住民を検索（一覧に出た住民）"]
    assert _listed(client, "?from=2026-12-05")[1] == ["参加者名簿をダウンロード"]


def test_filters_that_cannot_be_read_are_said_and_left_out(client, login, admin, logged):
    login(client, admin)
    page, shown = _listed(client, "?person=abc&from=2026-13-01&action=x&user=me")
    assert len(shown) == 3
    for message in ("登録番号は", "YYYY-MM-DD", "一覧から操作を選んでください。",
                    "一覧からアカウントを選んでください。"):
        assert message in page
    page, shown = _listed(client, "?from=2026-12-05&to=2026-12-01")
    assert "期間の終わりが始まりより前になっています。" in page and len(shown) == 3


def test_the_page_is_paginated(client, login, admin):
    for number in range(55):
        accesslog.record(admin, "person.viewed", "person", [number + 1],
                         now=NOW + timedelta(minutes=number))
    db.session.commit()
    login(client, admin)
    first, _shown = _listed(client)
    assert "No.55<" in first and "No.5<" not in first
    second, _shown = _listed(client, "?page=2")
    assert "No.5<" in second and "No.55<" not in second


def test_only_admins_read_the_access_log(client, login, coordinator):
    login(client, coordinator)
    assert client.get("/admin/access-log").status_code == 403


# -- retention ---------------------------------------------------------------------------------

def test_the_access_log_is_a_retention_class(ctx):
    data_class = retention.DATA_CLASSES["access_log"]
    assert (data_class.unit, data_class.default) == (retention.DAYS, 730)
    assert data_class.setting == "DESK_RETAIN_ACCESS_LOG_DAYS"


def test_count_and_purge_take_only_what_is_older_than_the_cutoff(ctx, coordinator):
    now = utcnow()
    cutoff = retention.DATA_CLASSES["access_log"].cutoff(ctx.config, now)
    assert cutoff == now - timedelta(days=730)
    old = accesslog.record(coordinator, "people.searched", "person", [1, 2],
                           now=cutoff - timedelta(seconds=1))
    kept = accesslog.record(coordinator, "person.viewed", "person", [1], now=cutoff)
    db.session.commit()
    old_id, kept_id = old.id, kept.id
    data_class = retention.DATA_CLASSES["access_log"]
    assert data_class.count(cutoff) == 1
    assert data_class.purge(cutoff, now) == 1
    db.session.commit()
    assert [entry.id for entry in _entries()] == [kept_id]
    assert db.session.scalar(select(func.count()).select_from(AccessObject).where(
        AccessObject.entry_id == old_id)) == 0
    assert data_class.count(cutoff) == 0
