"""Corpus-level resolution's decisions, on plain records (kg.resolution.corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.model import EntityRecord, Resolution
from kg.resolution.corpus import (
    ACRONYM,
    INITIALS,
    SAME_NAME,
    SHORT_FORM,
    SURNAME,
    abbreviates,
    drops_a_place,
    resolve_corpus,
)
from kg.resolution.hand import HandResolutions, read_resolutions


def record(iri: str, cls: str, name: str, *documents: str, aliases: tuple[str, ...] = ()) -> EntityRecord:
    return EntityRecord(iri=iri, cls=cls, name=name, aliases=frozenset(aliases), documents=frozenset(documents))


def joins(resolutions: list[Resolution]) -> dict[str, tuple[str, str]]:
    return {r.entity: (r.into, r.rule) for r in resolutions if r.into is not None}  # type: ignore[misc]


def test_a_surname_joins_the_one_full_name_of_another_document() -> None:
    found = resolve_corpus([
        record("p/Antony_Blinken", "Person", "Antony Blinken", "a"),
        record("p/Blinken", "Person", "Blinken", "b"),
        record("p/Benjamin_Netanyahu", "Person", "Benjamin Netanyahu", "a"),
        record("p/Netanyahu", "Person", "Netanyahu", "b"),
    ])
    assert joins(found) == {"p/Blinken": ("p/Antony_Blinken", SURNAME),
                            "p/Netanyahu": ("p/Benjamin_Netanyahu", SURNAME)}
    assert all("Blinken" in r.reason or "Netanyahu" in r.reason for r in found)
    assert {r.documents for r in found} == {("a", "b")}


def test_two_people_of_one_surname_stay_apart_and_the_short_name_says_why() -> None:
    found = resolve_corpus([
        record("p/George_Bush", "Person", "George Bush", "a"),
        record("p/Jeb_Bush", "Person", "Jeb Bush", "b"),
        record("p/Bush", "Person", "Bush", "c"),
    ])
    assert joins(found) == {}
    [apart] = found
    assert apart.entity == "p/Bush" and apart.rule == SURNAME and apart.into is None
    assert apart.candidates == ("p/George_Bush", "p/Jeb_Bush")
    assert "George Bush" in apart.reason and "Jeb Bush" in apart.reason


def test_the_short_names_own_document_decides_before_the_corpus() -> None:
    found = resolve_corpus([
        record("p/George_Bush", "Person", "George Bush", "a", "c"),
        record("p/Jeb_Bush", "Person", "Jeb Bush", "b"),
        record("p/Bush", "Person", "Bush", "c"),
    ])
    assert joins(found) == {"p/Bush": ("p/George_Bush", SURNAME)}


def test_a_place_is_no_ones_surname_and_an_organisation_no_ones_initials() -> None:
    assert resolve_corpus([
        record("p/Michael_Jordan", "Person", "Michael Jordan", "a"),
        record("pl/Jordan", "Country", "Jordan", "b"),
        record("p/Jack_Bruce", "Person", "Jack Bruce", "a"),
        record("o/JB", "Organization", "JB", "b"),
    ]) == []


def test_an_acronym_joins_the_name_a_document_gave_it_to() -> None:
    found = resolve_corpus([
        record("o/Federal_Security_Service", "Organization", "Federal Security Service", "c", aliases=("FSB",)),
        record("o/FSB", "Organization", "FSB", "a"),
    ])
    assert joins(found) == {"o/FSB": ("o/Federal_Security_Service", ACRONYM)}


def test_an_acronym_joins_the_one_name_it_spells_in_its_own_story() -> None:
    found = resolve_corpus([
        record("o/British_National_Party", "Organization", "British National Party", "a", "b"),
        record("o/BNP", "Organization", "BNP", "b"),
        record("o/CIA", "Organization", "CIA", "c"),
        record("pl/Calicut_International_Airport", "Place", "Calicut International Airport", "d"),
        record("o/NTSB", "Organization", "NTSB", "e"),
        record("o/National_Transportation_Safety_Board", "Organization", "National Transportation Safety Board", "e"),
        record("o/National_Transport_Safety_Bureau", "Organization", "National Transport Safety Bureau", "e"),
    ])
    assert joins(found) == {"o/BNP": ("o/British_National_Party", INITIALS)}  # not the CIA: another story's airport
    [apart] = [r for r in found if r.into is None]
    assert apart.entity == "o/NTSB" and len(apart.candidates) == 2


def test_one_name_read_as_two_classes_is_one_thing_of_the_class_its_shape_says() -> None:
    found = resolve_corpus([
        record("p/Time_Warner", "Person", "Time Warner", "a", "b"),
        record("o/Time_Warner", "Organization", "Time Warner", "c"),
        record("p/Coast_Guard", "Person", "Coast Guard", "a"),
        record("o/Coast_Guard", "Organization", "Coast Guard", "b"),  # a tie: nothing to choose by
        record("p/United_States", "Person", "United States", "a", "b"),
        record("pl/United_States", "Country", "United States", "c"),
        record("p/Labour_Party", "Person", "Labour Party", "d", "e"),
        record("o/Labour_Party", "Organization", "Labour Party", "f"),
        record("p/Ford", "Person", "Ford", "g"),
        record("o/Ford", "Organization", "Ford", "h"),
    ])
    assert joins(found) == {
        "o/Time_Warner": ("p/Time_Warner", SAME_NAME),  # no shape: most documents read a person
        "p/United_States": ("pl/United_States", SAME_NAME),  # the gazetteer lists it
        "p/Labour_Party": ("o/Labour_Party", SAME_NAME),  # "... Party" names an organisation
    }


def test_short_forms_inside_one_document() -> None:
    found = resolve_corpus([
        record("o/University_of_Hawaii_at_Manoa", "Organization", "University of Hawaii at Manoa", "a"),
        record("o/UH_Manoa", "Organization", "UH Manoa", "a"),
        record("pl/Bradley_International_Airport", "Place", "Bradley International Airport", "b"),
        record("pl/Bradley_Airport", "Place", "Bradley Airport", "b"),
        record("o/Houthi", "Organization", "Houthi", "c"),
        record("p/Houthis", "Person", "Houthis", "c"),
        record("o/Foreign_Ministry", "Organization", "Foreign Ministry", "d"),
        record("o/Russian_Foreign_Ministry", "Organization", "Russian Foreign Ministry", "e"),
    ])
    assert joins(found) == {
        "o/UH_Manoa": ("o/University_of_Hawaii_at_Manoa", SHORT_FORM),
        "pl/Bradley_Airport": ("pl/Bradley_International_Airport", SHORT_FORM),
        "p/Houthis": ("o/Houthi", SHORT_FORM),
    }  # "Foreign Ministry" of another story may be any country's


def test_name_shapes() -> None:
    assert abbreviates(["UH", "Manoa"], "University of Hawaii at Manoa".split())
    assert not abbreviates(["UK", "Manoa"], "University of Hawaii at Manoa".split())
    assert drops_a_place(["House", "of", "Representatives"], "United States House of Representatives".split())
    assert not drops_a_place(["House", "of", "Representatives"], "Lower House of Representatives".split())


def test_the_resolutions_file_joins_and_forbids(tmp_path: Path) -> None:
    path = tmp_path / "resolutions.txt"
    path.write_text("# mine\nTories = Conservative Party\nBush != George Bush  # not him\n", "utf-8")
    hand = read_resolutions(path)
    assert hand == HandResolutions(same=(("Tories", "Conservative Party"),), different=(("Bush", "George Bush"),))
    found = resolve_corpus([
        record("o/Conservative_Party", "Organization", "Conservative Party", "a"),
        record("g/Tories", "Group", "Tories", "b"),
        record("p/George_Bush", "Person", "George Bush", "a"),
        record("p/Bush", "Person", "Bush", "b"),
    ], hand)
    assert joins(found) == {"g/Tories": ("o/Conservative_Party", "by hand")}


@pytest.mark.parametrize("line", ["Tories", "= Conservative Party", "A = B = C"])
def test_a_bad_resolutions_line_is_named(tmp_path: Path, line: str) -> None:
    path = tmp_path / "resolutions.txt"
    path.write_text(f"A = B\n{line}\n", "utf-8")
    with pytest.raises(InputError, match=r"resolutions.txt:2: expected"):
        read_resolutions(path)


def test_decisions_do_not_depend_on_the_order_of_the_records() -> None:
    records = [
        record("p/George_Bush", "Person", "George Bush", "a"), record("p/Jeb_Bush", "Person", "Jeb Bush", "b"),
        record("p/Bush", "Person", "Bush", "c"), record("p/Antony_Blinken", "Person", "Antony Blinken", "a"),
        record("p/Blinken", "Person", "Blinken", "b"), record("o/BNP", "Organization", "BNP", "c"),
        record("o/British_National_Party", "Organization", "British National Party", "d"),
    ]
    assert resolve_corpus(records) == resolve_corpus(list(reversed(records)))


def test_only_a_persons_name_bears_a_surname_and_only_its_last_word_counts() -> None:
    found = resolve_corpus([
        record("p/Antony_Blinken", "Person", "Antony Blinken", "a", "c"),
        record("pl/Blinken", "Place", "Blinken", "b"),  # NER's misreading: a place is not joined to a person
        record("p/University_of_California_Davis", "Person", "University of California Davis", "d"),
        record("p/Davis", "Person", "Davis", "e"),
        record("p/UC_Davis", "Person", "UC Davis", "h"),
        record("p/Robert_F._Kennedy", "Person", "Robert F. Kennedy", "f", aliases=("Robert",)),
        record("p/Robert", "Person", "Robert", "g"),
    ])
    assert joins(found) == {}


def test_an_acronym_is_not_what_is_named_after_it_and_a_company_not_its_subsidiary() -> None:
    found = resolve_corpus([
        record("o/IBM_Personal", "Organization", "IBM Personal", "a", aliases=("IBM",)),
        record("o/IBM", "Organization", "IBM", "b"),
        record("o/AMR_Corp", "Organization", "AMR Corp", "c", aliases=("AMR",)),
        record("o/AMR", "Organization", "AMR", "d"),
        record("o/Boeing_Commercial_Airplane_Co", "Organization", "Boeing Commercial Airplane Co", "e"),
        record("o/Boeing_Co", "Organization", "Boeing Co", "e"),
        record("o/III", "Organization", "III", "f"),
        record("o/Ionic_Industries_Inc", "Organization", "Ionic Industries Inc", "f"),
    ])
    assert joins(found) == {"o/AMR": ("o/AMR_Corp", ACRONYM)}


def test_one_name_written_two_ways_is_one_node() -> None:
    found = resolve_corpus([
        record("o/Salomon_Inc.", "Organization", "Salomon Inc.", "a", "b"),
        record("o/Salomon_Inc", "Organization", "Salomon Inc", "c"),
    ])
    assert joins(found) == {"o/Salomon_Inc": ("o/Salomon_Inc.", SAME_NAME)}
    assert found[0].reason == '"Salomon Inc" and "Salomon Inc." are one name written two ways'


def test_an_organisations_middle_word_tells_it_apart() -> None:
    assert resolve_corpus([
        record("o/Democratic_Unionist_Party", "Organization", "Democratic Unionist Party", "a"),
        record("o/Democratic_Party", "Organization", "Democratic Party", "a"),
    ]) == []


def test_the_resolutions_file_reads_names_with_hashes_and_bangs_and_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "resolutions.txt"
    path.write_text("\ufeffC# Foundation = CSharp Foundation  # a comment\nYahoo!= Yahoo Inc\nBush != Jeb Bush\n",
                    "utf-8")
    assert read_resolutions(path) == HandResolutions(
        same=(("C# Foundation", "CSharp Foundation"), ("Yahoo!", "Yahoo Inc")), different=(("Bush", "Jeb Bush"),))
    assert read_resolutions(None) == HandResolutions()


def test_odd_names_neither_crash_nor_take_long() -> None:
    import time

    long_name = " ".join(["AA"] * 40 + ["Q"])
    started = time.perf_counter()
    found = resolve_corpus([
        record("o/empty", "Organization", "   ", "a"),
        record("o/long", "Organization", long_name, "a"),
        record("o/short", "Organization", " ".join(["AA"] * 20 + ["B", "Q"]), "a"),
    ])
    assert found == [] and time.perf_counter() - started < 5
    assert not abbreviates(["AA"] * 24 + ["B", "Q"], ["AA"] * 48 + ["Q"])


def test_a_name_kept_apart_from_candidates_a_later_rule_made_one_is_not_on_record() -> None:
    found = resolve_corpus([
        record("pl/Bradley_International_Airport", "Place", "Bradley International Airport", "d1", "d2",
               aliases=("BDL",)),
        record("pl/Bradley_Airport", "Place", "Bradley Airport", "d2", aliases=("BDL",)),
        record("pl/BDL", "Place", "BDL", "d3"),
    ])
    assert all(resolution.into is not None for resolution in found)


def test_a_first_name_of_the_corpus_is_no_surname_across_stories() -> None:
    found = resolve_corpus([
        record("p/Seth_John", "Person", "Seth John", "a"),
        record("p/John_Kerry", "Person", "John Kerry", "b"),
        record("p/John", "Person", "John", "c"),
        record("p/Seth", "Person", "Kerry", "c"),
    ])
    assert joins(found) == {"p/Seth": ("p/John_Kerry", SURNAME)}


def test_a_surname_with_particles_a_generational_suffix_or_no_accents_joins_its_full_name() -> None:
    found = resolve_corpus([
        record("p/Bill_de_Blasio", "Person", "Bill de Blasio", "a"),
        record("p/de_Blasio", "Person", "de Blasio", "b"),
        record("p/Robert_Downey_Jr.", "Person", "Robert Downey Jr.", "a"),
        record("p/Downey", "Person", "Downey", "c"),
        record("p/Recep_Tayyip_Erdoğan", "Person", "Recep Tayyip Erdoğan", "a"),
        record("p/Erdogan", "Person", "Erdogan", "d"),
        record("p/Anna_Maria_Jones", "Person", "Anna Maria Jones", "e"),
        record("p/Maria_Jones", "Person", "Maria Jones", "f"),  # two words, no particle: a full name of its own
        record("p/Van_Morrison", "Person", "Van Morrison", "g"),  # "Van" a first name here: still a full name
        record("p/Morrison", "Person", "Morrison", "h"),
        record("p/John_Paul_II", "Person", "John Paul II", "i"),  # a numeral numbers a pope: no surname
        record("p/Paul", "Person", "Paul", "j"),
    ])
    assert joins(found) == {"p/de_Blasio": ("p/Bill_de_Blasio", SURNAME), "p/Downey": ("p/Robert_Downey_Jr.", SURNAME),
                            "p/Erdogan": ("p/Recep_Tayyip_Erdoğan", SURNAME),
                            "p/Morrison": ("p/Van_Morrison", SURNAME)}


def test_initials_may_spell_each_part_of_a_hyphenated_word() -> None:
    found = resolve_corpus([
        record("o/Agence_France-Presse", "Organization", "Agence France-Presse", "a"),
        record("o/AFP", "Organization", "AFP", "a"),
        record("o/Hewlett-Packard_Enterprise", "Organization", "Hewlett-Packard Enterprise", "b"),
        record("o/HPE", "Organization", "HPE", "b"),
    ])
    assert joins(found) == {"o/AFP": ("o/Agence_France-Presse", INITIALS),
                            "o/HPE": ("o/Hewlett-Packard_Enterprise", INITIALS)}


def test_one_name_written_with_and_without_its_accents_is_one_node() -> None:
    found = resolve_corpus([
        record("p/Recep_Tayyip_Erdo%C4%9Fan", "Person", "Recep Tayyip Erdoğan", "a"),
        record("p/Recep_Tayyip_Erdogan", "Person", "Recep Tayyip Erdogan", "b"),
    ])
    assert [(r.into, r.rule) for r in found if r.into is not None] in (
        [("p/Recep_Tayyip_Erdo%C4%9Fan", SAME_NAME)], [("p/Recep_Tayyip_Erdogan", SAME_NAME)])
