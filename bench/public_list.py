"""The public list at 100,000 calls (issue 14, "Fast pages"), on SQLite and on PostgreSQL, loopback only.

    python bench/public_list.py                      # SQLite file in a temp folder
    python bench/public_list.py --database-url postgresql+psycopg://postgres@127.0.0.1:54404/fursa_list
    python bench/public_list.py --calls 10000        # a quick run
    python bench/public_list.py --database-url sqlite:////tmp/list.db   # a second run reuses the calls stored

Prints, for one database:
  1. each query shape's latency in storage.search_calls (what the page asks the database), p50/p95
     over --queries runs [goal p95 < 50 ms]: the default list, newest, page 10, a field, a level and
     kind, an English word, two English words, an Arabic word, a country, a search that matches nothing;
  2. requests per second for the public list "/" served by Fursa (one uvicorn worker in a child
     process) and by a bare Starlette app serving the same bytes in the same way, measured in this
     run with the same client [goal: Fursa >= 0.3 x bare].

Calls are made as bench/scale.py makes them (most expired or rejected, 3 % approved and open); the
open ones get the full search text the pipeline writes (matching.search_document), the others
storage's plain text, as a database upgraded to migration 0008 and tagged since would hold.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bench.scale import NOW, _offset, call_rows  # noqa: E402
from fursa import matching, pipeline, storage  # noqa: E402
from fursa.settings import load_settings  # noqa: E402

SHAPES = {
    "default list": dict(),
    "newest": dict(sort="newest"),
    "page 10": dict(page=10),
    "field 07": dict(discipline="07"),
    "level master + kind": dict(level="master", kind="scholarship"),
    "text: pharmacy": dict(text="pharmacy"),
    "text: engineering master": dict(text="civil engineering"),
    "Arabic text: الصيدلة": dict(text="الصيدلة"),
    "text: Hungary (country names)": dict(text="Hungary"),
    "no match": dict(text="xylophonist"),
}
PAGE_SIZE = 20


def settings_for(url: str, folder: Path):
    catalogue = folder / "catalogue.toml"
    catalogue.write_text("", encoding="utf-8")
    return load_settings(database_url=url, outbox_dir=folder / "outbox", catalogue=catalogue,
                         model_dir=folder / ".fursa", secret_key="bench secret key, not for production",
                         public_base_url="http://127.0.0.1")


def load(ctx: pipeline.Context, calls: int, open_share: float) -> float:
    """Store `calls` calls; the open ones with the pipeline's search text (as after a tagging run)."""
    rng = random.Random(20261206)
    taxonomy = matching.load_taxonomy()
    codes = list(taxonomy.narrow())
    started = time.perf_counter()
    with ctx.sessions.begin() as session:
        for chunk in range(0, calls, 5000):
            rows = _offset(call_rows(min(5000, calls - chunk), open_share, codes, rng), chunk)
            for row in rows:
                if rng.random() < 0.02:
                    row["text"] += " Study in Hungary; منحة للدراسة في المجر." if row["language"] == "en" else \
                        " منحة للدراسة في المجر."
                if row["status"] == "approved":
                    row["search_text"] = matching.search_document(matching.Searchable(
                        title=row["title"], text=row["text"], provider=row["provider"], kind=row["kind"],
                        levels=tuple(row["levels"]), disciplines=tuple(row["disciplines"])))
                    row["search_version"] = matching.SEARCH_VERSION
                else:
                    row["search_text"] = storage.plain_document(row["title"], "", row["provider"], row["text"])
            session.execute(insert(storage.Opportunity), rows)
    if ctx.engine.dialect.name == "postgresql":
        with ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE opportunities")
    return time.perf_counter() - started


