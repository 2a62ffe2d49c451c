"""Where a webhook may send: never into the server's own networks (issue 16). The one place that decides,
used when a hook is registered or its URL changed (validation.py) and again before every attempt
(sender.py), so a name that later resolves inward is refused too.

The decision is made on the addresses the host name resolves to, every one of which must be allowed, and the
connection then goes to the address that was checked (the URL's host kept in the Host header, and as the
TLS server name): a name cannot resolve outward for the check and inward for the connection (DNS rebinding).
An operator lets an internal network through with WEBHOOK_ALLOWED_NETWORKS.
"""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from src.services.errors import ErrorCode
from src.settings import IPNetwork, Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# A resolver: the addresses (text, as getaddrinfo gives them) a host name has; raises OSError when it has
# none. Injectable so a test decides what a name resolves to.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

REFUSED_MESSAGE = "不允许发送到内网、回环或链路本地地址"
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # the well-known prefix: the IPv4 address is the last 32 bits
SHARED = ipaddress.IPv4Network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598); not "private" in ipaddress
PRIVATE = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10")
)
DEFAULT_PORTS = {"http": 80, "https": 443}


class TargetRefused(Exception):
    """The URL's host may not be sent to (ADDRESS_NOT_ALLOWED) or has no address (ADDRESS_UNRESOLVED)."""

    def __init__(self, message: str, code: ErrorCode) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


async def system_resolver(host: str, port: int) -> list[str]:
    """The system's resolver, off the event loop (getaddrinfo runs in the loop's thread pool)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class TargetRules:
    allowed: tuple[IPNetwork, ...] = ()
    resolver: Resolver = system_resolver
    # A name not resolved this fast counts as unresolved (at delivery, the attempt's time limit covers both).
    resolve_timeout: float = 5.0

    @classmethod
    def from_settings(cls, settings: Settings, resolver: Resolver | None = None) -> "TargetRules":
        return cls(
            allowed=settings.webhook_allowed_networks(),
            resolver=resolver or system_resolver,
            resolve_timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        )


@dataclass(frozen=True)
class Target:
    """A URL whose every address was allowed, and the one of them the request goes to."""

    url: httpx.URL
    address: IPAddress
    pinned: bool  # the URL names a host: send to `address`, with that name as Host and TLS server name

    def request_url(self) -> httpx.URL:
        return self.url.copy_with(host=str(self.address)) if self.pinned else self.url

    def headers(self) -> dict[str, str]:
        return {"Host": self.url.netloc.decode("ascii")} if self.pinned else {}

    def extensions(self) -> dict[str, Any]:
        # httpcore verifies the certificate against the server name it sends: the URL's host, not the address.
        if self.pinned and self.url.scheme == "https":
            return {"sni_hostname": self.url.raw_host.decode("ascii")}
        return {}


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form stands for: IPv4-mapped (::ffff:a.b.c.d), NAT64, 6to4."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def _kind(address: IPAddress) -> str | None:
    """What makes the address internal, in words; None for a public unicast address."""
    if address.is_unspecified:
        return "未指定地址"
    if address.is_loopback:
        return "回环地址"
    if address.is_link_local:
        return "链路本地地址"
    if address in SHARED:
        return "运营商级共享地址"
    if address.is_multicast:
        return "组播地址"
    if any(address in network for network in PRIVATE):
        return "内网地址"
    if address.is_reserved or not address.is_global:
        return "保留或特殊用途地址"
    return None


def address_problem(address: IPAddress, allowed: Sequence[IPNetwork] = ()) -> str | None:
    """Why the address may not be sent to ("属于回环地址", "即 127.0.0.1，属于回环地址"), or None when it
    may: it is public, or in an allowed network."""
    embedded = _embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else None
    if any(a in network for a in (address, embedded) if a is not None for network in allowed):
        return None
    kind = _kind(embedded if embedded is not None else address)
    if kind is None:
        return None
    return f"即 {embedded}，属于{kind}" if embedded is not None else f"属于{kind}"


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


async def _resolve(host: str, port: int, rules: TargetRules) -> list[IPAddress]:
    unresolved = f"地址无法解析：主机名 {host} 未能解析为 IP 地址"
    try:
        async with asyncio.timeout(rules.resolve_timeout):
            found = await rules.resolver(host, port)
        addresses = [ipaddress.ip_address(text.split("%", 1)[0]) for text in found]  # without a zone
    except TimeoutError:
        raise TargetRefused(
            f"地址无法解析：{rules.resolve_timeout:g} 秒内未能解析主机名 {host}", ErrorCode.ADDRESS_UNRESOLVED
        ) from None
    except (OSError, ValueError, UnicodeError):
        raise TargetRefused(unresolved, ErrorCode.ADDRESS_UNRESOLVED) from None
    if not addresses:
        raise TargetRefused(unresolved, ErrorCode.ADDRESS_UNRESOLVED)
    return addresses


async def check_target(url: str, rules: TargetRules) -> Target:
    """The URL's target, if every address its host has is allowed; raises TargetRefused otherwise. The URL
    is one validation.url_problem accepted."""
    parsed = httpx.URL(url)
    host = parsed.raw_host.decode("ascii")
    literal = _literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        port = parsed.port or DEFAULT_PORTS.get(parsed.scheme, 80)
        addresses = await _resolve(host, port, rules)
    for address in addresses:
        problem = address_problem(address, rules.allowed)
        if problem is not None:
            where = f"{host} " if literal is not None else f"{host} 解析为 {address}，"
            raise TargetRefused(f"{REFUSED_MESSAGE}（{where}{problem}）", ErrorCode.ADDRESS_NOT_ALLOWED)
    return Target(url=parsed, address=addresses[0], pinned=literal is None)
