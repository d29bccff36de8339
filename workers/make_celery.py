"""Entry point for `celery -A workers.make_celery worker|beat`."""
from studio import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
