"""kg serve as a user starts it: a real process on 127.0.0.1, queried over HTTP."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef

from kg.pipeline import BuildResult
from kg.sparql.pool import QueryRunner
from kg.sparql.worker import Answer, Limits


@pytest.fixture(scope="module")
def endpoint(seeds_build: BuildResult) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", str(seeds_build.written[0]), "--port", "0", "--timeout", "2",
         "--max-rows", "50"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("serving "), (line, process.stderr.read() if process.stderr else "")
        yield line.split(" at ", 1)[1].split(" ", 1)[0]  # http://127.0.0.1:PORT/
    finally:
        process.terminate()
        process.wait(10)


def request(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}), timeout=30) as reply:
            return reply.status, reply.headers["Content-Type"], reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def get(endpoint: str, query: str, accept: str | None = None) -> tuple[int, str, bytes]:
    headers = {"Accept": accept} if accept else {}
    return request(endpoint + "sparql?" + urllib.parse.urlencode({"query": query}), headers=headers)


PEOPLE = "SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name } ORDER BY ?name"


def test_listens_on_loopback(endpoint: str) -> None:
    assert endpoint.startswith("http://127.0.0.1:")


def test_select_as_json_by_default_with_kg_prefixes(endpoint: str) -> None:
    status, content_type, body = get(endpoint, PEOPLE)
    assert status == 200 and content_type.startswith("application/sparql-results+json")
    names = [b["name"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert "Antony Blinken" in names and names == sorted(names)


@pytest.mark.parametrize(
    ("accept", "media", "check"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml", b"<sparql"),
        ("text/csv", "text/csv", b"name\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", b"?name\n"),
        ("text/html;q=0.9, text/csv;q=0.5", "text/csv", b"name\r\n"),
    ],
)
def test_select_formats_by_accept(endpoint: str, accept: str, media: str, check: bytes) -> None:
    status, content_type, body = get(endpoint, PEOPLE, accept)
    assert status == 200 and content_type.startswith(media) and check in body and b"Antony Blinken" in body


def test_answers_are_capped_and_say_so(endpoint: str) -> None:
    url = endpoint + "sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
    with urllib.request.urlopen(url, timeout=30) as reply:
        assert reply.headers["X-KG-Results-Truncated"] == "50"
        assert len(json.loads(reply.read())["results"]["bindings"]) == 50
    status, _, body = get(endpoint, "SELECT * WHERE { ?s ?p ?o }", "text/csv")
    assert status == 200 and len(body.decode().strip().splitlines()) == 51
    with urllib.request.urlopen(endpoint + "sparql?" + urllib.parse.urlencode({"query": PEOPLE}), timeout=30) as reply:
        assert reply.headers["X-KG-Results-Truncated"] is None


def test_xml_results_are_well_formed(endpoint: str) -> None:
    import xml.etree.ElementTree as ElementTree

    _, _, body = get(endpoint, 'SELECT ?n ?d WHERE { ?p rdfs:label ?n ; kg:mentionedIn ?d } LIMIT 5',
                     "application/sparql-results+xml")
    namespace = "{http://www.w3.org/2005/sparql-results#}"
    results = ElementTree.fromstring(body).find(f"{namespace}results")
    assert results is not None and len(results) == 5


def test_post_form_and_direct_body(endpoint: str) -> None:
    form = urllib.parse.urlencode({"query": "ASK { ?a kg:meets ?b }"}).encode()
    status, _, body = request(endpoint + "sparql", data=form,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = request(endpoint + "sparql", data=b"ASK { ?a kg:killed ?b }",
                              headers={"Content-Type": "application/sparql-query"})
    assert status == 200 and json.loads(body)["boolean"] is False


@pytest.mark.parametrize(("accept", "media"), [(None, "text/turtle"), ("application/ld+json", "application/ld+json"),
                                               ("application/n-triples", "application/n-triples")])
def test_construct_formats(endpoint: str, accept: str | None, media: str) -> None:
    query = "CONSTRUCT { ?a kg:meets ?b } WHERE { ?a kg:meets ?b }"
    status, content_type, body = get(endpoint, query, accept)
    assert status == 200 and content_type.startswith(media)
    graph = Graph().parse(data=body.decode(), format={"text/turtle": "turtle", "application/ld+json": "json-ld",
                                                      "application/n-triples": "nt"}[media])
    assert len(graph) == 1


@pytest.mark.parametrize(
    ("data", "content_type", "path"),
    [
        (b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update", "sparql"),
        (urllib.parse.urlencode({"update": "DELETE WHERE { ?s ?p ?o }"}).encode(),
         "application/x-www-form-urlencoded", "sparql"),
        (None, None, "sparql?" + urllib.parse.urlencode({"update": "CLEAR ALL"})),
    ],
)
def test_updates_are_refused(endpoint: str, data: bytes | None, content_type: str | None, path: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    status, _, body = request(endpoint + path, data=data, headers=headers)
    assert status == 403 and b"read-only" in body
    assert get(endpoint, "ASK { ?s ?p ?o }")[0] == 200


def test_malformed_query_is_400_with_where_and_why_in_one_line(endpoint: str) -> None:
    status, _, body = get(endpoint, "SELECT ?x WHERE { ?x kg:meets ")
    assert status == 400 and body.startswith(b"malformed SPARQL query at line 1, column ") and body.count(b"\n") == 1
    status, _, body = get(endpoint, "SELECT * WHERE { ?s foaf:name ?o }")
    assert status == 400 and b"unknown prefix foaf:" in body and len(body) < 300


@pytest.mark.slow
def test_a_runaway_query_is_stopped_and_the_server_goes_on(endpoint: str) -> None:
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    status, _, body = get(endpoint, cross)
    assert status == 503 and b"timeout" in body
    assert get(endpoint, "ASK { ?a kg:meets ?b }")[0] == 200


def test_a_burst_of_concurrent_requests(endpoint: str) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: get(endpoint, PEOPLE)[0], range(40)))
    assert statuses == [200] * 40


def test_a_query_page_at_the_root_and_the_graph_page_next_to_it(endpoint: str) -> None:
    status, content_type, body = request(endpoint)
    assert status == 200 and content_type.startswith("text/html") and b"who-meets-whom" in body
    status, content_type, body = request(endpoint + "graph")
    assert status == 200 and content_type.startswith("text/html") and b"vis.Network" in body


def test_the_service_description_without_a_query(endpoint: str) -> None:
    sd = "http://www.w3.org/ns/sparql-service-description#"
    status, content_type, body = request(endpoint + "sparql")
    assert status == 200 and content_type.startswith("text/turtle")
    description = Graph().parse(data=body, format="turtle")
    assert (None, URIRef(sd + "endpoint"), URIRef(endpoint + "sparql")) in description
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in description
    status, content_type, body = request(endpoint + "sparql", headers={"Accept": "application/ld+json"})
    assert status == 200 and len(Graph().parse(data=body, format="json-ld")) == len(description)


@pytest.mark.parametrize(("method", "path"), [("PUT", "store?default"), ("DELETE", "store?graph=urn:g"),
                                               ("POST", "store?default"), ("PATCH", "sparql")])
def test_graph_store_requests_get_405_in_one_line(endpoint: str, method: str, path: str) -> None:
    answer = urllib.request.Request(endpoint + path, data=b"<urn:a> <urn:b> <urn:c> .", method=method,
                                    headers={"Content-Type": "application/n-triples"})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(answer, timeout=10)
    assert error.value.code == 405
    assert len(error.value.read().decode().strip().splitlines()) == 1


@pytest.mark.parametrize("update", ["INSERT DATA { <urn:a> <urn:b> <urn:c> }", "CLEAR DEFAULT"])
def test_every_form_of_update_gets_403(endpoint: str, update: str) -> None:
    assert get(endpoint, update)[0] == 403
    assert request(endpoint + "sparql", data=urllib.parse.urlencode({"update": update}).encode())[0] == 403
    assert request(endpoint + "sparql", data=update.encode(),
                   headers={"Content-Type": "application/sparql-update"})[0] == 403


def test_sparqlwrapper_and_rdflib_sparqlstore_get_answers(endpoint: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(endpoint + "sparql")
    client.setQuery("PREFIX kg: <https://w3id.org/kg-news/ontology#> SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Person }")
    client.setReturnFormat(JSON)
    [row] = client.query().convert()["results"]["bindings"]  # type: ignore[index]
    assert int(row["n"]["value"]) > 0
    store = Graph(store=SPARQLStore(endpoint + "sparql", returnFormat="json"))
    people = list(store.query("SELECT ?p WHERE { ?p a <https://w3id.org/kg-news/ontology#Person> } LIMIT 3"))
    assert len(people) == 3


def test_unknown_path_is_404(endpoint: str) -> None:
    assert request(endpoint + "nope")[0] == 404


def test_serving_a_broken_file_fails_clearly(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", "utf-8")
    result = subprocess.run([sys.executable, "-m", "kg", "serve", str(broken), "--port", "0"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "kg: error:" in result.stderr and "broken.ttl" in result.stderr


def test_serving_a_store_folder(tmp_path: Path) -> None:
    from kg.pipeline import build
    from tests.conftest import SEED_ARTICLE

    store = tmp_path / "store"
    build([SEED_ARTICLE], out_dir=None, store=store)
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(store), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("serving "), line
        url = line.split(" at ", 1)[1].split(" ", 1)[0]
        status, _, body = get(url, "SELECT ?b WHERE { ?a rdfs:label 'Antony Blinken' ; kg:meets/rdfs:label ?b }")
        assert status == 200
        assert [b["b"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["Benjamin Netanyahu"]
    finally:
        process.terminate()
        process.wait(10)


def test_federated_queries_are_refused(endpoint: str) -> None:
    status, _, body = get(endpoint, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert status == 403 and b"SERVICE" in body


def test_a_triple_term_in_the_answer_is_written(endpoint: str) -> None:
    status, _, body = get(endpoint, "SELECT (TRIPLE(<urn:a>, <urn:b>, <urn:c>) AS ?t) WHERE {}")
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["t"]["type"] == "triple"


def raw_request(endpoint: str, request: bytes) -> bytes:
    import socket

    host, port = endpoint.split("//", 1)[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
         b"Content-Length: abc\r\n\r\n", b"400"),
        (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
         b"Transfer-Encoding: chunked\r\n\r\n5\r\nASK{}\r\n0\r\n\r\n", b"411"),
        (b"OPTIONS /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", b"204"),
    ],
)
def test_odd_http_requests_get_an_answer(endpoint: str, request_bytes: bytes, status: bytes) -> None:
    answer = raw_request(endpoint, request_bytes)
    assert answer.split(b" ", 2)[1] == status
    assert answer.count(b"HTTP/1.") == 1  # nothing smuggled in the body was answered too


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+json;q=0, */*", "application/sparql-results+xml"),
        ("text/csv;q=NaN, text/tab-separated-values", "text/tab-separated-values"),
        ("text/*", "text/csv"),
        ("image/png", None),
        ("", "application/sparql-results+json"),
    ],
)
def test_content_negotiation(accept: str, expected: str | None) -> None:
    from kg.sparql.worker import SELECT_FORMATS, negotiate

    assert negotiate(accept, SELECT_FORMATS, "application/sparql-results+json") == expected


CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture
def runner(tmp_path: Path, seeds_build: BuildResult) -> Iterator[QueryRunner]:
    """A one-worker runner over a copy of the seeds graph, with a one-second budget per query."""
    import shutil

    graph = tmp_path / "graph.ttl"
    shutil.copy(seeds_build.written[0], graph)
    runner = QueryRunner(graph, workers=1, timeout=1)
    yield runner
    runner.close()


def in_background(runner: QueryRunner, query: str) -> Future[Answer]:
    """Send ``query`` from another thread, and wait until it holds the only worker."""
    pool = ThreadPoolExecutor(1)
    future = pool.submit(runner.run, query, "*/*")
    pool.shutdown(wait=False)
    while runner.pool.idle.qsize():
        time.sleep(0.01)
    return future


@pytest.mark.slow
def test_a_worker_that_cannot_restart_gives_500_not_a_hang(runner: QueryRunner) -> None:
    while runner.pool.spare.empty():
        time.sleep(0.01)
    runner.pool.snapshot.remove()  # nothing left to open: no replacement can start
    assert [runner.run(CROSS, "*/*").status for _ in range(2)] == [503, 503]  # the worker, then the spare
    started = time.monotonic()
    assert runner.run("ASK {}", "*/*").status == 500
    assert time.monotonic() - started < 3


@pytest.mark.slow
def test_the_timeout_counts_from_arrival(runner: QueryRunner) -> None:
    """A query waiting behind a slow one gets 503 when its own time is up, not a second run's worth later."""
    runner.timeout = 2  # the slow query holds the only worker for 2 s
    slow = in_background(runner, CROSS)
    started = time.monotonic()
    answer = runner.run("ASK { ?s ?p ?o }", "*/*", arrived=started - 1)  # it arrived a second ago
    assert answer.status == 503 and b"no query worker came free" in answer.body
    assert time.monotonic() - started < 1.3
    assert slow.result().status == 503


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("ASK { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }", 400),  # crashed a worker's parser
        ("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 403),
        ("PREFIX ex: <urn:ex:> INSERT DATA { ex:a ex:b ex:c }", 403),
    ],
)
def test_refusals_do_not_wait_for_a_worker(runner: QueryRunner, query: str, status: int) -> None:
    slow = in_background(runner, CROSS)
    started = time.monotonic()
    assert runner.run(query, "*/*").status == status
    assert time.monotonic() - started < 0.5
    slow.result()


