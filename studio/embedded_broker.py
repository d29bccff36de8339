"""The embedded broker: kombu's SQLAlchemy transport, made fit for several processes starting at once.

- It polls its table every 0.1 s instead of every second. With one task prefetched per pool process, a
  worker that finds its queue empty sleeps a whole polling interval, so the 1 s default would cap a worker at
  about one task a second.
- Processes that start together on a fresh broker file race to create its tables and queue rows; the loser
  of either race reads what the winner wrote instead of dropping its connection.

The transport is registered under the ``sqla`` scheme the default broker URL uses (``sqla+sqlite:///…``).
"""
import time

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as kombu_sqlalchemy
from sqlalchemy.exc import IntegrityError, OperationalError

POLLING_INTERVAL = 0.1
CREATE_ATTEMPTS = 5


class Channel(kombu_sqlalchemy.Channel):
    def _open(self):
        for attempt in range(CREATE_ATTEMPTS):
            try:
                return super()._open()
            except OperationalError:  # another process created the tables first ("already exists")
                if attempt == CREATE_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))

    def _get_or_create(self, queue):
        try:
            return super()._get_or_create(queue)
        except IntegrityError:  # another process inserted this queue's row first
            self.session.rollback()
            return self.session.query(self.queue_cls).filter(self.queue_cls.name == queue).one()


class Transport(kombu_sqlalchemy.Transport):
    Channel = Channel
    polling_interval = POLLING_INTERVAL


def register() -> None:
    for scheme in ("sqla", "sqlalchemy"):
        TRANSPORT_ALIASES[scheme] = f"{__name__}:Transport"
