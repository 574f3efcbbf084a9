"""Everything a person reads, apart from the dashboard: the reports' data rendered as text or HTML.

Storage returns plain data (``storage.reports``: the JSON shapes); this package turns it into

* ``text``    rich terminal output of runs, crawls, histories, diffs, copies, comparisons;
* ``sources`` the sources list, ``sources add`` and ``sources test``;
* ``report``  the monitoring report as text;
* ``leads``   ``discover``'s leads, with their evidence and the command that adds each;
* ``lines``   text wrapped beside a label, and URLs printed whole (they paste at any width);
* ``html``    self-contained HTML pages (Jinja2, autoescaped) from ``templates/``, whose
  ``base.html`` the dashboard's own templates extend, and whose ``marks.html`` macros mark
  the changed words and typography in every diff and comparison.

Scraped text is never markup here: rich prints it with markup off, Jinja2 escapes it.
"""
