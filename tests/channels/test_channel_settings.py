"""Adapters declare the settings they read, and the channel page hides the secret ones by declaration."""
from __future__ import annotations

import inspect
import re
from types import SimpleNamespace

import pytest

from studio.channels import ADAPTERS, ChannelAdapter, Setting
from studio.channels.probe import MASK, visible_settings

SETTING_READ = re.compile(r"settings(?:\.get\(|\[)\"(\w+)\"")


@pytest.mark.parametrize("channel_type", sorted(ADAPTERS))
def test_every_setting_an_adapter_module_reads_is_declared(channel_type):
    adapter = ADAPTERS[channel_type]
    read = set(SETTING_READ.findall(inspect.getsource(inspect.getmodule(adapter))))

    assert read <= set(adapter.declared_settings())


def test_credentials_are_declared_secret_and_formatting_choices_are_not():
    secrets = {(kind, key) for kind, adapter in ADAPTERS.items()
               for key, setting in adapter.declared_settings().items() if setting.secret}

    assert secrets == {("feishu", "secret"), ("dingtalk", "secret"), ("webhook", "secret"),
                       ("telegram", "bot_token")}
    assert ADAPTERS["telegram"].declared_settings()["rate_limits"] == Setting("rate_limits")


def channel(kind: str, **settings) -> SimpleNamespace:
    return SimpleNamespace(type=kind, settings=settings)


def test_declared_secrets_are_masked_and_the_rest_shown():
    shown = visible_settings(channel("telegram", bot_token="123:abc", api_base="https://tg.example.com",
                                     rate_limits=[[20, 60]]))

    assert shown == {"bot_token": MASK, "api_base": "https://tg.example.com", "rate_limits": [[20, 60]]}


def test_a_declaration_decides_before_the_key_name(monkeypatch):
    class KeywordBot(ChannelAdapter):
        type = "keyword-bot"
        settings_read = (Setting("keywords"), Setting("group_code", secret=True))

    monkeypatch.setitem(ADAPTERS, KeywordBot.type, KeywordBot)

    shown = visible_settings(channel("keyword-bot", keywords=["茶韵"], group_code="8812"))

    assert shown == {"keywords": ["茶韵"], "group_code": MASK}


def test_undeclared_keys_are_masked_when_any_adapter_or_their_name_says_secret():
    shown = visible_settings(channel("wecom", bot_token="123:abc", api_password="p", note="周五发", format="text"))

    assert shown == {"bot_token": MASK, "api_password": MASK, "note": "周五发", "format": "text"}


def test_a_channel_of_an_unknown_type_still_hides_secret_looking_keys():
    assert visible_settings(channel("pager", token="t", color="red")) == {"token": MASK, "color": "red"}
