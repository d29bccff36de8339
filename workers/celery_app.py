"""Celery bound to the Flask app, so every task runs inside an app context."""
from celery import Celery, Task
from flask import Flask

from workers import embedded_broker


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    embedded_broker.register()
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    import workers.baseline  # noqa: F401  the ETA baseline of `studio bench dispatch`
    import workers.tasks  # noqa: F401  registers the shared tasks with this app
    return celery_app
