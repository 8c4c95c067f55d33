// detente web page: timeline, map, article evidence, negotiation.
// Plain DOM only: every piece of stored text goes in through textContent or an attribute
// set with setAttribute, never as HTML. Links are built only from "#/..." routes or
// http(s) URLs (see safeUrl). The server's Content-Security-Policy forbids inline script.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const main = () => document.getElementById("main");

// -- small DOM helpers -------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.setAttribute("class", value);
    else if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "href") node.setAttribute("href", safeUrl(value));
    else node.setAttribute(key, value === true ? "" : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Only in-page routes and web URLs become links; anything else (javascript:, data:) is "#".
function safeUrl(value) {
  const text = String(value);
  if (text.startsWith("#")) return text;
  try {
    const url = new URL(text, window.location.href);
    if (url.protocol === "http:" || url.protocol === "https:") return url.href;
  } catch (_err) {
    return "#";
  }
  return "#";
}

function isWebUrl(value) {
  return typeof value === "string" && /^https?:\/\//i.test(value) && safeUrl(value) !== "#";
}

function route(page, params) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v) query.set(k, v);
  const q = query.toString();
  return "#/" + page + (q ? "?" + q : "");
}

// Each render of a route gets a number; data fetched for an older render is dropped, so a
// slow page can never draw over the page the reader has moved on to.
let renderSeq = 0;

class StaleRender extends Error {}

async function getJSON(path, { forRoute = true } = {}) {
  const seq = renderSeq;
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (forRoute && seq !== renderSeq) throw new StaleRender(path);
  if (!response.ok) throw new Error(body.error || `${path}: HTTP ${response.status}`);
  return body;
}

