"""The interface exists in every shipped language (issue 8).

- Each shipped catalogue (locale/<lang>/LC_MESSAGES/django.po) translates every entry, has no
  fuzzy entry, and is up to date with the code: makemessages, run on a copy of the sources,
  finds exactly the msgids the catalogue has.
- No template shows text that is not marked for translation: every template under templates/
  is tokenised with Django's own Lexer and the text outside template tags (and user-visible
  attributes: title, alt, placeholder, aria-label, value of buttons, ...) must have no words.

When this fails after you changed strings, run `make catalogues`, translate the new entries in
both .po files (remove "#, fuzzy" after checking them), then `make messages`.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

BASE = Path(settings.BASE_DIR)
TEMPLATES = BASE / "templates"
# The languages we ship besides English (the source language), as locale directory names.
SHIPPED = [language for language, _name in settings.LANGUAGES if language != "en"]
LOCALE_DIRS = {language: language.replace("-h", "_H") for language in SHIPPED}
# The same arguments as `make catalogues`.
MAKEMESSAGES_ARGS = ["--ignore=.venv", "--ignore=var", "--ignore=static/vendor"]
MAKEMESSAGES_ARGS += ["-e", "html,txt,py"]


# --- A small reader for .po files --------------------------------------------------------------
def _unquote(line):
    return (
        line[line.index('"') + 1 : line.rindex('"')]
        .encode("latin-1", "backslashreplace")
        .decode("unicode_escape")
    )


def read_po(path):
    """The entries of a .po file: dicts with msgctxt, msgid, msgid_plural, msgstr (a list of
    the forms), flags and obsolete."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for raw in Path(path).read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}, "obsolete": False, "msgctxt": None}
        entry["obsolete"] = entry["obsolete"] or obsolete
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = _unquote(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += value
            else:
                entry[field] += value
        else:
            keyword = line.split(None, 1)[0]
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                field = ("msgstr", int(match[1]))
                entry["msgstr"][field[1]] = _unquote(line)
            elif keyword == "msgstr":
                field = ("msgstr", 0)
                entry["msgstr"][0] = _unquote(line)
            else:
                field = keyword
                entry[field] = _unquote(line)
    for e in entries:
        e["msgstr"] = [e["msgstr"][k] for k in sorted(e["msgstr"])]
        e.setdefault("msgid_plural", None)
    return entries


def catalogue(language):
    return BASE / "locale" / LOCALE_DIRS[language] / "LC_MESSAGES" / "django.po"


def _key(entry):
    return (entry["msgctxt"], entry["msgid"], entry["msgid_plural"])


@pytest.mark.parametrize("language", SHIPPED)
def test_every_catalogue_entry_is_translated_and_none_is_fuzzy(language):
    entries = [e for e in read_po(catalogue(language)) if not e["obsolete"]]
    header = [e for e in entries if e["msgid"] == ""]
    assert header and "fuzzy" not in header[0]["flags"], "the catalogue's header is fuzzy"
    assert "Plural-Forms: nplurals=1; plural=0;" in header[0]["msgstr"][0]
    messages = [e for e in entries if e["msgid"]]
    assert len(messages) > 100
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"]) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert untranslated == [], f"{len(untranslated)} untranslated in {language}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {language}"


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_the_placeholders_and_markup(language):
    token = re.compile(r"%\([^)]+\)[sdf]|%%|%[sd]|\{[\w.]*\}|</?[a-zA-Z][^>]*>")
    wrong = []
    for e in read_po(catalogue(language)):
        if e["obsolete"] or not e["msgid"]:
            continue
        expected = sorted(token.findall(e["msgid"]))
        for form in e["msgstr"]:
            if form and sorted(token.findall(form)) != expected:
                wrong.append((e["msgid"], form))
    assert wrong == []


def _copy_sources(destination):
    skip = {
        ".venv",
        "var",
        ".git",
        "node_modules",
        "__pycache__",
        ".pytest_cache",
        ".ruff_cache",
        "test-results",
        "vendor",
        "staticfiles",
    }

    def ignore(directory, names):
        return [n for n in names if n in skip or n.endswith((".mo", ".pyc", ".sqlite3"))]

    shutil.copytree(BASE, destination, ignore=ignore)


def test_the_catalogues_are_up_to_date_with_the_code(tmp_path):
    """makemessages on a copy of the sources adds or drops no msgid: every marked string is
    in the catalogues and the catalogues hold nothing the code no longer has."""
    copy = tmp_path / "src"
    _copy_sources(copy)
    locales = [arg for lang in SHIPPED for arg in ("-l", LOCALE_DIRS[lang])]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-v0", *locales, *MAKEMESSAGES_ARGS],
        cwd=copy,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "expo.settings", "DEBUG": "1"},
        timeout=120,
    )
    for language in SHIPPED:
        committed = {_key(e) for e in read_po(catalogue(language)) if not e["obsolete"]}
        relative = catalogue(language).relative_to(BASE)
        fresh = {_key(e) for e in read_po(copy / relative) if not e["obsolete"]}
        missing = sorted(k[1] for k in fresh - committed)
        stale = sorted(k[1] for k in committed - fresh)
        assert missing == [], f"{language}: not in the catalogue yet (run make catalogues)"
        assert stale == [], f"{language}: no longer in the code (run make catalogues)"


