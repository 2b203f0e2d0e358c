"""The site's public address for links that leave a request (emails, calendars, certificates)."""

WILDCARDS = {"", "0", "0.0.0.0", "::"}  # noqa: S104 (names of "every interface", not a bind)


def address_url(host: str, port, ipv6=False) -> str:
    """http://host:port for a server address; "every interface" becomes 127.0.0.1, the address
    a browser on this machine reaches it by."""
    if host in WILDCARDS:
        host = "127.0.0.1"
    elif ipv6 or ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"
