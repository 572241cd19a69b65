from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject
from typer.testing import CliRunner

import kg.read.pdf
import kg.read.word
from kg.cli import EXIT_FAILED, EXIT_SOME_INPUTS_FAILED, app
from kg.errors import InputError
from kg.graph.export import load_graph
from kg.namespace import KG
from kg.pipeline import build, count_documents
from kg.read import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENT_CHARACTERS,
    clean_text,
    content_id,
    front_matter,
    json_line,
    normalise_date,
    read_documents,
    text_document,
    too_long,
)


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
    assert errors == [f"{tmp_path / 'image.png'}: an image, not text: run OCR on it, e.g. `tesseract FILE out` "
                      "(for a scan saved as PDF: `ocrmypdf FILE out.pdf`)"]


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


# --- what a newsroom has: PDF, Word, web pages, text with a date --------------------------------------------------

def write_pdf(path: Path, lines: list[str], *, title: str | None = None, created: str | None = None) -> Path:
    """A one-page PDF whose text layer holds ``lines`` (no lines: a page with no text, as a scan has)."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    if lines:
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Helvetica")})
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
        shown = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
        content = DecodedStreamObject()
        content.set_data(f"BT /F1 12 Tf 72 720 Td {shown} ET".encode("latin-1"))
        page.replace_contents(content)
    metadata = {"/Title": title} if title else {}
    if created:
        metadata["/CreationDate"] = created
    if metadata:
        writer.add_metadata(metadata)
    with path.open("wb") as stream:
        writer.write(stream)
    return path


def write_docx(path: Path, paragraphs: list[str], *, title: str = "", created: datetime | None = None) -> Path:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.core_properties.title = title
    if created is not None:
        document.core_properties.created = created
    document.save(str(path))
    return path


#: A news page as a site serves it: menus, the article, a "Most read" sidebar and a footer.
NEWS_PAGE = """<!doctype html>
<html><head><title>Blinken meets Netanyahu | The Daily</title>
<meta property="og:title" content="Blinken meets Netanyahu in Jerusalem">
<meta property="article:published_time" content="2024-06-04T09:30:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Blinken meets Netanyahu in Jerusalem</h1>
<p>Antony Blinken met Benjamin Netanyahu in Jerusalem on Tuesday, the State Department said.</p>
<p>The two men discussed a ceasefire in Gaza and the release of hostages held by Hamas.</p>
<p>Blinken will travel to Cairo on Wednesday to meet Egyptian President Abdel Fattah el-Sisi.</p></article>
<aside><h2>Most read</h2><ul><li>Most read: Taylor Swift plays Wembley</li>
<li>Elon Musk buys a football club</li></ul></aside>
<footer>Copyright The Daily. Follow us on Facebook.</footer></body></html>
"""


def test_a_pdf_gives_its_text_layer_title_and_date(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "macron.pdf", ["Emmanuel Macron met Olaf Scholz in Berlin on Monday."],
                     title="Macron in Berlin", created="D:20240604120000Z")
    [document], errors = read_all(path)
    assert errors == []
    assert (document.text, document.title, document.date) == (
        "Emmanuel Macron met Olaf Scholz in Berlin on Monday.", "Macron in Berlin", "2024-06-04")


def test_a_date_in_the_file_name_wins_over_the_day_a_pdf_was_made(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "2023-11-02-blinken.pdf", ["Antony Blinken flew to Tel Aviv."],
                     title="Microsoft Word - blinken.docx", created="D:20260101120000Z")
    [document], _ = read_all(path)
    assert (document.title, document.date) == ("Antony Blinken flew to Tel Aviv.", "2023-11-02")


def test_a_scanned_pdf_is_named_with_the_fix(tmp_path: Path) -> None:
    documents, errors = read_all(write_pdf(tmp_path / "scan.pdf", []))
    assert documents == []
    assert errors == [f"{tmp_path / 'scan.pdf'}: a scanned PDF with no text layer: run OCR on it, "
                      "e.g. `ocrmypdf FILE out.pdf`"]


def test_a_broken_pdf_is_named(tmp_path: Path) -> None:
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a PDF")
    documents, errors = read_all(tmp_path / "broken.pdf")
    assert documents == [] and len(errors) == 1 and "broken.pdf: not a readable PDF" in errors[0]


def test_a_word_document_gives_its_paragraphs_title_and_date(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "talks.docx", ["Talks in Cairo", "", "Egypt hosted the talks on Sunday."],
                      title="Ceasefire talks", created=datetime(2024, 6, 2, 8, 0, tzinfo=UTC))
    [document], errors = read_all(path)
    assert errors == []
    assert (document.text, document.title, document.date) == (
        "Talks in Cairo\nEgypt hosted the talks on Sunday.", "Ceasefire talks", "2024-06-02")


def test_a_broken_word_document_is_named(tmp_path: Path) -> None:
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    documents, errors = read_all(tmp_path / "broken.docx")
    assert documents == [] and len(errors) == 1 and "broken.docx: not a readable Word document" in errors[0]


def test_a_web_page_gives_the_article_without_the_sidebar(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(NEWS_PAGE, "utf-8")
    [document], errors = read_all(path)
    assert errors == []
    assert (document.title, document.date) == ("Blinken meets Netanyahu in Jerusalem", "2024-06-04")
    assert "Antony Blinken met Benjamin Netanyahu in Jerusalem on Tuesday" in document.text
    assert "Abdel Fattah el-Sisi" in document.text
    for aside in ("Most read", "Taylor Swift", "Elon Musk", "Sport", "Copyright", "Facebook"):
        assert aside not in document.text


def test_a_page_is_read_without_the_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """kg runs offline: reading a page (and its metadata) must not try to fetch anything."""
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("kg tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    path = tmp_path / "page.html"
    path.write_text(NEWS_PAGE.replace("<title>", '<link rel="canonical" href="https://example.org/a"><title>'),
                    "utf-8")
    [document], errors = read_all(path)
    assert errors == [] and document.date == "2024-06-04"


def test_a_dateless_page_takes_no_date_from_its_text(tmp_path: Path) -> None:
    """A date in the story ("On 7 October 2023") is what it reports, not when it was published."""
    path = tmp_path / "2024-06-04 gaza.html"
    path.write_text("<html><head><title>Gaza</title></head><body><article><p>On 7 October 2023, Hamas attacked "
                    "Israel, killing about 1,200 people, Israeli officials said in Jerusalem.</p><p>Talks continue "
                    "in Cairo and Doha, eight months after the attack.</p></article></body></html>", "utf-8")
    [document], _ = read_all(path)
    assert document.date == "2024-06-04"  # from the file name


@pytest.mark.parametrize(
    ("text", "fields", "body"),
    [
        ("---\ntitle: Blinken in Israel\ndate: 2024-06-04\n---\nAntony Blinken landed.\n",
         {"title": "Blinken in Israel", "date": "2024-06-04"}, "Antony Blinken landed.\n"),
        ('---\ntitle: "Talks: day two"\npublished: 2024-06-05T10:00:00Z\ntags:\n  - gaza\n---\nTalks resumed.',
         {"title": "Talks: day two", "date": "2024-06-05T10:00:00Z", "tags": ""}, "Talks resumed."),
        ("---\nSome prose between two rules.\n---\nMore prose.", {},
         "---\nSome prose between two rules.\n---\nMore prose."),
        ("No front matter.\n---\ndate: 2024-06-04\n---\n", {}, "No front matter.\n---\ndate: 2024-06-04\n---\n"),
    ],
)
def test_front_matter(text: str, fields: dict[str, str], body: str) -> None:
    assert front_matter(text) == (fields, body)


def test_text_gets_its_date_from_front_matter_or_file_name(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: Blinken in Israel\ndate: 4 June 2024\n---\n"
                                   "Antony Blinken landed in Tel Aviv.\n", "utf-8")
    (tmp_path / "2024-06-03-b.txt").write_text("Merkel in Paris\nAngela Merkel visited Paris.\n", "utf-8")
    (tmp_path / "c.txt").write_text("Undated\nEmmanuel Macron spoke.\n", "utf-8")
    documents, errors = read_all(tmp_path)
    assert errors == []
    assert [(d.title, d.date, d.text) for d in documents] == [
        ("Merkel in Paris", "2024-06-03", "Merkel in Paris\nAngela Merkel visited Paris.\n"),
        ("Blinken in Israel", "2024-06-04", "Antony Blinken landed in Tel Aviv.\n"),
        ("Undated", None, "Undated\nEmmanuel Macron spoke.\n"),
    ]


def test_a_default_date_is_for_documents_that_carry_none(tmp_path: Path) -> None:
    (tmp_path / "2024-06-03-a.txt").write_text("Angela Merkel visited Paris.", "utf-8")
    (tmp_path / "b.txt").write_text("Emmanuel Macron spoke.", "utf-8")
    dates = [d.date for d in read_documents([tmp_path], default_date="2024-06-04")]
    assert dates == ["2024-06-03", "2024-06-04"]
    with pytest.raises(InputError, match="'June 4' is not a date: give the day as YYYY-MM-DD"):
        list(read_documents([tmp_path], default_date="June 4"))


def newsroom_folder(folder: Path) -> Path:
    """A folder as a newsroom shares it: a PDF, a Word file, a saved web page and a text file."""
    folder.mkdir()
    write_pdf(folder / "macron.pdf", ["Emmanuel Macron met Olaf Scholz in Berlin on Monday."],
              title="Macron in Berlin", created="D:20240603180000Z")
    write_docx(folder / "cairo.docx", ["Egypt hosted ceasefire talks in Cairo on Sunday."], title="Talks in Cairo",
               created=datetime(2024, 6, 2, 8, 0, tzinfo=UTC))
    (folder / "blinken.html").write_text(NEWS_PAGE, "utf-8")
    (folder / "2024-06-04-merkel.txt").write_text("Merkel in Paris\nAngela Merkel visited Paris on Tuesday.\n",
                                                  "utf-8")
    return folder


def test_a_newsroom_folder_reads_all_four_formats(tmp_path: Path) -> None:
    documents, errors = read_all(newsroom_folder(tmp_path / "news"))
    assert errors == []
    assert [(Path(d.source or "").name, d.title, d.date) for d in documents] == [
        ("2024-06-04-merkel.txt", "Merkel in Paris", "2024-06-04"),
        ("blinken.html", "Blinken meets Netanyahu in Jerusalem", "2024-06-04"),
        ("cairo.docx", "Talks in Cairo", "2024-06-02"),
        ("macron.pdf", "Macron in Berlin", "2024-06-03"),
    ]


def test_every_file_a_folder_holds_is_read_or_named_with_a_fix(tmp_path: Path) -> None:
    folder = newsroom_folder(tmp_path / "news")
    write_pdf(folder / "scan.pdf", [])
    (folder / "interview.doc").write_bytes(b"\xd0\xcf\x11\xe0 old Word")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (folder / "notes.xyz").write_text("notes", "utf-8")
    documents, errors = read_all(folder)
    assert len(documents) == 4
    assert errors == [
        f"{folder / 'interview.doc'}: an old Word document (.doc): convert it with "
        "`libreoffice --headless --convert-to docx FILE`",
        f"{folder / 'notes.xyz'}: kg does not read .xyz files (it reads .txt, .md, .html, .pdf, .docx, .jsonl or "
        ".csv): save it as one of those, or move it out of the folder",
        f"{folder / 'photo.jpg'}: an image, not text: run OCR on it, e.g. `tesseract FILE out` "
        "(for a scan saved as PDF: `ocrmypdf FILE out.pdf`)",
        f"{folder / 'scan.pdf'}: a scanned PDF with no text layer: run OCR on it, e.g. `ocrmypdf FILE out.pdf`",
    ]


runner = CliRunner()


def test_kg_build_reads_a_newsroom_folder(tmp_path: Path) -> None:
    folder = newsroom_folder(tmp_path / "news")
    (folder / "undated.txt").write_text("Olaf Scholz met Emmanuel Macron in Paris on Monday.", "utf-8")
    result = runner.invoke(app, ["build", str(folder), "--out", str(tmp_path / "out"), "--no-html",
                                 "--date", "2024-06-05"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("5 documents ->")
    graph = load_graph(tmp_path / "out" / "graph.ttl")
    assert sorted(str(day) for day in graph.objects(None, KG.datePublished)) == [
        "2024-06-02", "2024-06-03", "2024-06-04", "2024-06-04", "2024-06-05"]
    assert not any("Taylor Swift" in str(name) for name in graph.objects())


def test_kg_build_names_each_file_it_skips_and_exits_1(tmp_path: Path) -> None:
    folder = newsroom_folder(tmp_path / "news")
    write_pdf(folder / "scan.pdf", [])
    (folder / "interview.doc").write_bytes(b"\xd0\xcf\x11\xe0 old Word")
    result = runner.invoke(app, ["build", str(folder), "--out", str(tmp_path / "out"), "--no-html"])
    assert result.exit_code == EXIT_SOME_INPUTS_FAILED
    assert result.stdout.startswith("4 documents ->")
    skipped = [line for line in result.stderr.splitlines() if line.startswith("kg: skipped:")]
    assert skipped == [
        f"kg: skipped: {folder / 'interview.doc'}: an old Word document (.doc): convert it with "
        "`libreoffice --headless --convert-to docx FILE`",
        f"kg: skipped: {folder / 'scan.pdf'}: a scanned PDF with no text layer: run OCR on it, "
        "e.g. `ocrmypdf FILE out.pdf`",
    ]
    assert "kg: 2 input(s) could not be read" in result.stderr


def test_kg_build_refuses_a_date_that_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Angela Merkel visited Paris.", "utf-8")
    result = runner.invoke(app, ["build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"),
                                 "--date", "04/06/2024"])
    assert result.exit_code == EXIT_FAILED
    assert "'04/06/2024' is not a date: give the day as YYYY-MM-DD" in result.stderr
    assert not (tmp_path / "out").exists()


# --- hostile input: bombs, deep JSON, odd names and odd files (issue 28) -----------------------------------------

def write_docx_bomb(path: Path, size: int) -> Path:
    """A Word file whose document.xml unzips to ``size`` bytes of short paragraphs: a few hundred KB on disk."""
    write_docx(path.with_suffix(".plain.docx"), ["Aid reached Gaza."])
    paragraph = b"<w:p><w:r><w:t>Aid reached Gaza.</w:t></w:r></w:p>" * 4096
    with zipfile.ZipFile(path.with_suffix(".plain.docx")) as plain, zipfile.ZipFile(path, "w") as bomb:
        for item in plain.infolist():
            data = plain.read(item.filename)
            if item.filename != "word/document.xml":
                bomb.writestr(item, data)
                continue
            head, tail = data.split(b"<w:body>")
            info = zipfile.ZipInfo(item.filename)
            info.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(info, "w", force_zip64=True) as member:
                member.write(head + b"<w:body>")
                for _ in range(size // len(paragraph) + 1):
                    member.write(paragraph)
                member.write(b"</w:body></w:document>")
    path.with_suffix(".plain.docx").unlink()
    return path


def test_a_word_file_that_unzips_past_the_budget_is_refused_in_seconds(tmp_path: Path) -> None:
    bomb = write_docx_bomb(tmp_path / "bomb.docx", 4 * MAX_DOCUMENT_BYTES)
    good = write_docx(tmp_path / "good.docx", ["Egypt hosted the talks."])
    started = time.perf_counter()
    documents, errors = read_all(bomb, good)
    assert time.perf_counter() - started < 5
    assert [d.text for d in documents] == ["Egypt hosted the talks."]
    assert len(errors) == 1 and errors[0].startswith(f"{bomb}: ") and "split it into several documents" in errors[0]


def test_a_word_file_is_read_no_further_than_one_document_of_text(tmp_path: Path) -> None:
    # just under the byte budget, but three times the text the model reads in one document
    path = write_docx(tmp_path / "long.docx", ["Aid reached Gaza on Monday. " * 40] * 2700)
    documents, errors = read_all(path)
    assert documents == []
    assert errors == [f"{path}: more than {MAX_DOCUMENT_CHARACTERS:,} characters of text, more than the model reads "
                      "in one document; split it into several documents"]


@pytest.mark.slow
def test_a_pdf_is_read_no_further_than_one_document_of_text(tmp_path: Path) -> None:
    line = "Antony Blinken met Benjamin Netanyahu in Jerusalem on Tuesday to discuss aid."
    path = write_pdf(tmp_path / "long.pdf", [line] * 45)
    one_page = PdfReader(path).pages[0]
    writer = PdfWriter()
    for _ in range(MAX_DOCUMENT_CHARACTERS // (45 * len(line)) + 5):
        writer.add_page(one_page)
    with path.open("wb") as stream:
        writer.write(stream)
    documents, errors = read_all(path)
    assert documents == [] and len(errors) == 1 and "split it into several documents" in errors[0]


def test_a_text_file_past_the_budget_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(MAX_DOCUMENT_BYTES + 1)  # sparse: nothing to read unless the reader reads it
    documents, errors = read_all(path)
    assert documents == [] and errors == [str(too_long(str(path), "the file holds"))]
    assert "split it into several documents" in errors[0]


def test_a_web_page_past_the_budget_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"  # 1 MB, but 300,000 tags: trafilatura would take 10 s
    empty.write_text("<html><body>" + "<p></p>" * 150_000 + "</body></html>", "utf-8")
    long = tmp_path / "long.html"  # within the bytes, but its text is more than one document
    long.write_text("<html><body>" + "<p>Aid reached Gaza.</p>" * 60_000 + "</body></html>", "utf-8")
    started = time.perf_counter()
    documents, errors = read_all(empty, long)
    assert time.perf_counter() - started < 5
    assert documents == [] and errors == [str(too_long(str(empty), "the page holds markup worth")),
                                          str(too_long(str(long)))]


def test_kg_build_refuses_a_docx_bomb_and_builds_the_rest(tmp_path: Path) -> None:
    bomb = write_docx_bomb(tmp_path / "bomb.docx", 4 * MAX_DOCUMENT_BYTES)
    (tmp_path / "good.txt").write_text("Angela Merkel met Emmanuel Macron in Paris.", "utf-8")
    result = runner.invoke(app, ["build", str(bomb), str(tmp_path / "good.txt"), "--out", str(tmp_path / "out"),
                                 "--no-html", "-q"])
    assert result.exit_code == EXIT_SOME_INPUTS_FAILED, result.stderr
    assert [line for line in result.stderr.splitlines() if "bomb.docx" in line] == [
        f"kg: skipped: {too_long(str(bomb), 'its parts unzip to markup worth')}"]
    assert "Emmanuel Macron" in (tmp_path / "out" / "graph.ttl").read_text("utf-8")


NESTED = "[" * 1000 + "]" * 1000


def test_a_jsonl_line_nested_1000_deep_is_named_and_the_others_read(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join([json.dumps({"text": "Biden met Xi."}), NESTED, '{"text": "x", "title": ' + NESTED + "}",
                               json.dumps({"text": "Macron visited Berlin."})]), "utf-8")
    documents, errors = read_all(path)
    assert [d.text for d in documents] == ["Biden met Xi.", "Macron visited Berlin."]
    assert errors == [f"{path}:2: not valid JSON (nested too deeply; kg reads one flat object a line)",
                      f"{path}:3: not valid JSON (nested too deeply; kg reads one flat object a line)"]


def test_json_line_names_where_a_line_is_refused() -> None:
    assert json_line('{"text": "Biden met Xi."}', "gold.jsonl:1") == {"text": "Biden met Xi."}
    with pytest.raises(InputError, match=r"^gold.jsonl:7: not valid JSON \(nested too deeply"):
        json_line(NESTED, "gold.jsonl:7")
    with pytest.raises(InputError, match=r"^gold.jsonl:8: not valid JSON \(Expecting"):
        json_line("{not json", "gold.jsonl:8")


def test_kg_build_and_extract_keep_the_good_lines_of_a_jsonl_nested_1000_deep(tmp_path: Path) -> None:
    lines = "\n".join([json.dumps({"id": "a", "text": "Angela Merkel met Emmanuel Macron in Paris."}), NESTED,
                       json.dumps({"id": "b", "text": "Olaf Scholz visited Warsaw."})]) + "\n"
    (tmp_path / "news.jsonl").write_text(lines, "utf-8")
    built = runner.invoke(app, ["build", str(tmp_path / "news.jsonl"), "--out", str(tmp_path / "out"), "--no-html"])
    assert built.exit_code == EXIT_SOME_INPUTS_FAILED and "Traceback" not in built.stderr
    assert built.stdout.startswith("2 documents ->")
    assert [line for line in built.stderr.splitlines() if "skipped" in line] == [
        f"kg: skipped: {tmp_path / 'news.jsonl'}:2: not valid JSON (nested too deeply; kg reads one flat object "
        "a line)"]
    extracted = runner.invoke(app, ["extract", "-"], input=lines.encode())
    assert extracted.exit_code == EXIT_SOME_INPUTS_FAILED and "Traceback" not in extracted.stderr
    assert "kg: skipped: <stdin>:2: not valid JSON (nested too deeply" in extracted.stderr
    assert "kg: extracted 2 documents" in extracted.stderr


def test_a_record_field_that_is_not_text_or_a_number_is_named(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in [
        {"id": 7, "title": None, "text": "Biden met Xi."}, {"title": ["a", "b"], "text": "Macron visited Berlin."}]),
        "utf-8")
    documents, errors = read_all(path)
    assert [(d.id, d.title) for d in documents] == [("7", None)]
    assert errors == [f"{path}:2: \"title\" holds a list; give it as text"]


def test_a_file_name_with_a_newline_cannot_forge_an_error_line(tmp_path: Path) -> None:
    forged = tmp_path / "x\nkg: error: the disk is full.txt"
    forged.write_text("", "utf-8")
    (tmp_path / "good.txt").write_text("Angela Merkel met Emmanuel Macron in Paris.", "utf-8")
    result = runner.invoke(app, ["build", str(tmp_path), "--out", str(tmp_path / "out"), "--no-html", "-q"])
    assert result.exit_code == EXIT_SOME_INPUTS_FAILED
    assert not any(line.startswith("kg: error:") for line in result.stderr.splitlines())
    assert f"kg: skipped: {tmp_path}/x\\nkg: error: the disk is full.txt: file is empty" in result.stderr.splitlines()


def test_links_that_loop_pipes_and_linked_folders_in_a_folder_are_named_without_blocking(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    (folder / "archive").mkdir(parents=True)
    (folder / "archive" / "a.txt").write_text("Angela Merkel visited Paris.", "utf-8")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    (folder / "linked").symlink_to(folder / "archive")
    os.mkfifo(folder / "pipe.txt")
    found: list[tuple[list, list[str]]] = []
    reader = threading.Thread(target=lambda: found.append(read_all(folder)), daemon=True)
    reader.start()
    reader.join(timeout=20)
    assert found, "reading the folder blocked (on the FIFO?)"
    [(documents, errors)] = found
    assert [d.text for d in documents] == ["Angela Merkel visited Paris."]
    assert [error.split(": ", 1)[0] for error in errors] == [
        str(folder / name) for name in ("gone.txt", "linked", "loop.txt", "pipe.txt")]
    assert "a link to a missing file" in errors[0] and "a link to a folder" in errors[1]
    assert "a link that loops" in errors[2] and "a named pipe" in errors[3]


@pytest.mark.slow
def test_pypdf_warnings_stay_out_of_the_output(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "macron.pdf", ["Emmanuel Macron met Olaf Scholz in Berlin."])
    raw = path.read_bytes()
    start = raw.rindex(b"startxref") + len(b"startxref\n")
    end = raw.index(b"\n", start)
    path.write_bytes(raw[:start] + str(int(raw[start:end]) + 7).encode() + raw[end:])  # pypdf: "incorrect startxref"
    # a real process: under pytest its log capture takes the records Python would otherwise print on stderr
    process = subprocess.run([sys.executable, "-m", "kg", "build", str(path), "--out", str(tmp_path / "out"),
                              "--no-html", "-q"], capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, process.stderr
    assert process.stderr == ""


def test_a_build_reads_each_input_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = newsroom_folder(tmp_path / "news")
    (folder / "more.jsonl").write_text(json.dumps({"text": "Olaf Scholz visited Warsaw."}) + "\n\n" +
                                       json.dumps({"text": "Joe Biden met Xi Jinping."}) + "\n", "utf-8")
    (folder / "more.csv").write_text('title,text\nA,"Rishi Sunak\n\nmet Scholz."\nB,Macron spoke.\n', "utf-8")
    opened: list[str] = []
    for module, reader in ((kg.read.pdf, "pdf_document"), (kg.read.word, "docx_document")):  # the real readers, counted
        real = getattr(module, reader)
        monkeypatch.setattr(module, reader, lambda path, real=real: opened.append(path.name) or real(path))
    assert count_documents([folder]) == 8 and opened == []
    totals: list[int] = []
    result = build([folder], out_dir=None, html=False, on_documents_read=totals.append)
    assert totals == [8] and len(result.documents) == 8
    assert sorted(opened) == ["cairo.docx", "macron.pdf"]


def test_a_pipe_of_json_lines_is_read_as_json_lines(tmp_path: Path) -> None:
    """``kg build <(zcat news.jsonl.gz)``: the pipe's name (/dev/fd/63) says nothing; what it holds
    does. Each line is a document, and the whole pipe is not held to one document's budget."""
    import threading

    pipe = tmp_path / "63"
    os.mkfifo(pipe)
    lines = [json.dumps({"id": f"story-{n}", "text": f"Story {n}: Angela Merkel met Emmanuel Macron."}) + "\n"
             for n in range(3)]

    def write() -> None:
        with pipe.open("w", encoding="utf-8") as stream:
            stream.write("".join(lines))

    writer = threading.Thread(target=write)
    writer.start()
    documents = list(read_documents([pipe]))
    writer.join()
    assert [document.id for document in documents] == ["story-0", "story-1", "story-2"]


