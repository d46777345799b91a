// Starts GraphiQL against /graphql on this origin (subscriptions over a WebSocket on the same
// path). Loaded as a file, not inline, so the page's Content-Security-Policy allows scripts from
// 'self' only.
(function () {
  "use strict";
  // GraphiQL's dialogs add <style> elements; they take the nonce the page's policy allows from
  // here (webpack's convention, which the bundled react-style-singleton follows).
  window.__webpack_nonce__ = document.currentScript.nonce;

  var endpoint = new URL("/graphql", window.location.href);
  var socket = new URL(endpoint.href);
  socket.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

  var defaultQuery = [
    "# samenhang GraphiQL",
    "#",
    "# Run a query with Ctrl-Enter or the run button.",
    "# Docs (top left) lists every type and field.",
    "#",
    "# To send a token, open Headers below and add",
    '#   { "Authorization": "Bearer smh_…" }',
    "",
    "{",
    "  wijken(first: 20) {",
    "    totalCount",
    "    nodes {",
    "      slug",
    "      name",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");

  var fetcher = GraphiQL.createFetcher({
    url: endpoint.href,
    subscriptionUrl: socket.href,
  });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    })
  );
})();
