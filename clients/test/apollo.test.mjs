// Apollo Client 4 (InMemoryCache, HttpLink) against samenhang: automatic persisted queries,
// a mutation whose payload updates the cache, and an error link that reads the code of a 401.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { ErrorLink } from "@apollo/client/link/error";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { parse } from "graphql";
import { PARTNER_LIST, PARTNER_PAGE, RENAME_PARTNER } from "./documents.mjs";
import {
  editorToken,
  lockedUrl,
  openUrl,
  recordingFetch,
  sha256,
  uniqueName,
} from "./helpers.mjs";

/** A client with the given links before its HttpLink, recording what it sends. */
function apollo({ uri, token, links = [] }) {
  const recorder = recordingFetch();
  const http = new HttpLink({
    uri,
    fetch: recorder.fetch,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const client = new ApolloClient({
    link: ApolloLink.from([...links, http]),
    cache: new InMemoryCache(),
  });
  return { client, exchanges: recorder.exchanges };
}

const apqLink = (useGETForHashedQueries = false) =>
  new PersistedQueryLink({ sha256, useGETForHashedQueries });

describe("Apollo Client 4 with automatic persisted queries", () => {
  for (const method of ["POST", "GET"]) {
    test(`the first request misses and registers, the second sends the hash alone (${method})`, async () => {
      const name = uniqueName("ApolloApq");
      const query = parse(`query ${name}($slug: String!) { partner(slug: $slug) { id slug } }`);
      const { client, exchanges } = apollo({ uri: openUrl(), links: [apqLink(method === "GET")] });

      const first = await client.query({ query, variables: { slug: "welzijn-lelystad" } });
      assert.equal(first.data.partner.slug, "welzijn-lelystad");
      // The hash alone, answered PersistedQueryNotFound; then the text with the hash.
      assert.equal(exchanges.length, 2, JSON.stringify(exchanges, null, 2));
      const [miss, register] = exchanges;
      assert.equal(miss.method, method);
      assert.equal(miss.body.query, undefined);
      const hash = miss.body.extensions.persistedQuery.sha256Hash;
      assert.equal(miss.body.extensions.persistedQuery.version, 1);
      assert.equal(miss.answer.errors[0].message, "PersistedQueryNotFound");
      assert.equal(miss.answer.errors[0].extensions.code, "PERSISTED_QUERY_NOT_FOUND");
      assert.equal(register.method, "POST");
      assert.equal(sha256(register.body.query), hash);
      assert.equal(register.body.extensions.persistedQuery.sha256Hash, hash);
      assert.equal(register.status, 200);
      assert.equal(register.answer.errors, undefined);

      // A second client (an empty cache, so it must ask) sends the hash and nothing else.
      const again = apollo({ uri: openUrl(), links: [apqLink(method === "GET")] });
      const second = await again.client.query({ query, variables: { slug: "welzijn-lelystad" } });
      assert.equal(second.data.partner.id, first.data.partner.id);
      assert.equal(again.exchanges.length, 1, JSON.stringify(again.exchanges, null, 2));
      assert.equal(again.exchanges[0].method, method);
      assert.equal(again.exchanges[0].body.query, undefined);
      assert.equal(again.exchanges[0].body.extensions.persistedQuery.sha256Hash, hash);
      assert.equal(again.exchanges[0].status, 200);
    });
  }

  test("a partner page runs with APQ on, paging with the connection's cursor", async () => {
    const { client } = apollo({ uri: openUrl(), links: [apqLink()] });
    const page1 = await client.query({
      query: PARTNER_PAGE,
      variables: { slug: "centrada", first: 5 },
    });
    const { interventions } = page1.data.partner;
    assert.equal(interventions.edges.length, 5);
    assert.ok(interventions.totalCount > 5);
    assert.equal(interventions.pageInfo.hasNextPage, true);
    const page2 = await client.query({
      query: PARTNER_PAGE,
      variables: { slug: "centrada", first: 5, after: interventions.pageInfo.endCursor },
    });
    const ids1 = interventions.edges.map((e) => e.node.id);
    const ids2 = page2.data.partner.interventions.edges.map((e) => e.node.id);
    assert.equal(ids2.length, 5);
    assert.deepEqual(
      ids2.filter((id) => ids1.includes(id)),
      [],
      "the second page repeats none of the first",
    );
  });
});

describe("Apollo Client 4: a mutation's payload updates the normalised cache", () => {
  test("a renamed partner shows its new name in a cached list, without a refetch", async () => {
    const { client, exchanges } = apollo({ uri: openUrl(), token: editorToken() });
    const list = await client.query({ query: PARTNER_LIST, variables: { first: 100 } });
    const halt = list.data.partners.nodes.find((p) => p.slug === "halt");
    assert.ok(halt, "Halt is in the list");

    // A component watching the list, as useQuery would.
    const seen = [];
    const subscription = client
      .watchQuery({ query: PARTNER_LIST, variables: { first: 100 }, fetchPolicy: "cache-first" })
      .subscribe((result) => seen.push(result.data?.partners.nodes.find((p) => p.id === halt.id)?.name));

    const before = exchanges.length;
    const renamed = `Halt Flevoland ${Date.now()}`;
    const result = await client.mutate({
      mutation: RENAME_PARTNER,
      variables: { id: halt.id, name: renamed },
    });
    assert.equal(result.data.updatePartner.name, renamed);
    assert.equal(result.data.updatePartner.id, halt.id);

    // The list is read from the cache: Partner:<id> was updated by the payload.
    const cached = client.readQuery({ query: PARTNER_LIST, variables: { first: 100 } });
    assert.equal(cached.partners.nodes.find((p) => p.id === halt.id).name, renamed);
    const cacheOnly = await client.query({
      query: PARTNER_LIST,
      variables: { first: 100 },
      fetchPolicy: "cache-only",
    });
    assert.equal(cacheOnly.data.partners.nodes.find((p) => p.id === halt.id).name, renamed);
    // The watcher saw the new name (the cache broadcasts within a few turns of the loop).
    for (let turn = 0; turn < 100 && seen.at(-1) !== renamed; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(seen.at(-1), renamed, `the watcher saw ${JSON.stringify(seen)}`);
    subscription.unsubscribe();
    // Only the mutation went over the wire.
    assert.equal(exchanges.length - before, 1, JSON.stringify(exchanges.slice(before), null, 2));
    assert.match(exchanges.at(-1).body.query, /mutation RenamePartner/);

    // And the server holds it: a fresh client reads the new name.
    const fresh = apollo({ uri: openUrl() });
    const page = await fresh.client.query({
      query: PARTNER_PAGE,
      variables: { slug: "halt", first: 1 },
    });
    assert.equal(page.data.partner.name, renamed);
  });
});

describe("Apollo Client 4: an error link reads extensions.code on a 401", () => {
  /** A client whose error link records what it saw. */
  function withErrorLink(uri, token) {
    const seen = [];
    const errorLink = new ErrorLink(({ error }) => {
      if (CombinedGraphQLErrors.is(error)) {
        for (const e of error.errors) seen.push({ kind: "graphql", code: e.extensions?.code });
      } else {
        seen.push({ kind: error?.name, message: error?.message });
      }
    });
    return { ...apollo({ uri, token, links: [errorLink] }), seen };
  }

  for (const [what, uri, token] of [
    ["a token the server does not know", openUrl, "smh_not-a-real-token"],
    ["no token on a server run with --anonymous none", lockedUrl, undefined],
  ]) {
    test(`UNAUTHENTICATED for ${what}`, async () => {
      const { client, exchanges, seen } = withErrorLink(uri(), token);
      await assert.rejects(
        client.query({ query: PARTNER_LIST, variables: { first: 1 } }),
        (error) => {
          assert.ok(
            CombinedGraphQLErrors.is(error),
            `a GraphQL error, not ${error?.name}: ${error?.message}`,
          );
          assert.equal(error.errors[0].extensions.code, "UNAUTHENTICATED");
          return true;
        },
      );
      assert.equal(exchanges.length, 1);
      assert.equal(exchanges[0].status, 401);
      assert.match(exchanges[0].contentType, /^application\/graphql-response\+json/);
      assert.deepEqual(seen, [{ kind: "graphql", code: "UNAUTHENTICATED" }]);
    });
  }

  test("the locked server answers the same client once it has a token", async () => {
    const token = process.env.SAMENHANG_LOCKED_TOKEN;
    assert.ok(token, "run.sh sets SAMENHANG_LOCKED_TOKEN");
    const { client, seen } = withErrorLink(lockedUrl(), token);
    const result = await client.query({ query: PARTNER_LIST, variables: { first: 1 } });
    assert.equal(result.data.partners.nodes.length, 1);
    assert.deepEqual(seen, []);
  });
});
