"""The embedded broker: kombu's SQLAlchemy transport, polling its table every 0.1 s instead of every second.

With one task prefetched per pool process, a worker that finds its queue empty sleeps a whole polling
interval, so kombu's 1 s default would cap a worker at about one task a second. The transport is registered
under the ``sqla`` scheme the default broker URL uses (``sqla+sqlite:///…``).
"""
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as kombu_sqlalchemy

POLLING_INTERVAL = 0.1


class Transport(kombu_sqlalchemy.Transport):
    polling_interval = POLLING_INTERVAL


def register() -> None:
    for scheme in ("sqla", "sqlalchemy"):
        TRANSPORT_ALIASES[scheme] = f"{__name__}:Transport"