function show(...nodes) {
  const target = main();
  target.replaceChildren(...nodes.filter((n) => n !== null && n !== undefined && n !== false));
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function empty(text) {
  return el("p", { class: "empty", text });
}

function actorCodes(mentions) {
  return (mentions || []).map((m) => m.actor.code).join(", ");
}

function placeText(event) {
  const parts = [];
  if (event.venue) parts.push(event.venue.place.name);
  if (event.place) parts.push(event.place.place.name);
  return parts.join(", ");
}

function articleLink(articleId, params, text) {
  return el("a", { href: route("article/" + encodeURIComponent(articleId), params), text });
}

// -- router ------------------------------------------------------------------------------

const pages = {
  timeline: timelinePage,
  map: mapPage,
  articles: articlesPage,
  article: articlePage,
  negotiation: negotiationPage,
};

async function render() {
  renderSeq += 1;
  const hash = window.location.hash || "#/timeline";
  if (!hash.startsWith("#/")) return;
  const [path, query] = hash.slice(2).split("?");
  const [name, ...rest] = path.split("/");
  const params = new URLSearchParams(query || "");
  const page = pages[name] || timelinePage;
  for (const link of document.querySelectorAll("nav a")) {
    const current = link.dataset.page === name || (name === "article" && link.dataset.page === "articles");
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  try {
    await page(params, rest.map(decodeURIComponent));
  } catch (err) {
    if (err instanceof StaleRender) return; // the reader has moved on: a newer render draws
    show(el("p", { class: "error", role: "alert", text: "Could not load this page: " + err.message }));
  }
}

async function showCounts() {
  try {
    const c = await getJSON("/api/counts", { forRoute: false });
    document.getElementById("counts").textContent =
      `${c.articles} articles · ${c.events} events · ${c.negotiation} negotiation records`;
  } catch (_err) {
    document.getElementById("counts").textContent = "";
  }
}

// -- timeline ----------------------------------------------------------------------------

const EVENT_TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
  "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];

async function timelinePage(params) {
  const filters = {
    actor: params.get("actor") || "",
    type: params.get("type") || "",
    since: params.get("since") || "",
    until: params.get("until") || "",
  };
  const api = new URLSearchParams({ limit: "500" });
  for (const [k, v] of Object.entries(filters)) if (v) api.set(k, v);
  const [page, actors, rounds] = await Promise.all([
    getJSON("/api/events?" + api.toString()),
    getJSON("/api/actors"),
    getJSON("/api/rounds"),
  ]);
  const form = filterForm(filters, actors);
  const items = page.items.map((e) => ({ kind: "event", date: e.date, event: e }));
  for (const r of rounds) {
    const day = r.event ? r.event.date : null;
    if (filters.since && day && day < filters.since) continue;
    if (filters.until && day && day > filters.until) continue;
    if (filters.type && filters.type !== "CONSULT") continue;
    if (filters.actor && !r.delegations.some((d) => sameActor(d.party, filters.actor))) continue;
    items.push({ kind: "round", date: day, round: r });
  }
  items.sort((a, b) => (a.date || "9999").localeCompare(b.date || "9999"));
  const summary = el("p", { class: "summary", role: "status",
    text: `${plural(page.total, "event")}${page.total > page.items.length ? ` (first ${page.items.length} shown)` : ""}, ${plural(items.length - page.items.length, "round")}` });
  const list = el("ol", { class: "timeline", "aria-label": "Events and rounds by date" });
  let lastDay = null;
  for (const item of items) {
    if (item.date !== lastDay) {
      list.appendChild(el("li", { class: "day" }, el("h3", { text: item.date || "undated" })));
      lastDay = item.date;
    }
    list.appendChild(item.kind === "event" ? eventCard(item.event) : roundCard(item.round));
  }
  show(
    el("h1", { text: "Timeline" }),
    form,
    summary,
    items.length ? strip(items) : null,
    items.length ? list : empty("No events match these filters."),
  );
}

function sameActor(actor, code) {
  const key = code.toUpperCase();
  return actor.code.toUpperCase() === key || (actor.country || "").toUpperCase() === key;
}

function filterForm(filters, actors) {
  const actorSelect = el("select", { id: "f-actor", name: "actor" },
    el("option", { value: "", text: "any actor" }),
    actors.map((a) => el("option", { value: a.code, text: `${a.code} — ${a.name} (${a.events})` })));
  actorSelect.value = filters.actor;
  if (filters.actor && actorSelect.value !== filters.actor) {
    actorSelect.appendChild(el("option", { value: filters.actor, text: filters.actor }));
    actorSelect.value = filters.actor;
  }
  const typeSelect = el("select", { id: "f-type", name: "type" },
    el("option", { value: "", text: "any type" }),
    EVENT_TYPES.map((t) => el("option", { value: t, text: t })));
  typeSelect.value = filters.type.toUpperCase();
  const since = el("input", { id: "f-since", name: "since", type: "date", value: filters.since });
  const until = el("input", { id: "f-until", name: "until", type: "date", value: filters.until });
  const form = el("form", { class: "filters", role: "search", "aria-label": "Filter events" },
    el("label", { for: "f-actor" }, "Actor ", actorSelect),
    el("label", { for: "f-type" }, "Type ", typeSelect),
    el("label", { for: "f-since" }, "From ", since),
    el("label", { for: "f-until" }, "To ", until),
    el("button", { type: "submit", text: "Filter" }),
    el("a", { href: "#/timeline", class: "reset", text: "Clear" }));
  form.addEventListener("submit", (evt) => {
    evt.preventDefault();
    window.location.hash = route("timeline", {
      actor: actorSelect.value, type: typeSelect.value, since: since.value, until: until.value,
    });
  });
  return form;
}

function eventCard(e) {
  const who = actorCodes(e.sources);
  const whom = actorCodes(e.targets);
  const where = placeText(e);
  return el("li", { class: "card event", id: "ev-" + e.id },
    el("div", { class: "card-head" },
      el("span", { class: "badge type-" + e.type.toLowerCase(), text: e.type }),
      el("span", { class: "status", text: e.status }),
      e.mode ? el("span", { class: "mode", text: e.mode }) : null),
    el("p", { class: "who" },
      who || "(no source)", e.symmetric ? " with " : " → ", whom || "(no target)",
      e.host ? ` · host ${e.host.actor.code}` : ""),
    where ? el("p", { class: "where", text: "at " + where }) : null,
    e.time ? el("p", { class: "when", text: "time: " + (e.time.instant || e.time.value) }) : null,
    e.attribution && e.attribution.text !== "author"
      ? el("p", { class: "said", text: "according to " + e.attribution.text }) : null,
    el("p", { class: "quote" }, "“", e.evidence.span.text, "” ",
      articleLink(e.article_id, { event: e.id }, "see in article")));
}

function roundCard(r) {
  const parties = r.delegations.map((d) => d.party.code).join(", ");
  return el("li", { class: "card round" },
    el("div", { class: "card-head" },
      el("span", { class: "badge round-badge", text: r.ordinal ? `Round ${r.ordinal}` : "Round" }),
      r.format ? el("span", { class: "mode", text: r.format }) : null),
    el("p", { class: "who", text: parties ? "Delegations: " + parties : "Delegations not known" }),
    r.event && (r.event.venue || r.event.place)
      ? el("p", { class: "where", text: "at " + [r.event.venue, r.event.place].filter(Boolean).join(", ") }) : null,
    el("p", { class: "quote" }, "“", r.evidence.span.text, "” ",
      articleLink(r.evidence.span.article_id, { span: `${r.evidence.span.start}-${r.evidence.span.end}` }, "see in article")));
}

// A one-line strip of days: a mark per event or round; each mark jumps to its card.
function strip(items) {
  const days = items.map((i) => i.date).filter(Boolean).sort();
  if (!days.length) return null;
  const first = Date.parse(days[0]);
  const last = Date.parse(days[days.length - 1]);
  const span = Math.max(last - first, 86400000);
  const width = 1000;
  const box = svg("svg", { class: "strip", viewBox: `0 0 ${width} 60`, role: "img",
    "aria-label": `Timeline from ${days[0]} to ${days[days.length - 1]}` });
  box.appendChild(svg("line", { x1: 20, x2: width - 20, y1: 40, y2: 40, class: "axis" }));
  const stack = {};
  for (const item of items) {
    if (!item.date) continue;
    const x = 20 + ((Date.parse(item.date) - first) / span) * (width - 40);
    const n = (stack[item.date] = (stack[item.date] || 0) + 1);
    const cls = item.kind === "round" ? "dot round" : "dot type-" + item.event.type.toLowerCase();
    box.appendChild(svg("circle", { cx: x.toFixed(1), cy: 40 - (n - 1) * 9, r: 4, class: cls },
      svg("title", { text: item.date + " " + (item.kind === "round" ? "round" : item.event.type) })));
  }
  box.appendChild(svg("text", { x: 20, y: 56, class: "tick", text: days[0] }));
  box.appendChild(svg("text", { x: width - 20, y: 56, class: "tick end", text: days[days.length - 1] }));
  return box;
}

// -- map ---------------------------------------------------------------------------------

let countryShapes = null;

async function mapPage(params) {
  if (!countryShapes) countryShapes = await getJSON("/static/countries.json");
  const [places, actors] = await Promise.all([getJSON("/api/places"), getJSON("/api/actors")]);
  const located = places.filter((p) => p.lat !== null && p.lon !== null);
  const involved = new Set(actors.map((a) => a.country).filter(Boolean));
  const W = 960, H = 480;
  const proj = (lon, lat) => [((lon + 180) / 360) * W, ((90 - lat) / 180) * H];
  const map = svg("svg", { class: "map", viewBox: viewBox(located, proj, W, H), role: "group",
    "aria-label": "Map of event locations" });
  const land = svg("g", { class: "land", "aria-hidden": "true" });
  for (const c of countryShapes.countries) {
    const d = c.rings.map((ring) => "M" + ring.map(([lon, lat]) => proj(lon, lat).map((v) => v.toFixed(1)).join(",")).join("L") + "Z").join("");
    land.appendChild(svg("path", { d, class: involved.has(c.id) ? "country involved" : "country" },
      svg("title", { text: c.name })));
  }
  map.appendChild(land);
  const detail = el("section", { id: "place-detail", class: "panel", "aria-live": "polite" },
    el("p", { class: "hint", text: "Choose a place on the map or in the list to see its events." }));
  const markers = svg("g", { class: "markers" });
  const select = async (place) => {
    for (const m of map.querySelectorAll(".marker")) m.classList.toggle("selected", m.dataset.id === place.id);
    let events;
    try {
      events = await Promise.all(place.event_ids.map((id) => getJSON("/api/events/" + encodeURIComponent(id))));
    } catch (err) {
      if (err instanceof StaleRender) return; // the map is gone
      throw err;
    }
    detail.replaceChildren(el("h2", { text: place.name }),
      el("p", { class: "meta", text: `${place.kind}${place.country ? ", " + place.country : ""} · ${place.lat.toFixed(3)}, ${place.lon.toFixed(3)}` }),
      el("ol", { class: "plain" }, events.map(eventCard)));
  };
  for (const p of located) {
    const [x, y] = proj(p.lon, p.lat);
    const marker = svg("circle", { cx: x.toFixed(2), cy: y.toFixed(2), r: Math.min(2 + Math.sqrt(p.events) * 1.5, 9),
      class: "marker", tabindex: 0, role: "button", "data-id": p.id,
      "aria-label": `${p.name}: ${p.events} events` }, svg("title", { text: `${p.name} (${p.events})` }));
    marker.addEventListener("click", () => select(p));
    marker.addEventListener("keydown", (evt) => {
      if (evt.key === "Enter" || evt.key === " ") { evt.preventDefault(); select(p); }
    });
    markers.appendChild(marker);
  }
  map.appendChild(markers);
  const list = el("ul", { class: "places" }, places.map((p) =>
    el("li", {}, el("button", { type: "button", class: "link", onclick: () => select(p),
      text: `${p.name} (${p.events})${p.lat === null ? " — no coordinates" : ""}` }))));
  show(el("h1", { text: "Map" }),
    el("p", { class: "summary", text: `${located.length} places with coordinates; shaded countries are actors' countries.` }),
    el("div", { class: "map-layout" },
      el("div", { class: "map-wrap" }, map, el("p", { class: "credit", text: countryShapes.source + " (" + countryShapes.licence + ")" })),
      el("div", { class: "side" }, detail, el("h2", { text: "Places" }), places.length ? list : empty("No event has a place yet."))));
  const wanted = params.get("place");
  if (wanted) {
    const place = places.find((p) => p.id === wanted);
    if (place) await select(place);
  }
}

// The box around the markers, at least 40 degrees wide, kept at the map's aspect ratio.
function viewBox(located, proj, W, H) {
  if (!located.length) return `0 0 ${W} ${H}`;
  const pts = located.map((p) => proj(p.lon, p.lat));
  let [x0, x1] = [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))];
  let [y0, y1] = [Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))];
  const minW = (40 / 360) * W;
  let w = Math.max(x1 - x0, minW) * 1.6;
  let h = Math.max(y1 - y0, 1) * 1.6;
  if (w / h > W / H) h = (w * H) / W; else w = (h * W) / H;
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  x0 = Math.max(0, Math.min(W - w, cx - w / 2));
  y0 = Math.max(0, Math.min(H - h, cy - h / 2));
  return `${x0.toFixed(1)} ${y0.toFixed(1)} ${Math.min(w, W).toFixed(1)} ${Math.min(h, H).toFixed(1)}`;
}

