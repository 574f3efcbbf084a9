"""``mirrorwatch schedule`` on sources that have no schedule: it says so instead of waiting forever."""

from __future__ import annotations

import pytest

from tests.support.workspace import source_table

NONE_SCHEDULED = ('Error: no source in sources.toml has a schedule (news, blog), so the scheduler would never crawl: '
                  'add e.g. schedule = "6h" (or a cron expression such as "0 */6 * * *") to each [[source]] '
                  'in sources.toml\n')


@pytest.mark.slow
@pytest.mark.parametrize("once", [True, False], ids=["--once", "forever"])
def test_a_scheduler_with_nothing_scheduled_says_which_sources_and_how(site, ws, once):
    ws.sources(source_table(site, name="news") + source_table(site, name="blog", role="mirror"))
    result = ws.run("schedule", *(["--once"] if once else []), check=False)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", NONE_SCHEDULED)
    assert not ws.db.exists()
    assert site.server.paths_requested() == []
