"""The coordinators' call log: each call's path recorded as it is answered (a keyed
number only as its count), calls per day and outcome, the funnel of the script for a
chosen period, a call's page with each step in words; no caller numbers; staff only."""

from datetime import date, timedelta

from sqlalchemy import select

from desk.core.timeutil import local_today, utcnow
from desk.extensions import db
from desk.phone import call_log
from desk.phone.models import Answer, CallOutcome, PhoneCall, PhoneCallStep
from tests.fixtures.sql import statements_of

JA = {"Accept-Language": "ja"}


def _steps(caller):
    call = db.session.scalars(select(PhoneCall).where(PhoneCall.call_sid == caller.sid)).one()
    return call, db.session.scalars(select(PhoneCallStep).where(PhoneCallStep.call_id == call.id)
                                    .order_by(PhoneCallStep.turn)).all()


def test_each_answer_of_a_call_is_recorded_once(line, create_person, caller):
    create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="0466-25-1234")
    call = caller()
    call.ring()
    call.press("9")
    call.press("3")  # the desks: none planned, back at the menu
    call.retry()  # Twilio sends the same request again: nothing recorded twice
    call.silence()
    call.press("4")
    call.hang_up()

    row, steps = _steps(call)
    assert [(step.turn, step.step, step.answer, step.key) for step in steps] == [
        (1, "menu", Answer.KEY, "9"), (2, "menu", Answer.KEY, "3"),
        (3, "menu", Answer.SILENCE, None), (4, "menu", Answer.KEY, "4")]
    assert row.outcome == CallOutcome.TRANSFERRED


def test_a_keyed_number_is_kept_as_its_count_only(line, create_person, caller):
    create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="0466-25-1234")
    call = caller("anonymous")
    call.ring()
    call.press("2")
    call.press("0466251234")
    call.press("1")

    _row, steps = _steps(call)
    assert [(step.step, step.answer, step.key, step.key_count) for step in steps] == [
        ("menu", Answer.KEY, "2", None), ("key_number", Answer.KEYS, None, 10),
        ("key_number_confirm", Answer.KEY, "1", None)]
    assert all("251234" not in str(value) for step in steps
               for value in (step.key, step.key_count, step.step))


def test_a_spoken_answer_is_kept_as_speech_without_its_words(line, create_person, caller):
    create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="0466-25-1234")
    call = caller()
    call.ring()
    call.say("相談窓口")

    _row, steps = _steps(call)
    assert [(step.step, step.answer, step.key, step.key_count) for step in steps] == [
        ("menu", Answer.SPEECH, None, None)]


def _call(sid, outcome, *, ended_at, answered=(), started=None, simulated=False):
    started = started or utcnow() - timedelta(minutes=30)
    call = PhoneCall(call_sid=sid, caller="+81466251234", step=ended_at, outcome=outcome,
                     outcome_step=ended_at if outcome == CallOutcome.HUNG_UP else None,
                     simulated=simulated, started_dt=started, updated_dt=started,
                     ended_dt=started + timedelta(minutes=2))
    db.session.add(call)
    db.session.flush()
    for turn, (step, key) in enumerate(answered, 1):
        db.session.add(PhoneCallStep(
            call_id=call.id, turn=turn, step=step, answer=Answer.KEY if key else Answer.SILENCE,
            key=key or None, at_dt=started + timedelta(seconds=25 * turn)))
    return call


def _script_calls():
    """Four calls today (and two that do not count): the funnel is menu 4 reached, 1 hung
    up; book_how 2 and 1; book_class 1 and 1."""
    _call("CA-1", CallOutcome.HUNG_UP, ended_at="book_class",
          answered=[("menu", "1"), ("book_how", "1")])
    _call("CA-2", CallOutcome.HUNG_UP, ended_at="book_how", answered=[("menu", "1")])
    _call("CA-3", CallOutcome.HUNG_UP, ended_at="menu")
    transferred = _call("CA-4", CallOutcome.TRANSFERRED, ended_at="menu",
                        answered=[("menu", ""), ("menu", "4")])
    _call("CA-5", CallOutcome.HUNG_UP, ended_at="menu", simulated=True)
    old = _call("CA-6", CallOutcome.HUNG_UP, ended_at="desks", answered=[("menu", "3")],
                started=utcnow() - timedelta(days=20))
    db.session.commit()
    return transferred, old


