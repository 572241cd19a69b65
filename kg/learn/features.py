"""Features of an ordered pair of entities in one sentence, for the relation classifier.

Pure functions of the parsed doc, the rules' analysis of it and the two spans: the entity types,
what kg's rules found between them (so learning adds to the rules instead of starting over),
the words between and around them, and the dependency path that joins them. Every feature is a
string with the value 1; the classifier keeps those seen often enough in training.
A rule renamed in kg changes its feature's name: :data:`FEATURES_VERSION` records the feature
set a model was trained with, and loading warns when it differs.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import NamedTuple, TypeVar

from spacy.tokens import Doc, Span, Token

from kg.model import DocumentAnalysis, Factuality, Mention
from kg.resolution.predicates import predicate_of

#: Bumped whenever a feature below changes name or meaning.
FEATURES_VERSION = 2
#: Words between two entities further apart than this are summarised ("between=LONG"), not listed.
MAX_BETWEEN = 12
#: Word sequences between entities are a feature of their own up to this length.
MAX_SEQUENCE = 4


class RuleMatch(NamedTuple):
    """A relation kg's rules found, by token spans, its predicate as kg decides it."""

    subject: tuple[int, int]
    object: tuple[int, int]
    predicate: str  # "NEG_" first when the text denies it
    rule: str
    via_pronoun: bool  # a side was reached through a pronoun's or description's antecedent


class RuleView(NamedTuple):
    """What the rules made of a doc, over its tokens: their relations and their named mentions' classes.

    Both lists are in token order (by first token) and ``reach`` is the most tokens any of them
    spans, so a pair looks up only those near it: a document-long example has tens of thousands
    of names, and scanning them all for each of its pairs takes hours.
    """

    relations: list[RuleMatch]  # by their first token
    classes: list[tuple[int, int, str]]  # (start, end, kg class) of each name, by start
    reach: int  # the most tokens one of them spans


def rule_view(analysis: DocumentAnalysis, doc: Doc) -> RuleView:
    """The rules' relations (:func:`rule_matches`) and the classes they gave names."""
    classes = []
    for mention in analysis.mentions:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if mention.antecedent is None and span is not None:
            classes.append((span.start, span.end, str(mention.cls)))
    classes.sort(key=_first)  # stable: names of one start stay as the rules listed them
    relations = sorted(rule_matches(analysis, doc), key=_first_of_match)
    reach = max([end - start for start, end, _ in classes]
                + [_last_of_match(match) - _first_of_match(match) for match in relations], default=0)
    return RuleView(relations, classes, reach)


def rule_matches(analysis: DocumentAnalysis, doc: Doc) -> list[RuleMatch]:
    """The rules' relations over the doc's tokens, each predicate as :func:`predicate_of` names it."""
    by_id = {mention.id: mention for mention in analysis.mentions}

    def tokens_of(mention_id: str) -> tuple[tuple[int, int] | None, bool]:
        mention, via = by_id[mention_id], False
        if mention.antecedent is not None and mention.antecedent in by_id:
            mention, via = by_id[mention.antecedent], True
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        return ((span.start, span.end) if span is not None else None), via

    found = []
    for relation in analysis.relations:
        predicate, swap = predicate_of(relation.verb, relation.predicate, by_id[relation.subject].cls,
                                       by_id[relation.object].cls)
        (subject, via_subject), (obj, via_object) = tokens_of(relation.subject), tokens_of(relation.object)
        if subject is None or obj is None:
            continue
        if swap:
            subject, obj = obj, subject
        if relation.factuality == Factuality.NEGATED:
            predicate = "NEG_" + predicate
        found.append(RuleMatch(subject, obj, predicate, relation.rule, via_subject or via_object))
    return found


def pair_features(doc: Doc, head: Span, tail: Span, rules: RuleView,
                  entity_spans: list[tuple[int, int]]) -> set[str]:
    """The features of the pair (head, tail), each span labelled with its entity type.

    ``entity_spans`` are all the sentence's entities (for how many stand between the two).
    """
    types = f"{head.label_}>{tail.label_}"
    order = "h<t" if head.start < tail.start else "t<h"
    features = {"bias", "types=" + types, "order=" + order, f"order|types={order}|{types}"}
    first, last = min(head.start, tail.start), max(head.end, tail.end)
    features |= _rule_features(head, tail, _near(rules.relations, _first_of_match, first, last, rules.reach), types)
    head_class, tail_class = _rule_class(head, rules), _rule_class(tail, rules)
    features |= {"head_kg=" + head_class, "tail_kg=" + tail_class, f"kg_classes={head_class}>{tail_class}|{types}"}
    left, right = (head, tail) if head.start < tail.start else (tail, head)
    features |= _between_features(doc, left, right, order, entity_spans)
    features.add("before_left=" + (doc[left.start - 1].lower_ if left.start else "<s>"))
    features.add("after_right=" + (doc[right.end].lower_ if right.end < len(doc) else "</s>"))
    features.add("head_last=" + head[-1].lower_)
    features.add("tail_last=" + tail[-1].lower_)
    features |= _path_features(head, tail, types)
    features.add("head_dep=" + head.root.dep_)
    features.add("tail_dep=" + tail.root.dep_)
    return features


def rules_between(head: Span, tail: Span, matches: Sequence[RuleMatch]) -> list[tuple[RuleMatch, str]]:
    """The rules' relations joining the two spans (by overlap), each with its direction: "fwd"
    from head to tail, "rev" from tail to head."""
    head_tokens, tail_tokens = (head.start, head.end), (tail.start, tail.end)
    found = []
    for match in matches:
        if _overlap(match.subject, head_tokens) and _overlap(match.object, tail_tokens):
            found.append((match, "fwd"))
        elif _overlap(match.subject, tail_tokens) and _overlap(match.object, head_tokens):
            found.append((match, "rev"))
    return found


