"""Dispatch at scale: Celery workers and celery beat with a Redis broker, following
Flask's own Celery pattern (`celery_init_app`, every task inside an app context).

With DESK_CELERY_BROKER_URL set, create_app installs Celery and `desk serve` starts no
dispatcher thread. Run, beside the web servers (desk.worker builds the application):

    celery -A desk.worker worker --loglevel=INFO
    celery -A desk.worker beat --loglevel=INFO     (exactly one of these)

Beat asks for a dispatch every DISPATCH_SECONDS, a sweep (stale claims, provider
look-ups) and the features' periodic jobs (desk.notify.tasks.run_periodic) every
SWEEP_SECONDS and the retention purge daily at DESK_PURGE_TIME; a commit that queues a message asks at once. Any number
of workers may run the tasks at the same time: the claim (desk.notify.dispatch) makes
every message go out at most once. Tasks carry no message ids, so a task delivered
twice by the broker only looks for due work twice. Provider errors are not retried by
Celery: the outbox row keeps its own backoff and attempts.
"""

import logging
from datetime import UTC, datetime

from celery import Celery, Task, shared_task
from celery.schedules import crontab

from desk.core.timeutil import local_datetime, local_today
from desk.notify import tasks

logger = logging.getLogger("desk.notify")

DISPATCH_TASK = "desk.notify.dispatch_due"
SWEEP_TASK = "desk.notify.sweep"
PURGE_TASK = "desk.purge"
PERIODIC_TASK = "desk.notify.periodic"
DISPATCH_SECONDS = 10.0
SWEEP_SECONDS = 60.0


def purge_schedule(app):
    """Daily at DESK_PURGE_TIME, local time, said in UTC (beat's time zone here)."""
    at = local_datetime(local_today(datetime.now(UTC)), app.config["DESK_PURGE_TIME"])
    return crontab(hour=at.hour, minute=at.minute)


def celery_config(app):
    # a round that waited in the queue behind others is pointless: it expires
    options = {"expires": DISPATCH_SECONDS * 3}
    schedule = {
        "dispatch-due": {"task": DISPATCH_TASK, "schedule": DISPATCH_SECONDS,
                         "options": options},
        "sweep": {"task": SWEEP_TASK, "schedule": SWEEP_SECONDS, "options": options},
        "periodic": {"task": PERIODIC_TASK, "schedule": SWEEP_SECONDS, "options": options},
    }
    if app.config["DESK_PURGE_TIME"] is not None:
        schedule["purge"] = {"task": PURGE_TASK, "schedule": purge_schedule(app)}
    return {
        "broker_url": app.config["DESK_CELERY_BROKER_URL"],
        "task_ignore_result": True,
        "broker_connection_retry_on_startup": True,
        "timezone": "UTC",
        "worker_prefetch_multiplier": 1,
        "beat_schedule": schedule,
    }


def celery_init_app(app):
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(celery_config(app))
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


@shared_task(name=DISPATCH_TASK)
def dispatch_due_task():
    """Send what is due; returns the number of messages handled."""
    return tasks.dispatch_due().total()


@shared_task(name=SWEEP_TASK)
def sweep_task():
    stale, settled = tasks.sweep()
    return {"unknown": len(stale), "settled": len(settled)}


@shared_task(name=PERIODIC_TASK)
def periodic_task():
    """The features' scheduled jobs, each when it is due (the digest of new classes)."""
    return sorted(tasks.run_periodic())


@shared_task(name=PURGE_TASK)
def purge_task():
    return {outcome.data_class.key: outcome.count for outcome in tasks.purge_expired()}


def dispatch_soon(celery):
    """Ask a worker to dispatch now (after a commit that queued a message). A broker
    that is away only delays the message until beat's next round."""
    try:
        celery.send_task(DISPATCH_TASK, expires=DISPATCH_SECONDS * 3)
    except Exception:  # kombu's connection errors vary by transport
        logger.warning("could not reach the Celery broker; beat will dispatch later",
                       exc_info=True)