// -- articles ----------------------------------------------------------------------------

async function articlesPage() {
  const page = await getJSON("/api/articles?limit=500");
  const list = el("ul", { class: "articles" }, page.items.map((a) =>
    el("li", {}, articleLink(a.id, {}, a.title || a.id),
      el("span", { class: "meta", text: ` ${a.published || "undated"} · ${a.outlet || "outlet unknown"} · ${a.events} events` }))));
  show(el("h1", { text: "Articles" }), page.items.length ? list : empty("No articles stored yet: run detente ingest."));
}

async function articlePage(params, rest) {
  const article = await getJSON("/api/articles/" + encodeURIComponent(rest[0] || ""));
  const events = el("ol", { class: "plain events-side", "aria-label": "Events read in this article" });
  for (const e of article.event_list) {
    const card = eventCard(e);
    card.setAttribute("tabindex", "-1");
    const spansOf = article.spans.filter((s) => s.event_id === e.id);
    card.appendChild(el("ul", { class: "fields" }, spansOf.map((s) =>
      el("li", {}, el("a", { href: route("article/" + encodeURIComponent(article.id), { event: e.id, span: `${s.start}-${s.end}` }),
        text: `${s.label}: “${s.text}”` })))));
    events.appendChild(card);
  }
  const head = el("header", { class: "article-head" },
    el("h1", { text: article.title || article.id }),
    el("p", { class: "meta" },
      `${article.published || "undated"} · ${article.outlet || "outlet unknown"} · `,
      isWebUrl(article.url) ? el("a", { href: article.url, rel: "noopener noreferrer", text: "source" })
        : el("span", { text: article.url ? "source: " + article.url : "no source URL" })),
    el("p", { class: "legend" }, ["trigger", "actor", "place", "time", "attribution", "status", "round", "proposal", "position"].map(
      (k) => el("span", { class: "span kind-" + k, text: k }))));
  show(el("div", { class: "article-layout" },
    el("article", { class: "text-col" }, head, articleText(article)),
    el("aside", { class: "side", "aria-label": "Events" }, el("h2", { text: plural(article.event_list.length, "event") }),
      article.event_list.length ? events : empty("No events were read in this article."))));
  focusFrom(params);
}

