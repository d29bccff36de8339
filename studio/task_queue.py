"""Celery bound to the Flask app, and the one way services hand work to it: by task name.

Services never import the task modules: they call ``enqueue(TASK_NAME, ...)``, and the worker entry point
(``workers.make_celery``) registers the tasks under these names.
"""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask, current_app

from studio import embedded_broker


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
    return celery_app


def enqueue(task_name: str, *args, **options) -> None:
    """Queue a task by name; routes come from the Celery settings, as for any other sender."""
    celery_app: Celery = current_app.extensions["celery"]
    if celery_app.conf.task_always_eager:
        # Eager mode (tests) runs the registered task in this process, as `delay()` would.
        celery_app.tasks[task_name].apply(args, **options)
        return
    celery_app.send_task(task_name, args=args, **options)
