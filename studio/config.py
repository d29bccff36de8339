"""Settings: a default in code for every key, overridden by the environment, then by the caller."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from studio.localmodel import MODEL_ALIAS as LOCAL_MODEL_NAME
from studio.task_names import (DISPATCH_DUE_DELIVERIES, FORGET_OLD_CLICKS, QUEUE_WAITING_UPLOADS, QUEUES,
                               RUN_RITUALS, SWEEP_STALLED_GENERATIONS, WRITE_PLAYBOOKS)

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def _env_float(environ, name: str, default: float) -> float:
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc


def env_flag(environ, name: str) -> bool:
    """A yes/no setting: 1, true, yes or on (any case) mean yes; unset or empty means no."""
    raw = (environ.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"{name} must be 1/0, true/false, yes/no or on/off, got {raw!r}")


def local_llm_url(environ) -> str:
    """The bundled model server's address: the port `make run` starts it on (STUDIO_LLM_PORT, 8080)."""
    raw = environ.get("STUDIO_LLM_PORT") or "8080"
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ValueError(f"STUDIO_LLM_PORT must be a port number, got {raw!r}")
    return f"http://127.0.0.1:{int(raw)}/v1"


def default_llm_mode(base_url: str, model: str | None) -> str:
    """Completion for the bundled base model, which only continues text; chat for any other model.

    A named model decides by its name, wherever it is served; an unnamed one is the bundled model only
    when the endpoint is on this machine."""
    if model:
        return "completion" if model == LOCAL_MODEL_NAME else "chat"
    host = base_url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
    return "completion" if host in LOOPBACK_HOSTS else "chat"


def _choice(environ, name: str, allowed: tuple[str, ...]) -> str:
    value = (environ.get(name) or allowed[0]).strip().lower()
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _persistent_secret_key(data_dir: Path) -> str:
    """A random key kept in the data folder, so sessions survive restarts without a default in code."""
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    tmp = key_file.with_suffix(".tmp")
    tmp.write_text(key)
    os.chmod(tmp, 0o600)
    os.replace(tmp, key_file)
    return key


