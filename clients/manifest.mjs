// Writes the trusted-documents manifest of the client tests to stdout: `{ "<sha256 hex>":
// "<document>" }`, the format GraphQL Codegen's client preset writes. Each document is the
// text Apollo Client 4 sends for it (InMemoryCache adds `__typename`), so a client with the
// persisted-query link finds its hash in the manifest.
import { InMemoryCache } from "@apollo/client";
import { print } from "graphql";
import { FUNDING_OVERVIEW, PARTNER_LIST, PARTNER_PAGE } from "./test/documents.mjs";
import { sha256 } from "./test/helpers.mjs";

/** The text Apollo sends for a document. */
export const apolloText = (document) => print(new InMemoryCache().transformDocument(document));

/** The trusted documents: the partner page, the partner list and the funding overview. */
export const TRUSTED = [PARTNER_PAGE, PARTNER_LIST, FUNDING_OVERVIEW];

export function manifest() {
  return Object.fromEntries(
    TRUSTED.map((document) => {
      const text = apolloText(document);
      return [sha256(text), text];
    }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(manifest(), null, 2)}\n`);
}
