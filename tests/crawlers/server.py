"""The loopback server the crawler tests use: the project's own (`fursa.demo.loopback`)."""
from fursa.demo.loopback import LocalServer, Reply, Request, conditional, gzipped

__all__ = ["LocalServer", "Reply", "Request", "conditional", "gzipped"]
