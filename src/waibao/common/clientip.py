"""The client's address, for every per-client limit (sign-in lockout, objections, registration).

Behind reverse proxies REMOTE_ADDR is the proxy: one address for the whole city. `WAIBAO_TRUSTED_PROXY_COUNT`
says how many proxies of ours append to X-Forwarded-For; the address just before them is the client. Entries a
client wrote itself stand further left and are never used, so a forged header cannot choose the address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    count = int(getattr(settings, "WAIBAO_TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [p.strip() for p in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if p.strip()]
    # REMOTE_ADDR is the last proxy; the other count - 1 proxies are the rightmost entries of the header.
    hops = [*forwarded, remote]
    if len(hops) <= count:
        return remote  # fewer hops than proxies: the request did not come through them all
    candidate = hops[-count - 1]
    return candidate if _valid(candidate) else remote
