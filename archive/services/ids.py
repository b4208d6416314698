"""Entry ids are never reused: after restoring entries with their ids, move the id
sequence past every id the archive has ever used."""

from django.db import connection

from archive.models import Entry


def reserve_entry_ids(highest_used: int):
    table = Entry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            if row is None:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, highest_used]
                )
            elif row[0] < highest_used:
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [highest_used, table]
                )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "GREATEST(%s, (SELECT COALESCE(MAX(id), 1) FROM "
                + connection.ops.quote_name(table)
                + ")))",
                [table, highest_used],
            )
