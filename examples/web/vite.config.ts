import { defineConfig } from "vite";

// `npm run dev` serves the app and forwards /graphql to a samenhang server (by default the
// one `cargo run` starts), so the browser talks to one origin and needs no CORS.
export default defineConfig({
  server: {
    proxy: {
      "/graphql": process.env.SAMENHANG_SERVER ?? "http://127.0.0.1:8080",
    },
  },
});
