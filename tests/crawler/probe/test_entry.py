"""A new [[source]] appended to sources.toml: the rest of the file byte for byte, the whole validated first."""

import os

import pytest

from crawler.probe.entry import HEADER, add_entry, check_new_name
from crawler.sources import SourcesError, load_sources

ENTRY = {"name": "gazette", "role": "origin", "start_urls": ["http://127.0.0.1:8001/"],
         "allow": [r"/articles/\d{4}/[^/]+\.html$", "it's/"]}


def test_a_missing_file_is_created_with_a_header(tmp_path):
    path = tmp_path / "sources.toml"
    add_entry(path, ENTRY)
    assert path.read_text() == f"""# {HEADER}

[[source]]
name = "gazette"
role = "origin"
start_urls = ["http://127.0.0.1:8001/"]
allow = ['/articles/\\d{{4}}/[^/]+\\.html$', "it's/"]
"""
    assert load_sources(path)["gazette"].allow == (r"/articles/\d{4}/[^/]+\.html$", "it's/")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_file_without_its_last_newline_and_with_only_notify(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nname = "a"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:1/"]')
    add_entry(path, ENTRY)
    assert list(load_sources(path)) == ["a", "gazette"]
    assert path.read_text().startswith('[[source]]\nname = "a"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:1/"]\n\n[[source]]\n')


def test_a_file_that_would_not_load_is_left_as_it_was(tmp_path):
    path = tmp_path / "sources.toml"
    before = '# mine\n[[source]]\nname = "a"\nrole = "copy"\nstart_urls = ["http://127.0.0.1:1/"]\n'
    path.write_text(before)
    os.chmod(path, 0o640)
    with pytest.raises(SourcesError) as error:
        add_entry(path, ENTRY)
    assert str(error.value) == f"{path}: source 'a': field 'role': must be 'origin' or 'mirror', not 'copy'"
    assert path.read_text() == before
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    with pytest.raises(SourcesError, match="field 'role'"):
        check_new_name(path, "gazette")


def test_the_file_keeps_its_mode_and_a_symlink_stays_one(tmp_path):
    real = tmp_path / "real.toml"
    real.write_text('[[source]]\nname = "a"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:1/"]\n')
    os.chmod(real, 0o640)
    link = tmp_path / "sources.toml"
    link.symlink_to(real)
    add_entry(link, ENTRY)
    assert link.is_symlink() and list(load_sources(real)) == ["a", "gazette"]
    assert real.stat().st_mode & 0o777 == 0o640


def test_check_new_name(tmp_path):
    path = tmp_path / "sources.toml"
    check_new_name(path, "gazette")  # no file: any name
    path.write_text("# nothing yet\n")
    check_new_name(path, "gazette")
    add_entry(path, ENTRY)
    with pytest.raises(SourcesError) as error:
        check_new_name(path, "gazette")
    assert str(error.value) == f"{path}: a source named 'gazette' exists already (pick another name)"
