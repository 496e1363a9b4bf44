"""Digest benchmark: render + inline per recipient, and send rate to a local aiosmtpd sink.

    python bench/digests.py                      # 10,000 subscribers x 20 items, 2,000 messages sent
    python bench/digests.py --subscribers 1000 --messages 500 --connections 2

Figures printed (issue 5's targets in brackets):
  render+inline ms per recipient, every digest rendered on its own [<= 5 ms]
  the same through form letters (a run renders each distinct digest once and fills in name and links)
  select+score, MIME bytes through the email package and through the direct writer
  SendPool+SmtpTransport msg/s vs a plain smtplib loop, same bytes and connections [>= 200/s, >= 0.7x]
  send_digests end to end (SQLite ledger, render, send) msg/s, for information
The sink runs in its own process so it does not share the senders' interpreter lock.
"""
from __future__ import annotations

import argparse
import smtplib
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fursa.digests import DeliveryConfig, build_envelope, build_message, render_digest, send_digests  # noqa: E402
from fursa.digests.compose import compose_digest  # noqa: E402
from fursa.digests.letters import FormLetters  # noqa: E402
from fursa.digests.selection import OpenCalls  # noqa: E402
from fursa.digests.wire import new_boundaries, wire_envelope  # noqa: E402
from fursa.digests.pool import SendPool  # noqa: E402
from fursa.digests.smtp import SmtpTransport, parse_smtp_url  # noqa: E402
from bench.smtp_sink import CountingSink  # noqa: E402

NOW = datetime(2026, 11, 29, 7, 0, tzinfo=timezone.utc)
FIELDS = ["0613", "0531", "0111", "0712", "any"]
TITLES = ["Erasmus+ master scholarship in software engineering at a European university",
          "منحة ماجستير في هندسة البرمجيات من برنامج إيراسموس+ في جامعة أوروبية",
          "DAAD research grant for doctoral candidates <in chemistry> & related fields",
          "زمالة بحثية لأعضاء هيئة التدريس في علوم البيئة وتكنولوجيا حماية البيئة"]


def make_calls(count: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(
        id=number, title=f"{TITLES[number % 4]} #{number}", url=f"https://calls.example.org/{number}",
        provider="DAAD" if number % 2 else "الاتحاد الأوروبي", kind=("scholarship", "exchange", "training")[number % 3],
        levels=["master", "bachelor"], disciplines=[FIELDS[number % 5], "any"], regions=[], palestinian_eligible=True,
        deadline_at=NOW + timedelta(days=3 + number % 50) if number % 7 else None,
        deadline_kind="date" if number % 7 else "rolling", deadline_tz=None, featured=number % 11 == 0,
        status="approved", merged_into_id=None) for number in range(count)]


def make_people(count: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(id=number + 1, email=f"person{number}@ppu.edu", name=f"Person {number}", role="student",
                            disciplines=[FIELDS[number % 4]], levels=["master"], kinds=[],
                            language="ar" if number % 2 else "en", token_nonce=0, bounces=0)
            for number in range(count)]


def bench_render(subscribers: int, config: DeliveryConfig) -> list[bytes]:
    calls, people = make_calls(120), make_people(subscribers)
    open_calls, letters, boundaries = OpenCalls(calls, now=NOW), FormLetters(config, render_digest), new_boundaries()
    spent: dict[str, list[float]] = {step: [] for step in ("select", "render", "letter", "stdlib", "direct")}
    sizes, wire = [], []
    for person in people:
        marks = [time.perf_counter()]
        digest = compose_digest(person, open_calls, sent_ids=set(), period="weekly:2026-W48", now=NOW, config=config)
        marks.append(time.perf_counter())
        rendered = render_digest(digest, config)
        marks.append(time.perf_counter())
        letter = letters.render(digest)
        marks.append(time.perf_counter())
        build_envelope(build_message(rendered, person, config, now=NOW), config, None)
        marks.append(time.perf_counter())
        data = wire_envelope(letter, person, config, None, now=NOW, boundaries=boundaries).data
        marks.append(time.perf_counter())
        assert len(digest.items) == 20, "every recipient gets 20 items"
        for step, started, ended in zip(spent, marks, marks[1:]):
            spent[step].append(ended - started)
        sizes.append(len(data))
        wire.append(data)
    ms = lambda values: 1000 * statistics.fmean(values)  # noqa: E731
    p95 = lambda values: 1000 * statistics.quantiles(values, n=20)[-1]  # noqa: E731
    print(f"render: {subscribers} recipients x 20 items, half Arabic")
    print(f"  render+inline (+ .ics), each digest alone   {ms(spent['render']):6.2f} ms/recipient mean, "
          f"{p95(spent['render']):6.2f} p95   [target <= 5]")
    print(f"  through form letters (as a run renders)     {ms(spent['letter']):6.2f} ms/recipient mean")
    print(f"  select+score (one ranking per profile)      {ms(spent['select']):6.2f} ms/recipient")
    print(f"  MIME build + serialize, email package       {ms(spent['stdlib']):6.2f} ms/recipient")
    print(f"  MIME bytes, direct writer (as a run does)   {ms(spent['direct']):6.2f} ms/recipient; "
          f"message {statistics.fmean(sizes) / 1024:.1f} KiB mean")
    return wire


