"""`fursa demo --serve`: the demo's letters lead to a running web app, and their links work there.

Run as a person would: the command in a real process on a free loopback port; a letter read from
the demo's outbox; its preferences and one-click unsubscribe links followed with httpx against it.
"""
from __future__ import annotations

import os
import re
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from email import message_from_bytes
from email.policy import default

import httpx

from tests.web.live import free_port

LINK = re.compile(r'href="(http://127\.0\.0\.1:\d+/[^"]+)"')


def _start(folder, port: int) -> tuple[subprocess.Popen, list[str]]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FURSA_")}
    process = subprocess.Popen([sys.executable, "-m", "fursa.cli", "demo", "--serve", "--port", str(port),
                                "--folder", str(folder / "demo")], cwd=folder, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    said = read_until(process, "Uvicorn running on")
    return process, said


def read_until(process: subprocess.Popen, marker: str) -> list[str]:
    """The lines `process` prints up to the one holding `marker`; read in a thread, so a process that
    falls silent fails the test after a generous guard instead of hanging it."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout] + [lines.put("")],
                     daemon=True).start()
    said: list[str] = []
    while not said or marker not in said[-1]:
        try:
            line = lines.get(timeout=180)
        except queue.Empty:
            raise AssertionError(f"{process.args[3:]} said nothing more after {said!r}") from None
        assert line, f"{process.args[3:]} ended: {said!r}"
        said.append(line)
    return said


def test_the_served_demo_answers_its_own_letters_links(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process, said = _start(tmp_path, port)
    try:
        assert any(line.startswith(f"serving the demo at {base}") for line in said), said
        letters = sorted((tmp_path / "demo" / "outbox").glob("*.eml"))
        assert letters, said
        message = message_from_bytes(letters[0].read_bytes(), policy=default)
        html = message.get_body(preferencelist=("html",)).get_content()
        links = LINK.findall(html)
        assert links and all(link.startswith(base) for link in links), links
        preferences = next(link for link in links if "/preferences/" in link)
        unsubscribe = str(message["List-Unsubscribe"]).strip("<>")
        assert unsubscribe.startswith(f"{base}/unsubscribe/")

        home = httpx.get(f"{base}/", timeout=30)
        assert home.status_code == 200 and 'href="/calls/' in home.text   # the approved calls are browsable
        page = httpx.get(preferences, timeout=30)
        assert page.status_code == 200 and "<form" in page.text, page.text[:500]
        one_click = httpx.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}, timeout=30)
        assert one_click.status_code == 200, one_click.text[:500]
        with sqlite3.connect(tmp_path / "demo" / "fursa.db") as database:
            (state,) = database.execute("SELECT status FROM subscribers WHERE email = ?",
                                        (message["To"].addresses[0].addr_spec,)).fetchone()
        assert state == "unsubscribed"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


def test_a_port_in_use_is_one_clear_line(tmp_path):
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        env = {key: value for key, value in os.environ.items() if not key.startswith("FURSA_")}
        done = subprocess.run([sys.executable, "-m", "fursa.cli", "demo", "--serve", "--port",
                               str(taken.getsockname()[1]), "--folder", str(tmp_path / "demo")], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stderr.startswith("error: cannot listen on 127.0.0.1:")
    assert "--port" in done.stderr and "Traceback" not in done.stderr
