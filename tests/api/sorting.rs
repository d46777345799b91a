//! Sorting and filtering on the server (issue 11): `orderBy` with a field and a direction on
//! every list, filters with lists, ranges and `and`/`or`/`not`, checked against the bundled
//! Lelystad Oost data and against what a client computes from the whole list.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, db_test, spawn_app};

fn slugs(nodes: &Value) -> Vec<String> {
    nodes
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {nodes}"))
        .iter()
        .map(|n| n["slug"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Funding streams ending in 2026 or before, soonest first: the four the source document
/// gives such end years (NIP 2024–2025, the two SPUKs 2025–2026, and SPUK integraal, whose
/// blocks all have "Looptijd ● 2024-2026": issue 12), ties in document order.
async fn funding_streams_ending_by_2026_by_end_year(db: TestDb) {
    let app = spawn_app(db, true).await;
    let data = app
        .data(
            r#"{ fundingStreams(filter: { area: "lelystad-oost", endYear: { lte: 2026 } },
                                orderBy: { field: END_YEAR }) {
                    totalCount nodes { slug endYear } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        slugs(&data["fundingStreams"]["nodes"]),
        [
            "nip",
            "spuk-re-integratie",
            "spuk-armoede-en-schulden",
            "spuk-integraal"
        ]
    );
    assert_eq!(data["fundingStreams"]["totalCount"], 4);

    // Unknown end years come last in both directions.
    for direction in ["ASC", "DESC"] {
        let data = app
            .data(
                r#"query($d: SortDirection!) {
                    fundingStreams(orderBy: { field: END_YEAR, direction: $d }, first: 500) {
                        nodes { slug endYear } } }"#,
                json!({ "d": direction }),
            )
            .await;
        let years: Vec<Option<i64>> = data["fundingStreams"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["endYear"].as_i64())
            .collect();
        let known: Vec<i64> = years.iter().flatten().copied().collect();
        assert!(known.len() >= 5 && years.len() > known.len(), "{years:?}");
        assert!(
            years[..known.len()].iter().all(Option::is_some),
            "{direction} {years:?}"
        );
        let mut sorted = known.clone();
        sorted.sort_unstable();
        if direction == "DESC" {
            sorted.reverse();
            assert_eq!(data["fundingStreams"]["nodes"][0]["slug"], "vhf-3");
        }
        assert_eq!(known, sorted, "{direction}");
    }
}
db_test!(funding_streams_ending_by_2026_by_end_year);

/// Every intervention with its number of distinct partners, from the whole list.
async fn partner_counts(app: &TestApp) -> Vec<(String, usize)> {
    let data = app
        .data(
            r#"{ interventions(first: 500) { nodes { slug partners(first: 500) { nodes { id } } } } }"#,
            json!({}),
        )
        .await;
    data["interventions"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let partners: BTreeSet<&str> = n["partners"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_str().unwrap())
                .collect();
            (n["slug"].as_str().unwrap().to_owned(), partners.len())
        })
        .collect()
}

/// Interventions by partner count, most first: the same order a client gets by counting
/// every intervention's partners (ties by creation order, latest first).
async fn interventions_by_partner_count(db: TestDb) {
    let app = spawn_app(db, true).await;
    let counts = partner_counts(&app).await;
    let data = app
        .data(
            r#"{ interventions(orderBy: { field: PARTNER_COUNT, direction: DESC }, first: 500) {
                    nodes { slug } } }"#,
            json!({}),
        )
        .await;
    let found = slugs(&data["interventions"]["nodes"]);
    // The list in creation order, stably sorted by count (most first), then ties reversed
    // to latest-first as DESC orders ties.
    let mut expected: Vec<(usize, usize, String)> = counts
        .iter()
        .enumerate()
        .map(|(position, (slug, n))| (*n, position, slug.clone()))
        .collect();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let expected: Vec<String> = expected.into_iter().map(|(_, _, s)| s).collect();
    assert_eq!(found, expected);
    let most = counts.iter().map(|(_, n)| *n).max().unwrap();
    assert!(most >= 5, "the busiest intervention has {most} partners");
    let top = counts.iter().find(|(s, _)| *s == found[0]).unwrap();
    assert_eq!(top.1, most);

    // A range on the count keeps exactly the interventions a client counts in it.
    let data = app
        .data(
            r#"{ interventions(filter: { partnerCount: { gte: 3, lt: 5 } }, first: 500) {
                    totalCount nodes { slug } } }"#,
            json!({}),
        )
        .await;
    let expected: Vec<String> = counts
        .iter()
        .filter(|(_, n)| (3..5).contains(n))
        .map(|(s, _)| s.clone())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(slugs(&data["interventions"]["nodes"]), expected);
}
db_test!(interventions_by_partner_count);

