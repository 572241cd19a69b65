from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.read import clean_text, content_id, normalise_date, read_documents, text_document


def read_all(*paths: Path | str) -> tuple[list, list[str]]:
    errors: list[str] = []
    documents = list(read_documents(paths, on_error=lambda e: errors.append(str(e))))
    return documents, errors


def test_text_file_headline_becomes_title(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Blinken visits Israel\nAntony Blinken arrived in Tel Aviv.\n", "utf-8")
    [document], errors = read_all(path)
    assert errors == []
    assert document.title == "Blinken visits Israel"
    assert document.source == str(path)
    assert document.id == content_id(document.text)


def test_markdown_heading_marks_are_not_in_the_title(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("# Talks in Cairo\n\nEgypt hosted the talks.", "utf-8")
    [document], _ = read_all(path)
    assert document.title == "Talks in Cairo"


def test_jsonl_fields_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    lines = [
        json.dumps({"id": "a1", "title": "One", "date": "2023-11-02", "text": "Biden met Xi."}),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "Macron visited Berlin."}),
    ]
    path.write_text("\n".join(lines), "utf-8")
    documents, errors = read_all(path)
    assert [d.text for d in documents] == ["Biden met Xi.", "Macron visited Berlin."]
    assert documents[0].id == "a1" and documents[0].date == "2023-11-02" and documents[0].title == "One"
    assert documents[1].title is None
    assert len(errors) == 2 and ":2:" in errors[0] and ":3:" in errors[1]


def test_csv_with_wikinews_columns(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text('url,date,title,text\nhttps://example.org/a,2019-10-11,Title A,"Line one.\n\nLine two."\n', "utf-8")
    [document], errors = read_all(path)
    assert errors == []
    assert (document.title, document.date, document.source) == ("Title A", "2019-10-11", "https://example.org/a")
    assert document.text == "Line one.\n\nLine two."


def test_csv_without_text_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n", "utf-8")
    documents, errors = read_all(path)
    assert documents == [] and "'text' column" in errors[0]


def test_folders_are_read_recursively_in_order_skipping_hidden_and_readme(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Second.", "utf-8")
    (tmp_path / "1.txt").write_text("First.", "utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden.", "utf-8")
    (tmp_path / "README.md").write_text("About this folder.", "utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00\x00")
    documents, errors = read_all(tmp_path)
    assert [d.text for d in documents] == ["First.", "Second."]
    assert errors == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
        (b"Caf\xe9 au lait in Paris.", "not valid UTF-8"),
    ],
)
def test_bad_files_are_reported_and_others_still_read(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("Merkel met Macron.", "utf-8")
    documents, errors = read_all(bad, good)
    assert [d.text for d in documents] == ["Merkel met Macron."]
    assert len(errors) == 1 and message in errors[0] and str(bad) in errors[0]


def test_missing_path_is_reported(tmp_path: Path) -> None:
    documents, errors = read_all(tmp_path / "nope.txt")
    assert documents == [] and "no such file" in errors[0]


def test_utf8_bom_and_crlf_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "win.txt"
    path.write_bytes("\ufeffHeadline\r\nBody.".encode())
    [document], _ = read_all(path)
    assert document.text == "Headline\nBody."


def test_errors_raise_by_default(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        list(read_documents([tmp_path / "missing.txt"]))


def test_text_document_refuses_blank_text() -> None:
    with pytest.raises(InputError, match="no text"):
        text_document("  \n ")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2023-11-02", "2023-11-02"), ("2023-11-02T10:00:00Z", "2023-11-02"), ("2 November 2023", "2023-11-02"),
     ("November 2, 2023", "2023-11-02"), ("yesterday", None), ("", None), (None, None)],
)
def test_normalise_date(value: str | None, expected: str | None) -> None:
    assert normalise_date(value) == expected


def test_text_is_nfc_normalised(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Zu\u0308rich hosted the talks.", "utf-8")
    [document], _ = read_all(tmp_path / "a.txt")
    assert document.text == "Z\u00fcrich hosted the talks."


def test_only_exact_project_file_names_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "licence-fee-protest.txt").write_text("Protesters marched in London.", "utf-8")
    (tmp_path / "LICENSE.txt").write_text("MIT", "utf-8")
    documents, errors = read_all(tmp_path)
    assert [d.text for d in documents] == ["Protesters marched in London."] and errors == []


def test_malformed_csv_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\r\x01")  # found by bench/fuzz.py
    documents, errors = read_all(path)
    assert documents == [] and len(errors) == 1 and "bad.csv" in errors[0]


def test_html_without_a_closing_head_and_with_svg_titles() -> None:
    from kg.read import html_text

    title, text = html_text("<html><head><title>Real</title><body><svg><title>Share on X</title></svg>"
                            "<p>Macron met Scholz.</p></body></html>")
    assert (title, text) == ("Real", "Macron met Scholz.")


def test_invisible_characters_are_dropped_when_a_text_is_read(tmp_path: Path) -> None:
    """A zero-width joiner or a direction isolate inside a name would make a look-alike second node."""
    assert clean_text("Jo\u200de Bi\u2066den met \u202eHarris\u202c at the caf\u00e9\u00ad\ufeff.") == \
        "Joe Biden met Harris at the café."
    path = tmp_path / "a.txt"
    path.write_text("Title\n\ufeffJoe Biden met Kamala Harris. Jo\u200de Bi\u2069den left.\n", encoding="utf-8")
    (document,) = [item for item in read_documents([path])]
    assert "\u200d" not in document.text and "\u2069" not in document.text
    assert document.text.count("Joe Biden") == 2
