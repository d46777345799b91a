// Drives samenhang's interactive map page (/maps) in headless Chromium with every other host
// unreachable (offline.mjs): the Lelystad Oost collaboration map is drawn with as many nodes
// and links as its Cytoscape JSON holds, wheel zoom moves the camera and changes the picture,
// hovering a node shows its card (with its interventions from /graphql), a click focuses its
// neighbours, the search finds a name, and a filter reloads the map and the download links.
// Fails on any blocked request, failed asset, page error or Content-Security-Policy violation.
// Usage: node maps.mjs http://127.0.0.1:PORT SCREENSHOT.png
//   (CHROMIUM names the browser; /usr/bin/chromium by default.)
import assert from "node:assert/strict";
import { openOffline } from "./offline.mjs";

const [base, screenshot] = process.argv.slice(2);
if (!base || !screenshot) {
  console.error("usage: node maps.mjs http://127.0.0.1:PORT SCREENSHOT.png");
  process.exit(2);
}
const origin = new URL(base).origin;
const { run } = await openOffline(origin, { width: 1400, height: 860 });

/** Waits until the page says the map is drawn and returns what it says. */
const ready = (page) =>
  page
    .waitForSelector("#status[data-state=ready]", { timeout: 60000 })
    .then(() => page.$eval("#status", (e) => ({ ...e.dataset, text: e.textContent })));

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

