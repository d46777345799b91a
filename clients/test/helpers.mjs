// What the tests share: the servers run.sh started, and a fetch that records every exchange.
import { createHash } from "node:crypto";

/** An environment variable that run.sh sets; the tests cannot run without it. */
export function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the tests through clients/run.sh`);
  }
  return value;
}

/** The server with APQ on and anonymous reading (the default settings). */
export const openUrl = () => required("SAMENHANG_URL");
/** The server started with `--anonymous none`. */
export const lockedUrl = () => required("SAMENHANG_LOCKED_URL");
/** The server started with `--persisted-only --trusted-documents …`. */
export const persistedUrl = () => required("SAMENHANG_PERSISTED_URL");
/** An editor token of the open server. */
export const editorToken = () => required("SAMENHANG_EDITOR_TOKEN");

/** The sha256 of a text in hex, as APQ and the trusted-documents manifest use it. */
export const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/**
 * A fetch that keeps every request and answer it passes on: method, URL, the JSON body (or
 * the GET parameters, decoded the same way), status, content type and the answer's JSON.
 */
export function recordingFetch() {
  const exchanges = [];
  const fetchFn = async (input, init = {}) => {
    const url = new URL(typeof input === "string" ? input : input.url);
    const method = (init.method ?? "GET").toUpperCase();
    let body;
    if (method === "GET") {
      body = {};
      for (const [key, value] of url.searchParams) {
        body[key] = key === "query" || key === "operationName" ? value : JSON.parse(value);
      }
    } else {
      body = JSON.parse(init.body);
    }
    const response = await fetch(input, init);
    const text = await response.clone().text();
    let answer;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = text;
    }
    exchanges.push({
      method,
      url: url.toString(),
      body,
      status: response.status,
      contentType: response.headers.get("content-type"),
      answer,
    });
    return response;
  };
  return { fetch: fetchFn, exchanges };
}

/** The `extensions.code` of each error in a GraphQL answer. */
export const codes = (answer) => (answer?.errors ?? []).map((e) => e.extensions?.code);

/** Sends one GraphQL request over POST as a plain HTTP client would. */
export async function post(url, body, headers = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json",
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let answer;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = text;
  }
  return { status: response.status, contentType: response.headers.get("content-type"), answer };
}

/** A unique operation name, so that a document is new to the server's APQ store. */
export const uniqueName = (prefix) =>
  `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;
