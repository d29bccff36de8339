"""Entry point for `celery -A workers.make_celery worker|beat`: the studio's Celery app with its tasks."""
from studio import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]

import workers.baseline  # noqa: E402,F401  the ETA baseline of `studio bench dispatch`
import workers.tasks  # noqa: E402,F401  registers the tasks under their names
