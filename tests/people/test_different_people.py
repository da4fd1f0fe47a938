"""Likely duplicates a coordinator checked and found to be different residents (a couple
sharing a landline, two people with one reading): no longer listed until the decision is
taken back; a merge hands the decision to the kept record."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from desk.core.audit import AuditEntry
from desk.core.errors import ValidationError
from desk.extensions import db
from desk.people import queries, services
from desk.people.models import DistinctPair
from tests.fixtures.factories import NOW
from tests.people.helpers import flashes, row_counts


@pytest.fixture
def family(ctx, create_person):
    """Three records on one landline: a couple and, typed twice, their mother."""
    return {
        "shigeru": create_person(name="鈴木 茂", name_kana="すずき しげる", phone="0466-25-1234"),
        "kazuko": create_person(name="鈴木 和子", name_kana="すずき かずこ", phone="0466-25-1234"),
        "tome": create_person(name="鈴木 トメ", name_kana="すずき とめ", phone="0466-25-1234"),
        "tome_again": create_person(name="鈴木 とめ", name_kana="スズキ トメ"),
    }


def names(groups):
    return [{person.name for person in group.people} for group in groups]


def pairs():
    db.session.expire_all()
    return {(low, high) for low, high in
            db.session.execute(select(DistinctPair.low_id, DistinctPair.high_id))}


def mark(*people, now=NOW):
    count = services.mark_different_people(people, actor="test", now=now)
    db.session.commit()
    return count


def test_a_checked_couple_is_no_longer_listed(ctx, create_person):
    couple = [create_person(name="木村 茂", name_kana="きむら しげる", phone="0466-36-1212"),
              create_person(name="木村 幸子", name_kana="きむら さちこ", phone="0466-36-1212")]
    assert names(queries.likely_duplicates()[0]) == [{"木村 茂", "木村 幸子"}]
    assert mark(*couple) == 1
    assert queries.likely_duplicates() == ([], 0)
    lists = queries.duplicate_lists()
    assert names(lists.checked) == [{"木村 茂", "木村 幸子"}] and lists.checked_total == 1
    assert queries.duplicates_of(couple[0]) == []
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "person.distinct")).one()
    assert entry.actor_label == "test"
    assert entry.after["different_people"] == sorted(person.id for person in couple)
    assert mark(*reversed(couple)) == 0  # recorded already: nothing new, no second entry
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "person.distinct")) == 1


def test_a_group_stays_listed_until_every_pair_is_checked(family):
    shigeru, kazuko, tome = family["shigeru"], family["kazuko"], family["tome"]
    mark(shigeru, kazuko)
    listed = names(queries.likely_duplicates()[0])
    assert {"鈴木 茂", "鈴木 和子", "鈴木 トメ"} in listed  # the mother is not checked yet
    assert {"鈴木 トメ", "鈴木 とめ"} in listed  # the same reading: another group
    assert queries.duplicates_of(shigeru) == [tome]
    assert mark(shigeru, kazuko, tome) == 2  # only the two pairs still missing
    assert names(queries.likely_duplicates()[0]) == [{"鈴木 トメ", "鈴木 とめ"}]
    assert len(pairs()) == 3


def test_taking_it_back_lists_them_again(family):
    shigeru, kazuko = family["shigeru"], family["kazuko"]
    mark(shigeru, kazuko, family["tome"])
    assert services.unmark_different_people([shigeru, kazuko, family["tome"]], actor="test",
                                            now=NOW) == 3
    db.session.commit()
    assert pairs() == set()
    assert {"鈴木 茂", "鈴木 和子", "鈴木 トメ"} in names(queries.likely_duplicates()[0])
    lists = queries.duplicate_lists()
    assert (lists.checked, lists.checked_total) == ([], 0)
    assert db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("person.distinct%"))).all() == ["person.distinct",
                                                                 "person.distinct_undo"]


@pytest.mark.parametrize("case", ["one record", "the same record twice", "a merged record"])
def test_marking_refuses_what_is_not_a_group(family, case):
    shigeru, tome, tome_again = family["shigeru"], family["tome"], family["tome_again"]
    if case == "a merged record":
        services.merge_people(tome, tome_again, actor="test", now=NOW)
        db.session.commit()
    people = {"one record": [shigeru], "the same record twice": [shigeru, shigeru],
              "a merged record": [shigeru, tome_again]}[case]
    before = row_counts()
    with force_locale("en"), pytest.raises(ValidationError) as raised:
        services.mark_different_people(people, actor="test", now=NOW)
    db.session.rollback()
    expected = ("merged into another" if case == "a merged record"
                else "Choose at least two records.")
    assert expected in str(raised.value)
    assert row_counts() == before


def test_a_merge_hands_the_decision_to_the_kept_record(family):
    shigeru, kazuko, tome, tome_again = (family[key] for key in
                                         ("shigeru", "kazuko", "tome", "tome_again"))
    mark(shigeru, kazuko, tome_again)  # all three were found to differ
    services.merge_people(tome, tome_again, actor="test", now=NOW + timedelta(hours=1))
    db.session.commit()
    low_high = {(min(a.id, b.id), max(a.id, b.id)) for a, b in
                ((shigeru, kazuko), (shigeru, tome), (kazuko, tome))}
    assert pairs() == low_high  # nothing left on the merged record
    assert queries.likely_duplicates() == ([], 0)


def test_a_merge_drops_a_decision_between_the_two_records(family):
    tome, tome_again = family["tome"], family["tome_again"]
    mark(tome, tome_again)  # a mistake: it was the same person after all
    services.merge_people(tome, tome_again, actor="test", now=NOW + timedelta(hours=1))
    db.session.commit()
    assert pairs() == set()


def test_duplicates_page_marks_and_takes_back(family, staff_client):
    shigeru, kazuko, tome = family["shigeru"], family["kazuko"], family["tome"]
    ids = [str(person.id) for person in (shigeru, kazuko, tome)]
    html = staff_client.get("/staff/people/duplicates",
                            headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "These are different people" in html
    assert "None yet." in html

    response = staff_client.post("/staff/people/duplicates/different", data={"person": ids},
                                 headers={"Accept-Language": "en"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.request.path == "/staff/people/duplicates"
    assert flashes(html, "success") == [
        "Marked as different people: 鈴木 茂, 鈴木 和子, 鈴木 トメ. They are no longer "
        "listed as likely duplicates."]
    assert len(pairs()) == 3
    checked = html[html.index("Checked: different people"):]
    assert "鈴木 茂" in checked and "List them as likely duplicates again" in checked

    response = staff_client.post("/staff/people/duplicates/different/undo",
                                 data={"person": ids}, headers={"Accept-Language": "en"},
                                 follow_redirects=True)
    assert flashes(response.get_data(as_text=True), "success") == [
        "Listed as likely duplicates again: 鈴木 茂, 鈴木 和子, 鈴木 トメ."]
    assert pairs() == set()


@pytest.mark.parametrize("data", [
    {}, {"person": ["abc"]}, {"person": ["99999999"]}, {"person": ["1", "-2"]},
    {"person": ["１２"]}, {"person": [""] * 3}])
def test_duplicates_page_refuses_bad_ids(family, staff_client, data):
    if data.get("person") == ["1", "-2"]:
        data = {"person": [str(family["shigeru"].id), "-2"]}
    before = row_counts()
    for url in ("/staff/people/duplicates/different", "/staff/people/duplicates/different/undo"):
        response = staff_client.post(url, data=data, headers={"Accept-Language": "en"},
                                     follow_redirects=True)
        assert response.status_code == 200
        assert flashes(response.get_data(as_text=True), "error") == [
            "These records could not be found. Open the list again."]
    assert row_counts() == before


def test_duplicates_page_refuses_a_single_record(family, staff_client):
    before = row_counts()
    response = staff_client.post("/staff/people/duplicates/different",
                                 data={"person": [str(family["shigeru"].id)]},
                                 headers={"Accept-Language": "en"}, follow_redirects=True)
    assert flashes(response.get_data(as_text=True), "error") == ["Choose at least two records."]
    assert row_counts() == before
