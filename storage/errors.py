"""Errors raised by storage/.

They live here, apart from the modules that raise them, so `fursa.storage` can offer every error
class without loading SQLAlchemy: a caller that only catches an error must not pay for the ORM.
"""


class StorageError(Exception):
    """Base class of every error storage/ raises."""



class FormProblemsError(StorageError):
    """Raised when what a form sent is not acceptable; `problems` holds each reason (storage.FieldProblem)."""

    def __init__(self, problems: tuple) -> None:
        self.problems = problems
        super().__init__("; ".join(problem.message for problem in problems))

class DatabaseError(StorageError):
    """Raised by storage.db when the database cannot be reached, created or upgraded."""


class NotFoundError(StorageError):
    """Raised by storage queries when a named row (source, subscriber, opportunity) does not exist."""


class InvalidSubscriberError(StorageError):
    """Raised by storage.subscribers when an address or a preference is not acceptable."""


class UnknownFieldError(InvalidSubscriberError):
    """Raised by storage.subscribers.check_fields when a profile names field codes the door does not know; `codes` holds them."""

    def __init__(self, message: str, codes: tuple[str, ...]) -> None:
        super().__init__(message)
        self.codes = codes


class SuppressedAddressError(InvalidSubscriberError):
    """Raised by storage.suppressions.refuse_suppressed when staff add an address on the do-not-mail list."""


class RosterFileError(StorageError):
    """Raised by storage.roster_files.read_roster when a CSV file as a whole cannot be read (encoding, header)."""


class InvalidUserError(StorageError):
    """Raised by storage.users when a staff account's address, role or language is not acceptable."""


class WeakPasswordError(InvalidUserError):
    """Raised by storage.passwords.hash_password when a new password is too short to protect staff data."""


class InvalidSourceError(StorageError):
    """Raised by storage.source_changes when a source's new name, address, kind, language or schedule is not acceptable.

    `problems` holds the message for each field at fault, so a form can show each next to its field.
    """

    def __init__(self, message: str, problems: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.problems = dict(problems or {})


class BackupError(StorageError):
    """Raised by backup_database and restore_database when a copy cannot be made or read back."""


class LockHeldError(StorageError):
    """Raised by SchedulerLock.acquire when another process already holds the lock."""


class LockLostError(StorageError):
    """Raised by SchedulerLock.renew when the lock was taken over or its connection died: stop at once."""


class InvalidPartnerError(StorageError):
    """Raised by storage.partners when a partner's names, agreement type, dates, country or contact are not acceptable.

    `problems` holds one storage.partners.PartnerProblem per fault, so a form can show each next to its field.
    """

    def __init__(self, message: str, problems: tuple = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)
