"""Slack incoming-webhook adapter against a loopback fake of hooks.slack.com."""
from __future__ import annotations

import pytest

from studio.channels.slack import SlackAdapter
from tests.channels.fakes import Canned, FakeSlack, message

POST = ("## Spring tea\n\nOur **first flush** is here, *limited*: "
        "[order now](https://shop.example.com/o?a=1&b=2)")


@pytest.fixture
def fake():
    with FakeSlack() as service:
        yield service


def test_slack_post_arrives_as_mrkdwn_text(fake):
    result = SlackAdapter().send(message(fake.url, POST))

    assert result.outcome == "sent", result.detail
    assert fake.last.json == {"text": "*Spring tea*\n\nOur *first flush* is here, _limited_: "
                                      "<https://shop.example.com/o?a=1&b=2|order now>"}


@pytest.mark.parametrize("body, text", [
    pytest.param("# New **tea** list", "*New tea list*", id="bold-inside-a-heading-is-not-doubled"),
    pytest.param("a < b & c > d, see &lt;!channel&gt;", "a &lt; b &amp; c &gt; d, see &lt;!channel&gt;",
                 id="control-characters-escaped-so-no-channel-ping-is-smuggled"),
    pytest.param("- one\n- **two**\n\n```\nx = 1\n```", "• one\n• *two*\n\n```\nx = 1\n```",
                 id="lists-and-code-blocks"),
])
def test_slack_mrkdwn_rendering(fake, body, text):
    SlackAdapter().send(message(fake.url, body))

    assert fake.last.json["text"] == text


@pytest.mark.parametrize("url_of, named", [
    pytest.param(lambda fake: fake.url.replace(fake.token, "wrong"), "invalid_token", id="wrong-webhook-token"),
    pytest.param(lambda fake: f"{fake.base}/services/T9/B9/gone", "no_service", id="removed-webhook"),
])
def test_slack_bad_webhook_is_permanent(fake, url_of, named):
    result = SlackAdapter().send(message(url_of(fake), POST))

    assert result.outcome == "permanent"
    assert named in result.detail


def test_slack_invalid_payload_is_permanent(fake):
    fake.answer(Canned(400, "invalid_payload"))

    result = SlackAdapter().send(message(fake.url, POST))

    assert result.outcome == "permanent"
    assert "invalid_payload" in result.detail


def test_slack_429_is_transient_with_retry_after(fake):
    fake.answer(Canned(429, "rate_limited", headers={"Retry-After": "30"}))

    result = SlackAdapter().send(message(fake.url, POST))

    assert (result.outcome, result.retry_after) == ("transient", 30.0)


def test_slack_5xx_is_transient(fake):
    fake.answer(Canned(500, "rollup_error"))

    assert SlackAdapter().send(message(fake.url, POST)).outcome == "transient"


def test_slack_oversize_post_is_refused_by_check(fake):
    adapter = SlackAdapter()

    assert adapter.check("a" * 40001) == "Slack 消息超过 40000 字（当前 40001）"
    assert adapter.check("a" * 40000) is None
    # escaping counts: 10000 '&' become 50000 characters of "&amp;"
    assert "40000" in adapter.check("&" * 10000)


def test_slack_dropped_connection_after_sending_is_unknown(fake):
    fake.answer(Canned(drop=True))

    result = SlackAdapter().send(message(fake.url, POST))

    assert result.outcome == "unknown"
    assert len(fake.requests) == 1
