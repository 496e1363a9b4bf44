"""Canonical URLs: one spelling per page, so the same call reached by two links is one record."""
from __future__ import annotations

from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

# Parameters that say how a visitor arrived, never which page they see.
_TRACKING_EXACT = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid", "ttclid",
    "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id",
    "vero_conv", "vero_id", "rb_clickid", "s_cid", "ref_src", "spm", "scid", "cmpid", "wt.mc_id",
    "trk", "trkcampaign", "sc_campaign", "sc_channel", "sc_content", "sc_medium", "sc_outcome",
    "ito", "amp",
})
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__hs")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The URL with tracking parameters and the fragment dropped, scheme and host lower-cased,
    the default port removed and an empty path written as "/". Other parameters keep their order,
    since some sites give order a meaning."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        return url
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    # Credentials in a link (user:pass@) are dropped too: built from hostname and port only.
    return urlunsplit((scheme, netloc, parts.path or "/", _drop_tracking(parts.query), ""))


def _drop_tracking(query: str) -> str:
    # Filter the raw pieces rather than re-encoding, so "%20" stays "%20" and order is kept.
    kept = [piece for piece in query.split("&") if piece and not is_tracking_param(unquote_plus(piece.split("=", 1)[0]))]
    return "&".join(kept)


def absolute_url(base: str, link: str) -> str:
    """`link` resolved against `base`, whitespace around it trimmed (hrefs often carry newlines)."""
    return urljoin(base, link.strip())


def is_http_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
