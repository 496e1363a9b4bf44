"""The outbox transport: one .eml file per message in a folder, for machines with no SMTP server."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from fursa.digests.errors import TemporaryDeliveryError
from fursa.digests.records import Envelope

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class OutboxTransport:
    """Writes each message atomically (temp file, fsync, rename) so a reader never sees half a file.

    The file is named after the Message-ID, which is stable per (subscriber, period): a resend after
    a crash replaces the file instead of adding a second copy.
    """

    name = "outbox"

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def send(self, envelope: Envelope, *, deadline: float | None = None) -> Path:
        """Write the message; `deadline` is for transports that talk to a server and is not needed here."""
        target = self.directory / file_name_for(envelope)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".writing-", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(envelope.data)
                    stream.flush()
                    os.fsync(stream.fileno())
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise TemporaryDeliveryError(
                f"could not write {target}: {exc.strerror}; check that the outbox folder is writable and not full"
            ) from None
        return target

    def close(self) -> None:
        """Nothing to release; present so every transport can be closed the same way."""


def file_name_for(envelope: Envelope) -> str:
    local = envelope.message_id.strip("<>").partition("@")[0]
    recipient = envelope.recipient.replace("@", "_at_")
    return f"{_UNSAFE.sub('-', local)}.{_UNSAFE.sub('-', recipient)}.eml"
