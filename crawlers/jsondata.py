"""JSON bodies: decoding with a clear error, dotted field paths, and JSON hidden inside pages."""
from __future__ import annotations

import json
import re
from typing import Any

from fursa.crawlers.errors import FormatError
from fursa.crawlers.text import decode_html

_NEXT_DATA = re.compile(rb'<script[^>]+id=["\']__NEXT_DATA__["\'][^>]*>(.*?)</script>', re.IGNORECASE | re.DOTALL)


def describe_body(body: bytes) -> str:
    """A few words on what a body looks like, for error messages."""
    head = body[:200].lstrip().lower()
    if not head:
        return "an empty body"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "an HTML page"
    if head.startswith(b"<"):
        return "XML"
    snippet = body[:60].decode("utf-8", "replace").strip()
    return f"text starting {snippet!r}"


def load_json(body: bytes, url: str) -> Any:
    """The decoded JSON of an API answer, or FormatError naming what came instead."""
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise FormatError(
            f"{url} did not answer JSON (got {describe_body(body)}); the API may have changed or be down, "
            "or the request options in the catalogue may be wrong") from None


def load_embedded_json(body: bytes, url: str, envelope: str) -> Any:
    """JSON carried inside a page: "next_data" (a Next.js __NEXT_DATA__ script) or "js" (a JS
    assignment such as `var scholarships = TAFFY([...]);`), or plain JSON for ""."""
    if envelope == "next_data":
        match = _NEXT_DATA.search(body)
        if not match:
            raise FormatError(f"{url} has no __NEXT_DATA__ script (got {describe_body(body)}); the site may have been rebuilt")
        return load_json(match.group(1), url)
    if envelope == "js":
        return load_json(_strip_js_wrapper(decode_html(body)).encode("utf-8"), url)
    return load_json(body, url)


def _strip_js_wrapper(script: str) -> str:
    starts = [index for index in (script.find("["), script.find("{")) if index >= 0]
    if not starts:
        return script
    start = min(starts)
    closing = "]" if script[start] == "[" else "}"
    end = script.rfind(closing)
    return script[start:end + 1] if end > start else script


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted path ("title.rendered", "data.oppHits", "items.0.id"); None if absent.
    An empty path is the data itself."""
    current = data
    for key in [part for part in path.split(".") if part] if path else []:
        if isinstance(current, dict):
            current = current.get(key)
        elif isinstance(current, list) and key.lstrip("-").isdigit() and -len(current) <= int(key) < len(current):
            current = current[int(key)]
        else:
            return None
        if current is None:
            return None
    return current


def as_text(value: Any) -> str:
    """A scalar as a string; the first element of a list (SEDIA wraps every value in one)."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(item) for item in items if item not in (None, "") and not isinstance(item, (dict, list))]
