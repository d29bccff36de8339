"""What the editor's preview shows for a channel is what a real send through its adapter delivers."""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, replace
from types import SimpleNamespace

import pytest

from studio.channels import ADAPTERS
from studio.channels.dialects import to_plain_text
from studio.channels.feishu import post_text
from studio.channels.mentions import defuse_mass_mentions
from studio.channels.preview import preview_for_channel
from studio.channels.sizes import utf8_len, utf16_len
from tests.channels.fakes import (
    FakeDingTalk,
    FakeFeishu,
    FakeSlack,
    FakeTelegram,
    FakeWebhook,
    FakeWeCom,
    message,
)

POST = ("## 冬日品鉴会\n小茶来啦~ **白牡丹2024**建议90℃冲泡。\n\n- 周五晚8点\n- 带上**自己的茶杯**\n\n"
        "[点此报名](https://example.com/join) @所有人")
LINK = "https://example.com/join"


@dataclass
class Arrival:
    """What the platform received for one send, read the way that platform reads it."""

    settings: dict  # the channel settings the send used, credentials included
    documents: list  # request bodies, without the fields a send adds (signatures, chat id, delivery id)
    text: str  # the message as the platform holds it, or as a reader sees a rich-text post
    size: int  # counted the way the platform counts against its limit


def through_wecom(markdown: str, settings: dict, request) -> Arrival:
    with FakeWeCom() as fake:
        delivered(ADAPTERS["wecom"]().send(message(fake.url, markdown, **settings)))
    document = fake.last.json
    kind = document["msgtype"]
    if kind == "news":
        article = document["news"]["articles"][0]
        text, counted = f"{article['title']}\n{article['description']}", article["description"]
    else:
        text = counted = document[kind]["content"]
    return Arrival(settings, [document], text, utf8_len(counted))


def through_feishu(markdown: str, settings: dict, request) -> Arrival:
    settings = {**settings, "secret": "feishu-secret"}
    with FakeFeishu(secret="feishu-secret") as fake:
        delivered(ADAPTERS["feishu"]().send(message(fake.url, markdown, **settings)))
    received = fake.last
    document = {key: value for key, value in received.json.items() if key not in ("timestamp", "sign")}
    if document["msg_type"] == "post":
        post = document["content"]["post"]["zh_cn"]
        text = post_text(post["title"], post["content"])
    elif document["msg_type"] == "interactive":
        text = document["card"]["elements"][0]["text"]["content"]
    else:
        text = document["content"]["text"]
    return Arrival(settings, [document], text, len(received.body))


def through_dingtalk(markdown: str, settings: dict, request) -> Arrival:
    settings = {**settings, "secret": "SECdingsecret"}
    with FakeDingTalk(secret="SECdingsecret") as fake:
        delivered(ADAPTERS["dingtalk"]().send(message(fake.url, markdown, **settings)))
    received = fake.last
    document = received.json
    kind = document["msgtype"]
    text = document["text"]["content"] if kind == "text" else document[kind]["text"]
    return Arrival(settings, [document], text, len(received.body))


def through_slack(markdown: str, settings: dict, request) -> Arrival:
    with FakeSlack() as fake:
        delivered(ADAPTERS["slack"]().send(message(fake.url, markdown, **settings)))
    document = fake.last.json
    return Arrival(settings, [document], document["text"], len(document["text"]))


def through_telegram(markdown: str, settings: dict, request) -> Arrival:
    with FakeTelegram() as fake:
        settings = {**settings, "bot_token": fake.token, "api_base": fake.base}
        delivered(ADAPTERS["telegram"]().send(message(fake.chats[0], markdown, **settings)))
    document = {key: value for key, value in fake.last.json.items() if key != "chat_id"}
    return Arrival(settings, [document], document["text"], utf16_len(fake.visible[-1]))


def through_webhook(markdown: str, settings: dict, request) -> Arrival:
    settings = {**settings, "secret": "partner-secret"}
    with FakeWebhook(secret="partner-secret") as fake:
        delivered(ADAPTERS["webhook"]().send(message(fake.url, markdown, **settings)))
    envelope = ("delivery_key", "post_id", "channel", "due_at")
    document = {key: value for key, value in fake.last.json.items() if key not in envelope}
    return Arrival(settings, [document], document["text"], len(document["markdown"]))


