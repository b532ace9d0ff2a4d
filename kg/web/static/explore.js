/*
 * The explorer: search an entity, draw its neighbourhood, click to expand and read the evidence.
 *
 * One script serves two pages. On the API's /explore page ("api" mode) every lookup is a call
 * to the REST API. In a picture written by `kg viz` ("embedded" mode) the same lookups are
 * answered from the data embedded in the file, in the same shapes the API returns, so the
 * picture works offline. Everything the page shows is built with DOM calls and textContent:
 * text from the graph is never parsed as HTML.
 */
(function () {
  "use strict";

  const boot = JSON.parse(document.getElementById("kg-boot").textContent);
  const styles = boot.styles;
  const $ = (id) => document.getElementById(id);

  // -- small DOM helpers ------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) { // any depth: a nested list must never print as "a,b"
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  const humanise = (relType) => relType.toLowerCase().replace(/_/g, " ");
  const mostSpecific = (types) => (types && types.length ? types[0] : "Thing");
  const styleOf = (types) => styles[mostSpecific(types)] || { root: "Thing", colour: "#8a939c", border: "#5d656d", text: "#ffffff", shape: "ellipse", size: 40 };
  const isEvent = (types) => (types || []).includes(boot.eventRoot);
  const isEntity = (types) => (types || []).some((t) => boot.entityRoots.includes(t));

  function formatAmount(amount, currency) {
    if (amount === null || amount === undefined) return null;
    try {
      return new Intl.NumberFormat("en", { style: currency ? "currency" : "decimal", currency: currency || undefined,
        maximumFractionDigits: 0 }).format(amount);
    } catch (e) {
      return `${amount} ${currency || ""}`.trim();
    }
  }

  function setStatus(text, isError) {
    const status = $("status");
    status.textContent = text || "";
    status.style.color = isError ? "#ffb4a8" : "";
  }

  // -- data sources: the REST API or the data embedded in a picture ------------------------

  function apiSource() {
    let apiKey = sessionStorage.getItem("kg-api-key");
    async function get(path) {
      const headers = { Accept: "application/json" };
      if (apiKey) headers["X-API-Key"] = apiKey;
      const response = await fetch(boot.api + path, { headers });
      if (response.status === 401 && !apiKey) {
        apiKey = window.prompt("This API needs a key for reads (X-API-Key):");
        if (apiKey) {
          sessionStorage.setItem("kg-api-key", apiKey);
          return get(path);
        }
      }
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        const error = new Error(body.detail || body.title || `${response.status} ${response.statusText}`);
        error.status = response.status; // the deal view tells "not found" from other failures
        throw error;
      }
      return body;
    }
    const enc = encodeURIComponent;
    return {
      search: async (q) => (await get(`/entities?q=${enc(q)}&limit=12`)).items,
      entity: (id) => get(`/entities/${enc(id)}`),
      event: (id) => get(`/events/${enc(id)}`),
      neighbours: (id, kind) => get(kind === "event" ? `/events/${enc(id)}/neighbors?depth=1` : `/entities/${enc(id)}/neighbors?depth=1`),
      timeline: async (id) => (await get(`/entities/${enc(id)}/events?limit=200`)).items,
      deal: (id, asOf) => get(`/deals/${enc(id)}${asOf ? `?as_of=${enc(asOf)}` : ""}`),
      deals: (party) => get(`/deals?party=${enc(party)}&limit=50`),
      sourceLink: (sourceId) => `${boot.api}/sources/${enc(sourceId)}`,
    };
  }

  function embeddedSource() {
    const nodes = new Map(boot.subgraph.nodes.map((n) => [n.id, n]));
    const missing = (what, id) => Promise.reject(new Error(`${what} ${id} is outside this picture`));
    return {
      search: async (q) => {
        const needle = q.trim().toLowerCase();
        return boot.subgraph.nodes
          .filter((n) => isEntity(n.types) && (n.name || n.id).toLowerCase().includes(needle))
          .slice(0, 12)
          .map((n) => ({ id: n.id, name: n.name || n.id, types: n.types, match: "contains" }));
      },
      entity: (id) => (boot.details[id] ? Promise.resolve(boot.details[id]) : missing("entity", id)),
      event: (id) => (boot.details[id] ? Promise.resolve(boot.details[id]) : missing("event", id)),
      neighbours: async (id) => {
        const edges = boot.subgraph.edges.filter((e) => e.source === id || e.target === id);
        const ids = new Set(edges.flatMap((e) => [e.source, e.target]).concat([id]));
        return { center: id, nodes: [...ids].map((x) => nodes.get(x)).filter(Boolean), edges, truncated: false };
      },
      timeline: async (id) => boot.timelines[id] || [],
      deal: (id) => missing("deal", id),
      deals: async () => null, // a picture holds no deals: the entity panel leaves them out
      sourceLink: () => null,
    };
  }

  const source = boot.mode === "api" ? apiSource() : embeddedSource();

  // -- the graph ----------------------------------------------------------------------------

  // Labels must stay readable in a report: never drawn smaller than MIN_LABEL_PX on screen.
  const MIN_LABEL_PX = 11;
  const MIN_EDGE_LABEL_PX = 11;
  const NODE_FONT = 14; // in graph units, at zoom 1 (events one smaller)
  const EDGE_FONT = 12;
  const READABLE_ZOOM = MIN_LABEL_PX / (NODE_FONT - 1); // below this the labels would be too small
  const MIN_AUTO_BUDGET = 8; // a picture shrinks to fit the window, but never below this many nodes around its subject
  const MAX_FIT_ZOOM = 1.15; // a small graph is not blown up past this
  const FIT_PADDING = 30;
  // A hub draws its most relevant neighbours first; "Show more" adds the rest step by step.
  const FIRST_BUDGET = 26;
  const MORE_STEP = 16;
  const EDGE_LABELS_UP_TO = 20; // more edges than this: only the selected node's edges are labelled ...
  const SELECTED_EDGE_LABELS = 6; // ... when it has no more than this many
  const LABEL_GAP = 10; // graph units kept free around every label box
  // Which events tell the story first when a hub has too many to draw.
  const EVENT_WEIGHT = { ArmsSale: 10, ContractAward: 9, SaleApproval: 8, Delivery: 8, ExportBlock: 8, Delay: 7,
                         CoProduction: 6, Visit: 5, MilitaryActivity: 5, OtherEvent: 3, Statement: 2 };

  // >1 when the view is zoomed out so far that labels would shrink below the minimum: they grow back.
  let fontScale = 1;
  let edgeFontScale = 1;
  const nodeFont = (ele) => (ele.data("kind") === "event" ? NODE_FONT - 1 : NODE_FONT) * fontScale;
  const edgeFont = () => EDGE_FONT * edgeFontScale;

  const cy = cytoscape({
    container: $("graph"),
    wheelSensitivity: 0.3,
    minZoom: 0.15,
    maxZoom: 3,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", "border-color": "data(border)", "border-width": 2, shape: "data(shape)",
        width: "data(size)", height: "data(size)", label: "data(display)", "font-size": nodeFont, color: "#1d2228",
        "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "wrap", "text-max-width": 170, "line-height": 1.2,
        "text-background-color": "#ffffff", "text-background-opacity": 0.8, "text-background-padding": 1 } },
      { selector: "node[kind = 'event']", style: { "border-width": 2, "border-color": "#ffffff", width: 30, height: 30 } },
      { selector: "node.center", style: { "font-weight": "bold", "border-width": 4 } },
      { selector: "node.hidden, edge.hidden", style: { display: "none" } },
      { selector: "node:selected", style: { "border-color": "#f2a900", "border-width": 5, "overlay-opacity": 0 } },
      { selector: "edge", style: {
        width: 1.4, "line-color": "#b4bcc6", "target-arrow-color": "#b4bcc6", "target-arrow-shape": "triangle",
        "arrow-scale": 0.8, "curve-style": "bezier", label: "", "font-size": edgeFont, color: "#48525e",
        "text-rotation": "autorotate", "text-background-color": "#ffffff", "text-background-opacity": 0.85,
        "text-background-padding": 1 } },
      { selector: "edge.labelled", style: { label: "data(label)" } },
      { selector: "edge:selected", style: { "line-color": "#f2a900", "target-arrow-color": "#f2a900", width: 3 } },
    ],
  });

  // A caption "what and who · value · when" is drawn on two lines: the story, then value and date.
  function displayLabel(text) {
    const parts = String(text).split(" · ");
    return parts.length > 1 ? `${parts[0]}\n${parts.slice(1).join(" · ")}` : String(text);
  }

  function nodeData(node) {
    const style = styleOf(node.types);
    const kind = isEvent(node.types) ? "event" : isEntity(node.types) ? "entity" : "other";
    const label = node.label
      || (kind === "event" ? `${mostSpecific(node.types)}${node.date ? " · " + node.date : ""}` : node.name || node.id);
    return { id: node.id, label, display: displayLabel(label), name: node.name, types: node.types, date: node.date, kind,
             colour: style.colour, border: style.border, shape: style.shape, size: style.size };
  }

  function addSubgraph(subgraph) {
    const added = [];
    for (const node of subgraph.nodes) {
      if (cy.getElementById(node.id).empty()) added.push({ group: "nodes", data: nodeData(node) });
    }
    for (const edge of subgraph.edges) {
      const id = `${edge.source}|${edge.type}|${edge.target}`;
      if (cy.getElementById(id).empty()) {
        added.push({ group: "edges", data: { id, source: edge.source, target: edge.target, type: edge.type, label: humanise(edge.type) } });
      }
    }
    cy.add(added);
    return added.length;
  }

  const captionOf = (id) => {
    const node = cy.getElementById(id);
    return node.nonempty() ? node.data("label") : null;
  };

  // -- which nodes are drawn: the most relevant first ------------------------------------------

  const roots = []; // nodes the picture is about, in the order they were asked for
  const allowance = new Map(); // root -> how many nodes around it are drawn
  const asked = new Set(); // roots whose allowance the user raised ("Show more"): not shrunk to fit the window
  const pinned = new Set(); // nodes asked for by name (search, a link in the panel): always drawn

  function relevance(node) {
    const degree = Math.min(node.degree(false), 8) * 0.3;
    if (node.data("kind") !== "event") return 6 + degree;
    const weight = EVENT_WEIGHT[mostSpecific(node.data("types"))] ?? 4;
    return weight + degree + (node.data("date") ? 0.5 : 0) + (/[$€£¥]|\d(bn|m)\b/.test(node.data("label")) ? 1 : 0);
  }

  const byRelevance = (a, b) => relevance(b) - relevance(a) || (a.id() < b.id() ? -1 : a.id() > b.id() ? 1 : 0);

  // Everything reachable from the root, nearest first: each neighbour (most relevant first) followed by
  // its own neighbours, so an event comes with the actors and systems that tell its story.
  function orderAround(rootId) {
    const root = cy.getElementById(rootId);
    const seen = new Set([rootId]);
    const order = [];
    let frontier = [root];
    while (frontier.length) {
      const next = [];
      const firstRing = frontier.length === 1 && frontier[0] === root;
      for (const node of frontier) {
        const around = node.neighborhood("node").filter((n) => !seen.has(n.id())).sort(byRelevance);
        around.forEach((n) => seen.add(n.id()));
        if (firstRing) {
          for (const near of around) {
            order.push(near.id());
            const story = near.neighborhood("node").filter((n) => !seen.has(n.id())).sort(byRelevance);
            story.forEach((n) => { seen.add(n.id()); order.push(n.id()); next.push(n); });
            next.push(near);
          }
        } else {
          around.forEach((n) => { order.push(n.id()); next.push(n); });
        }
      }
      frontier = next;
    }
    return order;
  }

  function chooseVisible() {
    const visible = new Set(pinned);
    for (const root of roots) {
      visible.add(root);
      let added = 0;
      for (const id of orderAround(root)) {
        if (added >= allowance.get(root)) break;
        if (!visible.has(id)) { visible.add(id); added += 1; }
      }
    }
    if (!roots.length) cy.nodes().forEach((n) => visible.add(n.id()));
    cy.batch(() => cy.nodes().forEach((n) => n.toggleClass("hidden", !visible.has(n.id()))));
    const hidden = cy.nodes().length - visible.size;
    $("more").hidden = hidden <= 0;
    $("more").textContent = `Show more (${hidden} hidden)`;
    return hidden;
  }

  function addRoot(id, budget) {
    if (!allowance.has(id)) { roots.push(id); allowance.set(id, budget); }
  }

  function showMore() {
    for (const root of roots) {
      const order = orderAround(root);
      if (order.some((id) => cy.getElementById(id).hasClass("hidden"))) {
        allowance.set(root, allowance.get(root) + MORE_STEP);
        asked.add(root);
        break;
      }
    }
    layout();
  }

  // -- a layout that is the same for the same graph, with labels that do not overlap ----------

  function hashOf(text) { // FNV-1a, 32 bits
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193); }
    return h >>> 0;
  }

  function seededRandom(seed) { // mulberry32
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // The force layout draws random numbers; seeded from the ids it draws the same picture every time.
  function withSeed(seed, task) {
    const random = Math.random;
    Math.random = seededRandom(seed);
    try { return task(); } finally { Math.random = random; }
  }

  // New nodes start on rings around the first root, in the order of relevance, each ring's nodes next to the
  // neighbour that brought them in: a radial start the force layout only refines (few crossings, no chance).
  function placeNew(nodes) {
    const unplaced = nodes.filter((n) => !n.data("placed"));
    if (!unplaced.length) return;
    const anchorId = roots.find((r) => !cy.getElementById(r).empty()) || unplaced[0].id();
    const anchor = cy.getElementById(anchorId);
    if (!anchor.data("placed")) { anchor.position({ x: 0, y: 0 }); anchor.data("placed", true); }
    const centre = anchor.position();
    const rank = new Map(orderAround(anchorId).map((id, i) => [id, i]));
    const angleOf = (n) => Math.atan2(n.position("y") - centre.y, n.position("x") - centre.x);
    let ring = 1;
    let pending = unplaced.filter((n) => n.id() !== anchorId).sort((a, b) => (rank.get(a.id()) ?? 1e9) - (rank.get(b.id()) ?? 1e9)
      || (a.id() < b.id() ? -1 : 1));
    while (pending.length && ring < 12) {
      const now = pending.filter((n) => n.neighborhood("node").some((m) => m.data("placed")));
      const batch = now.length ? now : pending.slice(0, 1);
      const radius = 170 * ring;
      const children = new Map(); // parent id -> nodes placed next to it
      batch.forEach((node, i) => {
        const parent = node.neighborhood("node").filter((m) => m.data("placed"))
          .sort((a, b) => (rank.get(a.id()) ?? 1e9) - (rank.get(b.id()) ?? 1e9) || (a.id() < b.id() ? -1 : 1))[0];
        const key = !parent || parent.id() === anchorId ? anchorId : parent.id();
        if (!children.has(key)) children.set(key, []);
        children.get(key).push(node);
      });
      for (const [parentId, group] of children) {
        const around = parentId === anchorId;
        const base = around ? -Math.PI / 2 : angleOf(cy.getElementById(parentId));
        const spread = around ? 2 * Math.PI / group.length : Math.min(0.45, 1.6 / group.length);
        group.forEach((node, k) => {
          const angle = around ? base + k * spread : base + (k - (group.length - 1) / 2) * spread;
          const r = around ? radius : Math.hypot(cy.getElementById(parentId).position("x") - centre.x,
                                                 cy.getElementById(parentId).position("y") - centre.y) + 170;
          node.position({ x: centre.x + r * Math.cos(angle), y: centre.y + r * Math.sin(angle) });
          node.data("placed", true);
        });
      }
      const done = new Set(batch.map((n) => n.id()));
      pending = pending.filter((n) => !done.has(n.id()));
      ring += 1;
    }
  }

  // Push apart nodes whose boxes (shape and label) overlap, along the shorter way out, until none do.
  function separateLabels(nodes) {
    const fixed = roots[0];
    const items = nodes.map((n) => {
      const p = n.position();
      const bb = n.boundingBox({ includeLabels: true, includeOverlays: false, includeEdges: false });
      return { n, x: p.x, y: p.y, x1: bb.x1 - p.x - LABEL_GAP / 2, x2: bb.x2 - p.x + LABEL_GAP / 2,
               y1: bb.y1 - p.y - LABEL_GAP / 2, y2: bb.y2 - p.y + LABEL_GAP / 2, fixed: n.id() === fixed };
    });
    for (let round = 0; round < 400; round++) {
      let moved = false;
      for (let i = 0; i < items.length; i++) {
        for (let j = i + 1; j < items.length; j++) {
          const a = items[i], b = items[j];
          const ox = Math.min(a.x + a.x2, b.x + b.x2) - Math.max(a.x + a.x1, b.x + b.x1);
          const oy = Math.min(a.y + a.y2, b.y + b.y2) - Math.max(a.y + a.y1, b.y + b.y1);
          if (ox <= 0 || oy <= 0) continue;
          moved = true;
          const share = a.fixed ? [0, 1] : b.fixed ? [1, 0] : [0.5, 0.5];
          if (ox < oy) {
            const dir = (b.x + (b.x1 + b.x2) / 2) >= (a.x + (a.x1 + a.x2) / 2) ? 1 : -1;
            a.x -= dir * (ox + 0.5) * share[0]; b.x += dir * (ox + 0.5) * share[1];
          } else {
            const dir = (b.y + (b.y1 + b.y2) / 2) >= (a.y + (a.y1 + a.y2) / 2) ? 1 : -1;
            a.y -= dir * (oy + 0.5) * share[0]; b.y += dir * (oy + 0.5) * share[1];
          }
        }
      }
      if (!moved) break;
    }
    cy.batch(() => items.forEach((it) => it.n.position({ x: it.x, y: it.y })));
  }

  function fitView(eles) {
    cy.fit(eles, FIT_PADDING);
    if (cy.zoom() > MAX_FIT_ZOOM || cy.zoom() < READABLE_ZOOM) {
      // Too small to read: keep labels readable and let the rest of the picture be panned to.
      cy.zoom(Math.min(MAX_FIT_ZOOM, Math.max(READABLE_ZOOM, cy.zoom())));
      cy.center(eles);
    }
  }

  function updateFontScale() {
    const scale = Math.max(1, MIN_LABEL_PX / ((NODE_FONT - 1) * cy.zoom()));
    const edgeScale = Math.max(1, MIN_EDGE_LABEL_PX / (EDGE_FONT * cy.zoom()));
    if (Math.abs(scale - fontScale) < 0.01 && Math.abs(edgeScale - edgeFontScale) < 0.01) return false;
    fontScale = scale;
    edgeFontScale = edgeScale;
    cy.style().update();
    return true;
  }

  // Squares covering an edge's label, written along the edge at its middle.
  function labelSquares(edge) {
    const box = edge.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
    if (!box.w) return [];
    const from = edge.source().position(), to = edge.target().position();
    const angle = Math.atan2(to.y - from.y, to.x - from.x);
    const cos = Math.abs(Math.cos(angle)), sin = Math.abs(Math.sin(angle));
    const h = parseFloat(edge.style("font-size")) * 1.25;
    const w = Math.max(h, cos > 0.5 ? (box.w - h * sin) / cos : (box.h - h * cos) / sin);
    const mid = { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2 };
    const steps = Math.max(1, Math.ceil(w / h));
    const squares = [];
    for (let k = 0; k <= steps; k++) {
      const d = -w / 2 + (w * k) / steps;
      const x = mid.x + Math.cos(angle) * d, y = mid.y + Math.sin(angle) * d;
      squares.push({ x1: x - h / 2, x2: x + h / 2, y1: y - h / 2, y2: y + h / 2 });
    }
    return squares;
  }

  function labelEdges() {
    const edges = cy.edges().filter((e) => !e.hasClass("hidden") && e.source().visible() && e.target().visible());
    const all = edges.length <= EDGE_LABELS_UP_TO;
    // A hub's own roles would cover its neighbours' captions: they are written out only for a node of few edges.
    const own = cy.nodes(":selected").connectedEdges(":visible");
    const chosen = own.length <= SELECTED_EDGE_LABELS ? own : cy.collection();
    cy.batch(() => cy.edges().forEach((e) => e.toggleClass("labelled", all || chosen.contains(e))));
    // A role written over a node or a caption (or over another role) hides both: it is left out there
    // (the panel lists every role). A role is written along its edge, so it is tested as a row of small
    // squares along that line, not as the much larger upright box around it.
    const taken = cy.nodes(":visible").flatMap((n) => [n.boundingBox({ includeLabels: false, includeEdges: false }),
      n.boundingBox({ includeNodes: false, includeLabels: true, includeEdges: false })]).filter((box) => box.w > 0);
    const hide = [];
    cy.edges(".labelled").sort((a, b) => (a.id() < b.id() ? -1 : 1)).forEach((e) => {
      const squares = labelSquares(e);
      const hits = (p) => taken.some((t) => p.x2 > t.x1 && p.x1 < t.x2 && p.y2 > t.y1 && p.y1 < t.y2);
      if (!squares.length || squares.some(hits)) hide.push(e);
      else taken.push(...squares);
    });
    cy.batch(() => hide.forEach((e) => e.removeClass("labelled")));
  }

  function showNote() {
    const shown = cy.nodes(":visible");
    const note = $("graph-note");
    if (shown.length === 1 && shown.connectedEdges().length === 0) {
      const name = shown[0].data("label");
      note.textContent = `${name} has no relationships in the graph yet: no event or relation links it to anything else.`;
      note.hidden = false;
    } else {
      note.hidden = true;
    }
  }

  // Lays out what chooseVisible() picked: a force layout seeded from the ids, then label boxes pushed apart.
  function arrange() {
    const visible = cy.nodes(":visible");
    placeNew(cy.nodes());
    const eles = visible.union(visible.edgesWith(visible));
    const seed = hashOf(visible.map((n) => n.id()).sort().join("\n"));
    withSeed(seed, () => eles.layout({
      name: "cose", animate: false, randomize: false, fit: false, nodeDimensionsIncludeLabels: false,
      nodeRepulsion: () => 9000, idealEdgeLength: () => 90, nodeOverlap: 10, gravity: 1.5, numIter: 2000,
      componentSpacing: 60,
    }).run());
    separateLabels(visible);
    return visible;
  }

  // The picture must fit the window with readable labels: a hub drawn at its first budget that would
  // not fit is drawn with fewer of its least relevant nodes (the rest stay behind "Show more").
  function fitZoom(visible) {
    const box = visible.boundingBox({ includeLabels: true, includeEdges: false });
    return Math.min((cy.width() - 2 * FIT_PADDING) / Math.max(1, box.w), (cy.height() - 2 * FIT_PADDING) / Math.max(1, box.h));
  }

  const fits = (visible) => fitZoom(visible) >= READABLE_ZOOM;

  // A small picture is spread out to use the window (labels keep their size, so none comes to overlap):
  // room between nodes for the roles written on the edges.
  function spread(visible) {
    const factor = Math.min(1.8, fitZoom(visible) / MAX_FIT_ZOOM);
    if (factor <= 1.05) return;
    const centre = cy.getElementById(roots[0] || visible[0].id()).position();
    const c = { x: centre.x, y: centre.y };
    cy.batch(() => visible.forEach((n) => {
      const p = n.position();
      n.position({ x: c.x + (p.x - c.x) * factor, y: c.y + (p.y - c.y) * factor });
    }));
  }

  // ``fresh``: lay everything out anew (the same nodes give the same picture); otherwise the nodes already
  // drawn start where they are and only the new ones are placed (expanding a node keeps the picture steady).
  function layout(fresh = true) {
    $("graph-hint").hidden = cy.nodes().length > 0;
    fontScale = 1;
    edgeFontScale = 1;
    cy.style().update();
    chooseVisible();
    renderLegend();
    cy.resize(); // the legend below the graph may have grown a line
    if (!cy.nodes(":visible").length) { showNote(); return; }
    if (fresh) cy.nodes().forEach((n) => n.data("placed", false));
    const selected = cy.nodes(":selected");
    selected.unselect(); // a selected node's thicker border must not move its neighbours
    let visible = arrange();
    for (let round = 0; round < 6 && !fits(visible); round++) {
      const root = roots.find((r) => !asked.has(r) && allowance.get(r) > MIN_AUTO_BUDGET);
      if (!root) break;
      allowance.set(root, Math.max(MIN_AUTO_BUDGET, Math.floor(allowance.get(root) * 0.8)));
      chooseVisible();
      renderLegend();
      cy.nodes().forEach((n) => n.data("placed", false)); // a fresh layout of the smaller picture
      visible = arrange();
    }
    if (fresh) spread(visible);
    showNote();
    fitView(visible);
    selected.select();
    updateFontScale();
    labelEdges();
  }

  cy.on("zoom", () => { if (updateFontScale()) labelEdges(); });
  cy.on("select unselect", "node", () => labelEdges());

  function renderLegend() {
    const seen = new Map();
    cy.nodes().filter((n) => !n.hasClass("hidden")).forEach((n) => {
      const type = mostSpecific(n.data("types"));
      if (!seen.has(type)) seen.set(type, n.data("kind"));
    });
    $("legend").replaceChildren(...[...seen.entries()].sort().map(([type, kind]) =>
      el("li", {}, el("span", { class: `swatch ${kind}`, style: `background:${styleOf([type]).colour}` }), type)));
  }

  let busy = 0;
  async function work(label, task) {
    busy += 1;
    document.body.dataset.busy = String(busy);
    setStatus(label);
    try {
      const result = await task();
      setStatus("");
      return result;
    } catch (error) {
      setStatus(error.message, true);
      return null;
    } finally {
      busy -= 1;
      document.body.dataset.busy = String(busy);
    }
  }

  async function expand(id, kindHint) {
    const node = cy.getElementById(id);
    const kind = node.nonempty() ? node.data("kind") : kindHint || "entity";
    if (kind === "other" || (node.nonempty() && node.data("expanded"))) return;
    const subgraph = await work("Loading neighbours…", () => source.neighbours(id, kind));
    if (!subgraph) return;
    if (!subgraph.nodes.some((n) => n.id === id) && cy.getElementById(id).empty()) {
      // Nothing links to it: draw it alone (the picture then says so).
      const detail = await work("Loading…", () => (kind === "event" ? source.event(id) : source.entity(id)));
      if (detail) subgraph.nodes.push({ id, name: detail.name, types: detail.types, date: detail.date });
    }
    const first = roots.length === 0;
    const added = addSubgraph(subgraph);
    cy.getElementById(id).data("expanded", true);
    addRoot(id, first ? FIRST_BUDGET : MORE_STEP);
    if (first) cy.getElementById(id).addClass("center");
    if (added || first) layout(first);
    if (subgraph.truncated) setStatus("Only part of the neighbourhood is shown (limit reached).");
  }

  // Draw a node that is in the graph but hidden (a link in the panel, a search hit), and what it needs to be read.
  function reveal(id) {
    const node = cy.getElementById(id);
    if (node.empty()) return;
    pinned.add(id); // asked for, so kept drawn by every later layout, not only the next one
    if (node.hasClass("hidden")) layout();
  }

  async function focus(id, kindHint) {
    if (cy.getElementById(id).empty()) await expand(id, kindHint);
    reveal(id);
    const node = cy.getElementById(id);
    if (node.empty()) return;
    cy.elements().unselect();
    node.select();
    const p = node.renderedPosition();
    const margin = 40;
    if (p.x < margin || p.y < margin || p.x > cy.width() - margin || p.y > cy.height() - margin) {
      cy.animate({ center: { eles: node } }, { duration: 200 }); // only when it is out of sight: keep the picture steady
    }
    await showDetails(node);
  }

  cy.on("tap", "node", async (event) => {
    const node = event.target;
    cy.elements().unselect();
    node.select();
    const hiddenAround = node.neighborhood("node.hidden").length > 0;
    if (node.data("expanded") && hiddenAround) { // a picture's node with neighbours left out: draw them
      addRoot(node.id(), MORE_STEP);
      layout();
    }
    await Promise.all([showDetails(node), expand(node.id())]);
  });

  // -- the side panel ------------------------------------------------------------------------

  function typeChips(types) {
    return el("div", { class: "types" }, (types || []).map((t) =>
      el("span", { class: "type", style: `background:${styleOf([t]).colour};color:${styleOf([t]).text}`, text: t })));
  }

  function nodeLink(id, name, kind) {
    return el("button", { type: "button", class: "node-link", "data-node": id, onclick: () => focus(id, kind) }, name || id);
  }

  function props(entries) {
    const rows = entries.filter(([, v]) => v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && !v.length));
    if (!rows.length) return null;
    return el("dl", { class: "props" }, rows.flatMap(([k, v]) => [el("dt", { text: k }),
      el("dd", { text: Array.isArray(v) ? v.join(", ") : typeof v === "object" ? JSON.stringify(v) : String(v) })]));
  }

  function section(title, content) {
    if (!content || (Array.isArray(content) && !content.length)) return null;
    return [el("h3", { text: title }), content];
  }

  function evidenceList(evidence) {
    return (evidence || []).map((e) => {
      const url = e.url && safeUrl(e.url);
      const apiLink = source.sourceLink(e.source_id);
      return el("div", { class: "evidence" },
        el("blockquote", { class: "evidence-sentence", text: e.sentence }),
        el("div", { class: "evidence-source" },
          url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer", class: "source-link" }, e.source_title || url)
              : el("span", {}, e.source_title || e.source_id),
          e.publication_date ? ` · ${e.publication_date}` : "",
          " · ",
          apiLink ? el("a", { href: apiLink, target: "_blank", class: "source-id" }, e.source_id) : el("span", { class: "source-id" }, e.source_id),
          e.method ? ` · ${e.method}` : "",
          e.confidence !== null && e.confidence !== undefined ? ` · confidence ${e.confidence}` : ""));
    });
  }

  function renderPanel(...children) {
    $("panel").classList.remove("deal");
    $("panel").replaceChildren(...children.flat(2).filter(Boolean));
    $("panel").scrollTop = 0;
  }

  // The deal view (deal-view.js) draws with these helpers and this page's data source.
  const deals = window.kgDealView({ el, section, nodeLink, renderPanel, formatAmount, safeUrl, work, setStatus, source,
                                    expand, live: boot.mode === "api", unselect: () => cy.elements().unselect() });
  // Only actors and weapon systems are parties to a deal.
  const canBeParty = (types) => (types || []).some((t) => t === "Actor" || t === "WeaponSystem");

  async function showDetails(node) {
    const data = node.data();
    if (data.kind === "event") {
      const detail = await work("Loading event…", () => source.event(data.id));
      if (detail && node.selected()) renderEvent(detail);
    } else if (data.kind === "entity") {
      // A failed deal list must not hide the entity: the panel is shown without it.
      const party = canBeParty(data.types) ? source.deals(data.id).catch(() => null) : Promise.resolve(null);
      const [detail, timeline, found] = (await work("Loading entity…", () => Promise.all([source.entity(data.id), source.timeline(data.id), party]))) || [];
      if (detail && node.selected()) renderEntity(detail, timeline || [], found);
    } else if ((data.types || []).includes("Deal") && deals.canOpen) {
      await deals.open(data.id, null, () => node.selected());
    } else {
      renderPanel(el("h2", { text: data.label }), typeChips(data.types), el("div", { class: "id", text: data.id }),
                  props([["date", data.date]]));
    }
  }

  function renderEvent(d) {
    renderPanel(
      el("h2", { text: captionOf(d.id) || `${mostSpecific(d.types)}${d.date ? " · " + d.date : ""}` }),
      typeChips(d.types),
      el("div", { class: "id", text: d.id }),
      section("Facts", props([
        ["date", d.date && `${d.date}${d.date_precision ? ` (${d.date_precision})` : ""}`], ["until", d.end_date],
        ["value", formatAmount(d.amount, d.currency)], ["quantity", d.quantity], ["status", d.status],
        ["modality", d.modality], ["description", d.description], ["quote", d.quote]])),
      section("Deal", d.deal ? el("p", { class: "deal" }, deals.link(d.deal.id, d.deal.name)) : null),
      section("Participants", d.participants.length ? el("ul", { class: "plain" }, d.participants.map((p) =>
        el("li", {}, el("span", { class: "muted" }, `${p.role}: `), nodeLink(p.id, p.name), ` (${mostSpecific(p.types)})`))) : null),
      section("Systems", d.systems.length ? el("ul", { class: "plain" }, d.systems.map((s) => el("li", {}, nodeLink(s.id, s.name)))) : null),
      section("Items", (d.line_items || []).length ? el("ul", { class: "plain items" }, d.line_items.map((t) => el("li", { text: t }))) : null),
      section("Record", (d.details || []).length ? el("ul", { class: "plain details" }, d.details.map((t) => el("li", { text: t }))) : null),
      section("Places", d.places.length ? el("ul", { class: "plain" }, d.places.map((s) => el("li", {}, nodeLink(s.id, s.name)))) : null),
      section("Part of", d.part_of.length ? el("ul", { class: "plain" }, d.part_of.map((s) =>
        el("li", {}, nodeLink(s.id, captionOf(s.id) || `${mostSpecific(s.types)} ${s.date || ""}`, "event")))) : null),
      section("Stages", d.stages.length ? el("ul", { class: "plain" }, d.stages.map((s) =>
        el("li", {}, nodeLink(s.id, captionOf(s.id) || `${mostSpecific(s.types)} ${s.date || ""}`, "event"),
          !captionOf(s.id) && s.amount ? ` · ${formatAmount(s.amount, s.currency)}` : ""))) : null),
      section("Evidence", evidenceList(d.evidence)),
    );
  }

  function renderEntity(d, timeline, found) {
    renderPanel(
      el("h2", { text: d.name }),
      typeChips(d.types),
      el("div", { class: "id", text: d.id }),
      section("Properties", props([...Object.entries(d.properties), ["aliases", d.aliases], ["names used by sources", d.source_names]])),
      section("Posts", d.posts.length ? el("ul", { class: "plain" }, d.posts.map((p) => el("li", {}, p.title,
        p.organization ? [" · ", nodeLink(p.organization, p.organization_name)] : "",
        p.start_date ? ` · from ${p.start_date}` : "", p.end_date ? ` to ${p.end_date}` : ""))) : null),
      section("Timeline", timeline.length ? el("ul", { class: "timeline" }, timeline.map((t) => el("li", {},
        el("span", { class: "date" }, t.date || "undated"), " ",
        nodeLink(t.event, (captionOf(t.event) || t.type).split(" · ")[0], "event"),
        el("span", { class: "muted" }, ` as ${(t.roles || []).map(humanise).join(", ")}`),
        t.value ? ` · ${formatAmount(t.value, t.currency)}` : "",
        (t.others || []).length ? el("div", { class: "muted with" }, "with ", (t.others || []).map((o, i) =>
          [i ? ", " : "", nodeLink(o.id, o.name || o.id), ` (${humanise(o.role)})`])) : null,
        t.description ? el("div", { text: t.description }) : null))) : null),
      section("Relations", d.relations.length ? el("ul", { class: "plain" }, d.relations.map((r) => el("li", {},
        el("span", { class: "muted" }, r.direction === "out" ? `${humanise(r.type)} → ` : `← ${humanise(r.type)} `),
        nodeLink(r.id, r.name)))) : null),
      section("Deals", deals.listFor(found)),
      section("Evidence", evidenceList(d.evidence)),
    );
  }

  // -- search ----------------------------------------------------------------------------------

  let searchSeq = 0;
  async function runSearch(q) {
    const seq = ++searchSeq;
    const list = $("results");
    if (!q.trim()) {
      list.hidden = true;
      return [];
    }
    const hits = (await work("Searching…", () => source.search(q))) || [];
    if (seq !== searchSeq) return hits;
    list.replaceChildren(...(hits.length ? hits.map((h) => el("li", { role: "option" },
      el("button", { type: "button", "data-entity": h.id, onclick: () => choose(h.id) },
        el("span", { class: "swatch", style: `background:${styleOf(h.types).colour}` }),
        el("strong", { text: h.name }), el("span", { class: "muted", text: mostSpecific(h.types) })))) :
      [el("li", { class: "none", text: `Nothing found for “${q}”` })]));
    list.hidden = false;
    return hits;
  }

  async function choose(id, kindHint) {
    $("results").hidden = true;
    await expand(id, kindHint);
    await focus(id, kindHint);
  }

  let timer = null;
  $("search").addEventListener("input", (e) => {
    clearTimeout(timer);
    timer = setTimeout(() => runSearch(e.target.value), 200);
  });
  $("search-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    clearTimeout(timer);
    const hits = await runSearch($("search").value);
    if (hits.length) await choose(hits[0].id);
  });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") $("results").hidden = true; });
  $("fit").addEventListener("click", () => cy.fit(undefined, 40));
  $("relayout").addEventListener("click", () => layout());
  $("more").addEventListener("click", () => showMore());
  $("clear").addEventListener("click", () => {
    cy.elements().remove();
    roots.length = 0;
    allowance.clear();
    pinned.clear();
    layout();
    renderPanel(el("p", { class: "empty", text: "Nothing selected." }));
  });

  // -- start -----------------------------------------------------------------------------------

  window.kgExplorer = { cy, focus, expand, search: runSearch, showMore, openDeal: deals.open, minLabelPx: MIN_LABEL_PX, minEdgeLabelPx: MIN_EDGE_LABEL_PX };
  if (boot.mode === "embedded") {
    addSubgraph(boot.subgraph);
    cy.nodes().forEach((n) => n.data("expanded", true));
    cy.getElementById(boot.center).addClass("center");
    addRoot(boot.center, FIRST_BUDGET);
    layout();
    focus(boot.center);
  } else {
    const params = new URLSearchParams(window.location.search);
    const wanted = params.get("id");
    if (wanted && wanted.startsWith("deal:")) deals.open(wanted, params.get("as_of")); // a deal opens the deal view
    else if (wanted) choose(wanted, wanted.startsWith("event:") ? "event" : undefined); // a link to an event opens the event
    $("search").focus();
  }
})();