def _rule_features(head: Span, tail: Span, matches: Sequence[RuleMatch], types: str) -> set[str]:
    features: set[str] = set()
    head_tokens, tail_tokens = (head.start, head.end), (tail.start, tail.end)
    for match, direction in rules_between(head, tail, matches):
        features |= {f"kg={match.predicate}:{direction}", f"kg={match.predicate}:{direction}|{types}",
                     f"kgrule={match.rule}:{direction}"}
        if match.via_pronoun:
            features.add(f"kg_coref={match.predicate}:{direction}")
        if {match.subject, match.object} != {head_tokens, tail_tokens}:
            features.add(f"kg_partial={match.predicate}:{direction}")
    return features or {"kg=none"}


def _rule_class(span: Span, rules: RuleView) -> str:
    """The class the rules gave the name sharing most tokens with the span ("none" when no name does)."""
    best, best_shared = "none", 0
    for start, end, cls in _near(rules.classes, _first, span.start, span.end, rules.reach):
        shared = min(end, span.end) - max(start, span.start)
        if shared > best_shared:
            best, best_shared = cls, shared
    return best


def _between_features(doc: Doc, left: Span, right: Span, order: str, entity_spans: list[tuple[int, int]]) -> set[str]:
    between = doc[left.end:right.start]
    count = len(between)
    distance = str(count) if count < 10 else "10+" if count < 20 else "20+"
    others = sum(1 for start, end in entity_spans if start >= left.end and end <= right.start)
    features = {f"dist={distance}", f"ents_between={min(others, 3)}"}
    if count == 0:
        features.add("between=EMPTY")
    elif count <= MAX_BETWEEN:
        for token in between:
            features.add("bw=" + token.lower_)
            features.add(f"bw|{order}=" + token.lemma_.lower())
        features.add("bw_first=" + between[0].lower_)
        features.add("bw_last=" + between[-1].lower_)
        if count <= MAX_SEQUENCE:
            features.add(f"bw_seq|{order}=" + " ".join(token.lower_ for token in between))
    else:
        features.add("between=LONG")
    features |= {"bw_verb=" + token.lemma_.lower() for token in between if token.pos_ == "VERB"}
    return features


def _path_features(head: Span, tail: Span, types: str) -> set[str]:
    path = _path(head.root, tail.root)
    if path is None:
        return {"path=NONE"}
    up, down = path
    ancestor = up[-1]
    deps = [f"{token.dep_}↑" for token in up[:-1]] + [f"{token.dep_}↓" for token in reversed(down)]
    inside = [token for token in [*up[1:], *reversed(down[1:])] if not (_within(token, head) or _within(token, tail))]
    features = {"path_deps=" + " ".join(deps), "path_deps|types=" + " ".join(deps) + "|" + types,
                f"path_len={min(len(deps), 6)}", "path_lemmas=" + " ".join(t.lemma_.lower() for t in inside),
                "lca=" + ("ENT" if _within(ancestor, head) or _within(ancestor, tail) else ancestor.lemma_.lower()),
                "lca_pos=" + ancestor.pos_,
                "path_full=" + " ".join(f"{t.dep_}↑{t.lemma_.lower()}" for t in up[:-1]) + "|"
                + " ".join(f"{t.dep_}↓{t.lemma_.lower()}" for t in reversed(down))}
    features |= {"path_lemma=" + token.lemma_.lower() for token in inside}
    return features


def _path(a: Token, b: Token) -> tuple[list[Token], list[Token]] | None:
    """The tokens from ``a`` up to the lowest common ancestor (it included), and from ``b`` up to
    below it; None when the two are in different trees (sentences)."""
    up_from_a = [a, *a.ancestors]
    position = {token.i: n for n, token in enumerate(up_from_a)}
    climb: list[Token] = []
    for token in [b, *b.ancestors]:
        if token.i in position:
            return up_from_a[: position[token.i] + 1], climb
        climb.append(token)
    return None


Item = TypeVar("Item")


def _near(items: Sequence[Item], first: Callable[[Item], int], start: int, end: int, reach: int) -> Sequence[Item]:
    """Of ``items`` in order of their first token (``first``), none spanning more than ``reach``
    tokens, those that can overlap tokens ``start`` to ``end``: a slice found by binary search."""
    return items[bisect_left(items, start - reach, key=first):bisect_left(items, end, key=first)]


def _first(item: tuple[int, int, str]) -> int:
    return item[0]


def _first_of_match(match: RuleMatch) -> int:
    return min(match.subject[0], match.object[0])


def _last_of_match(match: RuleMatch) -> int:
    return max(match.subject[1], match.object[1])


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _within(token: Token, span: Span) -> bool:
    return span.start <= token.i < span.end


#: ``doc.user_data``: each mention's tokens, by its characters (:func:`mention_tokens`).
MENTION_TOKENS_KEY = "kg_news_mention_tokens"


def mention_tokens(doc: Doc, mention: Mention) -> Span | None:
    """The tokens of a mention, found once per doc: the model reads each mention's tokens many times."""
    found: dict[tuple[int, int], Span | None] = doc.user_data.setdefault(MENTION_TOKENS_KEY, {})
    key = (mention.start, mention.end)
    if key not in found:
        found[key] = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return found[key]
