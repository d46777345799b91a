// The APQ protocol over plain HTTP, where the client libraries never go: a hash that does not
// match the text, and a document registered over POST then run by hash over GET.
import assert from "node:assert/strict";
import { test } from "node:test";
import { codes, openUrl, post, sha256, uniqueName } from "./helpers.mjs";

test("a text whose hash does not match is refused, and not stored", async () => {
  const query = `query ${uniqueName("Mismatch")} { partners(first: 1) { totalCount } }`;
  const wrong = sha256(`${query} `);
  const answer = await post(openUrl(), {
    query,
    extensions: { persistedQuery: { version: 1, sha256Hash: wrong } },
  });
  assert.deepEqual(codes(answer.answer), ["PERSISTED_QUERY_HASH_MISMATCH"]);
  assert.equal(answer.answer.data, undefined);
  const later = await post(openUrl(), {
    extensions: { persistedQuery: { version: 1, sha256Hash: wrong } },
  });
  assert.deepEqual(codes(later.answer), ["PERSISTED_QUERY_NOT_FOUND"]);
});

test("registered over POST, run by hash over GET", async () => {
  const query = `query ${uniqueName("Both")}($first: Int!) { partners(first: $first) { totalCount } }`;
  const persistedQuery = { version: 1, sha256Hash: sha256(query) };
  const registered = await post(openUrl(), {
    query,
    variables: { first: 1 },
    extensions: { persistedQuery },
  });
  assert.equal(registered.status, 200, JSON.stringify(registered.answer));
  const total = registered.answer.data.partners.totalCount;
  assert.ok(total > 0);

  const url = new URL(openUrl());
  url.searchParams.set("variables", JSON.stringify({ first: 1 }));
  url.searchParams.set("extensions", JSON.stringify({ persistedQuery }));
  const response = await fetch(url, { headers: { accept: "application/graphql-response+json" } });
  const answer = await response.json();
  assert.equal(response.status, 200, JSON.stringify(answer));
  assert.equal(answer.data.partners.totalCount, total);
});