def plain_smtplib(port: int, messages: list[bytes], connections: int) -> float:
    def worker(chunk):
        connection = smtplib.SMTP("127.0.0.1", port)
        for data in chunk:
            connection.sendmail("fursa@ppu.edu", ["person@ppu.edu"], data)
        connection.quit()
    return _timed_threads(worker, messages, connections)


def fursa_pool(port: int, messages: list[bytes], connections: int) -> float:
    from fursa.digests.records import Envelope
    server = parse_smtp_url(f"smtp://127.0.0.1:{port}")
    envelopes = [Envelope("fursa@ppu.edu", "person@ppu.edu", data, f"<{n}@b>") for n, data in enumerate(messages)]
    started = time.perf_counter()
    with SendPool(lambda: SmtpTransport(server), connections=connections) as pool:
        futures = [pool.submit(envelope) for envelope in envelopes]
        for future in futures:
            future.result()
    return len(messages) / (time.perf_counter() - started)


def _timed_threads(worker, messages, connections) -> float:
    chunks = [messages[index::connections] for index in range(connections)]
    threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(messages) / (time.perf_counter() - started)


def end_to_end(port: int, count: int, connections: int) -> float:
    from fursa.storage import Opportunity, SubscriberInput, add_subscriber, make_engine, make_sessionmaker, migrate
    folder = Path(tempfile.mkdtemp(prefix="fursa-bench-"))
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    migrate(engine)
    with make_sessionmaker(engine)() as session:
        for person in make_people(count):
            add_subscriber(session, SubscriberInput(email=person.email, disciplines=tuple(person.disciplines),
                                                    levels=("master",), language=person.language, confirmed=True),
                           NOW - timedelta(days=30))
        for call in make_calls(40):
            fields = {k: v for k, v in vars(call).items() if k not in ("id", "deadline_tz", "merged_into_id")}
            session.add(Opportunity(**fields, first_seen_at=NOW, last_seen_at=NOW, content_hash=f"h{call.id}"))
        session.commit()
        config = DeliveryConfig(outbox_dir=folder, smtp_url=f"smtp://127.0.0.1:{port}", connections=connections,
                                public_base_url="https://fursa.ppu.edu")
        started = time.perf_counter()
        report = send_digests(session, now=NOW, config=config)
        elapsed = time.perf_counter() - started
    assert report.sent == count, report.describe()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=2_000)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--end-to-end", type=int, default=1_000, help="subscribers for the full send_digests run")
    args = parser.parse_args()
    config = DeliveryConfig(outbox_dir=Path(tempfile.gettempdir()))
    wire = bench_render(args.subscribers, config)
    messages = (wire * (args.messages // len(wire) + 1))[: args.messages]

    with CountingSink() as sink:
        plains, ours = [], []
        for _ in range(args.rounds):  # alternate, so a busy moment on the machine hurts both alike
            plains.append(plain_smtplib(sink.port, messages, args.connections))
            ours.append(fursa_pool(sink.port, messages, args.connections))
        plain, mine = statistics.median(plains), statistics.median(ours)
        ratios = ", ".join(f"{o / p:.2f}" for o, p in zip(ours, plains))
        print(f"send: {len(messages)} pre-rendered messages, {args.connections} connection(s), aiosmtpd sink in a "
              f"child process, median of {args.rounds} alternating rounds")
        print(f"  plain smtplib loop         {plain:8.0f} msg/s")
        print(f"  SendPool + SmtpTransport   {mine:8.0f} msg/s  = {mine / plain:.2f}x plain (rounds: {ratios})"
              "   [target >= 200/s, >= 0.7x]")
        if args.end_to_end:
            full = end_to_end(sink.port, args.end_to_end, args.connections)
            print(f"  send_digests end to end    {full:8.0f} msg/s  ({args.end_to_end} subscribers: select, render, "
                  "ledger claim + commit, send, mark sent + commit)")
    print(f"  the sink received {sink.messages:,} messages")

if __name__ == "__main__":
    main()
