"""Channel requests reach public http(s) addresses only, connect to the address that was checked, and never
follow a redirect. The guard's refusals are checked on loopback fakes (which must receive nothing) and, for
other ranges, on the address check alone, so no test sends anything off this machine."""
from __future__ import annotations

import ipaddress
import socket

import pytest

from studio.channels.dingtalk import DingTalkAdapter
from studio.channels.feishu import FeishuAdapter
from studio.channels.outbound import TargetRefused, address_kind, check_destination
from studio.channels.slack import SlackAdapter
from studio.channels.telegram import TelegramAdapter
from studio.channels.webhook import WebhookAdapter
from studio.channels.wecom import WeComAdapter
from tests.channels.fakes import (Canned, FakeDingTalk, FakeFeishu, FakeSlack, FakeTelegram, FakeWebhook,
                                  FakeWeCom, message)

pytestmark = pytest.mark.hostile  # the hostile-input suite: pytest -m hostile

POST = "# 春茶上新\n\n今年的**明前龙井**到了。"


@pytest.fixture
def guard_on(monkeypatch):
    """Outside an app the guard follows the environment: here, private targets are not allowed."""
    monkeypatch.setenv("STUDIO_ALLOW_PRIVATE_TARGETS", "0")


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "本机回环地址"), ("127.8.9.10", "本机回环地址"), ("::1", "本机回环地址"),
    ("10.1.2.3", "内网地址"), ("172.16.0.5", "内网地址"), ("192.168.1.1", "内网地址"),
    ("fc00::1", "内网地址"), ("fd12:3456::1", "内网地址"),
    ("169.254.169.254", "云服务器元数据地址"), ("fd00:ec2::254", "云服务器元数据地址"),
    ("169.254.1.1", "链路本地地址"), ("fe80::1", "链路本地地址"),
    ("224.0.0.1", "组播地址"), ("ff02::1", "组播地址"),
    ("0.0.0.0", "未指定地址"), ("::", "未指定地址"),
    ("240.0.0.1", "保留地址"), ("100.64.0.1", "非公网地址"),
    ("::ffff:127.0.0.1", "本机回环地址"), ("::ffff:10.0.0.1", "内网地址"),
    ("::ffff:169.254.169.254", "云服务器元数据地址"), ("2002:7f00:1::", "本机回环地址"),
    ("64:ff9b::a9fe:a9fe", "云服务器元数据地址"),
])
def test_non_public_addresses_are_named_for_what_they_are(address, kind):
    assert address_kind(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize("address", ["8.8.8.8", "203.0.114.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert address_kind(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("url, named", [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    ("http://[::ffff:127.0.0.1]:8080/hook", "::ffff:127.0.0.1"),
    ("https://10.0.0.8/hook", "10.0.0.8"),
    ("http://[fe80::1]/hook", "fe80::1"),
    ("http://localhost:9/hook", "localhost"),
    ("http://2130706433:9/hook", "2130706433（解析为 127.0.0.1）"),
    ("http://0x7f.1:9/hook", "0x7f.1（解析为 127.0.0.1）"),
    ("http://[fe80::1%25eth0]/hook", "fe80::1%25eth0 是链路本地地址"),
])
def test_refusal_names_the_target_host(url, named):
    with pytest.raises(TargetRefused) as refused:
        check_destination(url, allow_private=False)
    assert named in str(refused.value) and "公网" in str(refused.value)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://files.example.com/x", "gopher://x/", "//x/y",
                                 "http:///nohost", "http://[::1/x"])
def test_only_http_and_https_urls_with_a_host_are_accepted(url):
    with pytest.raises(TargetRefused):
        check_destination(url, allow_private=True)


