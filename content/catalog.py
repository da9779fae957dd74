"""Keeping the translation catalogs in step with the code: `python -m content.catalog update` or `check`.

`update` extracts every marked message (babel.cfg says where and how) into content/locale/messages.pot and
merges it into each language's .po, keeping the translations it has; new messages arrive untranslated and
changed ones fuzzy, for a translator. `check` (in .ci/run and tests/test_catalog.py) prints one line per fault and
exits non-zero: a .pot out of date with the code, or a translation missing, empty, fuzzy, or whose placeholders
differ from the English.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from coaching.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE, Language, catalog_path

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "babel.cfg"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
HEADER = (
    "# RepCoach's messages; English is the source language.\n"
    "# Kept in step with the code by `python -m content.catalog update`."
)
# `# Translators: …` just above a marked string reaches the translator as a comment.
COMMENT_TAGS = ("Translators:",)
_PLACEHOLDER = re.compile(
    r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]|%[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]|\{\w*\}"
)
_WRITE_OPTIONS: dict[str, Any] = {"width": 120, "include_lineno": False, "sort_output": True, "ignore_obsolete": True}


def extract() -> Catalog:
    """Every marked message in the code and templates, as a template catalog."""
    with MAPPING.open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    template = Catalog(domain=DOMAIN, header_comment=HEADER, project="RepCoach", version="1")
    found = extract_from_dir(ROOT, method_map, options_map, comment_tags=COMMENT_TAGS)
    for path, lineno, msgid, comments, context in found:
        template.add(msgid, None, [(path, lineno)], auto_comments=comments, context=context)
    return template


def update() -> None:
    template = extract()
    _write(TEMPLATE, template)
    for language in _translated_languages():
        path = Path(catalog_path(language))
        if path.exists():
            translated = _read(path, language)
        else:
            translated = Catalog(locale=language, domain=DOMAIN, header_comment=HEADER, project="RepCoach", version="1")
        translated.update(template)
        _write(path, translated)


def check() -> list[str]:
    """One line per fault; none when the catalogs are in step with the code and complete."""
    template = extract()
    faults = []
    for language in [None, *_translated_languages()]:
        path = TEMPLATE if language is None else Path(catalog_path(language))
        if not path.exists():
            faults.append(f"{_shown(path)}: missing; run `python -m content.catalog update`")
        elif language is None:
            faults += template_faults(template, _read(path, None), _shown(path))
        else:
            faults += translation_faults(template, _read(path, language), _shown(path))
    return faults


def template_faults(extracted: Catalog, committed: Catalog, where: str) -> list[str]:
    """What differs between the messages in the code and the committed .pot."""
    if _rendered(committed) == _rendered(extracted):
        return []
    in_code = {message.id for message in extracted if message.id}
    in_file = {message.id for message in committed if message.id}
    faults = [f"{where}: lacks {_brief(msgid)}" for msgid in in_code - in_file]
    faults += [f"{where}: {_brief(msgid)} is no longer in the code" for msgid in in_file - in_code]
    if not faults:
        faults.append(f"{where}: its locations or comments differ from the code")
    return [f"{fault}; run `python -m content.catalog update`" for fault in sorted(faults)]


def translation_faults(template: Catalog, translated: Catalog, where: str) -> list[str]:
    faults = []
    for source in template:
        if not source.id:
            continue
        message = translated.get(source.id, source.context)
        if message is None:
            faults.append(f"{where}: {_brief(source.id)} is missing; run `python -m content.catalog update`")
            continue
        forms = [
            form or "" for form in (message.string if isinstance(message.string, list | tuple) else [message.string])
        ]
        if not all(forms):
            faults.append(f"{where}: {_brief(source.id)} has no translation")
        elif message.fuzzy:
            faults.append(f"{where}: {_brief(source.id)} is fuzzy (check the translation, then drop the flag)")
        else:
            faults += [f"{where}: {_brief(source.id)}: {fault}" for fault in _placeholder_faults(source, forms)]
    extracted = {(message.id, message.context) for message in template if message.id}
    for message in translated:
        if message.id and (message.id, message.context) not in extracted:
            faults.append(
                f"{where}: {_brief(message.id)} is no longer in the code; run `python -m content.catalog update`"
            )
    return faults


def _placeholder_faults(source: Message, forms: Sequence[str]) -> list[str]:
    """Each form may use only the English placeholders, and the last (the plural's) all of them: a singular often
    writes `one` instead of `%(num)s`."""
    ids = [source.id] if isinstance(source.id, str) else list(source.id)
    english = set().union(*(_placeholders(text) for text in ids))
    faults = []
    for form in forms:
        if extra := _placeholders(form) - english:
            faults.append(f"the translation has {', '.join(sorted(extra))}, which the English has not")
    if missing := english - _placeholders(forms[-1]):
        faults.append(f"the translation lacks {', '.join(sorted(missing))}")
    return faults


def _placeholders(text: str) -> set[str]:
    return {match.group(0) for match in _PLACEHOLDER.finditer(text.replace("%%", ""))}


def _translated_languages() -> list[Language]:
    return [language for language in LANGUAGES if language != SOURCE_LANGUAGE]


def _read(path: Path, language: str | None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def _rendered(catalog: Catalog) -> bytes:
    """The messages as written to a file, without the header, whose dates change at every extraction."""
    buffer = BytesIO()
    write_po(buffer, catalog, omit_header=True, **_WRITE_OPTIONS)
    return buffer.getvalue()


def _write(path: Path, catalog: Catalog) -> None:
    """Leaves a file whose messages are already these alone, so an update that finds nothing new changes nothing."""
    if path.exists() and _rendered(_read(path, catalog.locale_identifier)) == _rendered(catalog):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, **_WRITE_OPTIONS)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _brief(msgid: str | Sequence[str]) -> str:
    text = msgid if isinstance(msgid, str) else msgid[0]
    return repr(text if len(text) <= 60 else text[:60] + "…")


def main(argv: list[str]) -> int:
    if argv == ["update"]:
        update()
        return 0
    if argv == ["check"]:
        faults = check()
        for fault in faults:
            print(fault, file=sys.stderr)
        return 1 if faults else 0
    print("usage: python -m content.catalog update|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
