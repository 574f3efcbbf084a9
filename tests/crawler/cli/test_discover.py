"""`mirrorwatch discover` as a user runs it: the leads as JSON rows with the command that adds
each, the same as text, --limit, no leads, no archive."""

import pytest

from tests.support import leads as scene

SOURCES = "".join(f'[[source]]\nname = "{name}"\nrole = "{role}"\nstart_urls = ["{origin}/"]\n\n'
                  for (name, origin), role in zip(scene.CONFIGURED.items(), ("origin", "mirror"), strict=True))
ADD = {
    "www.harbourtimes.example": "mirrorwatch sources add www.harbourtimes.example https://www.harbourtimes.example/"
                                " --role origin",
    "127.0.0.1:9008": "mirrorwatch sources add 127.0.0.1-9008 http://127.0.0.1:9008/ --role origin",
    "wire.example": "mirrorwatch sources add wire.example https://wire.example/ --role origin",
    "127.0.0.1:9007": "mirrorwatch sources add blog-copies http://127.0.0.1:9007/ --role mirror",
}


@pytest.fixture
def workspace(ws):
    ws.sources(SOURCES)
    scene.build(ws.db_url)
    return ws


def test_json_rows_and_add_commands(workspace):
    data = workspace.json("discover")
    assert data["leads"] == [row | {"command": ADD[row["host"]]} for row in scene.LEADS]
    assert (data["unplaced_names"], data["leads_total"], data["pages_read"]) == (scene.UNPLACED, 4, 5)


def test_text_lists_evidence_and_commands(workspace):
    out = workspace.cli("discover").stdout
    assert out.startswith("4 leads (sites not in the sources file), strongest first, from 5 current versions:\n")
    assert f"""
1. www.harbourtimes.example  (origin, score 3)
  named as the source ("Harbour Times") by 1 page
    {scene.P1}
  its articles linked from 2 pages, e.g.
    https://www.harbourtimes.example/2026/03/01/channel-to-be-deepened/
    https://www.harbourtimes.example/2026/03/02/fishermen-ask-for-compensation
  add it with:
    {ADD["www.harbourtimes.example"]}
""" in out
    assert f"""
4. 127.0.0.1:9007  (mirror, score 1, in the archive as blog-copies)
  1 copy of archived pages there
    {scene.COPY}
  add it with:
    {ADD["127.0.0.1:9007"]}
""" in out
    assert out.endswith(f"""Named as a source, on no site found (no link, no matching host):
  "Coastal Wire" by 1 page
    {scene.P2}
""")
    assert "twitter.com" not in out and "127.0.0.1:9002" not in out


def test_limit_and_another_sources_file(workspace):
    (workspace.dir / "sources.toml").rename(workspace.dir / "mine.toml")
    data = workspace.json("--sources", "mine.toml", "discover", "--limit", "1")
    assert [(row["host"], row["command"]) for row in data["leads"]] == [
        ("www.harbourtimes.example", "mirrorwatch --sources mine.toml sources add www.harbourtimes.example "
                                     "https://www.harbourtimes.example/ --role origin")]
    assert data["leads_total"] == 4


def test_no_leads_is_one_line_and_success(ws):
    from storage.archive import Archive

    ws.sources(SOURCES)
    Archive.open(ws.db_url).engine.dispose()
    result = ws.cli("discover")
    assert (result.returncode, result.stdout) == (0, "No leads: no site outside the sources file is linked to from"
                                                     " two archived pages or more, named as a source, or holds"
                                                     " copies of archived pages.\n")
    assert ws.json("discover") == {"leads": [], "leads_total": 0, "unplaced_names": [], "pages_read": 0}


def test_no_archive_is_one_line(ws):
    ws.sources(SOURCES)
    result = ws.cli("--db", "typo.db", "discover", check=False)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "Error: no archive at typo.db (run `mirrorwatch crawl` to create one, or check --db)\n"
    assert not (ws.dir / "typo.db").exists()
