"""Inserting many model instances with PostgreSQL's COPY instead of bulk_create's INSERTs.

Why: bulk_create sends one INSERT per batch and waits for it, so building the rows in Python
and writing them in PostgreSQL take turns on the two cores. COPY streams the rows: PostgreSQL
parses and writes (and runs the row triggers of) one chunk while Python builds the next. Seeding
100,000 jobs, whose search-vector trigger stems every description, spends most of its time in
exactly those two halves (expo/demo/write.py).

Rows get what bulk_create would give them: each field's pre_save (auto_now, auto_now_add) and
its database value; an auto-increment key and the fields listed in `skip` are
left to the database (sequence, triggers). Objects get no primary key back. JSON fields are not
supported. On other databases it falls back to bulk_create (which applies auto_now_add).
"""

from django.db import connection

CHUNK_ROWS = 500
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


class _Rows:
    """The rows as COPY's text format, a chunk at a time, built as they are sent."""

    def __init__(self, fields, objects):
        self.fields, self.objects = fields, iter(objects)
        self.count = 0

    def _chunk(self):
        lines = []
        for obj in self.objects:
            values = [
                field.get_db_prep_save(field.pre_save(obj, add=True), connection)
                for field in self.fields
            ]
            lines.append("\t".join(map(_text, values)))
            self.count += 1
            if len(lines) >= CHUNK_ROWS:
                break
        return "\n".join(lines) + "\n" if lines else ""

    def __iter__(self):
        while chunk := self._chunk():
            yield chunk


def copy_insert(model, objects, skip=()) -> int:
    """Insert `objects` (an iterable of unsaved `model` instances, read as the rows are sent)
    with COPY; how many."""
    if connection.vendor != "postgresql":
        objects = list(objects)
        model.objects.bulk_create(objects, batch_size=1000)
        return len(objects)
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.db_returning and field.name not in skip
    ]
    if any(field.get_internal_type() == "JSONField" for field in fields):
        raise ValueError(f"copy_insert cannot write the JSON fields of {model.__name__}")
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    rows = _Rows(fields, objects)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for chunk in rows:
            copy.write(chunk)
    return rows.count
