"""Fixtures for the distribution tests."""
import pytest

from tests.support import WebhookReceiver


@pytest.fixture
def receiver():
    """The partner webhook of the demo brand, signed with the demo kit's secret."""
    server = WebhookReceiver(secret="demo-webhook-secret").start()
    yield server
    server.stop()
