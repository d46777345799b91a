//! One word for a concept (issue 11): the schema says `Cluster` for a programme cluster. The
//! old `programme` names still answer, the same as the new ones, and say they are deprecated;
//! IDs handed out before the rename still resolve; `Line.goals` is paged.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, db_test, spawn_app};

/// The same question asked with the old names and with the new ones.
const PAIRS: &[(&str, &str)] = &[
    (
        r#"{ area(slug: "lelystad-oost") { programmes(orderBy: { field: NAME }) { totalCount nodes { slug } } } }"#,
        r#"{ area(slug: "lelystad-oost") { clusters(orderBy: { field: NAME }) { totalCount nodes { slug } } } }"#,
    ),
    (
        r#"{ programme(slug: "wonen-en-werk") { id name lines { slug } } programmes { totalCount } }"#,
        r#"{ cluster(slug: "wonen-en-werk") { id name lines { slug } } clusters { totalCount } }"#,
    ),
    (
        r#"{ line(slug: "preventie-met-gezag") { programme { slug } } goal(slug: "pmg-hoofddoel") { programme { slug } } }"#,
        r#"{ line(slug: "preventie-met-gezag") { cluster { slug } } goal(slug: "pmg-hoofddoel") { cluster { slug } } }"#,
    ),
    (
        r#"{ partner(slug: "politie") { programmes { slug } } wijk(slug: "boswijk") { programmes { slug } } fundingStreams(first: 500) { nodes { programmes { slug } } } }"#,
        r#"{ partner(slug: "politie") { clusters { slug } } wijk(slug: "boswijk") { clusters { slug } } fundingStreams(first: 500) { nodes { clusters { slug } } } }"#,
    ),
    (
        r#"{ interventions(filter: { programme: "veilige-wijken", programmeCount: { gte: 2 } }, orderBy: { field: PROGRAMME_COUNT, direction: DESC }, first: 500) { totalCount nodes { slug programmes { slug } } } }"#,
        r#"{ interventions(filter: { cluster: "veilige-wijken", clusterCount: { gte: 2 } }, orderBy: { field: CLUSTER_COUNT, direction: DESC }, first: 500) { totalCount nodes { slug clusters { slug } } } }"#,
    ),
    (
        r#"{ partners(filter: { programme: "wonen-en-werk" }, first: 500) { totalCount } wijken(filter: { programme: "wonen-en-werk" }) { totalCount } goals(filter: { programme: "wonen-en-werk" }, first: 500) { totalCount } lines(filter: { programme: "wonen-en-werk" }) { totalCount } fundingStreams(filter: { programme: "wonen-en-werk" }) { totalCount } }"#,
        r#"{ partners(filter: { cluster: "wonen-en-werk" }, first: 500) { totalCount } wijken(filter: { cluster: "wonen-en-werk" }) { totalCount } goals(filter: { cluster: "wonen-en-werk" }, first: 500) { totalCount } lines(filter: { cluster: "wonen-en-werk" }) { totalCount } fundingStreams(filter: { cluster: "wonen-en-werk" }) { totalCount } }"#,
    ),
    (
        r#"{ crossClusterPartners(area: "lelystad-oost") { clusters { programme { slug } } } clusterOverlap(area: "lelystad-oost") { clusters { programme { slug } } matrix { programmes { slug } } } }"#,
        r#"{ crossClusterPartners(area: "lelystad-oost") { clusters { cluster { slug } } } clusterOverlap(area: "lelystad-oost") { clusters { cluster { slug } } matrix { clusters { slug } } } }"#,
    ),
    (
        r#"{ collaborationNetwork(area: "lelystad-oost", filter: { programme: "veilige-wijken" }) { nodeCount edgeCount } communities(area: "lelystad-oost") { communities { clusters { programme { slug } partners } } } }"#,
        r#"{ collaborationNetwork(area: "lelystad-oost", filter: { cluster: "veilige-wijken" }) { nodeCount edgeCount } communities(area: "lelystad-oost") { communities { clusters { cluster { slug } partners } } } }"#,
    ),
];

/// Replaces every `programme…` key of an answer by its `cluster…` twin.
fn renamed(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.replace("programme", "cluster"), renamed(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(renamed).collect()),
        other => other.clone(),
    }
}

async fn old_and_new_names_answer_the_same(db: TestDb) {
    let app = spawn_app(db, true).await;
    for (old, new) in PAIRS {
        let (before, after) = (
            app.data(old, json!({})).await,
            app.data(new, json!({})).await,
        );
        assert_eq!(renamed(&before), after, "{old}\n{new}");
        // Not an empty answer on both sides: each pair finds something.
        assert!(
            after.to_string().contains("slug") || after.to_string().contains("Count\":"),
            "{after}"
        );
    }
    // Lelystad Oost's three clusters, by name.
    let data = app.data(PAIRS[0].1, json!({})).await;
    assert_eq!(data["area"]["clusters"]["totalCount"], 3);
    app.stop().await;
}
db_test!(old_and_new_names_answer_the_same);

