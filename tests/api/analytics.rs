//! The analytics fields: exact answers on a small programme computed by hand, and answers on
//! the bundled Lelystad Oost dataset checked against the source document.

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, db_test, spawn_app};

/// Two clusters (a, b), four partners, three funding streams, two wijken, four interventions:
///
/// | intervention | goal | partners   | funding | wijk | period    |
/// |--------------|------|------------|---------|------|-----------|
/// | i1           | ga   | p1 p2      | s1      | w1   | 2020–2025 |
/// | i2           | ga   | p1 p2 p3   | s1 s2   | w1   |           |
/// | i3           | gb   | p1 p4      | s3      | w2   | 2026–2028 |
/// | i4 → i1      | gb   | p3         |         |      |           |
///
/// s1 runs 2020–2025, s2 2024–2030, s3 from 2024 without end.
const SMALL: &str = "version: 2
areas:
  - slug: proef
    name: Proef
    wijken:
      - { slug: w1, name: W1 }
      - { slug: w2, name: W2 }
    partners:
      - { slug: p1, name: P1, kind: government }
      - { slug: p2, name: P2, kind: welfare }
      - { slug: p3, name: P3, kind: education }
      - { slug: p4, name: P4, kind: housing }
    funding_streams:
      - { slug: s1, name: S1, kind: spuk, start_year: 2020, end_year: 2025 }
      - { slug: s2, name: S2, kind: spuk, start_year: 2024, end_year: 2030 }
      - { slug: s3, name: S3, kind: municipal, start_year: 2024 }
    programmes:
      - slug: a
        name: A
        lines:
          - { slug: la, name: LA, goals: [ { slug: ga, level: main, name: GA } ] }
      - slug: b
        name: B
        lines:
          - { slug: lb, name: LB, goals: [ { slug: gb, level: main, name: GB } ] }
    interventions:
      - { slug: i1, name: I1, goals: [ga], partners: { executing: [p1, p2] }, funding: [ { stream: s1 } ], wijken: [w1], start_year: 2020, end_year: 2025 }
      - { slug: i2, name: I2, goals: [ga], partners: { executing: [p1, p2, p3] }, funding: [ { stream: s1 }, { stream: s2 } ], wijken: [w1] }
      - { slug: i3, name: I3, goals: [gb], partners: { executing: [p1, p4] }, funding: [ { stream: s3 } ], wijken: [w2], start_year: 2026, end_year: 2028 }
      - { slug: i4, name: I4, goals: [gb], partners: { executing: [p3] }, related: [ { intervention: i1, kind: refers_to } ] }
end:
  areas: 1
  wijken: 2
  partners: 4
  funding_streams: 3
  goals: 2
  programmes: 2
  lines: 2
  interventions: 4
  line_funding_streams: 0
  intervention_goals: 4
  intervention_partners: 8
  intervention_funding: 4
  intervention_wijken: 3
  intervention_related: 1
";

async fn small(db: TestDb) -> TestApp {
    let app = spawn_app(db, false).await;
    let file = samenhang::dataset::parse(SMALL).expect("parses");
    crate::helpers::import(&app.service, &file, false)
        .await
        .expect("imports");
    app
}

