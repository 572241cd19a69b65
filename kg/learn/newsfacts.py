"""News-facts annotations for ``kg train``: articles and their facts, aligned to the text.

The format is ``shared/eval/news-facts``'s (its ``GUIDELINES.md``): a folder holding
``articles.jsonl`` (one article a line: ``id``, ``title``, ``date``, ``text``, as ``kg build``
reads it) and ``gold.jsonl`` (one line an article: ``doc``, the article's ``id``; ``entities``,
each ``{"id", "class", "names"}`` with every name the article uses; ``facts``, each ``{"s",
"rel", "o", "factuality", "evidence"}`` with the evidence sentence copied from the text).

Alignment finds each fact's evidence in its article (spacing and curly quotes aside, so an
evidence that runs across a line break is found) and each entity's names in the text. A fact
whose evidence is not in its article is skipped and reported; a fact whose subject or object is
not named in its evidence (a pronoun or a description stands there: "he", "the minister") is
kept, and learned from where kg's rules link that pronoun to the name. Everything that cannot
be read as the format (an unknown relation or class, a fact naming an unknown entity, an empty
file) is refused with one line naming the document and the fact, before anything is trained.

>>> aligned_text_span("He said:\\n“We will   go.”", '"We will go."')
(9, 24)
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.model import Document, EntityClass

#: The files of a news-facts folder.
ARTICLES_FILE = "articles.jsonl"
GOLD_FILE = "gold.jsonl"
#: The guidelines' entity classes and relations (``shared/eval/news-facts/GUIDELINES.md``).
CLASSES = ("Person", "Organization", "Country", "City", "Place", "Group", "Role")
RELATIONS = ("holdsRole", "worksFor", "leads", "memberOf", "owns", "partOf", "founded", "locatedIn", "basedIn",
             "citizenOf", "familyOf", "meets", "visits", "attacks", "kills", "injures", "acquires", "leaves",
             "elected", "sues", "accuses", "arrests", "supports", "opposes", "says")
#: Relations the guidelines annotate once whichever way round: the scorer accepts either direction.
SYMMETRIC = frozenset({"meets", "familyOf"})
FACTUALITIES = ("asserted", "planned", "reported", "negated", "hypothetical")

#: Why a fact is not learned from as written, in the alignment report.
NOT_IN_ARTICLE = "evidence not in the article"
SIDE_NOT_NAMED = "subject or object not named in the evidence (a pronoun or description there)"


@dataclass(frozen=True)
class GoldEntity:
    """An annotated entity: its id in the article, class and every name the article gives it."""

    id: str
    cls: EntityClass
    names: tuple[str, ...]


@dataclass(frozen=True)
class GoldFact:
    """An annotated fact; ``span`` is where its evidence is in the text (None when it is not there)."""

    number: int
    subject: str
    relation: str
    object: str
    factuality: str
    evidence: str
    span: tuple[int, int] | None
    named: bool  # both sides are named inside the evidence


@dataclass(frozen=True)
class NewsArticle:
    """One annotated article: the document as ``kg build`` reads it, its entities, facts and mentions."""

    document: Document
    entities: tuple[GoldEntity, ...]
    facts: tuple[GoldFact, ...]
    #: Every occurrence of an entity's names in the text: (start, end, entity id), none overlapping.
    mentions: tuple[tuple[int, int, str], ...]


@dataclass
class AlignmentReport:
    """What alignment made of the facts: counts, and one line per fact not learned from as written."""

    articles: int = 0
    entities: int = 0
    mentions: int = 0
    facts: int = 0
    aligned: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)  # the sites the articles come from, for the card's attribution

    def summary(self) -> str:
        reasons = "; ".join(f"{count} {reason}" for reason, count in sorted(self.skipped.items()))
        return (f"{self.articles} articles, {self.entities} entities ({self.mentions} mentions), {self.facts} facts: "
                f"{self.aligned} aligned with both names in the evidence" + (f"; {reasons}" if reasons else ""))


def is_news_facts(path: Path) -> bool:
    """True for a folder holding a news-facts ``articles.jsonl`` and ``gold.jsonl``."""
    return path.is_dir() and (path / ARTICLES_FILE).is_file() and (path / GOLD_FILE).is_file()


def read_news_facts(folder: Path) -> tuple[list[NewsArticle], AlignmentReport]:
    """The annotated articles of a news-facts folder, aligned, and the alignment's report."""
    from kg.read import json_line, read_documents

    if not is_news_facts(folder):
        raise InputError(f"{folder}: a news-facts folder holds {ARTICLES_FILE} and {GOLD_FILE}")
    documents = {document.id: document for document in read_documents([folder / ARTICLES_FILE])}
    gold_path = folder / GOLD_FILE
    try:
        lines = gold_path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{gold_path}: cannot read ({error})") from error
    records = [(number, line) for number, line in enumerate(lines, 1) if line.strip()]
    if not records:
        raise InputError(f"{gold_path}: empty: no annotated article to learn from")
    report = AlignmentReport()
    articles = []
    seen: set[str] = set()
    for number, line in records:
        record = json_line(line, f"{gold_path}:{number}")  # nested a thousand deep: one line named, no RecursionError
        article = _article(record, documents, f"{gold_path}:{number}", report)
        if article.document.id in seen:
            raise InputError(f"{gold_path}:{number} {article.document.id}: the article is annotated twice")
        seen.add(article.document.id)
        articles.append(article)
    return articles, report


