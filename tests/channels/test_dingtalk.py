"""DingTalk custom robot adapter against a loopback fake that verifies 加签 like DingTalk does."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest

from studio.channels.dingtalk import DingTalkAdapter
from tests.channels.fakes import Canned, FakeDingTalk, message

SECRET = "SECdingsecret"
POST = "# 新品试饮\n\n明天上午 **十点** 开放试饮，[预约](https://shop.example.com/t)\n名额有限\n\n- 龙井\n- 碧螺春"


@pytest.fixture
def fake():
    with FakeDingTalk(secret=SECRET) as service:
        yield service


def test_dingtalk_signature_is_accepted_by_the_fake(fake):
    result = DingTalkAdapter().send(message(fake.url, POST, secret=SECRET))

    assert result.outcome == "sent", result.detail
    request = fake.last
    assert fake.signature_ok(request)
    assert abs(int(request.query["timestamp"]) - time.time() * 1000) < 60_000  # milliseconds
    assert request.query["access_token"] == fake.token
    document = request.json
    assert document["msgtype"] == "markdown"
    assert document["markdown"]["title"] == "新品试饮"
    assert document["at"] == {"isAtAll": False}


def test_dingtalk_markdown_keeps_headings_bold_links_lists_and_hard_breaks(fake):
    DingTalkAdapter().send(message(fake.url, POST, secret=SECRET))

    text = fake.last.json["markdown"]["text"]
    assert text == ("# 新品试饮\n\n明天上午 **十点** 开放试饮，[预约](https://shop.example.com/t)  \n名额有限\n\n"
                    "- 龙井\n- 碧螺春")


def _timestamp_whose_sign_needs_encoding() -> int:
    start = int(time.time() * 1000)
    for timestamp in range(start, start + 10_000):
        digest = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
        if "+" in base64.b64encode(digest).decode():
            return timestamp
    raise AssertionError("no signature with '+' found")


def test_dingtalk_sign_is_url_encoded_in_the_query(fake):
    timestamp = _timestamp_whose_sign_needs_encoding()

    result = DingTalkAdapter(clock=lambda: timestamp / 1000).send(message(fake.url, POST, secret=SECRET))

    # An unencoded '+' would reach DingTalk as a space and the signature would not match.
    assert result.outcome == "sent", result.detail
    assert "%2B" in fake.last.raw_query
    assert fake.last.query["timestamp"] == str(timestamp)


def test_dingtalk_wrong_secret_is_a_permanent_310000(fake):
    result = DingTalkAdapter().send(message(fake.url, POST, secret="SECwrong"))

    assert result.outcome == "permanent"
    assert "310000" in result.detail


def test_dingtalk_timestamp_older_than_an_hour_is_refused(fake):
    long_ago = time.time() - 3700

    result = DingTalkAdapter(clock=lambda: long_ago).send(message(fake.url, POST, secret=SECRET))

    assert result.outcome == "permanent"
    assert "310000" in result.detail


def test_dingtalk_missing_keyword_is_a_permanent_310000():
    with FakeDingTalk(secret=SECRET, keywords=("茶韵",)) as keyworded:
        refused = DingTalkAdapter().send(message(keyworded.url, POST, secret=SECRET))
        accepted = DingTalkAdapter().send(message(keyworded.url, POST + "\n\n茶韵出品", secret=SECRET))

    assert refused.outcome == "permanent" and "310000" in refused.detail
    assert accepted.outcome == "sent"


def test_dingtalk_130101_is_a_transient_rate_limit_of_ten_minutes(fake):
    fake.answer(FakeDingTalk.error(130101, "send too fast, exceed 20 times per minute"))

    result = DingTalkAdapter().send(message(fake.url, POST, secret=SECRET))

    assert result.outcome == "transient"
    assert "130101" in result.detail
    assert result.retry_after == 600.0


@pytest.mark.parametrize("answer, outcome", [
    pytest.param(FakeDingTalk.error(660026, "robot send limited"), "permanent", id="660026-is-permanent"),
    pytest.param(Canned(500, "Internal Server Error"), "transient", id="5xx-is-transient"),
])
def test_dingtalk_answer_decides_the_outcome(fake, answer, outcome):
    fake.answer(answer)

    assert DingTalkAdapter().send(message(fake.url, POST, secret=SECRET)).outcome == outcome


def test_dingtalk_post_over_20000_bytes_is_refused_by_check(fake):
    adapter = DingTalkAdapter()
    big = "好" * 7000

    assert "20000 字节" in adapter.check(big)
    assert adapter.check("好" * 6000) is None
    assert adapter.send(message(fake.url, big, secret=SECRET)).outcome == "permanent"
    assert fake.requests == []


def test_dingtalk_action_card_needs_a_url_and_links_its_button(fake):
    adapter = DingTalkAdapter()
    assert "url" in adapter.check(POST, {"format": "actionCard"})

    result = adapter.send(message(fake.url, POST, secret=SECRET, format="actionCard",
                                  url="https://shop.example.com/t", button_title="立即预约"))

    assert result.outcome == "sent", result.detail
    card = fake.last.json["actionCard"]
    assert (card["title"], card["singleTitle"], card["singleURL"]) == ("新品试饮", "立即预约",
                                                                      "https://shop.example.com/t")


def test_dingtalk_text_format_is_plain(fake):
    DingTalkAdapter().send(message(fake.url, POST, secret=SECRET, format="text"))

    content = fake.last.json["text"]["content"]
    assert content.startswith("新品试饮\n\n明天上午 十点 开放试饮，预约 https://shop.example.com/t\n名额有限")


def test_dingtalk_dropped_connection_after_sending_is_unknown(fake):
    fake.answer(Canned(drop=True))

    result = DingTalkAdapter().send(message(fake.url, POST, secret=SECRET))

    assert result.outcome == "unknown"
    assert len(fake.requests) == 1
