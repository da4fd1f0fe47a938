"""The coordinators' consultation pages: one session's figures on a known scenario
(exact counts and averages), and the topic list: add, rename, re-order, hide and show,
each audit-logged; bad input gives a message and changes nothing."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from desk.consults import queries, queue, reports, services, topics
from desk.consults.models import ConsultTopic, Device, Outcome, TicketStatus
from desk.core.audit import AuditEntry
from desk.core.errors import ValidationError
from desk.core.timeutil import local_datetime
from desk.extensions import db

DAY = date(2026, 12, 3)


def at(hour, minute=0):
    return local_datetime(DAY, time(hour, minute))


def _topic(code):
    return db.session.scalar(select(ConsultTopic).where(ConsultTopic.code == code))


@pytest.fixture
def scenario(ctx, create_user, create_session):
    """Seven tickets: three served (waits 10, 20 and 36 minutes: 22 on average; services
    20, 15 and 25 minutes: 20 on average), one in service after a skip and a recall, one
    skipped and never recalled, one cancelled, one waiting."""
    coordinator = create_user(display_name="調整 花子")
    helper = create_user(display_name="相談 一郎")
    desk_session = create_session(kind="consultation", day=DAY, start=time(10), end=time(15))

    def issue(minute, **data):
        return services.issue_ticket(desk_session, data, actor=coordinator, now=at(10, minute))

    def serve(ticket, called, ended, topic_codes, device, outcome, note=None):
        services.take_ticket(ticket, actor=helper, now=called)
        services.log_visit(ticket, {"topics": [str(_topic(code).id) for code in topic_codes],
                                    "device": device, "outcome": outcome, "note": note},
                           actor=helper, now=ended)

    first = issue(0, visitor_name="佐藤 恵子", phone="090-1234-5678", wants_sms=True)
    second = issue(5)
    third = issue(9)
    absent = issue(30)
    back_later = issue(35)
    left = issue(40)
    serve(first, at(10, 10), at(10, 30), ["line", "maps"], "iphone", "resolved")
    serve(second, at(10, 25), at(10, 40), ["line"], "android", "follow_up",
          note="次回LINEの講座を案内する")
    serve(third, at(10, 45), at(11, 10), ["camera"], "iphone", "resolved")
    services.skip_ticket(absent, actor=helper, now=at(10, 50))
    services.skip_ticket(back_later, actor=helper, now=at(10, 51))
    services.cancel_ticket(left, actor=coordinator, now=at(10, 52))
    services.recall_ticket(back_later, actor=helper, now=at(10, 55))
    last = services.issue_ticket(desk_session, {}, actor=coordinator, now=at(11, 0))
    services.take_ticket(back_later, actor=helper, now=at(11, 12))
    services.mark_present(desk_session, helper, now=at(11, 0))
    db.session.commit()
    return {"session": desk_session, "coordinator": coordinator, "helper": helper,
            "last": last}


def test_session_figures_on_a_known_scenario(scenario):
    session = scenario["session"]
    tickets = reports.session_tickets(session)
    report = reports.session_report(session, tickets, now=at(11, 5))
    assert [report.total, report.waiting, report.serving, report.served, report.no_shows,
            report.cancelled] == [7, 1, 1, 3, 1, 1]
    assert report.average_wait == timedelta(minutes=22)
    assert report.average_service == timedelta(minutes=20)
    assert report.visits == 3
    assert [(share.key.code, share.count, share.percent) for share in report.topics] == [
        ("line", 2, 67), ("camera", 1, 33), ("maps", 1, 33)]  # ties in the list's order
    assert [(share.key, share.count, share.percent) for share in report.outcomes] == [
        (Outcome.RESOLVED, 2, 67), (Outcome.FOLLOW_UP, 1, 33), (Outcome.REFERRED, 0, 0)]
    assert [(share.key, share.count) for share in report.devices] == [
        (Device.IPHONE, 2), (Device.ANDROID, 1)]
    assert [(row.hour, row.issued, row.served) for row in report.hours] == [(10, 6, 3),
                                                                             (11, 1, 0)]
    # on duty: the helper has the desk screen open (seen at 11:00, for 10 minutes)
    assert report.on_duty == ["相談 一郎"]
    assert queue.on_duty(session, now=at(11, 5)) == len(report.on_duty)
    assert reports.on_duty_names(session, now=at(11, 11)) == []


def test_on_duty_counts_checked_in_volunteers_once(scenario, create_volunteer, create_shift):
    from desk.volunteers import services as volunteer_services

    session = scenario["session"]
    shift = create_shift(session, places=2)
    here = create_volunteer(name="山本 和夫")
    gone = create_volunteer(name="中村 陽子")
    # the desk screen user is also a checked-in volunteer: counted once
    at_desk = create_volunteer(name="相談 一郎（ボランティア）")
    at_desk.user_id = scenario["helper"].id
    shift_two = create_shift(session, places=1)
    for volunteer, on_shift in ((here, shift), (gone, shift), (at_desk, shift_two)):
        assignment = volunteer_services.assign_volunteer(on_shift, volunteer, actor="test",
                                                         now=at(9), confirmed=True)
        volunteer_services.check_in(assignment, actor=scenario["coordinator"], now=at(9, 50))
        if volunteer is gone:
            volunteer_services.check_out(assignment, actor="test", now=at(10, 30))
    db.session.commit()
    names = reports.on_duty_names(session, now=at(11, 5))
    assert names == sorted(["山本 和夫", "相談 一郎（ボランティア）"])
    assert queue.on_duty(session, now=at(11, 5)) == len(names)


def test_session_page_shows_figures_and_every_ticket(scenario, client, login):
    login(client, scenario["coordinator"])
    client.set_cookie("desk_locale", "en")
    response = client.get(f"/staff/consults/{scenario['session'].id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<dd>22 min</dd>" in page and "<dd>20 min</dd>" in page
    for label, number in (("Tickets issued", 7), ("Waiting", 1), ("In service", 1),
                          ("Served", 3), ("Cancelled", 1)):
        assert f"<dt>{label}</dt><dd>{number}</dd>" in page
    # coordinators see names, phone numbers and notes
    assert "佐藤 恵子" in page and "090-1234-5678" in page and "次回LINEの講座を案内する" in page
    assert page.count('<tr id="ticket-') == 7
    assert "相談 一郎" in page


def test_session_page_is_for_consultation_sessions_only(ctx, client, login, create_user,
                                                          create_session):
    login(client, create_user())
    a_class = create_session()
    assert client.get(f"/staff/consults/{a_class.id}").status_code == 404
    assert client.get("/staff/consults/99999999").status_code == 404


def test_session_page_of_an_empty_session(ctx, client, login, create_user, create_session):
    login(client, create_user())
    empty = create_session(kind="consultation", day=DAY, start=time(10), end=time(12))
    response = client.get(f"/staff/consults/{empty.id}")
    assert response.status_code == 200


# -- the topic list -------------------------------------------------------------------------------

def _audit(action, topic_id):
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.object_type == "consult_topics",
        AuditEntry.object_id == topic_id).order_by(AuditEntry.id)))


def _topic_count():
    return db.session.scalar(select(func.count(ConsultTopic.id)))


@pytest.fixture
def coordinator_client(ctx, client, login, create_user):
    user = create_user()
    login(client, user)
    client.set_cookie("desk_locale", "en")
    return client


def test_topic_list_page(coordinator_client):
    response = coordinator_client.get("/staff/consults/topic-list")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "マイナポータル" in page and "Scams and security" in page


def test_add_a_topic(coordinator_client):
    last = db.session.scalar(select(func.max(ConsultTopic.position)))
    response = coordinator_client.post("/staff/consults/topic-list/new", data={
        "name": "スマートスピーカー", "name_en": "Smart speakers", "program_topic": "apps"})
    assert response.status_code == 302
    db.session.expire_all()
    topic = _topic("smart_speakers")
    assert (topic.name, topic.name_en, topic.program_topic, topic.position,
            topic.is_active) == ("スマートスピーカー", "Smart speakers", "apps", last + 1, True)
    [entry] = _audit("consult_topic.create", topic.id)
    assert entry.after["code"] == "smart_speakers" and entry.actor_id is not None
    assert topic in queries.active_topics()


def test_rename_reorder_hide_and_show_a_topic(coordinator_client):
    topic = _topic("maps")
    prefix = f"topic-{topic.id}-"
    response = coordinator_client.post(f"/staff/consults/topic-list/{topic.id}", data={
        prefix + "name": "地図・乗換案内", prefix + "name_en": "Maps and transit",
        prefix + "program_topic": "maps", prefix + "position": "2", prefix + "is_active": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (topic.code, topic.name, topic.name_en, topic.position, topic.is_active) == (
        "maps", "地図・乗換案内", "Maps and transit", 2, True)
    [entry] = _audit("consult_topic.update", topic.id)
    assert (entry.before["name"], entry.after["name"]) == ("地図", "地図・乗換案内")
    assert (entry.before["position"], entry.after["position"]) == (6, 2)

    response = coordinator_client.post(f"/staff/consults/topic-list/{topic.id}",
                                       data={"visibility": "hide"})
    assert response.status_code == 302
    db.session.expire_all()
    assert topic.is_active is False
    assert topic not in queries.active_topics()
    hidden = _audit("consult_topic.update", topic.id)[-1]
    assert (hidden.before["is_active"], hidden.after["is_active"]) == (True, False)
    # the list still shows it, marked hidden
    page = coordinator_client.get("/staff/consults/topic-list").get_data(as_text=True)
    assert "地図・乗換案内" in page and "Show “Maps and transit” again" in page

    coordinator_client.post(f"/staff/consults/topic-list/{topic.id}",
                            data={"visibility": "show"})
    db.session.expire_all()
    assert topic.is_active is True
    assert len(_audit("consult_topic.update", topic.id)) == 3


def test_saving_a_topic_unchanged_writes_no_audit_entry(ctx, create_user):
    topic = _topic("line")
    topics.update_topic(topic, {"name": "LINE", "position": topic.position}, actor="test")
    db.session.commit()
    assert _audit("consult_topic.update", topic.id) == []


def test_a_code_is_made_unique(ctx):
    topic = topics.create_topic({"name": "地図アプリ", "name_en": "Maps!"}, actor="test")
    assert topic.code == "maps_2"
    assert topics.create_topic({"name": "その他の質問", "name_en": "123"},
                               actor="test").code == "topic_123"


@pytest.mark.parametrize("data, field", [
    ({"name": "", "name_en": "Smart speakers"}, "name"),
    ({"name": "スマートスピーカー", "name_en": "   "}, "name_en"),
    ({"name": "地図", "name_en": "Smart speakers"}, "name"),  # taken
    ({"name": "スマートスピーカー", "name_en": "maps"}, "name_en"),  # taken, any case
    ({"name": "スマートスピーカー", "name_en": "Smart speakers", "code": "1abc"}, "code"),
    ({"name": "スマートスピーカー", "name_en": "Smart speakers", "code": "line"}, "code"),
    ({"name": "ス" * 51, "name_en": "Smart speakers"}, "name"),
    ({"name": "スマートスピーカー", "name_en": "Smart speakers", "program_topic": "x"},
     "program_topic"),
    ({"name": "スマートスピーカー", "name_en": "Smart speakers", "position": "-5"}, "position"),
    ({"name": "スマートスピーカー", "name_en": "Smart speakers", "position": "1e400"},
     "position"),
])
def test_bad_new_topic_changes_nothing(coordinator_client, data, field):
    count = _topic_count()
    entries = db.session.scalar(select(func.count(AuditEntry.id)))
    response = coordinator_client.post("/staff/consults/topic-list/new", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page and f'id="{field}-error"' in page
    db.session.expire_all()
    assert _topic_count() == count
    assert db.session.scalar(select(func.count(AuditEntry.id))) == entries


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"),
    ({"name": "LINE"}, "name"),  # another topic's name
    ({"name_en": "x" * 51}, "name_en"),
    ({"position": "10000"}, "position"),
    ({"program_topic": "banking"}, "program_topic"),
])
def test_bad_topic_change_changes_nothing(coordinator_client, changes, field):
    topic = _topic("maps")
    before = (topic.name, topic.name_en, topic.position, topic.program_topic, topic.is_active)
    prefix = f"topic-{topic.id}-"
    data = {"name": topic.name, "name_en": topic.name_en, "position": str(topic.position),
            "program_topic": topic.program_topic, "is_active": "y", **changes}
    response = coordinator_client.post(f"/staff/consults/topic-list/{topic.id}",
                                       data={prefix + name: value for name, value in data.items()})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{prefix}{field}-error"' in page
    db.session.expire_all()
    assert (topic.name, topic.name_en, topic.position, topic.program_topic,
            topic.is_active) == before
    assert _audit("consult_topic.update", topic.id) == []


def test_unknown_visibility_or_topic(coordinator_client):
    topic = _topic("maps")
    response = coordinator_client.post(f"/staff/consults/topic-list/{topic.id}",
                                       data={"visibility": "explode"})
    assert response.status_code == 302
    db.session.expire_all()
    assert topic.is_active is True and _audit("consult_topic.update", topic.id) == []
    assert coordinator_client.post("/staff/consults/topic-list/99999999",
                                   data={"visibility": "hide"}).status_code == 404


def test_a_hidden_topic_is_not_offered_but_past_visits_keep_it(scenario):
    line = _topic("line")
    topics.set_topic_active(line, False, actor="test")
    db.session.commit()
    tickets = reports.session_tickets(scenario["session"])
    assert line in tickets[0].visit.topics
    assert line not in queries.active_topics()
    # logging a new visit with it is refused
    services.take_ticket(scenario["last"], actor=scenario["helper"], now=at(11, 20))
    db.session.commit()
    with pytest.raises(ValidationError):
        services.log_visit(scenario["last"], {"topics": [str(line.id)], "device": "pc",
                                              "outcome": "resolved"},
                           actor=scenario["helper"], now=at(11, 30))
    db.session.rollback()
    assert scenario["last"].status == TicketStatus.SERVING
    assert scenario["last"].visit is None
