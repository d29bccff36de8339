"""Where channel requests may go: http(s) to public addresses, unless the studio allows private ones.

A webhook URL or a bot's api_base is typed by a person, so it could name the studio's own machine, the
office network or a cloud metadata service. Each name is resolved once, every address it resolves to is
checked, and the request then connects to the checked address, so a second lookup cannot swap in another.
"""
from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from flask import current_app, has_app_context

from studio.config import env_flag

ALLOW_PRIVATE_KEY = "STUDIO_ALLOW_PRIVATE_TARGETS"
METADATA_ADDRESSES = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")
# Kinds that STUDIO_ALLOW_PRIVATE_TARGETS lets through (a bot on this machine or the office network);
# link-local (metadata), multicast, unspecified and reserved addresses are never a chat platform.
PRIVATE_KINDS = {"本机回环地址", "内网地址", "非公网地址"}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(ValueError):
    """The target is not an http(s) URL of a public address; nothing was sent."""


class TargetUnresolved(ValueError):
    """The target's name did not resolve; nothing was sent, and a later try may succeed."""


@dataclass(frozen=True)
class Destination:
    """A checked URL and the address its request connects to."""

    url: str
    hostname: str
    address: Address

    @property
    def pinned_url(self) -> str:
        """The URL with its host replaced by the checked address (credentials and port kept)."""
        parts = urlsplit(self.url)
        userinfo, _, _ = parts.netloc.rpartition("@")
        host = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        netloc = (f"{userinfo}@" if userinfo else "") + host + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))

    @property
    def host_header(self) -> str:
        """What the Host header says: the name as written, never the credentials before it."""
        return urlsplit(self.url).netloc.rpartition("@")[2]


def private_targets_allowed() -> bool:
    """STUDIO_ALLOW_PRIVATE_TARGETS of the running app; outside an app, the environment's."""
    if has_app_context():
        return bool(current_app.config.get(ALLOW_PRIVATE_KEY, False))
    return env_flag(os.environ, ALLOW_PRIVATE_KEY)


def address_kind(address: Address) -> str | None:
    """Why a chat platform cannot be at this address (a short Chinese name), or None for a public one."""
    if address.version == 6:
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in NAT64_PREFIX:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:  # an IPv4 address in IPv6 clothing is what it carries
            return address_kind(embedded)
    if address in METADATA_ADDRESSES:
        return "云服务器元数据地址"
    if address.is_unspecified:
        return "未指定地址"
    if address.is_loopback:
        return "本机回环地址"
    if address.is_link_local:
        return "链路本地地址"
    if address.is_multicast:
        return "组播地址"
    if address.is_reserved:
        return "保留地址"
    if address.is_private:
        return "内网地址"
    if not address.is_global:
        return "非公网地址"
    return None


def _is_address(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True


def _resolve(hostname: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(hostname)]
    except ValueError:
        pass
    try:
        answers = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TargetUnresolved(f"无法解析渠道地址 {hostname}（请求未发出）") from exc
    addresses = []
    for *_, sockaddr in answers:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise TargetUnresolved(f"无法解析渠道地址 {hostname}（请求未发出）")
    return addresses


def check_destination(url: str, *, allow_private: bool | None = None) -> Destination:
    """The URL's checked address, or TargetRefused / TargetUnresolved saying why it cannot be used."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("渠道地址无效，请检查 webhook 地址") from None
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("渠道地址必须以 http:// 或 https:// 开头")
    hostname = (parts.hostname or "").rstrip(".")
    if not hostname:
        raise TargetRefused("渠道地址缺少主机名，请检查 webhook 地址")
    if allow_private is None:
        allow_private = private_targets_allowed()
    addresses = _resolve(hostname, port)
    for address in addresses:
        kind = address_kind(address)
        if kind and not (allow_private and kind in PRIVATE_KINDS):
            named = hostname if _is_address(hostname) else f"{hostname}（解析为 {address}）"
            raise TargetRefused(f"渠道地址 {named} 是{kind}，已拒绝发送：渠道只能发往公网地址")
    return Destination(url.strip(), hostname, addresses[0])


def target_problem(url: str) -> str | None:
    """Why a channel's URL cannot be sent to, for showing when the channel is saved; None when it can."""
    try:
        check_destination(url)
    except (TargetRefused, TargetUnresolved) as exc:
        return str(exc)
    return None
