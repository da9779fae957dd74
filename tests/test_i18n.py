"""The translation catalogs are in step with the code and complete, their check finds each kind of fault, and
numbers, dates and lists are written the way each language writes them."""

from datetime import date

import pytest
from babel.messages.catalog import Catalog

from coaching.fields import LogInputError, parse_log_text
from coaching.i18n import lazy_gettext, translator
from content.catalog import check, template_faults, translation_faults


def test_the_committed_catalogs_match_the_code_and_italian_is_complete():
    assert check() == []


def test_the_check_names_each_missing_empty_fuzzy_or_mismatched_translation():
    template = Catalog(domain="messages")
    for msgid in ("Missing", "Empty", "Fuzzy", "Logged *%(day)s*:", "Braces {name}", "Fine %(count)s"):
        template.add(msgid)
    template.add(("%(num)s day", "%(num)s days"))
    translated = Catalog(locale="it", domain="messages")
    translated.add("Empty", "")
    translated.add("Fuzzy", "Incerto", flags=["fuzzy"])
    translated.add("Logged *%(day)s*:", "Registrato *%(giorno)s*:")
    translated.add("Braces {name}", "Graffe {nome}")
    translated.add("Fine %(count)s", "Bene %(count)s")
    translated.add(("%(num)s day", "%(num)s days"), ("un giorno", "%(num)s giorni", "%(num)s giorni"))
    translated.add("Gone", "Sparito")

    faults = translation_faults(template, translated, "it.po")

    assert faults == [
        "it.po: 'Missing' is missing; run `python -m content.catalog update`",
        "it.po: 'Empty' has no translation",
        "it.po: 'Fuzzy' is fuzzy (check the translation, then drop the flag)",
        "it.po: 'Logged *%(day)s*:': the translation has %(giorno)s, which the English has not",
        "it.po: 'Logged *%(day)s*:': the translation lacks %(day)s",
        "it.po: 'Braces {name}': the translation has {nome}, which the English has not",
        "it.po: 'Braces {name}': the translation lacks {name}",
        "it.po: 'Gone' is no longer in the code; run `python -m content.catalog update`",
    ]


def test_a_refusal_made_before_its_reader_is_known_is_shown_in_the_readers_language():
    with pytest.raises(LogInputError) as refused:
        parse_log_text("contacts=-3")

    assert refused.value.message.in_language("en") == "`contacts` cannot be negative; you gave -3."
    assert refused.value.message.in_language("it") == "`contacts` non può essere negativo; hai scritto -3."
    assert str(refused.value) == "`contacts` cannot be negative; you gave -3."


def test_numbers_in_a_message_are_written_for_its_language_and_text_as_given():
    message = lazy_gettext(
        "`%(key)s` of %(raw)s is not plausible for one day; it must be from %(low)s to %(high)s.",
        key="aht",
        raw="0,05",
        low=0.1,
        high=240,
    )
    assert message.in_language("en").endswith("from 0.1 to 240.")
    assert message.in_language("it") == "`aht` pari a 0,05 non è plausibile per un giorno; deve essere tra 0,1 e 240."


def test_numbers_dates_and_lists_per_language():
    english, italian = translator("en"), translator("it")
    assert (english.number(1234.5), italian.number(1234.5)) == ("1,234.5", "1.234,5")
    assert (english.decimal(4.6), italian.decimal(4.6), italian.decimal(7, 1)) == ("4.6", "4,6", "7,0")
    assert (english.percent(0.81), italian.percent(0.81)) == ("81%", "81%")
    assert (english.day(date(2026, 12, 2)), italian.day(date(2026, 12, 2))) == ("Wed 2 Dec 2026", "mer 2 dic 2026")
    assert (english.weekday(0), italian.weekday(0), italian.month(3)) == ("Monday", "lunedì", "marzo")
    assert (english.list_of(["a", "b", "c"]), italian.list_of(["a", "b", "c"])) == ("a, b, and c", "a, b e c")


def test_the_check_names_messages_the_pot_lacks_or_no_longer_has():
    committed = Catalog(domain="messages")
    committed.add("Kept", locations=[("bot/a.py", 1)])
    committed.add("Removed from the code", locations=[("bot/a.py", 2)])
    extracted = Catalog(domain="messages")
    extracted.add("Kept", locations=[("bot/a.py", 1)])
    extracted.add("New in the code", locations=[("bot/b.py", 1)])

    assert template_faults(extracted, committed, "messages.pot") == [
        "messages.pot: 'Removed from the code' is no longer in the code; run `python -m content.catalog update`",
        "messages.pot: lacks 'New in the code'; run `python -m content.catalog update`",
    ]
    moved = Catalog(domain="messages")
    moved.add("Kept", locations=[("bot/c.py", 1)])
    assert template_faults(moved, committed_only_kept(), "messages.pot") == [
        "messages.pot: its locations or comments differ from the code; run `python -m content.catalog update`"
    ]
    assert template_faults(committed_only_kept(), committed_only_kept(), "messages.pot") == []


def committed_only_kept() -> Catalog:
    catalog = Catalog(domain="messages")
    catalog.add("Kept", locations=[("bot/a.py", 1)])
    return catalog
