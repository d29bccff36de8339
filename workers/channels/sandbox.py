"""A group chat inside the studio, so a trial user sees posts arrive without any bot."""
from __future__ import annotations

from workers.channels.base import ChannelAdapter, OutgoingMessage, SendResult


class SandboxAdapter(ChannelAdapter):
    type = "sandbox"
    max_chars = 4000

    def send(self, message: OutgoingMessage) -> SendResult:
        from studio.services.sandbox import receive_message

        receive_message(channel_id=message.channel_id, delivery_key=message.delivery_key,
                        sender=message.sender, body=message.markdown)
        return SendResult("sent", "已投递到沙盒群")
