"""Staff search: one field finds people by phone (any format, or part of a number), by
reading (any kana) or by name; merged records are hidden unless asked for; sorted by
kana, paginated. Through the page: coordinators only, and the query never in a URL."""

import pytest

from desk.extensions import db
from desk.people import queries, services
from desk.people.models import Person
from tests.fixtures.factories import NOW
from tests.people.helpers import error_fields


@pytest.fixture
def residents(ctx, create_person):
    people = {
        "sato": create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="090-1234-5678"),
        "suzuki": create_person(name="鈴木 茂", name_kana="すずき しげる",
                                phone="0466-25-1234"),
        "takahashi": create_person(name="高橋 和子", name_kana="たかはし かずこ",
                                   phone="080-2345-6789"),
        "kato": create_person(name="加藤 京子", name_kana="かとう きょうこ", phone=""),
    }
    services.add_proxy(people["kato"], {"name": "加藤 大輔", "relation": "family",
                                        "phone": "070-1111-2222"},
                       consent_method="phone_staff", actor="test", now=NOW)
    db.session.commit()
    return people


def found(text, **kwargs):
    return [person.name for person in queries.search_people(text, **kwargs).people]


@pytest.mark.parametrize("text", [
    "090-1234-5678",
    "09012345678",
    "０９０ー１２３４ー５６７８",      # full-width digits, katakana long-vowel mark
    "090−1234−5678",                  # minus sign
    "090‐1234‐5678",                  # hyphen
    "090－1234－5678",                # full-width hyphen-minus
    "090 1234 5678",
    "０９０　１２３４　５６７８",       # full-width spaces
    "+81 90 1234 5678",
    "+81-90-1234-5678",
    "＋８１９０１２３４５６７８",
    "(090) 1234-5678",
    "090（1234）5678",                 # full-width parentheses
])
def test_search_finds_a_phone_number_in_any_format(residents, text):
    result = queries.search_people(text)
    assert result.mode == "phone"
    assert [person.name for person in result.people] == ["佐藤 恵子"]


@pytest.mark.parametrize("text", ["0466-25-1234", "(0466)25-1234", "０４６６－２５－１２３４",
                                  "+81 466 25 1234"])
def test_search_finds_a_landline(residents, text):
    assert found(text) == ["鈴木 茂"]


@pytest.mark.parametrize(("text", "names"), [
    ("090-1234", ["佐藤 恵子"]),          # the start of a national number
    ("０９０１２", ["佐藤 恵子"]),
    ("+8180", ["高橋 和子"]),             # the start of an international one
    ("1234-5678", ["佐藤 恵子"]),         # the last digits
    ("1234", ["佐藤 恵子", "鈴木 茂"]),    # anywhere in the number, sorted by kana
    ("0466", ["鈴木 茂"]),
    ("999", []),
])
def test_search_finds_part_of_a_phone_number(residents, text, names):
    assert found(text) == names


def test_search_needs_three_digits(residents):
    result = queries.search_people("12")
    assert result.too_short and result.people == [] and result.mode == "phone"


def test_search_by_phone_finds_the_person_of_a_proxy_contact(residents):
    assert found("070-1111-2222") == ["加藤 京子"]


@pytest.mark.parametrize(("text", "names"), [
    ("さとう", ["佐藤 恵子"]),
    ("サトウ", ["佐藤 恵子"]),
    ("ｻﾄｳ", ["佐藤 恵子"]),
    ("さとうけいこ", ["佐藤 恵子"]),
    ("サトウ　ケイコ", ["佐藤 恵子"]),
    ("けいこ", ["佐藤 恵子"]),             # the given name alone
    ("きようこ", ["加藤 京子"]),           # small kana folded
    ("か", ["加藤 京子", "高橋 和子"]),     # sorted by reading: カトウ before タカハシ
    ("がとう", []),
])
def test_search_by_kana(residents, text, names):
    result = queries.search_people(text)
    assert result.mode == "kana"
    assert [person.name for person in result.people] == names


