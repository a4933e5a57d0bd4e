"""The tender search's text condition, per database: the same meaning everywhere (the words
appear in the title or the description, as a case-insensitive substring), each served by an
index. PostgreSQL: ILIKE over pg_trgm GIN indexes (migration 0010), its planner choosing.
SQLite: an FTS5 trigram index kept by triggers (migration 0011), whose phrase queries are
substring matches; SQLite has no statistics for it, so a probe chooses: words found in few
tenders are fetched through the index, common ones by walking the newest tenders first, which
stops after a page of them (the index would first list thousands).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, literal_column, or_, select, table, text
from sqlalchemy.orm import Session

from services.commissioning.adapters.tables import Tender

FTS_TABLE = "tenders_search"
TRIGRAM = 3  # FTS5's trigram tokenizer needs at least three characters to use its index
# Above this many matches a walk of the newest tenders finds a page sooner than the index lists
# them all (bench/search_sqlite.py: at 100,000 tenders a word in 1 of 10 took 48 ms through
# the index, 12 ms by the walk; a word in 1 of 1,000, 14 ms and 97 ms).
SELECTIVE = 1000


def _like(words: str) -> str:
    escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _phrase(words: str) -> str:
    """An FTS5 phrase: the words as one string (double quotes doubled), matched as a whole."""
    return '"' + words.replace('"', '""') + '"'


def _fts_hits(words: str, limit: int | None = None):
    fts = table(FTS_TABLE, literal_column("rowid"))
    hits = select(literal_column("rowid")).select_from(fts).where(
        text(f"{FTS_TABLE} MATCH :fts_phrase").bindparams(fts_phrase=_phrase(words)))
    return hits if limit is None else hits.limit(limit)


def text_matches(session: Session, words: str) -> ColumnElement[bool]:
    """The condition "these words appear in the tender's title or description"."""
    if session.get_bind().dialect.name == "sqlite" and len(words) >= TRIGRAM:
        found = session.scalar(select(func.count()).select_from(
            _fts_hits(words, SELECTIVE).subquery()))
        if found < SELECTIVE:
            return literal_column("tenders.rowid").in_(_fts_hits(words))
    pattern = _like(words)
    return or_(Tender.title.ilike(pattern, escape="\\"),
               Tender.description.ilike(pattern, escape="\\"))
