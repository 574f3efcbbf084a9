"""The invariants of an archive file, checked after a crash or a fault."""

from __future__ import annotations

import sqlite3


def consistency_problems(db) -> list[str]:
    """Every broken invariant of the archive file, as readable lines (empty: consistent)."""
    with sqlite3.connect(db) as conn:
        problems = [f"integrity: {row[0]}" for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [f"foreign key: {row}" for row in conn.execute("PRAGMA foreign_key_check")]
        tables = {name for (name,) in conn.execute("select name from sqlite_master where type = 'table'")}
        if "alembic_version" not in tables:  # killed before its migration committed: nothing at all
            return problems + ([f"half a schema: {sorted(tables)}"] if tables else [])
        checks = {
            "version without its capture":
                "select v.id from version v left join capture c on c.id = v.capture_id where c.id is null",
            "capture pointing at a missing version":
                "select c.id from capture c left join version v on v.id = c.version_id"
                " where c.version_id is not null and v.id is null",
            "capture without its blob":
                "select c.id from capture c left join blob b on b.sha256 = c.body_sha256"
                " where c.body_sha256 is not null and b.sha256 is null",
            "page without the blob of its last body":
                "select p.id from page p left join blob b on b.sha256 = p.body_sha256"
                " where p.body_sha256 is not null and b.sha256 is null",
            "new-version capture without a version":
                "select id from capture where outcome = 'new-version' and version_id is null",
            "version numbered twice":
                "select page_id, number from version group by page_id, number having count(*) > 1",
        }
        for name, sql in checks.items():
            problems += [f"{name}: {row}" for row in conn.execute(sql)]
    return problems