// The article text with every span highlighted. Overlapping spans are cut at every
// boundary; each piece is marked by the shortest span covering it (the most specific).
function articleText(article) {
  const text = article.text;
  const spans = article.spans.filter((s) => s.start < s.end && s.end <= text.length);
  const cuts = new Set([0, text.length]);
  for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const body = el("div", { class: "article-text" });
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const piece = text.slice(a, b);
    const covering = spans.filter((s) => s.start <= a && s.end >= b);
    if (!covering.length) { body.appendChild(document.createTextNode(piece)); continue; }
    covering.sort((x, y) => (x.end - x.start) - (y.end - y.start) || (y.event_id ? 1 : 0) - (x.event_id ? 1 : 0));
    const best = covering[0];
    const linked = covering.find((s) => s.event_id) || null;
    const title = covering.map((s) => s.label).join("; ");
    const attrs = { class: "span kind-" + best.kind, title, "data-start": best.start, "data-end": best.end,
      "data-events": [...new Set(covering.map((s) => s.event_id).filter(Boolean))].join(" ") };
    if (linked) {
      attrs.href = route("article/" + encodeURIComponent(article.id), { event: linked.event_id, span: `${best.start}-${best.end}` });
      body.appendChild(el("a", attrs, piece));
    } else {
      body.appendChild(el("mark", attrs, piece));
    }
  }
  return body;
}

function focusFrom(params) {
  const eventId = params.get("event");
  const span = params.get("span");
  for (const node of document.querySelectorAll(".selected")) node.classList.remove("selected");
  if (eventId) {
    for (const node of document.querySelectorAll(".article-text .span")) {
      if ((node.dataset.events || "").split(" ").includes(eventId)) node.classList.add("selected");
    }
    const card = document.getElementById("ev-" + eventId);
    if (card) card.classList.add("selected");
  }
  let target = null;
  if (span) {
    const [start, end] = span.split("-").map(Number);
    for (const node of document.querySelectorAll(".article-text .span")) {
      const s = Number(node.dataset.start), e = Number(node.dataset.end);
      if (s < end && e > start) {
        node.classList.add("selected", "target");
        target = target || node;
      }
    }
  }
  if (!target && eventId) target = document.getElementById("ev-" + eventId);
  if (target) {
    if (!target.hasAttribute("tabindex") && target.tagName !== "A") target.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }
}

