//! Bad input gets a clear error with `extensions.code` and changes nothing: not the database,
//! not the graph.

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, db_test, samenhang_id, spawn_app};

/// What the service holds, from the graph and (separately) from the database.
pub(crate) async fn state(app: &TestApp) -> (u64, String, samenhang::domain::Dataset) {
    let snapshot = app.service.snapshot();
    let stored = app.service.store().load().await.expect("load");
    (snapshot.version, app.export().await, stored)
}

pub(crate) async fn refused(
    app: &TestApp,
    query: &str,
    variables: Value,
    code: &str,
    field: Option<&str>,
) {
    let before = state(app).await;
    let error = app.error(query, variables).await;
    assert_eq!(error["extensions"]["code"], code, "{query}: {error:#}");
    if let Some(field) = field {
        assert_eq!(error["extensions"]["field"], field, "{query}: {error:#}");
    }
    assert!(!error["message"].as_str().unwrap_or_default().is_empty());
    let after = state(app).await;
    assert!(
        before == after,
        "a refused request changed the data: {query}"
    );
}

async fn bad_input_is_refused_and_changes_nothing(db: TestDb) {
    let app = spawn_app(db, true).await;
    let area = app.id_of("area", "lelystad-oost").await;
    let line = app.id_of("line", "preventie-met-gezag").await;
    let programme = app.id_of("cluster", "veilige-wijken").await;
    let main_goal = app.id_of("goal", "pmg-hoofddoel").await;
    let sub_goal = app.id_of("goal", "pmg-positieve-alternatieven").await;
    let intervention = app.id_of("intervention", "pmg-kapot-sterk").await;
    let partner = app.id_of("partner", "halt").await;
    let create_partner = "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { id } }";
    let create_intervention =
        "mutation($i: CreateInterventionInput!) { createIntervention(input: $i) { id } }";

    // Unknown and malformed ids.
    let unknown = samenhang_id("Area", 999_999);
    // A filter given the ID of a cluster that does not exist says so (not an empty list).
    refused(
        &app,
        "query($c: String) { partners(filter: { cluster: $c }) { totalCount } }",
        json!({ "c": samenhang_id("Programme", 999_999) }),
        "NOT_FOUND",
        None,
    )
    .await;
    refused(
        &app,
        create_partner,
        json!({ "i": { "areaId": unknown, "slug": "x", "name": "X", "kind": "OTHER" } }),
        "NOT_FOUND",
        Some("areaId"),
    )
    .await;
    refused(
        &app,
        create_partner,
        json!({ "i": { "areaId": "garbage", "slug": "x", "name": "X", "kind": "OTHER" } }),
        "BAD_USER_INPUT",
        Some("areaId"),
    )
    .await;
    refused(
        &app,
        create_partner,
        json!({ "i": { "areaId": partner, "slug": "x", "name": "X", "kind": "OTHER" } }),
        "BAD_USER_INPUT",
        Some("areaId"),
    )
    .await;
    refused(
        &app,
        "mutation($id: ID!) { deletePartner(id: $id) { id } }",
        json!({ "id": samenhang_id("Partner", 999_999) }),
        "NOT_FOUND",
        Some("id"),
    )
    .await;
    refused(
        &app,
        "mutation($i: ID!, $p: ID!) { linkInterventionPartner(interventionId: $i, partnerId: $p) { id } }",
        json!({ "i": intervention, "p": samenhang_id("Partner", 999_999) }),
        "NOT_FOUND",
        Some("partnerId"),
    )
    .await;

    // A goal cannot move below its own sub-goal.
    refused(
        &app,
        "mutation($g: ID!, $p: ID!) { updateGoal(id: $g, input: { parentId: $p }) { id } }",
        json!({ "g": main_goal, "p": sub_goal }),
        "BAD_USER_INPUT",
        Some("parentId"),
    )
    .await;

    // Duplicates.
    refused(
        &app,
        create_partner,
        json!({ "i": { "areaId": area, "slug": "halt", "name": "Nog een Halt", "kind": "OTHER" } }),
        "CONFLICT",
        Some("slug"),
    )
    .await;
    refused(
        &app,
        "mutation { createArea(input: { slug: \"lelystad-oost\", name: \"Twee\" }) { id } }",
        json!({}),
        "CONFLICT",
        Some("slug"),
    )
    .await;
    refused(
        &app,
        "mutation($id: ID!) { updatePartner(id: $id, input: { slug: \"politie\" }) { id } }",
        json!({ "id": partner }),
        "CONFLICT",
        Some("slug"),
    )
    .await;

    // Invalid values.
    for (start, end, field) in [
        (2026, 2024, "endYear"),
        (1800, 2020, "startYear"),
        (2020, 3000, "endYear"),
    ] {
        refused(
            &app,
            create_intervention,
            json!({ "i": { "areaId": area, "slug": "jaren", "name": "Jaren", "startYear": start, "endYear": end } }),
            "BAD_USER_INPUT",
            Some(field),
        )
        .await;
    }
    refused(
        &app,
        create_partner,
        json!({ "i": { "areaId": area, "slug": "Niet Goed", "name": "X", "kind": "OTHER" } }),
        "BAD_USER_INPUT",
        Some("slug"),
    )
    .await;
    refused(
        &app,
        create_partner,
        json!({ "i": { "areaId": area, "slug": "leeg", "name": "  ", "kind": "OTHER" } }),
        "BAD_USER_INPUT",
        Some("name"),
    )
    .await;
    refused(&app, create_partner, json!({ "i": { "areaId": area, "slug": "lang", "name": "x".repeat(301), "kind": "OTHER" } }), "BAD_USER_INPUT", Some("name")).await;
    refused(
        &app,
        "mutation($i: CreateFundingStreamInput!) { createFundingStream(input: $i) { id } }",
        json!({ "i": { "areaId": area, "slug": "negatief", "name": "Min", "kind": "OTHER", "amountEur": -5 } }),
        "BAD_USER_INPUT",
        Some("amountEur"),
    )
    .await;
    // Several problems are reported together.
    let error = app
        .error(
            create_intervention,
            json!({ "i": { "areaId": area, "slug": "Fout", "name": "", "startYear": 1 } }),
        )
        .await;
    assert_eq!(
        error["extensions"]["problems"].as_array().map(Vec::len),
        Some(3),
        "{error:#}"
    );

    // The goal tree stays a tree.
    refused(
        &app,
        "mutation($id: ID!, $p: ID!) { updateGoal(id: $id, input: { parentId: $p }) { id } }",
        json!({ "id": main_goal, "p": sub_goal }),
        "BAD_USER_INPUT",
        None,
    )
    .await;
    refused(
        &app,
        "mutation($id: ID!) { updateGoal(id: $id, input: { parentId: $id }) { id } }",
        json!({ "id": main_goal }),
        "BAD_USER_INPUT",
        Some("parentId"),
    )
    .await;
    refused(
        &app,
        "mutation($l: ID!, $p: ID!) { createGoal(input: { lineId: $l, parentId: $p, slug: \"beide\", level: SUB, name: \"Beide\" }) { id } }",
        json!({ "l": line, "p": main_goal }),
        "BAD_USER_INPUT",
        Some("lineId"),
    )
    .await;

    // Deleting what still holds other nodes.
    refused(
        &app,
        "mutation($id: ID!) { deleteCluster(id: $id) { id } }",
        json!({ "id": programme }),
        "CONFLICT",
        Some("id"),
    )
    .await;
    refused(
        &app,
        "mutation($id: ID!) { deleteLine(id: $id) { id } }",
        json!({ "id": line }),
        "CONFLICT",
        Some("id"),
    )
    .await;
    refused(
        &app,
        "mutation($id: ID!) { deleteGoal(id: $id) { id } }",
        json!({ "id": main_goal }),
        "CONFLICT",
        Some("id"),
    )
    .await;
    refused(
        &app,
        "mutation($id: ID!) { deleteArea(id: $id) { id } }",
        json!({ "id": area }),
        "CONFLICT",
        Some("id"),
    )
    .await;

    // Links that make no sense.
    refused(
        &app,
        "mutation($i: ID!) { linkInterventions(fromId: $i, toId: $i) { id } }",
        json!({ "i": intervention }),
        "BAD_USER_INPUT",
        Some("toId"),
    )
    .await;
    let other_area = app
        .data(
            "mutation { createArea(input: { slug: \"elders\", name: \"Elders\" }) { id } }",
            json!({}),
        )
        .await["createArea"]["id"]
        .clone();
    let stranger = app
        .data(create_partner, json!({ "i": { "areaId": other_area, "slug": "vreemde", "name": "Vreemde", "kind": "OTHER" } }))
        .await["createPartner"]["id"]
        .clone();
    refused(
        &app,
        "mutation($i: ID!, $p: ID!) { linkInterventionPartner(interventionId: $i, partnerId: $p) { id } }",
        json!({ "i": intervention, "p": stranger }),
        "BAD_USER_INPUT",
        Some("partnerId"),
    )
    .await;

    // Paging arguments.
    refused(
        &app,
        "{ partners(first: 501) { totalCount } }",
        json!({}),
        "BAD_USER_INPUT",
        Some("first"),
    )
    .await;
    refused(
        &app,
        "{ partners(first: -1) { totalCount } }",
        json!({}),
        "BAD_USER_INPUT",
        Some("first"),
    )
    .await;
    refused(
        &app,
        "{ partners(after: \"bm90IGEgY3Vyc29y\") { totalCount } }",
        json!({}),
        "BAD_USER_INPUT",
        Some("after"),
    )
    .await;
    refused(
        &app,
        "{ partners(filter: { area: \"nergens\" }) { totalCount } }",
        json!({}),
        "NOT_FOUND",
        Some("area"),
    )
    .await;

    // After all that, a good write still works.
    app.data(
        create_partner,
        json!({ "i": { "areaId": area, "slug": "nieuw", "name": "Nieuw", "kind": "OTHER" } }),
    )
    .await;
}
db_test!(bad_input_is_refused_and_changes_nothing);

