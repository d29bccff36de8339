"""Helpers shared by the tests; the test modules and conftests import them from here.

``tests.support`` itself exports the services and receivers; the other helpers live in their modules:

* ``tests.support.app``: ``make_app`` (the real app on a throwaway data folder), ``demo_app`` (with the demo
  brand kit), ``add_users`` and their ``PASSWORDS``
* ``tests.support.posts``: posts in a known state without the model (``drafted_post``, ``approved_post`` ...)
* ``tests.support.fake_llm``: loopback stand-ins for a hosted model API and the tea brief, persona and facts
* ``tests.support.kits``: tiny brand kits on disk (a brand.yaml, documents with front matter)
* ``tests.support.local_model``: starting and stopping the real local model server
* ``tests.support.receivers``: a partner's webhook and scripted group bots
* ``tests.support.services``: throwaway PostgreSQL databases, Redis, real Celery processes
"""
from tests.support.receivers import ReceivedRequest, ScriptedReceiver, ScriptedRequest, WebhookReceiver
from tests.support.runtime import ROOT, VENV_BIN, free_port, wait_until
from tests.support.services import (
    POSTGRES_ADMIN_URL,
    REDIS_TEST_URL,
    PrivateRedis,
    StudioProcesses,
    create_postgres_database,
    drop_postgres_database,
    flush_redis_test_db,
    postgres_outage,
    stack_urls,
)

__all__ = [
    "POSTGRES_ADMIN_URL",
    "REDIS_TEST_URL",
    "ROOT",
    "VENV_BIN",
    "PrivateRedis",
    "ReceivedRequest",
    "ScriptedReceiver",
    "ScriptedRequest",
    "StudioProcesses",
    "WebhookReceiver",
    "create_postgres_database",
    "drop_postgres_database",
    "flush_redis_test_db",
    "free_port",
    "postgres_outage",
    "stack_urls",
    "wait_until",
]