// -- negotiation -------------------------------------------------------------------------

function stanceClass(stance) {
  const s = String(stance).toLowerCase();
  if (/(condition|mixed|ambig|open|consider|partial)/.test(s)) return "stance-conditional";
  if (/(reject|oppose|refuse|against|veto|deny)/.test(s)) return "stance-against";
  if (/(support|accept|agree|favou?r|endorse|propose|demand|commit)/.test(s)) return "stance-for";
  return "stance-other";
}

async function negotiationPage(params) {
  const processes = await getJSON("/api/processes");
  if (processes.length) {
    const wanted = params.get("process");
    // the one asked for, else the one with the most on record
    const size = (p) => p.rounds + p.proposals + p.positions;
    const chosen = processes.find((p) => p.id === wanted) ||
      processes.reduce((best, p) => (size(p) > size(best) ? p : best), processes[0]);
    const view = await getJSON("/api/processes/" + encodeURIComponent(chosen.id));
    showProcess(view, processes, params);
    return;
  }
  const [rounds, proposals, positions] = await Promise.all([
    getJSON("/api/rounds"), getJSON("/api/proposals"), getJSON("/api/positions"),
  ]);
  if (!rounds.length && !proposals.length && !positions.length) {
    show(el("h1", { text: "Negotiation" }),
      el("div", { class: "panel empty-state" },
        el("p", { text: "No negotiation record in this database yet." }),
        el("p", { text: "Rounds of talks, delegations, proposals with their provisions and each party's positions are read by the negotiation stage. When the store holds them, this page shows the rounds, the proposals in order and the positions matrix (party × issue) with the sentence behind every cell." }),
        el("p", {}, "Events are on the ", el("a", { href: "#/timeline", text: "timeline" }), ".")));
    return;
  }
  const panel = evidencePanel();
  show(el("h1", { text: "Negotiation" }),
    el("p", { class: "summary", text: "No process is named in this database: the records below belong to none (define one with detente process define)." }),
    el("div", { class: "neg-layout" },
      el("section", { class: "matrix-col" }, el("h2", { text: "Positions" }), matrix(positions, panel), panel),
      el("section", { class: "rounds-col" },
        el("h2", { text: `Rounds (${rounds.length})` }), rounds.length ? el("ol", { class: "plain" }, rounds.map(roundBlock)) : empty("No rounds stored."),
        el("h2", { text: `Proposals (${proposals.length})` }), proposals.length ? el("ol", { class: "plain" }, proposals.map(proposalBlock)) : empty("No proposals stored."))));
  openCellFrom(params);
}

function evidencePanel() {
  return el("section", { id: "evidence-panel", class: "panel", "aria-live": "polite", tabindex: "-1" },
    el("h2", { text: "Evidence" }), el("p", { class: "hint", text: "Choose a cell of the matrix, a round, a delegation or a provision to read the sentence behind it." }));
}

function openCellFrom(params) {
  const cell = params.get("cell");
  if (cell) {
    const button = [...document.querySelectorAll(".matrix button")].find((b) => b.dataset.cell === cell);
    if (button) button.click();
  }
}

// -- one process: rounds timeline, delegations, proposals, positions matrix, overlap ------

function names(actors) {
  return (actors || []).map((a) => a.code).join(", ");
}

function showProcess(view, processes, params) {
  const panel = evidencePanel();
  const p = view.process;
  const picker = processes.length > 1 ? processPicker(processes, p.id) : null;
  const facts = el("dl", { class: "facts" },
    el("dt", { text: "Parties" }), el("dd", { text: view.process.parties.map((a) => `${a.name} (${a.code})`).join(", ") }),
    p.hosts.length ? [el("dt", { text: "Hosts" }), el("dd", { text: names(p.hosts) })] : null,
    p.mediators.length ? [el("dt", { text: "Mediators" }), el("dd", { text: names(p.mediators) })] : null,
    view.third_parties.length ? [el("dt", { text: "Third parties" }), el("dd", {}, view.third_parties.map((t, i) => [
      i ? "; " : "", t.cite ? citeButton(panel, `${t.actor.name}: ${t.role}`, [t.cite], `${t.actor.code} (${t.role})`) : `${t.actor.code} (${t.role})`]))] : null,
    p.aliases.length ? [el("dt", { text: "Also called" }), el("dd", { text: p.aliases.join("; ") })] : null);
  show(el("h1", { text: "Negotiation" }),
    picker,
    el("section", { class: "process-head panel", "aria-label": "Process" },
      el("h2", { id: "process-name", text: p.name }),
      el("p", { class: "meta", text: `${p.id}${view.defined ? " · defined by a user" : ""}` }),
      facts),
    el("div", { class: "neg-layout" },
      el("section", { class: "matrix-col" },
        el("h2", { text: "Positions" }),
        processMatrix(view, panel),
        panel),
      el("section", { class: "rounds-col" },
        el("h2", { text: `Rounds (${view.rounds.length})` }),
        view.rounds.length ? el("ol", { class: "round-timeline plain" }, view.rounds.map((r) => roundItem(r, panel))) : empty("No rounds stored for this process."),
        el("h2", { text: `Proposals (${view.proposals.length})` }),
        view.proposals.length ? el("ol", { class: "plain" }, view.proposals.map((x) => proposalItem(x, panel))) : empty("No proposals stored for this process."))));
  openCellFrom(params);
}