@pytest.mark.slow
def test_a_long_heavily_formatted_word_report_is_read_in_full(tmp_path: Path) -> None:
    """A 90-page report whose every paragraph changes formatting eight times (4 MB of XML, 270,000
    tags) is a real document, not a bomb: read, all of it."""
    import docx

    document = docx.Document()
    for number in range(3000):
        paragraph = document.add_paragraph()
        for run in range(8):
            words = paragraph.add_run(f"w{run} " if run < 7 else f"paragraph {number}. ")
            words.bold, words.italic, words.underline = run % 2 == 0, run % 3 == 0, run % 4 == 0
            words.font.size = docx.shared.Pt(10 + run)
    path = tmp_path / "report.docx"
    document.save(str(path))
    documents, errors = read_all(path)
    assert errors == [] and len(documents) == 1 and "paragraph 2999" in documents[0].text


def test_the_progress_total_of_a_csv_skips_blank_lines(tmp_path: Path) -> None:
    from kg.read import documents_in

    path = tmp_path / "news.csv"
    path.write_text("id,text\n\na,Biden met Xi.\n\nb,Macron spoke.\n\nc,Scholz left.\n", "utf-8")
    assert documents_in(path) == len(read_all(path)[0]) == 3


def write_printed_pdf(path: Path, pages: list[list[str]], *, title: str | None = None) -> Path:
    """A PDF as a text printer makes it (enscript): each page a running header, then the text's
    lines as printed, 70 columns wide."""
    writer = PdfWriter()
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Courier")})
    for number, lines in enumerate(pages, start=1):
        page = writer.add_blank_page(612, 792)
        fonts = DictionaryObject({NameObject("/F1"): font})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        header = f"Dec 07, 26 10:02          story.txt          Page {number}/{len(pages)}"
        shown = " ".join(f"({line}) Tj 0 -14 Td" for line in [header, "", *lines])
        content = DecodedStreamObject()
        content.set_data(f"BT /F1 10 Tf 40 760 Td {shown} ET".encode("latin-1"))
        page.replace_contents(content)
    if title:
        writer.add_metadata({"/Title": title})
    with path.open("wb") as stream:
        writer.write(stream)
    return path


