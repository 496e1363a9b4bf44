"""Scale benchmark (issue 7): 100,000 calls and 50,000 subscribers, on SQLite and on PostgreSQL.

    python bench/scale.py                                   # SQLite file in a temp folder
    python bench/scale.py --database-url postgresql+psycopg://postgres@127.0.0.1:54329/fursa_bench
    python bench/scale.py --calls 10000 --subscribers 5000  # a quick run

Prints: load time; the public browse page's latency over real HTTP (uvicorn on 127.0.0.1), p50/p95
[goal p95 < 50 ms]; a full weekly digest run to a local SMTP sink [goal < 5 minutes]; peak memory.

Calls are generated as a year of crawling leaves them: most expired or rejected, `--open-share`
of them approved and open (default 3 %, i.e. 3,000 of 100,000), which is what the browse page and
the digest see. Subscribers get profiles from PPU's programmes, half of them reading Arabic.
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from fursa import matching, pipeline, storage, web  # noqa: E402
from fursa.settings import load_settings  # noqa: E402
from bench.smtp_sink import CountingSink  # noqa: E402

NOW = datetime(2026, 11, 29, 7, 0, tzinfo=timezone.utc)
KINDS = ("scholarship", "exchange", "research_funding", "fellowship", "training", "conference")
LEVEL_SETS = (("bachelor",), ("master",), ("phd",), ("master", "phd"), ("postdoc", "faculty"), ("faculty",), ())
SUBJECTS = ("mechatronics", "civil engineering", "computer science", "pharmacy", "nursing", "applied mathematics",
            "business administration", "accounting", "architecture", "renewable energy", "biotechnology", "law")
ARABIC = ("الهندسة الميكانيكية", "علم الحاسوب", "الصيدلة", "التمريض", "الرياضيات التطبيقية", "إدارة الأعمال")


def call_rows(count: int, open_share: float, codes: list[str], rng: random.Random) -> list[dict]:
    rows = []
    for number in range(count):
        arabic = number % 2 == 1
        subject = rng.choice(ARABIC) if arabic else rng.choice(SUBJECTS)
        kind = rng.choice(KINDS)
        is_open = rng.random() < open_share
        status = "approved" if is_open else rng.choice(("expired", "expired", "expired", "rejected", "new"))
        deadline = NOW + timedelta(days=rng.randint(1, 180)) if is_open else NOW - timedelta(days=rng.randint(1, 365))
        title = f"منحة في {subject} رقم {number}" if arabic else f"{kind.replace('_', ' ').title()} in {subject} #{number}"
        rows.append(dict(
            title=title, summary="", text=f"{title}. Open to applicants from the West Bank and Gaza.",
            url=f"https://calls.example.org/{number}", provider="Bench Foundation", external_id=str(number),
            kind=kind, levels=list(rng.choice(LEVEL_SETS)), disciplines=[rng.choice(codes)] if number % 9 else ["any"],
            categories=[], regions=["palestine"], palestinian_eligible=True, deadline_kind="date", deadline_at=deadline,
            deadline_tz="Asia/Hebron", deadline_text="", currency="", language="ar" if arabic else "en",
            status=status, featured=number % 97 == 0, first_seen_at=NOW - timedelta(days=rng.randint(0, 365)),
            last_seen_at=NOW, approved_at=NOW - timedelta(days=rng.randint(0, 6)) if is_open else None,
            content_hash=f"{number:064d}", evidence={}, scores={}, flags=[], tagged_at=NOW, tags_edited=False,
        ))
    return rows


def subscriber_rows(count: int, programmes: list[tuple[str, ...]], rng: random.Random) -> list[dict]:
    rows = []
    for number in range(count):
        faculty = number % 5 == 0
        rows.append(dict(
            email=f"person{number}@bench.ppu.edu", name=f"Person {number}", role="faculty" if faculty else "student",
            disciplines=list(rng.choice(programmes)), levels=["faculty"] if faculty else [rng.choice(("bachelor", "master"))],
            kinds=[], language="ar" if number % 2 else "en", frequency="weekly", confirmed=True, status="active",
            bounces=0, created_at=NOW - timedelta(days=30), confirmed_at=NOW - timedelta(days=30), token_nonce=0,
        ))
    return rows


def load(ctx: pipeline.Context, calls: int, subscribers: int, open_share: float) -> float:
    rng = random.Random(20261129)
    taxonomy = matching.load_taxonomy()
    codes = list(taxonomy.narrow())
    programmes = [tuple(p.codes) for p in taxonomy.programmes.values()]
    started = time.perf_counter()
    with ctx.sessions.begin() as session:
        for chunk in range(0, calls, 5000):
            rows = _offset(call_rows(min(5000, calls - chunk), open_share, codes, rng), chunk)
            session.execute(insert(storage.Opportunity), rows)
        session.execute(insert(storage.Subscriber), subscriber_rows(subscribers, programmes, rng))
    return time.perf_counter() - started


def _offset(rows: list[dict], chunk: int) -> list[dict]:
    for index, row in enumerate(rows):
        row["url"] = f"https://calls.example.org/{chunk + index}"
        row["content_hash"] = f"{chunk + index:064d}"
    return rows


def browse_latency(ctx: pipeline.Context, requests: int) -> tuple[float, float, int]:
    app = web.create_app(ctx, clock=lambda: NOW)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    paths = ["/", "/?kind=scholarship", "/?level=master", "/?field=07", "/?q=engineering", "/?page=3", "/?lang=ar"]
    timings = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        client.get("/")  # warm caches and templates
        for number in range(requests):
            started = time.perf_counter()
            response = client.get(paths[number % len(paths)])
            timings.append(time.perf_counter() - started)
            response.raise_for_status()
    server.should_exit = True
    thread.join()
    timings.sort()
    return statistics.median(timings) * 1000, timings[int(len(timings) * 0.95) - 1] * 1000, len(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="default: a SQLite file in a temp folder")
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--subscribers", type=int, default=50_000)
    parser.add_argument("--open-share", type=float, default=0.03)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fursa-scale-"))
    url = args.database_url or f"sqlite:///{folder / 'fursa.db'}"
    with CountingSink() as sink:
        run(args, folder, url, sink)
    print(f"messages received by the sink (a separate process): {sink.messages:,}, {sink.bytes / 2**20:,.0f} MiB")
    print(f"peak memory of this process (load, web, digest run): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def run(args: argparse.Namespace, folder: Path, url: str, sink: CountingSink) -> None:
    catalogue = folder / "catalogue.toml"
    catalogue.write_text("", encoding="utf-8")
    settings = load_settings(database_url=url, smtp_url=sink.url, outbox_dir=folder / "outbox", catalogue=catalogue,
                             model_dir=folder / ".fursa", weekend_days=(), smtp_connections=args.connections,
                             public_base_url="https://fursa.bench.example")
    ctx = pipeline.make_context(settings)
    pipeline.init_database(ctx)
    print(f"database: {ctx.sessions.kw['bind'].dialect.name}; {args.calls:,} calls "
          f"({args.open_share:.0%} approved and open), {args.subscribers:,} subscribers")
    print(f"load: {load(ctx, args.calls, args.subscribers, args.open_share):.1f} s")
    p50, p95, count = browse_latency(ctx, args.requests)
    print(f"browse page over HTTP ({count} requests): p50 {p50:.1f} ms, p95 {p95:.1f} ms  [goal p95 < 50 ms]")
    started = time.perf_counter()
    report = pipeline.send_due_digests(ctx, NOW)
    elapsed = time.perf_counter() - started
    print(f"weekly digest run: {elapsed:.1f} s  [goal < 300 s]; {report.describe()}")


if __name__ == "__main__":
    main()