def query_latency(ctx: pipeline.Context, runs: int) -> dict[str, tuple[float, float, float, int]]:
    """shape -> (p50 ms, p95 ms, first run ms, total calls found), each run in its own session as a
    request is.

    Counts are kept per list generation, so the percentiles are those of a site between two
    crawls; the first run of each shape counts too (a request just after a crawl or an approval)."""
    figures = {}
    for name, shape in SHAPES.items():
        shape = dict(shape)
        page = shape.pop("page", 1)
        query = storage.CallQuery(**shape, terms=matching.search_terms(shape.get("text", "")))
        timings, total = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            with ctx.sessions() as session:
                found = storage.search_calls(session, query, NOW, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
                total = found.total
            timings.append((time.perf_counter() - started) * 1000)
        cold = timings[0]
        timings.sort()
        figures[name] = (statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)], cold, total)
    return figures


def _serve_fursa(url: str, folder: str, port_queue) -> None:

    from fursa import web
    ctx = pipeline.make_context(settings_for(url, Path(folder)))
    _serve(web.create_app(ctx, clock=lambda: NOW), port_queue)


def _serve_bare(body: bytes, port_queue) -> None:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def page(request):
        return Response(body, media_type="text/html; charset=utf-8")

    _serve(Starlette(routes=[Route("/", page)]), port_queue)


def _serve(app, port_queue) -> None:
    import socket

    import uvicorn
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port_queue.put(sock.getsockname()[1])
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])


def start(target, *args) -> tuple[multiprocessing.Process, int]:
    queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=target, args=(*args, queue), daemon=True)
    process.start()
    port = queue.get(timeout=60)
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    return process, port


async def _hammer(port: int, path: str, seconds: float, connections: int) -> tuple[int, list[float]]:
    timings: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits) as client:
        async def worker() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(path)
                response.raise_for_status()
                timings.append(time.perf_counter() - started)
        await asyncio.gather(*(worker() for _ in range(connections)))
    return len(timings), timings


def throughput(port: int, path: str, seconds: float, connections: int) -> tuple[float, float]:
    """(requests per second, p95 ms) of GET `path` for `seconds` after a short warm-up."""
    asyncio.run(_hammer(port, path, 1.0, connections))
    count, timings = asyncio.run(_hammer(port, path, seconds, connections))
    timings.sort()
    return count / seconds, timings[int(len(timings) * 0.95) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="default: a SQLite file in a temp folder")
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--open-share", type=float, default=0.03)
    parser.add_argument("--queries", type=int, default=50, help="runs of each query shape")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each throughput run")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fursa-list-"))
    url = args.database_url or f"sqlite:///{folder / 'fursa.db'}"
    ctx = pipeline.make_context(settings_for(url, folder))
    pipeline.init_database(ctx)
    print(f"database: {ctx.engine.dialect.name}; {args.calls:,} calls ({args.open_share:.0%} approved and open)")
    with ctx.sessions() as session:
        stored = session.query(storage.Opportunity).count()
    if stored:
        print(f"reusing the {stored:,} calls already stored")
    else:
        print(f"load: {load(ctx, args.calls, args.open_share):.1f} s  (database: {url})")
    print(f"\nstorage.search_calls, {args.queries} runs per shape  [goal p95 < 50 ms]")
    for name, (p50, p95, cold, total) in query_latency(ctx, args.queries).items():
        print(f"  {name:32} p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   first (counting) {cold:6.2f} ms   {total:5,} found")
    ctx.engine.dispose()

    fursa, port = start(_serve_fursa, url, str(folder))
    body = httpx.get(f"http://127.0.0.1:{port}/").content
    fursa_rate, fursa_p95 = throughput(port, "/", args.seconds, args.connections)
    fursa.terminate()
    fursa.join()
    bare, port = start(_serve_bare, body)
    bare_rate, bare_p95 = throughput(port, "/", args.seconds, args.connections)
    bare.terminate()
    bare.join()
    print(f"\nGET / over HTTP, one uvicorn worker, {args.connections} connections, {args.seconds:.0f} s each "
          f"({len(body):,} bytes a page)")
    print(f"  Fursa         {fursa_rate:7.1f} requests/s   p95 {fursa_p95:6.1f} ms")
    print(f"  bare Starlette {bare_rate:6.1f} requests/s   p95 {bare_p95:6.1f} ms   (the same bytes)")
    print(f"  ratio {fursa_rate / bare_rate:.2f} x  [goal >= 0.3 x]")


if __name__ == "__main__":
    main()
