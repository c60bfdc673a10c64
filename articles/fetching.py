"""Fetching pages and feeds over HTTP(S) without letting a URL reach inside the network (SSRF).

Every hop (the URL and each redirect, at most ``MAX_REDIRECTS``) is checked: http or https
only, no credentials in the URL, and every address the host name resolves to must be public
(not private, loopback, link-local, multicast, reserved, unspecified, shared or
documentation space, nor an IPv6 form embedding one of those: IPv4-mapped, 6to4, Teredo,
NAT64). The connection then goes to the address that was checked, with the original host name
kept in the Host header and for TLS (SNI and certificate check), so a DNS answer that changes
between the check and the connect (DNS rebinding) cannot redirect it. Bodies are streamed
with a size cap and an overall deadline, and only text-like content types are accepted.

A URL is never written into a message or a log line with the user name and password it may
carry (``redact_url``): such URLs are refused, and the refusal is what gets logged and shown.

``allow_private`` lifts the address check: ``True`` for every address (tests against a
loopback server, an intranet deployment) or a collection of networks ("10.1.0.0/16") to allow
just those.
"""
from __future__ import annotations

import ipaddress
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

MAX_REDIRECTS = 5
USER_AGENT = "FactDesk/1.0 (editorial fact-tracking; article import)"
ACCEPT = "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, application/xml;q=0.9, " \
         "application/json;q=0.9, text/plain;q=0.8"
ALLOWED_TYPES = {
    "text/html", "application/xhtml+xml", "application/xml", "text/xml", "application/rss+xml",
    "application/atom+xml", "application/rdf+xml", "application/json", "application/ld+json",
    "application/x-ndjson", "application/jsonl", "application/jsonlines", "application/x-jsonlines", "text/plain",
}
_REDIRECTS = {301, 302, 303, 307, 308}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SHARED_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: internal to an ISP
# The user-info part of a URL ("user:pass@" after "//"), found without parsing: a URL too broken
# to parse may still carry a password.
_USERINFO = re.compile(r"(//)[^/?#@\s]*@")

logger = logging.getLogger(__name__)


def redact_url(url: str) -> str:
    """``url`` with any user name and password replaced by ``***``, fit for messages and logs."""
    return _USERINFO.sub(r"\1***@", str(url))


class FetchRefused(Exception):
    """The URL was not fetched, or its answer not accepted; the message says why, for the user."""


@dataclass(frozen=True)
class FetchedResource:
    final_url: str
    status: int
    content_type: str
    body: bytes
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False


def _networks(allow_private) -> list:
    if allow_private is True or not allow_private:
        return []
    try:
        return [ipaddress.ip_network(str(n), strict=False) for n in allow_private]
    except ValueError as exc:
        raise ValueError(f"allow_private holds an invalid network: {exc}") from None


def _why_not_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Why this address must not be fetched from, or "" when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            reason = _why_not_public(embedded)
            return f"{reason} (inside the IPv6 address {address})" if reason else ""
    for test, label in (
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_unspecified", "an unspecified address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    ):
        if getattr(address, test):
            return label
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED_SPACE:
        return "a shared (carrier-grade NAT) address"
    if not address.is_global:
        return "not a public address"
    return ""