# --- Templates: no unmarked text ---------------------------------------------------------------
# Words that are the same in every language: brand and product names, formats, units.
ALLOWED_WORDS = {
    "InnoHK",
    "INNOPARK",
    "InnoCentre",
    "HKSTP",
    "HKT",
    "PDF",
    "CSV",
    "JSON",
    "RSS",
    "Atom",
    "CV",
    "URL",
    "HTML",
    "GBA",
    "Markdown",
    "YouTube",
    "Vimeo",
    "Bilibili",
    "ICS",
    "iCal",
    "Google",
    "Outlook",
    "Apple",
    "JPEG",
    "PNG",
    "WebP",
    "GIF",
    "UTF-8",
    "MB",
    "KB",
    "min",
}
USER_VISIBLE_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-placeholder",
    "aria-roledescription",
    "aria-valuetext",
    "label",
    "summary",
}
TRANSLATION_TAGS = {"translate", "trans", "blocktranslate", "blocktrans", "plural"}
DYNAMIC = "\x00"  # stands for a variable or a template tag in the skeleton of a template
SKIP_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}


def skeleton(source):
    """The template's literal text, with each variable and tag replaced by DYNAMIC and the
    content of {% blocktranslate %}, {% comment %} and {% verbatim %} left out."""
    parts, closing = [], None
    for token in Lexer(source).tokenize():
        if closing:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
                parts.append(DYNAMIC)
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
        elif token.token_type in (TokenType.VAR, TokenType.BLOCK):
            name = token.contents.split()[0] if token.contents.split() else ""
            if token.token_type == TokenType.BLOCK and name in SKIP_BLOCKS:
                closing = SKIP_BLOCKS[name]
            elif name == "block" and token.contents.split()[1:2] == ["body_class"]:
                closing = "endblock"  # a CSS class, not text
            parts.append(DYNAMIC)
    return "".join(parts)


WORD = re.compile(r"[^\W\d_](?:[\w'’.-]*\w)?")


def unmarked_words(text):
    text = re.sub(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);", " ", text)
    text = re.sub(r"\bhttps?://\S+|(?<![\w/])/[\w/.-]*", " ", text)
    return [w for w in WORD.findall(text) if w not in ALLOWED_WORDS]


TAG = re.compile(r"<([a-zA-Z][\w-]*|\x00)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
ANY_TAG = re.compile(r"</?(?:[a-zA-Z][\w-]*|\x00)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
ATTRIBUTE = re.compile(r"([\w:.-]+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)")


def problems_in(path):
    text = skeleton(path.read_text(encoding="utf-8"))
    found = []
    if path.suffix == ".html":
        text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", DYNAMIC, text)
        text = re.sub(r"(?s)<!--.*?-->|<!(?i:DOCTYPE)[^>]*>", DYNAMIC, text)
        for match in TAG.finditer(text):
            element, attributes = (
                match[1].lower(),
                dict(
                    (name.lower(), value.strip("\"'"))
                    for name, value in ATTRIBUTE.findall(match[2])
                ),
            )
            checked = set(USER_VISIBLE_ATTRIBUTES)
            if element == "input" and attributes.get("type") in {"submit", "button", "reset"}:
                checked.add("value")
            if element == "meta" and attributes.get("name") in {"description", "og:description"}:
                checked.add("content")
            for name, value in attributes.items():
                multiword = name.startswith("data-") and " " in value.strip()
                if (name in checked or multiword) and unmarked_words(value):
                    found.append(f'{name}="{value}"')
        text = ANY_TAG.sub(" ", text)
    for line in text.split("\n"):
        words = unmarked_words(line.replace(DYNAMIC, " "))
        if words:
            found.append(" ".join(words))
    return found


def test_every_template_string_is_marked_for_translation():
    templates = sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})
    assert len(templates) > 50
    unmarked = {
        str(path.relative_to(TEMPLATES)): problems
        for path in templates
        if (problems := problems_in(path))
    }
    assert unmarked == {}, "Text not marked for translation (use {% translate %})"


def test_the_check_finds_unmarked_text():
    def check(source, suffix=".html"):
        path = BASE / "var" / f"_i18n_probe{suffix}"
        path.parent.mkdir(exist_ok=True)
        path.write_text(source, encoding="utf-8")
        try:
            return problems_in(path)
        finally:
            path.unlink()

    assert check("<p>Hello there</p>") == ["Hello there"]
    assert check('<img alt="Company logo" src="x.png">') == ['alt="Company logo"']
    assert check('<input type="submit" value="Go">') == ['value="Go"']
    assert check("{% load i18n %}<p>{% translate 'Hello' %} {{ name }}</p>") == []
    assert check("{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}") == []
    assert check('<script>const a = "text";</script><!-- a comment --><p>InnoHK &nbsp; 3</p>') == []
    assert check("Hello,\n{{ url }}", suffix=".txt") == ["Hello"]
