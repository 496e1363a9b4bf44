"""Errors raised by storage/."""


class StorageError(Exception):
    """Base class of every error storage/ raises."""


class DatabaseError(StorageError):
    """Raised by storage.db when the database cannot be reached, created or upgraded."""


class NotFoundError(StorageError):
    """Raised by storage queries when a named row (source, subscriber, opportunity) does not exist."""


class InvalidSubscriberError(StorageError):
    """Raised by storage.subscribers when an address or a preference is not acceptable."""
