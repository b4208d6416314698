"""The baseline: SQLite FTS5 (standard library sqlite3) over the same entries, doing the
same work as our search: ranked top 20 with a total, facet counts by GROUP BY over the
matching rows, snippets with snippet(), and filters."""

import re
import sqlite3
import time
from pathlib import Path

from archive.models import Entry
from archive.search import date_number, period

FACET_COLUMNS = ("source", "year", "language", "doc_type")


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
        entries = (
            Entry.objects.filter(status="published")
            .select_related("source")
            .prefetch_related("topics__parent", "identifiers")
            .order_by("pk")
        )
        count = 0
        for entry in entries.iterator(chunk_size=1000):
            topics = {a for topic in entry.topics.all() for a in topic.ancestry()}
            db.execute(
                "INSERT INTO docs (rowid, title, summary, body, source, topics, authors, "
                "identifiers) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.pk, entry.title, entry.summary, entry.body,
                    entry.source.name if entry.source else "",
                    " ; ".join(t.name for t in topics), entry.authors,
                    " ".join(i.value for i in entry.identifiers.all()),
                ),
            )  # fmt: skip
            start, end = period(entry.date, entry.date_precision) if entry.date else (None, None)
            db.execute(
                "INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.pk, entry.source.slug if entry.source else "",
                    str(entry.date.year) if entry.date else "undated", entry.language,
                    entry.document_type, date_number(start) if start else None,
                    date_number(end) if end else None,
                ),
            )  # fmt: skip
            db.executemany("INSERT INTO topics VALUES (?, ?)", [(entry.pk, t.slug) for t in topics])
            count += 1
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
