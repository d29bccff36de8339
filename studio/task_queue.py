"""Celery bound to the Flask app, and the one way services hand work to it: by task name.

Services never import the task modules: they call ``enqueue(TASK_NAME, ...)``, and the worker entry point
(``workers.make_celery``) registers the tasks under these names.
"""
from __future__ import annotations

import logging

from celery import Celery, Task
from flask import Flask, current_app

from studio import embedded_broker
from studio.errors import QueueUnavailable

log = logging.getLogger(__name__)


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
    """Queue a task by name; routes come from the Celery settings, as for any other sender.

    A broker that is down, gone or corrupt raises QueueUnavailable: the caller keeps what was asked so the
    job can be queued again, and shows the message."""
    celery_app: Celery = current_app.extensions["celery"]
    if celery_app.conf.task_always_eager:
        # Eager mode (tests) runs the registered task in this process, as `delay()` would.
        celery_app.tasks[task_name].apply(args, **options)
        return
    try:
        celery_app.send_task(task_name, args=args, **options)
    except Exception as exc:  # kombu, redis, SQLAlchemy and OS errors all mean the same here: not queued
        log.warning("could not queue %s: %s: %s", task_name, type(exc).__name__, exc)
        raise QueueUnavailable("消息队列暂时不可用，任务已记下，稍后会自动重试；也可以过一会儿再点一次。"
                               " / The task queue is unavailable; the job is kept and will be retried.") from exc
