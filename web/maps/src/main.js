// The interactive map page at /maps: the map chosen in the form, fetched as Cytoscape JSON
// from /maps/{view}.cyjs (the same route and query parameters as every download), drawn with
// sigma.js (WebGL) over a graphology graph. Hover shows a node's card, a click focuses its
// neighbourhood, the search finds a name, the year slider replays the timeline.
//
// Bundled by esbuild (../build.sh) into assets/maps/dist/maps.js, which samenhang embeds and
// serves; the page's Content-Security-Policy allows scripts from 'self' only.
import Graph from "graphology";
import Sigma from "sigma";

const $ = (id) => document.getElementById(id);
const form = $("form");
const status = $("status");
const card = $("card");
const focusPanel = $("focus");
const container = $("graph");
const yearInput = $("year");
const yearShown = $("year-shown");
const labelsInput = $("labels");
const searchInput = $("search");

/** The views that take the link filter and the ego centre. */
const WEIGHTED = new Set(["collaboration"]);
const EGO = "ego";

/** A colour per cluster when the map gives none: a stable hash of the name to a hue. */
function colorOf(name) {
  if (!name) return "#8c959f";
  let hash = 2166136261;
  for (const ch of name) {
    hash ^= ch.codePointAt(0);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return hslToHex(hash % 360, 0.55, 0.48);
}

function hslToHex(h, s, l) {
  const k = (n) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  const hex = (x) => Math.round(x * 255).toString(16).padStart(2, "0");
  return `#${hex(f(0))}${hex(f(8))}${hex(f(4))}`;
}

/** The lowest slider position stands for "every year". */
const allYears = () => Number(yearInput.value) === Number(yearInput.min);

/** The view and the query string of the map the form describes (as the download routes take it). */
function query() {
  const data = new FormData(form);
  const view = data.get("view");
  const params = new URLSearchParams();
  for (const [key, value] of data.entries()) {
    if (key === "view" || key === "labels" || key === "search" || value === "") continue;
    if ((key === "node" || key === "depth") && view !== EGO) continue;
    if (key === "minWeight" && (!WEIGHTED.has(view) || value === "1")) continue;
    if (key === "year" && allYears()) continue;
    params.set(key, value);
  }
  return { view, params };
}

// ---- the drawing ------------------------------------------------------------------------

let graph = new Graph({ multi: true, type: "undirected" });
const renderer = new Sigma(graph, container, {
  // Level of detail: labels only where there is room (one per grid cell, `labelDensity` per
  // cell) and for nodes drawn at least this big; the slider moves both.
  labelDensity: 0.5,
  labelGridCellSize: 90,
  labelRenderedSizeThreshold: 8,
  labelFont: "Helvetica, Arial, sans-serif",
  zIndex: true,
  defaultEdgeColor: "#b6bec8",
  minCameraRatio: 0.02,
  maxCameraRatio: 4,
  // A window narrowed to nothing (or a layout pass while a screenshot is taken) leaves the
  // container without width for a moment: draw nothing then instead of throwing.
  allowInvalidContainer: true,
  nodeReducer: (node, data) => reduceNode(node, data),
  edgeReducer: (edge, data) => reduceEdge(edge, data),
});

/** The focused node and its neighbours, or null. */
let focused = null;
function reduceNode(node, data) {
  // (sigma draws the node under the pointer with its label itself, without a refresh.)
  if (!focused) return data;
  if (node === focused.node) return { ...data, highlighted: true, forceLabel: true, zIndex: 3 };
  if (focused.neighbours.has(node)) return { ...data, forceLabel: focused.neighbours.size <= 40, zIndex: 2 };
  return { ...data, color: "#e4e7eb", label: "", zIndex: 0 };
}

function reduceEdge(edge, data) {
  if (!focused) return data;
  const [a, b] = graph.extremities(edge);
  if (a === focused.node || b === focused.node) return { ...data, color: "#57606a", zIndex: 1 };
  return { ...data, hidden: true };
}

/** Positions per view, kept while the filters change so that a replay stays in place. */
const positions = new Map();

function nodeSize(radius, min, max) {
  return max > min ? 3 + (14 * (radius - min)) / (max - min) : 8;
}

/** A graphology graph from Cytoscape JSON (`elements.nodes` / `elements.edges`). */
function toGraph(cyjs, kept) {
  const g = new Graph({ multi: true, type: "undirected" });
  const nodes = cyjs.elements?.nodes ?? [];
  // Loops, not Math.min(...list): a national map has more links than a call takes arguments.
  const radii = nodes.map((n) => Number(n.data.size) || 1);
  const min = radii.reduce((a, b) => Math.min(a, b), Infinity);
  const max = radii.reduce((a, b) => Math.max(a, b), -Infinity);
  nodes.forEach((n, i) => {
    const d = n.data;
    const known = kept?.get(d.id);
    const position = known ?? { x: n.position?.x ?? Math.cos(i) * i, y: -(n.position?.y ?? Math.sin(i) * i) };
    g.mergeNode(d.id, {
      ...d,
      // sigma reads `type` as the program that draws the node.
      type: "circle",
      nodeType: d.type,
      label: d.label,
      x: position.x,
      y: position.y,
      size: nodeSize(radii[i], min, max),
      // The map's own colour (the server's fixed colour per cluster); a hash of the cluster
      // when it has none.
      color: d.color || colorOf(d.cluster),
    });
  });
  const maxWeight = (cyjs.elements?.edges ?? []).reduce((m, e) => Math.max(m, Number(e.data.weight) || 1), 1);
  for (const e of cyjs.elements?.edges ?? []) {
    const d = e.data;
    if (!g.hasNode(d.source) || !g.hasNode(d.target)) continue;
    const weight = Number(d.weight) || 1;
    g.addEdgeWithKey(d.id, d.source, d.target, {
      weight,
      relation: d.relation,
      size: 0.6 + (3 * Math.log1p(weight)) / Math.log1p(maxWeight),
    });
  }
  return g;
}

// ---- loading ------------------------------------------------------------------------------

let loading = null;

function setStatus(state, text, extra = {}) {
  status.dataset.state = state;
  for (const [key, value] of Object.entries(extra)) status.dataset[key] = String(value);
  status.textContent = text;
}

/** Loads and draws the map the form describes; resolves when it is on screen. */
async function load() {
  const { view, params } = query();
  const qs = params.toString();
  const suffix = qs ? `?${qs}` : "";
  $("ego").hidden = view !== EGO;
  $("weight").hidden = !WEIGHTED.has(view);
  yearShown.textContent = allYears() ? "every year" : yearInput.value;
  for (const a of document.querySelectorAll(".downloads a")) {
    a.href = `/maps/${view}.${a.dataset.ext}${suffix}`;
  }
  // The address holds the map shown, so it can be shared or bookmarked.
  const address = new URLSearchParams(qs);
  address.set("view", view);
  history.replaceState(null, "", `?${address}`);

  loading?.abort();
  const controller = new AbortController();
  loading = controller;
  const started = performance.now();
  setStatus("loading", "loading the map…");
  let cyjs;
  let fetched;
  try {
    const response = await fetch(`/maps/${view}.cyjs${suffix}`, { signal: controller.signal });
    const body = await response.json();
    if (!response.ok) throw new Error(body?.errors?.[0]?.message ?? `HTTP ${response.status}`);
    cyjs = body;
    fetched = performance.now();
    draw(cyjs, view, params);
  } catch (error) {
    if (error.name === "AbortError") return;
    setStatus("error", `the map could not be drawn: ${error.message}`);
    return;
  }
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const done = performance.now();
  loading = null;
  const kinds = countTypes(graph);
  const ms = Math.round(done - started);
  setStatus("ready", `${cyjs.data?.name ?? view}: ${kinds} · ${graph.size.toLocaleString("en")} links · ${ms} ms`, {
    nodes: graph.order,
    edges: graph.size,
    // Fetching and reading the JSON, then building and drawing the graph.
    fetchMs: Math.round(fetched - started),
    drawMs: Math.round(done - fetched),
    ms,
    view,
  });
  fillNames();
  legend();
  showFocus();
}

/** Puts the map on screen, keeping known positions while only filters change. */
function draw(cyjs, view, params) {
  // A map without filters sets the positions; filtered maps keep them where they know the node.
  const unfiltered = ["cluster", "wijk", "fundingStream", "year", "minWeight"].every((k) => !params.has(k));
  const placeKey = `${view}|${params.get("area") ?? ""}|${params.get("node") ?? ""}|${params.get("seed") ?? ""}`;
  let kept = positions.get(placeKey);
  if (unfiltered || !kept) {
    kept = new Map();
    positions.set(placeKey, kept);
  }
  const next = toGraph(cyjs, unfiltered ? null : kept);
  next.forEachNode((key, a) => kept.has(key) || kept.set(key, { x: a.x, y: a.y }));
  focused = focused && next.hasNode(focused.node) ? neighbourhood(next, focused.node) : null;
  graph = next;
  // Big maps move without their links (and are drawn once, by setGraph).
  const big = graph.size > 50000;
  if (renderer.getSetting("hideEdgesOnMove") !== big) renderer.setSetting("hideEdgesOnMove", big);
  renderer.setGraph(graph);
}

function countTypes(g) {
  const counts = new Map();
  g.forEachNode((_, a) => counts.set(a.nodeType, (counts.get(a.nodeType) ?? 0) + 1));
  return [...counts]
    .map(([type, n]) => `${n.toLocaleString("en")} ${type?.toLowerCase() ?? "node"}${n === 1 ? "" : "s"}`)
    .join(", ");
}

// ---- the card (hover) ---------------------------------------------------------------------

const details = new Map();

/** The partner's interventions, from /graphql (once per partner). */
function partnerDetails(key) {
  if (details.has(key)) return details.get(key);
  const parts = key.split(":");
  const [type, slug] = parts.slice(-2);
  if (type !== "partner") return Promise.resolve(null);
  const area = parts.length > 2 ? parts[0] : form.elements.namedItem("area")?.value || null;
  const request = fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({
      query:
        "query($slug: String!, $area: String) { partner(slug: $slug, area: $area) { " +
        "interventions(first: 25) { totalCount nodes { name } } } }",
      variables: { slug, area },
    }),
  })
    .then((r) => r.json())
    .then((r) => r.data?.partner ?? null)
    .catch(() => null);
  details.set(key, request);
  return request;
}