def build_config(overrides: dict | None = None, environ=None) -> dict:
    """Return the app's settings: code defaults < environment < overrides."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    data_dir = Path(overrides.get("STUDIO_DATA_DIR") or environ.get("STUDIO_DATA_DIR") or "var").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)

    llm_url = environ.get("OPENAI_BASE_URL") or local_llm_url(environ)
    broker_url = environ.get("CELERY_BROKER_URL") or f"sqla+sqlite:///{data_dir / 'broker.sqlite3'}"
    dispatch_every = _env_float(environ, "STUDIO_DISPATCH_INTERVAL", 0.25)
    sweep_every = _env_float(environ, "STUDIO_GENERATION_SWEEP_INTERVAL", 15.0)
    rituals_every = _env_float(environ, "STUDIO_RITUALS_INTERVAL", 60.0)

    config = {
        "STUDIO_DATA_DIR": str(data_dir),
        "SECRET_KEY": environ.get("STUDIO_SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'studio.sqlite3'}",
        "CHROMA_URL": environ.get("CHROMA_URL") or "",
        "STUDIO_EMBEDDINGS": environ.get("STUDIO_EMBEDDINGS") or "hashing",
        "STUDIO_EMBEDDINGS_BASE_URL": environ.get("STUDIO_EMBEDDINGS_BASE_URL") or llm_url,
        "OPENAI_BASE_URL": llm_url,
        "OPENAI_API_KEY": environ.get("OPENAI_API_KEY") or "local-model",
        "STUDIO_LLM_MODEL": environ.get("STUDIO_LLM_MODEL") or LOCAL_MODEL_NAME,
        # Base models only continue text; instruct models behind a provider want chat messages.
        "STUDIO_LLM_MODE": environ.get("STUDIO_LLM_MODE") or default_llm_mode(llm_url,
                                                                             environ.get("STUDIO_LLM_MODEL")),
        "STUDIO_LLM_TIMEOUT": _env_float(environ, "STUDIO_LLM_TIMEOUT", 120.0),
        "STUDIO_RANK_BUDGET_S": _env_float(environ, "STUDIO_RANK_BUDGET_S", 1.0),
        # Threads of the bundled model when it ranks: the drafter runs two drafts at once on two cores.
        "STUDIO_RANK_THREADS": int(_env_float(environ, "STUDIO_RANK_THREADS", 1)),
        # "compose": drafts are composed from scripts and facts, the model ranks them; "write": the model
        # writes, a composed draft stands in when it cannot; "auto": write with a chat model only.
        "STUDIO_DRAFTING": _choice(environ, "STUDIO_DRAFTING", ("auto", "compose", "write")),
        # "package.module:function" returning any LangChain chat or completion model; empty: OpenAI-compatible.
        "STUDIO_LLM_FACTORY": environ.get("STUDIO_LLM_FACTORY") or "",
        "STUDIO_DISPATCH_INTERVAL": dispatch_every,
        # How long a claimed or sending delivery may stay so before the dispatcher looks again.
        "STUDIO_DELIVERY_LEASE": _env_float(environ, "STUDIO_DELIVERY_LEASE", 60.0),
        # A claim whose send task never ran (its worker died) goes back to the queue after this long.
        "STUDIO_CLAIM_LEASE": _env_float(environ, "STUDIO_CLAIM_LEASE", 10.0),
        # A drafting job reports every quarter of this; one silent for longer is queued again by the sweep,
        # which looks every STUDIO_GENERATION_SWEEP_INTERVAL seconds.
        "STUDIO_GENERATION_LEASE": _env_float(environ, "STUDIO_GENERATION_LEASE", 90.0),
        "STUDIO_GENERATION_SWEEP_INTERVAL": sweep_every,
        # Seconds between two beats of rituals (materialize, schedule approved, freeze).
        "STUDIO_RITUALS_INTERVAL": rituals_every,
        # Tries a variant gets (the first included) before it is marked failed with the reason.
        "STUDIO_GENERATION_ATTEMPTS": int(_env_float(environ, "STUDIO_GENERATION_ATTEMPTS", 3)),
        # Seconds a request waits for another writer of the SQLite database before it answers 503.
        "STUDIO_DB_BUSY_TIMEOUT": _env_float(environ, "STUDIO_DB_BUSY_TIMEOUT", 30.0),
        # What a 503 (database busy, queue down) tells clients to wait before trying again.
        "STUDIO_RETRY_AFTER": int(_env_float(environ, "STUDIO_RETRY_AFTER", 5)),
        "STUDIO_RETRIEVAL_K": 5,
        # Knowledge uploads of fewer file bytes than this are indexed in the request; larger ones by a worker.
        "STUDIO_UPLOAD_INLINE_BYTES": int(_env_float(environ, "STUDIO_UPLOAD_INLINE_BYTES", 256 * 1024)),
        # Requests one API token may make in any 60 seconds, counted across every web process; 0: no limit.
        "STUDIO_API_RATE_LIMIT": int(_env_float(environ, "STUDIO_API_RATE_LIMIT", 120)),
        # Channels may post to loopback and private addresses: for bots on this machine or the office
        # network (the demo webhook, the tests' fake bots). Off, only public addresses are reached.
        "STUDIO_ALLOW_PRIVATE_TARGETS": env_flag(environ, "STUDIO_ALLOW_PRIVATE_TARGETS"),
        # Reports rank a segment, group or post by its click rate only from this many members reached.
        "STUDIO_MIN_REACH": int(_env_float(environ, "STUDIO_MIN_REACH", 50)),
        # Days click events are kept; the counts on each link stay.
        "STUDIO_CLICK_RETENTION_DAYS": _env_float(environ, "STUDIO_CLICK_RETENTION_DAYS", 90),
        # Where people open the studio; alerts link back to posts with it.
        "STUDIO_BASE_URL": environ.get("STUDIO_BASE_URL") or "http://127.0.0.1:5000",
        "WTF_CSRF_TIME_LIMIT": None,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=7),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CELERY": {
            "broker_url": broker_url,
            "task_ignore_result": True,
            "result_backend": None,
            "worker_prefetch_multiplier": 1,
            "broker_connection_retry_on_startup": True,
            "beat_schedule_filename": str(data_dir / "celerybeat-schedule"),
            "beat_schedule": {
                "dispatch-due-deliveries": {
                    "task": DISPATCH_DUE_DELIVERIES,
                    "schedule": dispatch_every,
                    "options": {"expires": max(dispatch_every * 4, 2.0)},
                },
                "forget-old-clicks": {"task": FORGET_OLD_CLICKS, "schedule": 6 * 3600.0},
                "write-playbooks": {"task": WRITE_PLAYBOOKS, "schedule": 24 * 3600.0},
                # Rituals: briefs written at their lead time, approved variants scheduled, the rest frozen.
                "run-rituals": {"task": RUN_RITUALS, "schedule": rituals_every,
                                "options": {"expires": max(rituals_every, 2.0)}},
                "queue-waiting-uploads": {
                    "task": QUEUE_WAITING_UPLOADS,
                    "schedule": sweep_every,
                    "options": {"expires": max(sweep_every * 2, 2.0)},
                },
                "sweep-stalled-generations": {
                    "task": SWEEP_STALLED_GENERATIONS,
                    "schedule": sweep_every,
                    "options": {"expires": max(sweep_every * 2, 2.0)},
                },
            },
            "task_routes": {name: {"queue": queue} for name, queue in QUEUES.items()},
        },
    }
    celery_overrides = overrides.pop("CELERY", None)
    config.update(overrides)
    if celery_overrides:
        config["CELERY"] = {**config["CELERY"], **celery_overrides}
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _persistent_secret_key(data_dir)
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        uri = "postgresql://" + uri[len("postgres://"):]
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://"):]
    config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                          {"connect_args": {"timeout": float(config["STUDIO_DB_BUSY_TIMEOUT"])}})
    else:
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    return config
