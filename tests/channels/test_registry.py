"""Each channel adapter is registered under its channel type."""
import pytest

from studio.channels import ADAPTERS
from studio.channels.dingtalk import DingTalkAdapter
from studio.channels.feishu import FeishuAdapter
from studio.channels.slack import SlackAdapter
from studio.channels.telegram import TelegramAdapter
from studio.channels.wecom import WeComAdapter


@pytest.mark.parametrize("channel_type, adapter", [
    ("dingtalk", DingTalkAdapter),
    ("feishu", FeishuAdapter),
    ("slack", SlackAdapter),
    ("telegram", TelegramAdapter),
    ("wecom", WeComAdapter),
])
def test_each_adapter_is_registered_under_its_type(channel_type, adapter):
    assert ADAPTERS[channel_type] is adapter