async fn deprecations_show_in_introspection(db: TestDb) {
    let app = spawn_app(db, false).await;
    let data = app
        .data(
            r#"{ cluster: __type(name: "Cluster") { name }
                 programme: __type(name: "Programme") { name }
                 area: __type(name: "Area") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } }
                 query: __type(name: "Query") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } }
                 mutation: __type(name: "Mutation") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } }
                 filter: __type(name: "InterventionFilter") { inputFields(includeDeprecated: true) { name isDeprecated deprecationReason } }
                 line: __type(name: "CreateLineInput") { inputFields(includeDeprecated: true) { name type { kind } isDeprecated deprecationReason } }
                 sort: __type(name: "SortField") { enumValues(includeDeprecated: true) { name isDeprecated deprecationReason } }
                 node: __type(name: "NodeType") { enumValues(includeDeprecated: true) { name isDeprecated deprecationReason } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["cluster"]["name"], "Cluster");
    assert_eq!(data["programme"], Value::Null, "the type is renamed");
    let find = |list: &str, key: &str, name: &str| -> Value {
        data[list][key]
            .as_array()
            .expect(list)
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("{list} has no {name}"))
            .clone()
    };
    for (list, key, old, new) in [
        ("area", "fields", "programmes", "clusters"),
        ("query", "fields", "programme", "cluster"),
        ("query", "fields", "programmes", "clusters"),
        ("mutation", "fields", "createProgramme", "createCluster"),
        ("mutation", "fields", "updateProgramme", "updateCluster"),
        ("mutation", "fields", "deleteProgramme", "deleteCluster"),
        ("filter", "inputFields", "programme", "cluster"),
        ("filter", "inputFields", "programmeCount", "clusterCount"),
        ("line", "inputFields", "programmeId", "clusterId"),
        ("sort", "enumValues", "PROGRAMME_COUNT", "CLUSTER_COUNT"),
        ("node", "enumValues", "PROGRAMME", "CLUSTER"),
    ] {
        let (was, is) = (find(list, key, old), find(list, key, new));
        assert_eq!(was["isDeprecated"], true, "{list}.{old}");
        assert_eq!(
            was["deprecationReason"],
            format!("Use `{new}` instead."),
            "{list}.{old}"
        );
        assert_eq!(is["isDeprecated"], false, "{list}.{new}");
    }
    // Neither twin of a once required input field is required any more.
    assert_eq!(
        find("line", "inputFields", "clusterId")["type"]["kind"],
        "SCALAR"
    );
    app.stop().await;
}
db_test!(deprecations_show_in_introspection);

async fn ids_from_before_the_rename_still_resolve(db: TestDb) {
    let app = spawn_app(db, true).await;
    let id = app.id_of("programme", "veilige-wijken").await;
    assert_eq!(id, app.id_of("cluster", "veilige-wijken").await);
    // An ID as the schema handed it out before the rename: `Programme:<id>`, base64url.
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(&id).expect("base64url")).unwrap();
    let number = text.strip_prefix("Programme:").expect("table-named ID");
    let before = URL_SAFE_NO_PAD.encode(format!("Programme:{number}"));
    let data = app
        .data(
            "query($id: ID!) { node(id: $id) { __typename id ... on Cluster { slug } } }",
            json!({ "id": before }),
        )
        .await;
    assert_eq!(
        data["node"],
        json!({ "__typename": "Cluster", "id": before, "slug": "veilige-wijken" })
    );
    // `cluster:` and `programme:` both name a cluster in a node reference.
    for reference in ["cluster:veilige-wijken", "programme:veilige-wijken"] {
        let data = app
            .data(
                "query($n: String!) { progressSummary(node: $n) { indicators } }",
                json!({ "n": reference }),
            )
            .await;
        assert!(data["progressSummary"]["indicators"].is_number(), "{data}");
    }
    app.stop().await;
}
db_test!(ids_from_before_the_rename_still_resolve);

const CREATE_LINE: &str =
    "mutation($i: CreateLineInput!) { createLine(input: $i) { slug cluster { slug } } }";

async fn lines(app: &TestApp) -> Value {
    app.data("{ lines(first: 500) { totalCount } }", json!({}))
        .await["lines"]["totalCount"]
        .clone()
}

