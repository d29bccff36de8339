"""Channel adapters: one module per platform behind one send() contract, found by channel type."""
from __future__ import annotations

from workers.channels.base import ChannelAdapter, OutgoingMessage, SendResult
from workers.channels.dingtalk import DingTalkAdapter
from workers.channels.feishu import FeishuAdapter
from workers.channels.sandbox import SandboxAdapter
from workers.channels.slack import SlackAdapter
from workers.channels.telegram import TelegramAdapter
from workers.channels.webhook import WebhookAdapter
from workers.channels.wecom import WeComAdapter

ADAPTERS: dict[str, type[ChannelAdapter]] = {
    adapter.type: adapter for adapter in (SandboxAdapter, WebhookAdapter, WeComAdapter, FeishuAdapter,
                                          DingTalkAdapter, SlackAdapter, TelegramAdapter)
}


def get_adapter(channel_type: str) -> ChannelAdapter:
    try:
        return ADAPTERS[channel_type]()
    except KeyError:
        raise ValueError(f"不支持的渠道类型 {channel_type!r}；可用：{', '.join(sorted(ADAPTERS))}") from None


__all__ = ["ADAPTERS", "ChannelAdapter", "OutgoingMessage", "SendResult", "get_adapter"]
