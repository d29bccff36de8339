"""Entry point for `celery -A workers.make_celery worker|beat`: the studio's Celery app with its tasks."""
import os
import threading

from celery import signals

from studio import create_app
from studio.drafting import generation, rankers

# No warm-up thread in the parent: the index must be opened after the pool forks (worker_process_init).
flask_app = create_app({"STUDIO_WARM_UP": False})
celery_app = flask_app.extensions["celery"]

import workers.baseline  # noqa: E402,F401  the ETA baseline of `studio bench dispatch`
import workers.tasks  # noqa: E402,F401  registers the tasks under their names


@signals.worker_process_init.connect
def warm_up_drafting(**kwargs) -> None:
    """A drafting worker's process loads what every draft needs before the first one arrives, so an editor's
    first brief of the day is not the one that waits for it."""
    if os.environ.get("STUDIO_WORKER_WARM_UP") == "drafting":
        # In a thread: the pool gives a new process a few seconds to report that it is up.
        threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()


def _warm_up() -> None:
    with flask_app.app_context():
        rankers.warm_up_drafting(generation.llm_settings())
