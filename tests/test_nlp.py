from __future__ import annotations

import pytest

from kg.errors import ModelError
from kg.nlp import DEFAULT_MODEL, MODEL_ENV_VAR, load_pipeline, model_name


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
