"""tender search on SQLite: an FTS5 trigram index of title and description, kept by triggers,
so that the search's substring match is an index lookup there too (PostgreSQL: 0010)

The index reads its text from ``tenders`` by rowid (external content). A ``VACUUM`` may
renumber the rowids of a table without an integer primary key: after one, run
``INSERT INTO tenders_search(tenders_search) VALUES ('rebuild')`` (docs/deploy.md).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ADD = ("INSERT INTO tenders_search(rowid, title, description) "
       "VALUES (new.rowid, new.title, new.description);")
REMOVE = ("INSERT INTO tenders_search(tenders_search, rowid, title, description) "
          "VALUES ('delete', old.rowid, old.title, old.description);")
STATEMENTS = (
    "CREATE VIRTUAL TABLE tenders_search USING fts5(title, description, content='tenders', "
    "content_rowid='rowid', tokenize='trigram')",
    "INSERT INTO tenders_search(tenders_search) VALUES ('rebuild')",
    f"CREATE TRIGGER tenders_search_insert AFTER INSERT ON tenders BEGIN {ADD} END",
    f"CREATE TRIGGER tenders_search_delete AFTER DELETE ON tenders BEGIN {REMOVE} END",
    "CREATE TRIGGER tenders_search_update AFTER UPDATE OF title, description ON tenders "
    f"BEGIN {REMOVE} {ADD} END",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS tenders_search_{trigger}")
    op.execute("DROP TABLE IF EXISTS tenders_search")
