"""Likely duplicates (same phone, or the same reading once spaces, kana kind, width and
small kana are folded) and the merge pages: choose the record to keep, see what will
happen, confirm; the merge says which booking was cancelled."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from desk.core.timeutil import local_today, to_local, utcnow
from desk.events import services as events
from desk.events.models import BookingStatus
from desk.extensions import db
from desk.people import queries, services
from desk.people.models import Person
from tests.fixtures.factories import NOW
from tests.people.helpers import flashes, row_counts


@pytest.fixture
def people(ctx, create_person):
    return {
        "keiko": create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="090-1234-5678"),
        "keiko_web": create_person(name="佐藤 恵子", name_kana="ｻﾄｳ ｹｲｺ", phone="080-1111-2222"),
        "shigeru": create_person(name="鈴木 茂", name_kana="すずき しげる", phone="0466-25-1234"),
        "wife": create_person(name="鈴木 和子", name_kana="すずき かずこ", phone="0466-25-1234"),
        "both": create_person(name="高橋 和子", name_kana="たかはし かずこ",
                              phone="070-3333-4444"),
        "both_again": create_person(name="髙橋 和子", name_kana="タカハシ カズコ",
                                    phone="070-3333-4444"),
        "alone": create_person(name="田中 正雄", name_kana="たなか まさお", phone="070-5555-6666"),
    }


def describe(groups):
    return {(frozenset(p.name for p in group.people), frozenset(group.reasons))
            for group in groups}


def test_likely_duplicates_by_phone_and_by_reading(people):
    groups, total = queries.likely_duplicates()
    assert total == 3
    assert describe(groups) == {
        (frozenset({"佐藤 恵子"}), frozenset({"kana"})),
        (frozenset({"鈴木 茂", "鈴木 和子"}), frozenset({"phone"})),
        (frozenset({"高橋 和子", "髙橋 和子"}), frozenset({"phone", "kana"})),
    }
    assert [group.people[0].name_kana for group in groups] == sorted(
        group.people[0].name_kana for group in groups)


def test_likely_duplicates_leave_out_merged_records(people):
    services.merge_people(people["keiko"], people["keiko_web"], actor="test", now=NOW)
    db.session.commit()
    groups, total = queries.likely_duplicates()
    assert total == 2
    assert all(people["keiko"].id not in {p.id for p in group.people} for group in groups)


def test_likely_duplicates_are_capped(people):
    groups, total = queries.likely_duplicates(limit=1)
    assert len(groups) == 1 and total == 3


def test_duplicates_of_one_person(people):
    assert [p.id for p in queries.duplicates_of(people["shigeru"])] == [people["wife"].id]
    assert queries.duplicates_of(people["alone"]) == []


def test_duplicates_page_links_pairs_to_the_merge(people, staff_client):
    html = staff_client.get("/staff/people/duplicates").get_data(as_text=True)
    keiko, web = people["keiko"], people["keiko_web"]
    assert f"/staff/people/{web.id}/merge?keep={keiko.id}" in html
    assert f"/staff/people/{keiko.id}/merge?keep={web.id}" in html
    assert "田中 正雄" not in html


def test_merge_choose_page_offers_the_candidates(people, staff_client):
    html = staff_client.get(f"/staff/people/{people['wife'].id}/merge").get_data(as_text=True)
    assert f'value="{people["shigeru"].id}"' in html


def test_merge_pages_preview_then_merge_and_report_the_cancelled_booking(
        people, staff_client, create_session, create_person):
    keep, drop = people["keiko"], people["keiko_web"]
    # the merge page runs on the real clock: a class still to come, whatever today is
    session = create_session(capacity=2, day=local_today(utcnow()) + timedelta(days=7))
    kept = events.book_seat(session, keep, channel="phone_desk", actor="test", now=NOW).booking
    dropped = events.book_seat(session, drop, channel="web", actor="web",
                               now=NOW + timedelta(minutes=3)).booking
    waiting = events.book_seat(session, create_person(), channel="web", actor="web",
                               now=NOW + timedelta(minutes=4)).booking
    db.session.commit()
    before = row_counts()

    preview = staff_client.get(f"/staff/people/{drop.id}/merge?keep={keep.id}")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert dropped.display_code in html and kept.display_code in html
    assert session.display_title in html
    # what moves, table by table, in the reader's language (from the registry's labels)
    for what in ("予約", "相談窓口の受付番号", "メッセージ（送信済み・送信予定）", "代理の連絡先"):
        assert f"残す記録へ移す{what}：" in html
    assert row_counts() == before  # looking changes nothing

    response = staff_client.post(f"/staff/people/{drop.id}/merge?keep={keep.id}",
                                 follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.request.path == f"/staff/people/{keep.id}"
    messages = " ".join(flashes(html))
    assert ("この登録に移したもの：予約1件、相談窓口の受付番号0件、新しい講座のお知らせの申込み0件、"
            "メッセージ") in messages
    assert dropped.display_code in messages and session.display_title in messages
    assert f"{to_local(session.start_dt).month}月{to_local(session.start_dt).day}日" in messages
    db.session.expire_all()
    assert drop.merged_into_id == keep.id
    assert dropped.status == BookingStatus.CANCELLED
    assert kept.status == waiting.status == BookingStatus.BOOKED


@pytest.mark.parametrize("keep", ["abc", "0", "-1", "99999999999", "9999999", "self", "merged",
                                  ""])
def test_merge_page_refuses_a_bad_choice_and_changes_nothing(people, staff_client, keep):
    drop = people["keiko_web"]
    if keep == "self":
        keep = str(drop.id)
    elif keep == "merged":
        services.merge_people(people["shigeru"], people["wife"], actor="test", now=NOW)
        db.session.commit()
        keep = str(people["wife"].id)
    before = row_counts()
    for method in ("GET", "POST"):
        response = staff_client.open(f"/staff/people/{drop.id}/merge?keep={keep}",
                                     method=method)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert 'name="other"' in html  # back on the choice
        if keep or method == "POST":
            assert flashes(html, "error")
    assert row_counts() == before
    assert db.session.get(Person, drop.id).merged_into_id is None


def test_merge_page_accepts_a_typed_record_number(people, staff_client):
    drop, keep = people["alone"], people["keiko"]
    typed = str(keep.id).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = staff_client.get(f"/staff/people/{drop.id}/merge?keep=&other={typed}")
    html = response.get_data(as_text=True)
    assert f'action="/staff/people/{drop.id}/merge?keep={keep.id}"' in html  # the confirmation


def test_merge_refused_by_the_service_is_reported(people, staff_client):
    drop, keep = people["keiko_web"], people["keiko"]
    services.merge_people(people["shigeru"], keep, actor="test", now=NOW)
    db.session.commit()
    before = row_counts()
    response = staff_client.post(f"/staff/people/{drop.id}/merge?keep={keep.id}",
                                 follow_redirects=True)
    assert response.status_code == 200 and flashes(response.get_data(as_text=True), "error")
    assert row_counts() == before
    merged = db.session.scalars(select(Person).where(Person.merged_into_id.is_not(None))).all()
    assert [person.id for person in merged] == [keep.id]


def test_merge_preview_lists_the_details_the_kept_record_takes(ctx, staff_client,
                                                               create_person):
    keep = create_person(name="伊藤 節子", name_kana="いとう せつこ", phone="")
    drop = create_person(name="伊藤 節子", name_kana="いとう せつこ", phone="0466-82-4455",
                         email="setsuko@example.jp")
    html = staff_client.get(f"/staff/people/{drop.id}/merge?keep={keep.id}").get_data(
        as_text=True)
    assert "0466-82-4455" in html
    assert queries.merge_plan(keep, drop).fills == ["phone", "email"]
    response = staff_client.post(f"/staff/people/{drop.id}/merge?keep={keep.id}",
                                 follow_redirects=True)
    assert len(flashes(response.get_data(as_text=True), "info")) == 1  # the details taken
    db.session.expire_all()
    assert keep.phone == "+81466824455" and keep.email == "setsuko@example.jp"
