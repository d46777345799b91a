// How long the interactive map page (/maps) takes to draw a map in headless Chromium, and to
// draw a frame afterwards (issue 13). A figure for BENCHMARKS.md, not a test.
//
//   (cd tests/browser && npm ci)
//   samenhang generate national.yaml --size national && samenhang import national.yaml
//   samenhang serve --request-timeout-secs 600 &
//   node bench/map_page.mjs http://127.0.0.1:8080 synthetisch-nationaal [MAP.cyjs]
//
// With MAP.cyjs (e.g. saved with curl from /maps/collaboration.cyjs?area=…) the page's request
// for the map is answered with that file, so the figures are the browser's alone: reading the
// JSON, building the graph and drawing it (WebGL in software: SwiftShader, no GPU). Without it
// they include the server computing the map and its layout.
import { readFileSync } from "node:fs";
import { openOffline } from "../tests/browser/offline.mjs";

const [base, area, saved] = process.argv.slice(2);
if (!base || !area) {
  console.error("usage: node bench/map_page.mjs http://127.0.0.1:PORT AREA [MAP.cyjs]");
  process.exit(2);
}
const origin = new URL(base).origin;
const body = saved ? readFileSync(saved) : null;
// The page's request for the map is answered with the saved file, when there is one.
const respond = (request) =>
  body && request.url().includes(".cyjs") ? { status: 200, contentType: "application/json", body } : null;
const { run } = await openOffline(origin, { width: 1400, height: 860, respond });

await run(async (page) => {
  const started = Date.now();
  await page.goto(`${origin}/maps?area=${encodeURIComponent(area)}`, { timeout: 900000 });
  await page.waitForSelector("#status[data-state=ready]", { timeout: 900000 });
  const wall = Date.now() - started;
  const shown = await page.$eval("#status", (e) => ({ ...e.dataset }));
  // Frames after the first: the camera moves (zoom), sigma draws every node and link again;
  // from the change to the end of the frame.
  const frames = await page.evaluate(async () => {
    const { renderer } = window.samenhangMap;
    const camera = renderer.getCamera();
    const times = [];
    for (let i = 1; i <= 9; i++) {
      const drawn = new Promise((resolve) => renderer.once("afterRender", resolve));
      const t = performance.now();
      camera.setState({ ratio: 1 / (1 + i / 10) });
      await drawn;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  });
  console.log(
    JSON.stringify(
      {
        nodes: Number(shown.nodes),
        links: Number(shown.edges),
        json: body ? `${(body.length / 1e6).toFixed(1)} MB (saved file)` : "from the server",
        fetchAndParseMs: Number(shown.fetchMs),
        buildAndDrawMs: Number(shown.drawMs),
        pageToDrawnMs: wall,
        frameMedianMs: Math.round(frames),
      },
      null,
      2,
    ),
  );
});
