// urql (@urql/core with cacheExchange, persistedExchange and fetchExchange) against
// samenhang: automatic persisted queries over GET and POST, and the code of a 401.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Client, cacheExchange, fetchExchange, gql } from "@urql/core";
import { persistedExchange } from "@urql/exchange-persisted";
import { PARTNER_PAGE } from "./documents.mjs";
import { lockedUrl, openUrl, recordingFetch, sha256, uniqueName } from "./helpers.mjs";

/** An urql client with APQ, recording what it sends. */
function urql({ url, token, preferGet = true }) {
  const recorder = recordingFetch();
  const client = new Client({
    url,
    fetch: recorder.fetch,
    fetchOptions: token ? { headers: { authorization: `Bearer ${token}` } } : {},
    exchanges: [
      cacheExchange,
      persistedExchange({ preferGetForPersistedQueries: preferGet ? "within-url-limit" : false }),
      fetchExchange,
    ],
  });
  return { client, exchanges: recorder.exchanges };
}

describe("urql with persistedExchange", () => {
  for (const method of ["GET", "POST"]) {
    test(`the first request misses and registers, the second sends the hash alone (${method})`, async () => {
      const name = uniqueName("UrqlApq");
      const query = gql(`query ${name}($slug: String!) { partner(slug: $slug) { id name } }`);
      const { client, exchanges } = urql({ url: openUrl(), preferGet: method === "GET" });

      const first = await client.query(query, { slug: "politie" }).toPromise();
      assert.equal(first.error, undefined, first.error?.message);
      assert.ok(first.data.partner.name.length > 0);
      assert.equal(exchanges.length, 2, JSON.stringify(exchanges, null, 2));
      const [miss, register] = exchanges;
      assert.equal(miss.method, method);
      assert.equal(miss.body.query, undefined);
      const hash = miss.body.extensions.persistedQuery.sha256Hash;
      assert.equal(miss.answer.errors[0].message, "PersistedQueryNotFound");
      assert.equal(miss.answer.errors[0].extensions.code, "PERSISTED_QUERY_NOT_FOUND");
      assert.equal(register.method, method);
      assert.equal(sha256(register.body.query), hash);
      assert.equal(register.body.extensions.persistedQuery.sha256Hash, hash);
      assert.equal(register.status, 200);

      // Another client, with its own (empty) cache: the hash alone now runs.
      const again = urql({ url: openUrl(), preferGet: method === "GET" });
      const second = await again.client.query(query, { slug: "politie" }).toPromise();
      assert.equal(second.error, undefined, second.error?.message);
      assert.equal(second.data.partner.name, first.data.partner.name);
      assert.equal(again.exchanges.length, 1, JSON.stringify(again.exchanges, null, 2));
      assert.equal(again.exchanges[0].method, method);
      assert.equal(again.exchanges[0].body.query, undefined);
      assert.equal(again.exchanges[0].body.extensions.persistedQuery.sha256Hash, hash);
    });
  }

  test("a partner page pages with the connection's cursor, APQ on", async () => {
    const { client } = urql({ url: openUrl() });
    const seen = new Set();
    let after = null;
    let total;
    for (let page = 0; page < 20; page++) {
      const result = await client
        .query(PARTNER_PAGE, { slug: "gemeente-lelystad", first: 10, after })
        .toPromise();
      assert.equal(result.error, undefined, result.error?.message);
      const { interventions } = result.data.partner;
      total = interventions.totalCount;
      for (const edge of interventions.edges) {
        assert.ok(!seen.has(edge.node.id), `${edge.node.id} twice`);
        seen.add(edge.node.id);
      }
      if (!interventions.pageInfo.hasNextPage) break;
      after = interventions.pageInfo.endCursor;
    }
    assert.ok(total > 10, "more than one page");
    assert.equal(seen.size, total);
  });
});

describe("urql: extensions.code on a 401", () => {
  for (const [what, url, token] of [
    ["a token the server does not know", openUrl, "smh_not-a-real-token"],
    ["no token on a server run with --anonymous none", lockedUrl, undefined],
  ]) {
    test(`UNAUTHENTICATED for ${what}`, async () => {
      const { client, exchanges } = urql({ url: url(), token });
      const result = await client
        .query(gql`query Few { partners(first: 1) { nodes { id } } }`, {})
        .toPromise();
      assert.ok(result.error, "an error");
      assert.equal(result.data, undefined);
      assert.deepEqual(
        result.error.graphQLErrors.map((e) => e.extensions?.code),
        ["UNAUTHENTICATED"],
        result.error.message,
      );
      assert.equal(result.error.response?.status, 401);
      assert.match(exchanges.at(-1).contentType, /^application\/graphql-response\+json/);
    });

    test(`${what}: refused before the hash is looked up, in one request`, async () => {
      // A client without a valid token learns nothing about the stored documents, and does
      // not send the text after a miss it should never have been told about.
      const { client, exchanges } = urql({ url: url(), token });
      const name = uniqueName("Refused");
      await client.query(gql(`query ${name} { partners(first: 1) { nodes { id } } }`), {}).toPromise();
      assert.equal(exchanges.length, 1, JSON.stringify(exchanges, null, 2));
      assert.equal(exchanges[0].status, 401);
    });
  }
});