def aligned_text_span(text: str, evidence: str) -> tuple[int, int] | None:
    """Where ``evidence`` is in ``text``, spacing and quote marks aside; None when it is not there."""
    if not evidence.strip():
        return None
    exact = text.find(evidence)
    if exact >= 0:
        return exact, exact + len(evidence)
    words = [re.escape(_plain(word)) for word in evidence.translate(_INVISIBLE).split()]
    pattern = r"[\s\u200b-\u200d\ufeff]+".join(words)  # a line break, or a zero-width joiner, between words
    match = re.search(pattern, _plain(text))  # _plain keeps every character's place
    return (match.start(), match.end()) if match else None


def name_occurrences(text: str, names: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Every occurrence of each (name, entity id) in ``text`` on word boundaries, longest names
    first, none overlapping: "West Virginia" is not also a "Virginia"."""
    plain = _plain(text)
    taken: list[tuple[int, int, str]] = []
    for name, entity in sorted(names, key=lambda item: (-len(item[0]), item)):
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(_plain(word)) for word in name.split()) + r"(?!\w)"
        for match in re.finditer(pattern, plain):
            if all(match.end() <= start or end <= match.start() for start, end, _ in taken):
                taken.append((match.start(), match.end(), entity))
    return sorted(taken)


def normalised_name(name: str) -> str:
    """A name as ``score_facts.py`` compares names: case, a leading "the", a possessive,
    punctuation and spacing aside.

    >>> normalised_name("The Labour Party's")
    'labour party'
    """
    text = unicodedata.normalize("NFKC", name).replace("\u2019", "'").casefold().strip()
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"'s?$", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def _article(record: Any, documents: dict[str, Document], where: str, report: AlignmentReport) -> NewsArticle:
    if not isinstance(record, dict) or not isinstance(record.get("doc"), str):
        raise InputError(f"{where}: a gold line is an object with 'doc', 'entities' and 'facts'")
    where = f"{where} {record['doc']}"
    document = documents.get(record["doc"])
    if document is None:
        raise InputError(f"{where}: no article with this id in {ARTICLES_FILE}")
    entities = []
    for item in record.get("entities") or []:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise InputError(f"{where}: an entity is an object with 'id', 'class' and 'names'")
        if item.get("class") not in CLASSES:
            raise InputError(f"{where}: entity {item['id']}: unknown class {item.get('class')!r} "
                             f"(one of {', '.join(CLASSES)})")
        names = item.get("names")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            raise InputError(f"{where}: entity {item['id']}: 'names' is a list of the names the article uses")
        entities.append(GoldEntity(item["id"], EntityClass(item["class"]), tuple(names)))
    by_id = {entity.id: entity for entity in entities}
    if len(by_id) != len(entities):
        raise InputError(f"{where}: an entity id is used twice")
    text = document.text
    facts = []
    for number, item in enumerate(record.get("facts") or [], 1):
        tag = f"{where}: fact {number}"
        if not isinstance(item, dict):
            raise InputError(f"{tag}: a fact is an object with 's', 'rel', 'o', 'factuality' and 'evidence'")
        tag = f"{tag} ({item.get('s')} {item.get('rel')} {item.get('o')})"
        if item.get("rel") not in RELATIONS:
            raise InputError(f"{tag}: unknown relation {item.get('rel')!r} (one of {', '.join(RELATIONS)})")
        if item.get("s") not in by_id or item.get("o") not in by_id:
            raise InputError(f"{tag}: names an entity the article's 'entities' do not list")
        factuality = item.get("factuality", "asserted")
        if factuality not in FACTUALITIES:
            raise InputError(f"{tag}: unknown factuality {factuality!r} (one of {', '.join(FACTUALITIES)})")
        evidence = item.get("evidence")
        if not isinstance(evidence, str) or not evidence.strip():
            raise InputError(f"{tag}: no evidence sentence")
        span = aligned_text_span(text, evidence)
        named = span is not None and all(
            name_occurrences(text[span[0]:span[1]], [(name, "") for name in by_id[side].names])
            for side in (item["s"], item["o"]))
        fact = GoldFact(number, item["s"], item["rel"], item["o"], factuality, evidence, span, named)
        report.facts += 1
        if span is None:
            report.skipped[NOT_IN_ARTICLE] += 1
            report.lines.append(f"{tag}: skipped: {NOT_IN_ARTICLE}: {evidence[:80]!r}")
        elif not named:
            report.skipped[SIDE_NOT_NAMED] += 1
        else:
            report.aligned += 1
        facts.append(fact)
    mentions = name_occurrences(text, [(name, entity.id) for entity in entities for name in entity.names])
    report.articles += 1
    site = re.match(r"https?://(?:[\w-]+\.)*?([\w-]+\.[a-z]+)/", document.source or "")
    report.sources.add(site.group(1) if site else "")
    report.entities += len(entities)
    report.mentions += len(mentions)
    return NewsArticle(document, tuple(entities), tuple(facts), tuple(mentions))


_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u00a0": " "})


_INVISIBLE = str.maketrans(dict.fromkeys("\u200b\u200c\u200d\ufeff"))  # left out of an evidence


def _plain(text: str) -> str:
    """The text with curly quotes straight and no-break spaces plain, every character in its place."""
    return text.translate(_QUOTES)


@lru_cache(maxsize=1)
def _news_facts_map() -> dict[str, list[str]]:
    """kg's predicates -> the guidelines relations, as ``score_facts.py`` maps them
    (``kg/data/maps/news-facts.json``): the one place that says which predicate states which."""
    relations: dict[str, list[str]] = json.loads(
        (resources.files("kg") / "data" / "maps" / "news-facts.json").read_text("utf-8"))["relations"]
    return relations


@lru_cache(maxsize=1)
def gold_to_predicate() -> dict[str, str]:
    """Each guidelines relation and the kg predicate that states it (``kills`` is ``kg:killed``)."""
    found: dict[str, str] = {}
    for predicate, relations in _news_facts_map().items():
        for relation in relations:
            if relation == predicate or relation not in found:
                found[relation] = predicate
    return {relation: found.get(relation, relation) for relation in RELATIONS}


@lru_cache(maxsize=1)
def predicate_to_gold() -> dict[str, str]:
    """Every kg predicate that states a guidelines relation, and that relation."""
    found = {relation: relation for relation in RELATIONS}
    found.update({predicate: relations[0] for predicate, relations in _news_facts_map().items()})
    return found