STORY = ("WARSAW - Polish Prime Minister Donald Tusk and Ukrainian Prime Minister Denys Shmyhal signed an "
         "agreement in Warsaw on Monday after months of talks about grain exports. Tusk said the agreement "
         "would protect Polish farmers. Shmyhal thanked Poland for its support during the war.")


def test_a_printed_pdf_reads_as_its_paragraphs(tmp_path: Path) -> None:
    """Printed lines joined into the sentences they cut, the running header dropped, the headline
    the title (the metadata's is the printer's), and the same relations as the text file."""
    import textwrap

    from kg.extraction.document import analyse
    from kg.nlp import load_pipeline

    printed = textwrap.wrap(STORY, 70)
    pdf = write_printed_pdf(tmp_path / "story.pdf", [["Poland and Ukraine sign grain deal", "", *printed[:3]],
                                                      printed[3:]], title="Enscript Output")
    [document] = read_all(pdf)[0]
    assert document.title == "Poland and Ukraine sign grain deal"
    assert "Page" not in document.text and "story.txt" not in document.text
    assert document.text == "Poland and Ukraine sign grain deal\n" + STORY
    nlp = load_pipeline()

    def relations(text: str) -> set[tuple[str, str, str]]:
        analysis = analyse(text_document(text), nlp(text))
        names = {mention.id: mention.name for mention in analysis.mentions}
        return {(names[r.subject], r.predicate or r.verb, names[r.object]) for r in analysis.relations}

    assert relations(document.text) == relations("Poland and Ukraine sign grain deal\n\n" + STORY) != set()


