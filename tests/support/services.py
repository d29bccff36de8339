"""Real services for a test run: throwaway PostgreSQL databases, Redis, Celery processes."""
from __future__ import annotations

import subprocess
import time
import uuid

from studio.benchmarks.processes import CeleryProcesses
from tests.support.runtime import free_port, wait_until

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_TEST_URL = "redis://127.0.0.1:6379/9"


def create_postgres_database() -> str:
    """A fresh PostgreSQL database for one test run; returns its URL."""
    import psycopg

    name = f"studio_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def drop_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis_test_db() -> None:
    import redis

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()


class StudioProcesses(CeleryProcesses):
    """Real `celery worker` and `celery beat` processes, as `make run` starts them."""


class PrivateRedis:
    """A redis-server of this test's own, so restarting it disturbs nothing else."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "PrivateRedis":
        self.proc = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
                                      "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        import redis

        wait_until(lambda: _pings(redis.Redis.from_url(self.url)), 10, 0.05, "private redis up")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def stack_urls(kind: str, data_dir) -> tuple[str, str, PrivateRedis | None]:
    """The database URL, broker URL and private Redis (or None) of one of the two stacks the fault tests run
    on: "embedded" (SQLite and the SQLite broker in ``data_dir``) or PostgreSQL with a private Redis."""
    if kind == "embedded":
        return f"sqlite:///{data_dir / 'studio.sqlite3'}", f"sqla+sqlite:///{data_dir / 'broker.sqlite3'}", None
    redis = PrivateRedis().start()
    return create_postgres_database(), redis.url, redis


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


def postgres_outage(url: str, seconds: float) -> None:
    """The database goes away for a while: connections refused and every open one cut, as in a restart."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        time.sleep(seconds)
        connection.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
