"""Slack incoming webhook.

POST {"text": <mrkdwn>} to the https://hooks.slack.com/services/... URL (the URL is the credential).
Markdown becomes mrkdwn: **bold** → *bold*, *italic* → _italic_, [text](url) → <url|text>, headings →
bold lines, & < > escaped (so no <!channel> can be smuggled in). Slack truncates text beyond 40000
characters, so longer posts are refused.

Slack answers 200 "ok"; 429 (with Retry-After) and 5xx are transient; other 4xx answers name the
problem in the body (invalid_payload, no_text, invalid_token, no_service, channel_not_found,
channel_is_archived, action_prohibited …) and are permanent.
"""
from __future__ import annotations

from studio.channels.base import ChannelAdapter, OutgoingMessage, Rendering, SendResult
from studio.channels.blocks import parse_blocks
from studio.channels.dialects import SlackMrkdwn, render_blocks
from studio.channels.http import Reply, classify_http, post_json

TEXT_LIMIT_CHARS = 40000

HINTS = {"invalid_payload": "消息格式无效", "no_text": "消息没有正文", "invalid_token": "webhook 地址无效",
         "no_service": "webhook 已被停用或删除", "no_team": "Slack 工作区不存在",
         "channel_not_found": "频道不存在", "channel_is_archived": "频道已归档",
         "action_prohibited": "管理员禁止此 webhook 发送", "team_disabled": "Slack 工作区已停用",
         "posting_to_general_channel_denied": "无权向 #general 发送"}


class SlackAdapter(ChannelAdapter):
    type = "slack"
    label = "Slack"

    def render(self, markdown: str, settings: dict) -> Rendering:
        text = render_blocks(parse_blocks(markdown), SlackMrkdwn())
        if not text.strip():
            problem = "正文为空"
        elif len(text) > TEXT_LIMIT_CHARS:
            problem = f"Slack 消息超过 {TEXT_LIMIT_CHARS} 字（当前 {len(text)}）"
        else:
            problem = ""
        return Rendering("mrkdwn", text, ({"text": text},), len(text), TEXT_LIMIT_CHARS, "字", problem)

    def endpoint(self, target: str, settings: dict) -> str:
        return (target or "").strip()

    def deliver(self, message: OutgoingMessage, rendering: Rendering) -> SendResult:
        reply = post_json(message.target, rendering.documents[0])
        if isinstance(reply, SendResult):
            return reply
        return classify(reply)


def classify(reply: Reply) -> SendResult:
    result = classify_http(reply)
    if result.outcome == "permanent":
        hint = HINTS.get(reply.text.strip())
        if hint:
            return SendResult("permanent", f"Slack {hint}：{reply.summary}")
    return result
