"""Reading submitted forms: the parsed body as a dependency, and small readers that never raise."""
from __future__ import annotations

from typing import Sequence

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from fursa.web.csrf import MAX_FIELDS, MAX_PART_BYTES
from fursa.web.params import row_id, strip_controls


async def form_data(request: Request) -> FormData:
    """FastAPI dependency: the request's form, parsed once (csrf.verify_csrf reads the same copy)."""
    return await request.form(max_part_size=MAX_PART_BYTES, max_fields=MAX_FIELDS, max_files=1)


def text(form: FormData, name: str, limit: int = 500) -> str:
    """A text field without control characters, trimmed and cut at `limit` characters; a file or a
    missing field reads as ''."""
    value = form.get(name)
    return strip_controls(value).strip()[:limit] if isinstance(value, str) else ""


def picked(form: FormData, name: str, allowed: Sequence[str] | None = None) -> tuple[str, ...]:
    """The checked values of a multi-choice field, in order, without repeats; unknown ones dropped."""
    seen: list[str] = []
    for value in form.getlist(name):
        if isinstance(value, str) and value not in seen and (allowed is None or value in allowed):
            seen.append(value)
    return tuple(seen)


def unknown(form: FormData, name: str, allowed: Sequence[str]) -> tuple[str, ...]:
    """Submitted values outside `allowed`: a tampered form, reported rather than silently dropped."""
    return tuple(v for v in form.getlist(name) if isinstance(v, str) and v not in allowed)


def upload(form: FormData, name: str) -> UploadFile | None:
    value = form.get(name)
    return value if isinstance(value, UploadFile) else None


def ids(form: FormData, name: str = "ids") -> tuple[int, ...]:
    """The row numbers ticked in a list; anything that is not one (params.row_id) is left out."""
    numbers = (row_id(v) for v in form.getlist(name) if isinstance(v, str))
    return tuple(number for number in numbers if number is not None)