fn slugs(list: &Value, path: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|x| {
            x.pointer(path)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

async fn hand_computed_answers_on_a_small_programme(db: TestDb) {
    let app = small(db).await;

    // The collaboration network: p1–p2 share i1 and i2; p1–p3, p2–p3 share i2; p1–p4 share i3.
    let data = app
        .data(
            r#"{ collaborationNetwork(area: "proef") {
                    nodeCount edgeCount componentCount
                    edges { source { slug } target { slug } weight interventions { slug } }
                    articulationPoints { slug } bridges { source { slug } target { slug } }
            } }"#,
            json!({}),
        )
        .await;
    let net = &data["collaborationNetwork"];
    assert_eq!(
        (
            net["nodeCount"].as_u64(),
            net["edgeCount"].as_u64(),
            net["componentCount"].as_u64()
        ),
        (Some(4), Some(4), Some(1))
    );
    let mut edges: Vec<(String, String, i64)> = net["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let (a, b) = (
                e["source"]["slug"].as_str().unwrap().to_owned(),
                e["target"]["slug"].as_str().unwrap().to_owned(),
            );
            (
                a.clone().min(b.clone()),
                a.max(b),
                e["weight"].as_i64().unwrap(),
            )
        })
        .collect();
    edges.sort();
    let expected = [
        ("p1", "p2", 2),
        ("p1", "p3", 1),
        ("p1", "p4", 1),
        ("p2", "p3", 1),
    ];
    assert_eq!(
        edges,
        expected.map(|(a, b, w)| (a.to_owned(), b.to_owned(), w))
    );
    assert_eq!(
        slugs(&net["articulationPoints"], "/slug"),
        ["p1"],
        "without p1, p4 is alone"
    );
    assert_eq!(net["bridges"].as_array().unwrap().len(), 1);

    // Betweenness: p1 carries the paths p4–p2 and p4–p3 (2 of 3 pairs).
    let data = app
        .data(r#"{ centrality(area: "proef", top: 4) { exact nodes { node { ... on Partner { slug } } degree betweenness } } }"#, json!({}))
        .await;
    let nodes = data["centrality"]["nodes"].as_array().unwrap();
    assert_eq!(data["centrality"]["exact"], true);
    assert_eq!(nodes[0]["node"]["slug"], "p1");
    assert_eq!(nodes[0]["degree"], 3);
    assert!((nodes[0]["betweenness"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-12);
    assert!(
        nodes[1..]
            .iter()
            .all(|n| n["betweenness"].as_f64() == Some(0.0))
    );

    // Partners across clusters: p1 (a: i1 i2, b: i3) before p3 (a: i2, b: i4).
    let data = app
        .data(
            r#"{ crossClusterPartners(area: "proef") { partner { slug } clusterCount interventionCount clusters { cluster { slug } interventions { slug } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["crossClusterPartners"],
        json!([
            { "partner": { "slug": "p1" }, "clusterCount": 2, "interventionCount": 3, "clusters": [
                { "cluster": { "slug": "a" }, "interventions": [{ "slug": "i1" }, { "slug": "i2" }] },
                { "cluster": { "slug": "b" }, "interventions": [{ "slug": "i3" }] } ] },
            { "partner": { "slug": "p3" }, "clusterCount": 2, "interventionCount": 2, "clusters": [
                { "cluster": { "slug": "a" }, "interventions": [{ "slug": "i2" }] },
                { "cluster": { "slug": "b" }, "interventions": [{ "slug": "i4" }] } ] }
        ])
    );

    // Overlap of a and b: p1 and p3; no shared goal or wijk; i4 refers to i1.
    let data = app
        .data(
            r#"{ clusterOverlap(area: "proef") {
                    pairs { sharedPartners { slug } sharedGoals { slug } sharedWijken { slug } relatedInterventions { from { slug } to { slug } kind } }
                    matrix { labels partners wijken relatedInterventions }
            } }"#,
            json!({}),
        )
        .await;
    let overlap = &data["clusterOverlap"];
    assert_eq!(
        overlap["pairs"],
        json!([{ "sharedPartners": [{ "slug": "p1" }, { "slug": "p3" }], "sharedGoals": [], "sharedWijken": [],
                 "relatedInterventions": [{ "from": { "slug": "i4" }, "to": { "slug": "i1" }, "kind": "REFERS_TO" }] }])
    );
    assert_eq!(overlap["matrix"]["labels"], json!(["A", "B"]));
    assert_eq!(overlap["matrix"]["partners"], json!([[3, 2], [2, 3]]));
    assert_eq!(overlap["matrix"]["wijken"], json!([[1, 0], [0, 1]]));
    assert_eq!(
        overlap["matrix"]["relatedInterventions"],
        json!([[0, 1], [1, 0]])
    );

    // Shared interventions of p1 and p2, per cluster.
    let data = app
        .data(r#"{ sharedInterventions(a: "p1", b: "p2") { total byCluster { cluster { slug } interventions { slug } } } }"#, json!({}))
        .await;
    assert_eq!(
        data["sharedInterventions"],
        json!({ "total": 2, "byCluster": [{ "cluster": { "slug": "a" }, "interventions": [{ "slug": "i1" }, { "slug": "i2" }] }] })
    );

    // Funding: i1 lives on s1 alone (ends 2025); i2 keeps s2 until 2030; s3 has no end.
    let data = app
        .data(
            r#"{ by2025: fundingAtRisk(endingBy: 2025) { intervention { slug } lastYear streams { slug } }
                by2030: fundingAtRisk(endingBy: 2030) { intervention { slug } lastYear } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["by2025"],
        json!([{ "intervention": { "slug": "i1" }, "lastYear": 2025, "streams": [{ "slug": "s1" }] }])
    );
    assert_eq!(
        data["by2030"],
        json!([{ "intervention": { "slug": "i1" }, "lastYear": 2025 }, { "intervention": { "slug": "i2" }, "lastYear": 2030 }])
    );
    let data = app
        .data(
            r#"{ fundingStreamStops(stream: "s1") {
                    interventionsLeftWithoutFunding { slug } interventionsPartlyFunded { slug }
                    partnersAffected { partner { slug } interventionsLeftWithoutFunding interventionsPartlyFunded } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["fundingStreamStops"],
        json!({ "interventionsLeftWithoutFunding": [{ "slug": "i1" }], "interventionsPartlyFunded": [{ "slug": "i2" }],
                "partnersAffected": [
                    { "partner": { "slug": "p1" }, "interventionsLeftWithoutFunding": 1, "interventionsPartlyFunded": 1 },
                    { "partner": { "slug": "p2" }, "interventionsLeftWithoutFunding": 1, "interventionsPartlyFunded": 1 },
                    { "partner": { "slug": "p3" }, "interventionsLeftWithoutFunding": 0, "interventionsPartlyFunded": 1 } ] })
    );
    let data = app
        .data(r#"{ fundingExposure(endingBy: 2025) { byPartner { name exposed { count total } } byCluster { name exposed { count total share } } } }"#, json!({}))
        .await;
    assert_eq!(
        data["fundingExposure"]["byPartner"],
        json!([
            { "name": "P2", "exposed": { "count": 1, "total": 2 } },
            { "name": "P1", "exposed": { "count": 1, "total": 3 } },
            { "name": "P3", "exposed": { "count": 0, "total": 2 } },
            { "name": "P4", "exposed": { "count": 0, "total": 1 } } ])
    );
    assert_eq!(
        data["fundingExposure"]["byCluster"][0],
        json!({ "name": "A", "exposed": { "count": 1, "total": 2, "share": 0.5 } })
    );

    // Coverage: W1 has two interventions of A, W2 one of B; i4 has neither funding nor wijk.
    let data = app
        .data(
            r#"{ coverage(area: "proef") {
                    wijkByCluster { rowLabels columnLabels counts }
                    wijkByGoal { columnLabels counts }
                    goalsWithoutInterventions { slug }
                    interventionsWithoutFunding { slug } interventionsWithoutWijk { slug } interventionsWithoutPartner { slug }
            } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["coverage"],
        json!({
            "wijkByCluster": { "rowLabels": ["W1", "W2"], "columnLabels": ["A", "B"], "counts": [[2, 0], [0, 1]] },
            "wijkByGoal": { "columnLabels": ["GA", "GB"], "counts": [[2, 0], [0, 1]] },
            "goalsWithoutInterventions": [],
            "interventionsWithoutFunding": [{ "slug": "i4" }],
            "interventionsWithoutWijk": [{ "slug": "i4" }],
            "interventionsWithoutPartner": []
        })
    );

    // Similarity to p2: p1 shares 2 of 3 interventions and 1 of 2 goals (7/12); p3 1 of 3 and
    // 1 of 2 (5/12).
    let data = app
        .data(r#"{ similarPartners(partner: "p2") { partner { slug } score interventions goals sharedInterventions } }"#, json!({}))
        .await;
    let similar = data["similarPartners"].as_array().unwrap();
    assert_eq!(
        slugs(&data["similarPartners"], "/partner/slug"),
        ["p1", "p3"]
    );
    assert!((similar[0]["score"].as_f64().unwrap() - 7.0 / 12.0).abs() < 1e-12);
    assert!((similar[1]["score"].as_f64().unwrap() - 5.0 / 12.0).abs() < 1e-12);

    // Paths: p4 reaches p2 through p1, in two steps among partners and four in the whole graph.
    let data = app
        .data(
            r#"{ collab: shortestPath(from: "partner:p4", to: "partner:p2", network: COLLABORATION) { length text }
                whole: shortestPath(from: "partner:p4", to: "partner:p2") { length steps { via } }
                none: shortestPath(from: "wijk:w1", to: "wijk:w2", network: WHOLE, year: 2030) { length } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["collab"],
        json!({ "length": 2, "text": "P4 → P1 → P2" })
    );
    assert_eq!(data["whole"]["length"], 4);
    assert_eq!(data["whole"]["steps"][1]["via"], "works on");
    assert_eq!(data["whole"]["steps"][2]["via"], "has partner");

    // Ego network of p4 at depth 2 in the whole graph: p4, i3, then i3's goal, stream, wijk and p1.
    let data = app
        .data(r#"{ egoNetwork(node: "partner:p4", depth: 2) { nodes { distance } edges { label } truncated } }"#, json!({}))
        .await;
    let distances: Vec<u64> = data["egoNetwork"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["distance"].as_u64().unwrap())
        .collect();
    assert_eq!(distances, [0, 1, 2, 2, 2, 2]);

    // The year: in 2027 i1 has ended and i3 runs; i2 and i4 have no years, so whether they
    // run is unknown (issue 12). Known to run: i3 alone, so p1 and p2 share nothing known
    // and no partner is known to work across clusters (before, i2 and i4 counted as running:
    // p1–p2 had weight 1 and p1, p3 were cross-cluster). With undated ones included p1 and p2
    // share i2.
    let data = app
        .data(
            r#"{ collaborationNetwork(area: "proef", year: 2027) { edges { source { slug } target { slug } } undatedInterventions undatedLinks }
                crossClusterPartners(year: 2027) { partner { slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["collaborationNetwork"]["edges"],
        json!([{ "source": { "slug": "p1" }, "target": { "slug": "p4" } }])
    );
    assert_eq!(data["collaborationNetwork"]["undatedInterventions"], 2);
    // i2: p1–p2, p1–p3, p2–p3; i4 has one partner.
    assert_eq!(data["collaborationNetwork"]["undatedLinks"], 3);
    assert_eq!(data["crossClusterPartners"], json!([]));
    let data = app
        .data(
            r#"{ collaborationNetwork(area: "proef", year: 2027, filter: { undated: INCLUDE }) { edges { source { slug } target { slug } weight } } }"#,
            json!({}),
        )
        .await;
    let p1p2 = data["collaborationNetwork"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["source"]["slug"] == "p1" && e["target"]["slug"] == "p2")
        .cloned()
        .expect("p1–p2 edge");
    assert_eq!(p1p2["weight"], 1);
}
db_test!(hand_computed_answers_on_a_small_programme);

async fn analytics_follow_writes(db: TestDb) {
    let app = small(db).await;
    let query = r#"{ collaborationNetwork(area: "proef") { edgeCount } }"#;
    assert_eq!(
        app.data(query, json!({})).await["collaborationNetwork"]["edgeCount"],
        4
    );
    // Putting p4 on i2 links it to p2 and p3: the cached answer must not survive the write.
    let i2 = app.id_of("intervention", "i2").await;
    let p4 = app.id_of("partner", "p4").await;
    app.data(
        "mutation($i: ID!, $p: ID!) { linkInterventionPartner(interventionId: $i, partnerId: $p) { id } }",
        json!({ "i": i2, "p": p4 }),
    )
    .await;
    assert_eq!(
        app.data(query, json!({})).await["collaborationNetwork"]["edgeCount"],
        6
    );
}
db_test!(analytics_follow_writes);

async fn bad_analytics_arguments_are_refused(db: TestDb) {
    let app = small(db).await;
    for (query, field) in [
        (r#"{ centrality(sample: 0) { nodeCount } }"#, "sample"),
        (
            r#"{ communities(resolution: 0) { modularity } }"#,
            "resolution",
        ),
        (
            r#"{ egoNetwork(node: "partner:p1", depth: 9) { truncated } }"#,
            "depth",
        ),
        (
            r#"{ egoNetwork(node: "partner:nobody") { truncated } }"#,
            "node",
        ),
        (
            r#"{ shortestPath(from: "p1", to: "partner:p2") { length } }"#,
            "from",
        ),
        (
            r#"{ similarPartners(partner: "nobody") { score } }"#,
            "partner",
        ),
        (
            r#"{ coverage(area: "nowhere") { goalsWithoutInterventions { id } } }"#,
            "area",
        ),
    ] {
        let error = app.error(query, json!({})).await;
        assert_eq!(error["extensions"]["field"], field, "{query}: {error:#}");
        assert!(
            ["BAD_USER_INPUT", "NOT_FOUND"]
                .contains(&error["extensions"]["code"].as_str().unwrap_or_default())
        );
    }
}
db_test!(bad_analytics_arguments_are_refused);

/// Answers on Samen Lelystad Oost, checked against the plan.
async fn answers_on_lelystad_oost(db: TestDb) {
    let app = spawn_app(db, true).await;

    // Gemeente Lelystad, Welzijn Lelystad and MDF are the partners named in all three
    // clusters (e.g. "Politie, Centrada, Welzijn Lelystad, Werkbedrijf, MDF en Gemeente
    // Lelystad" in Veilige Wijken, "Icare als regievoerder ism: JGZ, MDF, ... Gemeente
    // Lelystad" in Jongeren met Perspectief, many blocks of Wonen en Werk).
    let data = app
        .data(
            r#"{ crossClusterPartners(minClusters: 3) { partner { name } } }"#,
            json!({}),
        )
        .await;
    let mut all_three = slugs(&data["crossClusterPartners"], "/partner/name");
    all_three.sort();
    assert_eq!(all_three, ["Gemeente Lelystad", "MDF", "Welzijn Lelystad"]);

    // Veilige Wijken and Wonen en Werk are tied by "zie pijler 5 Integraliteit programma's".
    let data = app
        .data(
            r#"{ clusterOverlap(area: "lelystad-oost") { pairs { a { slug } b { slug } relatedInterventions { from { slug } } sharedPartners { slug } } } }"#,
            json!({}),
        )
        .await;
    let vw_ww = data["clusterOverlap"]["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["a"]["slug"] == "veilige-wijken" && p["b"]["slug"] == "wonen-en-werk")
        .cloned()
        .expect("pair");
    assert!(
        vw_ww["relatedInterventions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["from"]["slug"] == "vw-wijkplannen")
    );
    assert!(!vw_ww["relatedInterventions"].as_array().unwrap().is_empty());
    assert!(slugs(&vw_ww["sharedPartners"], "/slug").contains(&"centrada".to_owned()));

    // The gemeente works with the most partners.
    let data = app.data(r#"{ centrality(orderBy: DEGREE, top: 1) { nodes { node { ... on Partner { slug } } } } }"#, json!({})).await;
    assert_eq!(
        data["centrality"]["nodes"][0]["node"]["slug"],
        "gemeente-lelystad"
    );

    // The police and Halt share the Preventie met gezag work and land in one community; the
    // Het jonge kind partners Icare and JGZ in another.
    let data = app
        .data(
            r#"{ communities { modularity communities { partners { slug } } } }"#,
            json!({}),
        )
        .await;
    let community_of = |slug: &str| {
        data["communities"]["communities"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| slugs(&c["partners"], "/slug").contains(&slug.to_owned()))
    };
    assert_eq!(community_of("politie"), community_of("halt"));
    assert_eq!(community_of("icare"), community_of("jgz"));
    assert_ne!(community_of("politie"), community_of("icare"));
    assert!(data["communities"]["modularity"].as_f64().unwrap() > 0.0);

    // Halt and Centrada never share an intervention, but meet through a common partner.
    let data = app
        .data(r#"{ shortestPath(from: "partner:halt", to: "partner:centrada", network: COLLABORATION) { length } }"#, json!({}))
        .await;
    assert_eq!(data["shortestPath"]["length"], 2);

    // SPUK armoede & schulden ("SPUK 2025-2026") is the only money of the financial help
    // blocks, and SPUK integraal ("Looptijd ● 2024-2026", issue 12) of Lerend netwerk and
    // 1 sociaaldomein: those four are at risk by 2026, and nothing is by 2024.
    let data = app
        .data(r#"{ by2026: fundingAtRisk(endingBy: 2026) { intervention { slug } streams { slug } } by2024: fundingAtRisk(endingBy: 2024) { lastYear } }"#, json!({}))
        .await;
    let mut at_risk = slugs(&data["by2026"], "/intervention/slug");
    at_risk.sort();
    assert_eq!(
        at_risk,
        [
            "as-bereik-schuldhulpketen",
            "as-ondersteuning-regelingen",
            "sp-1-sociaaldomein",
            "sp-lerend-netwerk"
        ]
    );
    assert!(data["by2026"].as_array().unwrap().iter().all(|r| {
        r["streams"] == json!([{ "slug": "spuk-armoede-en-schulden" }])
            || r["streams"] == json!([{ "slug": "spuk-integraal" }])
    }));
    assert_eq!(data["by2024"], json!([]));

    // NIP pays the renovation of private homes together with VHF 1 and 3 and Centrada.
    let data = app
        .data(r#"{ fundingStreamStops(stream: "nip") { interventionsLeftWithoutFunding { slug } interventionsPartlyFunded { name } } }"#, json!({}))
        .await;
    assert_eq!(
        data["fundingStreamStops"]["interventionsLeftWithoutFunding"],
        json!([])
    );
    assert!(
        data["fundingStreamStops"]["interventionsPartlyFunded"][0]["name"]
            .as_str()
            .unwrap()
            .starts_with("Renoveren")
    );

    // The four wijkambities name all four wijken ("4 wijkanalyses (1 per wijk)"): area-wide
    // Wonen en Werk work, counted once per cluster (issue 12), not as four wijk links; no wijk
    // is a gap for Wonen en Werk.
    let data = app.data(r#"{ coverage(area: "lelystad-oost") { wijkByCluster { rowLabels columnLabels wholeArea states } } }"#, json!({})).await;
    let m = &data["coverage"]["wijkByCluster"];
    assert_eq!(
        m["rowLabels"],
        json!(["Zuiderzeewijk", "Atolwijk", "Boswijk", "Waterwijk"])
    );
    let ww = m["columnLabels"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c == "Wonen en Werk")
        .unwrap();
    assert!(m["wholeArea"][ww].as_u64() >= Some(2));
    assert!(
        m["states"]
            .as_array()
            .unwrap()
            .iter()
            .all(|row| row[ww] == "WHOLE_AREA" || row[ww] == "LISTED")
    );
}
db_test!(answers_on_lelystad_oost);