/// Lists, `and`, `or` and `not` give what a client finds by testing each partner of the
/// whole list.
async fn lists_and_logic_in_filters(db: TestDb) {
    let app = spawn_app(db, true).await;
    let all = app
        .data(
            r#"{ partners(first: 500) { nodes { id slug kind } } }"#,
            json!({}),
        )
        .await;
    let all = all["partners"]["nodes"].as_array().unwrap().clone();
    let welfare_or_housing: Vec<String> = all
        .iter()
        .filter(|p| matches!(p["kind"].as_str(), Some("WELFARE" | "HOUSING")))
        .filter(|p| p["slug"] != "centrada")
        .map(|p| p["slug"].as_str().unwrap().to_owned())
        .collect();
    assert!(welfare_or_housing.len() >= 3);
    let data = app
        .data(
            r#"{ partners(filter: { kindIn: [WELFARE, HOUSING], not: { slugIn: ["centrada"] } },
                          first: 500) { nodes { slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(slugs(&data["partners"]["nodes"]), welfare_or_housing);

    // `or` of two ID lists, `and` with a kind: the partners in either list of that kind.
    let ids: Vec<&str> = all.iter().map(|p| p["id"].as_str().unwrap()).collect();
    let data = app
        .data(
            r#"query($a: [ID!], $b: [ID!]) {
                partners(filter: { or: [{ idIn: $a }, { idIn: $b }],
                                   and: [{ kindIn: [GOVERNMENT, WELFARE] }] }, first: 500) {
                    nodes { slug } } }"#,
            json!({ "a": ids[..10], "b": ids[20..30] }),
        )
        .await;
    let expected: Vec<String> = all
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 10 || (20..30).contains(i))
        .filter(|(_, p)| matches!(p["kind"].as_str(), Some("GOVERNMENT" | "WELFARE")))
        .map(|(_, p)| p["slug"].as_str().unwrap().to_owned())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(slugs(&data["partners"]["nodes"]), expected);

    // Partners by their number of interventions, most first, with a range on it.
    let data = app
        .data(
            r#"{ partners(orderBy: { field: INTERVENTION_COUNT, direction: DESC },
                          filter: { interventionCount: { gte: 10 } }, first: 500) {
                    nodes { slug interventions { totalCount } } } }"#,
            json!({}),
        )
        .await;
    let counts: Vec<u64> = data["partners"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["interventions"]["totalCount"].as_u64().unwrap())
        .collect();
    assert!(
        !counts.is_empty() && counts.iter().all(|&n| n >= 10),
        "{counts:?}"
    );
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert_eq!(data["partners"]["nodes"][0]["slug"], "gemeente-lelystad");
}
db_test!(lists_and_logic_in_filters);

/// Every list in every order it takes, paged with `first` and `after`, yields the list the
/// server gives in one page: no item twice, none left out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_through_every_order_yields_the_whole_list() {
    let app = spawn_app(TestDb::sqlite(), true).await;
    let lists: &[(&str, &[&str])] = &[
        (
            "fundingStreams",
            &[
                "KIND",
                "START_YEAR",
                "END_YEAR",
                "AMOUNT",
                "INTERVENTION_COUNT",
                "PARTNER_COUNT",
                "CLUSTER_COUNT",
            ],
        ),
        (
            "interventions",
            &["START_YEAR", "END_YEAR", "PARTNER_COUNT", "CLUSTER_COUNT"],
        ),
        (
            "partners",
            &["KIND", "INTERVENTION_COUNT", "CLUSTER_COUNT", "NAME"],
        ),
        ("goals", &["INTERVENTION_COUNT", "PARTNER_COUNT", "NAME"]),
        ("wijken", &["PARTNER_COUNT", "CLUSTER_COUNT"]),
    ];
    for (list, fields) in lists {
        for field in *fields {
            for direction in ["ASC", "DESC"] {
                let query = format!(
                    r#"query($f: SortField!, $d: SortDirection!, $n: Int, $after: String) {{
                        {list}(orderBy: {{ field: $f, direction: $d }}, first: $n, after: $after) {{
                            nodes {{ slug }} pageInfo {{ hasNextPage endCursor }} }} }}"#
                );
                let whole = app
                    .data(&query, json!({ "f": field, "d": direction, "n": 500 }))
                    .await;
                let whole = slugs(&whole[*list]["nodes"]);
                let mut paged = Vec::new();
                let mut after = Value::Null;
                loop {
                    let page = app
                        .data(
                            &query,
                            json!({ "f": field, "d": direction, "n": 7, "after": after }),
                        )
                        .await;
                    paged.extend(slugs(&page[*list]["nodes"]));
                    if page[*list]["pageInfo"]["hasNextPage"] != true {
                        break;
                    }
                    after = page[*list]["pageInfo"]["endCursor"].clone();
                    assert!(paged.len() <= whole.len(), "{list} {field} {direction}");
                }
                assert_eq!(paged, whole, "{list} {field} {direction}");
            }
        }
    }
}