await run(async (page) => {
  await page.goto(`${origin}/maps`, { waitUntil: "networkidle0" });
  assert.equal(await page.title(), "samenhang · network maps");

  // The collaboration map of Lelystad Oost, as many nodes and links as the route serves.
  const shown = await ready(page);
  const served = await (await fetch(`${origin}/maps/collaboration.cyjs?area=lelystad-oost`)).json();
  assert.equal(Number(shown.nodes), served.elements.nodes.length, JSON.stringify(shown));
  assert.equal(Number(shown.edges), served.elements.edges.length, JSON.stringify(shown));
  assert.ok(Number(shown.nodes) >= 40, JSON.stringify(shown));
  assert.match(shown.text, /partners/);
  assert.equal(shown.view, "collaboration");
  // Something is drawn: the label layer (a 2D canvas) has ink.
  const inked = await page.evaluate(() => {
    const canvas = window.samenhangMap.renderer.getCanvases().labels;
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });
  assert.ok(inked > 500, `label pixels: ${inked}`);
  const graph = await page.$("#graph");
  const box = await graph.boundingBox();
  const before = await graph.screenshot();

  // Wheel zoom moves the camera and changes the picture.
  const ratio = () => page.evaluate(() => window.samenhangMap.renderer.getCamera().getState().ratio);
  const ratio0 = await ratio();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel({ deltaY: -600 });
  await page.waitForFunction((r) => window.samenhangMap.renderer.getCamera().getState().ratio < r, { timeout: 5000 }, ratio0);
  await pause(500);
  assert.ok((await ratio()) < ratio0);
  assert.ok(!before.equals(await graph.screenshot()), "zooming changed nothing on screen");
  await page.click("#zoom-reset");
  await page.waitForFunction((r) => Math.abs(window.samenhangMap.renderer.getCamera().getState().ratio - r) < 1e-6, { timeout: 5000 }, ratio0);
  await pause(300);

  // Where a node is on screen.
  const at = (key) =>
    page.evaluate((k) => {
      const { renderer, graph } = window.samenhangMap;
      const { x, y } = renderer.graphToViewport(graph.getNodeAttributes(k));
      const rect = renderer.getContainer().getBoundingClientRect();
      return { x: rect.left + x, y: rect.top + y };
    }, key);
  // The biggest node (drawn on top of its neighbours), and its neighbours.
  const [key, label, neighbours] = await page.evaluate(() => {
    const { graph } = window.samenhangMap;
    let best = null;
    graph.forEachNode((k, a) => {
      if (!best || a.size > graph.getNodeAttribute(best, "size")) best = k;
    });
    return [best, graph.getNodeAttribute(best, "label"), graph.neighbors(best).length];
  });

  // Hover: the node's card, with its interventions from /graphql.
  const point = await at(key);
  await page.mouse.move(point.x, point.y);
  await page.waitForFunction((k) => document.querySelector("#card")?.dataset.node === k, { timeout: 5000 }, key);
  assert.equal(await page.$eval("#card h2", (e) => e.textContent), label);
  const card = await page.$eval("#card", (e) => e.innerText);
  for (const field of ["type", "clusters", "degree", "betweenness", "PageRank"]) {
    assert.match(card, new RegExp(field), card);
  }
  await page.waitForFunction(() => /\d+ interventions?/.test(document.querySelector("#card h3")?.textContent ?? ""), {
    timeout: 10000,
  });
  assert.ok((await page.$$eval("#card li", (l) => l.length)) > 0);
  await page.screenshot({ path: screenshot });

  // Click: the node's neighbourhood, listed beside the map; the others fade.
  assert.equal(await page.$eval("#focus", (e) => e.hidden), true);
  const unfocused = await graph.screenshot();
  await page.mouse.click(point.x, point.y);
  await page.waitForFunction((k) => document.querySelector("#focus")?.dataset.node === k, { timeout: 5000 }, key);
  assert.equal(await page.$eval("#focus", (e) => e.hidden), false);
  assert.equal(Number(await page.$eval("#focus", (e) => e.dataset.neighbours)), neighbours);
  assert.equal(await page.$$eval("#focus li", (l) => l.length), Math.min(neighbours, 100));
  await pause(300);
  assert.ok(!unfocused.equals(await graph.screenshot()), "focusing changed nothing on screen");
  // A click on the background shows everything again.
  await page.mouse.click(box.x + 5, box.y + 5);
  await page.waitForFunction(() => document.querySelector("#focus").hidden, { timeout: 5000 });

  // Search: a name focuses its node.
  const halt = "partner:halt";
  await page.type("#search", "Halt");
  await page.keyboard.press("Enter");
  await page.waitForFunction((k) => document.querySelector("#focus")?.dataset.node === k, { timeout: 5000 }, halt);

  // Coloured by progress, the legend names the bands the map's nodes are in, as the map file
  // the page downloads groups them (on the whole map: a filtered one may be empty).
  await page.evaluate(() => (document.querySelector("#status").dataset.state = "stale"));
  await page.select("#color", "progress");
  await ready(page);
  const cyjsLink = await page.$eval(".downloads a[data-ext=cyjs]", (a) => a.getAttribute("href"));
  assert.match(cyjsLink, /color=progress/, cyjsLink);
  const file = await (await fetch(`${origin}${cyjsLink}`)).json();
  const bands = [...new Set(file.elements.nodes.map((n) => n.data.color_group).filter(Boolean))].sort();
  assert.ok(bands.length > 0, cyjsLink);
  const legendItems = await page.$$eval("#legend li", (l) => l.map((li) => li.textContent).sort());
  assert.deepEqual(legendItems, bands);
  await page.evaluate(() => (document.querySelector("#status").dataset.state = "stale"));
  await page.select("#color", "cluster");
  await ready(page);

  // A filter reloads the map from its route and moves every download link along.
  const cluster = await page.$eval("#cluster option:nth-child(2)", (o) => o.value);
  await page.evaluate(() => (document.querySelector("#status").dataset.state = "stale"));
  await page.select("#cluster", cluster);
  const filtered = await ready(page);
  const expected = await (await fetch(`${origin}/maps/collaboration.cyjs?area=lelystad-oost&cluster=${cluster}`)).json();
  assert.equal(Number(filtered.nodes), expected.elements.nodes.length, JSON.stringify(filtered));
  assert.ok(Number(filtered.nodes) < Number(shown.nodes), JSON.stringify(filtered));
  const links = await page.$$eval(".downloads a", (l) => l.map((a) => a.getAttribute("href")));
  assert.ok(links.length >= 7, links.join(" "));
  for (const link of links) {
    assert.match(link, new RegExp(`^/maps/collaboration\\.[a-z.]+\\?area=lelystad-oost&cluster=${cluster}`), link);
    const file = await fetch(`${origin}${link}`);
    assert.equal(file.status, 200, link);
  }
  // The year slider: one year of the timeline.
  const year = await page.$eval("#year", (e) => Number(e.min) + 3);
  await page.evaluate(() => (document.querySelector("#status").dataset.state = "stale"));
  await page.$eval(
    "#year",
    (e, y) => {
      e.value = String(y);
      e.dispatchEvent(new Event("change", { bubbles: true }));
    },
    year,
  );
  await ready(page);
  assert.match(await page.$eval(".downloads a", (a) => a.getAttribute("href")), new RegExp(`year=${year}`));
  assert.equal(await page.$eval("#year-shown", (e) => e.textContent), String(year));
});

console.log(`the map page at ${origin}/maps drew, zoomed, focused and filtered offline; screenshot in ${screenshot}`);