async fn a_line_takes_its_cluster_by_either_name_but_not_two(db: TestDb) {
    let app = spawn_app(db, true).await;
    let veilig = app.id_of("cluster", "veilige-wijken").await;
    let wonen = app.id_of("cluster", "wonen-en-werk").await;
    let before = lines(&app).await;

    // Neither, or two different clusters: refused on `clusterId`, nothing created.
    for (input, why) in [
        (
            json!({ "slug": "nieuw", "name": "Nieuw" }),
            "give the cluster",
        ),
        (
            json!({ "slug": "nieuw", "name": "Nieuw", "clusterId": veilig, "programmeId": wonen }),
            "deprecated name",
        ),
    ] {
        let error = app.error(CREATE_LINE, json!({ "i": input })).await;
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error}");
        assert_eq!(error["extensions"]["field"], "clusterId", "{error}");
        assert!(error["message"].as_str().unwrap().contains(why), "{error}");
    }
    assert_eq!(lines(&app).await, before);

    // Either name, or both naming the same cluster.
    for (slug, input) in [
        ("l-nieuw", json!({ "clusterId": veilig })),
        ("l-oud", json!({ "programmeId": veilig })),
        (
            "l-beide",
            json!({ "clusterId": veilig, "programmeId": veilig }),
        ),
    ] {
        let mut input = input;
        input["slug"] = json!(slug);
        input["name"] = json!(slug);
        let data = app.data(CREATE_LINE, json!({ "i": input })).await;
        assert_eq!(
            data["createLine"],
            json!({ "slug": slug, "cluster": { "slug": "veilige-wijken" } })
        );
    }

    // Moving a line: by the new name; two different clusters are refused.
    let line = app.id_of("line", "l-oud").await;
    let update = "mutation($id: ID!, $i: UpdateLineInput!) { updateLine(id: $id, input: $i) { cluster { slug } } }";
    let data = app
        .data(update, json!({ "id": line, "i": { "clusterId": wonen } }))
        .await;
    assert_eq!(data["updateLine"]["cluster"]["slug"], "wonen-en-werk");
    let error = app
        .error(
            update,
            json!({ "id": line, "i": { "clusterId": veilig, "programmeId": wonen } }),
        )
        .await;
    assert_eq!(error["extensions"]["field"], "clusterId", "{error}");
    let data = app
        .data(r#"{ line(slug: "l-oud") { cluster { slug } } }"#, json!({}))
        .await;
    assert_eq!(data["line"]["cluster"]["slug"], "wonen-en-werk");

    // The same in filters: two different clusters are refused, naming the field.
    let error = app
        .error(
            r#"{ goals(filter: { cluster: "veilige-wijken", programme: "wonen-en-werk" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("cluster"),
        "{error}"
    );
    app.stop().await;
}
db_test!(a_line_takes_its_cluster_by_either_name_but_not_two);

async fn a_lines_goals_are_a_page(db: TestDb) {
    let app = spawn_app(db, true).await;
    // Every line's top goals: its goals without a parent.
    let data = app
        .data(
            "{ lines(first: 20) { totalCount nodes { slug goals(first: 20) { totalCount nodes { slug } edges { cursor node { slug } } pageInfo { hasNextPage } } } }
               goals(first: 500) { nodes { slug parent { slug } line { slug } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["lines"]["totalCount"], 9,
        "Lelystad Oost's nine lines, one page"
    );
    let goals = data["goals"]["nodes"].as_array().unwrap();
    for line in data["lines"]["nodes"].as_array().unwrap() {
        let top: Vec<&Value> = goals
            .iter()
            .filter(|g| g["parent"].is_null() && g["line"]["slug"] == line["slug"])
            .map(|g| &g["slug"])
            .collect();
        let page = &line["goals"];
        let listed: Vec<&Value> = page["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| &g["slug"])
            .collect();
        assert_eq!(listed, top, "{}", line["slug"]);
        assert_eq!(page["totalCount"], top.len(), "{}", line["slug"]);
        assert_eq!(page["pageInfo"]["hasNextPage"], false);
    }
    assert!(!goals.is_empty());

    // Paged one at a time with the cursor, the line's goals come in the same order.
    let line = r#"query($after: String) { line(slug: "veilige-wijken") { goals(first: 1, after: $after) { totalCount nodes { slug } pageInfo { hasNextPage endCursor } } } }"#;
    let all = app
        .data(
            r#"{ line(slug: "veilige-wijken") { goals { nodes { slug } } } }"#,
            json!({}),
        )
        .await["line"]["goals"]["nodes"]
        .clone();
    let (mut after, mut seen) = (Value::Null, vec![]);
    loop {
        let page = app.data(line, json!({ "after": after })).await["line"]["goals"].clone();
        seen.extend(page["nodes"].as_array().unwrap().iter().cloned());
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(Value::Array(seen), all);

    // The filter narrows the line's own goals only: sub-goals never show.
    let data = app
        .data(
            r#"{ line(slug: "veilige-wijken") { goals(filter: { level: SUB }) { totalCount } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["line"]["goals"]["totalCount"], 0);
    app.stop().await;
}
db_test!(a_lines_goals_are_a_page);