def test_the_funnel_counts_per_step_in_the_script_order(ctx):
    _script_calls()
    today = local_today()

    funnel = call_log.funnel(today - timedelta(days=13), today)

    assert [(row.step, row.reached, row.hung_up, row.gave_up_share) for row in funnel] == [
        ("menu", 4, 1, 25.0), ("book_how", 2, 1, 50.0), ("book_class", 1, 1, 100.0)]


def test_the_call_log_page_shows_the_funnel_and_links_each_call(ctx, client, login,
                                                                 create_user):
    transferred, _old = _script_calls()
    login(client, create_user(role="coordinator"))

    page = client.get("/staff/phone/calls", headers=JA)

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "自動電話受付の通話" in html
    funnel = html[html.index("発信者が途中で切る段階"):html.index("日ごとの通話")]
    assert funnel.index("メインメニュー") < funnel.index("予約: 講座の探し方を選ぶ")
    assert '<td class="num">4</td><td class="num">1</td><td class="num">25%</td>' in funnel
    assert "職員につないだ" in html
    assert "25-1234" not in html and "+81" not in html
    latest = html[html.index("最近の通話"):]
    assert latest.count("<tr>") == 1 + 4
    assert f'href="/staff/phone/calls/{transferred.id}"' in latest


def test_a_chosen_period_and_a_wrong_date(ctx, client, login, create_user):
    _transferred, old = _script_calls()
    login(client, create_user(role="coordinator"))
    day = local_today() - timedelta(days=20)

    html = client.get(f"/staff/phone/calls?from={day - timedelta(days=1)}&to={day}",
                      headers=JA).get_data(as_text=True)
    assert f'href="/staff/phone/calls/{old.id}"' in html
    assert "相談窓口" in html[html.index("発信者が途中で切る段階"):]

    wrong = client.get("/staff/phone/calls?from=2026-02-30", headers=JA)
    assert wrong.status_code == 200
    assert "開始日は YYYY-MM-DD の形で入力してください。" in wrong.get_data(as_text=True)
    backwards = client.get("/staff/phone/calls?from=2026-12-10&to=2026-12-01", headers=JA)
    assert "期間の終わりが始まりより前になっています。" in backwards.get_data(as_text=True)


def test_a_period_is_cut_to_a_year(ctx):
    first, last, errors = call_log.parse_period({"from": "2020-04-01", "to": "2026-03-31"},
                                                today=date(2026, 12, 7))
    assert (first, last) == (date(2025, 3, 31), date(2026, 3, 31))
    assert len(errors) == 1


def test_a_call_page_says_each_step_in_words(ctx, client, login, create_user):
    transferred, _old = _script_calls()
    login(client, create_user(role="coordinator"))

    html = client.get(f"/staff/phone/calls/{transferred.id}", headers=JA).get_data(as_text=True)

    path = html[html.index("<tbody>"):]
    assert path.count("<tr>") == 2
    assert "ボタンが押されなかった" in path and "4 を押した" in path
    assert "0分25秒" in path and "0分50秒" in path
    assert "職員につないだ" in html and "+81" not in html


def test_the_call_pages_are_for_staff(ctx, client, login, create_user):
    transferred, _old = _script_calls()
    login(client, create_user(role="volunteer"))
    assert client.get("/staff/phone/calls").status_code == 403
    assert client.get(f"/staff/phone/calls/{transferred.id}").status_code == 403
    login(client, create_user(role="coordinator"))
    assert client.get(f"/staff/phone/calls/{transferred.id + 1000}").status_code == 404


def test_the_call_log_page_runs_as_many_statements_for_many_calls(ctx, client, login,
                                                                 create_user):
    _script_calls()
    login(client, create_user(role="coordinator"))
    few, _page = statements_of(client, "/staff/phone/calls")
    for number in range(30):
        _call(f"CA-more-{number}", CallOutcome.BOOKED, ended_at="booked",
              answered=[("menu", "1"), ("book_how", "1")],
              started=utcnow() - timedelta(days=number % 10, minutes=30))
    db.session.commit()
    many, page = statements_of(client, "/staff/phone/calls")
    assert page.status_code == 200
    assert many == few
