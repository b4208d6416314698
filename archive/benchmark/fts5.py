"""The baseline: SQLite FTS5 (standard library sqlite3) over the same entries, doing the
same work as our search: ranked top 20 with a total, facet counts by GROUP BY over the
matching rows, snippets with snippet(), and filters."""

import datetime
import re
import sqlite3
import time
from pathlib import Path

from django.db import connection

from archive.models import Entry, EntryIdentifier, Source, Topic
from archive.search import date_number, period

BATCH = 2000  # entries read and written at a time

FACET_COLUMNS = ("source", "year", "language", "doc_type")


def _published_in_batches():
    """The published entries' fields, as an engineer would read them for FTS5: plain SQL
    over the archive's own database in batches by id (no model objects), each batch with
    its entries' topics (each with its ancestors, as the archive indexes them) and
    identifiers. Yields (rows, {entry id: [(topic name, slug)]}, {entry id: [values]})."""
    entry, source = Entry._meta.db_table, Source._meta.db_table
    links, identifiers = Entry.topics.through._meta.db_table, EntryIdentifier._meta.db_table
    ancestry = _topic_ancestry()
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT e.id, e.title, e.summary, e.body, COALESCE(s.name, ''), e.authors, "
                f"COALESCE(s.slug, ''), e.date, e.date_precision, e.language, e.document_type "
                f"FROM {entry} e LEFT JOIN {source} s ON s.id = e.source_id "
                f"WHERE e.status = 'published' AND e.id > %s ORDER BY e.id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            first, last = rows[0][0], rows[-1][0]
            cursor.execute(
                f"SELECT entry_id, topic_id FROM {links} WHERE entry_id BETWEEN %s AND %s",
                [first, last],
            )
            topics_of: dict[int, list] = {}
            for entry_id, topic_id in cursor.fetchall():
                known = topics_of.setdefault(entry_id, [])
                known += [topic for topic in ancestry.get(topic_id, ()) if topic not in known]
            cursor.execute(
                f"SELECT entry_id, value FROM {identifiers} WHERE entry_id BETWEEN %s AND %s",
                [first, last],
            )
            identifiers_of: dict[int, list] = {}
            for entry_id, value in cursor.fetchall():
                identifiers_of.setdefault(entry_id, []).append(value)
            yield rows, topics_of, identifiers_of


def _topic_ancestry() -> dict[int, list[tuple[str, str]]]:
    """Each topic with its ancestors, as (name, slug): a few hundred, read once."""
    return {
        topic.pk: [(each.name, each.slug) for each in topic.ancestry()]
        for topic in Topic.objects.select_related("parent__parent")
    }


def _meta(row) -> tuple:
    entry_id, source_slug, day, precision = row[0], row[6], row[7], row[8]
    if day is not None and not isinstance(day, datetime.date):
        day = datetime.date.fromisoformat(str(day))
    start, end = period(day, precision) if day else (None, None)
    return (
        entry_id, source_slug, str(day.year) if day else "undated", row[9], row[10],
        date_number(start) if start else None, date_number(end) if end else None,
    )  # fmt: skip


