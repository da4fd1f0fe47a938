"""The Celery path against the real Redis at DESK_TEST_REDIS_URL: a worker with four
threads runs the dispatch tasks (several at once) and every due message goes out
exactly once. Skipped, with the reason, when DESK_TEST_REDIS_URL is unset or Redis is
unreachable; a failure instead when DESK_REQUIRE_REDIS=1 (CI).

Runs once, on PostgreSQL when DESK_TEST_DATABASE_URL is set (the production pairing),
otherwise on SQLite.
"""

import os
import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from celery.app.utils import find_app
from celery.contrib.testing.worker import start_worker

from desk import worker
from desk.core.timeutil import utcnow
from desk.extensions import db
from desk.notify import celery_app as celery_module
from desk.notify import quiet
from desk.notify.models import MessageChannel, MessageState
from tests.conftest import LIVE_DATABASES, POSTGRES_URL
from tests.notify.dispatch_support import (
    FakeBackend,
    clear_outbox,
    fresh_app,
    install,
    make_person,
    queue_messages,
    states,
)

pytestmark = LIVE_DATABASES

MESSAGES = 200
TASKS = 8
WAIT_SECONDS = 60


def _redis_url():
    url = os.environ.get("DESK_TEST_REDIS_URL")
    required = os.environ.get("DESK_REQUIRE_REDIS") == "1"
    if not url:
        if required:
            pytest.fail("DESK_REQUIRE_REDIS is set but DESK_TEST_REDIS_URL is not")
        pytest.skip("DESK_TEST_REDIS_URL is not set: the Celery path needs a real Redis")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError as error:
        if required:
            pytest.fail(f"Redis is required but unreachable: {error}")
        pytest.skip(f"Redis unreachable: {error}")
    return url


@pytest.fixture(scope="module")
def redis_url():
    return _redis_url()


@pytest.fixture(scope="module")
def celery_app(redis_url, tmp_path_factory):
    kind = "postgresql" if POSTGRES_URL else "sqlite"
    app, close = fresh_app(kind, tmp_path_factory, DESK_CELERY_BROKER_URL=redis_url,
                           DESK_QUIET_HOURS=None)
    celery = app.extensions["celery"]
    # a queue of this run's own: other test runs may share the Redis
    celery.conf.task_default_queue = f"desk-test-{uuid.uuid4().hex[:12]}"
    yield app
    close()


def test_create_app_installs_celery_only_with_a_broker(app, celery_app):
    assert "celery" not in app.extensions
    celery = celery_app.extensions["celery"]
    assert celery.conf.broker_url == celery_app.config["DESK_CELERY_BROKER_URL"]
    schedule = celery.conf.beat_schedule
    assert schedule["dispatch-due"]["task"] == celery_module.DISPATCH_TASK
    assert schedule["sweep"]["task"] == celery_module.SWEEP_TASK
    assert {celery_module.DISPATCH_TASK, celery_module.SWEEP_TASK} <= set(celery.tasks)


def test_a_celery_worker_sends_every_due_message_exactly_once(celery_app):
    celery = celery_app.extensions["celery"]
    with celery_app.app_context():
        clear_outbox()
        backend = install(celery_app, FakeBackend())
        with start_worker(celery, pool="threads", concurrency=4, perform_ping_check=False,
                          shutdown_timeout=30):
            due = utcnow() - timedelta(minutes=1)
            person = make_person()
            # committing queued messages already asks a worker to dispatch (the commit
            # hook); more tasks race for the same rows
            ids = (queue_messages(MESSAGES // 2, person=person, due=due)
                   + queue_messages(MESSAGES // 2, person=person, due=due,
                                    channel=MessageChannel.EMAIL))
            for _ in range(TASKS):
                celery.send_task(celery_module.DISPATCH_TASK)
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline:
                if set(states(ids).values()) == {MessageState.SENT}:
                    break
                time.sleep(0.2)
        assert set(states(ids).values()) == {MessageState.SENT}
        assert backend.sends == Counter(dict.fromkeys(ids, 1))
        db.session.remove()


def test_the_sweep_task_runs_inside_the_application(celery_app):
    celery = celery_app.extensions["celery"]
    with celery_app.app_context():
        clear_outbox()
        install(celery_app, FakeBackend())
        result = celery.tasks[celery_module.SWEEP_TASK].apply()
        assert result.get() == {"unknown": 0, "settled": 0}


def test_processes_sharing_redis_share_one_pace(redis_url):
    """Two dispatcher processes (two clients): after one goes, the other must wait until
    one interval has passed on Redis' clock, and then goes."""
    import redis

    channel = f"test-{uuid.uuid4().hex[:12]}"
    naps = []
    first = quiet.RedisPace(redis.Redis.from_url(redis_url), 4, channel)
    second = quiet.RedisPace(redis.Redis.from_url(redis_url), 4, channel, sleep=naps.append)
    delay, went = first.try_turn()
    assert delay == 0
    delay, allowed = second.try_turn()
    assert allowed == went + first.interval_us and 0 < delay <= first.interval_us / 1e6
    time.sleep(delay + 0.01)
    assert second.wait() == 0 and naps == []  # its turn now
    delay, _allowed = first.try_turn()
    assert delay > 0  # and the first one waits again
    assert first.interval_us == int(quiet.PACE_MARGIN / 4 * 1_000_000)


def test_celery_finds_the_app_the_way_its_command_line_does(redis_url, tmp_path, monkeypatch):
    """`celery -A desk.worker worker` builds desk from the environment."""
    monkeypatch.setenv("DESK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    monkeypatch.setenv("DESK_CELERY_BROKER_URL", redis_url)
    monkeypatch.setattr(worker, "_flask_app", None)
    celery = find_app("desk.worker")
    assert celery.conf.broker_url == redis_url
    assert celery_module.DISPATCH_TASK in celery.tasks
