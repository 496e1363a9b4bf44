"""The web's rate limits, counted in the database (storage.throttle).

Failed sign-ins are limited per address (one account cannot be guessed at) and per client (one
password cannot be tried across many addresses); second-factor codes per account; subscription
e-mails per address (the form cannot flood an inbox). The counts live in the database, so every
web worker sees the same ones and no process keeps a map that grows with each address it meets.
"""
from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request

from fursa.storage import AttemptLimit, over_limit, record_attempt

# Five wrong passwords per address in 15 minutes, then the address waits.
SIGN_INS_PER_ADDRESS = AttemptLimit("address", 5, timedelta(minutes=15))
# Twenty failed sign-ins from one client (an IPv4 address, an IPv6 /64) in 15 minutes, whatever
# the addresses tried; a campus behind one NAT address still has room for its typos.
SIGN_INS_PER_CLIENT = AttemptLimit("client", 20, timedelta(minutes=15))
# Five wrong second-factor codes per account in 15 minutes (one in 200,000 of guessing one).
CODES_PER_ACCOUNT = AttemptLimit("code", 5, timedelta(minutes=15))
# Three subscription e-mails per address an hour.
LETTERS_PER_ADDRESS = AttemptLimit("letter", 3, timedelta(hours=1))


def client_key(request: Request) -> str:
    """Who is asking, for the per-client limit: the IPv4 address, or the IPv6 /64 network (one
    household or server gets a whole /64, so counting single IPv6 addresses would count nothing).

    Behind a reverse proxy this is the proxy's forwarded client address, as uvicorn trusts it
    (`--forwarded-allow-ips`, 127.0.0.1 by default).
    """
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:100] or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class LetterThrottle:
    """At most LETTERS_PER_ADDRESS subscription e-mails per address, across every worker.

    Used from a background task (after the response), so it takes its own short transaction.
    """

    def __init__(self, sessions: Any, limit: AttemptLimit = LETTERS_PER_ADDRESS):
        self.sessions = sessions
        self.limit = limit

    def allow(self, key: str, now: datetime) -> bool:
        """Count one e-mail to `key` and say whether it is within the limit."""
        with self.sessions.begin() as session:
            if over_limit(session, self.limit, key.casefold(), now):
                return False
            record_attempt(session, self.limit, key.casefold(), now)
            return True