const number = (x, digits = 3) => (Number.isFinite(Number(x)) ? Number(Number(x).toFixed(digits)).toLocaleString("en") : "–");

function row(dl, term, value) {
  if (value === undefined || value === null || value === "") return;
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  dd.textContent = value;
  dl.append(dt, dd);
}

function showCard(node) {
  const a = graph.getNodeAttributes(node);
  card.replaceChildren();
  card.dataset.node = node;
  const title = document.createElement("h2");
  title.textContent = a.label;
  const dl = document.createElement("dl");
  row(dl, "type", a.nodeType);
  row(dl, "kind", a.kind);
  row(dl, "clusters", a.clusters);
  row(dl, "degree", a.degree);
  row(dl, "weighted degree", number(a.weighted_degree, 2));
  row(dl, "betweenness", number(a.betweenness));
  row(dl, "PageRank", number(a.pagerank, 4));
  row(dl, "community", a.community);
  const interventions = document.createElement("div");
  interventions.className = "interventions";
  card.append(title, dl, interventions);
  card.hidden = false;
  partnerDetails(node).then((p) => {
    if (!p || card.dataset.node !== node) return;
    const head = document.createElement("h3");
    const total = p.interventions.totalCount;
    head.textContent = `${total} intervention${total === 1 ? "" : "s"}`;
    const list = document.createElement("ul");
    for (const i of p.interventions.nodes) {
      const li = document.createElement("li");
      li.textContent = i.name;
      list.append(li);
    }
    if (total > p.interventions.nodes.length) {
      const li = document.createElement("li");
      li.textContent = `… and ${total - p.interventions.nodes.length} more`;
      list.append(li);
    }
    interventions.replaceChildren(head, list);
  });
}

