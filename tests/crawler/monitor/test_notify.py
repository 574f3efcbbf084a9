"""Notifications: one batched message per run, delivered to a real local webhook receiver;
failed deliveries retried with backoff and never fatal."""

import json
import sqlite3
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler.monitor.crawl_process import RunOutcome
from crawler.monitor.notify import Notifier, deliver, message
from crawler.sources import NotifyTarget

START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
END = datetime(2026, 3, 10, 12, 1, tzinfo=UTC)
NEWS = "http://127.0.0.1:8001"


def outcome(source="news", run_id=7, status="finished"):
    return RunOutcome(source, START, END, 0, status, run_id, {"fetched": 3, "new_version": 2})


REPORT = {
    "since": START.isoformat(), "until": END.isoformat(),
    "new": [{"url": f"{NEWS}/articles/new.html", "source": "news", "title": "New"}],
    "changed": [
        {"url": f"{NEWS}/articles/tram.html", "source": "news", "class": "paragraphs-removed",
         "significance": 0.8, "title": "Tram"},
        {"url": f"{NEWS}/articles/typo.html", "source": "news", "class": "typo", "significance": 0.05,
         "title": "Typo <b>"},
    ],
    "gone": [{"url": f"{NEWS}/articles/old.html", "source": "news"}],
    "new_copies": [], "diverged_copies": [],
    "health": [{"source": "news", "warnings": []}],
}


class Receiver:
    """A webhook endpoint on 127.0.0.1:0 that records each POST; ``fail`` first answers 500."""

    def __init__(self, fail: int = 0):
        self.messages: list[dict] = []
        self.attempts = 0
        self.fail = fail
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.attempts += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.attempts <= receiver.fail:
                    self.send_response(500)
                else:
                    receiver.messages.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(**kw):
        made.append(Receiver(**kw))
        return made[-1]

    yield make
    for r in made:
        r.close()


def test_message_names_each_change_with_class_and_significance():
    msg = message(REPORT, outcome(), report_path="/srv/reports/run-7-news.html")
    assert msg["title"] == "mirrorwatch: news run 7 finished: 2 changed, 1 new, 1 gone, 0 copies"
    assert msg["text"].splitlines() == [
        msg["title"],
        f"changed [paragraphs-removed 0.80] {NEWS}/articles/tram.html",
        f"changed [typo 0.05] {NEWS}/articles/typo.html",
        f"new {NEWS}/articles/new.html",
        f"gone {NEWS}/articles/old.html",
        "report: /srv/reports/run-7-news.html",
    ]
    assert [(c["class"], c["significance"]) for c in msg["changed"]] == [("paragraphs-removed", 0.8), ("typo", 0.05)]
    assert msg["run"]["run_id"] == 7 and msg["report_path"] == "/srv/reports/run-7-news.html"


def test_significance_filter_and_nothing_to_say():
    msg = message(REPORT, outcome(), report_path=None, min_significance=0.5)
    assert [c["url"] for c in msg["changed"]] == [f"{NEWS}/articles/tram.html"]
    quiet = {**REPORT, "new": [], "gone": [], "changed": REPORT["changed"][1:]}
    assert message(quiet, outcome(), report_path=None, min_significance=0.5) is None
    # A health warning alone is worth a message.
    sick = {"health": [{"url": NEWS, "source": "news", "warnings": ["the last crawl fetched no pages"]}]}
    warned = message(sick, outcome(), report_path=None)
    assert warned["text"].splitlines()[1:] == ["warning news: the last crawl fetched no pages"]
    # A failed run is worth a message even with no content changes.
    failed = message({}, outcome(status="failed"), report_path=None)
    assert failed["title"] == "mirrorwatch: news run 7 failed: 0 changed, 0 new, 0 gone, 0 copies"


def test_webhook_receives_the_json_message(receiver):
    hook = receiver()
    payload = message(REPORT, outcome(), report_path=None)
    assert deliver(NotifyTarget(webhook=hook.url), payload)
    assert hook.messages == [payload]


def test_failing_receiver_is_retried_with_backoff(receiver, caplog):
    hook = receiver(fail=2)
    pauses = []
    payload = message(REPORT, outcome(), report_path=None)
    assert deliver(NotifyTarget(webhook=hook.url), payload, attempts=4, backoff=0.5, sleep=pauses.append)
    assert (hook.attempts, len(hook.messages), pauses) == (3, 1, [0.5, 1.0])
    assert "failed (HTTP 500); retrying in 0.5 s" in caplog.text


def test_unreachable_target_gives_up_without_raising(receiver, caplog):
    hook = receiver(fail=99)
    pauses = []
    target = NotifyTarget(webhook=hook.url)
    assert not deliver(target, {"title": "t", "text": "t"}, attempts=3, backoff=0.1, sleep=pauses.append)
    assert (hook.attempts, pauses) == (3, [0.1, 0.2])
    assert f"notification to {hook.url} failed after 3 attempts: HTTP 500" in caplog.text
    closed = NotifyTarget(webhook="http://127.0.0.1:9/nothing-listens")
    assert not deliver(closed, {"title": "t", "text": "t"}, attempts=2, backoff=0, sleep=pauses.append)


