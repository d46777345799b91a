//! Answers as the GraphQL specification and GraphQL over HTTP have them, on the real HTTP
//! stack: keys in query order, errors as `null` carried up to a nullable field, directives
//! and variables checked, `operationName` over GET, every refusal a GraphQL response in the
//! media type asked for; persisted documents, compression and CORS headers for clients.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, config, db_test, spawn_app, spawn_app_with};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// Posts a body as JSON, asking for `application/graphql-response+json`, with a token or none.
async fn post(app: &TestApp, token: Option<&str>, body: Value) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("accept", GRAPHQL_RESPONSE)
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request sent")
}

/// The status and body of an answer that must be `application/graphql-response+json`.
async fn graphql_response(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let media = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let text = response.text().await.expect("body");
    assert!(
        media.starts_with(GRAPHQL_RESPONSE),
        "HTTP {status} answered {media:?}: {text}"
    );
    let body: Value = serde_json::from_str(&text).expect("a JSON body");
    (status, body)
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

async fn answers_follow_the_specification(db: TestDb) {
    let app = spawn_app(db, true).await;

    // Keys in the order the query selects them, at every level, through fragments too.
    let query = r#"{ wijk(slug: "atolwijk") { slug name id __typename ...More }
        z: __typename a: __typename }
        fragment More on Wijk { zz: name aa: slug }"#;
    let text = post(&app, Some(&app.token), json!({ "query": query }))
        .await
        .text()
        .await
        .expect("body");
    let at = |key: &str| {
        text.find(&format!("\"{key}\""))
            .unwrap_or_else(|| panic!("{key} in {text}"))
    };
    let order = [
        "wijk",
        "slug",
        "name",
        "id",
        "__typename",
        "zz",
        "aa",
        "z",
        "a",
    ];
    for pair in order.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{pair:?} out of order: {text}");
    }

    // A field that fails is null, and a non-null one nulls its parent: auditLog is
    // `AuditEntryConnection!` on Query, so the whole of `data` is null for a viewer.
    let (status, body) = graphql_response(
        post(
            &app,
            None,
            json!({ "query": "{ a: __typename x: auditLog(first: 1) { totalCount } }" }),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert_eq!(body["data"], Value::Null, "{body:#}");
    assert_eq!(body["errors"][0]["path"], json!(["x"]), "{body:#}");
    // A nullable field that fails is there, as null, beside the others.
    let (_, body) = graphql_response(
        post(
            &app,
            None,
            json!({ "query": r#"{ a: __typename w: wijk(slug: "atolwijk", area: "nowhere") { name } }"# }),
        )
        .await,
    )
    .await;
    if !body["errors"].is_null() {
        assert_eq!(body["data"], json!({ "a": "Query", "w": null }), "{body:#}");
    }

    // Everything skipped: an empty object, not null.
    let (_, body) = graphql_response(
        post(
            &app,
            None,
            json!({ "query": "{ __typename @skip(if: true) }" }),
        )
        .await,
    )
    .await;
    assert_eq!(body["data"], json!({}), "{body:#}");
    assert!(body.get("errors").is_none(), "{body:#}");
    let (_, body) = graphql_response(
        post(
            &app,
            None,
            json!({
                "query": "query($no: Boolean = false) { a: partners(first: 1) @include(if: $no) { totalCount } b: __typename }",
            }),
        )
        .await,
    )
    .await;
    assert_eq!(body["data"], json!({ "b": "Query" }), "{body:#}");
    // A variable that only a directive on `__typename` uses is used, and typed like any other.
    for (hide, data) in [(true, json!({})), (false, json!({ "__typename": "Query" }))] {
        let (status, body) = graphql_response(
            post(
                &app,
                None,
                json!({ "query": "query($x: Boolean!) { __typename @skip(if: $x) }", "variables": { "x": hide } }),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body:#}");
        assert_eq!(body["data"], data, "{body:#}");
    }
    for query in [
        "query($x: String!) { __typename @skip(if: $x) }",
        "query($x: Boolean) { __typename @include(if: $x) }",
        "{ __typename @skip(if: $undefined) }",
    ] {
        let (status, body) = graphql_response(
            post(
                &app,
                None,
                json!({ "query": query, "variables": { "x": true } }),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body:#}");
        assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{query}");
    }

    // Directives: known, in their place, once.
    for (query, why) in [
        ("{ __typename @nope }", "Unknown directive"),
        (
            "{ __typename @skip(if: false) @skip(if: false) }",
            "only be used once",
        ),
        (
            "query @skip(if: true) { __typename }",
            "may not be used on QUERY",
        ),
        ("{ __typename @deprecated }", "may not be used on FIELD"),
    ] {
        let (status, body) =
            graphql_response(post(&app, None, json!({ "query": query })).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body:#}");
        assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{query}");
        assert!(body.get("data").is_none(), "{query}: {body:#}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{query}: {message}");
    }

    // Variables: a non-null one must be given, and not as null.
    let with_count = "query($n: Int!) { partners(first: $n) { totalCount } }";
    for variables in [json!({ "n": null }), json!({})] {
        let (status, body) = graphql_response(
            post(
                &app,
                None,
                json!({ "query": with_count, "variables": variables }),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{variables}: {body:#}");
        assert_eq!(code(&body), "BAD_USER_INPUT", "{variables}: {body:#}");
        assert!(body.get("data").is_none(), "{body:#}");
    }
    let (status, body) = graphql_response(
        post(
            &app,
            None,
            json!({ "query": with_count, "variables": { "n": 2 } }),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert!(body["data"]["partners"]["totalCount"].as_u64() > Some(2));

    // A parse error in one line.
    let (status, body) =
        graphql_response(post(&app, None, json!({ "query": "{ partners { " })).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&body), "GRAPHQL_PARSE_FAILED");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("Syntax Error: "), "{message}");
    // Refusals too keep the error's keys in the specification's order.
    let text = post(&app, None, json!({ "query": "{ partners { " }))
        .await
        .text()
        .await
        .expect("body");
    let message_at = text.find("\"message\"").expect("message");
    let extensions_at = text.find("\"extensions\"").expect("extensions");
    assert!(message_at < extensions_at, "{text}");
    assert!(!message.contains('\n'), "{message}");
    assert!(
        body["errors"][0]["locations"][0]["line"].is_number(),
        "{body:#}"
    );
}
db_test!(answers_follow_the_specification);

/// GET: `operationName` picks the operation; a wrong or missing one is refused.
async fn operation_name_over_get(db: TestDb) {
    let app = spawn_app(db, false).await;
    let get = |params: Vec<(&'static str, &'static str)>| {
        app.client
            .get(format!("{}/graphql", app.base))
            .header("accept", GRAPHQL_RESPONSE)
            .query(&params)
            .send()
    };
    let two = "query A { a: __typename } query B { b: __typename }";
    let (status, body) = graphql_response(
        get(vec![("query", two), ("operationName", "B")])
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert_eq!(body["data"], json!({ "b": "Query" }));
    for params in [
        vec![("query", two), ("operationName", "NOPE")],
        vec![("query", two)],
    ] {
        let (status, body) = graphql_response(get(params.clone()).await.unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{params:?}: {body:#}");
        assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{params:?}");
    }
    let (_, body) = graphql_response(
        get(vec![
            (
                "query",
                "query($x: Boolean!) { a: partners(first: 1) @include(if: $x) { totalCount } }",
            ),
            ("variables", r#"{"x": true}"#),
        ])
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        body["data"],
        json!({ "a": { "totalCount": 0 } }),
        "{body:#}"
    );
    let (status, body) = graphql_response(
        get(vec![("query", "{ __typename }"), ("variables", "[1")])
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "BAD_REQUEST")
    );
    // HEAD is GET without the body.
    let head = app
        .client
        .head(format!("{}/graphql", app.base))
        .query(&[("query", "{ __typename }")])
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
}
db_test!(operation_name_over_get);

/// Every refusal is a GraphQL response in the media type the client asked for.
async fn every_refusal_is_a_graphql_response(db: TestDb) {
    let app = spawn_app(db, false).await;
    let url = format!("{}/graphql", app.base);
    let accept = ("accept", GRAPHQL_RESPONSE);
    let cases: Vec<(reqwest::RequestBuilder, StatusCode, &str)> = vec![
        (
            app.client
                .post(&url)
                .bearer_auth("not-a-token")
                .json(&json!({ "query": "{ __typename }" })),
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
        ),
        (
            app.client
                .post(&url)
                .json(&json!({ "query": "mutation { __typename }" })),
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
        ),
        (
            app.client.put(&url).body("{}"),
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
        ),
        (
            app.client
                .get(&url)
                .query(&[("query", "mutation { __typename }")]),
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
        ),
        (
            app.client
                .post(&url)
                .header("content-type", "application/json")
                .body(format!(r#"{{"query":"{}"}}"#, " ".repeat(2 << 20))),
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
        ),
        (
            app.client.post(&url).body("{}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            app.client
                .post(&url)
                .header("content-type", "application/json")
                .body("[1, 2"),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        (
            app.client
                .post(&url)
                .json(&json!({ "query": "subscription { changes { version } }" })),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        (
            app.client.post(&url).json(&json!({ "query": 5 })),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        (
            app.client
                .post(&url)
                .json(&json!([{ "query": "{ __typename }" }])),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        // Heads too large for the server: answered by samenhang, not left empty.
        (
            app.client
                .get(&url)
                .query(&[("query", format!("{{ __typename }}{}", " ".repeat(40_000)))]),
            StatusCode::URI_TOO_LONG,
            "URI_TOO_LONG",
        ),
        (
            app.client.get(&url).headers(
                (0..120)
                    .map(|i| {
                        (
                            reqwest::header::HeaderName::from_bytes(format!("x-h{i}").as_bytes())
                                .unwrap(),
                            reqwest::header::HeaderValue::from_static("1"),
                        )
                    })
                    .collect(),
            ),
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "REQUEST_HEADER_FIELDS_TOO_LARGE",
        ),
        (
            app.client.get(&url).header("x-long", "a".repeat(70_000)),
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "REQUEST_HEADER_FIELDS_TOO_LARGE",
        ),
    ];
    for (request, status, expected) in cases {
        let response = request.header(accept.0, accept.1).send().await;
        // The server may refuse a large body before it has all been sent.
        let Ok(response) = response else { continue };
        let (got, body) = graphql_response(response).await;
        assert_eq!((got, code(&body)), (status, expected), "{body:#}");
        assert!(body.get("data").is_none(), "{body:#}");
    }
    // A viewer asking for a mutation: 403, in the media type asked for.
    let viewer =
        crate::helpers::create_token(&app.service, "spec-viewer", samenhang::auth::Role::Viewer)
            .await;
    let (status, body) = graphql_response(
        post(
            &app,
            Some(&viewer),
            json!({ "query": r#"mutation { deletePartner(id: "x") { id } }"# }),
        )
        .await,
    )
    .await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "FORBIDDEN"));
}
db_test!(every_refusal_is_a_graphql_response);

/// With introspection off, asking for it is an error, not `null`.
async fn introspection_off_is_said(db: TestDb) {
    let mut closed = config();
    closed.no_introspection = true;
    let app = spawn_app_with(db, false, closed).await;
    for query in [
        "{ __schema { queryType { name } } }",
        r#"{ __type(name: "Partner") { name } }"#,
    ] {
        let (status, body) =
            graphql_response(post(&app, None, json!({ "query": query })).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body:#}");
        assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("introspection"),
            "{body:#}"
        );
    }
    let (status, body) =
        graphql_response(post(&app, None, json!({ "query": "{ __typename }" })).await).await;
    assert_eq!(
        (status, &body["data"]),
        (StatusCode::OK, &json!({ "__typename": "Query" }))
    );
}
db_test!(introspection_off_is_said);

fn sha256(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

/// Automatic persisted queries as Apollo Client and urql use them, over POST and GET.
async fn automatic_persisted_queries(db: TestDb) {
    let app = spawn_app(db, true).await;
    let query = "{ partners(first: 1) { totalCount } }";
    let hash = sha256(query);
    let (_, miss) =
        graphql_response(post(&app, None, json!({ "extensions": persisted(&hash) })).await).await;
    assert_eq!(code(&miss), "PERSISTED_QUERY_NOT_FOUND", "{miss:#}");
    assert_eq!(miss["errors"][0]["message"], "PersistedQueryNotFound");
    let (status, first) = graphql_response(
        post(
            &app,
            None,
            json!({ "query": query, "extensions": persisted(&hash) }),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{first:#}");
    let (_, again) =
        graphql_response(post(&app, None, json!({ "extensions": persisted(&hash) })).await).await;
    assert_eq!(again["data"], first["data"], "{again:#}");
    // Some clients send the hash with `"query": null` (and `null` for the other members).
    let (status, with_null) = graphql_response(
        post(
            &app,
            None,
            json!({ "query": null, "operationName": null, "variables": null,
                    "extensions": persisted(&hash) }),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, &with_null["data"]),
        (StatusCode::OK, &first["data"])
    );
    let extensions = persisted(&hash).to_string();
    let (status, by_get) = graphql_response(
        app.client
            .get(format!("{}/graphql", app.base))
            .header("accept", GRAPHQL_RESPONSE)
            .query(&[("extensions", extensions.as_str())])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, &by_get["data"]), (StatusCode::OK, &first["data"]));
    let (_, wrong) = graphql_response(
        post(
            &app,
            None,
            json!({ "query": "{ __typename }", "extensions": persisted(&hash) }),
        )
        .await,
    )
    .await;
    assert_eq!(code(&wrong), "PERSISTED_QUERY_HASH_MISMATCH");
    // A document refused as a whole (here: it does not validate) is not learned.
    let invalid = "{ partners(first: 1) { nope } }";
    let hash = sha256(invalid);
    let (_, refused) = graphql_response(
        post(
            &app,
            None,
            json!({ "query": invalid, "extensions": persisted(&hash) }),
        )
        .await,
    )
    .await;
    assert_eq!(code(&refused), "GRAPHQL_VALIDATION_FAILED", "{refused:#}");
    let (_, miss) =
        graphql_response(post(&app, None, json!({ "extensions": persisted(&hash) })).await).await;
    assert_eq!(code(&miss), "PERSISTED_QUERY_NOT_FOUND", "{miss:#}");
    // A malformed persistedQuery is a bad request that says what is wrong.
    let malformed = [
        (
            json!({ "version": 1, "sha256Hash": "abc" }),
            "64 hexadecimal digits",
        ),
        (json!({ "version": 2, "sha256Hash": hash }), "version 1"),
        (json!("nope"), "must be an object"),
    ];
    for (persisted, why) in malformed {
        let (status, body) = graphql_response(
            post(
                &app,
                None,
                json!({ "extensions": { "persistedQuery": persisted } }),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body:#}");
        assert_eq!(code(&body), "BAD_REQUEST", "{body:#}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{message}");
    }
    // No document and no hash: nothing to run.
    for query in [json!(""), json!("  \n "), Value::Null] {
        let (status, body) =
            graphql_response(post(&app, None, json!({ "query": query })).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body:#}");
        assert_eq!(code(&body), "BAD_REQUEST", "{body:#}");
        assert_eq!(body["errors"][0]["message"], "no query given");
    }
}
db_test!(automatic_persisted_queries);

/// `--persisted-only`: the trusted documents run, by hash or by text; nothing else does.
async fn only_trusted_documents_run(db: TestDb) {
    let trusted = "query Count { partners(first: 1) { totalCount } }";
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("persisted-documents.json");
    std::fs::write(&manifest, json!({ sha256(trusted): trusted }).to_string()).expect("manifest");
    let mut strict = config();
    strict.trusted_documents = vec![manifest];
    strict.persisted_only = true;
    let app = spawn_app_with(db, true, strict).await;
    let (status, by_hash) = graphql_response(
        post(
            &app,
            None,
            json!({ "extensions": persisted(&sha256(trusted)) }),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{by_hash:#}");
    assert!(by_hash["data"]["partners"]["totalCount"].as_u64() > Some(0));
    let (status, _) = graphql_response(post(&app, None, json!({ "query": trusted })).await).await;
    assert_eq!(status, StatusCode::OK);
    let other = "{ partners(first: 2) { totalCount } }";
    for body in [
        json!({ "query": other }),
        json!({ "query": other, "extensions": persisted(&sha256(other)) }),
    ] {
        let (status, refused) = graphql_response(post(&app, None, body.clone()).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(code(&refused), "PERSISTED_QUERY_REQUIRED", "{body}");
    }
    let (_, unknown) = graphql_response(
        post(
            &app,
            None,
            json!({ "extensions": persisted(&sha256(other)) }),
        )
        .await,
    )
    .await;
    assert_eq!(code(&unknown), "PERSISTED_QUERY_NOT_FOUND");
}
db_test!(only_trusted_documents_run);

/// Large answers are compressed for clients that accept it; small ones are not.
async fn large_answers_are_compressed(db: TestDb) {
    let app = spawn_app(db, true).await;
    let ask = |query: &'static str, encoding: &'static str| {
        app.client
            .post(format!("{}/graphql", app.base))
            .header("accept-encoding", encoding)
            .json(&json!({ "query": query }))
            .send()
    };
    let large = "{ partners(first: 100) { nodes { id name slug } } }";
    for encoding in ["gzip", "br"] {
        let response = ask(large, encoding).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-encoding"], encoding);
        let bytes = response.bytes().await.unwrap();
        assert!(!bytes.starts_with(b"{"), "{encoding}: not compressed");
    }
    let small = ask("{ __typename }", "gzip").await.unwrap();
    assert!(small.headers().get("content-encoding").is_none());
    let plain = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&json!({ "query": large }))
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let body: Value = plain.json().await.unwrap();
    assert_eq!(
        body["data"]["partners"]["nodes"].as_array().map(Vec::len),
        Some(47)
    );
}
db_test!(large_answers_are_compressed);

/// A browser page on an allowed origin may send Apollo's and trace headers.
async fn cors_allows_client_headers(db: TestDb) {
    let mut open = config();
    open.cors_origins = vec!["https://kaart.example.nl".into()];
    open.cors_allow_headers.push("x-request-id".into());
    let app = spawn_app_with(db, false, open).await;
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))
        .header("origin", "https://kaart.example.nl")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,traceparent,apollographql-client-name,x-request-id",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let allowed = preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for name in [
        "traceparent",
        "apollographql-client-name",
        "x-request-id",
        "authorization",
    ] {
        assert!(allowed.contains(name), "{name} not in {allowed}");
    }
}
db_test!(cors_allows_client_headers);

/// A string that is no ID, or an ID where a slug belongs, is named as the mistake it is.
async fn wrong_ids_are_named(db: TestDb) {
    let app = spawn_app(db, true).await;
    let partner = app.id_of("partner", "welzijn-lelystad").await;
    for (query, variables) in [
        (
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": "garbage" }),
        ),
        (
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [partner.clone(), "garbage"] }),
        ),
        (
            "query($slug: String!) { partner(slug: $slug) { id } }",
            json!({ "slug": partner.clone() }),
        ),
    ] {
        let (_, body) = graphql_response(
            post(
                &app,
                Some(&app.token),
                json!({ "query": query, "variables": variables }),
            )
            .await,
        )
        .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{query}: {body:#}");
    }
    let (_, found) = graphql_response(
        post(
            &app,
            Some(&app.token),
            json!({ "query": "query($id: ID!) { node(id: $id) { id } }", "variables": { "id": partner } }),
        )
        .await,
    )
    .await;
    assert_eq!(found["data"]["node"]["id"], json!(partner), "{found:#}");
}
db_test!(wrong_ids_are_named);
