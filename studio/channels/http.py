"""POST a JSON document to a chat platform and sort what went wrong the same way webhook.py does.

Before the request left (refused, DNS, connect timeout): transient, safe to resend.
After it left (read timeout, connection dropped, half-read answer): unknown, never resent automatically.
A target that is not a public http(s) address is refused before anything leaves (see outbound.py), and a
redirect is never followed: it ends the send as a permanent failure.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter

from studio.channels.base import SendResult
from studio.channels.outbound import Destination, TargetRefused, TargetUnresolved, check_destination

CONNECT_TIMEOUT_S = 5
READ_TIMEOUT_S = 15
USER_AGENT = "community-content-studio"
EXCERPT_CHARS = 200  # of an answer's body quoted in a result: enough to read an error, never a whole page


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of an answer's text on one line, cut to the limit."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


@dataclass(frozen=True)
class Reply:
    status: int
    text: str
    headers: Mapping[str, str]
    data: dict | None  # the JSON object answered, if any

    @property
    def summary(self) -> str:
        return f"HTTP {self.status} {excerpt(self.text)}"

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


class PinnedAdapter(HTTPAdapter):
    """Connects to the checked address while TLS still verifies the certificate of the name as written."""

    def __init__(self, hostname: str):
        self.hostname = hostname
        super().__init__(max_retries=0)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = self.hostname
            pool_kwargs["assert_hostname"] = self.hostname
        return host_params, pool_kwargs


def _post_pinned(destination: Destination, body: bytes, headers: dict) -> requests.Response:
    with requests.Session() as session:
        adapter = PinnedAdapter(destination.hostname)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session.post(destination.pinned_url, data=body, headers={**headers, "Host": destination.host_header},
                            timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S), allow_redirects=False)


def post_json(url: str, document: dict | bytes, headers: dict | None = None) -> Reply | SendResult:
    """Send once. A Reply when the platform answered; a SendResult when no answer came or it redirected."""
    try:
        destination = check_destination(url)
    except TargetRefused as exc:
        return SendResult("permanent", str(exc))
    except TargetUnresolved as exc:
        return SendResult("transient", str(exc))
    body = document if isinstance(document, bytes) else encode_json(document)
    all_headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
                   **(headers or {})}
    try:
        response = _post_pinned(destination, body, all_headers)
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
    if response.is_redirect or 300 <= response.status_code < 400:
        # A platform does not redirect its webhook; following could lead anywhere, so it is reported instead.
        return SendResult("permanent", f"HTTP {response.status_code}：渠道地址发生跳转，未跟随，"
                                       f"请检查 webhook 地址")
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