async fn bad_http_requests_get_clear_answers(db: TestDb) {
    let app = spawn_app(db, true).await;
    let url = format!("{}/graphql", app.base);
    let response = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");

    let response = app
        .client
        .get(&url)
        .query(&[("query", "mutation { deleteArea(id: \"x\") { id } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");

    let response = app
        .client
        .get(&url)
        .query(&[("query", "{ areas { totalCount } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["areas"]["totalCount"], 1);

    // A body over the limit is refused from its announced length, before it is read. The
    // request goes over a raw socket without its body: a client that keeps writing after
    // the server has answered may see a broken pipe instead of the answer.
    let status = status_of_announced_body(&app.base, 2 << 20).await;
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large");

    let body = app.graphql("{ nosuchfield }", json!({})).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nosuchfield")
    );

    // A method a file route does not serve is refused with a body that says which it serves.
    for path in ["/results.csv", "/maps/collaboration.svg", "/maps"] {
        let response = app
            .client
            .post(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{path}");
        let allow = response.headers()["allow"].to_str().unwrap().to_owned();
        assert!(allow.contains("GET"), "{path}: {allow}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "METHOD_NOT_ALLOWED",
            "{path}: {body}"
        );
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains(path) && message.contains("GET"),
            "{message}"
        );
    }
    // A path nothing is served at says so, and names what is.
    let response = app
        .client
        .get(format!("{}/nonexistent", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{body}"
    );
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("/nonexistent") && message.contains("/graphql"),
        "{message}"
    );
}
db_test!(bad_http_requests_get_clear_answers);

/// The status line the server answers to a JSON POST to `/graphql` that announces a body of
/// `length` bytes and sends none.
async fn status_of_announced_body(base: &str, length: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let host = base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {length}\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0_u8; 1024];
    while !answer.windows(2).any(|pair| pair == b"\r\n") {
        let read = socket.read(&mut buffer).await.unwrap();
        assert!(
            read > 0,
            "the server closed the connection without an answer"
        );
        answer.extend_from_slice(&buffer[..read]);
    }
    let answer = String::from_utf8_lossy(&answer);
    answer.lines().next().unwrap_or_default().to_owned()
}

/// GraphiQL's own introspection query, as graphql-js writes it.
const INTROSPECTION: &str = "query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType {
    kind name ofType { kind name ofType { kind name } } } } } } }
}";

