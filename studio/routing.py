"""Ids in URLs and query strings: only what the database can hold reaches a view."""
from __future__ import annotations

from flask import abort
from werkzeug.routing import IntegerConverter

# SQLite stores integers as signed 64-bit; a larger id cannot name a row and overflows the driver.
ID_MIN, ID_MAX = -(2**63), 2**63 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` that matches only ids the database can hold, so a larger one is a plain 404."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=ID_MIN if min is None else min,
                         max=ID_MAX if max is None else max, signed=signed)


def int_arg(values, name: str, default: int | None) -> int | None:
    """An integer query or form parameter in the database's range, the default when absent, else 400."""
    raw = values.get(name, "")
    if raw is None or not str(raw).strip():
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        abort(400, description=f"parameter {name!r} must be an integer")
    if not ID_MIN <= value <= ID_MAX:
        abort(400, description=f"parameter {name!r} is out of range")
    return value


def init_app(app) -> None:
    """Every `<int:…>` route in the app matches database-sized ids only; call before routes are registered."""
    app.url_map.converters["int"] = DatabaseIdConverter