@pytest.mark.parametrize(("text", "names"), [
    ("佐藤", ["佐藤 恵子"]),
    ("佐藤恵子", ["佐藤 恵子"]),            # with or without the space
    ("佐藤　恵子", ["佐藤 恵子"]),
    ("子", ["加藤 京子", "佐藤 恵子", "高橋 和子"]),
    ("藤", ["加藤 京子", "佐藤 恵子"]),
    ("%", []),                           # LIKE wildcards are plain characters
    ("_", []),
    ("佐藤\x00", ["佐藤 恵子"]),           # control characters are dropped
    ("\x00佐\x1b藤", ["佐藤 恵子"]),
])
def test_search_by_name(residents, text, names):
    result = queries.search_people(text)
    assert result.mode == "name"
    assert [person.name for person in result.people] == names


def test_empty_search_lists_everyone_sorted_by_kana_and_paginated(residents):
    result = queries.search_people("", page_size=3)
    assert result.total == 4 and result.pages == 2
    assert [person.name for person in result.people] == ["加藤 京子", "佐藤 恵子", "鈴木 茂"]
    second = queries.search_people("", page=2, page_size=3)
    assert [person.name for person in second.people] == ["高橋 和子"]
    assert queries.search_people("", page=99, page_size=3).page == 2


def test_merged_records_are_hidden_unless_asked_for(residents, create_person):
    duplicate = create_person(name="佐藤 恵子", name_kana="サトウ ケイコ", phone="090-1234-5678")
    services.merge_people(residents["sato"], duplicate, actor="test", now=NOW)
    db.session.commit()
    assert [p.id for p in queries.search_people("さとう").people] == [residents["sato"].id]
    shown = queries.search_people("さとう", include_merged=True).people
    assert {p.id for p in shown} == {residents["sato"].id, duplicate.id}


# -- the page ---------------------------------------------------------------------------------

def test_search_page_keeps_the_query_out_of_urls(residents, staff_client):
    response = staff_client.post("/staff/people", data={"q": "０９０ー１２３４ー５６７８"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/people")
    html = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "佐藤 恵子" in html and "鈴木 茂" not in html
    assert "090-1234-5678" in html  # shown in the national format
    assert "+8190" not in html
    next_page = staff_client.get("/staff/people?page=2")
    assert next_page.status_code == 200


def test_search_page_lists_everyone_with_phone_kinds(residents, staff_client):
    html = staff_client.get("/staff/people").get_data(as_text=True)
    for person in residents.values():
        assert person.name in html
    assert "0466-25-1234" in html
    assert html.index("加藤 京子") < html.index("佐藤 恵子") < html.index("高橋 和子")


def test_search_page_clears_the_search(residents, staff_client):
    staff_client.post("/staff/people", data={"q": "佐藤"})
    staff_client.post("/staff/people", data={"q": "佐藤", "clear": "1"})
    html = staff_client.get("/staff/people").get_data(as_text=True)
    assert "鈴木 茂" in html


def test_search_page_refuses_a_query_too_long(residents, staff_client):
    response = staff_client.post("/staff/people", data={"q": "あ" * 101})
    assert response.status_code == 200
    assert error_fields(response.get_data(as_text=True)) == {"q"}


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999", "²", ""])
def test_search_page_survives_odd_page_numbers(residents, staff_client, page):
    assert staff_client.get(f"/staff/people?page={page}").status_code == 200


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_volunteers_cannot_search(ctx, client, create_user, login, method):
    from desk.auth.models import Role

    login(client, create_user(Role.VOLUNTEER))
    response = client.open("/staff/people", method=method, data={"q": "090"})
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(ctx, client):
    for method in ("GET", "POST"):
        response = client.open("/staff/people", method=method, data={"q": "090"})
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admins_can_search(ctx, client, create_user, login, residents):
    from desk.auth.models import Role

    login(client, create_user(Role.ADMIN))
    client.post("/staff/people", data={"q": "すずき"})
    assert "鈴木 茂" in client.get("/staff/people").get_data(as_text=True)
    assert db.session.get(Person, residents["suzuki"].id) is not None
