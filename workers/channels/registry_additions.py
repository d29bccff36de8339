"""Chat-platform adapters for the owner to merge into workers.channels.ADAPTERS."""
from __future__ import annotations

from workers.channels.dingtalk import DingTalkAdapter
from workers.channels.feishu import FeishuAdapter
from workers.channels.slack import SlackAdapter
from workers.channels.telegram import TelegramAdapter
from workers.channels.wecom import WeComAdapter

EXTRA_ADAPTERS = {cls.type: cls for cls in (WeComAdapter, FeishuAdapter, DingTalkAdapter, SlackAdapter,
                                            TelegramAdapter)}
