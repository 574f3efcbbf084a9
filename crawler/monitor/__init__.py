"""Unattended monitoring: schedules, the scheduler, its child crawls, notifications.

1. ``schedules``      a source's ``schedule`` (interval or cron) and whether it is due;
2. ``scheduler``      APScheduler, its jobs kept in the archive's database (``mirrorwatch_jobs``),
   a lock row so one scheduler runs per database, signals, ``--once``;
3. ``crawl_process``  each run is ``python -m crawler crawl --due --format json NAME`` in a
   child process (the Twisted reactor cannot restart); the parent reads the child's
   ``crawler.crawl.result`` JSON from its stdout and closes a run the child left open;
4. ``notify``         after each run: the monitoring report for the run's window as HTML, and one
   message per ``[[notify]]`` target (a JSON webhook or Apprise), with retries.
"""
