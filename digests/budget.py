"""The error budget: a run pauses when the server keeps refusing, instead of burning through the list."""
from __future__ import annotations

from fursa.digests.errors import BouncedAddressError, DeliveryError, InvalidAddressError


class ErrorBudget:
    """Counts server-side failures in a row; a bounce is the address's fault and does not count."""

    def __init__(self, limit: int):
        self.limit = limit
        self.in_a_row = 0
        self.last: str | None = None

    def record_success(self) -> None:
        self.in_a_row = 0

    def record_failure(self, error: DeliveryError) -> None:
        if isinstance(error, (BouncedAddressError, InvalidAddressError)):
            return
        self.in_a_row += 1
        self.last = str(error)

    @property
    def exhausted(self) -> bool:
        return self.limit > 0 and self.in_a_row >= self.limit

    def explain(self) -> str:
        return (
            f"the server refused {self.in_a_row} messages in a row (last: {self.last}). "
            "The run stopped so the rest of the list is not burned; fix the server or the SMTP settings: "
            "the run is resumed later, and digests already sent are not sent twice"
        )
