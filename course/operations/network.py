"""The addresses students' devices can reach this machine on, for the server's banner and the Teach page."""

import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit

from flask import request, url_for

LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses that other devices can use: no loopback, no link-local, no duplicates.

    Two portable ways, neither sending a packet: the addresses the host name resolves to, and the address the
    system would use for a route outwards (a UDP socket's connect only chooses the interface).
    """
    found: list[str] = []
    try:
        found += [str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    except OSError:
        pass
    for probe in ("10.255.255.255", "192.168.255.255", "172.31.255.255"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                udp.connect((probe, 9))
                found.append(udp.getsockname()[0])
        except OSError:
            continue
    usable = []
    for address in found:
        parsed = ipaddress.ip_address(address)
        if parsed.is_loopback or parsed.is_link_local or parsed.is_unspecified or address in usable:
            continue
        usable.append(address)
    return usable


def is_loopback_host(host: str) -> bool:
    """Whether a Host header names this machine only (127.0.0.1, ::1, localhost), useless to other devices."""
    name = urlsplit(f"//{host}").hostname or ""
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def student_urls(endpoint: str, **values) -> list[str]:
    """The addresses to give students for a page: the one the instructor's browser used, or, when that is a
    loopback address only this machine understands, the same page on each of the machine's LAN addresses."""
    url = url_for(endpoint, _external=True, **values)
    if not is_loopback_host(request.host):
        return [url]
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return [urlunsplit(parts._replace(netloc=f"{address}{port}")) for address in lan_addresses()] or [url]