def _resolve(url: str, allow_private) -> tuple[str, int, list[str]]:
    """Check one URL and return (host name, port, the addresses it may be fetched from)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FetchRefused(f"{redact_url(url)[:200]!r} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused(f"only http and https URLs are fetched, not {scheme or 'a URL without a scheme'}")
    host = parts.hostname
    if not host:
        raise FetchRefused(f"{redact_url(url)[:200]!r} has no host name")
    if parts.username or parts.password:
        raise FetchRefused("URLs with a user name or password in them are not fetched")
    port = port or (443 if scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchRefused(f"the host {host!r} could not be found ({getattr(exc, 'strerror', None) or exc})") from None
    addresses = []
    allowed_networks = _networks(allow_private)
    for info in infos:
        raw = info[4][0].split("%", 1)[0]  # drop an IPv6 zone index ("fe80::1%eth0")
        address = ipaddress.ip_address(raw)
        reason = _why_not_public(address)
        if reason and allow_private is not True and not any(address in net for net in allowed_networks if net.version == address.version):
            shown = host if host == raw else f"{host} ({raw})"
            raise FetchRefused(f"refused to fetch from {shown}: it is {reason}, not a public one")
        if raw not in addresses:
            addresses.append(raw)
    if not addresses:
        raise FetchRefused(f"the host {host!r} has no address")
    return host, port, addresses


def check_url(url: str, *, allow_private) -> None:
    """Raise FetchRefused unless ``url`` is http(s) and every address of its host may be fetched."""
    _resolve(url, allow_private)


class _PinnedAdapter(HTTPAdapter):
    """Connects to one checked address whatever the URL's host resolves to now.

    The URL keeps its host name, so requests sends it as Host, and for https the pool is told
    to use it for SNI and to check the certificate against it.
    """

    def __init__(self, address: str, hostname: str):
        self._address = address
        self._hostname = hostname
        super().__init__(max_retries=0)

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        host_params = {**host_params, "host": self._address}
        if host_params["scheme"] == "https":
            pool_kwargs = {**pool_kwargs, "server_hostname": self._hostname, "assert_hostname": self._hostname}
        return self.poolmanager.connection_from_host(**host_params, pool_kwargs=pool_kwargs)


def _host_header(parts, port: int) -> str:
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    default = 443 if parts.scheme.lower() == "https" else 80
    return host if port == default else f"{host}:{port}"


def _media_type(content_type: str) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _accepted(media_type: str) -> bool:
    return media_type in ALLOWED_TYPES or media_type.endswith(("+xml", "+json"))


def fetch_url(
    url: str,
    *,
    allow_private,
    timeout: float,
    max_bytes: int,
    etag: str = "",
    last_modified: str = "",
) -> FetchedResource:
    """GET ``url`` safely (see the module docstring) or raise FetchRefused saying why.

    ``timeout`` bounds connecting and each read; the whole fetch (all redirects and the body)
    must finish within three times it. With ``etag``/``last_modified`` the request is
    conditional and a 304 answer comes back as ``not_modified=True`` with an empty body.
    """
    try:
        return _fetch(url, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes, etag=etag,
                      last_modified=last_modified)
    except FetchRefused as exc:
        logger.info("fetch of %s refused: %s", redact_url(url), exc)
        raise


def _fetch(url: str, *, allow_private, timeout: float, max_bytes: int, etag: str, last_modified: str) -> FetchedResource:
    deadline = time.monotonic() + 3 * timeout
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url.strip()
    for hop in range(MAX_REDIRECTS + 1):
        hostname, port, addresses = _resolve(current, allow_private)
        parts = urlsplit(current)
        response = _get(current, addresses, hostname, {**headers, "Host": _host_header(parts, port)}, timeout)
        with response:
            if response.status_code in _REDIRECTS:
                location = response.headers.get("Location", "").strip()
                if not location:
                    raise FetchRefused(f"{redact_url(current)} redirects without saying where to")
                if hop == MAX_REDIRECTS:
                    raise FetchRefused(f"too many redirects (more than {MAX_REDIRECTS})")
                current = urljoin(current, location)
                logger.debug("following a redirect to %s", redact_url(current))
                continue
            if response.status_code == 304 and (etag or last_modified):
                return FetchedResource(
                    final_url=current, status=304, content_type="", body=b"",
                    etag=response.headers.get("ETag", etag), last_modified=response.headers.get("Last-Modified", last_modified),
                    not_modified=True,
                )
            if response.status_code != 200:
                raise FetchRefused(f"the server answered {response.status_code} {response.reason or ''}".strip())
            content_type = response.headers.get("Content-Type", "")
            media_type = _media_type(content_type)
            if not media_type:
                raise FetchRefused("the server did not say what type of content it sent")
            if not _accepted(media_type):
                raise FetchRefused(f"it is {media_type}, not a web page, feed, JSON or text")
            body = _read_capped(response, max_bytes, deadline)
            return FetchedResource(
                final_url=current,
                status=response.status_code,
                content_type=content_type,
                body=body,
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
            )
    raise FetchRefused(f"too many redirects (more than {MAX_REDIRECTS})")  # not reached: the loop returns or raises


def _get(url: str, addresses: list[str], hostname: str, headers: dict, timeout: float) -> requests.Response:
    return _pinned_request("GET", url, addresses, hostname, headers=headers, timeout=timeout, stream=True)


def _pinned_request(method: str, url: str, addresses: list[str], hostname: str, *, headers: dict, timeout: float,
                    **kwargs) -> requests.Response:
    """Send one request to the first of the checked ``addresses`` that answers; never follows redirects."""
    last_error = None
    for address in addresses:  # the first address that answers, as a browser would
        session = requests.Session()
        session.trust_env = False  # a proxy from the environment would bypass the pinned address
        # ...but the CA bundle the environment names is still honoured, as requests would.
        session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        adapter = _PinnedAdapter(address, hostname)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        try:
            return session.request(method, url, headers=headers, timeout=(timeout, timeout), allow_redirects=False, **kwargs)
        except requests.exceptions.SSLError as exc:
            raise FetchRefused(f"the secure connection to {hostname} failed ({_short(exc)})") from None
        except requests.exceptions.Timeout:
            last_error = f"{hostname} did not answer within {timeout:g} s"
        except requests.exceptions.RequestException as exc:
            last_error = f"could not connect to {hostname} ({_short(exc)})"
        finally:
            session.close()  # the response keeps its own connection until it is read
    raise FetchRefused(last_error or f"could not connect to {hostname}")


def post_checked(url: str, *, data: bytes, headers: dict, timeout: float, allow_private) -> requests.Response:
    """POST ``data`` to ``url`` under the same rules as ``fetch_url``; return the response (any status).

    The host is resolved and every address checked once, and the connection goes to a checked
    address: a name that resolves to a public address for the check and to a private one for the
    connection (DNS rebinding) cannot steer the request inside. Redirects are not followed.
    Raises ``FetchRefused`` for a refused URL and for a connection that failed.
    """
    hostname, port, addresses = _resolve(url, allow_private)
    headers = {**headers, "Host": _host_header(urlsplit(url), port)}
    response = _pinned_request("POST", url, addresses, hostname, headers=headers, timeout=timeout, data=data)
    response.close()
    return response


def _read_capped(response: requests.Response, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchRefused(f"it is {int(declared):,} bytes, over the {max_bytes:,}-byte limit")
    # A server can drip a byte at a time, each read well within the socket timeout; closing the
    # response from a timer at the deadline ends such a read, whatever it is blocked in.
    timer = threading.Timer(max(0.0, deadline - time.monotonic()), response.close)
    timer.daemon = True
    timer.start()
    chunks, size = [], 0
    try:
        # iter_content decompresses, so the cap also applies to what a small gzip body expands to.
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > max_bytes:
                raise FetchRefused(f"it is over the {max_bytes:,}-byte limit")
            chunks.append(chunk)
            if time.monotonic() > deadline:
                break
    except FetchRefused:
        raise
    except Exception as exc:  # a read on the response the timer closed fails in several ways
        if time.monotonic() < deadline:
            raise FetchRefused(f"the download failed ({_short(exc)})") from None
    finally:
        timer.cancel()
    if time.monotonic() >= deadline:
        raise FetchRefused("the server sent the content too slowly")
    return b"".join(chunks)


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:200] + "…"


def allowed_networks(value: Iterable[str] | bool):
    """Validate an ``allow_private`` value early (e.g. from settings); returns it unchanged."""
    _networks(value)
    return value
