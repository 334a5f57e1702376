"""Keep the six message catalogues in step (developer tool; needs GNU gettext for `update`).

    python -m devtools.catalogues update            # makemessages for every language, drop obsolete entries
    python -m devtools.catalogues missing > todo.json   # untranslated or fuzzy msgids, as a fill skeleton
    python -m devtools.catalogues fill todo.json    # {"msgid": {"ja": "…", "zh_Hans": "…", "ko": "…", …}}
    python -m devtools.catalogues union             # resolve merge conflicts in the .po files (keep both sides)

English is the msgid itself, so `en` entries may stay empty. A msgid with a context is written
as "context\\x04msgid" in the JSON.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
LANGUAGES = ["ja", "en", "zh_Hans", "ko", "es", "pt_BR"]
TRANSLATED = [language for language in LANGUAGES if language != "en"]
IGNORE = [".venv", "var", "mutants", "test-artifacts", "node_modules", "loadtests", "tests"]


def _path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def _key(entry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def _forget_guesses() -> None:
    """Drop msgmerge's previous-message comments from translated entries (msgmerge chokes on half of one)."""
    for language in LANGUAGES:
        catalogue = polib.pofile(str(_path(language)))
        for entry in catalogue:
            if "fuzzy" not in entry.flags:
                entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
        catalogue.save()


def update() -> None:
    _forget_guesses()
    command = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--no-location"]
    for language in LANGUAGES:
        command += ["-l", language]
    for pattern in IGNORE:
        command += ["--ignore", f"{pattern}/*"]
    subprocess.run(command, cwd=ROOT, check=True)
    for language in LANGUAGES:
        catalogue = polib.pofile(str(_path(language)))
        for entry in catalogue:
            if "fuzzy" in entry.flags and entry.previous_msgid:
                # msgmerge guessed from a similar message: a guess is not a translation
                entry.flags.remove("fuzzy")
                entry.msgstr = ""
                entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
                entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
        catalogue.save()


def missing() -> dict:
    todo: dict[str, dict[str, str]] = {}
    for language in TRANSLATED:
        for entry in polib.pofile(str(_path(language))):
            if entry.obsolete:
                continue
            empty = not entry.msgstr if not entry.msgid_plural else not all(entry.msgstr_plural.values())
            if empty or "fuzzy" in entry.flags:
                todo.setdefault(_key(entry), {})[language] = ""
    return todo


def fill(translations: dict) -> int:
    filled = 0
    for language in TRANSLATED:
        catalogue = polib.pofile(str(_path(language)))
        for entry in catalogue:
            text = translations.get(_key(entry), {}).get(language)
            if not text:
                continue
            if entry.msgid_plural:  # one text for every form, or a list of forms
                forms = sorted(entry.msgstr_plural or {0: ""})
                entry.msgstr_plural = {index: text[min(index, len(text) - 1)] if isinstance(text, list) else text
                                       for index in forms}
            else:
                entry.msgstr = text
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
            filled += 1
        catalogue.save()
    return filled


CONFLICT = re.compile(r"<<<<<<< [^\n]*\n(.*?)=======\n(.*?)>>>>>>> [^\n]*\n", re.S)


def dedupe(catalogue: polib.POFile) -> int:
    """Drop repeated entries (both sides of a merge added the same message): keep the translated one."""
    first: dict[str, polib.POEntry] = {}
    repeated = []
    for entry in catalogue:
        kept = first.setdefault(_key(entry), entry)
        if kept is not entry:
            if not kept.msgstr and entry.msgstr:
                kept.msgstr = entry.msgstr
            repeated.append(entry)
    for entry in repeated:
        catalogue.remove(entry)
    return len(repeated)


def union() -> int:
    """Resolve conflict markers in the catalogues by keeping both sides, and drop repeated entries."""
    resolved = 0
    for language in LANGUAGES:
        path = _path(language)
        text = path.read_text(encoding="utf-8")
        if "<<<<<<< " not in text:
            catalogue = polib.pofile(str(path))
            if dedupe(catalogue):
                catalogue.save()
                resolved += 1
            continue
        ours = CONFLICT.sub(lambda m: m.group(1), text)
        theirs = CONFLICT.sub(lambda m: m.group(2), text)
        merged = polib.pofile(ours)
        known = {_key(entry) for entry in merged}
        for entry in polib.pofile(theirs):
            if _key(entry) not in known:
                merged.append(entry)
                known.add(_key(entry))
            elif entry.msgstr and not merged.find(entry.msgid, msgctxt=entry.msgctxt).msgstr:
                merged.find(entry.msgid, msgctxt=entry.msgctxt).msgstr = entry.msgstr
        dedupe(merged)
        merged.save(str(path))
        resolved += 1
    return resolved


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"update", "missing", "fill", "union"}:
        print(__doc__)
        return 2
    if argv[0] == "update":
        update()
    elif argv[0] == "missing":
        json.dump(missing(), sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif argv[0] == "fill":
        print(f"filled {fill(json.loads(Path(argv[1]).read_text(encoding='utf-8')))} entries")
    else:
        print(f"resolved {union()} catalogue(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
