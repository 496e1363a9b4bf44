"""Response headers that make a browser refuse what Fursa never does: scripts, framing, sniffing."""
from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No script runs on any page: scraped text cannot become code even if escaping ever failed.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# The one exception, for staff pages that carry a copy button: scripts from the site's own /static only
# (web/static/copy.js), never inline, so text on the page still cannot become code. The public pages
# keep the policy above; their share links work without script.
SCRIPTED_POLICY = CONTENT_SECURITY_POLICY + "; script-src 'self'"
# The digest preview shows an e-mail as the subscriber would get it: inline styles, no scripts.
PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; frame-ancestors 'self'; sandbox"


class SecurityHeadersMiddleware:
    """Adds the policy headers to every response that does not set its own."""

    def __init__(self, app: ASGIApp, https: bool):
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                if self.https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
                if _private(path):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _private(path: str) -> bool:
    """Staff pages and pages reached through a personal link must never sit in a shared cache."""
    return path.startswith(("/desk", "/preferences", "/unsubscribe", "/confirm", "/subscribe"))