def test_words_like_service_are_not_refused(runner: QueryRunner) -> None:
    query = 'SELECT ?service WHERE { BIND("Secret Service" AS ?service) }'
    answer = runner.run(query, "*/*")
    assert answer.status == 200 and b"Secret Service" in answer.body


def test_a_memory_bomb_costs_one_worker_briefly(tmp_path: Path, seeds_build: BuildResult) -> None:
    concat = "CONCAT(" + ",".join(["?{}"] * 10) + ")"
    binds = "".join(f"BIND({concat.format(*[v] * 10)} AS ?{n}) " for v, n in zip("abcdefg", "bcdefgh", strict=True))
    bomb = f'SELECT (STRLEN(?h) AS ?n) WHERE {{ VALUES ?i {{ 1 2 3 4 }} BIND("0123456789" AS ?a) {binds}}}'
    runner = QueryRunner(seeds_build.written[0], workers=1, timeout=20, limits=Limits(max_memory=300 * 2**20))
    try:
        answer = runner.run(bomb, "*/*")
        assert answer.status == 500 and b"--max-memory" in answer.body
        started = time.monotonic()
        assert runner.run("ASK { ?s ?p ?o }", "*/*").status == 200
        assert time.monotonic() - started < 0.5  # a warm replacement, not a fresh import of kg
    finally:
        runner.close()


