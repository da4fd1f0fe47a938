"""The Celery application for workers and beat: `celery -A desk.worker worker` and
`celery -A desk.worker beat` (docs/deployment.md).

It builds desk from the environment, as `desk serve` does, and hands Celery the app
that create_app installed (desk.notify.celery_app.celery_init_app: every task runs
inside an application context). It sits at the top, beside the app factory and the
WSGI entry point, because it builds the whole application; the tasks themselves live
in desk.notify.celery_app.
"""

from celery.signals import worker_process_init

from desk import create_app, logger
from desk.config import unshared_limit_warnings
from desk.extensions import db

_flask_app = None


@worker_process_init.connect
def _fresh_connections(**kwargs):
    """A forked worker child must not share its parent's database connections."""
    if _flask_app is not None:
        with _flask_app.app_context():
            db.engine.dispose(close=False)


def __getattr__(name):
    """`celery -A desk.worker` finds `app`: the Celery of an application built from
    the environment (built at first use, so that importing this module costs nothing)."""
    global _flask_app
    if name != "app":
        raise AttributeError(name)
    if _flask_app is None:
        _flask_app = create_app()
        for warning in unshared_limit_warnings(_flask_app.config, processes=1):
            logger.warning(warning)
    celery = _flask_app.extensions.get("celery")
    if celery is None:
        raise RuntimeError("DESK_CELERY_BROKER_URL is not set: there is no Celery to run")
    return celery