class Fts5Baseline:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = None

    def build(self) -> dict:
        if self.path.exists():
            self.path.unlink()
        started = time.perf_counter()
        db = sqlite3.connect(self.path)
        db.executescript(
            """
            CREATE VIRTUAL TABLE docs USING fts5(
                title, summary, body, source, topics, authors, identifiers,
                tokenize = 'porter unicode61 remove_diacritics 2');
            CREATE TABLE meta (rowid INTEGER PRIMARY KEY, source TEXT, year TEXT,
                language TEXT, doc_type TEXT, date_start INTEGER, date_end INTEGER);
            CREATE TABLE topics (rowid INTEGER, topic TEXT);
            """
        )
        count = 0
        for rows, topics_of, identifiers_of in _published_in_batches():
            db.executemany(
                "INSERT INTO docs (rowid, title, summary, body, source, topics, authors, "
                "identifiers) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        row[0], row[1], row[2], row[3], row[4],
                        " ; ".join(name for name, _slug in topics_of.get(row[0], ())),
                        row[5], " ".join(identifiers_of.get(row[0], ())),
                    )
                    for row in rows
                ],
            )  # fmt: skip
            db.executemany("INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?, ?)", map(_meta, rows))
            db.executemany(
                "INSERT INTO topics VALUES (?, ?)",
                [
                    (entry_id, slug)
                    for entry_id, topics in topics_of.items()
                    for _name, slug in topics
                ],
            )
            count += len(rows)
        db.executescript(
            "CREATE INDEX topics_rowid ON topics (rowid);"
            "INSERT INTO docs(docs) VALUES ('optimize');"
        )
        db.commit()
        seconds = time.perf_counter() - started
        db.close()
        return {"documents": count, "seconds": seconds, "size_bytes": self.path.stat().st_size}

    def connect(self):
        self.db = sqlite3.connect(self.path)
        return self

    def ranked(self, match: str, limit: int) -> list[int]:
        """The first ``limit`` entry ids by FTS5's BM25 with its defaults (every column
        weighing the same), as a plain FTS5 setup ranks."""
        return [
            row[0]
            for row in self.db.execute(
                "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
                (match, limit),
            )
        ]

    def search(self, match: str, *, facets: bool, snippets: bool, filters: dict | None = None):
        """Top 20 (with snippets), the total, and optionally each facet's counts."""
        # The full-text match drives every statement (CROSS JOIN fixes SQLite's join
        # order): filtering by rowid first would re-run the MATCH for each candidate row.
        source, params = "docs", [match]
        where = "docs MATCH ?"
        if filters:
            source = "docs CROSS JOIN meta AS f ON f.rowid = docs.rowid"
            where += (
                " AND f.language = ? AND f.doc_type = ? AND f.date_end >= ? AND f.date_start <= ?"
            )
            params += [filters["language"], filters["type"], filters["from"], filters["to"]]
        snippet = ", snippet(docs, 2, '<mark>', '</mark>', '…', 24)" if snippets else ""
        top = self.db.execute(
            f"SELECT docs.rowid{snippet} FROM {source} WHERE {where} "
            "ORDER BY bm25(docs, 4.0, 2.0, 1.0, 1.5, 1.5, 2.0, 2.0) LIMIT 20",
            params,
        ).fetchall()
        total = self.db.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[
            0
        ]
        counts = {}
        if facets:
            self.db.execute("DROP TABLE IF EXISTS temp.matching")
            self.db.execute(
                f"CREATE TEMP TABLE matching AS SELECT docs.rowid AS rowid FROM {source} "
                f"WHERE {where}",
                params,
            )
            for column in FACET_COLUMNS:
                counts[column] = self.db.execute(
                    f"SELECT m.{column}, count(*) FROM matching CROSS JOIN meta AS m "
                    f"ON m.rowid = matching.rowid GROUP BY m.{column}"
                ).fetchall()
            counts["topic"] = self.db.execute(
                "SELECT t.topic, count(*) FROM matching CROSS JOIN topics AS t "
                "ON t.rowid = matching.rowid GROUP BY t.topic"
            ).fetchall()
        return [row[0] for row in top], total, counts


_FIELD = re.compile(r"^(title|source):(.+)$")


def to_fts5(query: str) -> str:
    """Our query syntax, for the mix's shapes, in FTS5's."""

    def term(word):
        if word.endswith("*"):
            return f'"{word[:-1]}" *'
        return f'"{word}"'

    if query.startswith('"'):
        return query
    field = _FIELD.match(query)
    if field:
        return f"{field.group(1)} : {term(field.group(2))}"
    result = []
    for part in query.split():
        if part == "OR":
            result.append("OR")
        elif part.startswith("-"):
            result.append(f"NOT {term(part[1:])}")
        else:
            result.append(term(part))
    return " ".join(result)  # FTS5 joins bare terms with AND


_WORD = re.compile(r"\w+")


def fts5_or_query(text: str) -> str:
    """The question's words, each quoted, joined by OR (as the collection's anchor figure)."""
    return " OR ".join(f'"{word}"' for word in dict.fromkeys(_WORD.findall(text.lower())))