def test_answers_are_capped_in_bytes(seeds_build: BuildResult) -> None:
    runner = QueryRunner(seeds_build.written[0], workers=1, limits=Limits(max_bytes=2_000))
    try:
        answer = runner.run("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "application/sparql-results+json")
        assert answer.status == 200 and answer.truncated is not None
        assert len(json.loads(answer.body)["results"]["bindings"]) == answer.truncated < 40
    finally:
        runner.close()


@pytest.mark.slow
def test_a_served_store_changes_at_once_when_a_build_appends(tmp_path: Path) -> None:
    """Workers read one snapshot: answers never alternate between the old data and the new."""
    from kg.pipeline import build
    from kg.sparql import pool
    from tests.conftest import SEED_ARTICLE, SEEDS

    store = tmp_path / "store"
    build([SEED_ARTICLE], out_dir=None, store=store)
    count = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a kg:Document }"
    runner = QueryRunner(store, workers=2, timeout=5)
    try:
        def documents() -> int:
            return int(json.loads(runner.run(count, "*/*").body)["results"]["bindings"][0]["n"]["value"])

        assert documents() == 1
        first_snapshot = runner.pool.snapshot.folder
        build([SEEDS / "wikinews-sample.csv"], out_dir=None, store=store, append=True)
        seen = [documents() for _ in range(4)]  # within the reload check's interval: the snapshot
        time.sleep(pool.RELOAD_CHECK_SECONDS)
        seen += [documents() for _ in range(6)]
        assert seen[:4] == [1] * 4 and seen[4:] == [seen[-1]] * 6 and seen[-1] > 1
        assert not first_snapshot.exists()  # the old snapshot goes with the old pool's last worker
    finally:
        runner.close()


