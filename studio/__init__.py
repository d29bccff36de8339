"""Community Content Studio: the Flask application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_openapi3 import OpenAPI

from studio.config import build_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def templates_folder() -> Path:
    """The page templates: inside the package when installed from a wheel, else the checkout's templates/."""
    packaged = Path(__file__).resolve().parent / "templates"
    return packaged if packaged.is_dir() else PROJECT_ROOT / "templates"


def create_app(overrides: dict | None = None) -> Flask:
    """Build the studio: settings, extensions, blueprints, CLI and Celery, in that order."""
    from studio import api

    # OpenAPI is a Flask that generates /api/v1/openapi.json from the API's typed routes.
    app = OpenAPI(__name__, template_folder=str(templates_folder()), **api.openapi_options())
    app.config.update(build_config(overrides))

    from studio import auth, cli, headers, i18n, routing, secret_box, unavailable
    from studio.extensions import csrf, db, migrate
    from studio.task_queue import celery_init_app
    from studio.web import register_blueprints

    secret_box.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    routing.init_app(app)
    unavailable.init_app(app)
    headers.init_app(app)
    register_blueprints(app)
    api.init_app(app)
    csrf.exempt(api.bp)
    cli.init_app(app)
    celery_init_app(app)

    # STUDIO_WARM_UP: a serving process loads the knowledge index and jieba before its first search.
    from studio.compliance import tagging
    from studio.knowledge_base import warm_up
    warm_up.init_app(app, tagging.tokenizer)

    @app.get("/health", doc_ui=False)  # not part of the API's document
    def health():
        return {"status": "ok"}

    return app