function processPicker(processes, current) {
  const select = el("select", { id: "f-process", name: "process" },
    processes.map((p) => el("option", { value: p.id, text: `${p.name} (${p.parties.map((a) => a.code).join("–")})` })));
  select.value = current;
  select.addEventListener("change", () => { window.location.hash = route("negotiation", { process: select.value }); });
  return el("form", { class: "filters", "aria-label": "Choose a process" }, el("label", { for: "f-process" }, "Process ", select));
}

// A button that opens its citations in the evidence panel.
function citeButton(panel, title, cites, text, extra) {
  const first = cites[0];
  return el("button", { type: "button", class: "cite link", title: first ? first.sentence : "",
    onclick: () => openCites(panel, title, cites, extra) }, text);
}

function citeSentence(c) {
  const a = Math.max(0, c.start - c.sentence_start), b = Math.max(a, c.end - c.sentence_start);
  return el("blockquote", { class: "sentence" }, c.sentence.slice(0, a), el("mark", { text: c.sentence.slice(a, b) }), c.sentence.slice(b));
}

function citeCard(c, head) {
  return el("li", { class: "card" },
    head ? el("p", { class: "meta" }, head) : null,
    citeSentence(c),
    el("p", { class: "meta" }, `${c.article_id} · characters ${c.start}–${c.end}${c.published ? " · " + c.published : ""} · `,
      articleLink(c.article_id, { span: `${c.start}-${c.end}` }, "open the sentence in its article")));
}

function openCites(panel, title, cites, extra) {
  panel.replaceChildren(el("h2", { text: title }), extra || null,
    el("ol", { class: "plain evidence" }, cites.map((c) => citeCard(c))));
  panel.focus();
}

function roundItem(r, panel) {
  const where = [r.venue, r.place].filter(Boolean).join(", ");
  const title = (r.ordinal ? `Round ${r.ordinal}` : "Round") + (r.date ? " · " + r.date : "");
  return el("li", { class: "card round" },
    el("h3", {}, citeButton(panel, title, [r.cite, ...r.reports.filter((c) => c.start !== r.cite.start || c.article_id !== r.cite.article_id)], title)),
    el("p", { class: "meta", text: [
      r.dated_by === "article" ? "dated by its article" : (r.time ? "time " + r.time : null),
      r.format ? "format: " + r.format : null,
      where ? "at " + where : null,
      r.host ? "host: " + r.host.name : null,
      r.outcome ? "outcome: " + r.outcome : null].filter(Boolean).join(" · ") }),
    r.delegations.length ? el("ul", { class: "delegations" }, r.delegations.map((d) => el("li", { class: "delegation" },
      el("strong", { text: d.party.code }), ` ${d.party.name}: `,
      citeButton(panel, `${d.party.name}'s delegation`, [d.cite], (d.head || "head not known") + (d.head_role ? ` (${d.head_role})` : "")),
      d.appointed_by ? `, named by ${d.appointed_by}` : (d.reported_by ? `, reported by ${d.reported_by}` : ""),
      d.members.length ? `; members: ${d.members.join(", ")}` : ""))) : empty("Delegations not known."));
}

function proposalItem(x, panel) {
  return el("li", { class: "card proposal", "data-proposal": x.id },
    el("h3", {}, citeButton(panel, `Proposal: ${x.names.join(" / ")}`, [x.cite], x.names.join(" / ") || "Proposal")),
    el("p", { class: "meta", text: `${x.author ? x.author.name : "author not known"} → ${x.recipient ? x.recipient.name : "recipient not known"} · status: ${x.status}${x.ordered ? " · provisions in sequence" : ""}` }),
    x.history.length ? el("ol", { class: "history" }, x.history.map((h) => el("li", {},
      citeButton(panel, `${x.names[0] || "Proposal"}: ${h.status}`, [h.cite], `${h.status}${h.date ? " " + h.date : ""}${h.tense ? " (" + h.tense + ")" : ""}`)))) : null,
    x.provisions.length ? el("ol", { class: "provisions" }, x.provisions.map((s) => el("li", { value: s.step },
      el("strong", { class: "issue", text: s.issue }), " ",
      s.ucdp ? el("span", { class: "badge code", title: "UCDP peace-agreement flag", text: "UCDP " + s.ucdp }) : null, " ",
      s.pax.length ? el("span", { class: "badge code", title: "PA-X codes", text: "PA-X " + s.pax.join(", ") }) : null,
      s.parameters.length ? ` (${s.parameters.map(([k, v]) => k + ": " + v).join(", ")})` : "",
      " — ", citeButton(panel, `Step ${s.step}: ${s.label}`, [s.cite], "“" + s.cite.text + "”")))) : empty("No provisions read."));
}

