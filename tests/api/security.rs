//! Access control, the audit trail and the HTTP rules: tokens and roles, anonymous access,
//! GraphQL over HTTP (media types, status codes, CSRF), limits, security headers and CORS.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, TestDb, cli, config, create_token, db_test, spawn_app, spawn_app_with,
};
use samenhang::auth::Role;
use samenhang::config::{Anonymous, ServeArgs};

const CREATE_AREA: &str = "mutation($i: CreateAreaInput!) { createArea(input: $i) { id } }";
const PARTNERS: &str = "{ partners { totalCount } }";

async fn body(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.expect("JSON body"))
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {body:#}"))
}

async fn new_token(app: &TestApp, name: &str, role: &str) -> String {
    let data = app
        .data(
            "mutation($n: String!, $r: Role!) { createApiToken(name: $n, role: $r) { token info { name role revokedAt } } }",
            json!({ "n": name, "r": role }),
        )
        .await;
    assert_eq!(data["createApiToken"]["info"]["role"], role);
    assert_eq!(data["createApiToken"]["info"]["revokedAt"], Value::Null);
    data["createApiToken"]["token"]
        .as_str()
        .expect("token")
        .to_owned()
}

async fn tokens_and_roles(db: TestDb) {
    let app = spawn_app(db, false).await;
    let viewer = new_token(&app, "lezer", "VIEWER").await;
    let editor = new_token(&app, "redactie", "EDITOR").await;
    let area = json!({ "i": { "slug": "proef", "name": "Proef" } });

    // Anonymous: reads, but never writes.
    let (status, anonymous) = body(app.post_as(None, PARTNERS, json!({})).await).await;
    assert_eq!(status, 200);
    assert_eq!(anonymous["data"]["partners"]["totalCount"], 0);
    let response = app.post_as(None, CREATE_AREA, area.clone()).await;
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"samenhang\""
    );
    let (status, refused) = body(response).await;
    assert_eq!(
        (status, code(&refused)),
        (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED")
    );

    // A viewer reads; a write is forbidden.
    let (status, _) = body(app.post_as(Some(&viewer), PARTNERS, json!({})).await).await;
    assert_eq!(status, 200);
    let (status, refused) = body(app.post_as(Some(&viewer), CREATE_AREA, area.clone()).await).await;
    assert_eq!(
        (status, code(&refused)),
        (StatusCode::FORBIDDEN, "FORBIDDEN")
    );

    // An editor writes, but may not read the audit trail or manage tokens.
    let (status, created) = body(app.post_as(Some(&editor), CREATE_AREA, area.clone()).await).await;
    assert_eq!(status, 200, "{created:#}");
    assert!(
        created["data"]["createArea"]["id"].is_string(),
        "{created:#}"
    );
    let (status, refused) = body(
        app.post_as(Some(&editor), "{ auditLog { totalCount } }", json!({}))
            .await,
    )
    .await;
    assert_eq!((status, code(&refused)), (StatusCode::OK, "FORBIDDEN"));
    assert_eq!(refused["data"], Value::Null);
    let (_, refused) = body(
        app.post_as(
            Some(&editor),
            "mutation { createApiToken(name: \"meer\", role: ADMIN) { token } }",
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(code(&refused), "FORBIDDEN");

    // Unknown tokens and other schemes are refused, even for reads.
    for header in ["Bearer smh_nope", "Basic dXNlcjpwYXNz", "Bearer "] {
        let response = app
            .client
            .post(format!("{}/graphql", app.base))
            .header("authorization", header)
            .json(&json!({ "query": PARTNERS }))
            .send()
            .await
            .unwrap();
        let (status, refused) = body(response).await;
        assert_eq!(
            (status, code(&refused)),
            (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED"),
            "{header}"
        );
    }

    // The list shows names and roles, never tokens; the database keeps only hashes.
    let listed = app
        .data("{ apiTokens { name role revokedAt } }", json!({}))
        .await;
    let names: Vec<&str> = listed["apiTokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["test-admin", "lezer", "redactie"]);
    let stored = app.service.store().list_tokens().await.unwrap();
    assert_eq!(stored.len(), 3);
    let conn = app.db.connect().await;
    let rows = sea_orm::ConnectionTrait::query_all_raw(
        &conn,
        sea_orm::Statement::from_string(
            app.service.store().backend(),
            "SELECT name, hash FROM api_token ORDER BY id",
        ),
    )
    .await
    .unwrap();
    let hashes: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "hash").unwrap())
        .collect();
    assert_eq!(hashes[2], samenhang::auth::hash_token(&editor));
    assert!(!hashes.iter().any(|h| h == &editor || h == &viewer));

    // A revoked token stops working at once.
    let revoked = app
        .data(
            "mutation { revokeApiToken(name: \"redactie\") { name revokedAt } }",
            json!({}),
        )
        .await;
    assert!(revoked["revokeApiToken"]["revokedAt"].is_string());
    let (status, refused) = body(app.post_as(Some(&editor), PARTNERS, json!({})).await).await;
    assert_eq!(
        (status, code(&refused)),
        (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED")
    );
    for (query, expected) in [
        (
            "mutation { revokeApiToken(name: \"niemand\") { name } }",
            "NOT_FOUND",
        ),
        (
            "mutation { createApiToken(name: \"lezer\", role: VIEWER) { token } }",
            "CONFLICT",
        ),
        (
            "mutation { createApiToken(name: \"met spatie\", role: VIEWER) { token } }",
            "BAD_USER_INPUT",
        ),
    ] {
        assert_eq!(app.error_code(query, json!({})).await, expected, "{query}");
    }
}
db_test!(tokens_and_roles);

/// The server with the Lelystad Oost data where every request needs a token.
async fn spawn_closed_app(db: TestDb) -> TestApp {
    let config = ServeArgs {
        anonymous: Anonymous::None,
        ..config()
    };
    spawn_app_with(db, true, config).await
}

async fn anonymous_access_can_be_switched_off(db: TestDb) {
    let app = spawn_closed_app(db).await;
    let viewer = create_token(&app.service, "lezer", Role::Viewer).await;
    let partner = app.id_of("partner", "halt").await;
    let node = "query($id: ID!) { node(id: $id) { id } }";
    let vars = json!({ "id": partner });

    for query in [PARTNERS, node, "{ __schema { queryType { name } } }"] {
        let (status, refused) = body(app.post_as(None, query, vars.clone()).await).await;
        assert_eq!(
            (status, code(&refused)),
            (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED"),
            "{query}"
        );
    }
    let (status, found) = body(app.post_as(Some(&viewer), node, vars.clone()).await).await;
    assert_eq!(status, 200);
    assert_eq!(found["data"]["node"]["id"], partner);

    for path in [
        "/maps",
        "/maps/collaboration.svg",
        "/maps/full.gexf",
        "/results.csv",
    ] {
        let url = format!("{}{path}", app.base);
        let response = app.client.get(&url).send().await.unwrap();
        assert_eq!(response.status(), 401, "{path}");
        let response = app
            .client
            .get(&url)
            .bearer_auth(&viewer)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    assert_eq!(app.health().await["status"], "ok");
}
db_test!(anonymous_access_can_be_switched_off);

async fn every_write_is_in_the_audit_trail(db: TestDb) {
    let app = spawn_app(db, false).await;
    let editor = new_token(&app, "redactie", "EDITOR").await;
    let as_editor = |query: &'static str, vars: Value| {
        let app = &app;
        let editor = editor.clone();
        async move {
            let (status, body) = body(app.post_as(Some(&editor), query, vars).await).await;
            assert_eq!(status, 200);
            assert!(body.get("errors").is_none(), "{body:#}");
            body["data"].clone()
        }
    };
    let area = as_editor(
        CREATE_AREA,
        json!({ "i": { "slug": "proef", "name": "Proef" } }),
    )
    .await["createArea"]["id"]
        .clone();
    let partner = as_editor(
        "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { id } }",
        json!({ "i": { "areaId": area, "slug": "halt", "name": "Halt", "kind": "POLICE_JUSTICE" } }),
    )
    .await["createPartner"]["id"]
        .clone();
    let intervention = as_editor(
        "mutation($i: CreateInterventionInput!) { createIntervention(input: $i) { id } }",
        json!({ "i": { "areaId": area, "slug": "kapot-sterk", "name": "Kapot Sterk" } }),
    )
    .await["createIntervention"]["id"]
        .clone();
    as_editor(
        "mutation($p: ID!, $n: String!) { updatePartner(id: $p, input: { name: $n }) { id } }",
        json!({ "p": partner, "n": "Halt Flevoland" }),
    )
    .await;
    as_editor(
        "mutation($i: ID!, $p: ID!) { linkInterventionPartner(interventionId: $i, partnerId: $p, role: EXECUTING) { id } }",
        json!({ "i": intervention, "p": partner }),
    )
    .await;

    // A refused write leaves no trace.
    let total = |body: Value| body["auditLog"]["totalCount"].as_u64().unwrap();
    let before = total(app.data("{ auditLog { totalCount } }", json!({})).await);
    let refused = app
        .error(
            "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { id } }",
            json!({ "i": { "areaId": area, "slug": "halt", "name": "Nog een", "kind": "OTHER" } }),
        )
        .await;
    assert_eq!(refused["extensions"]["code"], "CONFLICT");
    assert_eq!(
        total(app.data("{ auditLog { totalCount } }", json!({})).await),
        before
    );

    // The partner's history: the link, the rename, the creation; newest first.
    let history = app
        .data(
            "query($id: ID!) { history(id: $id) { totalCount edges { node { actor operation table node otherNode before after at } } } }",
            json!({ "id": partner }),
        )
        .await;
    let entries: Vec<&Value> = history["history"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .collect();
    let operations: Vec<&str> = entries
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        operations,
        ["linkInterventionPartner", "updatePartner", "createPartner"]
    );
    assert!(entries.iter().all(|e| e["actor"] == "redactie"));
    let link = entries[0];
    assert_eq!(link["table"], "intervention_partner");
    assert_eq!(link["node"], intervention);
    assert_eq!(link["otherNode"], partner);
    assert_eq!(link["after"]["role"], "executing");
    let rename = entries[1];
    assert_eq!(rename["before"]["name"], "Halt");
    assert_eq!(rename["after"]["name"], "Halt Flevoland");
    assert_eq!(entries[2]["before"], Value::Null);
    assert!(rename["at"].as_str().unwrap().ends_with('Z'));

    // The whole log by actor, paged; and by time.
    let page = "query($after: String) { auditLog(filter: { actor: \"redactie\" }, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { operation } } } }";
    let first = app.data(page, json!({ "after": null })).await;
    assert_eq!(first["auditLog"]["totalCount"], 5);
    assert_eq!(first["auditLog"]["pageInfo"]["hasNextPage"], true);
    let mut seen = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let data = app.data(page, json!({ "after": cursor })).await;
        for edge in data["auditLog"]["edges"].as_array().unwrap() {
            seen.push(edge["node"]["operation"].as_str().unwrap().to_owned());
        }
        if data["auditLog"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
        cursor = data["auditLog"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(
        seen,
        [
            "linkInterventionPartner",
            "updatePartner",
            "createIntervention",
            "createPartner",
            "createArea"
        ]
    );
    let future = app
        .data(
            "{ auditLog(filter: { since: \"2100-01-01\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(future["auditLog"]["totalCount"], 0);
    let tokens = app
        .data(
            "{ auditLog(filter: { operation: \"createApiToken\" }) { totalCount edges { node { actor after } } } }",
            json!({}),
        )
        .await;
    assert_eq!(tokens["auditLog"]["totalCount"], 1);
    let token_entry = &tokens["auditLog"]["edges"][0]["node"];
    assert_eq!(token_entry["actor"], "test-admin");
    assert_eq!(token_entry["after"]["name"], "redactie");
    assert!(token_entry["after"].get("hash").is_none());
    let refused = app
        .error(
            "{ auditLog(filter: { since: \"gisteren\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(refused["extensions"]["code"], "BAD_USER_INPUT");
}
db_test!(every_write_is_in_the_audit_trail);

/// Posts a raw body with the given headers to `/graphql`.
async fn raw(app: &TestApp, headers: &[(&str, &str)], body: &str) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.base))
        .body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

async fn graphql_over_http(db: TestDb) {
    let app = spawn_app(db, true).await;
    let query = r#"{"query":"{ partners { totalCount } }"}"#;

    // Only JSON bodies: a cross-site form or text/plain POST is refused before it runs.
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let headers: Vec<(&str, &str)> = content_type
            .map(|c| ("content-type", c))
            .into_iter()
            .collect();
        let (status, refused) = body(raw(&app, &headers, query).await).await;
        assert_eq!(status, 415, "{content_type:?}");
        assert_eq!(code(&refused), "UNSUPPORTED_MEDIA_TYPE");
    }
    let json_utf8 = [("content-type", "application/json; charset=utf-8")];
    assert_eq!(raw(&app, &json_utf8, query).await.status(), 200);

    // The answer's media type follows Accept.
    let graphql_response = [
        ("content-type", "application/json"),
        ("accept", "application/graphql-response+json"),
    ];
    let response = raw(&app, &graphql_response, query).await;
    assert_eq!(
        response.headers()["content-type"],
        "application/graphql-response+json; charset=utf-8"
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    for bad in [
        r#"{"query":"{ partners { "}"#,
        r#"{"query":"{ nosuchfield }"}"#,
    ] {
        let (status, refused) = body(raw(&app, &graphql_response, bad).await).await;
        assert_eq!(status, 400, "{bad}");
        assert!(refused.get("data").is_none(), "{refused:#}");
        assert!(refused["errors"][0]["message"].is_string());
    }
    let (_, parse) = body(raw(&app, &graphql_response, r#"{"query":"{ partners { "}"#).await).await;
    assert_eq!(code(&parse), "GRAPHQL_PARSE_FAILED");
    let plain_json = [
        ("content-type", "application/json"),
        ("accept", "application/json"),
    ];
    let response = raw(&app, &plain_json, r#"{"query":"{ nosuchfield }"}"#).await;
    assert_eq!(
        response.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let (status, refused) = body(response).await;
    assert_eq!(
        (status, code(&refused)),
        (StatusCode::OK, "GRAPHQL_VALIDATION_FAILED")
    );
    let (status, refused) = body(
        raw(
            &app,
            &[
                ("content-type", "application/json"),
                ("accept", "text/html"),
            ],
            query,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code(&refused)),
        (StatusCode::NOT_ACCEPTABLE, "NOT_ACCEPTABLE")
    );

    // Security headers everywhere; each HTML page with its own policy.
    for path in [
        "/graphql?query=%7B__typename%7D",
        "/health",
        "/maps/collaboration.svg",
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .starts_with("default-src 'none'"),
            "{path}"
        );
        assert!(
            headers.get("access-control-allow-origin").is_none(),
            "{path}"
        );
    }
    let graphiql = app
        .client
        .get(format!("{}/", app.base))
        .send()
        .await
        .unwrap();
    let csp = graphiql.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self';") && csp.contains("connect-src 'self'"),
        "{csp}"
    );
    let page = app
        .client
        .get(format!("{}/maps", app.base))
        .send()
        .await
        .unwrap();
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self';") && csp.contains("connect-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe"), "{csp}");
    // The policy allows scripts from samenhang only; inline handlers would be blocked.
    let html = page.text().await.unwrap();
    for handler in [
        "onsubmit=",
        "onclick=",
        "onchange=",
        "oninput=",
        "onload=",
        "onerror=",
    ] {
        assert!(!html.contains(handler), "the maps page uses {handler}");
    }
}
db_test!(graphql_over_http);

async fn query_limits(db: TestDb) {
    let app = spawn_app(db, true).await;
    let aliased = |n: usize| {
        let fields: Vec<String> = (0..n).map(|i| format!("a{i}: __typename")).collect();
        format!("{{ {} }}", fields.join(" "))
    };
    app.data(&aliased(64), json!({})).await;
    let refused = app.error(&aliased(65), json!({})).await;
    assert_eq!(refused["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
    assert!(refused["message"].as_str().unwrap().contains("65 aliases"));

    // A page costs its size times the cost of one item, its size being `first` but no more
    // than the longest such list in the data: nested pages multiply.
    let nested_pages = |n: usize| {
        format!(
            "{{ partners(first: {n}) {{ nodes {{ interventions(first: {n}) {{ edges {{ node {{ name }} }} }} }} }} }}"
        )
    };
    let cost = |answer: &Value| answer["extensions"]["cost"]["requested"].as_u64().unwrap();
    // partners 1 + nodes (1 + 10 × (an item 1 + interventions (1 + edges (1 + 10 × (an item
    // 1 + node 1 + name 1))))).
    let ten = app.graphql(&nested_pages(10), json!({})).await;
    assert_eq!(cost(&ten), 2 + 10 * (2 + 1 + 10 * 3), "{ten:#}");
    // Asked for 500 of each, priced at the partners there are and at the most interventions
    // a partner has.
    let sizes = app
        .data(
            "{ partners(first: 500, orderBy: { field: INTERVENTION_COUNT, direction: DESC }) {
                totalCount nodes { interventions { totalCount } } } }",
            json!({}),
        )
        .await;
    let partners = sizes["partners"]["totalCount"].as_u64().unwrap();
    let most = sizes["partners"]["nodes"][0]["interventions"]["totalCount"]
        .as_u64()
        .unwrap();
    assert!(partners < 500 && most < 500, "{sizes}");
    let capped = app.graphql(&nested_pages(500), json!({})).await;
    assert_eq!(
        cost(&capped),
        2 + partners * (2 + 1 + most * 3),
        "{capped:#}"
    );
    // One level more is refused.
    let refused = app
        .error(
            "{ partners(first: 500) { nodes { collaborators(first: 500) { nodes {
                interventions(first: 500) { edges { node { name } } } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        refused["extensions"]["code"], "COST_ESTIMATED_TOO_EXPENSIVE",
        "{refused:#}"
    );
    assert!(refused["extensions"]["cost"].as_u64() > Some(200_000));
    assert_eq!(refused["extensions"]["limit"], 200_000);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("complex"),
        "{refused:#}"
    );

    let directives = format!("{{ __typename {} }}", "@include(if: true) ".repeat(9));
    let refused = app.error(&directives, json!({})).await;
    assert_eq!(
        refused["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{refused:#}"
    );

    let nested = format!(
        "{{ partners(filter: {{ search: {}\"x\"{} }}) {{ totalCount }} }}",
        "[".repeat(40),
        "]".repeat(40)
    );
    let body = app.graphql(&nested, json!({})).await;
    assert!(body["errors"][0]["message"].is_string(), "{body:#}");

    // Introspection (for GraphiQL and code generators) is on by default ...
    let schema = app
        .data("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(schema["__schema"]["queryType"]["name"], "Query");
    let hint = app.error("{ partnrs { totalCount } }", json!({})).await;
    assert!(
        hint["message"].as_str().unwrap().contains("partners"),
        "{hint:#}"
    );
    let db = app.stop().await;

    // ... and can be switched off, suggestions with it.
    let closed = spawn_app_with(
        db,
        false,
        ServeArgs {
            no_introspection: true,
            ..config()
        },
    )
    .await;
    let body = closed
        .graphql(
            "{ __schema { queryType { name } } __type(name: \"Partner\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["__schema"], Value::Null, "{body:#}");
    assert_eq!(body["data"]["__type"], Value::Null, "{body:#}");
    let hint = closed.error("{ partnrs { totalCount } }", json!({})).await;
    assert!(
        !hint["message"].as_str().unwrap().contains("partners"),
        "{hint:#}"
    );
}
db_test!(query_limits);

async fn cors_allow_list(db: TestDb) {
    let app = spawn_app_with(
        db,
        false,
        ServeArgs {
            cors_origins: vec!["https://kaart.example.nl".into()],
            ..config()
        },
    )
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
    };
    let allowed = preflight("https://kaart.example.nl").await.unwrap();
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://kaart.example.nl"
    );
    let allowed_headers = allowed.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed_headers.contains("authorization"),
        "{allowed_headers}"
    );
    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}
db_test!(cors_allow_list);

/// Regression (issue "Bounded work for every request"): `Authorization: BEARER …` was refused
/// although the scheme is case-insensitive (RFC 7235); any case, and any run of spaces and
/// tabs after it, now works on every route that reads the header.
async fn the_bearer_scheme_is_read_in_any_case(db: TestDb) {
    let app = spawn_closed_app(db).await;
    let editor = create_token(&app.service, "redactie", Role::Editor).await;
    let area = app.id_of("area", "lelystad-oost").await;
    for (i, scheme) in ["Bearer ", "BEARER ", "bearer ", "bEaReR \t  ", "Bearer\t"]
        .into_iter()
        .enumerate()
    {
        let authorization = format!("{scheme}{editor}");
        let headers = [
            ("content-type", "application/json"),
            ("authorization", authorization.as_str()),
        ];
        let (status, answer) =
            body(raw(&app, &headers, r#"{"query":"{ partners { totalCount } }"}"#).await).await;
        assert_eq!(status, 200, "{scheme:?}: {answer}");
        assert!(answer["data"]["partners"]["totalCount"].as_u64() > Some(0));
        let write = json!({
            "query": "mutation($a: ID!, $s: String!) { createWijk(input: { areaId: $a, slug: $s, name: $s }) { slug } }",
            "variables": { "a": area, "s": format!("wijk-{i}") },
        });
        let (status, answer) = body(raw(&app, &headers, &write.to_string()).await).await;
        assert_eq!(status, 200, "{scheme:?}: {answer}");
        assert_eq!(answer["data"]["createWijk"]["slug"], format!("wijk-{i}"));
        for path in ["/maps", "/maps/collaboration.svg"] {
            let response = app
                .client
                .get(format!("{}{path}", app.base))
                .header("authorization", &authorization)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{scheme:?} {path}");
        }
    }
    // Still a bearer token and nothing else.
    for authorization in [
        format!("Bearer{editor}"),
        format!("Basic {editor}"),
        "Bearer".to_owned(),
        "Bearer  \t ".to_owned(),
    ] {
        let headers = [
            ("content-type", "application/json"),
            ("authorization", authorization.as_str()),
        ];
        let (status, answer) =
            body(raw(&app, &headers, r#"{"query":"{ partners { totalCount } }"}"#).await).await;
        assert_eq!(
            (status, code(&answer)),
            (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED"),
            "{authorization:?}"
        );
    }
}
db_test!(the_bearer_scheme_is_read_in_any_case);

/// Regression (issue "Bounded work for every request"): with two `Authorization` headers the
/// first silently won. Which one counts would be a guess (a proxy may guess the other way), so
/// such a request is refused with 400 on every route that reads the header, and nothing runs.
async fn two_authorization_headers_are_refused(db: TestDb) {
    let app = spawn_app(db, true).await;
    let viewer = create_token(&app.service, "lezer", Role::Viewer).await;
    let admin = format!("Bearer {}", app.token);
    let viewer = format!("Bearer {viewer}");
    let before = app.export().await;
    let area = app.id_of("area", "lelystad-oost").await;
    let write = json!({
        "query": "mutation($a: ID!) { createWijk(input: { areaId: $a, slug: \"dubbel\", name: \"Dubbel\" }) { slug } }",
        "variables": { "a": area },
    })
    .to_string();
    let pairs = [
        (admin.as_str(), admin.as_str()),
        (admin.as_str(), viewer.as_str()),
        (viewer.as_str(), admin.as_str()),
        (admin.as_str(), "Bearer smh_unknown"),
    ];
    for (first, second) in pairs {
        let headers = [
            ("content-type", "application/json"),
            ("authorization", first),
            ("authorization", second),
        ];
        for query in [r#"{"query":"{ partners { totalCount } }"}"#, write.as_str()] {
            let (status, answer) = body(raw(&app, &headers, query).await).await;
            assert_eq!(
                (status, code(&answer)),
                (StatusCode::BAD_REQUEST, "BAD_REQUEST"),
                "POST /graphql: {answer}"
            );
            assert!(
                answer["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("Authorization")
            );
            assert!(answer.get("data").is_none());
        }
        for path in [
            "/graphql?query=%7B%20partners%20%7B%20totalCount%20%7D%20%7D",
            "/maps",
            "/maps/collaboration.svg",
            "/maps/full.gexf",
            "/results.csv",
        ] {
            let response = app
                .client
                .get(format!("{}{path}", app.base))
                .header("authorization", first)
                .header("authorization", second)
                .send()
                .await
                .unwrap();
            let (status, answer) = body(response).await;
            assert_eq!(
                (status, code(&answer)),
                (StatusCode::BAD_REQUEST, "BAD_REQUEST"),
                "GET {path}: {answer}"
            );
        }
    }
    assert_eq!(
        app.export().await,
        before,
        "a refused request changed the data"
    );
    // One header still works.
    let headers = [
        ("content-type", "application/json"),
        ("authorization", admin.as_str()),
    ];
    let (status, answer) = body(raw(&app, &headers, &write).await).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["data"]["createWijk"]["slug"], "dubbel");
}
db_test!(two_authorization_headers_are_refused);

/// Regression (issue "Bounded work for every request"): an admin could name a token
/// `samenhang` and pass its changes off as the seed loader's. Names the audit trail uses for
/// samenhang itself are refused by the API and the command line.
async fn token_names_cannot_pass_for_samenhang(db: TestDb) {
    let app = spawn_app(db, true).await;
    let create = "mutation($n: String!) { createApiToken(name: $n, role: ADMIN) { token } }";
    let tokens = "{ apiTokens { name } }";
    let listed = app.data(tokens, json!({})).await;
    let reserved = [
        "samenhang",
        "SAMENHANG",
        "Samenhang",
        "anonymous",
        "Anonymous",
        "system",
        "system-import",
        "SYSTEM.backup",
        "cli:root",
        "CLI:anna",
    ];
    for name in reserved {
        let error = app.error(create, json!({ "n": name })).await;
        assert_eq!(
            error["extensions"]["code"], "BAD_USER_INPUT",
            "{name}: {error}"
        );
        assert_eq!(error["extensions"]["field"], "name", "{name}: {error}");
    }
    assert_eq!(
        app.data(tokens, json!({})).await,
        listed,
        "a reserved token was made"
    );

    let dir = tempfile::tempdir().expect("temporary directory");
    for name in [
        "samenhang",
        "Anonymous",
        "systeembeheer-x",
        "system",
        "cli:root",
    ] {
        let created = cli(
            &app.db,
            dir.path(),
            &["token", "create", name, "--role", "admin"],
        );
        let stderr = String::from_utf8_lossy(&created.stderr);
        if name == "systeembeheer-x" {
            // Dutch for system administration, but not `system…`: an ordinary name.
            assert!(created.status.success(), "{name}: {stderr}");
            continue;
        }
        assert_eq!(created.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains("reserved") || stderr.contains("letters, digits"),
            "{name}: {stderr}"
        );
        assert!(created.stdout.is_empty(), "{name}: no token printed");
    }
    let names = app.service.store().list_tokens().await.expect("tokens");
    assert!(
        names
            .iter()
            .all(|t| !reserved.iter().any(|r| r.eq_ignore_ascii_case(&t.name))),
        "{names:?}"
    );
    // Names that merely contain a reserved word are fine.
    for name in ["samenhang-redactie", "ecosystem", "client"] {
        let data = app.data(create, json!({ "n": name })).await;
        assert!(data["createApiToken"]["token"].is_string(), "{name}");
    }
}
db_test!(token_names_cannot_pass_for_samenhang);