// ---- focus (click) ------------------------------------------------------------------------

function neighbourhood(g, node) {
  return { node, neighbours: new Set(g.neighbors(node)) };
}

function focusOn(node, { move = false } = {}) {
  focused = node && graph.hasNode(node) ? neighbourhood(graph, node) : null;
  renderer.refresh({ skipIndexation: true });
  if (focused) showCard(node);
  showFocus();
  if (focused && move) {
    const at = renderer.getNodeDisplayData(node);
    if (at) renderer.getCamera().animate({ x: at.x, y: at.y, ratio: 0.35 }, { duration: 400 });
  }
}

function showFocus() {
  focusPanel.replaceChildren();
  if (!focused) {
    focusPanel.hidden = true;
    delete focusPanel.dataset.node;
    return;
  }
  focusPanel.hidden = false;
  focusPanel.dataset.node = focused.node;
  focusPanel.dataset.neighbours = focused.neighbours.size;
  const head = document.createElement("h2");
  head.textContent = `Around ${graph.getNodeAttribute(focused.node, "label")}`;
  const note = document.createElement("p");
  note.textContent = `${focused.neighbours.size} neighbour${focused.neighbours.size === 1 ? "" : "s"} (click the background to show all)`;
  const weights = new Map();
  graph.forEachEdge(focused.node, (_, a, s, t) => {
    const other = s === focused.node ? t : s;
    weights.set(other, (weights.get(other) ?? 0) + (a.weight ?? 1));
  });
  const list = document.createElement("ol");
  for (const [other, weight] of [...weights].sort((x, y) => y[1] - x[1]).slice(0, 100)) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = graph.getNodeAttribute(other, "label");
    button.addEventListener("click", () => focusOn(other, { move: true }));
    li.append(button, ` ${number(weight, 2)}`);
    list.append(li);
  }
  const ego = document.createElement("a");
  if (focused.node.split(":").slice(-2)[0] === "partner") {
    const params = new URLSearchParams({ view: EGO, node: focused.node.split(":").slice(-2).join(":") });
    const area = form.elements.namedItem("area")?.value;
    if (area) params.set("area", area);
    ego.href = `/maps?${params}`;
    ego.textContent = "Open its ego map";
  }
  focusPanel.append(head, note, list, ego);
}

