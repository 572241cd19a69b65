"""The rules written as code, by name, and how much each is trusted (``kg/data/rules/core.json``).

Pattern rows (:mod:`kg.extraction.patterns.ruler`) carry their own names and confidences; these are
the rules that read better as code: the verb core (subject-verb-object, verb + preposition,
control chains, speech), titles, and the step that follows "Town, State" containment.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from kg.data.words import DATA_DIR, DataError, load_json


class CoreRule(StrEnum):
    """The name a statement made by a code rule records as its ``kg:rule``."""

    SVO = "svo"
    VERB_PREP = "verb-prep"
    VERB_NOUN_PREP = "verb-noun-prep"
    OBJECT_CONTROL = "object-control"
    POSSESSOR = "possessor"
    MUTUAL = "mutual"
    SPEECH = "speech"
    QUOTE = "quote"
    CHARACTERISATION = "characterisation"
    TITLE = "title"
    APPOSITION = "apposition"
    TITLE_AFFILIATION = "title-affiliation"
    HOME_COUNTRY = "home-country"
    CHAMBER = "chamber"
    UNIT = "unit"
    TRANSITIVE = "transitive"


@cache
def _confidences() -> dict[CoreRule, float]:
    path = DATA_DIR / "rules" / "core.json"
    rules = load_json("rules/core.json").get("rules", {})
    found: dict[CoreRule, float] = {}
    for rule in CoreRule:
        confidence = rules.get(rule.value, {}).get("confidence")
        if not isinstance(confidence, int | float) or not 0 < confidence <= 1:
            raise DataError(f"{path}: rule {rule.value!r} needs a confidence between 0 and 1")
        found[rule] = float(confidence)
    unknown = set(rules) - {rule.value for rule in CoreRule}
    if unknown:
        raise DataError(f"{path}: no code rule is called {', '.join(sorted(unknown))}")
    return found


def confidence(rule: CoreRule) -> float:
    """How much a statement of the code rule is trusted, before any penalty for how its arguments were found."""
    return _confidences()[rule]
