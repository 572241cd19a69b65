from __future__ import annotations

import pytest

from kg.errors import ModelError
from kg.nlp import (
    DEFAULT_MODEL,
    MODEL_ENV_VAR,
    load_pipeline,
    model_name,
    parse,
    sentence_numbers,
    sentence_of,
    sentences,
    text_of,
    tokens_among,
    tokens_with_lemma,
    tokens_with_pos,
)


def test_a_line_break_ends_a_sentence() -> None:
    headline = (
        "Blinken is traveling to Israel to try to get Netanyahu to agree "
        "to a humanitarian “pause” in the Gaza offensive"
    )
    body = "US Secretary of State Antony Blinken plans to visit Israel this Friday for the second time in a month."
    doc = load_pipeline()(f"{headline}\n{body}")
    sentences = [sentence.text.strip() for sentence in doc.sents]
    assert sentences == [headline, body]


def test_model_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODEL_ENV_VAR, raising=False)
    assert model_name() == DEFAULT_MODEL
    monkeypatch.setenv(MODEL_ENV_VAR, "en_core_web_lg")
    assert model_name() == "en_core_web_lg"
    assert model_name("en_core_web_trf") == "en_core_web_trf"


def test_missing_model_gives_a_clear_error() -> None:
    with pytest.raises(ModelError, match="not installed"):
        load_pipeline("en_core_web_doesnotexist")


ARTICLE = (
    "WASHINGTON, March 3 (Reuters) - The Assassination of Lincoln was planned in Maryland.\n"
    "Booth KILLED him in Ford's Theatre; the killers fled, in panic, to Virginia.\n"
    "Officials said they would not comment on the murders."
)


def test_token_lookups_agree_with_the_tokens_attributes() -> None:
    doc = load_pipeline()(ARTICLE)
    words, lemmas, tags = frozenset({"in", ",", "the"}), frozenset({"kill", "killer", "murder"}), frozenset({"VERB"})
    assert tokens_among(doc, words) == [token for token in doc if token.lower_ in words]
    assert tokens_with_lemma(doc, lemmas) == [token for token in doc if token.lemma_.lower() in lemmas]
    assert tokens_with_pos(doc, tags) == [token for token in doc if token.pos_ in tags]
    assert [token.text for token in tokens_with_lemma(doc, lemmas)] == ["KILLED", "killers", "murders"]


def test_sentence_lookups_agree_with_spacy() -> None:
    doc = next(parse([ARTICLE], load_pipeline()))
    assert [sentence.text.split()[0] for sentence in sentences(doc)] == ["WASHINGTON,", "The", "Booth", "Officials"]
    assert text_of(doc) == ARTICLE  # the text as given; the model read the dateline's hyphen as a dash
    assert doc.text == ARTICLE.replace(" - ", " — ", 1)
    for token in doc:
        assert sentence_of(token) == token.sent
        assert sentences(doc)[sentence_numbers(doc)[token.i]] == token.sent
    span = doc[8:10]
    assert sentence_of(span) == span.sent


def test_lookups_work_on_an_empty_doc() -> None:
    doc = load_pipeline()("")
    assert tokens_among(doc, frozenset({"in"})) == tokens_with_lemma(doc, frozenset({"be"})) == []
    assert tokens_with_pos(doc, frozenset({"VERB"})) == sentence_numbers(doc) == []


@pytest.mark.parametrize(("text", "dateline", "places"), [
    ("BRASILIA - Japanese Foreign Minister Yoko Kamikawa met Lula.", "BRASILIA - ", ["BRASILIA"]),
    ("LONDON -- Police said.", "LONDON -- ", ["LONDON"]),
    ("Kyiv, Ukraine — Zelenskiy met Tusk.", "Kyiv, Ukraine — ", ["Kyiv", "Ukraine"]),
    ("WASHINGTON (Reuters) - Apple said it would buy Shazam.", "WASHINGTON (Reuters) - ", ["WASHINGTON"]),
    ("PARIS, March 3 (AP) – Macron visited Berlin.", "PARIS, March 3 (AP) – ", ["PARIS"]),
    ("NEW YORK, Jan. 5 (Reuters) - Stocks fell.", "NEW YORK, Jan. 5 (Reuters) - ", ["NEW YORK"]),
    ("Rio de Janeiro (Reuters) - Police said.", "Rio de Janeiro (Reuters) - ", ["Rio de Janeiro"]),
    ("(Reuters) - Tesla said it would cut jobs.", "(Reuters) - ", []),
    ("Title line\nDUBAI - Yemen's Houthis attacked a ship.", "DUBAI - ", ["DUBAI"]),
])
def test_datelines_in_their_common_forms(text: str, dateline: str, places: list[str]) -> None:
    from kg.nlp import datelines

    [(start, end, found)] = datelines(text)
    assert text[start:end] == dateline and [text[a:b] for a, b in found] == places


@pytest.mark.parametrize("text", ["Paris - the city of light.", "US - China talks resumed.", "The President - he said.",
                                  "Angela Merkel met Macron - and Scholz."])
def test_what_is_no_dateline(text: str) -> None:
    from kg.nlp import datelines

    assert datelines(text) == []


def test_the_model_reads_a_datelines_hyphen_as_a_break() -> None:
    """The text keeps its characters where they were; the model sees an em dash, and the story starts
    a sentence: "LONDON - Metropolitan Police" is no longer one organisation."""
    from kg.nlp import with_dateline_dashes

    text = "LONDON - Metropolitan Police said on Tuesday they had arrested a man."
    assert len(with_dateline_dashes(text)) == len(text) and with_dateline_dashes(text).startswith("LONDON — ")
    doc = load_pipeline()(text)
    assert [sentence.text.strip() for sentence in doc.sents][0] == "LONDON —"
    assert ("Metropolitan Police", "ORG") in {(entity.text, entity.label_) for entity in doc.ents}