renderer.on("enterNode", ({ node }) => {
  container.classList.add("pointing");
  showCard(node);
});
renderer.on("leaveNode", () => {
  container.classList.remove("pointing");
  if (focused) showCard(focused.node);
});
renderer.on("clickNode", ({ node }) => focusOn(node));
renderer.on("clickStage", () => focusOn(null));

// ---- search, legend, labels -----------------------------------------------------------------

function fillNames() {
  const names = $("names");
  const options = [];
  graph.forEachNode((_, a) => {
    const option = document.createElement("option");
    option.value = a.label;
    options.push(option);
  });
  names.replaceChildren(...options);
}

function search() {
  const wanted = searchInput.value.trim().toLowerCase();
  if (!wanted) return;
  let found = null;
  graph.forEachNode((key, a) => {
    const label = String(a.label).toLowerCase();
    if (label === wanted) found = key;
    else if (!found && label.includes(wanted)) found = key;
  });
  searchInput.classList.toggle("missing", !found);
  if (found) focusOn(found, { move: true });
}

function legend() {
  const shown = new Map();
  graph.forEachNode((_, a) => {
    // The group the server coloured the node by (cluster, kind, community or progress band).
    const name = a.color_group;
    if (name && !shown.has(name)) shown.set(name, a.color);
  });
  const items = [...shown].sort().map(([name, color]) => {
    const li = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = color;
    li.append(swatch, name);
    return li;
  });
  $("legend").replaceChildren(...items);
}

function applyLabels() {
  // 0: hardly any labels … 10: every label there is room for.
  const level = Number(labelsInput.value);
  renderer.setSetting("labelDensity", 0.05 + level * 0.15);
  renderer.setSetting("labelRenderedSizeThreshold", Math.max(0, 14 - 1.4 * level));
}

// ---- the year slider ----------------------------------------------------------------------

let playing = false;

async function replay() {
  const button = $("play");
  if (playing) {
    playing = false;
    return;
  }
  playing = true;
  button.textContent = "❚❚ stop";
  for (let year = Number(yearInput.min) + 1; year <= Number(yearInput.max) && playing; year++) {
    yearInput.value = String(year);
    await load();
    await new Promise((resolve) => setTimeout(resolve, 900));
  }
  playing = false;
  button.textContent = "▶ replay";
}

// ---- wiring ---------------------------------------------------------------------------------

form.addEventListener("submit", (event) => {
  event.preventDefault();
  search();
});
form.addEventListener("change", (event) => {
  const id = event.target.id;
  if (id === "area") {
    location.search = `?area=${encodeURIComponent(event.target.value)}`;
  } else if (id === "labels") {
    applyLabels();
  } else if (id === "search") {
    search();
  } else {
    load();
  }
});
yearInput.addEventListener("input", () => {
  yearShown.textContent = allYears() ? "every year" : yearInput.value;
});
labelsInput.addEventListener("input", applyLabels);
$("play").addEventListener("click", replay);
$("zoom-in").addEventListener("click", () => renderer.getCamera().animatedZoom({ duration: 250 }));
$("zoom-out").addEventListener("click", () => renderer.getCamera().animatedUnzoom({ duration: 250 }));
$("zoom-reset").addEventListener("click", () => renderer.getCamera().animatedReset({ duration: 250 }));
renderer.getCamera().on("updated", (state) => {
  container.dataset.ratio = state.ratio.toFixed(4);
});

// Start from the map in the address (a shared link).
for (const [key, value] of new URLSearchParams(location.search)) {
  const field = form.elements.namedItem(key);
  if (field && "value" in field) field.value = value;
}
if (!new URLSearchParams(location.search).has("year")) yearInput.value = yearInput.min;
// No funding stream names a year: nothing to replay.
if (Number(yearInput.max) <= Number(yearInput.min)) yearInput.closest(".year").hidden = true;
applyLabels();
load();

// For scripts and the browser check (tests/browser/maps.mjs): the renderer and the graph.
window.samenhangMap = {
  get renderer() {
    return renderer;
  },
  get graph() {
    return graph;
  },
  load,
};
