"""The tender search's text condition, per database: the same meaning everywhere (the words
appear in the title or the description, as a case-insensitive substring), each served by an
index. PostgreSQL: ILIKE over pg_trgm GIN indexes (migration 0010). SQLite: an FTS5 trigram
index kept by triggers (migration 0011), whose phrase queries are substring matches.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, literal_column, or_, select, table, text

from services.commissioning.adapters.tables import Tender

FTS_TABLE = "tenders_search"
TRIGRAM = 3  # FTS5's trigram tokenizer needs at least three characters to use its index


def _like(words: str) -> str:
    escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _phrase(words: str) -> str:
    """An FTS5 phrase: the words as one string (double quotes doubled), matched as a whole."""
    return '"' + words.replace('"', '""') + '"'


def text_matches(dialect: str, words: str) -> ColumnElement[bool]:
    """The condition "these words appear in the tender's title or description"."""
    if dialect == "sqlite" and len(words) >= TRIGRAM:
        fts = table(FTS_TABLE, literal_column("rowid"))
        hits = select(literal_column("rowid")).select_from(fts).where(
            text(f"{FTS_TABLE} MATCH :fts_phrase").bindparams(fts_phrase=_phrase(words)))
        return literal_column("tenders.rowid").in_(hits)
    pattern = _like(words)
    return or_(Tender.title.ilike(pattern, escape="\\"),
               Tender.description.ilike(pattern, escape="\\"))