def test_one_article_gives_the_same_relations_as_txt_pdf_docx_and_html(tmp_path: Path) -> None:
    """A newsroom's article as a text file, a printed PDF, a Word file and a web page: the same story,
    so the same statements."""
    import textwrap

    from kg.extraction.document import analyse
    from kg.nlp import load_pipeline

    headline = "Poland and Ukraine sign grain deal"
    (tmp_path / "story.txt").write_text(f"{headline}\n\n{STORY}\n", "utf-8")
    write_printed_pdf(tmp_path / "story.pdf", [[headline, "", *textwrap.wrap(STORY, 70)]], title="Enscript Output")
    write_docx(tmp_path / "story.docx", [headline, STORY], title=headline)
    (tmp_path / "story.html").write_text(f"<html><head><title>{headline}</title></head><body><nav>Home | World</nav>"
                                         f"<article><h1>{headline}</h1><p>{STORY}</p></article></body></html>", "utf-8")
    nlp = load_pipeline()

    def statements(path: Path) -> set[tuple[str, str, str]]:
        [document] = read_all(path)[0]
        analysis = analyse(document, nlp(document.text))
        names = {mention.id: mention.name for mention in analysis.mentions}
        return {(names[r.subject], r.predicate or r.verb, names[r.object]) for r in analysis.relations}

    found = {suffix: statements(tmp_path / f"story.{suffix}") for suffix in ("txt", "pdf", "docx", "html")}
    assert found["txt"] and all(found[suffix] == found["txt"] for suffix in found), found
