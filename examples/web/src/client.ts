// The urql client: a document cache, trusted documents sent by their hash alone, and fetch.
import { Client, cacheExchange, fetchExchange } from "urql";
import { persistedExchange } from "@urql/exchange-persisted";

/** The documents GraphQL Codegen generates carry their manifest hash in `__meta__`. */
type PersistedDocument = { __meta__?: { hash?: string } };

export const client = new Client({
  // In development Vite forwards /graphql to the server (vite.config.ts).
  url: import.meta.env.VITE_SAMENHANG_URL ?? "/graphql",
  exchanges: [
    cacheExchange,
    // Only documents of src/gql/persisted-documents.json are sent, by hash, never as text:
    // run the server with `--trusted-documents` (and `--persisted-only` in production).
    persistedExchange({
      enforcePersistedQueries: true,
      enableForMutation: true,
      generateHash: async (_text, document) => {
        const hash = (document as PersistedDocument).__meta__?.hash;
        if (!hash) throw new Error("a document that GraphQL Codegen did not generate");
        return hash;
      },
    }),
    fetchExchange,
  ],
});
