"""Telegram adapter against a loopback Bot API fake that parses MarkdownV2 like Telegram does."""
from __future__ import annotations

import pytest

from studio.channels.telegram import TelegramAdapter
from tests.channels.fakes import Canned, FakeTelegram, MarkdownV2Error, message, parse_markdown_v2

TOKEN = "123456:ABC-secret"
CHAT = "-1001234567890"
POST = ("# Tea 2.0 - spring!\n\nPrice: 1+1=2 (yes) #promo {a|b} ~x~ >quoted\n\n"
        "**Bold** and _italic_ and `a_b` and [shop.example](https://shop.example.com/a_(b))")


@pytest.fixture
def fake():
    with FakeTelegram(token=TOKEN, chats=(CHAT,)) as service:
        yield service


def send(fake, markdown, **settings):
    settings = {"bot_token": TOKEN, "api_base": fake.base, **settings}
    return TelegramAdapter().send(message(CHAT, markdown, **settings))


def test_telegram_markdown_v2_is_accepted_by_the_fake_parser(fake):
    result = send(fake, POST)

    assert result.outcome == "sent", result.detail
    document = fake.last.json
    assert (document["chat_id"], document["parse_mode"]) == (CHAT, "MarkdownV2")
    assert fake.last.path == f"/bot{TOKEN}/sendMessage"
    assert fake.visible[-1] == ("Tea 2.0 - spring!\n\nPrice: 1+1=2 (yes) #promo {a|b} ~x~ >quoted\n\n"
                                "Bold and italic and a_b and shop.example")


def test_telegram_escapes_dots_and_dashes(fake):
    send(fake, "版本 2.0 - 更新!")

    assert fake.last.json["text"] == "版本 2\\.0 \\- 更新\\!"


def test_telegram_formatting_uses_markdown_v2_markers(fake):
    result = send(fake, "**粗体** *斜体* ~~删除~~ `a_b` ``co`de`` [链接](https://a.example/x)")

    assert result.outcome == "sent", result.detail
    assert fake.last.json["text"] == "*粗体* _斜体_ ~删除~ `a_b` `co\\`de` [链接](https://a.example/x)"
    assert fake.visible[-1] == "粗体 斜体 删除 a_b co`de 链接"


def test_telegram_backslashes_in_text_and_code_are_escaped(fake):
    result = send(fake, "路径 C:\\\\temp 和 `C:\\temp`")

    assert result.outcome == "sent", result.detail
    assert fake.visible[-1] == "路径 C:\\temp 和 C:\\temp"


def test_telegram_fake_parser_rejects_an_unescaped_reserved_character():
    with pytest.raises(MarkdownV2Error, match="'.' is reserved"):
        parse_markdown_v2("version 2.0")


@pytest.mark.parametrize("chat, token, named", [
    pytest.param(CHAT, "999:wrong", "401", id="wrong-bot-token"),
    pytest.param("-100999", TOKEN, "chat not found", id="unknown-chat-is-a-400"),
])
def test_telegram_wrong_token_or_chat_is_permanent(fake, chat, token, named):
    result = TelegramAdapter().send(message(chat, POST, bot_token=token, api_base=fake.base))

    assert result.outcome == "permanent"
    assert named in result.detail


def test_telegram_bot_kicked_is_a_permanent_403(fake):
    fake.answer(FakeTelegram.error(403, "Forbidden: bot was kicked from the supergroup chat"))

    assert send(fake, POST).outcome == "permanent"


def test_telegram_429_is_transient_with_its_retry_after(fake):
    fake.answer(FakeTelegram.error(429, "Too Many Requests: retry after 7", retry_after=7))

    result = send(fake, POST)

    assert (result.outcome, result.retry_after) == ("transient", 7.0)


def test_telegram_5xx_is_transient(fake):
    fake.answer(Canned(502, "Bad Gateway"))

    assert send(fake, POST).outcome == "transient"


def test_telegram_group_upgraded_to_supergroup_is_permanent_with_the_new_chat_id(fake):
    fake.answer(FakeTelegram.error(400, "Bad Request: group chat was upgraded to a supergroup chat",
                                   migrate_to_chat_id=-1009876543210))

    result = send(fake, POST)

    assert result.outcome == "permanent"
    assert "-1009876543210" in result.detail


def test_telegram_limit_is_4096_visible_characters(fake):
    adapter = TelegramAdapter()

    assert adapter.check("a" * 4097) == "Telegram 消息超过 4096 字（当前 4097）"
    assert adapter.check("a" * 4096) is None
    # Escapes are not shown to the reader and do not count: 3000 dots are 6000 characters on the wire.
    assert adapter.check("." * 3000) is None
    assert send(fake, "." * 3000).outcome == "sent"
    assert fake.visible[-1] == "." * 3000


def test_telegram_oversize_post_is_never_sent(fake):
    result = send(fake, "好" * 5000)

    assert result.outcome == "permanent"
    assert fake.requests == []


def test_telegram_missing_bot_token_is_permanent():
    assert TelegramAdapter().send(message(CHAT, POST)).outcome == "permanent"


def test_telegram_dropped_connection_after_sending_is_unknown(fake):
    fake.answer(Canned(drop=True))

    result = send(fake, POST)

    assert result.outcome == "unknown"
    assert len(fake.requests) == 1


def test_telegram_italic_next_to_italic_is_not_read_as_underline(fake):
    result = send(fake, "# *甲***_乙_**")

    assert result.outcome == "sent", result.detail
    assert "_\r_" in fake.last.json["text"]  # Telegram's documented separator, ignored when shown
    assert fake.visible[-1] == "甲乙"


def test_telegram_rich_post_with_lists_quotes_code_and_tables_parses(fake):
    body = ("## 菜单 (v1.2)\n\n- 龙井 ¥88.00\n- 碧螺春 ~~¥99~~ ¥79!\n    - 限量 #1\n\n1. 预约\n2. 到店\n\n"
            "> 引用 *斜体* [链接](https://e.example/q?a=1&b=(2))\n\n"
            "```python\nprint(\"a_b`c\\\\d\")\n```\n\n---\n\n"
            "| 品名 | 价格 |\n|---|---|\n| 白茶 | 1.5 |")

    result = send(fake, body)

    assert result.outcome == "sent", result.detail
    shown = fake.visible[-1]
    assert shown.startswith("菜单 (v1.2)\n\n• 龙井 ¥88.00\n• 碧螺春 ¥99 ¥79!\n  • 限量 #1\n\n1. 预约\n2. 到店\n\n")
    assert "引用 斜体 链接" in shown
    assert 'print("a_b`c\\\\d")' in shown
    assert shown.endswith("品名 | 价格\n\n白茶 | 1.5")
