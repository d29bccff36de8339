"""POST a JSON document to a chat platform and sort what went wrong the same way webhook.py does.

Before the request left (refused, DNS, connect timeout): transient, safe to resend.
After it left (read timeout, connection dropped, half-read answer): unknown, never resent automatically.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import requests

from studio.channels.base import SendResult

CONNECT_TIMEOUT_S = 5
READ_TIMEOUT_S = 15
USER_AGENT = "community-content-studio"


@dataclass(frozen=True)
class Reply:
    status: int
    text: str
    headers: Mapping[str, str]
    data: dict | None  # the JSON object answered, if any

    @property
    def summary(self) -> str:
        return f"HTTP {self.status} {self.text[:300]}"

    @property
    def retry_after(self) -> float | None:
        return retry_after_header(self.headers)


def encode_json(document: dict) -> bytes:
    """Compact UTF-8 JSON: Chinese text stays 3 bytes a character instead of a 6-byte \\u escape."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def retry_after_header(headers) -> float | None:
    raw = (headers.get("Retry-After") or "").strip()
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def resolve_target(target: str, prefix: str) -> str | None:
    """A full http(s) URL as given, or a bare key/token/hook id appended to the platform's prefix."""
    target = (target or "").strip()
    if target.startswith(("http://", "https://")):
        return target
    if not target or any(c in target for c in ":/?&# "):
        return None
    return prefix + quote(target, safe="")


def post_json(url: str, document: dict | bytes, headers: dict | None = None) -> Reply | SendResult:
    """Send once. A Reply when the platform answered; a SendResult when no answer came."""
    body = document if isinstance(document, bytes) else encode_json(document)
    all_headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
                   **(headers or {})}
    try:
        response = requests.post(url, data=body, headers=all_headers,
                                 timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S), allow_redirects=False)
    except (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema,
            requests.exceptions.InvalidURL, requests.exceptions.InvalidHeader):
        return SendResult("permanent", "渠道地址无效，请检查 webhook 地址")
    except requests.exceptions.ConnectTimeout:
        return SendResult("transient", "连接超时（请求未发出）")
    except requests.exceptions.ReadTimeout:
        return SendResult("unknown", "等待回应超时：对方可能已收到")
    except requests.exceptions.ConnectionError as exc:
        text = str(exc)
        if "Read timed out" in text:
            return SendResult("unknown", "等待回应超时：对方可能已收到")
        if "RemoteDisconnected" in text or "Connection aborted" in text:
            return SendResult("unknown", "连接在发送后中断：对方可能已收到")
        return SendResult("transient", "无法连接（请求未发出）")
    except requests.exceptions.Timeout:
        return SendResult("unknown", "等待回应超时：对方可能已收到")
    except requests.exceptions.RequestException as exc:  # e.g. a half-read chunked answer
        return SendResult("unknown", f"回应读取失败（{type(exc).__name__}）：对方可能已收到")
    try:
        data = response.json()
    except ValueError:
        data = None
    return Reply(response.status_code, response.text, response.headers,  # case-insensitive
                 data if isinstance(data, dict) else None)


def classify_http(reply: Reply) -> SendResult:
    """For answers without a platform error code: 2xx sent, 429/5xx transient, other statuses permanent."""
    if 200 <= reply.status < 300:
        return SendResult("sent", reply.summary)
    if reply.status == 429 or reply.status >= 500:
        return SendResult("transient", reply.summary, reply.retry_after)
    if 300 <= reply.status < 400:
        return SendResult("permanent", f"{reply.summary}（渠道地址发生跳转，请检查 webhook 地址）")
    return SendResult("permanent", reply.summary)


def classify_coded(reply: Reply, code, *, ok_codes=(0,), transient: dict | None = None,
                   permanent_hints: dict | None = None, default_retry_after: dict | None = None,
                   platform: str = "") -> SendResult:
    """For JSON APIs that answer {code, msg}: the code decides; HTTP status decides when the code is missing.

    transient maps code → a short Chinese reason; permanent_hints maps code → advice for the operator.
    """
    transient = transient or {}
    permanent_hints = permanent_hints or {}
    if reply.status == 429 or reply.status >= 500:
        retry = reply.retry_after
        if retry is None and code in transient:
            retry = (default_retry_after or {}).get(code)
        return SendResult("transient", reply.summary, retry)
    if code is None:
        if 200 <= reply.status < 300:
            # Someone answered 2xx but not in the platform's shape (a proxy?): it may have been delivered.
            return SendResult("unknown", f"{platform}回应无法识别，消息可能已送达：{reply.summary}")
        return classify_http(reply)
    if code in ok_codes:
        return SendResult("sent", reply.summary)
    if code in transient:
        retry = reply.retry_after
        if retry is None:
            retry = (default_retry_after or {}).get(code)
        return SendResult("transient", f"{platform}{transient[code]}（{code}）：{reply.summary}", retry)
    hint = permanent_hints.get(code)
    return SendResult("permanent", f"{platform}{hint}（{code}）：{reply.summary}" if hint else
                      f"{platform}拒绝发送（{code}）：{reply.summary}")
