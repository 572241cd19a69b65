/* query.html's script: the example queries, the editor and the answers of kg serve's query page.
   kg serve inlines it in the page; kept as a file of its own so it is linted (eslint, in make test). */
(function () {
  "use strict";
  // Answers are drawn with textContent only: text from the documents stays text.
  const examples = JSON.parse(document.getElementById("example-queries").textContent);
  const select = document.getElementById("examples");
  const editor = document.getElementById("query");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  for (const name of Object.keys(examples)) {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = name;
    select.appendChild(option);
  }
  select.addEventListener("change", () => { if (select.value) editor.value = examples[select.value]; });

  function cell(row, tag, text) {
    const element = document.createElement(tag);
    element.textContent = text;
    row.appendChild(element);
  }

  function show(answer, truncated) {
    results.replaceChildren();
    if ("boolean" in answer) { status.textContent = "answer: " + answer.boolean; return; }
    const variables = answer.head.vars;
    const table = document.createElement("table");
    const head = document.createElement("tr");
    variables.forEach(name => cell(head, "th", name));
    table.appendChild(head);
    for (const binding of answer.results.bindings) {
      const row = document.createElement("tr");
      variables.forEach(name => cell(row, "td", binding[name] ? binding[name].value : ""));
      table.appendChild(row);
    }
    results.appendChild(table);
    const count = answer.results.bindings.length;
    status.textContent = count + " row" + (count === 1 ? "" : "s") + (truncated ? " (cut at " + truncated + ")" : "");
  }

  async function run() {
    status.className = "";
    status.textContent = "running…";
    try {
      const reply = await fetch("sparql", {
        method: "POST",
        headers: {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
        body: editor.value,
      });
      const type = reply.headers.get("Content-Type") || "";
      if (!reply.ok) throw new Error(reply.status + ": " + await reply.text());
      if (type.startsWith("application/sparql-results+json")) {
        show(await reply.json(), reply.headers.get("X-KG-Results-Truncated"));
      } else {
        results.replaceChildren();
        const pre = document.createElement("pre");
        pre.textContent = await reply.text();
        results.appendChild(pre);
        status.textContent = "graph answer";
      }
    } catch (error) {
      results.replaceChildren();  // an error's answer is no rows: the last answer's rows must not stay under it
      status.className = "error";
      status.textContent = String(error.message || error);
    }
    document.body.dataset.answered = "true";
  }
  document.getElementById("run").addEventListener("click", run);
  editor.addEventListener("keydown", event => { if (event.key === "Enter" && event.ctrlKey) run(); });
  document.body.dataset.ready = "true";
})();
