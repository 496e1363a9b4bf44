"""JSON for the records that cross the parent/child process line (specs, validators, results)."""
from __future__ import annotations

import base64
import binascii
import json
import zlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from fursa.storage import Deadline, Draft, FetchResult, ItemError, SourceSpec, Validators

from fursa.crawlers.config import CrawlConfig


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def spec_to_dict(spec: SourceSpec) -> dict[str, Any]:
    return {name: _plain(getattr(spec, name)) for name in SourceSpec.__dataclass_fields__}


def spec_from_dict(data: dict[str, Any]) -> SourceSpec:
    return SourceSpec(**{**data, "audience": tuple(data.get("audience", ())), "levels": tuple(data.get("levels", ()))})


def validators_to_dict(validators: Validators) -> dict[str, Any]:
    return {"etag": validators.etag, "last_modified": validators.last_modified}


def validators_from_dict(data: dict[str, Any] | None) -> Validators:
    data = data or {}
    return Validators(etag=data.get("etag"), last_modified=data.get("last_modified"))


def config_to_dict(config: CrawlConfig) -> dict[str, Any]:
    return {name: _plain(getattr(config, name)) for name in CrawlConfig.__dataclass_fields__}


def config_from_dict(data: dict[str, Any]) -> CrawlConfig:
    cache_dir = data.get("cache_dir")
    return CrawlConfig(**{**data, "cache_dir": Path(cache_dir) if cache_dir else None})


def draft_to_dict(draft: Draft) -> dict[str, Any]:
    data = {name: _plain(getattr(draft, name)) for name in Draft.__dataclass_fields__ if name != "deadline"}
    deadline = draft.deadline
    data["deadline"] = {"kind": deadline.kind, "at": _plain(deadline.at), "timezone": deadline.timezone,
                        "text": deadline.text, "day": deadline.day.isoformat() if deadline.day else None}
    return data


def draft_from_dict(data: dict[str, Any]) -> Draft:
    deadline = data.get("deadline") or {}
    amount = data.get("amount")
    return Draft(**{
        **data,
        "published_at": _when(data.get("published_at")),
        "opens_at": _when(data.get("opens_at")),
        "deadline": Deadline(kind=deadline.get("kind", "unknown"), at=_when(deadline.get("at")),
                             timezone=deadline.get("timezone"), text=deadline.get("text", ""),
                             day=date.fromisoformat(deadline["day"]) if deadline.get("day") else None),
        "amount": Decimal(amount) if amount is not None else None,
        "levels": tuple(data.get("levels", ())),
        "categories": tuple(data.get("categories", ())),
        "regions": tuple(data.get("regions", ())),
        "flags": tuple(data.get("flags", ())),
    })


def result_to_dict(result: FetchResult) -> dict[str, Any]:
    return {
        "source_name": result.source_name,
        "drafts": [draft_to_dict(draft) for draft in result.drafts],
        "validators": validators_to_dict(result.validators),
        "not_modified": result.not_modified,
        "error": result.error,
        "http_status": result.http_status,
        "bytes_read": result.bytes_read,
        "duration_s": result.duration_s,
        "item_errors": [{"url": error.url, "message": error.message} for error in result.item_errors],
        "failure_kind": result.failure_kind,
    }


def result_from_dict(data: dict[str, Any]) -> FetchResult:
    return FetchResult(
        source_name=data["source_name"],
        drafts=tuple(draft_from_dict(draft) for draft in data.get("drafts", ())),
        validators=validators_from_dict(data.get("validators")),
        not_modified=bool(data.get("not_modified")),
        error=data.get("error"),
        http_status=data.get("http_status"),
        bytes_read=int(data.get("bytes_read") or 0),
        duration_s=float(data.get("duration_s") or 0.0),
        item_errors=tuple(ItemError(url=error["url"], message=error["message"]) for error in data.get("item_errors", ())),
        failure_kind=data.get("failure_kind"),
    )


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def run_to_dict(jobs: Sequence[tuple[SourceSpec, Validators]], config: CrawlConfig) -> dict[str, Any]:
    """One crawl run (its settings and its jobs) as plain JSON data."""
    return {"config": config_to_dict(config),
            "jobs": [{"spec": spec_to_dict(spec), "validators": validators_to_dict(validators)} for spec, validators in jobs]}


def run_from_dict(data: dict[str, Any]) -> tuple[CrawlConfig, list[tuple[SourceSpec, Validators]]]:
    config = config_from_dict(data["config"])
    return config, [(spec_from_dict(job["spec"]), validators_from_dict(job.get("validators"))) for job in data["jobs"]]


def pack_run(jobs: Sequence[tuple[SourceSpec, Validators]], config: CrawlConfig) -> str:
    """The run as one ASCII string short enough for a command-line argument (JSON, zlib, base64).

    Scrapyd hands spider arguments to the crawl process on its command line, where Linux caps one
    argument at 128 KiB; catalogue entries compress about tenfold.
    """
    return base64.urlsafe_b64encode(zlib.compress(dumps(run_to_dict(jobs, config)).encode("utf-8"), 9)).decode("ascii")


def unpack_run(text: str) -> tuple[CrawlConfig, list[tuple[SourceSpec, Validators]]]:
    """The inverse of `pack_run`; ValueError when the text is not a packed run."""
    try:
        data = json.loads(zlib.decompress(base64.urlsafe_b64decode(text.encode("ascii"))).decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeError) as exc:
        raise ValueError(f"not a packed Fursa crawl run ({exc})") from exc
    return run_from_dict(data)
