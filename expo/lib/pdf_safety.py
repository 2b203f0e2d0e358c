"""Does a PDF carry anything that runs or opens by itself? Judged on its parsed objects.

A byte search for "/JavaScript" misses the same name written with escapes (`/J#61vaScript`),
inside a compressed object stream, or split over an incremental update. Here every object the
file holds (pypdf decodes name escapes, inflates object streams and follows the cross-reference
chain) is walked as a graph of dictionaries and arrays, and any of these refuses the file:

- an action that runs code or reaches outside the document: JavaScript, Launch, SubmitForm,
  ImportData, GoToR, GoToE, Rendition, RichMediaExecute, Movie, Sound (and any /JS entry);
- an OpenAction that is an action (a plain destination, "open at page 1", is fine), and any
  /AA (actions triggered by opening, closing or hovering);
- embedded files and rich media (/EmbeddedFile, /EmbeddedFiles, /EF, /RichMedia*), XFA forms.

Links (URI and GoTo actions behind a click) stay allowed: CVs are full of them. As a second,
independent look, the raw bytes are tokenised for names (escapes decoded) so that an object a
lenient viewer would still find but the cross-reference table hides is not missed either.
"""

import re

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

DANGEROUS_ACTIONS = frozenset(
    {
        "JavaScript",
        "Launch",
        "SubmitForm",
        "ImportData",
        "GoToR",
        "GoToE",
        "Rendition",
        "RichMediaExecute",
        "Movie",
        "Sound",
    }
)
# Keys whose mere presence means active or embedded content.
DANGEROUS_KEYS = frozenset(
    {"JS", "JavaScript", "AA", "EmbeddedFiles", "EF", "XFA", "RichMediaContent"}
)
# Values of /Type or /Subtype that mean the same.
DANGEROUS_TYPES = frozenset(
    {"EmbeddedFile", "RichMedia", "Movie", "Sound", "Screen", "FileAttachment"}
)
# Names that never belong in a plain document, looked for in the raw bytes.
DANGEROUS_NAMES = (DANGEROUS_ACTIONS - {"Movie", "Sound"}) | {
    "JS",
    "AA",
    "EmbeddedFile",
    "EmbeddedFiles",
    "RichMedia",
    "XFA",
}
MAX_OBJECTS = 500_000  # a 5 MB file holds far fewer; more means a crafted file

_NAME_CHARS = rb"(?:[^\x00\t\n\x0c\r ()<>\[\]{}/%#]|#[0-9A-Fa-f]{2})+"
_TOKENS = re.compile(
    rb"(?P<stream>stream\r?\n.*?endstream)"  # stream data: binary, parsed by pypdf instead
    rb"|(?P<comment>%[^\r\n]*)"
    rb"|(?P<hex><[0-9A-Fa-f\s]*>)"
    rb"|(?P<string>\()"
    rb"|/(?P<name>" + _NAME_CHARS + rb")",
    re.S,
)
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


class ActiveContent(Exception):
    """The PDF carries active or embedded content; args[0] says what, for logs."""


def _name(value) -> str:
    """A name's text without its slash ("/JavaScript" -> "JavaScript"); "" for non-names."""
    if isinstance(value, str):
        return value[1:] if value.startswith("/") else value
    return ""


def _check_dictionary(dictionary, resolve) -> None:
    for key, value in dictionary.items():
        name = _name(key)
        if name in DANGEROUS_KEYS:
            raise ActiveContent(f"/{name}")
        if name == "S" and _name(resolve(value)) in DANGEROUS_ACTIONS:
            raise ActiveContent(f"/S /{_name(resolve(value))}")
        if name in ("Type", "Subtype") and _name(resolve(value)) in DANGEROUS_TYPES:
            raise ActiveContent(f"/{name} /{_name(resolve(value))}")
        if name == "OpenAction" and isinstance(resolve(value), DictionaryObject):
            raise ActiveContent("/OpenAction with an action")


def check_reader(reader) -> None:
    """Walk the trailer, every object it reaches and every object listed in the file's
    cross-reference data (object streams included) of an opened, decrypted pypdf reader.
    Raises ActiveContent."""

    def resolve(value):
        return value.get_object() if isinstance(value, IndirectObject) else value

    numbers = set(reader.xref_objStm)
    for table in reader.xref.values():
        numbers.update(table)
    if len(numbers) > MAX_OBJECTS:
        raise ActiveContent("too many objects")
    stack = [reader.trailer, *(IndirectObject(n, _generation(reader, n), reader) for n in numbers)]
    seen_refs, seen_ids, visited = set(), set(), 0
    while stack:
        current = stack.pop()
        if isinstance(current, IndirectObject):
            ref = (current.idnum, current.generation)
            if ref in seen_refs:
                continue
            seen_refs.add(ref)
            current = current.get_object()
            visited += 1
            if visited > MAX_OBJECTS:
                raise ActiveContent("too many objects")
        if current is None or id(current) in seen_ids:
            continue
        seen_ids.add(id(current))
        if isinstance(current, DictionaryObject):
            _check_dictionary(current, resolve)
            stack.extend(current.values())
        elif isinstance(current, ArrayObject):
            stack.extend(current)


def _generation(reader, number) -> int:
    for generation, table in reader.xref.items():
        if number in table:
            return generation
    return 0


def check_raw_names(data: bytes) -> None:
    """Every name token in the file's own bytes (outside stream data, strings and comments),
    escapes decoded: catches an object the cross-reference table hides from pypdf but a
    lenient viewer would still find. Raises ActiveContent."""
    pos = 0
    while match := _TOKENS.search(data, pos):
        pos = match.end()
        if match.lastgroup == "string":
            pos = _end_of_string(data, pos)
        elif match.lastgroup == "name":
            token = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group("name"))
            if token.decode("latin-1") in DANGEROUS_NAMES:
                raise ActiveContent(f"/{token.decode('latin-1')} in the bytes")


def _end_of_string(data: bytes, pos: int) -> int:
    """The position after a literal string's closing parenthesis (nesting and escapes)."""
    depth = 1
    while pos < len(data) and depth:
        byte = data[pos]
        if byte == 0x5C:  # backslash: skip the escaped byte
            pos += 1
        elif byte == 0x28:
            depth += 1
        elif byte == 0x29:
            depth -= 1
        pos += 1
    return pos
