// Renders samenhang's GraphiQL in headless Chromium with every other host unreachable (the
// resolver maps every name but 127.0.0.1 to nothing, and requests to any other origin are
// aborted and counted), then runs queries through it: anonymously, and with a token set in
// GraphiQL's headers editor. Fails on any blocked request, failed asset, page error or
// Content-Security-Policy violation.
// Usage: node graphiql.mjs http://127.0.0.1:PORT ADMIN_TOKEN SCREENSHOT.png
//   (CHROMIUM names the browser; /usr/bin/chromium by default.)
import assert from "node:assert/strict";
import puppeteer from "puppeteer-core";

const [base, token, screenshot] = process.argv.slice(2);
if (!base || !token || !screenshot) {
  console.error("usage: node graphiql.mjs http://127.0.0.1:PORT ADMIN_TOKEN SCREENSHOT.png");
  process.exit(2);
}
const origin = new URL(base).origin;

const blocked = [];
const problems = [];
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--window-size=1280,800",
  ],
});

try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const url = request.url();
    if (url.startsWith("data:") || new URL(url).origin === origin) {
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

  await page.goto(`${origin}/`, { waitUntil: "networkidle0" });
  assert.equal(await page.title(), "samenhang GraphiQL");
  await page.waitForSelector(".graphiql-query-editor .CodeMirror", { timeout: 30000 });

  // Sets the query (GraphiQL reads what it is, query or subscription, a moment after an edit).
  const setQuery = async (query) => {
    await page.evaluate((q) => {
      document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue(q);
    }, query);
    await new Promise((resolve) => setTimeout(resolve, 500));
  };
  // Sets the query, runs it with the run button and returns the result pane's JSON.
  const run = async (query) => {
    await setQuery(query);
    await page.evaluate(() => {
      const response = document.querySelector(".graphiql-response .CodeMirror");
      response.CodeMirror.setValue("");
    });
    await page.click(".graphiql-execute-button");
    await page.waitForFunction(
      () => {
        const text = document.querySelector(".graphiql-response .CodeMirror").CodeMirror.getValue();
        try {
          JSON.parse(text);
          return true;
        } catch {
          return false;
        }
      },
      { timeout: 30000 },
    );
    return page.evaluate(() =>
      JSON.parse(document.querySelector(".graphiql-response .CodeMirror").CodeMirror.getValue()),
    );
  };

  // Anonymous read: the wijken of Lelystad Oost.
  const wijken = await run(
    '{\n  area(slug: "lelystad-oost") { name }\n  wijken(first: 20) {\n    totalCount\n    nodes { slug name }\n  }\n}\n',
  );
  assert.equal(wijken.errors, undefined, JSON.stringify(wijken));
  assert.equal(wijken.data.area.name, "Samen Lelystad Oost");
  const slugs = wijken.data.wijken.nodes.map((w) => w.slug);
  assert.ok(slugs.includes("atolwijk"), `wijken: ${slugs}`);
  // What a person sees: the result pane shows the data.
  const shown = await page.$eval(".graphiql-response", (e) => e.innerText);
  assert.match(shown, /atolwijk/);
  await page.screenshot({ path: screenshot });

  // The documentation explorer reads the schema; the dialogs add <style> elements, which the
  // page's policy allows by its nonce only.
  await page.click('button[aria-label="Show Documentation Explorer"]');
  await page.waitForFunction(() => /Query/.test(document.querySelector(".graphiql-doc-explorer")?.innerText ?? ""));
  for (const dialog of ["Open settings dialog", "Open short keys dialog"]) {
    await page.click(`button[aria-label="${dialog}"]`);
    await page.waitForSelector(".graphiql-dialog", { visible: true });
    await page.keyboard.press("Escape");
    await page.waitForSelector(".graphiql-dialog", { hidden: true });
  }

  // The token table needs an admin: refused anonymously, answered with the token from the
  // headers editor.
  const tokens = "{ apiTokens { name role } }";
  const refused = await run(tokens);
  assert.equal(refused.errors?.[0]?.extensions?.code, "UNAUTHENTICATED", JSON.stringify(refused));
  await page.click('button[data-name="headers"]');
  const headersEditor = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror";
  await page.waitForSelector(headersEditor, { visible: true });
  assert.equal(await page.$eval(".graphiql-editor-tool", (e) => e.getAttribute("aria-label")), "Headers");
  await page.$eval(
    headersEditor,
    (e, t) => e.CodeMirror.setValue(JSON.stringify({ Authorization: `Bearer ${t}` }, null, 2)),
    token,
  );
  const allowed = await run(tokens);
  assert.equal(allowed.errors, undefined, JSON.stringify(allowed));
  assert.ok(allowed.data.apiTokens.some((t) => t.name === "browser-check"), JSON.stringify(allowed));

  // A subscription over the WebSocket on /graphql (connect-src 'self'), authorised by the same
  // headers: a write made meanwhile shows up in the result pane. Writes repeat until one
  // arrives, as the socket may open after the first.
  await page.evaluate(() => document.querySelector(".graphiql-response .CodeMirror").CodeMirror.setValue(""));
  await setQuery("subscription {\n  changes {\n    operation\n    nodeType\n    node { ... on Area { slug } }\n  }\n}\n");
  await page.click(".graphiql-execute-button");
  const shows = (text) =>
    page.evaluate(
      (t) => document.querySelector(".graphiql-response .CodeMirror").CodeMirror.getValue().includes(t),
      text,
    );
  let arrived = false;
  for (let attempt = 1; attempt <= 30 && !arrived; attempt++) {
    const write = await fetch(`${origin}/graphql`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: "mutation($i: CreateAreaInput!) { createArea(input: $i) { id } }",
        variables: { i: { slug: `browser-${attempt}`, name: `Browser ${attempt}` } },
      }),
    });
    assert.equal(write.status, 200);
    await page
      .waitForFunction(
        () => /"slug": "browser-\d+"/.test(document.querySelector(".graphiql-response .CodeMirror").CodeMirror.getValue()),
        { timeout: 1000 },
      )
      .then(() => (arrived = true))
      .catch(() => {});
  }
  if (!arrived) await page.screenshot({ path: screenshot });
  assert.ok(
    arrived,
    `no change arrived over the subscription: ${await page.$eval(".graphiql-response", (e) => e.innerText)} ${problems}`,
  );
  assert.ok(await shows('"operation": "CREATED"'));

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
console.log(`GraphiQL at ${origin}/ ran its queries offline; screenshot in ${screenshot}`);
