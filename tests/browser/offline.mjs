// Headless Chromium for the browser checks, with every host but the server's unreachable: the
// resolver maps every name but 127.0.0.1 to nothing, and requests to any other origin are
// aborted and counted. `blocked` collects those requests and `problems` every failed asset,
// page error, console error and Content-Security-Policy violation; a check ends by asserting
// both are empty (`finish`).
import assert from "node:assert/strict";
import puppeteer from "puppeteer-core";

// `respond(request)` may answer a request itself (a response for `request.respond`), or not (null).
export async function openOffline(origin, { width = 1280, height = 800, respond = null } = {}) {
  const blocked = [];
  const problems = [];
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-dev-shm-usage",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      `--window-size=${width},${height}`,
      // WebGL without a GPU (the map page draws with it).
      "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader",
    ],
  });
  const page = await browser.newPage();
  await page.setViewport({ width, height });
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const url = request.url();
    const answer = respond?.(request);
    if (answer) {
      request.respond(answer);
    } else if (url.startsWith("data:") || new URL(url).origin === origin) {
      request.continue();
    } else {
      blocked.push(url);
      request.abort("blockedbyclient");
    }
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  page.on("requestfailed", (request) => {
    problems.push(`failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() === "error" || /Content.Security.Policy/i.test(text)) {
      problems.push(`console ${message.type()}: ${text}`);
    }
  });
  // CSP violations, also those the console does not report.
  await page.evaluateOnNewDocument(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
    });
  });

  /** Runs `check(page)`, then fails on any blocked request or problem on the page. */
  const run = async (check) => {
    try {
      await check(page);
      const violations = await page.evaluate(() => window.__violations);
      problems.push(...violations.map((v) => `CSP: ${v}`));
    } catch (error) {
      // What the page ran into usually explains the failure.
      console.error("blocked requests:", blocked, "\nproblems on the page:", problems);
      throw error;
    } finally {
      await browser.close();
    }
    assert.deepEqual(blocked, [], "requests to other hosts");
    assert.deepEqual(problems, [], "problems on the page");
  };
  return { page, problems, run };
}
