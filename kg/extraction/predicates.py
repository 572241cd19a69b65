"""Verb phrases -> closed relations, checked against the ontology's domains and ranges.

The lexicon groups verbs the way event coders do (CAMEO: consult, visit, assault, ...).
A phrase that is not listed, or whose subject and object have classes the relation does not
allow, stays an open relation: ``kg:relatedTo`` with the verb kept on the statement.
"""

from __future__ import annotations

from kg.namespace import fits

GENERIC = "relatedTo"

_PHRASES: dict[str, tuple[str, ...]] = {
    "meets": (
        "meet", "meet with", "hold talks with", "hold talk with", "have talks with", "talk with",
        "talk to", "consult", "consult with", "confer with", "host", "receive", "sit down with",
        "speak with", "hold meeting with", "have meeting with", "hold meetings with",
    ),
    "negotiatesWith": (
        "negotiate with", "bargain with", "hold negotiations with", "reach deal with",
        "reach agreement with", "sign deal with", "sign agreement with", "strike deal with",
    ),
    "visits": (
        "visit", "travel to", "arrive in", "arrive at", "fly to", "go to", "head to", "come to",
        "return to", "tour", "land in", "make visit to", "pay visit to", "travel in",
    ),
    "worksFor": (
        "work for", "work at", "work with", "work in", "serve", "serve in", "serve on", "serve with", "represent",
        "be employee of",
    ),
    "spokespersonFor": ("speak for", "be spokesman for", "be spokeswoman for", "be spokesperson for"),
    "leads": (
        "lead", "head", "chair", "run", "govern", "rule", "command", "be leader of", "be head of",
        "be president of", "be chairman of", "be ceo of", "be prime minister of",
        "become leader of", "become head of", "become president of", "become prime minister of",
        "become chairman of", "become ceo of", "take over",
    ),
    "memberOf": ("join", "be member of", "belong to", "be part of", "become member of"),
    "locatedIn": ("be in", "lie in", "locate in", "be capital of", "border"),
    "basedIn": ("base in", "headquarter in", "be headquartered in", "be based in"),
    "livesIn": (
        "live in", "reside in", "bear in", "grow up in", "move to", "settle in", "be native of",
    ),
    "killed": (
        "kill", "shoot", "murder", "assassinate", "execute", "slay", "behead", "shoot dead", "gun down", "cut down",
        "strangle",
    ),
    "attacked": (
        "attack", "bomb", "strike", "shell", "invade", "raid", "target", "assault",
        "fight", "fire at", "shoot at", "launch attack on", "carry out attack on", "harass", "hit",
        "fight against", "storm", "besiege",
    ),
    "says": ("say", "tell", "state", "announce", "declare"),
    "supports": (
        "support", "back", "endorse", "aid", "help", "praise", "welcome", "defend", "assist",
        "fund", "side with", "vote for", "grant", "thank", "congratulate", "ally with",
    ),
    "opposes": (
        "oppose", "criticize", "criticise", "condemn", "accuse", "sanction", "denounce", "blame",
        "reject", "protest", "sue", "vote against", "face off with", "warn", "threaten",
        "impose sanction on", "impose sanctions on", "protest against", "clash with",
    ),
}

#: Phrases whose subject and object are the other way round in the relation ("X is employed by Y").
_INVERSE: dict[str, str] = {"employ": "worksFor", "hire": "worksFor", "elect": "leads"}

LEXICON: dict[str, str] = {phrase: relation for relation, phrases in _PHRASES.items() for phrase in phrases}


def closed_relation(phrase: str, subject_cls: str, object_cls: str) -> tuple[str, bool]:
    """The relation a verb phrase states, and whether subject and object swap for it.

    >>> closed_relation("meet with", "Person", "Person")
    ('meets', False)
    >>> closed_relation("travel to", "Person", "Person")  # a person is not a place
    ('relatedTo', False)
    >>> closed_relation("employ", "Organization", "Person")
    ('worksFor', True)
    """
    relation = LEXICON.get(phrase)
    if relation is not None and fits(relation, subject_cls, object_cls):
        return relation, False
    inverse = _INVERSE.get(phrase)
    if inverse is not None and fits(inverse, object_cls, subject_cls):
        return inverse, True
    return GENERIC, False
