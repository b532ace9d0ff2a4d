/*
 * The deal view: one arms transfer as the sources tell it, stage by stage.
 *
 * A deal (GET /deals/{id}) is shown in the side panel: its name and parties, then its timeline of stages
 * in order, each with the claims that tell it (date, value, quantity, the source linked to its page, when
 * it was published, the evidence sentence), how well the stage is corroborated, where the sources
 * disagree, and, folded away, why each claim was linked to the deal; then the analysts' judgements.
 * The explorer (explore.js) builds it with its own DOM helpers and data source: this file defines
 * window.kgDealView(kit) and explore.js calls it once it has them, so it must be loaded first.
 * As in explore.js, text from the graph is only ever set as text, never parsed as HTML.
 */
window.kgDealView = function (kit) {
  "use strict";

  const { el, section, nodeLink, renderPanel, formatAmount, safeUrl, work, setStatus, source } = kit;
  const canOpen = kit.live; // a kg viz picture cannot ask for a deal: it names it, without a link

  // The stages in the order a deal goes through them (the API sends them in this order; this names them).
  const STAGE_NAMES = {
    requested: "Requested", notified: "Notified to Congress", approved: "Approved",
    order: "Ordered (no stage stated)", contracted: "Contracted", delivered: "Delivered",
    delayed: "Delayed", blocked: "Blocked", cancelled: "Cancelled",
  };
  const stageName = (stage) => STAGE_NAMES[stage] || stage;
  const typeName = (type) => String(type || "claim").replace(/([a-z])([A-Z])/g, "$1 $2"); // ContractAward -> Contract Award
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many || one + "s"}`;

  function dateRange(first, last) {
    if (!first && !last) return "undated";
    return !last || first === last ? first || last : `${first} – ${last}`;
  }

  // -- links to a deal, from the event and entity panels -----------------------------------------

  function link(id, name) {
    if (!canOpen) return el("span", { class: "deal-name", "data-deal": id }, name || id);
    return el("a", { href: `?id=${encodeURIComponent(id)}`, class: "deal-link", "data-deal": id,
      onclick: (event) => { event.preventDefault(); open(id); } }, name || id);
  }

  // The entity panel's "Deals": those the entity is a party to (buyer, seller, contractor or system).
  function listFor(found) {
    if (!found || !found.deals || !found.deals.length) return null;
    const items = found.deals.map((d) => el("li", {},
      link(d.id, d.name),
      el("div", { class: "muted" }, [dateRange(d.firstDate, d.lastDate), (d.stages || []).map(stageName).join(" → "),
        plural(d.claimCount, "claim"), plural(d.sourceCount, "source")].filter(Boolean).join(" · "))));
    const more = found.next ? el("li", { class: "muted" }, `… and more (${found.count} in all)`) : null;
    return el("ul", { class: "plain deals" }, items, more);
  }

  // -- the view ----------------------------------------------------------------------------------

  function sourceOf(claim) {
    const s = claim.source || {};
    const url = s.url && safeUrl(s.url);
    const title = s.title || s.id || "unknown source";
    return el("div", { class: "claim-source" },
      url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer", class: "source-link" }, title)
          : el("span", { class: "source-title" }, title),
      s.publicationDate ? ` · published ${s.publicationDate}` : "",
      claim.relays ? ` · relays ${claim.relays}` : "");
  }

  function whyLinked(claim) {
    const score = typeof claim.score === "number" ? ` (score ${claim.score.toFixed(2)})` : "";
    const reasons = claim.reasons || [];
    return el("details", { class: "why-linked" },
      el("summary", {}, `why linked${score}`),
      reasons.length ? el("ul", { class: "plain reasons" }, reasons.map((r) => el("li", { text: r })))
                     : el("p", { class: "muted", text: "No reasons: a claim alone in its deal is linked to nothing." }));
  }

  function claimView(claim) {
    const facts = [
      formatAmount(claim.amount, claim.currency),
      claim.quantity !== null && claim.quantity !== undefined ? `quantity ${claim.quantity}` : null,
    ].filter(Boolean);
    return el("li", { class: "claim", "data-claim": claim.id },
      el("div", { class: "claim-facts" },
        el("span", { class: "date" }, claim.date || "undated"), " ",
        nodeLink(claim.id, typeName(claim.type), "event"),
        facts.length ? el("span", { class: "claim-value" }, ` · ${facts.join(" · ")}`) : ""),
      sourceOf(claim),
      claim.sentence ? el("blockquote", { class: "evidence-sentence", text: claim.sentence }) : null,
      whyLinked(claim));
  }

  function corroboration(stage) {
    const c = stage.corroboration || { sources: 0, independent: 0, relayed: [] };
    const titles = new Map(stage.claims.map((x) => [x.source && x.source.id, x.source && x.source.title]));
    const relayed = (c.relayed || []).map((r) => `${titles.get(r.source) || r.source} relays ${r.outlet}`);
    return el("div", { class: "corroboration" },
      `${plural(c.sources, "source")} · ${c.independent} independent`,
      relayed.length ? el("span", { class: "muted" }, ` (${relayed.join("; ")})`) : "");
  }

  // Each side of a disagreement: the value and the sources that give it.
  function contradictions(stage) {
    const found = stage.contradictions || [];
    if (!found.length) return null;
    const titles = new Map(stage.claims.map((x) => [x.source && x.source.id, x.source && x.source.title]));
    const shown = (field, value) => { // an amount comes as "1160000000 USD": read as "$1,160,000,000"
      const amount = field === "amount" && /^(\d+(?:\.\d+)?)(?: ([A-Z]{3}))?$/.exec(String(value));
      return amount ? formatAmount(Number(amount[1]), amount[2] || null) : value;
    };
    return el("ul", { class: "plain contradictions" }, found.map((c) => el("li", {},
      el("strong", {}, `Sources disagree on the ${c.field}: `),
      c.sides.map((side, i) => [i ? " vs " : "", el("span", { class: "side" }, shown(c.field, side.value)),
        ` (${(side.sources || []).map((s) => titles.get(s) || s).join(", ")})`]))));
  }

  function stageView(stage) {
    return el("li", { class: "stage", "data-stage": stage.stage },
      el("h4", { class: "stage-name" }, stageName(stage.stage)),
      el("div", { class: "stage-dates muted" }, dateRange(stage.firstDate, stage.lastDate)),
      corroboration(stage),
      contradictions(stage),
      el("ul", { class: "claims" }, stage.claims.map(claimView)));
  }

  function parties(deal) {
    const rows = [["recipients", deal.recipients], ["suppliers", deal.suppliers], ["contractors", deal.contractors],
                  ["systems", deal.systems]].filter(([, list]) => list && list.length);
    if (!rows.length) return null;
    return el("dl", { class: "props parties" }, rows.flatMap(([label, list]) => [el("dt", { text: label }),
      el("dd", { "data-role": label }, list.map((p, i) => [i ? ", " : "", nodeLink(p.id, p.name)]))]));
  }

  function judgements(list) {
    if (!list || !list.length) return el("p", { class: "muted judgements-none", text: "No analyst has judged a pair of these claims." });
    return el("ul", { class: "plain judgements" }, list.map((j) => el("li", {},
      nodeLink(j.claimA, j.claimA, "event"), " and ", nodeLink(j.claimB, j.claimB, "event"), ": ",
      el("strong", {}, j.sameDeal ? "the same deal" : "different deals"),
      j.judgedBy ? ` · by ${j.judgedBy}` : "", j.judgedAt ? ` · ${j.judgedAt}` : "",
      j.note ? el("div", { class: "muted", text: j.note }) : null)));
  }

  // Reported time: the deal as the sources published by a date told it.
  function asOfForm(deal) {
    const input = el("input", { type: "date", name: "as_of", value: deal.asOf || "" });
    return el("form", { class: "as-of", onsubmit: (event) => { event.preventDefault(); open(deal.id, input.value || null); } },
      el("label", {}, "As reported by ", input), " ",
      el("button", { type: "submit" }, "Show"), " ",
      deal.asOf ? el("button", { type: "button", onclick: () => open(deal.id, null) }, "Latest") : null);
  }

  // The graph beside the view draws the deal's claims with their participants (a few: a long deal stays readable).
  const DRAWN_CLAIMS = 8;
  async function draw(deal) {
    const ids = (deal.timeline || []).flatMap((stage) => stage.claims.map((claim) => claim.id));
    for (const id of ids.slice(0, DRAWN_CLAIMS)) await kit.expand(id, "event");
  }

  function render(deal) {
    const summary = [["stages", (deal.stages || []).map(stageName).join(" → ")], ["dates", dateRange(deal.firstDate, deal.lastDate)],
                     ["claims", deal.claimCount], ["sources", deal.sourceCount]];
    renderPanel(el("div", { class: "deal-view", "data-deal": deal.id },
      el("div", { class: "kind", text: deal.asOf ? `Deal, as reported by ${deal.asOf}` : "Deal" }),
      el("h2", { class: "deal-name", text: deal.name }),
      el("div", { class: "id", text: deal.id }),
      asOfForm(deal),
      el("button", { type: "button", class: "draw-deal", onclick: () => draw(deal) }, "Draw its claims in the graph"),
      el("dl", { class: "props" }, summary.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: String(v) })])),
      section("Parties", parties(deal)),
      section("Timeline", el("ol", { class: "deal-timeline" }, (deal.timeline || []).map(stageView))),
      section("Judgements", judgements(deal.judgements))));
    document.getElementById("panel").classList.add("deal");
  }

  function renderMissing(id, error) {
    const notFound = error && error.status === 404;
    renderPanel(el("div", { class: "deal-view missing", "data-deal": id },
      el("h2", { text: notFound ? "Deal not found" : "The deal could not be read" }),
      el("p", { class: "not-found" }, notFound ? `The graph holds no deal “${id}”.` : `Reading deal “${id}” failed.`),
      error && error.message ? el("p", { class: "muted", text: error.message }) : null,
      el("p", { class: "muted", text: "Deals are listed in the panel of an entity that is a party to them, and linked from the events that tell them." })));
    document.getElementById("panel").classList.add("deal");
  }

  let latest = 0;
  // ``stillWanted``: the deal's node was clicked in the graph, and the view is shown if it is still selected
  // when the deal arrives. Otherwise the graph's selection is cleared, so that a node's details still
  // loading do not replace the deal.
  async function open(id, asOf, stillWanted = null) {
    const seq = ++latest;
    if (!stillWanted) kit.unselect();
    let failure = null;
    const deal = await work("Loading deal…", () => source.deal(id, asOf).catch((error) => { failure = error; return null; }));
    if (seq !== latest || (stillWanted && !stillWanted())) return;
    if (deal) render(deal);
    else {
      renderMissing(id, failure);
      setStatus("");
    }
  }

  return { link, listFor, open, canOpen };
};
