"""`studio routes`: every route of the app, and for the JSON API who may call it."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from studio.api import API_PREFIX
from studio.cli import _emit

IMPLIED_METHODS = {"HEAD", "OPTIONS"}


def route_table(app) -> list[dict]:
    """One row per URL rule, by path: methods, path, endpoint; API rules add auth (token or public) and scope."""
    rows = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        row = {"methods": sorted((rule.methods or set()) - IMPLIED_METHODS), "path": rule.rule,
               "endpoint": rule.endpoint}
        if rule.rule.startswith(API_PREFIX + "/"):
            view = app.view_functions[rule.endpoint]
            row.update(auth="token" if getattr(view, "api_auth", True) else "public",
                       scope=getattr(view, "api_scope", None))
        rows.append(row)
    return rows


@click.command("routes")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def routes_command(as_json: bool):
    """List every route: methods, path, endpoint, and for /api/v1 routes the token scope they need."""
    rows = route_table(current_app)
    if as_json:
        _emit(rows)
        return
    for row in rows:
        access = ""
        if "auth" in row:
            access = "public" if row["auth"] == "public" else f"token {row['scope'] or '(any scope)'}"
        click.echo(f"{','.join(row['methods']):<18} {row['path']:<60} {row['endpoint']:<32} {access}".rstrip())
