"""The staff curation desk, the public pages and the JSON API, as one ASGI app.

Only the CLI imports this package: `fursa serve` calls `serve`, `fursa users add` calls `add_user`.
"""
from fursa.web.app import create_app, serve
from fursa.web.auth import WeakPasswordError, add_user, hash_password, set_password
from fursa.storage import InvalidUserError, STAFF_ROLES

__all__ = ["InvalidUserError", "STAFF_ROLES", "WeakPasswordError", "add_user", "create_app", "hash_password", "serve",
           "set_password"]