def through_sandbox(markdown: str, settings: dict, request) -> Arrival:
    app = request.getfixturevalue("app")
    request.getfixturevalue("demo_brand")
    with app.app_context():
        from studio.extensions import db
        from studio.models import Channel, SandboxMessage

        channel_id = db.session.scalar(db.select(Channel.id).where(Channel.slug == "sandbox-main"))
        outgoing = replace(message("体验群", markdown, **settings), channel_id=channel_id)
        delivered(ADAPTERS["sandbox"]().send(outgoing))
        [stored] = db.session.scalars(db.select(SandboxMessage)).all()
    # The chat shows the stored markdown as HTML: a reader sees its plain text.
    return Arrival(settings, [{"body": stored.body}], to_plain_text(stored.body), len(stored.body))


def delivered(result) -> None:
    assert result.outcome == "sent", result.detail


CASES = [
    ("wecom", {}, through_wecom),
    ("wecom", {"format": "text"}, through_wecom),
    ("wecom", {"format": "news", "url": "https://shop.example.com/a"}, through_wecom),
    ("feishu", {}, through_feishu),
    ("feishu", {"format": "text"}, through_feishu),
    ("feishu", {"format": "interactive", "card_color": "green"}, through_feishu),
    ("dingtalk", {}, through_dingtalk),
    ("dingtalk", {"format": "text"}, through_dingtalk),
    ("dingtalk", {"format": "actionCard", "url": "https://shop.example.com/a"}, through_dingtalk),
    ("slack", {}, through_slack),
    ("telegram", {}, through_telegram),
    ("webhook", {}, through_webhook),
    ("sandbox", {}, through_sandbox),
]


def test_every_adapter_type_is_covered():
    assert {kind for kind, _settings, _send in CASES} == set(ADAPTERS)


@pytest.mark.parametrize("kind, settings, send", CASES,
                         ids=[f"{kind}-{settings.get('format', 'default')}" for kind, settings, _ in CASES])
def test_the_preview_shows_what_a_send_delivers(kind, settings, send, request):
    # The send gets the body as distribution builds it: mass mentions defused first.
    arrival = send(defuse_mass_mentions(POST), settings, request)
    channel = SimpleNamespace(slug="group", name="群", type=kind, settings=arrival.settings)

    preview = preview_for_channel(channel, POST)
    rendering = ADAPTERS[kind]().render(defuse_mass_mentions(POST), arrival.settings)

    assert preview.fits, preview.problem
    assert preview.text == rendering.text == arrival.text
    assert preview.length == rendering.size == arrival.size
    assert list(rendering.documents) == arrival.documents
    assert "@所有人" not in arrival.text and "＠所有人" in arrival.text
    assert "白牡丹2024" in arrival.text and LINK in arrival.text


HIDDEN_MENTIONS = "今晚8点品鉴 &#64;所有人 &#x40;all &commat;全体成员 @\u200b所有人 @**所有人** @ａｌｌ 不见不散"
_SHOWN_MENTION = re.compile(r"@\s*(?:所有人|全体成员|all)", re.IGNORECASE)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def as_read(received: str) -> str:
    """A platform's text as its reader sees it: references decoded, invisible characters gone, full-width
    letters read as ASCII (the full-width ＠ stays: it pings nobody)."""
    text = html.unescape(received).translate(_INVISIBLE).replace("**", "")
    return "".join(chr(ord(c) - 0xFEE0) if "ａ" <= c <= "ｚ" or "Ａ" <= c <= "Ｚ" else c for c in text)


@pytest.mark.parametrize("kind, settings, send", CASES,
                         ids=[f"{kind}-{settings.get('format', 'default')}" for kind, settings, _ in CASES])
def test_mentions_hidden_in_references_or_look_alikes_ping_nobody(kind, settings, send, request):
    arrival = send(defuse_mass_mentions(HIDDEN_MENTIONS), settings, request)

    received = json.dumps(arrival.documents, ensure_ascii=False) + arrival.text
    assert not _SHOWN_MENTION.search(as_read(received)), received
    assert "品鉴" in arrival.text and "＠" in arrival.text