def test_apprise_target_without_apprise_installed_is_logged_not_raised(caplog, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_apprise(name, *args, **kw):
        if name == "apprise":
            raise ImportError(name)
        return real_import(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_apprise)
    assert not deliver(NotifyTarget(url="json://127.0.0.1:9/"), {"title": "t", "text": "t"}, attempts=1)
    assert "pip install 'mirrorwatch[notify]'" in caplog.text


def test_after_run_sends_one_message_per_target_and_writes_the_report(receiver, tmp_path):
    everything, important, other_source = receiver(), receiver(), receiver()
    targets = (NotifyTarget(webhook=everything.url),
               NotifyTarget(webhook=important.url, min_significance=0.9),
               NotifyTarget(webhook=other_source.url, sources=("blog",)))
    notifier = Notifier(targets, db=f"sqlite:///{tmp_path / 'a.db'}", report_dir=tmp_path / "reports",
                        build_report=lambda run: (REPORT, "<html>report of run %d</html>" % run.run_id))
    notifier.after_run(outcome())
    assert len(everything.messages) == 1
    [msg] = everything.messages
    assert msg["report_path"] == str(tmp_path / "reports" / "run-7-news.html")
    assert (tmp_path / "reports" / "run-7-news.html").read_text() == "<html>report of run 7</html>"
    # min 0.9 leaves no change, but the new and gone pages are still worth the one message.
    assert len(important.messages) == 1 and important.messages[0]["changed"] == []
    assert other_source.messages == []


def test_a_broken_report_still_tells_about_a_failed_run(receiver, tmp_path):
    hook = receiver()

    def broken(run):
        raise RuntimeError("database away")

    notifier = Notifier((NotifyTarget(webhook=hook.url),), db="x.db", report_dir=tmp_path, build_report=broken)
    notifier.after_run(outcome(status="finished"))
    notifier.after_run(outcome(status="failed", run_id=8))
    assert [m["run"]["run_id"] for m in hook.messages] == [8]


@pytest.mark.slow
def test_scheduler_sends_one_message_per_run_naming_the_change(receiver, site, ws):
    from tests.support.scheduler import captures, start_scheduler, stop, wait_for
    from tests.support.sites import PARAGRAPHS

    A = "/articles/tram.html"

    hook = receiver()
    site.index(A)
    site.article(A, "Tram line extended", PARAGRAPHS)
    ws.source(site, schedule="2s")
    with open(ws.dir / "sources.toml", "a") as sources:
        sources.write(f'\n[[notify]]\nwebhook = "{hook.url}"\n')
    proc = start_scheduler(ws)
    try:
        wait_for(lambda: hook.messages, what="the first run's message")
        with sqlite3.connect(ws.db) as conn:
            conn.execute("update page set next_due_at = '2000-01-01 00:00:00'")
        site.article(A, "Tram line extended", PARAGRAPHS[:3])  # the last paragraph retracted
        wait_for(lambda: len(hook.messages) >= 2, what="the second message")
        time.sleep(3)  # a run or two more with nothing new: no message from them
    finally:
        log = stop(proc)
    assert proc.returncode == 0, log
    changed_runs = sorted({run for run, _, outcome in captures(ws) if outcome == "new-version"})
    assert sorted(m["run"]["run_id"] for m in hook.messages) == changed_runs  # one each, none for the rest
    first, second = sorted(hook.messages, key=lambda m: m["run"]["run_id"])
    assert [e["url"] for e in first["new"]] == [site.url + A] and first["changed"] == []
    [change] = second["changed"]
    assert change["url"] == site.url + A and change["class"] == "paragraphs-removed"
    assert 0 < change["significance"] <= 1
    assert f"changed [paragraphs-removed {change['significance']:.2f}] {site.url + A}" in second["text"]
    report = second["report_path"]
    assert report == str(ws.dir / "reports" / f"run-{second['run']['run_id']}-test.html")
    assert site.url + A in open(report).read()


def test_apprise_target_delivers_one_message_through_apprise(receiver):
    # Apprise's own json:// scheme posts {"title", "message", ...} to a local receiver: the real
    # Apprise code path, no network beyond 127.0.0.1.
    hook = receiver()
    target = NotifyTarget(url=hook.url.replace("http://", "json://"))
    assert deliver(target, {"title": "mirrorwatch: news run 7", "text": "rewrite 0.49 /articles/tram.html"},
                   attempts=1)
    (sent,) = hook.messages
    assert (sent["title"], sent["message"]) == ("mirrorwatch: news run 7", "rewrite 0.49 /articles/tram.html")


def test_a_run_report_never_reaches_back_into_the_previous_run(db_url, tmp_path):
    # Runs of a short schedule follow each other closely: the second of slack before a run's start
    # must not bring the previous run's new page into this run's report (and message).
    from datetime import timedelta

    from storage.archive import Archive
    from storage.types import Fetch, utcnow
    from tests.support.records import URL, extracted

    archive = Archive.open(db_url)
    archive.ensure_source("gazette", role="origin", origin="http://127.0.0.1:9")
    first = archive.start_run("gazette")
    found = utcnow()
    archive.record(Fetch("gazette", URL, found, 200, b"<html>v1</html>"),
                   extracted(["A page found in the first run."]), run_id=first)
    archive.finish_run(first, reason="finished", stats={"mirrorwatch/captures/new-version": 1})
    second = archive.start_run("gazette")
    archive.finish_run(second, reason="finished", stats={})
    started = found + timedelta(seconds=0.5)  # within the second of slack before a run's start
    notifier = Notifier((), db=db_url, report_dir=tmp_path)
    report, html = notifier.report(RunOutcome("gazette", started, utcnow(), 0, "finished", second, {}))
    assert report["new"] == [] and "A page found" not in html
    report, _ = notifier.report(RunOutcome("gazette", started, utcnow(), 0, "finished", first, {}))
    assert [e["url"] for e in report["new"]] == ["http://127.0.0.1:9/articles/tram.html"]
    archive.engine.dispose()
    notifier._archive.engine.dispose()