def test_cors_is_off_unless_asked_for(endpoint: str) -> None:
    with urllib.request.urlopen(endpoint + "sparql?query=ASK%7B%7D", timeout=10) as reply:
        assert reply.headers["Access-Control-Allow-Origin"] is None


@pytest.mark.slow
def test_a_connection_that_never_finishes_its_headers_is_dropped(endpoint: str) -> None:
    import select
    import socket

    from kg.sparql.serve import HEADER_SECONDS

    host, port = endpoint.split("//", 1)[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=HEADER_SECONDS + 5) as connection:
        started = time.monotonic()
        connection.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n")
        closed = False
        while not closed and time.monotonic() - started < HEADER_SECONDS + 5:
            connection.sendall(b"X")  # a byte a second: never silent long enough for the idle timeout
            closed = bool(select.select([connection], [], [], 1.0)[0]) and connection.recv(100) == b""
        assert closed and time.monotonic() - started < HEADER_SECONDS + 2


def start_server(graph: Path, *options: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(graph), "--port", "0", *options],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline() if process.stdout else ""
    assert line.startswith("serving "), line
    return process, line.split(" at ", 1)[1].split(" ", 1)[0]


def test_cors_for_the_origin_named_exposes_kgs_header(seeds_build: BuildResult) -> None:
    process, url = start_server(seeds_build.written[0], "--cors", "https://yasgui.example", "--max-rows", "2")
    try:
        with urllib.request.urlopen(url + "sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D", timeout=10) as reply:
            assert reply.headers["Access-Control-Allow-Origin"] == "https://yasgui.example"
            assert reply.headers["Access-Control-Expose-Headers"] == "X-KG-Results-Truncated"
            assert reply.headers["X-KG-Results-Truncated"] == "2"
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.browser
def test_the_query_page_works_offline_in_chromium(endpoint: str) -> None:
    """The page runs an example query and shows the rows; a value that looks like HTML stays text."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.test_viewer_browser import CHROMIUM, CHROMIUM_FLAGS

    blocked: list[str] = []
    dialogs: list[str] = []

    def route(handle: Any) -> None:
        if handle.request.url.startswith(endpoint):
            handle.continue_()
        else:
            blocked.append(handle.request.url)
            handle.abort()

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.route("**/*", route)
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(endpoint)
            page.wait_for_selector("body[data-ready='true']")  # selectors: the page's CSP forbids eval
            page.select_option("#examples", "who-meets-whom")
            page.click("#run")
            page.wait_for_selector("body[data-answered='true']")
            assert page.locator("#results tr").count() > 1
            assert "Netanyahu" in page.inner_text("#results")
            page.evaluate("() => { document.body.dataset.answered = '' }")
            page.fill("#query", 'SELECT ("<img src=x onerror=alert(1)>" AS ?html) WHERE {}')
            page.click("#run")
            page.wait_for_selector("body[data-answered='true']")
            assert page.inner_text("#results td") == "<img src=x onerror=alert(1)>"
            assert page.locator("#results img").count() == 0
            page.evaluate("() => { document.body.dataset.answered = '' }")
            page.fill("#query", "SELECT * WHERE { ?s foaf:name ?o }")  # an error clears the last answer's rows
            page.click("#run")
            page.wait_for_selector("body[data-answered='true']")
            assert page.locator("#results tr").count() == 0
            assert "unknown prefix foaf:" in page.inner_text("#status")
        finally:
            browser.close()
    assert blocked == [] and dialogs == []


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_gets_the_service_description_and_answers(endpoint: str) -> None:
    def curl(*arguments: str) -> str:
        return subprocess.run(["curl", "--silent", "--show-error", "--fail", *arguments], capture_output=True,
                              text=True, check=True, timeout=30).stdout

    assert "sd:SPARQL11Query" in curl(endpoint + "sparql")
    csv_rows = curl("-H", "Accept: text/csv", "--data-urlencode", "query=" + PEOPLE, endpoint + "sparql")
    assert csv_rows.splitlines()[0] == "name" and "Antony Blinken" in csv_rows


class Listener:
    """A local TCP listener that counts who connects: where a federated query would be sent."""

    def __init__(self) -> None:
        import socket
        import threading

        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(5)
        self.socket.close()


def service_spellings(port: int) -> list[str]:
    """Ways to write a federated call to the listener: escapes, comments, case, variables, nesting,
    and the prefixed name with an escaped quote that once hid the rest of the query in a 'string'."""
    url = f"http://127.0.0.1:{port}/sparql"
    inner = "{ ?x ?y ?z }"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {inner} }}",
        f"select * where {{ service <{url}> {inner} }}",
        f"SELECT * WHERE {{ SeRvIcE SILENT <{url}> {inner} }}",
        f"SELECT * WHERE {{ SERVICE<{url}>{inner} }}",
        f"SELECT * WHERE {{ SERVICE\t\n<{url}> {inner} }}",
        f"SELECT * WHERE {{ SERVICE # a comment\n <{url}> {inner} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {inner} }}",
        f"SELECT * WHERE {{ \\U00000053\\u0045RVICE <{url}> {inner} }}",
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/\\u0073parql> {inner} }}",
        f"PREFIX remote: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE remote:sparql {inner} }}",
        f"BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <sparql> {inner} }}",
        f"SELECT * WHERE {{ VALUES ?u {{ <{url}> }} SERVICE ?u {inner} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {inner} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {inner} }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c MINUS {{ SERVICE SILENT <{url}> {inner} }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE SILENT <{url}> {inner} }} }}",
        f"SELECT * WHERE {{ BIND(kg:a\\' AS ?q) SERVICE <{url}> {{ ?x ?y 'z' }} }}",
        f'SELECT * WHERE {{ BIND(kg:a\\" AS ?q) SERVICE <{url}> {{ ?x ?y "z" }} }}',
        f"SELECT * WHERE {{ BIND(kg:a\\# AS ?q) SERVICE <{url}> {inner} }}",
        f"SELECT * WHERE {{ ?s kg:a\\'b ?o . SERVICE <{url}> {{ ?x ?y '' }} }}",
        f"PREFIX : <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE:sparql {inner} }}",
        f"SELECT * WHERE {{ SERVICESILENT<{url}> {inner} }}",
        f"SELECT * WHERE {{ SERVICE #c\r<{url}> {inner} }}",
        f"SELECT * WHERE {{ ?s ?p 1SERVICE<{url}> {inner} }}",
        f"PREFIX a·b: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE a·b:sparql {inner} }}",
    ]


def test_no_spelling_of_service_makes_the_server_fetch(endpoint: str) -> None:
    listener = Listener()
    try:
        answers = []
        for query in service_spellings(listener.port):
            answers.append(get(endpoint, query)[0])
            answers.append(request(endpoint + "sparql", data=query.encode("utf-8"),
                                   headers={"Content-Type": "application/sparql-query"})[0])
            answers.append(request(endpoint + "sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})[0])
        time.sleep(0.5)
        assert listener.connections == 0, answers
        assert 200 not in answers
    finally:
        listener.close()


def _federated_after_isolation(port: int, connection: Any) -> None:
    """In a child process: cut off the network as a query worker does, then run a federated query
    on the engine directly, past every check; send back whether isolation held and what happened."""
    import pyoxigraph as ox

    from kg.sparql.worker import isolate_network

    isolated = isolate_network()
    try:
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?x ?y ?z }} }}"))
        outcome = "answered"
    except Exception as error:  # noqa: BLE001 - the engine's connection error is what is wanted
        outcome = str(error)
    connection.send((isolated, outcome))


def test_a_worker_cannot_reach_the_network_even_past_every_check() -> None:
    """The last wall: a query worker runs in a network namespace of its own, so even a federated
    query that no check caught cannot connect (where the system lets a process leave its namespace)."""
    import multiprocessing

    listener = Listener()
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=_federated_after_isolation, args=(listener.port, child))
    process.start()
    try:
        isolated, outcome = parent.recv()
        process.join(30)
        if not isolated:
            pytest.skip("this system lets no process leave its network namespace")
        assert "unreachable" in outcome.lower()
        assert listener.connections == 0
    finally:
        listener.close()


@pytest.mark.parametrize(("host", "status"), [("evil.example", 403), ("evil.example:{port}", 403),
                                              ("127.0.0.1:1", 403), ("localhost:{port}", 200),
                                              ("127.0.0.1:{port}", 200), ("[::1]:{port}", 200),
                                              ("x/> . <urn:injected> <urn:p> \"owned\" . <http://y", 403)])
def test_only_this_machines_names_may_be_in_the_host_header(endpoint: str, host: str, status: int) -> None:
    """DNS rebinding: a site whose name resolves to 127.0.0.1 is still another site. And what is in
    Host is never written into an answer unchecked (the service description names the endpoint)."""
    port = endpoint.rstrip("/").rsplit(":", 1)[1]
    answer = raw_request(endpoint, f"GET /sparql HTTP/1.1\r\nHost: {host.format(port=port)}\r\n"
                                   "Connection: close\r\n\r\n".encode())
    assert answer.split(b" ", 2)[1] == str(status).encode()
    assert b"injected" not in answer


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_pages_of_other_sites_cannot_run_queries(endpoint: str, method: str) -> None:
    """A cross-site form POST, or a fetch, runs no query unless --cors names its origin; the
    endpoint's own query page (same origin) does."""
    query = urllib.parse.urlencode({"query": "ASK {}"})
    own = endpoint.rstrip("/")
    for headers, status in (({"Origin": "http://evil.example"}, 403), ({"Origin": "null"}, 403),
                            ({"Sec-Fetch-Site": "cross-site"}, 403), ({"Origin": own}, 200),
                            ({"Sec-Fetch-Site": "same-origin"}, 200)):
        if method == "GET":
            answer = request(endpoint + "sparql?" + query, headers=headers)
        else:
            answer = request(endpoint + "sparql", data=query.encode(),
                             headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
        assert answer[0] == status, (headers, answer)


def test_an_origin_named_by_cors_may_post(seeds_build: BuildResult) -> None:
    process, url = start_server(seeds_build.written[0], "--cors", "https://yasgui.example")
    try:
        status, _, _ = request(url + "sparql", data=b"query=ASK%7B%7D", headers={
            "Origin": "https://yasgui.example", "Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200
        assert request(url + "sparql", data=b"query=ASK%7B%7D", headers={
            "Origin": "https://other.example", "Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    finally:
        process.terminate()
        process.wait(10)


def test_http_1_0_gets_one_answer_and_a_closed_connection(endpoint: str) -> None:
    answer = raw_request(endpoint, b"GET /sparql?query=ASK%7B%7D HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert b" 200 " in head.split(b"\r\n")[0] and b"connection: close" in head  # raw_request read until closed


def test_two_content_lengths_are_refused(endpoint: str) -> None:
    answer = raw_request(endpoint, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query"
                                   b"\r\nContent-Length: 6\r\nContent-Length: 30\r\n\r\nASK {}")
    assert answer.split(b" ", 2)[1] == b"400" and answer.count(b"HTTP/1.") == 1


@pytest.mark.slow
def test_slow_senders_holding_every_connection_do_not_lock_others_out(seeds_build: BuildResult) -> None:
    """Slowloris: more connections than the server keeps, each sending a byte a second and coming
    back when dropped; a client asking cheap queries meanwhile still gets its answers."""
    import socket
    import threading

    process, url = start_server(seeds_build.written[0], "--max-connections", "16")
    host, port = url.split("//", 1)[1].rstrip("/").split(":")
    stop = threading.Event()

    def slow_sender() -> None:
        while not stop.is_set():
            try:
                with socket.create_connection((host, int(port)), timeout=5) as connection:
                    connection.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n")
                    while not stop.is_set():
                        connection.sendall(b"X")
                        stop.wait(1.0)
            except OSError:
                stop.wait(0.05)

    senders = [threading.Thread(target=slow_sender, daemon=True) for _ in range(24)]
    try:
        for sender in senders:
            sender.start()
        time.sleep(2.5)  # every place taken, and taken long enough to be given up
        statuses, times = [], []
        for _ in range(30):
            started = time.monotonic()
            statuses.append(get(url, "ASK {}")[0])
            times.append(time.monotonic() - started)
        assert statuses.count(200) == len(statuses), statuses
        assert sorted(times)[-2] < 1.0, times
    finally:
        stop.set()
        process.terminate()
        process.wait(10)


@pytest.mark.slow
def test_the_graph_page_follows_an_append(tmp_path: Path) -> None:
    from kg.pipeline import build
    from kg.sparql import pool
    from tests.conftest import SEED_ARTICLE, SEEDS

    store = tmp_path / "store"
    build([SEED_ARTICLE], out_dir=None, store=store)
    process, url = start_server(store)
    try:
        before = request(url + "graph")[2]
        build([SEEDS / "wikinews-sample.csv"], out_dir=None, store=store, append=True)
        time.sleep(pool.RELOAD_CHECK_SECONDS + 0.5)
        after = request(url + "graph")[2]
        assert after != before and len(after) > len(before)
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.slow
def test_serve_runs_from_a_folder_holding_a_kg_folder(tmp_path: Path, seeds_build: BuildResult) -> None:
    """A clone beside the output, or an output folder named kg: the query workers (and the page's
    process) import the installed kg, never the working folder's."""
    (tmp_path / "kg").mkdir()
    shutil.copy(seeds_build.written[0], tmp_path / "graph.ttl")
    command = [str(Path(sys.executable).parent / "kg"), "serve", "graph.ttl", "--port", "0"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("serving "), (line, process.stderr.read() if process.stderr else "")
        url = line.split(" at ", 1)[1].split(" ", 1)[0]
        assert get(url, PEOPLE)[0] == 200
        assert request(url + "graph")[0] == 200
    finally:
        process.terminate()
        process.wait(10)