const VERDICT_CLASS = { "overlap": "overlap-yes", "no overlap": "overlap-no", "unknown": "overlap-unknown" };

function processMatrix(view, panel) {
  if (!view.cells.length) return empty("No positions stored for this process.");
  const rows = view.parties.filter((a) => view.cells.some((c) => c.party === a.code));
  const byKey = new Map(view.cells.map((c) => [c.party + "\u0000" + c.issue, c]));
  const table = el("table", { class: "matrix" },
    el("caption", { text: "Latest stance, party × issue; last row: overlap" }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "party \\ issue" }),
      view.issues.map((i) => el("th", { scope: "col", title: i, "data-issue": i, text: i.replaceAll("_", " ") })))));
  const tbody = el("tbody");
  for (const party of rows) {
    const row = el("tr", {}, el("th", { scope: "row", title: party.name, text: party.code }));
    for (const issue of view.issues) {
      const cell = byKey.get(party.code + "\u0000" + issue);
      if (!cell) { row.appendChild(el("td", { class: "none", text: "—" })); continue; }
      const e = cell.latest;
      const button = el("button", { type: "button", class: "cell " + stanceClass(e.stance) + (e.derived ? " derived" : ""),
        "data-cell": `${party.code}:${issue}`, "data-stance": e.stance, title: e.cite.sentence,
        "aria-label": `${party.code} on ${issue}: ${e.label}${e.derived ? " (derived)" : ""}${cell.history.length > 1 ? `, ${cell.history.length} entries` : ""}`,
        text: e.label + (cell.history.length > 1 ? ` ×${cell.history.length}` : "") });
      button.addEventListener("click", () => {
        for (const b of document.querySelectorAll(".matrix .cell")) b.setAttribute("aria-pressed", String(b === button));
        openCell(panel, party, issue, cell);
      });
      row.appendChild(el("td", {}, button));
    }
    tbody.appendChild(row);
  }
  const overlapRow = el("tr", { class: "overlap-row" }, el("th", { scope: "row", text: "overlap" }));
  for (const issue of view.issues) {
    const o = view.overlap.find((x) => x.issue === issue);
    const button = el("button", { type: "button", class: "verdict " + (VERDICT_CLASS[o.verdict] || ""), "data-overlap": issue,
      title: o.reason, "aria-label": `${issue}: ${o.verdict} (${o.reason})`, text: o.verdict });
    button.addEventListener("click", () => openCites(panel, `${issue}: ${o.verdict}`, o.cites,
      el("p", { class: "reason", text: o.reason + (o.stances.length ? " — " + o.stances.map(([p, s]) => `${p}: ${s}`).join("; ") : "") })));
    overlapRow.appendChild(el("td", {}, button));
  }
  table.appendChild(tbody);
  table.appendChild(el("tfoot", {}, overlapRow));
  return [el("p", { class: "hint", text: "Each party's latest stance on each issue: hover a cell for its sentence, choose it for the history. Dashed cells are derived: a provision of the party's own proposal. The last row says where the parties' stated options overlap (an ordinal reading of the stances, never a utility)." }),
    el("div", { class: "matrix-wrap" }, table)];
}

function openCell(panel, party, issue, cell) {
  const latest = cell.latest;
  panel.replaceChildren(el("h2", { text: `${party.code} on ${issue}` }),
    el("p", { class: "meta" }, "Latest: ", el("span", { class: "badge " + stanceClass(latest.stance), text: latest.label }),
      latest.derived ? " (derived from the party's proposal, not stated as a position)" : "",
      latest.date ? " · " + latest.date : ""),
    el("ol", { class: "plain evidence" }, [...cell.history].reverse().map((e) => citeCard(e.cite,
      [el("span", { class: "badge " + stanceClass(e.stance), text: e.label }), e.derived ? " derived" : "", e.date ? " · " + e.date : ""]))));
  panel.focus();
}

