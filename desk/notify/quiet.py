"""When an SMS or a call may go out: quiet hours and the provider's rate cap.

Quiet hours (DESK_QUIET_HOURS, default 21:00-08:00 JST, may run across midnight) hold
SMS and voice calls back until they end; e-mail may arrive at any time.

The rate cap (DESK_SMS_RATE_PER_SECOND; 0 or less: no cap) paces SMS, and voice calls
in a second pace of the same rate: sends are spread evenly, one every 1/rate seconds
(10% slower, against jitter on the way), so no one-second window ever holds more
than the cap. Every dispatcher thread of a process shares one pace per channel; with
DESK_REDIS_URL set, every process using that Redis shares it (the last send's moment is
kept in Redis, timed by Redis' own clock). Either way the next turn counts from when the
previous sender really went, so one that wakes late cannot bunch up with the next.
"""

import logging
import threading
import time
from datetime import timedelta

import redis

from desk.core.timeutil import local_datetime, to_local
from desk.notify.models import MessageChannel

logger = logging.getLogger("desk.notify")

QUIET_CHANNELS = frozenset({MessageChannel.SMS, MessageChannel.VOICE})
PACED_CHANNELS = QUIET_CHANNELS
PACE_MARGIN = 1.10  # 10% slower than the cap: jitter on the way never adds a send per second
REDIS_KEY = "desk:notify:pace:{channel}"


def quiet_until(now, quiet_hours):
    """The end of the quiet hours (aware, UTC) when `now` falls inside them, else None.

    `quiet_hours` is DESK_QUIET_HOURS as parsed: (start, end) local times, or None."""
    if not quiet_hours:
        return None
    start, end = quiet_hours
    if start == end:
        return None
    local = to_local(now)
    clock, day = local.time(), local.date()
    if start < end:  # within one day, e.g. 12:00-13:00
        return local_datetime(day, end) if start <= clock < end else None
    if clock >= start:  # across midnight, e.g. 21:00-08:00: the evening part
        return local_datetime(day + timedelta(days=1), end)
    if clock < end:  # the morning part
        return local_datetime(day, end)
    return None


def needs_quiet(channel):
    return channel in QUIET_CHANNELS


def earliest_send(due, channel, quiet_hours):
    """When a message due at `due` can go out at the earliest: for an SMS or call due
    inside the quiet hours their end (the dispatcher moves it there), else `due`."""
    if needs_quiet(channel):
        return quiet_until(due, quiet_hours) or due
    return due


class LocalPace:
    """Even pacing inside one process. `wait()` returns when this channel may send: at
    least one interval after the previous caller was let through. Callers queue on a
    lock while they wait, and the next interval counts from the moment the previous one
    actually woke up, so a thread that wakes late cannot bunch up with the next one."""

    def __init__(self, rate, clock=time.monotonic, sleep=time.sleep):
        self.interval = PACE_MARGIN / rate
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self):
        """Block until it is this caller's turn; returns the seconds waited."""
        with self._lock:
            delay = self._next - self.clock()
            if delay > 0:
                self.sleep(delay)
            self._next = self.clock() + self.interval
            return max(delay, 0.0)


# One turn, atomically, on Redis' clock (microseconds): go when the pace allows it (the
# next turn then counts from now), else say how long to wait.
_TURN_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local allowed = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < allowed then
  return {allowed - now, allowed}
end
redis.call('SET', KEYS[1], now + tonumber(ARGV[1]), 'PX', math.ceil(ARGV[1] / 1000) + 1000)
return {0, now}
"""


class RedisPace:
    """The same pacing shared by every process that uses one Redis: a caller goes when
    one interval has passed since the last caller went (as Redis' clock says), otherwise
    sleeps for what is left and asks again."""

    def __init__(self, client, rate, channel, sleep=time.sleep):
        self.interval_us = int(PACE_MARGIN / rate * 1_000_000)
        self.key = REDIS_KEY.format(channel=channel)
        self.sleep = sleep
        self._script = client.register_script(_TURN_SCRIPT)

    def try_turn(self):
        """(0, the moment it went) when it is this caller's turn, else (seconds to wait,
        the moment the next turn is allowed); moments in Redis microseconds."""
        wait_us, moment = self._script(keys=[self.key], args=[self.interval_us])
        return wait_us / 1_000_000, moment

    def wait(self):
        waited = 0.0
        while True:
            delay, _moment = self.try_turn()
            if delay <= 0:
                return waited
            self.sleep(delay)
            waited += delay


_paces = {}
_paces_lock = threading.Lock()


def _shared_pace(rate, redis_url, channel):
    with _paces_lock:
        key = (rate, redis_url, channel)
        if key not in _paces:
            if redis_url:
                _paces[key] = RedisPace(redis.Redis.from_url(redis_url), rate, channel)
            else:
                _paces[key] = LocalPace(rate)
        return _paces[key]


def pace_for(config, channel):
    """The shared pace of `channel` under this configuration, or None (no cap)."""
    rate = config["DESK_SMS_RATE_PER_SECOND"]
    if channel not in PACED_CHANNELS or not rate or rate <= 0:
        return None
    return _shared_pace(rate, config.get("DESK_REDIS_URL") or "", channel)


def wait_for_turn(config, channel):
    """Block until `channel` may send once more under the cap."""
    pace = pace_for(config, channel)
    if pace is None:
        return
    try:
        pace.wait()
    except redis.RedisError:  # Redis away: keep the cap inside this process at least
        logger.warning("rate pacing through Redis failed; pacing within this process",
                       exc_info=True)
        _shared_pace(config["DESK_SMS_RATE_PER_SECOND"], "", channel).wait()
