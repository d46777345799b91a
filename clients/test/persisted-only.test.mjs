// A server run with `--persisted-only --trusted-documents …`: the documents of its manifests
// run by hash, anything else is refused. The manifests are the client tests' own (manifest.mjs)
// and, when run.sh is given one, the one GraphQL Codegen's client preset writes for
// examples/web.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { ApolloClient, HttpLink, InMemoryCache, ApolloLink } from "@apollo/client";
import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { Client, cacheExchange, fetchExchange } from "@urql/core";
import { persistedExchange } from "@urql/exchange-persisted";
import { parse } from "graphql";
import { apolloText, manifest } from "../manifest.mjs";
import { NOT_IN_MANIFEST, PARTNER_LIST, PARTNER_PAGE } from "./documents.mjs";
import { codes, persistedUrl, post, recordingFetch, sha256, uniqueName } from "./helpers.mjs";

function apollo() {
  const recorder = recordingFetch();
  const client = new ApolloClient({
    link: ApolloLink.from([
      new PersistedQueryLink({ sha256 }),
      new HttpLink({ uri: persistedUrl(), fetch: recorder.fetch }),
    ]),
    cache: new InMemoryCache(),
  });
  return { client, exchanges: recorder.exchanges };
}

describe("a persisted-only server", () => {
  test("Apollo runs a document of the manifest by its hash, in one request", async () => {
    const { client, exchanges } = apollo();
    const result = await client.query({
      query: PARTNER_PAGE,
      variables: { slug: "centrada", first: 3 },
    });
    assert.equal(result.data.partner.interventions.edges.length, 3);
    assert.equal(exchanges.length, 1, JSON.stringify(exchanges, null, 2));
    assert.equal(exchanges[0].body.query, undefined);
    assert.equal(
      exchanges[0].body.extensions.persistedQuery.sha256Hash,
      sha256(apolloText(PARTNER_PAGE)),
    );
  });

  test("Apollo's unknown document is refused: PERSISTED_QUERY_REQUIRED", async () => {
    const { client, exchanges } = apollo();
    await assert.rejects(client.query({ query: NOT_IN_MANIFEST }), (error) => {
      assert.ok(CombinedGraphQLErrors.is(error), `a GraphQL error, not ${error?.name}: ${error?.message}`);
      assert.deepEqual(
        error.errors.map((e) => e.extensions?.code),
        ["PERSISTED_QUERY_REQUIRED"],
      );
      return true;
    });
    // The hash misses; the link sends the text, which no manifest holds.
    assert.equal(exchanges.length, 2, JSON.stringify(exchanges, null, 2));
    assert.deepEqual(codes(exchanges[0].answer), ["PERSISTED_QUERY_NOT_FOUND"]);
    assert.equal(exchanges[1].status, 400);
    assert.match(exchanges[1].contentType, /^application\/graphql-response\+json/);
    assert.equal(exchanges[1].answer.data, undefined);
  });

  test("over plain HTTP: text outside the manifest, an unknown hash, an APQ registration", async () => {
    const text = await post(persistedUrl(), { query: "{ partners(first: 1) { totalCount } }" });
    assert.equal(text.status, 400);
    assert.match(text.contentType, /^application\/graphql-response\+json/);
    assert.deepEqual(codes(text.answer), ["PERSISTED_QUERY_REQUIRED"]);
    assert.equal(text.answer.data, undefined);

    const unknown = await post(persistedUrl(), {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256("no such document") } },
    });
    assert.deepEqual(codes(unknown.answer), ["PERSISTED_QUERY_NOT_FOUND"]);
    assert.equal(unknown.answer.data, undefined);

    // Registering a new document the APQ way is refused, and registers nothing.
    const query = `query ${uniqueName("Sneaky")} { partners(first: 1) { totalCount } }`;
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };
    const register = await post(persistedUrl(), { query, extensions: { persistedQuery } });
    assert.equal(register.answer.data, undefined);
    assert.ok(codes(register.answer).length > 0, JSON.stringify(register.answer));
    const after = await post(persistedUrl(), { extensions: { persistedQuery } });
    assert.deepEqual(codes(after.answer), ["PERSISTED_QUERY_NOT_FOUND"]);
  });

  test("a document of the manifest also runs when sent as its text", async () => {
    const answer = await post(persistedUrl(), {
      query: apolloText(PARTNER_LIST),
      variables: { first: 2 },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.answer));
    assert.equal(answer.answer.errors, undefined);
    assert.equal(answer.answer.data.partners.nodes.length, 2);
  });

  test("urql sends the manifest's hashes alone, as the codegen client preset sets it up", async () => {
    // Documents as the client preset generates them: the hash in `__meta__`.
    const documents = Object.entries(manifest()).map(([hash, text]) => ({
      ...parse(text),
      __meta__: { hash },
    }));
    const recorder = recordingFetch();
    const client = new Client({
      url: persistedUrl(),
      fetch: recorder.fetch,
      exchanges: [
        cacheExchange,
        persistedExchange({
          enforcePersistedQueries: true,
          enableForMutation: true,
          generateHash: async (_text, document) => document.__meta__.hash,
        }),
        fetchExchange,
      ],
    });
    const [page] = documents.filter((d) => d.definitions[0].name.value === "PartnerPage");
    const result = await client.query(page, { slug: "halt", first: 2 }).toPromise();
    assert.equal(result.error, undefined, result.error?.message);
    assert.equal(result.data.partner.slug, "halt");
    assert.equal(recorder.exchanges.length, 1);
    assert.equal(recorder.exchanges[0].body.query, undefined);
    assert.equal(recorder.exchanges[0].body.extensions.persistedQuery.sha256Hash, page.__meta__.hash);
  });
});

// The manifest GraphQL Codegen wrote for examples/web (`npm run codegen` there), when run.sh
// was given it: every query in it runs by hash on the persisted-only server.
const exampleManifest = process.env.SAMENHANG_EXAMPLE_MANIFEST;
/** Variables for the example app's operations, by operation name. */
const EXAMPLE_VARIABLES = {
  PartnerPage: { slug: "centrada" },
  PartnerInterventions: { slug: "centrada", first: 5, after: null },
  FundingOverview: { first: 10 },
};

describe("the example app's codegen manifest", { skip: !exampleManifest && "no manifest given" }, () => {
  test("every query of examples/web runs by its hash alone", async () => {
    const entries = Object.entries(JSON.parse(readFileSync(exampleManifest, "utf8")));
    assert.ok(entries.length > 0);
    let ran = 0;
    for (const [hash, text] of entries) {
      assert.equal(sha256(text), hash, "the manifest's hashes are sha256 hex of the text");
      const operation = parse(text).definitions.find((d) => d.kind === "OperationDefinition");
      if (operation.operation !== "query") continue;
      const name = operation.name?.value;
      const variables = EXAMPLE_VARIABLES[name];
      assert.ok(variables, `no variables for ${name}: add them to EXAMPLE_VARIABLES`);
      const { status, answer } = await post(persistedUrl(), {
        operationName: name,
        variables,
        extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
      });
      assert.equal(status, 200, JSON.stringify(answer));
      assert.equal(answer.errors, undefined, `${name}: ${JSON.stringify(answer.errors)}`);
      ran++;
    }
    assert.ok(ran > 0, "the manifest holds queries");
  });
});