async fn expensive_queries_are_bounded(db: TestDb) {
    let app = spawn_app(db, true).await;
    // Introspection stays within the limits, so GraphiQL and code generators work.
    let data = app.data(INTROSPECTION, json!({})).await;
    assert!(
        data["__schema"]["types"]
            .as_array()
            .is_some_and(|t| t.len() > 50)
    );
    // Five centrality questions in one query cost 250 000, over the default 200 000.
    let greedy = "{ a: centrality(top: 1) { nodeCount } b: centrality(top: 2) { nodeCount } c: centrality(top: 3) { nodeCount }
                    d: centrality(top: 4) { nodeCount } e: centrality(top: 5) { nodeCount } }";
    let error = app.error(greedy, json!({})).await;
    assert_eq!(
        error["extensions"]["code"], "COST_ESTIMATED_TOO_EXPENSIVE",
        "{error:#}"
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("complex"),
        "{error:#}"
    );
    // So is a query nested deeper than 24 levels.
    let deep = format!(
        "{{ goals {{ nodes {{ {} id {} }} }} }}",
        "subGoals { nodes { ".repeat(12),
        "}".repeat(24)
    );
    let error = app.error(&deep, json!({})).await;
    assert_eq!(
        error["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{error:#}"
    );
    // And a syntax error.
    assert_eq!(
        app.error_code("{ areas { ", json!({})).await,
        "GRAPHQL_PARSE_FAILED"
    );
}
db_test!(expensive_queries_are_bounded);
