"""Channel adapters: one module per platform behind one render()/send() contract, found by channel type."""
from __future__ import annotations

from studio.channels.base import ChannelAdapter, OutgoingMessage, Rendering, SendResult, Setting
from studio.channels.dingtalk import DingTalkAdapter
from studio.channels.feishu import FeishuAdapter
from studio.channels.sandbox import SandboxAdapter
from studio.channels.slack import SlackAdapter
from studio.channels.telegram import TelegramAdapter
from studio.channels.webhook import WebhookAdapter
from studio.channels.wecom import WeComAdapter

ADAPTERS: dict[str, type[ChannelAdapter]] = {
    adapter.type: adapter for adapter in (SandboxAdapter, WebhookAdapter, WeComAdapter, FeishuAdapter,
                                          DingTalkAdapter, SlackAdapter, TelegramAdapter)
}


def get_adapter(channel_type: str) -> ChannelAdapter:
    try:
        return ADAPTERS[channel_type]()
    except KeyError:
        raise ValueError(f"不支持的渠道类型 {channel_type!r}；可用：{', '.join(sorted(ADAPTERS))}") from None


__all__ = ["ADAPTERS", "ChannelAdapter", "OutgoingMessage", "Rendering", "SendResult", "Setting",
           "get_adapter"]
