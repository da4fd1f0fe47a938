"""Quiet hours and the rate cap, without a database: the functions the dispatcher asks
before an SMS or a call goes out."""

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.core.timeutil import local_datetime, to_local
from desk.notify import quiet
from desk.notify.models import MessageChannel
from tests.conftest import examples

NIGHT = (time(21), time(8))


def jst(day, hour, minute=0):
    return local_datetime(day, time(hour, minute))


@pytest.mark.parametrize(("now", "expected"), [
    (jst(date(2026, 12, 31), 22), jst(date(2027, 1, 1), 8)),  # across midnight and the year
    (jst(date(2026, 12, 31), 21), jst(date(2027, 1, 1), 8)),
    (jst(date(2027, 1, 1), 3), jst(date(2027, 1, 1), 8)),
    (jst(date(2027, 1, 1), 8), None),
    (jst(date(2027, 1, 1), 7, 59), jst(date(2027, 1, 1), 8)),
    (jst(date(2027, 1, 1), 20, 59), None),
    (jst(date(2027, 1, 1), 12), None),
])
def test_quiet_until_across_midnight(now, expected):
    assert quiet.quiet_until(now, NIGHT) == expected


def test_quiet_until_within_one_day_and_off():
    lunch = (time(12), time(13))
    assert quiet.quiet_until(jst(date(2027, 1, 5), 12, 30), lunch) == jst(date(2027, 1, 5), 13)
    assert quiet.quiet_until(jst(date(2027, 1, 5), 13), lunch) is None
    assert quiet.quiet_until(jst(date(2027, 1, 5), 23), lunch) is None
    assert quiet.quiet_until(jst(date(2027, 1, 5), 23), None) is None
    assert quiet.quiet_until(jst(date(2027, 1, 5), 23), (time(9), time(9))) is None


@settings(deadline=None, max_examples=examples(300))
@given(moment=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31),
                           timezones=st.just(UTC)),
       start=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
       end=st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_quiet_until_is_the_next_end_exactly_when_inside(moment, start, end):
    """Inside the window: the answer is the first moment after `now` at the end time;
    outside: None. Inside means start <= clock < end, wrapping past midnight."""
    result = quiet.quiet_until(moment, (start, end))
    clock = to_local(moment).time()
    if start == end:
        inside = False
    elif start < end:
        inside = start <= clock < end
    else:
        inside = clock >= start or clock < end
    if not inside:
        assert result is None
        return
    assert result is not None
    assert moment < result <= moment + timedelta(days=1)
    assert to_local(result).time() == end
    assert result - timedelta(days=1) <= moment  # the NEXT end, not a later one


def test_only_sms_and_calls_keep_quiet():
    assert quiet.needs_quiet(MessageChannel.SMS) and quiet.needs_quiet(MessageChannel.VOICE)
    assert not quiet.needs_quiet(MessageChannel.EMAIL)


class FakeClock:
    """A clock that moves only when somebody sleeps (or the test says so)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def max_in_any_second(times):
    times = sorted(times)
    return max(sum(1 for other in times if start <= other < start + 1.0) for start in times)


@pytest.mark.parametrize("rate", [0.5, 1, 3, 10, 20])
def test_the_pace_never_lets_more_than_the_cap_out_in_any_second(rate):
    clock = FakeClock()
    pace = quiet.LocalPace(rate, clock=clock, sleep=clock.sleep)
    sends = []
    for _ in range(int(rate * 10) + 5):
        pace.wait()
        sends.append(clock.now)
    assert max_in_any_second(sends) <= max(1, rate)
    gaps = {round(later - earlier, 9) for earlier, later in zip(sends, sends[1:], strict=False)}
    assert gaps == {round(quiet.PACE_MARGIN / rate, 9)}


def test_a_late_waker_does_not_bunch_up_with_the_next_one():
    """The next turn counts from when the previous caller really got through."""
    clock = FakeClock()
    pace = quiet.LocalPace(10, clock=clock, sleep=clock.sleep)
    pace.wait()
    clock.now += 0.5  # the caller was held up (another thread, the GIL, a slow disk)
    pace.wait()
    first = clock.now
    pace.wait()
    assert clock.now - first == pytest.approx(quiet.PACE_MARGIN / 10)


def test_threads_share_one_pace_per_channel_and_configuration():
    config = {"DESK_SMS_RATE_PER_SECOND": 7.0, "DESK_REDIS_URL": ""}
    seen = []

    def grab():
        seen.append(quiet.pace_for(config, MessageChannel.SMS))

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(pace) for pace in seen}) == 1
    assert quiet.pace_for(config, MessageChannel.VOICE) is not seen[0]
    assert quiet.pace_for(config, MessageChannel.EMAIL) is None
    assert quiet.pace_for({**config, "DESK_SMS_RATE_PER_SECOND": 0}, MessageChannel.SMS) is None


class ReadClock(FakeClock):
    """A FakeClock that remembers every reading. LocalPace reads its clock only while it
    holds its lock, twice a turn (the delay, then the moment it lets the caller go), so
    the second reading of each pair is a turn, in order, whatever the threads do after
    they are let through."""

    def __init__(self):
        super().__init__()
        self.readings = []

    def __call__(self):
        self.readings.append(self.now)
        return self.now


def test_concurrent_callers_go_through_one_interval_apart():
    """Eight threads wait at once: each turn comes one interval after the previous."""
    clock = ReadClock()
    pace = quiet.LocalPace(4, clock=clock, sleep=clock.sleep)
    barrier = threading.Barrier(8)

    def wait():
        barrier.wait()
        for _ in range(5):
            pace.wait()

    threads = [threading.Thread(target=wait) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    turns = clock.readings[1::2]
    assert len(clock.readings) == 80
    step = quiet.PACE_MARGIN / 4
    assert [round((turn - turns[0]) / step, 6) for turn in turns] == list(range(40))


def test_without_a_cap_nothing_waits():
    config = {"DESK_SMS_RATE_PER_SECOND": 0, "DESK_REDIS_URL": ""}
    assert quiet.pace_for(config, MessageChannel.SMS) is None
    quiet.wait_for_turn(config, MessageChannel.SMS)  # returns at once
    assert quiet.pace_for({**config, "DESK_SMS_RATE_PER_SECOND": 2},
                          MessageChannel.EMAIL) is None
