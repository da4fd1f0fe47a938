"""The coordinators' call log: calls per day and outcome, where callers hung up, the
latest calls; no caller numbers; staff only."""

from datetime import timedelta

from desk.core.timeutil import utcnow
from desk.extensions import db
from desk.phone.models import CallOutcome, PhoneCall


def _call(sid, outcome, step, started):
    db.session.add(PhoneCall(call_sid=sid, caller="+81466251234", step=step, outcome=outcome,
                             outcome_step=step if outcome == CallOutcome.HUNG_UP else None,
                             started_dt=started, updated_dt=started))


def test_the_call_log_counts_outcomes_and_where_callers_hung_up(ctx, client, login,
                                                                create_user):
    now = utcnow()
    _call("CA-1", CallOutcome.HUNG_UP, "book_confirm", now - timedelta(minutes=5))
    _call("CA-2", CallOutcome.HUNG_UP, "book_confirm", now - timedelta(minutes=4))
    _call("CA-3", CallOutcome.HUNG_UP, "menu", now - timedelta(minutes=3))
    _call("CA-4", CallOutcome.TRANSFERRED, "menu", now - timedelta(minutes=2))
    _call("CA-5", CallOutcome.LISTENED, "desks", now - timedelta(days=20))  # too old
    db.session.commit()
    login(client, create_user(role="coordinator"))

    page = client.get("/staff/phone/calls", headers={"Accept-Language": "ja"})

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "自動電話受付の通話" in html
    hung_up = html[html.index("通話が途中で切れた段階"):html.index("最近の通話")]
    assert hung_up.index("予約: 確定前の読み上げ") < hung_up.index("メインメニュー")
    assert '<td class="num">2</td>' in hung_up
    assert "職員につないだ" in html
    assert "25-1234" not in html and "+81" not in html
    latest = html[html.index("最近の通話"):]
    assert latest.count("<tr>") == 1 + 4


def test_the_call_log_is_for_staff(ctx, client, login, create_user):
    login(client, create_user(role="volunteer"))
    assert client.get("/staff/phone/calls").status_code == 403
