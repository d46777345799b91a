// GraphQL Code Generator: types for every document in src/ from samenhang's committed schema,
// and the trusted-documents manifest (src/gql/persisted-documents.json) to give the server
// with `samenhang serve --trusted-documents …`.
import { createHash } from "node:crypto";
import type { CodegenConfig } from "@graphql-codegen/cli";
import { addTypenameSelectionDocumentTransform } from "@graphql-codegen/client-preset";

const config: CodegenConfig = {
  schema: "../../schema/schema.graphql",
  documents: ["src/**/*.tsx", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "./src/gql/": {
      preset: "client",
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: {
          // Plain sha256 hex, as APQ clients send it (the preset's own default prefixes
          // `sha256:`).
          hashAlgorithm: (document: string) => createHash("sha256").update(document).digest("hex"),
        },
      },
      // urql's cache reads `__typename`; the documents the server runs must ask for it.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { JSON: "unknown" },
      },
    },
  },
};

export default config;
