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
    for (const child of children.flat()) {
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
      if (!response.ok) throw new Error(body.detail || body.title || `${response.status} ${response.statusText}`);
      return body;
    }
    const enc = encodeURIComponent;
    return {
      search: async (q) => (await get(`/entities?q=${enc(q)}&limit=12`)).items,
      entity: (id) => get(`/entities/${enc(id)}`),
      event: (id) => get(`/events/${enc(id)}`),
      neighbours: (id, kind) => get(kind === "event" ? `/events/${enc(id)}/neighbors?depth=1` : `/entities/${enc(id)}/neighbors?depth=1`),
      timeline: async (id) => (await get(`/entities/${enc(id)}/events?limit=200`)).items,
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
      sourceLink: () => null,
    };
  }

  const source = boot.mode === "api" ? apiSource() : embeddedSource();

  // -- the graph ----------------------------------------------------------------------------

  const cy = cytoscape({
    container: $("graph"),
    wheelSensitivity: 0.3,
    minZoom: 0.15,
    maxZoom: 3,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", "border-color": "data(border)", "border-width": 2, shape: "data(shape)",
        width: "data(size)", height: "data(size)", label: "data(label)", "font-size": 11, color: "#1d2228",
        "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "wrap", "text-max-width": 140,
        "text-background-color": "#ffffff", "text-background-opacity": 0.75, "text-background-padding": 1 } },
      { selector: "node[kind = 'event']", style: { "border-style": "double", "border-width": 4, "font-size": 10, "font-style": "italic" } },
      { selector: "node[?expanded]", style: { "border-color": "#17324d" } },
      { selector: "node:selected", style: { "border-color": "#f2a900", "border-width": 5, "overlay-opacity": 0 } },
      { selector: "edge", style: {
        width: 1.6, "line-color": "#a9b3be", "target-arrow-color": "#a9b3be", "target-arrow-shape": "triangle",
        "curve-style": "bezier", label: "data(label)", "font-size": 9, color: "#48525e", "text-rotation": "autorotate",
        "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 1 } },
      { selector: "edge:selected", style: { "line-color": "#f2a900", "target-arrow-color": "#f2a900", width: 3 } },
    ],
  });

  function nodeData(node) {
    const style = styleOf(node.types);
    const kind = isEvent(node.types) ? "event" : isEntity(node.types) ? "entity" : "other";
    const label = kind === "event"
      ? `${mostSpecific(node.types)}${node.date ? " " + node.date : ""}`
      : node.name || node.id;
    return { id: node.id, label, name: node.name, types: node.types, date: node.date, kind,
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

  function layout(randomize) {
    $("graph-hint").hidden = cy.nodes().length > 0;
    renderLegend();
    cy.resize(); // the legend below the graph may have grown a line
    if (!cy.nodes().length) return;
    cy.layout({ name: "cose", animate: false, randomize: Boolean(randomize), nodeRepulsion: () => 9000,
                idealEdgeLength: () => 90, padding: 40, fit: true }).run();
  }

  function renderLegend() {
    const seen = new Map();
    cy.nodes().forEach((n) => {
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
    const first = cy.nodes().length === 0;
    const added = addSubgraph(subgraph);
    cy.getElementById(id).data("expanded", true);
    if (added) layout(first);
    if (subgraph.truncated) setStatus("Only part of the neighbourhood is shown (limit reached).");
  }

  async function focus(id, kindHint) {
    if (cy.getElementById(id).empty()) await expand(id, kindHint);
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
    $("panel").replaceChildren(...children.flat(2).filter(Boolean));
    $("panel").scrollTop = 0;
  }

  async function showDetails(node) {
    const data = node.data();
    if (data.kind === "event") {
      const detail = await work("Loading event…", () => source.event(data.id));
      if (detail && node.selected()) renderEvent(detail);
    } else if (data.kind === "entity") {
      const [detail, timeline] = (await work("Loading entity…", () => Promise.all([source.entity(data.id), source.timeline(data.id)]))) || [];
      if (detail && node.selected()) renderEntity(detail, timeline || []);
    } else {
      renderPanel(el("h2", { text: data.label }), typeChips(data.types), el("div", { class: "id", text: data.id }),
                  props([["date", data.date]]));
    }
  }

  function renderEvent(d) {
    renderPanel(
      el("h2", { text: `${mostSpecific(d.types)}${d.date ? " · " + d.date : ""}` }),
      typeChips(d.types),
      el("div", { class: "id", text: d.id }),
      section("Facts", props([
        ["date", d.date && `${d.date}${d.date_precision ? ` (${d.date_precision})` : ""}`], ["until", d.end_date],
        ["value", formatAmount(d.amount, d.currency)], ["quantity", d.quantity], ["status", d.status],
        ["modality", d.modality], ["description", d.description], ["quote", d.quote]])),
      section("Participants", d.participants.length ? el("ul", { class: "plain" }, d.participants.map((p) =>
        el("li", {}, el("span", { class: "muted" }, `${p.role}: `), nodeLink(p.id, p.name), ` (${mostSpecific(p.types)})`))) : null),
      section("Systems", d.systems.length ? el("ul", { class: "plain" }, d.systems.map((s) => el("li", {}, nodeLink(s.id, s.name)))) : null),
      section("Places", d.places.length ? el("ul", { class: "plain" }, d.places.map((s) => el("li", {}, nodeLink(s.id, s.name)))) : null),
      section("Part of", d.part_of.length ? el("ul", { class: "plain" }, d.part_of.map((s) =>
        el("li", {}, nodeLink(s.id, `${mostSpecific(s.types)} ${s.date || ""}`, "event")))) : null),
      section("Stages", d.stages.length ? el("ul", { class: "plain" }, d.stages.map((s) =>
        el("li", {}, nodeLink(s.id, `${mostSpecific(s.types)} ${s.date || ""}`, "event"), s.amount ? ` · ${formatAmount(s.amount, s.currency)}` : ""))) : null),
      section("Evidence", evidenceList(d.evidence)),
    );
  }

  function renderEntity(d, timeline) {
    renderPanel(
      el("h2", { text: d.name }),
      typeChips(d.types),
      el("div", { class: "id", text: d.id }),
      section("Properties", props([...Object.entries(d.properties), ["aliases", d.aliases], ["names used by sources", d.source_names]])),
      section("Posts", d.posts.length ? el("ul", { class: "plain" }, d.posts.map((p) => el("li", {}, p.title,
        p.organization ? [" · ", nodeLink(p.organization, p.organization_name)] : "",
        p.start_date ? ` · from ${p.start_date}` : "", p.end_date ? ` to ${p.end_date}` : ""))) : null),
      section("Timeline", timeline.length ? el("ul", { class: "timeline" }, timeline.map((t) => el("li", {},
        el("span", { class: "date" }, t.date || "undated"),
        nodeLink(t.event, t.type, "event"),
        el("span", { class: "muted" }, ` as ${(t.roles || []).map(humanise).join(", ")}`),
        t.value ? ` · ${formatAmount(t.value, t.currency)}` : "",
        (t.others || []).length ? el("div", { class: "muted" }, "with ", (t.others || []).map((o, i) =>
          [i ? ", " : "", `${humanise(o.role)} `, nodeLink(o.id, o.name)])) : null,
        t.description ? el("div", { text: t.description }) : null))) : null),
      section("Relations", d.relations.length ? el("ul", { class: "plain" }, d.relations.map((r) => el("li", {},
        el("span", { class: "muted" }, r.direction === "out" ? `${humanise(r.type)} → ` : `← ${humanise(r.type)} `),
        nodeLink(r.id, r.name)))) : null),
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

  async function choose(id) {
    $("results").hidden = true;
    await expand(id);
    await focus(id);
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
  $("relayout").addEventListener("click", () => layout(true));
  $("clear").addEventListener("click", () => { cy.elements().remove(); layout(); renderPanel(el("p", { class: "empty", text: "Nothing selected." })); });

  // -- start -----------------------------------------------------------------------------------

  window.kgExplorer = { cy, focus, expand, search: runSearch };
  if (boot.mode === "embedded") {
    addSubgraph(boot.subgraph);
    cy.nodes().forEach((n) => n.data("expanded", true));
    layout(true);
    focus(boot.center);
  } else {
    const wanted = new URLSearchParams(window.location.search).get("id");
    if (wanted) choose(wanted);
    $("search").focus();
  }
})();
