/* graph.html's script: the network, its labels, filters, side panel, stories and timeline.
   The page inlines it after vis-network and the graph's data (the JSON elements #kg-data and
   #kg-panel-data); kept as a file of its own so it is linted (eslint, in make test). */
/* global vis */
(function () {
  "use strict";
  // The graph, written into the page beside this script as JSON: parsed, it is ready in a third of
  // the time the same data takes as a script's object literal (about 0.7 s less for 20,000 entities).
  var KG = JSON.parse(document.getElementById("kg-data").textContent);
  // What only the side panel and the search read (each relation's statements, each entity's aliases,
  // documents and resolutions, the documents' details) is parsed when first read, or when the page
  // is idle once drawn: held while vis builds a large network, its tens of megabytes slow every
  // garbage collection there (about 0.5 s for 20,000 entities).
  var panelData = null;
  function panel() {
    if (panelData === null) { panelData = JSON.parse(document.getElementById("kg-panel-data").textContent); }
    return panelData;
  }
  // vis draws no label: the page draws its own (placeLabels, drawLabels).
  KG.nodes.forEach(function (node) { node.font = { size: 0 }; });
  var nodes = new vis.DataSet(KG.nodes);
  var edges = new vis.DataSet(KG.edges);
  var classColour = {};
  KG.classes.forEach(function (pair) { classColour[pair[0]] = pair[1]; });
  var shownClasses = new Set(KG.classes.map(function (pair) { return pair[0]; }));
  var shownRelations = new Set(KG.relations);
  var shownFactualities = new Set(KG.factualities);
  var neighbourhood = null;  // a Set of node ids, or null for everything
  var selected = null;
  var adjacency = {};  // node id -> [[other node id, relation], ...], both directions
  KG.edges.forEach(function (edge) {
    (adjacency[edge.from] = adjacency[edge.from] || []).push([edge.to, edge.relation]);
    (adjacency[edge.to] = adjacency[edge.to] || []).push([edge.from, edge.relation]);
  });
  // A news graph has many entities no relation reaches; drawn, they bury the ones that have
  // relations, so they are listed in the side panel and drawn only when the reader asks.
  var drawUnconnected = false;
  function isConnected(id) { return id in adjacency; }

  // The stories picked (one, or two to compare) draw only the entities they mention and the
  // relations they state; storyNodes and storyEdges are null when the whole graph is shown.
  var storyNodes = null;
  var storyEdges = null;
  // A span brushed on the timeline draws only the relations its events belong to and their end
  // entities; timeSpan is [first day, last day] (ISO days, which compare as strings), or null.
  var timeSpan = null;
  var timeNodes = null;
  var timeEdges = null;

  function nodeShown(node) {
    return shownClasses.has(node.cls) && (neighbourhood === null || neighbourhood.has(node.id))
      && (storyNodes === null ? drawUnconnected || isConnected(node.id) : storyNodes.has(node.id))
      && (timeNodes === null || timeNodes.has(node.id));
  }
  // An edge is drawn with both its ends, tested on the nodes themselves: asking nodesView for each
  // end filters a copy of it, twice an edge, each time vis or a filter reads the edges.
  var nodeById = {};
  KG.nodes.forEach(function (node) { nodeById[node.id] = node; });
  var nodesView = new vis.DataView(nodes, { filter: nodeShown });
  var edgesView = new vis.DataView(edges, { filter: function (edge) {
    return (storyEdges === null || storyEdges.has(edge.id)) && (timeEdges === null || timeEdges.has(edge.id))
      && shownRelations.has(edge.relation) && edge.factualities.some(function (name) { return shownFactualities.has(name); })
      && nodeShown(nodeById[edge.from]) && nodeShown(nodeById[edge.to]);
  } });
  var network = new vis.Network(document.getElementById("graph"), { nodes: nodesView, edges: edgesView }, KG.options);

  // The page is stable once the view it settles on is drawn: physics stopped, the whole graph in
  // view, its labels placed, a linked story or span shown. A graph laid out beforehand settles
  // before vis draws its first frame (at the end of this script), so that frame is the only one.
  var settled = false;
  function settle() {
    if (settled) { return; }
    settled = true;
    if (KG.options.physics.enabled) { network.setOptions({ physics: { enabled: false } }); }
    document.getElementById("physics").checked = false;
    // The script changed the layout round the canvas after vis measured it (the timeline shows, the
    // status line fills in): told its size now, vis draws the first frame at that size, and not once
    // stretched and again, rescaled, when its ResizeObserver notices.
    network.setSize("100%", "100%");
    network.fit({ animation: false });
    placeLabels();
    // A linked story or span is shown once the whole graph has its places, so clearing it later keeps them.
    applyFragment();
    network.once("afterDrawing", function () {
      document.body.dataset.stable = "true";
      window.kg.stableAt = performance.now();
      if (window.requestIdleCallback) { requestIdleCallback(panel); }
    });
  }

  // ---------------------------------------------------------------- labels, placed like a map's
  // The most central entities are labelled first, each label at a fixed size on the screen, in the
  // first of eight places round its dot (below, above, right, left, then the corners) where it
  // overlaps no label already placed and no other entity's dot, and lies nearer its own dot than any
  // other: a label half-way between two dots names neither. Places its own relations cross are
  // tried last. An entity with no such place stays unlabelled until the reader zooms in far enough
  // to make room. The page draws the labels itself once vis has drawn the network, so a dot drawn
  // later never hides words (vis's own labels stay at font size 0, which vis does not draw). The
  // selected entity is labelled first, in bold, and always: in its first place if no place is clear.
  var LABEL_GAP = 3;  // screen pixels between a label and its own dot
  var LABEL_CLEARANCE = 2;  // screen pixels kept clear round each label
  var NEARER_BY = 4;  // screen pixels by which a label must be nearer its own dot than any other dot
  var LABEL_FACE = "arial";
  var byCentrality = nodes.get().sort(function (a, b) { return b.size - a.size || (a.label < b.label ? -1 : 1); });
  var placedLabels = {};  // node id -> { dx, dy: the text's left middle from the dot's centre, size: font; canvas units }
  var labelScale = null;  // the scale the labels were placed for
  function screenFontSize(node) { return 12 + Math.round((node.size - 8) / 8); }  // 12 to 16 pixels
  var measure = document.createElement("canvas").getContext("2d");
  var labelWidthOf = {};  // node id -> the label's width in screen pixels, as the page draws it
  function labelWidth(node) {
    if (!(node.id in labelWidthOf)) {
      measure.font = screenFontSize(node) + "px " + LABEL_FACE;
      labelWidthOf[node.id] = measure.measureText(node.label).width;
    }
    return labelWidthOf[node.id];
  }
  function labelPlaces(x, y, radius, width, height) {
    // [left, top, right, bottom] of the eight places round a dot, in order of preference (screen pixels)
    var side = radius + LABEL_GAP, corner = radius * Math.SQRT1_2 + LABEL_GAP;
    return [
      [x - width / 2, y + side, x + width / 2, y + side + height],
      [x - width / 2, y - side - height, x + width / 2, y - side],
      [x + side, y - height / 2, x + side + width, y + height / 2],
      [x - side - width, y - height / 2, x - side, y + height / 2],
      [x + corner, y + corner, x + corner + width, y + corner + height],
      [x - corner - width, y + corner, x - corner, y + corner + height],
      [x + corner, y - corner - height, x + corner + width, y - corner],
      [x - corner - width, y - corner - height, x - corner, y - corner]
    ];
  }
  function distanceToBox(box, x, y) {
    return Math.hypot(Math.max(box[0] - x, 0, x - box[2]), Math.max(box[1] - y, 0, y - box[3]));
  }
  function nearBox(box, x, y, distance) {
    // whether the point is nearer the box than distance (> 0): distanceToBox without its square root,
    // tested against every dot round every place a label might take
    var dx = Math.max(box[0] - x, 0, x - box[2]), dy = Math.max(box[1] - y, 0, y - box[3]);
    return dx * dx + dy * dy < distance * distance;
  }
  function crossedByOwnEdges(id, place, scale, box, positions) {
    // Whether a straight line from the dot to a drawn neighbour passes through the box (screen pixels):
    // the segment is clipped to the box's slab on each axis (Liang-Barsky).
    return (adjacency[id] || []).some(function (pair) {
      var other = positions[pair[0]];  // drawn nodes only
      if (!other) { return false; }
      var x0 = place.x * scale, y0 = place.y * scale, dx = other.x * scale - x0, dy = other.y * scale - y0;
      var low = 0, high = 1;
      return [[-dx, x0 - box[0]], [dx, box[2] - x0], [-dy, y0 - box[1]], [dy, box[3] - y0]].every(function (side) {
        if (side[0] === 0) { return side[1] >= 0; }
        var t = side[1] / side[0];
        if (side[0] < 0) { low = Math.max(low, t); } else { high = Math.min(high, t); }
        return low <= high;
      });
    });
  }
  function placeLabels() {
    var scale = labelScale = network.getScale();
    var positions = network.getPositions(nodesView.getIds());
    // In a large graph only what is on screen (and a margin round it) is labelled: a zoomed-in view
    // would otherwise place thousands of labels nobody sees. Panning or zooming places them again.
    var canvas = network.canvas.frame.canvas, corner = network.DOMtoCanvas({ x: 0, y: 0 });
    var far = network.DOMtoCanvas({ x: canvas.clientWidth, y: canvas.clientHeight });
    // Dots are looked at a little further out than labels, so a label at the margin's edge avoids them too.
    var labelMargin = (far.x - corner.x) * 0.25, dotMargin = labelMargin + 300 / scale;
    function inView(place, margin) {
      return !KG.large || place.x > corner.x - margin && place.x < far.x + margin && place.y > corner.y - margin && place.y < far.y + margin;
    }
    // Screen pixels a side: small, so a place in an overview of thousands of dots is tested against
    // the few dots round it, not the hundreds a larger cell would hold.
    var cell = 40;
    var labelsIn = {};  // grid cell "x,y" -> boxes of the labels placed there, in screen pixels
    var dotsIn = {};  // grid cell "x,y" -> [x, y, radius, node id] of the dots there, in screen pixels
    function cellsOf(box) {
      var keys = [];
      for (var x = Math.floor(box[0] / cell); x <= Math.floor(box[2] / cell); x++) {
        for (var y = Math.floor(box[1] / cell); y <= Math.floor(box[3] / cell); y++) { keys.push(x + "," + y); }
      }
      return keys;
    }
    function file(grid, box, item) { cellsOf(box).forEach(function (key) { (grid[key] = grid[key] || []).push(item); }); }
    function padded(box) {
      return [box[0] - LABEL_CLEARANCE, box[1] - LABEL_CLEARANCE, box[2] + LABEL_CLEARANCE, box[3] + LABEL_CLEARANCE];
    }
    function clearOfLabels(box) {
      return cellsOf(box).every(function (key) {
        return !(labelsIn[key] || []).some(function (other) {
          return box[0] < other[2] && other[0] < box[2] && box[1] < other[3] && other[1] < box[3];
        });
      });
    }
    function nearestOwnDot(box, id, own) {
      // no other dot within NEARER_BY of the distance from the label to its own dot
      var reach = own + NEARER_BY;
      return cellsOf([box[0] - reach, box[1] - reach, box[2] + reach, box[3] + reach]).every(function (key) {
        return !(dotsIn[key] || []).some(function (dot) {
          return dot[3] !== id && nearBox(box, dot[0], dot[1], reach + dot[2]);
        });
      });
    }
    byCentrality.forEach(function (node) {
      var place = positions[node.id];
      if (place && inView(place, dotMargin)) {
        var x = place.x * scale, y = place.y * scale, radius = node.size * scale;
        file(dotsIn, [x - radius, y - radius, x + radius, y + radius], [x, y, radius, node.id]);
      }
    });
    placedLabels = {};
    var order = selected === null ? byCentrality
      : [nodes.get(selected)].concat(byCentrality.filter(function (node) { return node.id !== selected; }));
    order.forEach(function (node) {
      var place = positions[node.id];
      if (!place || !node.label || !inView(place, labelMargin)) { return; }
      var size = screenFontSize(node), x = place.x * scale, y = place.y * scale, radius = node.size * scale;
      function crossed(box) { return crossedByOwnEdges(node.id, place, scale, box, positions); }
      function clear(box) { return clearOfLabels(padded(box)) && nearestOwnDot(box, node.id, distanceToBox(box, x, y) - radius); }
      // A place with no room for a label of no width has none for the label: the wider box holds the
      // narrower one, as near its dot. So in a crowded view most entities are passed over before their
      // text is measured, and each place is tested once.
      var open = labelPlaces(x, y, radius, 0, size).map(clear);
      var boxes = open.indexOf(true) === -1 && node.id !== selected ? [] : labelPlaces(x, y, radius, labelWidth(node), size);
      var clearBoxes = boxes.filter(function (box, number) { return open[number] && clear(box); });
      // the first clear place its relations do not cross, else the first clear place (crossings tested only where clear)
      var box = clearBoxes.find(function (box) { return !crossed(box); }) || clearBoxes[0];
      if (!box && node.id === selected) {  // the entity the reader picked is named, crowded or not
        box = boxes.find(function (box) { return !crossed(box); }) || boxes[0];
      }
      if (box) {
        file(labelsIn, padded(box), padded(box));
        placedLabels[node.id] = { dx: (box[0] - x) / scale, dy: ((box[1] + box[3]) / 2 - y) / scale, size: size / scale };
      }
    });
    drawSoon();
  }
  function drawSoon() {
    // vis draws in the next animation frame, once however many changes asked for it; network.redraw()
    // would draw at once and then again in that frame, two full draws of a large graph for one change.
    network.body.emitter.emit("_requestRedraw");
  }
  function drawLabels(context) {
    context.save();
    context.textAlign = "left";
    context.textBaseline = "middle";
    context.lineJoin = "round";
    context.strokeStyle = "#ffffff";
    context.fillStyle = "#343434";
    Object.keys(placedLabels).forEach(function (id) {
      var drawn = network.body.nodes[id], label = placedLabels[id];
      if (!drawn) { return; }  // hidden by a filter since it was placed
      context.font = (id === selected ? "bold " : "") + label.size + "px " + LABEL_FACE;
      context.lineWidth = label.size / 4;
      context.strokeText(drawn.options.label, drawn.x + label.dx, drawn.y + label.dy);
      context.fillText(drawn.options.label, drawn.x + label.dx, drawn.y + label.dy);
    });
    context.restore();
  }
  function drawnLabels() {
    // [node id, text, left, middle, font size] of every label drawn now, in canvas units (for tests)
    return Object.keys(placedLabels).filter(function (id) { return network.body.nodes[id]; }).map(function (id) {
      var drawn = network.body.nodes[id], label = placedLabels[id];
      return [id, drawn.options.label, drawn.x + label.dx, drawn.y + label.dy, label.size];
    });
  }
  var labelTimer = null;
  function placeLabelsSoon() {
    clearTimeout(labelTimer);
    labelTimer = setTimeout(placeLabels, 120);
  }
  network.on("afterDrawing", function (context) {
    drawLabels(context);
    if (network.getScale() !== labelScale) { placeLabelsSoon(); }
  });
  network.on("dragEnd", placeLabelsSoon);
  network.on("stabilized", placeLabelsSoon);
  if (KG.options.physics.enabled) {
    network.once("stabilizationIterationsDone", settle);
    network.once("stabilized", settle);
  }

  // ---------------------------------------------------------------- DOM helpers (text only, never HTML)
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function highlighted(sentence, terms) {
    var container = el("p", null, "evidence");
    var ranges = [];
    terms.forEach(function (term) {
      if (!term) { return; }
      var at = sentence.indexOf(term);
      while (at !== -1) { ranges.push([at, at + term.length]); at = sentence.indexOf(term, at + term.length); }
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var position = 0;
    ranges.forEach(function (range) {
      if (range[0] < position) { return; }
      container.appendChild(document.createTextNode(sentence.slice(position, range[0])));
      container.appendChild(el("mark", sentence.slice(range[0], range[1])));
      position = range[1];
    });
    container.appendChild(document.createTextNode(sentence.slice(position)));
    return container;
  }
  function factualityTag(name) {
    var tag = el("span", name, "fact");
    tag.style.color = KG.factualityColours[name] || "#555";
    return tag;
  }
  function webAddress(text) {
    // Only http and https become links: a source such as "javascript:..." stays text.
    var url;
    try { url = new URL(text); } catch { return null; }
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  }
  function documentLine(iri) {
    var doc = panel().documents[iri] || {};
    var line = el("div", [doc.title || iri.split("/").pop(), doc.date].filter(Boolean).join(" · "), "meta");
    if (doc.source) {
      line.appendChild(document.createTextNode(" · "));
      var address = webAddress(doc.source);
      if (address === null) {
        line.appendChild(document.createTextNode(doc.source));
      } else {
        var link = el("a", doc.source);
        link.href = address;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        line.appendChild(link);
      }
    }
    return line;
  }
  function statementBlock(statement) {
    var block = el("div", null, "statement");
    var line = el("div", null, "meta");
    line.appendChild(factualityTag(statement.factuality));
    line.appendChild(document.createTextNode(statement.verb + " · rule " + statement.rule + " · confidence " + statement.confidence));
    block.appendChild(line);
    block.appendChild(highlighted(statement.evidence, [statement.subject_text, statement.object_text]));
    if (statement.document) { block.appendChild(documentLine(statement.document)); }
    return block;
  }
  function nodeLink(id) {
    var node = nodes.get(id);
    var button = el("button", node ? node.label : id, "link");
    button.addEventListener("click", function () { focusNode(id); });
    return button;
  }
  function edgeBlock(edge) {
    var block = el("div", null, "relation");
    var head = el("div");
    head.appendChild(nodeLink(edge.from));
    head.appendChild(document.createTextNode(" — " + (edge.label || edge.relation) + " → "));
    head.appendChild(nodeLink(edge.to));
    block.appendChild(head);
    (panel().statements[edge.id] || []).forEach(function (statement) { block.appendChild(statementBlock(statement)); });
    return block;
  }

  // ---------------------------------------------------------------- the side panel
  var details = document.getElementById("details");
  function showNode(id) {
    var node = nodes.get(id);
    if (!node) { return; }
    var info = panel().info[id] || { aliases: [], documents: [] };
    clear(details);
    details.appendChild(el("h2", node.label));
    var badge = el("span", node.cls, "badge");
    badge.style.background = classColour[node.cls] || "#777";
    details.appendChild(badge);
    if (info.documents.length) {
      details.appendChild(el("span", "  in " + info.documents.length + " document" + (info.documents.length > 1 ? "s" : ""), "meta"));
    }
    if (info.aliases.length) {
      details.appendChild(el("h3", "Also called"));
      details.appendChild(el("div", info.aliases.join(" · ")));
    }
    // corpus-level resolution: why names of several documents are this node, or why one is not joined
    [["joined", "Joined across documents"], ["kept apart", "Kept apart"]].forEach(function (kind) {
      var decisions = (info.resolutions || []).filter(function (d) { return d.decision === kind[0]; });
      if (!decisions.length) { return; }
      details.appendChild(el("h3", kind[1]));
      decisions.forEach(function (d) { details.appendChild(el("div", d.reason + " (" + d.rule + ")", "resolution")); });
    });
    var connected = edges.get({ filter: function (edge) { return edge.from === id || edge.to === id; } });
    details.appendChild(el("h3", "Relations (" + connected.length + ")"));
    connected.forEach(function (edge) { details.appendChild(edgeBlock(edge)); });
    if (info.documents.length) {
      details.appendChild(el("h3", "Documents (" + info.documents.length + ")"));
      info.documents.forEach(function (iri) { details.appendChild(documentLine(iri)); });
    }
  }
  function showEdge(id) {
    var edge = edges.get(id);
    if (!edge) { return; }
    clear(details);
    details.appendChild(el("h2", (edge.label || edge.relation)));
    details.appendChild(edgeBlock(edge));
  }
  network.on("click", function (params) {
    if (params.nodes.length) { selectNode(params.nodes[0]); }
    else if (params.edges.length) { showEdge(params.edges[0]); }
  });

  // ---------------------------------------------------------------- selection, neighbourhood, search
  function hops() { return parseInt(document.getElementById("hops").value, 10); }
  function around(id, depth) {
    var seen = new Set([id]);
    var frontier = [id];
    for (var step = 0; step < depth; step++) {
      var next = [];
      frontier.forEach(function (current) {
        (adjacency[current] || []).forEach(function (pair) {
          if (shownRelations.has(pair[1]) && !seen.has(pair[0])) { seen.add(pair[0]); next.push(pair[0]); }
        });
      });
      frontier = next;
    }
    return seen;
  }
  // vis-network forgets where a node was once a filter hides it, and draws it again in a clump
  // round the centre: the page remembers every node's place and puts the ones shown again back there.
  var placeOf = {};
  function refresh() {
    var drawn = network.getPositions();
    Object.assign(placeOf, drawn);
    nodesView.refresh();
    edgesView.refresh();
    nodesView.getIds().forEach(function (id) {
      if (!(id in drawn) && placeOf[id]) { network.moveNode(id, placeOf[id].x, placeOf[id].y); }
    });
    showCounts();
    if (document.body.dataset.stable === "true") { placeLabels(); }
    drawTimeline();
  }
  function showCounts() {
    document.getElementById("status").textContent =
      "showing " + nodesView.length + " of " + nodes.length + " entities, " + edgesView.length + " of " + edges.length + " relations";
  }
  function selectNode(id, moving) {
    selected = id;
    var before = neighbourhood;
    neighbourhood = hops() > 0 ? around(id, hops()) : null;
    if (neighbourhood !== null || before !== null) { refresh(); }  // else what is drawn stays as it is
    else if (!moving && document.body.dataset.stable === "true") { placeLabels(); }  // its label first
    if (nodesView.get(id)) { network.selectNodes([id]); }
    showNode(id);
  }
  function focusNode(id) {
    var node = nodes.get(id);
    if (node && !shownClasses.has(node.cls)) {
      shownClasses.add(node.cls);
      document.querySelector('.filter-class[data-class="' + CSS.escape(node.cls) + '"]').checked = true;
    }
    selectNode(id, true);
    if (nodesView.get(id)) {
      network.focus(id, { scale: 1.4, animation: false });
      placeLabels();
    }
    window.kg.focused = id;
  }
  function matches(query) {
    var needle = query.trim().toLowerCase();
    if (!needle) { return []; }
    var scored = [], info = panel().info;
    nodes.forEach(function (node) {
      var names = [node.label].concat((info[node.id] || { aliases: [] }).aliases);
      var best = null;
      names.forEach(function (name) {
        var lower = name.toLowerCase();
        var score = lower === needle ? 0 : lower.indexOf(needle) === 0 ? 1 : lower.indexOf(needle) > 0 ? 2 : null;
        if (score !== null && (best === null || score < best)) { best = score; }
      });
      if (best !== null) { scored.push([best, -node.size, node.label, node.id]); }
    });
    scored.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : 1); });
    return scored.slice(0, 10).map(function (item) { return item[3]; });
  }
  var search = document.getElementById("search");
  var results = document.getElementById("search-results");
  search.addEventListener("input", function () {
    clear(results);
    matches(search.value).forEach(function (id) {
      var item = el("li");
      var button = el("button", nodes.get(id).label + " (" + nodes.get(id).cls + ")");
      button.addEventListener("click", function () { focusNode(id); });
      item.appendChild(button);
      results.appendChild(item);
    });
  });
  search.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    var found = matches(search.value);
    if (found.length) { focusNode(found[0]); }
  });

  // ---------------------------------------------------------------- the unconnected entities
  var unconnected = byCentrality.filter(function (node) { return !isConnected(node.id); })
    .sort(function (a, b) { return a.label.localeCompare(b.label); });
  var unconnectedList = document.getElementById("unconnected-list");
  document.getElementById("unconnected-count").textContent = unconnected.length;
  document.getElementById("unconnected").hidden = unconnected.length === 0;
  unconnected.forEach(function (node) {
    var item = el("li");
    var button = el("button", node.label + " (" + node.cls + ")", "link");
    button.addEventListener("click", function () { selectNode(node.id); });
    item.appendChild(button);
    unconnectedList.appendChild(item);
  });
  document.getElementById("unconnected-filter").addEventListener("input", function (event) {
    var needle = event.target.value.trim().toLowerCase();
    Array.prototype.forEach.call(unconnectedList.children, function (item, number) {
      item.hidden = needle !== "" && unconnected[number].label.toLowerCase().indexOf(needle) === -1;
    });
  });
  // Laid out without them, the graph has no place for them yet: they go in rows under it.
  function placeUnconnected() {
    var drawn = Object.values(network.getPositions());
    if (!drawn.length) { return; }
    var left = Math.min.apply(null, drawn.map(function (p) { return p.x; }));
    var right = Math.max.apply(null, drawn.map(function (p) { return p.x; }));
    var bottom = Math.max.apply(null, drawn.map(function (p) { return p.y; }));
    var columns = Math.max(1, Math.floor((right - left) / 140) + 1);
    unconnected.forEach(function (node, number) {
      if (!placeOf[node.id] && node.x === undefined) {
        placeOf[node.id] = { x: left + (number % columns) * 140, y: bottom + 120 + Math.floor(number / columns) * 70 };
      }
    });
  }
  document.getElementById("draw-unconnected").addEventListener("change", function (event) {
    drawUnconnected = event.target.checked;
    if (drawUnconnected) { placeUnconnected(); }
    refresh();
  });

  // ---------------------------------------------------------------- stories (the documents)
  var storyById = {};
  KG.stories.forEach(function (story) { storyById[story.id] = story; });
  var picked = [];  // the stories shown, at most two
  var storyList = document.getElementById("story-list");
  var storyItems = {};  // story id -> its list item
  document.getElementById("story-count").textContent = KG.stories.length;
  document.getElementById("stories").hidden = KG.stories.length === 0;
  function storyTitle(story) { return story.title || story.id; }
  KG.stories.forEach(function (story) {
    var item = el("li");
    var button = el("button", storyTitle(story), "link");
    button.addEventListener("click", function (event) {
      var adding = (event.ctrlKey || event.shiftKey || event.metaKey) && picked.length > 0;
      var others = picked.filter(function (id) { return id !== story.id; });
      pickStories(adding ? [others[0], story.id] : [story.id]);
    });
    item.appendChild(button);
    item.appendChild(el("div", [story.date, story.source, story.entities.length + " entities",
                                story.edges.length + " relations"].filter(Boolean).join(" · "), "meta"));
    storyItems[story.id] = item;
    storyList.appendChild(item);
  });
  document.getElementById("story-filter").addEventListener("input", function (event) {
    var needle = event.target.value.trim().toLowerCase();
    KG.stories.forEach(function (story) {
      var haystack = [story.title, story.date, story.source].join(" ").toLowerCase();
      storyItems[story.id].hidden = needle !== "" && haystack.indexOf(needle) === -1;
    });
  });
  document.getElementById("story-clear").addEventListener("click", function () { pickStories([]); });
  function storyEvidence(story, terms) {
    // Each sentence the story gives as evidence, once, in the order of its relations.
    var seen = new Set();
    var block = el("div");
    story.edges.forEach(function (edgeId) {
      (panel().statements[edgeId] || []).forEach(function (statement) {
        if (statement.document !== story.iri || seen.has(statement.evidence)) { return; }
        seen.add(statement.evidence);
        block.appendChild(highlighted(statement.evidence, terms));
      });
    });
    return [seen.size, block];
  }
  function entityNames(ids) {
    var names = [];
    ids.forEach(function (id) {
      var node = nodes.get(id);
      if (node) { names.push(node.label); }
      names.push.apply(names, (panel().info[id] || { aliases: [] }).aliases);
    });
    return names.sort(function (a, b) { return b.length - a.length; });
  }
  function entityLinks(ids) {
    var line = el("div");
    ids.forEach(function (id, number) {
      if (number) { line.appendChild(document.createTextNode(" · ")); }
      line.appendChild(nodeLink(id));
    });
    return line;
  }
  function showStories(shown, shared) {
    clear(details);
    details.appendChild(el("h2", shown.length === 1 ? storyTitle(shown[0]) : "Two stories compared"));
    if (shared !== null) {
      details.appendChild(el("h3", "Shared entities (" + shared.length + ")"));
      details.appendChild(shared.length ? entityLinks(shared) : el("p", "None: the two stories name no entity in common.", "muted"));
    }
    shown.forEach(function (story) {
      var section = el("section", null, "story");
      if (shown.length > 1) { section.appendChild(el("h3", storyTitle(story))); }
      section.appendChild(documentLine(story.iri));
      section.appendChild(el("h3", "Entities (" + story.entities.length + ")"));
      section.appendChild(entityLinks(story.entities));
      var text = (panel().documents[story.iri] || {}).text;
      if (text) {  // the whole story, its entities' names marked; a page of a large corpus leaves texts out
        section.appendChild(el("h3", "Text"));
        var body = el("div", null, "story-text");
        text.split(/\n\s*\n|\n/).filter(function (paragraph) { return paragraph.trim(); }).forEach(function (paragraph) {
          body.appendChild(highlighted(paragraph.trim(), entityNames(story.entities)));
        });
        section.appendChild(body);
      }
      var evidence = storyEvidence(story, entityNames(story.entities));
      section.appendChild(el("h3", "Evidence (" + evidence[0] + " sentences)"));
      section.appendChild(evidence[1]);
      details.appendChild(section);
    });
  }
  function pickStories(ids) {
    var shown = ids.map(function (id) { return storyById[id]; }).filter(Boolean).slice(0, 2);
    picked = shown.map(function (story) { return story.id; });
    Object.keys(storyItems).forEach(function (id) { storyItems[id].classList.toggle("picked", picked.indexOf(id) !== -1); });
    document.getElementById("story-clear").hidden = picked.length === 0;
    writeFragment();
    if (!shown.length) {
      storyNodes = storyEdges = null;
      storiesShown = null;
      refresh();
      network.unselectAll();
      showDefaultDetails();
      window.kg.shared = null;
      return;
    }
    storyNodes = new Set();
    storyEdges = new Set();
    shown.forEach(function (story) {
      story.entities.forEach(function (id) { storyNodes.add(id); });
      story.edges.forEach(function (id) { storyEdges.add(id); });
    });
    var shared = shown.length < 2 ? null : shown[0].entities.filter(function (id) { return shown[1].entities.indexOf(id) !== -1; });
    placeUnconnected();
    refresh();
    network.unselectAll();
    if (shared !== null) { network.selectNodes(shared.filter(function (id) { return nodesView.get(id) !== null; })); }
    if (nodesView.length) { network.fit({ nodes: nodesView.getIds(), animation: false }); placeLabels(); }
    storiesShown = [shown, shared];
    showStories(shown, shared);
    window.kg.shared = shared;
  }
  var storiesShown = null;  // what showStories last showed: [stories, shared entities], or null
  function showDefaultDetails() {
    if (storiesShown !== null) { showStories(storiesShown[0], storiesShown[1]); return; }
    clear(details);
    details.appendChild(el("p", "Click an entity or a relation to see its evidence.", "muted"));
  }

  // ---------------------------------------------------------------- the URL fragment
  // #doc=ID[,ID] names the stories shown, #time=FIRST,LAST the span brushed; both with "&" between.
  function fragmentParts() {
    var parts = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at > 0) { parts[part.slice(0, at)] = part.slice(at + 1); }
    });
    return parts;
  }
  function writeFragment() {
    var parts = [];
    if (picked.length) { parts.push("doc=" + picked.map(encodeURIComponent).join(",")); }
    if (timeSpan !== null) { parts.push("time=" + timeSpan.join(",")); }
    var fragment = parts.length ? "#" + parts.join("&") : "";
    if (location.hash !== fragment) { history.replaceState(null, "", location.pathname + location.search + fragment); }
  }
  function applyFragment() {
    var parts = fragmentParts();
    var span = /^(\d{4}-\d{2}-\d{2}),(\d{4}-\d{2}-\d{2})$/.exec(parts.time || "");
    var wanted = span ? [span[1], span[2]] : null;
    if (String(wanted) !== String(timeSpan)) { setTimeSpan(wanted); }
    var ids = parts.doc ? parts.doc.split(",").map(function (id) {
      try { return decodeURIComponent(id); } catch { return id; }
    }) : [];
    if (ids.join(",") !== picked.join(",")) { pickStories(ids); }
  }
  window.addEventListener("hashchange", applyFragment);

  // ---------------------------------------------------------------- the timeline (events on their day)
  // One mark per event, at its day: filled when the text gives the day, hollow when the document's
  // date stands in for it. Marks a few pixels apart share a column and stack up; a column too tall
  // for the strip ends in a "+" that names the rest. Drag across the strip to pick a span; a click
  // on the strip (not on a mark) clears it, a click on a mark shows its relation.
  var timelineItems = KG.timeline.items;
  var timeline = document.getElementById("timeline");
  var strip = document.getElementById("timeline-strip");
  var tip = document.getElementById("timeline-tip");
  var SVG = "http://www.w3.org/2000/svg";
  var DAY_MS = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var STRIP = { left: 14, right: 14, markBottom: 52, row: 8, radius: 3.2, axis: 57, label: 71, column: 8, tickGap: 64 };
  timeline.hidden = timelineItems.length === 0;
  (function () {
    var estimated = timelineItems.filter(function (item) { return item.estimated; }).length;
    var note = timelineItems.length + " event" + (timelineItems.length === 1 ? "" : "s");
    if (estimated) { note += estimated === timelineItems.length ? " (all by document date)" : " (" + estimated + " by document date)"; }
    if (KG.timeline.undated) { note += ", " + KG.timeline.undated + " more with no date, not shown"; }
    document.getElementById("timeline-note").textContent = note + " · drag across to pick a span";
  })();
  function dayNumber(day) { return Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) / DAY_MS; }
  function dayOf(number) { return new Date(Math.round(number) * DAY_MS).toISOString().slice(0, 10); }
  function dayWords(day) { var at = new Date(dayNumber(day) * DAY_MS); return at.getUTCDate() + " " + MONTHS[at.getUTCMonth()] + " " + at.getUTCFullYear(); }
  var firstDay = timelineItems.length ? dayNumber(timelineItems[0].day) : 0;
  var lastDay = timelineItems.length ? dayNumber(timelineItems[timelineItems.length - 1].day) : 0;
  var pad = Math.max(2, Math.round((lastDay - firstDay) * 0.03));
  var domain = [firstDay - pad, lastDay + pad];
  var stripWidth = 0;
  function xOf(number) { return STRIP.left + (number - domain[0]) / (domain[1] - domain[0]) * (stripWidth - STRIP.left - STRIP.right); }
  function numberAt(x) { return domain[0] + (x - STRIP.left) / (stripWidth - STRIP.left - STRIP.right) * (domain[1] - domain[0]); }
  function svg(tag, attributes, className) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (className) { node.setAttribute("class", className); }
    return node;
  }
  function ticks() {
    // The finest of days, weeks, months and years whose labels have room; each label gives the year
    // where it starts (the first tick, or January) so no tick is ambiguous.
    var perDay = (stripWidth - STRIP.left - STRIP.right) / (domain[1] - domain[0]);
    var steps = [["day", 1], ["day", 2], ["week", 1], ["week", 2], ["month", 1], ["month", 2], ["month", 3],
                 ["month", 6], ["year", 1], ["year", 2], ["year", 5], ["year", 10], ["year", 50]];
    var step = steps.filter(function (candidate) {
      var days = { day: 1, week: 7, month: 30.4, year: 365.25 }[candidate[0]] * candidate[1];
      return days * perDay >= STRIP.tickGap;
    })[0] || steps[steps.length - 1];
    var found = [];
    var at = new Date(Math.ceil(domain[0]) * DAY_MS);
    if (step[0] === "week") { at = new Date(at.getTime() + ((8 - at.getUTCDay()) % 7) * DAY_MS); }
    if (step[0] === "month" || step[0] === "year") {
      at = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + (at.getUTCDate() > 1 ? 1 : 0), 1));
      if (step[0] === "month") { while (at.getUTCMonth() % step[1]) { at = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)); } }
      if (step[0] === "year") {
        at = new Date(Date.UTC(at.getUTCFullYear() + (at.getUTCMonth() > 0 ? 1 : 0), 0, 1));
        while (at.getUTCFullYear() % step[1]) { at = new Date(Date.UTC(at.getUTCFullYear() + 1, 0, 1)); }
      }
    }
    var lastYear = null;
    while (at.getTime() / DAY_MS <= domain[1] && found.length < 200) {
      var month = at.getUTCMonth(), year = at.getUTCFullYear(), withYear = year !== lastYear ? " " + year : "";
      var label = step[0] === "year" ? String(year)
        : step[0] === "month" ? MONTHS[month] + withYear : at.getUTCDate() + " " + MONTHS[month] + withYear;
      lastYear = year;
      found.push([at.getTime() / DAY_MS, label]);
      at = step[0] === "year" ? new Date(Date.UTC(year + step[1], 0, 1))
        : step[0] === "month" ? new Date(Date.UTC(year, month + step[1], 1))
        : new Date(at.getTime() + step[1] * (step[0] === "week" ? 7 : 1) * DAY_MS);
    }
    return found;
  }
  var columns = [];  // [x, [item, ...]] per column of marks, for the tooltips
  function drawTimeline() {
    if (timeline.hidden) { return; }
    stripWidth = strip.clientWidth;
    if (!stripWidth) { return; }
    clear(strip);
    var drawnEdges = new Set(edgesView.getIds());
    if (timeSpan !== null) {
      var from = xOf(dayNumber(timeSpan[0]) - 0.5), to = xOf(dayNumber(timeSpan[1]) + 0.5);
      strip.appendChild(svg("rect", { x: from, y: 1, width: Math.max(2, to - from), height: STRIP.axis - 1 }, "brush"));
    }
    strip.appendChild(svg("line", { x1: STRIP.left, x2: stripWidth - STRIP.right, y1: STRIP.axis, y2: STRIP.axis }, "axis"));
    ticks().forEach(function (tick) {
      var x = xOf(tick[0]);
      strip.appendChild(svg("line", { x1: x, x2: x, y1: STRIP.axis, y2: STRIP.axis + 4 }, "axis"));
      var label = svg("text", { x: x, y: STRIP.label, "text-anchor": x < 40 ? "start" : x > stripWidth - 40 ? "end" : "middle" }, "tick-label");
      label.textContent = tick[1];
      strip.appendChild(label);
    });
    var rows = Math.floor(STRIP.markBottom / STRIP.row);
    columns = [];
    var byColumn = {};
    timelineItems.forEach(function (item) {
      var x = xOf(dayNumber(item.day)), key = Math.round(x / STRIP.column);
      if (!(key in byColumn)) { byColumn[key] = columns.length; columns.push([x, []]); }
      columns[byColumn[key]][1].push(item);
    });
    columns.forEach(function (column, columnNumber) {
      var items = column[1];
      items.forEach(function (item, number) {
        if (number >= rows || (number === rows - 1 && items.length > rows)) { return; }
        var y = STRIP.markBottom - STRIP.row / 2 - number * STRIP.row;
        var mark = svg("circle", { cx: xOf(dayNumber(item.day)), cy: y, r: STRIP.radius },
                       "mark" + (item.estimated ? " estimated" : "") + (drawnEdges.has(item.edge) ? "" : " off"));
        mark.dataset.column = columnNumber;
        mark.dataset.row = number;
        strip.appendChild(mark);
      });
      if (items.length > rows) {
        var top = STRIP.markBottom - STRIP.row / 2 - (rows - 1) * STRIP.row, x = column[0];
        var more = svg("path", { d: "M" + (x - 3.5) + " " + top + "h7M" + x + " " + (top - 3.5) + "v7" }, "more");
        more.dataset.column = columnNumber;
        more.dataset.row = rows - 1;
        strip.appendChild(more);
        // a wider invisible target, so the "+" is easy to hover
        var target = svg("rect", { x: x - 4, y: top - 4, width: 8, height: 8, fill: "transparent" }, "more-target");
        target.dataset.column = columnNumber;
        target.dataset.row = rows - 1;
        strip.appendChild(target);
      }
    });
  }
  function itemText(item) {
    var when = item.estimated ? dayWords(item.day) + " (document date: the text gives the event no day)"
      : dayWords(item.day) + (item.time ? " (“" + item.time + "”)" : "");
    return item.label + "\n" + item.cls + " · " + when;
  }
  function itemsAt(target) {
    if (!target.dataset || target.dataset.column === undefined) { return null; }
    var items = columns[+target.dataset.column][1], row = +target.dataset.row;
    return target.getAttribute("class").indexOf("more") === 0 ? items.slice(row) : [items[row]];
  }
  function showTip(target) {
    var items = itemsAt(target);
    if (items === null) { tip.hidden = true; return; }
    var text = items.length === 1 ? itemText(items[0])
      : items.length + " more events here:\n" + items.slice(0, 6).map(function (item) {
          return item.day + (item.estimated ? " (document date)" : "") + "  " + item.label;
        }).join("\n") + (items.length > 6 ? "\n… brush the span to list them all" : "");
    tip.textContent = text;
    tip.hidden = false;
    var box = target.getBoundingClientRect(), home = timeline.getBoundingClientRect();
    var left = Math.min(Math.max(0, box.left - home.left - 12), home.width - tip.offsetWidth - 4);
    tip.style.left = Math.max(0, left) + "px";
  }
  strip.addEventListener("pointerover", function (event) { showTip(event.target); });
  strip.addEventListener("pointerleave", function () { tip.hidden = true; });
  var brushStart = null;  // [x, the target pressed] while a drag goes on
  var brushRect = null;
  function stripX(event) { return event.clientX - strip.getBoundingClientRect().left; }
  strip.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) { return; }
    brushStart = [stripX(event), event.target];
    strip.setPointerCapture(event.pointerId);
  });
  strip.addEventListener("pointermove", function (event) {
    if (brushStart === null) { return; }
    var x = stripX(event);
    if (Math.abs(x - brushStart[0]) < 3) { return; }
    tip.hidden = true;
    if (brushRect === null) { brushRect = strip.appendChild(svg("rect", { y: 1, height: STRIP.axis - 1 }, "brush")); }
    brushRect.setAttribute("x", Math.min(x, brushStart[0]));
    brushRect.setAttribute("width", Math.abs(x - brushStart[0]));
  });
  strip.addEventListener("pointerup", function (event) {
    if (brushStart === null) { return; }
    var start = brushStart, x = stripX(event);
    brushStart = null;
    if (brushRect !== null) { brushRect.remove(); brushRect = null; }
    if (Math.abs(x - start[0]) >= 3) {
      // the days whose marks lie inside the dragged rectangle
      var first = Math.ceil(numberAt(Math.min(x, start[0])) - 1e-9), last = Math.floor(numberAt(Math.max(x, start[0])) + 1e-9);
      setTimeSpan(first <= last ? [dayOf(first), dayOf(last)] : null);
      return;
    }
    var items = itemsAt(start[1]);
    if (items !== null && items.length === 1) { showEdge(items[0].edge); } else { setTimeSpan(null); }
  });
  document.getElementById("timeline-clear").addEventListener("click", function () { setTimeSpan(null); });
  window.addEventListener("resize", drawTimeline);
  function inSpan(item) { return timeSpan !== null && item.day >= timeSpan[0] && item.day <= timeSpan[1]; }
  function setTimeSpan(span) {
    timeSpan = span === null ? null : span[0] <= span[1] ? [span[0], span[1]] : [span[1], span[0]];
    timeEdges = timeNodes = null;
    var found = timelineItems.filter(inSpan);
    if (timeSpan !== null) {
      timeEdges = new Set(found.map(function (item) { return item.edge; }));
      timeNodes = new Set();
      timeEdges.forEach(function (id) { var edge = edges.get(id); timeNodes.add(edge.from); timeNodes.add(edge.to); });
    }
    document.getElementById("timeline-span").textContent = timeSpan === null ? ""
      : (timeSpan[0] === timeSpan[1] ? dayWords(timeSpan[0]) : dayWords(timeSpan[0]) + " – " + dayWords(timeSpan[1]))
        + ": " + found.length + " event" + (found.length === 1 ? "" : "s") + ", " + timeEdges.size + " relation" + (timeEdges.size === 1 ? "" : "s");
    // the span and its "clear" take the place of the note, so the strip keeps its height
    document.getElementById("timeline-clear").hidden = timeSpan === null;
    document.getElementById("timeline-note").hidden = timeSpan !== null;
    writeFragment();
    refresh();
    window.kg.timeSpan = timeSpan;
    if (timeSpan === null) { showDefaultDetails(); return; }
    // like a story, a span is shown filling the canvas (the view moves, the entities' places do not)
    if (nodesView.length) { network.fit({ nodes: nodesView.getIds(), animation: false }); placeLabels(); }
    showSpan(found);
  }
  var SPAN_LIST_LIMIT = 200;
  function showSpan(found) {
    clear(details);
    details.appendChild(el("h2", document.getElementById("timeline-span").textContent));
    if (!found.length) { details.appendChild(el("p", "No event in this span.", "muted")); return; }
    var list = el("ul", null, "span-events");
    found.slice(0, SPAN_LIST_LIMIT).forEach(function (item) {
      var line = el("li");
      line.appendChild(el("span", item.day + (item.estimated ? " (document date)" : item.time ? " (“" + item.time + "”)" : ""), "meta"));
      var button = el("button", item.label, "link");
      button.addEventListener("click", function () { showEdge(item.edge); });
      line.appendChild(button);
      list.appendChild(line);
    });
    details.appendChild(list);
    if (found.length > SPAN_LIST_LIMIT) { details.appendChild(el("p", "… and " + (found.length - SPAN_LIST_LIMIT) + " more: brush a shorter span.", "muted")); }
  }

  // ---------------------------------------------------------------- filters and view options
  document.querySelectorAll(".filter-class").forEach(function (box) {
    box.addEventListener("change", function () {
      if (box.checked) { shownClasses.add(box.dataset.class); } else { shownClasses.delete(box.dataset.class); }
      refresh();
    });
  });
  document.querySelectorAll(".filter-relation").forEach(function (box) {
    box.addEventListener("change", function () {
      if (box.checked) { shownRelations.add(box.dataset.relation); } else { shownRelations.delete(box.dataset.relation); }
      if (selected !== null && hops() > 0) { neighbourhood = around(selected, hops()); }
      refresh();
    });
  });
  document.querySelectorAll(".filter-factuality").forEach(function (box) {
    box.addEventListener("change", function () {
      if (box.checked) { shownFactualities.add(box.dataset.factuality); } else { shownFactualities.delete(box.dataset.factuality); }
      refresh();
    });
  });
  document.getElementById("hops").addEventListener("change", function () {
    neighbourhood = selected !== null && hops() > 0 ? around(selected, hops()) : null;
    refresh();
  });
  document.getElementById("physics").addEventListener("change", function (event) {
    network.setOptions({ physics: { enabled: event.target.checked } });
  });
  document.getElementById("colour-by").addEventListener("change", function (event) {
    var byCommunity = event.target.value === "community";
    nodes.update(nodes.get().map(function (node) {
      var colour = byCommunity ? KG.communityColours[node.community % KG.communityColours.length] : classColour[node.cls];
      return { id: node.id, color: colour };
    }));
  });

  window.kg = { network: network, nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView,
                focusNode: focusNode, showEdge: showEdge, drawnLabels: drawnLabels, pickStories: pickStories, shared: null, stableAt: null,
                setTimeSpan: setTimeSpan, timeSpan: null,
                dayToX: function (day) { return xOf(dayNumber(day)); } };  // a day's place on the strip, in its pixels
  // The views were just built with every filter as it is: only the counts and the timeline are new.
  showCounts();
  drawTimeline();
  if (!KG.options.physics.enabled) { settle(); }  // laid out beforehand: settled before its first frame
})();