def test_allowing_private_targets_still_refuses_metadata_and_link_local():
    assert check_destination("http://127.0.0.1:9/hook", allow_private=True).address == ipaddress.ip_address(
        "127.0.0.1")
    assert check_destination("http://10.0.0.8/hook", allow_private=True)
    for url in ("http://169.254.169.254/", "http://[fe80::1]/", "http://0.0.0.0:9/", "http://224.0.0.1/"):
        with pytest.raises(TargetRefused):
            check_destination(url, allow_private=True)


def test_a_name_with_any_private_address_among_its_answers_is_refused(monkeypatch):
    def lookup(host, port, *args, **kwargs):
        assert host == "bot.example.test"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    with pytest.raises(TargetRefused) as refused:
        check_destination("https://bot.example.test/hook", allow_private=False)
    assert "bot.example.test（解析为 10.0.0.7）" in str(refused.value)


def test_the_request_connects_to_the_address_checked_without_a_second_lookup(monkeypatch):
    real_lookup = socket.getaddrinfo
    lookups = []

    def rebinding_lookup(host, *args, **kwargs):
        if host == "hook.example.test":
            lookups.append(host)
            # The first answer is checked; a rebinding server would answer differently the second time.
            address = "127.0.0.1" if len(lookups) == 1 else "10.9.9.9"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, args[0] if args else 0))]
        return real_lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_lookup)
    with FakeWebhook() as fake:
        url = fake.url.replace("127.0.0.1", "hook.example.test")
        result = WebhookAdapter().send(message(url, POST, secret=fake.secret))

    assert result.outcome == "sent", result.detail
    assert lookups == ["hook.example.test"]
    assert fake.last.headers["Host"] == url.split("/")[2]


def _fakes():
    """Each adapter with a loopback fake of its platform and the settings that would make it send."""
    return [
        (WebhookAdapter, FakeWebhook, lambda f: (f.url, {"secret": f.secret})),
        (WeComAdapter, FakeWeCom, lambda f: (f.url, {})),
        (FeishuAdapter, FakeFeishu, lambda f: (f.url, {"secret": f.secret})),
        (DingTalkAdapter, FakeDingTalk, lambda f: (f.url, {"secret": f.secret})),
        (SlackAdapter, FakeSlack, lambda f: (f.url, {})),
        (TelegramAdapter, FakeTelegram, lambda f: ("-1001234567890", {"bot_token": f.token, "api_base": f.base})),
    ]


@pytest.mark.parametrize("adapter, fake_class, target", _fakes(), ids=lambda v: getattr(v, "__name__", ""))
def test_every_adapter_refuses_a_loopback_target_and_sends_nothing(guard_on, adapter, fake_class, target):
    with fake_class() as fake:
        where, settings = target(fake)
        result = adapter().send(message(where, POST, **settings))
        problems = adapter().setup_problems(where, settings)

    assert result.outcome == "permanent"
    assert "127.0.0.1 是本机回环地址" in result.detail
    assert problems == [result.detail]
    assert fake.requests == []


@pytest.mark.parametrize("adapter, fake_class, target", _fakes(), ids=lambda v: getattr(v, "__name__", ""))
def test_every_adapter_reports_a_redirect_and_never_follows_it(adapter, fake_class, target):
    with fake_class() as fake, FakeWebhook() as elsewhere:
        # The body looks like success to every platform: only the status says it is a redirect.
        fake.answer(Canned(302, {"ok": True, "errcode": 0, "code": 0, "errmsg": "ok"},
                           headers={"Location": elsewhere.url}))
        where, settings = target(fake)
        result = adapter().send(message(where, POST, **settings))

    assert result.outcome == "permanent"
    assert "跳转" in result.detail and "未跟随" in result.detail
    assert len(fake.requests) == 1
    assert elsewhere.requests == []


def test_an_unresolvable_name_is_transient_and_sends_nothing(monkeypatch):
    def no_answer(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_answer)
    result = WebhookAdapter().send(message("https://nowhere.example.test/hook", POST))

    assert result.outcome == "transient"
    assert "nowhere.example.test" in result.detail