function matrix(positions, panel) {
  if (!positions.length) return empty("No positions stored.");
  const parties = [...new Map(positions.map((p) => [p.party.code, p.party])).values()];
  const issues = [...new Set(positions.map((p) => p.issue))].sort();
  const cells = new Map();
  for (const p of positions) {
    const key = p.party.code + "\u0000" + p.issue;
    if (!cells.has(key)) cells.set(key, []);
    cells.get(key).push(p);
  }
  const table = el("table", { class: "matrix" },
    el("caption", { text: "Each party's stance on each issue; a cell opens its evidence." }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "party \\ issue" }),
      issues.map((i) => el("th", { scope: "col", text: i })))));
  const tbody = el("tbody");
  for (const party of parties) {
    const row = el("tr", {}, el("th", { scope: "row", title: party.name, text: party.code }));
    for (const issue of issues) {
      const found = cells.get(party.code + "\u0000" + issue) || [];
      if (!found.length) { row.appendChild(el("td", { class: "none", text: "—" })); continue; }
      const stances = [...new Set(found.map((p) => p.stance))];
      const cls = stances.length > 1 ? "stance-conditional" : stanceClass(stances[0]);
      const button = el("button", { type: "button", class: "cell " + cls, "data-cell": `${party.code}:${issue}`,
        "aria-label": `${party.code} on ${issue}: ${stances.join(", ")} (${found.length} sentences)`,
        text: stances.join(" / ") + (found.length > 1 ? ` ×${found.length}` : "") });
      button.addEventListener("click", () => {
        for (const b of document.querySelectorAll(".matrix .cell")) b.setAttribute("aria-pressed", String(b === button));
        openEvidence(panel, party, issue, found);
      });
      row.appendChild(el("td", {}, button));
    }
    tbody.appendChild(row);
  }
  table.appendChild(tbody);
  return el("div", { class: "matrix-wrap" }, table);
}

function openEvidence(panel, party, issue, found) {
  panel.replaceChildren(el("h2", { text: `${party.code} on ${issue}` }),
    el("ol", { class: "plain evidence" }, found.map((p) => el("li", { class: "card" },
      el("p", { class: "meta" }, el("span", { class: "badge " + stanceClass(p.stance), text: p.stance }),
        ` ${p.evidence.extractor} ${p.evidence.version} · confidence ${p.evidence.confidence}`),
      sentence(p.evidence),
      articleLink(p.evidence.span.article_id, { span: `${p.evidence.span.start}-${p.evidence.span.end}` }, "open the sentence in its article")))));
  panel.focus();
}

// The evidence sentence with its span marked (all as text nodes).
function sentence(evidence) {
  const s = evidence.sentence;
  if (!s) return el("blockquote", { class: "sentence" }, el("mark", { text: evidence.span.text }));
  const a = Math.max(0, evidence.span.start - s.start), b = Math.max(a, evidence.span.end - s.start);
  return el("blockquote", { class: "sentence" }, s.text.slice(0, a), el("mark", { text: s.text.slice(a, b) }), s.text.slice(b));
}

function roundBlock(r) {
  return el("li", { class: "card round" },
    el("h3", { text: (r.ordinal ? `Round ${r.ordinal}` : "Round") + (r.event && r.event.date ? " · " + r.event.date : "") +
      (r.event && (r.event.venue || r.event.place) ? " · " + [r.event.venue, r.event.place].filter(Boolean).join(", ") : "") }),
    r.format ? el("p", { class: "meta", text: "format: " + r.format }) : null,
    r.delegations.length ? el("ul", { class: "delegations" }, r.delegations.map((d) => el("li", {},
      el("strong", { text: d.party.code }), ` ${d.party.name}`,
      d.head ? ` — head: ${d.head.actor.name}` : "",
      d.members.length ? ` — members: ${d.members.map((m) => m.actor.name).join(", ")}` : ""))) : empty("Delegations not known."),
    sentence(r.evidence),
    articleLink(r.evidence.span.article_id, { event: r.event ? r.event_id : null, span: `${r.evidence.span.start}-${r.evidence.span.end}` }, "see in article"));
}

function proposalBlock(p) {
  const steps = [...p.provisions].sort((a, b) => a.step - b.step);
  return el("li", { class: "card proposal" },
    el("h3", { text: (p.names.length ? p.names.join(" / ") : "Proposal") }),
    el("p", { class: "meta", text: `${p.author ? p.author.code : "?"} → ${p.recipient ? p.recipient.code : "?"} · ${p.status}` }),
    steps.length ? el("ol", { class: "provisions" }, steps.map((s) => el("li", { value: s.step },
      el("strong", { text: s.issue }),
      s.parameters.length ? ` (${s.parameters.map(([k, v]) => k + ": " + v).join(", ")})` : "",
      " — ", el("q", { text: s.evidence.span.text })))) : empty("No provisions read."),
    sentence(p.evidence),
    articleLink(p.evidence.span.article_id, { span: `${p.evidence.span.start}-${p.evidence.span.end}` }, "see in article"));
}

// -- start -------------------------------------------------------------------------------

window.addEventListener("hashchange", render);
document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("skip-link").addEventListener("click", (evt) => {
    evt.preventDefault();
    main().focus();
  });
  showCounts();
  render();
});
