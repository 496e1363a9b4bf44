"""The staff curation desk, the public pages and the JSON API, as one ASGI app.

Only the CLI imports this package: `fursa serve` calls `serve`.
"""
from fursa.web.app import create_app, serve

__all__ = ["create_app", "serve"]
