from __future__ import annotations

from collections.abc import Callable

from kg.model import Corpus

SEED_LINES = (
    "Blinken is traveling to Israel to try to get Netanyahu to agree to a pause\n"
    "US Secretary of State Antony Blinken plans to visit Israel this Friday.\n"
    "Blinken will meet with Netanyahu. Upon his departure from the United States, Blinken said so.\n"
)


def by_name(corpus: Corpus) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {entity.name: (entity.cls, entity.aliases) for entity in corpus.entities}


def test_short_names_titles_and_aliases_are_one_person(resolve_texts: Callable[..., Corpus]) -> None:
    entities = by_name(resolve_texts(SEED_LINES))
    cls, aliases = entities["Antony Blinken"]
    assert cls == "Person"  # NER tags "Blinken" as a place in some sentences; the vote keeps it a Person
    assert "Blinken" in aliases and "US Secretary of State Antony Blinken" in aliases
    assert "Blinken" not in entities


def test_us_is_the_united_states(resolve_texts: Callable[..., Corpus]) -> None:
    corpus = resolve_texts(SEED_LINES)
    entities = by_name(corpus)
    assert entities["United States"][0] == "Country"
    assert "US" in entities["United States"][1]
    assert "US" not in entities


def test_entities_merge_across_documents(resolve_texts: Callable[..., Corpus]) -> None:
    corpus = resolve_texts("Antony Blinken visited Cairo.", "Blinken met Sisi in Cairo.")
    [blinken] = [e for e in corpus.entities if e.name == "Antony Blinken"]
    assert len(blinken.documents) == 2
    assert not any(e.name == "Blinken" for e in corpus.entities)


def test_relations_map_to_closed_relations_by_class(resolve_texts: Callable[..., Corpus]) -> None:
    corpus = resolve_texts(SEED_LINES)
    found = {(r.subject, r.predicate, r.object, r.factuality) for r in corpus.relations}
    assert ("person/Antony Blinken", "meets", "person/Netanyahu", "planned") in found
    assert ("person/Antony Blinken", "visits", "place/Israel", "planned") in found
    assert ("person/Antony Blinken", "holdsRole", "role/Secretary of State", "asserted") in found


def test_output_order_does_not_depend_on_input_order(resolve_texts: Callable[..., Corpus]) -> None:
    one = resolve_texts("Macron met Scholz in Berlin.", "Scholz visited Paris.")
    two = resolve_texts("Scholz visited Paris.", "Macron met Scholz in Berlin.")
    assert one.entities == two.entities
    assert sorted(one.relations, key=repr) == sorted(two.relations, key=repr)