/// A nested list sorts and filters too: a partner's interventions by their partner count,
/// only those starting in 2024 or later.
async fn nested_lists_sort_and_filter(db: TestDb) {
    let app = spawn_app(db, true).await;
    let data = app
        .data(
            r#"{ partner(slug: "welzijn-lelystad") {
                    interventions(filter: { startYear: { gte: 2024 } },
                                  orderBy: { field: PARTNER_COUNT, direction: DESC }, first: 500) {
                        edges { node { startYear partners(first: 500) { nodes { id } } } } } } }"#,
            json!({}),
        )
        .await;
    let edges = data["partner"]["interventions"]["edges"]
        .as_array()
        .unwrap();
    assert!(!edges.is_empty());
    let counts: Vec<usize> = edges
        .iter()
        .map(|e| {
            assert!(e["node"]["startYear"].as_i64().unwrap() >= 2024);
            e["node"]["partners"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_str().unwrap())
                .collect::<BTreeSet<_>>()
                .len()
        })
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
}
db_test!(nested_lists_sort_and_filter);

/// `Intervention.partners` and `Goal.subGoals` are pages like every other list: paged with
/// cursors to the whole list, sorted and filtered as the top-level lists are, the partner's
/// role on the edge.
async fn intervention_partners_and_sub_goals_are_pages(db: TestDb) {
    let app = spawn_app(db, true).await;
    let whole = app
        .data(
            r#"{ intervention(slug: "pmg-kapot-sterk") { partners(first: 500) {
                    totalCount edges { role node { id slug kind } } } } }"#,
            json!({}),
        )
        .await;
    let whole = &whole["intervention"]["partners"];
    let edges = whole["edges"].as_array().unwrap();
    assert_eq!(whole["totalCount"].as_u64(), Some(edges.len() as u64));
    assert!(edges.len() >= 6, "{whole}");
    let all: Vec<String> = edges
        .iter()
        .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
        .collect();

    // Two pages of two, then the rest: the same partners, none twice.
    let page = r#"query($after: String, $first: Int) { intervention(slug: "pmg-kapot-sterk") {
        partners(first: $first, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } nodes { slug } } } }"#;
    let mut paged = Vec::new();
    let mut after = Value::Null;
    for first in [2, 2, 500] {
        let data = app
            .data(page, json!({ "after": after, "first": first }))
            .await;
        let p = &data["intervention"]["partners"];
        assert_eq!(p["totalCount"], whole["totalCount"]);
        paged.extend(slugs(&p["nodes"]));
        after = p["pageInfo"]["endCursor"].clone();
        assert_eq!(p["pageInfo"]["hasNextPage"], paged.len() < all.len(), "{p}");
    }
    assert_eq!(paged, all);

    // Sorted by name as the top-level list sorts the same partners.
    let ids: Vec<&str> = edges
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap())
        .collect();
    let by_name = app
        .data(
            r#"query($ids: [ID!]) {
                intervention(slug: "pmg-kapot-sterk") {
                    partners(orderBy: { field: NAME, direction: DESC }) { nodes { slug } } }
                partners(filter: { idIn: $ids }, orderBy: { field: NAME, direction: DESC }, first: 500) {
                    nodes { slug } } }"#,
            json!({ "ids": ids }),
        )
        .await;
    assert_eq!(
        slugs(&by_name["intervention"]["partners"]["nodes"]),
        slugs(&by_name["partners"]["nodes"])
    );
    assert_ne!(
        slugs(&by_name["partners"]["nodes"]),
        all,
        "the order changed nothing"
    );

    // Filtered by kind and by role, as the whole list counts them.
    let kind = edges[0]["node"]["kind"].as_str().unwrap().to_owned();
    let role = edges[0]["role"].as_str().unwrap().to_owned();
    let data = app
        .data(
            &format!(
                r#"{{ intervention(slug: "pmg-kapot-sterk") {{
                    byKind: partners(filter: {{ kind: {kind} }}) {{ totalCount nodes {{ kind }} }}
                    byRole: partners(role: {role}) {{ totalCount edges {{ role }} }} }} }}"#
            ),
            json!({}),
        )
        .await;
    let of_kind = edges
        .iter()
        .filter(|e| e["node"]["kind"] == kind.as_str())
        .count();
    let in_role = edges.iter().filter(|e| e["role"] == role.as_str()).count();
    let by_kind = &data["intervention"]["byKind"];
    assert_eq!(by_kind["totalCount"].as_u64(), Some(of_kind as u64));
    assert!(
        by_kind["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["kind"] == kind.as_str())
    );
    let by_role = &data["intervention"]["byRole"];
    assert_eq!(by_role["totalCount"].as_u64(), Some(in_role as u64));
    assert!(
        by_role["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["role"] == role.as_str())
    );

    // A goal's sub-goals: the goals whose parent it is, a page at a time.
    let goals = app
        .data(
            r#"{ goals(first: 500) { nodes { slug parent { slug } } }
                 goal(slug: "pmg-hoofddoel") {
                    first: subGoals(first: 1) { totalCount pageInfo { hasNextPage } nodes { slug parent { slug } } }
                    all: subGoals(orderBy: { field: SLUG }) { nodes { slug } } } }"#,
            json!({}),
        )
        .await;
    let mut below: Vec<String> = goals["goals"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["parent"]["slug"] == "pmg-hoofddoel")
        .map(|g| g["slug"].as_str().unwrap().to_owned())
        .collect();
    below.sort();
    assert!(below.len() >= 2, "{below:?}");
    let goal = &goals["goal"];
    assert_eq!(
        goal["first"]["totalCount"].as_u64(),
        Some(below.len() as u64)
    );
    assert_eq!(goal["first"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(goal["first"]["nodes"][0]["parent"]["slug"], "pmg-hoofddoel");
    assert_eq!(slugs(&goal["all"]["nodes"]), below);
}
db_test!(intervention_partners_and_sub_goals_are_pages);

/// `UPDATED_AT` lists the latest changes first (`DESC`) or last, in nested lists too.
async fn latest_changes_first(db: TestDb) {
    let app = spawn_app(db, true).await;
    let halt = app.id_of("partner", "halt").await;
    app.data(
        r#"mutation($id: ID!) { updatePartner(id: $id, input: { name: "Halt Flevoland" }) { id } }"#,
        json!({ "id": halt }),
    )
    .await;
    let data = app
        .data(
            r#"{ latest: partners(orderBy: { field: UPDATED_AT, direction: DESC }, first: 3) {
                    nodes { slug updatedAt } }
                 oldestFirst: partners(orderBy: { field: UPDATED_AT }, last: 1) { nodes { slug } }
                 intervention(slug: "pmg-kapot-sterk") {
                    partners(orderBy: { field: UPDATED_AT, direction: DESC }, first: 1) { nodes { slug } } } }"#,
            json!({}),
        )
        .await;
    let latest = data["latest"]["nodes"].as_array().unwrap();
    assert_eq!(latest[0]["slug"], "halt", "{data}");
    let times: Vec<&str> = latest
        .iter()
        .map(|n| n["updatedAt"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    assert_eq!(slugs(&data["oldestFirst"]["nodes"]), ["halt"]);
    assert_eq!(slugs(&data["intervention"]["partners"]["nodes"]), ["halt"]);
}
db_test!(latest_changes_first);

/// What is refused, with `BAD_USER_INPUT` and the field: an order a list does not have, a
/// filter nested too deep, too many values in a list, a cursor of the other direction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_orders_and_filters_are_refused() {
    let app = spawn_app(TestDb::sqlite(), true).await;
    let error = app
        .error(
            r#"{ wijken(orderBy: { field: AMOUNT }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error}");
    assert_eq!(error["extensions"]["field"], "orderBy");
    assert!(
        error["message"].as_str().unwrap().contains("AMOUNT"),
        "{error}"
    );

    let mut filter = "{ kindIn: [WELFARE] }".to_owned();
    for _ in 0..8 {
        filter = format!("{{ not: {filter} }}");
    }
    let query = |f: &str| format!("{{ partners(filter: {f}) {{ totalCount }} }}");
    // Eight levels are fine, nine are not.
    let data = app.data(&query(&filter), json!({})).await;
    assert!(data["partners"]["totalCount"].as_u64().is_some());
    let error = app
        .error(&query(&format!("{{ not: {filter} }}")), json!({}))
        .await;
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("8 levels"),
        "{error}"
    );

    let many: Vec<String> = (0..501).map(|i| format!("s{i}")).collect();
    let error = app
        .error(
            r#"query($s: [String!]) { partners(filter: { slugIn: $s }) { totalCount } }"#,
            json!({ "s": many }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error}");
    assert_eq!(error["extensions"]["field"], "slugIn");

    // A cursor of an unknown end year in ascending order is not one of the descending list.
    let data = app
        .data(
            r#"{ fundingStreams(orderBy: { field: END_YEAR }, last: 1) {
                    pageInfo { endCursor } nodes { endYear } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["fundingStreams"]["nodes"][0]["endYear"], Value::Null);
    let cursor = data["fundingStreams"]["pageInfo"]["endCursor"].clone();
    let error = app
        .error(
            r#"query($c: String) { fundingStreams(orderBy: { field: END_YEAR, direction: DESC },
                                                  after: $c) { totalCount } }"#,
            json!({ "c": cursor }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error}");
}
