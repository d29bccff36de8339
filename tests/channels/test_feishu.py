"""Feishu custom bot adapter against a loopback fake that verifies signatures like Feishu does."""
from __future__ import annotations

import time

import pytest

from studio.channels.feishu import FeishuAdapter, sign
from tests.channels.fakes import Canned, FakeFeishu, feishu_expected_sign, message

SECRET = "feishu-secret"
POST = "# 周末品鉴会\n\n本周六下午 **两点** 开始，[报名链接](https://event.example.com/t/1)。\n欢迎带朋友来！"


@pytest.fixture
def fake():
    with FakeFeishu(secret=SECRET) as service:
        yield service


def test_feishu_signature_is_accepted_by_the_fake(fake):
    result = FeishuAdapter().send(message(fake.url, POST, secret=SECRET))

    assert result.outcome == "sent", result.detail
    document = fake.last.json
    assert fake.signature_ok(fake.last)
    assert abs(int(document["timestamp"]) - time.time()) < 60  # seconds, not milliseconds
    assert document["sign"] == feishu_expected_sign(document["timestamp"], SECRET)
    assert document["msg_type"] == "post"


def test_feishu_sign_is_hmac_keyed_by_timestamp_and_secret_over_nothing():
    import base64
    import hashlib
    import hmac

    expected = base64.b64encode(hmac.new(b"1700000000\nabc", b"", hashlib.sha256).digest()).decode()
    assert sign(1700000000, "abc") == expected


def test_feishu_post_is_zh_cn_title_and_lines_of_styled_elements(fake):
    FeishuAdapter().send(message(fake.url, POST, secret=SECRET))

    post = fake.last.json["content"]["post"]["zh_cn"]
    assert post["title"] == "周末品鉴会"
    assert post["content"] == [
        [{"tag": "text", "text": "本周六下午 "}, {"tag": "text", "text": "两点", "style": ["bold"]},
         {"tag": "text", "text": " 开始，"},
         {"tag": "a", "text": "报名链接", "href": "https://event.example.com/t/1"},
         {"tag": "text", "text": "。"}],
        [{"tag": "text", "text": "欢迎带朋友来！"}],
    ]


def test_feishu_post_separates_paragraphs_and_keeps_list_items_together(fake):
    FeishuAdapter().send(message(fake.url, "第一段\n\n- 甲\n- 乙\n\n第二段", secret=SECRET))

    lines = fake.last.json["content"]["post"]["zh_cn"]["content"]
    texts = ["".join(element["text"] for element in line) for line in lines]
    assert texts == ["第一段", "", "• 甲", "• 乙", "", "第二段"]


def test_feishu_wrong_secret_is_a_permanent_19021(fake):
    result = FeishuAdapter().send(message(fake.url, POST, secret="not-the-secret"))

    assert result.outcome == "permanent"
    assert "19021" in result.detail


def test_feishu_timestamp_older_than_an_hour_is_refused(fake):
    two_hours_ago = time.time() - 7200

    result = FeishuAdapter(clock=lambda: two_hours_ago).send(message(fake.url, POST, secret=SECRET))

    assert result.outcome == "permanent"
    assert "19021" in result.detail


@pytest.mark.parametrize("code", [9499, 11232])
def test_feishu_rate_limit_codes_are_transient(fake, code):
    fake.answer(FakeFeishu.error(code, "frequency limited"))

    result = FeishuAdapter().send(message(fake.url, POST, secret=SECRET))

    assert result.outcome == "transient"
    assert str(code) in result.detail


@pytest.mark.parametrize("answer, retry_after", [
    pytest.param(Canned(200, {"code": 11232, "msg": "frequency limited", "data": {}},
                        headers={"x-ogw-ratelimit-reset": "12"}), 12.0,
                 id="rate-limit-reset-header-becomes-retry-after"),
    pytest.param(Canned(503, "Service Unavailable", headers={"Retry-After": "3"}), 3.0, id="5xx-is-transient"),
])
def test_feishu_transient_answer_with_its_retry_after(fake, answer, retry_after):
    fake.answer(answer)

    result = FeishuAdapter().send(message(fake.url, POST, secret=SECRET))

    assert (result.outcome, result.retry_after) == ("transient", retry_after)


def test_feishu_missing_keyword_is_a_permanent_19024():
    with FakeFeishu(secret=SECRET, keywords=("茶韵",)) as keyworded:
        refused = FeishuAdapter().send(message(keyworded.url, POST, secret=SECRET))
        accepted = FeishuAdapter().send(message(keyworded.url, POST + "\n\n—— 茶韵", secret=SECRET))

    assert refused.outcome == "permanent"
    assert "19024" in refused.detail and "关键词" in refused.detail
    assert accepted.outcome == "sent"


def test_feishu_text_format_does_not_revive_a_defused_at_all(fake):
    # defuse_mass_mentions turned <at user_id="all"> into &lt;at …; rendering must not turn it back.
    body = '通知 &lt;at user_id="all">所有人</at> 请看'

    FeishuAdapter().send(message(fake.url, body, secret=SECRET, format="text"))

    text = fake.last.json["content"]["text"]
    assert "<at" not in text
    assert "＜at" in text


def test_feishu_interactive_card_has_header_and_lark_md(fake):
    result = FeishuAdapter().send(message(fake.url, POST, secret=SECRET, format="interactive"))

    assert result.outcome == "sent", result.detail
    document = fake.last.json
    assert document["msg_type"] == "interactive"
    assert document["card"]["header"]["title"] == {"tag": "plain_text", "content": "周末品鉴会"}
    text = document["card"]["elements"][0]["text"]
    assert text["tag"] == "lark_md"
    assert text["content"] == ("本周六下午 **两点** 开始，[报名链接](https://event.example.com/t/1)。\n欢迎带朋友来！")


def test_feishu_post_over_20_kb_is_refused_by_check(fake):
    adapter = FeishuAdapter()
    big = "好" * 7000  # 21000 bytes of UTF-8

    assert "20 KB" in adapter.check(big)
    assert adapter.check("好" * 6000) is None
    assert adapter.send(message(fake.url, big, secret=SECRET)).outcome == "permanent"
    assert fake.requests == []


def test_feishu_unknown_format_is_refused():
    assert "card" in FeishuAdapter().check("hi", {"format": "card"})


def test_feishu_dropped_connection_after_sending_is_unknown(fake):
    fake.answer(Canned(drop=True))

    result = FeishuAdapter().send(message(fake.url, POST, secret=SECRET))

    assert result.outcome == "unknown"
    assert len(fake.requests) == 1
