"""What `serve` accepts before it looks for a page (the Host, the address, the body), and who can reach it.

A preview is for the person who runs it. A page on another site can make a browser
send requests here (DNS rebinding gives it a name that resolves to 127.0.0.1), so
requests are answered only when addressed to a name of this server, as Vite and
webpack-dev-server do; requests that carry a body (which a GET never needs) are
refused with the connection closed, so a body can never be read as a second request.
"""

from __future__ import annotations

import errno
import ipaddress
import re
import socket
from email.message import Message

MAX_TARGET = 4096  # characters; longer than any address a build writes (a file name is at most 255 bytes)
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})
SINCE = re.compile(r"[0-9]{1,18}")


class Refusal(Exception):
    """A request serve will not answer, with the status and the sentence to show."""

    def __init__(self, status: int, explain: str) -> None:
        super().__init__(explain)
        self.status = status
        self.explain = explain


def bare_host(name: str) -> str:
    """A host name or address as compared: lower case, no brackets, no trailing dot."""
    name = name.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    return name.rstrip(".")


def parse_host_header(value: str) -> tuple[str, int] | None:
    """("localhost", 8000) from "localhost:8000"; None when it is no host and port at all."""
    value = value.strip()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket:
            return None
        port = rest[1:] if rest.startswith(":") else ("" if not rest else None)
    elif value.count(":") == 1:
        name, _, port = value.partition(":")
    elif ":" not in value:
        name, port = value, ""
    else:
        return None
    if port is None or not name or (port and not (port.isascii() and port.isdigit() and len(port) <= 5)):
        return None
    return bare_host(name), int(port) if port else 80


def is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_is_allowed(name: str, bind_host: str) -> bool:
    """Loopback names, the --host given, and (when listening on every interface) any IP address.

    An IP address cannot be rebound by DNS, so on 0.0.0.0 a tablet may use the
    computer's address; a name is accepted only when it is the one serve was given.
    """
    bind = bare_host(bind_host)
    if name in LOOPBACK_NAMES or name == bind:
        return True
    if not is_ip(name):
        return False
    return ipaddress.ip_address(name).is_loopback or bind in WILDCARDS


def check_host(headers: Message, bind_host: str, port: int) -> None:
    values = headers.get_all("Host") or []
    if len(values) != 1:
        raise Refusal(400, "A request must name exactly one host in its Host header.")
    parsed = parse_host_header(values[0])
    if parsed is None:
        raise Refusal(400, "The Host header of this request is not a host name with an optional port.")
    name, asked_port = parsed
    if asked_port != port or not host_is_allowed(name, bind_host):
        raise wrong_host(values[0].strip(), bare_host(bind_host), port)


def wrong_host(asked: str, bind: str, port: int) -> Refusal:
    """The 403 for a request addressed to another name: which names work, and which address to open."""
    names = ["127.0.0.1", "localhost", "[::1]"]
    if bind in WILDCARDS:
        names.append("an IP address of this computer")
    elif bind not in LOOPBACK_NAMES:
        names.append(bind)
    own = "127.0.0.1" if bind in WILDCARDS | {"localhost"} else (f"[{bind}]" if ":" in bind else bind)
    return Refusal(
        403,
        f"This preview answers only requests addressed to {', '.join(names)} on port {port}, "
        f"and this one was addressed to {asked}. A page of another site may be trying to read your notes. "
        f"If you opened this address yourself, open http://{own}:{port}/ instead, or start serve with --host "
        "and that name.",
    )


def check_body(headers: Message) -> None:
    """GET and HEAD carry no body here; one that claims to have one is refused, never read as a request."""
    if headers.get_all("Transfer-Encoding"):
        raise Refusal(400, "A GET or HEAD request to this preview cannot have a body (Transfer-Encoding).")
    lengths = headers.get_all("Content-Length") or []
    if len(lengths) > 1 or any(not (v.strip().isascii() and v.strip().isdigit()) for v in lengths):
        raise Refusal(400, "The Content-Length header of this request is not a single number.")
    if lengths and int(lengths[0]) > 0:
        raise Refusal(400, "A GET or HEAD request to this preview cannot have a body (Content-Length).")


def split_target(target: str) -> tuple[str, str]:
    """(path, query) of an origin-form request target ("/tags/?x=1")."""
    if len(target) > MAX_TARGET:
        raise Refusal(414, f"The address is longer than {MAX_TARGET:,} characters; no page of a site is.")
    if not target.startswith("/"):
        raise Refusal(400, "The request target must be a path starting with /; this preview is not a proxy.")
    path, _, query = target.partition("?")
    return path, query


def since_value(query: str) -> int | None:
    """The `since=` generation of an events request, None when absent."""
    for part in query.split("&"):
        key, _, value = part.partition("=")
        if key == "since":
            if not SINCE.fullmatch(value):
                raise Refusal(400, "since= must be a whole number of at most 18 digits.")
            return int(value)
    return None


def is_hidden(relative: str) -> bool:
    """A path with a part that starts with a dot (the build's marker, .git, .htaccess), but .well-known."""
    return any(part.startswith(".") and part != ".well-known" for part in relative.split("/"))


def printable(text: str, limit: int = 200) -> str:
    """Text from a request, safe to print in a terminal: control characters escaped, length capped."""
    shown = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text[:limit])
    return shown + ("…" if len(text) > limit else "")


def cannot_listen(error: OSError, host: str, port: int) -> str:
    """Why serve cannot listen on host:port, and what to do instead."""
    if error.errno == errno.EADDRINUSE:
        other = f"--port {port + 1}, " if 0 < port < 65535 else ""
        return (
            f"Port {port} on {host} is already in use, perhaps by another notes-site serve. "
            f"Pick another port with {other}or --port 0 for any free one."
        )
    if error.errno == errno.EACCES:
        return f"Listening on port {port} needs administrator rights here. Pick a port above 1023, e.g. --port 8000."
    if error.errno == errno.EADDRNOTAVAIL:
        return (
            f"{host} is not an address of this computer. Use --host 127.0.0.1 (the default) for this computer "
            "only, or --host 0.0.0.0 for your network."
        )
    if isinstance(error, socket.gaierror):
        return f"The host name {host} could not be resolved ({error.strerror}). Use an address such as 127.0.0.1."
    return f"Cannot listen on {host} port {port}: {error.strerror or error}."


def exposure(host: str, drafts: bool) -> str | None:
    """A warning when the preview is reachable from other computers; None on loopback."""
    name = host.strip("[]").lower()
    if name == "localhost" or (is_ip(name) and ipaddress.ip_address(name).is_loopback):
        return None
    shown = "drafts included (--no-drafts hides them)" if drafts else "but not drafts"
    return (
        f"Listening on {host}: anyone who can reach this computer on the network can read this preview, {shown}. "
        "Leave out --host to keep it to this computer."
    )
