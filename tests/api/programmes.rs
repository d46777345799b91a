//! Several programmes in one instance (issue 12): a first start loads all four bundled
//! programmes, Lelystad Oost first; analytics answer per area and refuse to merge areas;
//! `compareAreas` puts the programmes side by side, each measured on its own.

use serde_json::{Value, json};

use crate::helpers::{TestDb, db_test, samenhang_id, spawn_app_bundled};

async fn a_first_start_loads_four_programmes_and_never_merges_them(db: TestDb) {
    let app = spawn_app_bundled(db).await;

    // The four source documents, Lelystad Oost first (creation order).
    let data = app
        .data("{ areas { nodes { slug } totalCount } }", json!({}))
        .await;
    assert_eq!(data["areas"]["totalCount"], 4);
    assert_eq!(data["areas"]["nodes"][0]["slug"], "lelystad-oost");

    // Without an area, every analytic says that one is needed: one merged network of four
    // programmes would mean nothing.
    for query in [
        "{ collaborationNetwork { nodeCount } }",
        "{ communities { modularity } }",
        "{ centrality { nodeCount } }",
        "{ crossClusterPartners { clusterCount } }",
        "{ clusterOverlap { clusters { partners } } }",
        "{ fundingAtRisk(endingBy: 2026) { lastYear } }",
    ] {
        let error = app.error(query, json!({})).await;
        assert_eq!(
            error["extensions"]["code"], "BAD_USER_INPUT",
            "{query}: {error}"
        );
        let message = error["message"].as_str().unwrap();
        assert!(message.contains("area"), "{query}: {message}");
        assert!(message.contains("lelystad-oost"), "{query}: {message}");
    }

    // A map without an area is of the bundled default, Lelystad Oost, alone: never merged.
    let map = app
        .data(
            "{ networkMap(view: COLLABORATION) { title nodes { label } } }",
            json!({}),
        )
        .await;
    let title = map["networkMap"]["title"].as_str().unwrap_or_default();
    assert!(title.contains("Lelystad Oost"), "{title}");
    let labels: Vec<&str> = map["networkMap"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["label"].as_str())
        .collect();
    let lelystad = app
        .data(
            r#"{ networkMap(view: COLLABORATION, filter: { area: "lelystad-oost" }) { nodes { label } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(map["networkMap"]["nodes"], lelystad["networkMap"]["nodes"]);
    assert!(labels.contains(&"Halt"), "{labels:?}");

    // With an area, each network holds that area's partners only.
    let per_area = |area: &str| {
        format!(
            r#"{{ collaborationNetwork(area: "{area}") {{ nodeCount nodes {{ partner {{ slug }} }} }}
                 partners(filter: {{ area: "{area}" }}, first: 500) {{ nodes {{ slug }} }} }}"#
        )
    };
    let mut seen = std::collections::BTreeSet::new();
    for area in ["lelystad-oost", "dronten", "samen-aan-de-slag", "zutphen"] {
        let data = app.data(&per_area(area), json!({})).await;
        let own: Vec<&Value> = data["partners"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .collect();
        for n in data["collaborationNetwork"]["nodes"].as_array().unwrap() {
            assert!(own.contains(&&n["partner"]), "{area}: {n}");
        }
        // No partner is in two areas' networks (partner records belong to one area).
        let ids = app
            .data(
                &format!(r#"{{ collaborationNetwork(area: "{area}") {{ nodes {{ partner {{ id }} }} }} }}"#),
                json!({}),
            )
            .await;
        for n in ids["collaborationNetwork"]["nodes"].as_array().unwrap() {
            assert!(seen.insert(n["partner"]["id"].as_str().unwrap().to_owned()));
        }
    }
    app.stop().await;
}
db_test!(a_first_start_loads_four_programmes_and_never_merges_them);

const COMPARE: &str = r#"{ compareAreas(areas: ["lelystad-oost", "dronten", "zutphen", "samen-aan-de-slag"], endingBy: 2026) {
    area { slug }
    interventions partners clusters lines fundingStreams wijken links density components brokers
    crossClusterPartners { count total share }
    mainStream { slug } mainStreamShare { count total share }
    fundingConcentration
    expiring { count total }
    coverage { withGoal { count } withPartner { count } withWijk { count } withFunding { count total } }
} }"#;

async fn compare_areas_puts_the_same_measures_side_by_side(db: TestDb) {
    let app = spawn_app_bundled(db).await;
    let data = app.data(COMPARE, json!({})).await;
    let rows = data["compareAreas"].as_array().unwrap();
    let slugs: Vec<&str> = rows
        .iter()
        .map(|r| r["area"]["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        ["lelystad-oost", "dronten", "zutphen", "samen-aan-de-slag"]
    );
    let (lelystad, dronten, zutphen, slag) = (&rows[0], &rows[1], &rows[2], &rows[3]);

    // "de drie programmaclusters Wonen en Werk, Jongeren met Perspectief en Veilige Wijken", in
    // four wijken ("de Zuiderzeewijk, Atolwijk, Boswijk en de Waterwijk").
    assert_eq!(lelystad["clusters"], 3);
    assert_eq!(lelystad["wijken"], 4);
    // Each figure is the area's own answer to the per-area question.
    let own = app
        .data(
            r#"{ collaborationNetwork(area: "lelystad-oost") { nodeCount edgeCount density articulationPoints { slug } componentCount }
                 crossClusterPartners(area: "lelystad-oost") { clusterCount }
                 fundingAtRisk(area: "lelystad-oost", endingBy: 2026) { lastYear }
                 interventions(filter: { area: "lelystad-oost" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    let net = &own["collaborationNetwork"];
    assert_eq!(lelystad["partners"], net["nodeCount"]);
    assert_eq!(lelystad["links"], net["edgeCount"]);
    assert_eq!(lelystad["density"], net["density"]);
    assert_eq!(lelystad["components"], net["componentCount"]);
    assert_eq!(
        lelystad["brokers"].as_u64().unwrap() as usize,
        net["articulationPoints"].as_array().unwrap().len()
    );
    assert_eq!(
        lelystad["crossClusterPartners"]["count"].as_u64().unwrap() as usize,
        own["crossClusterPartners"].as_array().unwrap().len()
    );
    assert_eq!(
        lelystad["interventions"],
        own["interventions"]["totalCount"]
    );
    assert_eq!(
        lelystad["expiring"]["count"].as_u64().unwrap() as usize,
        own["fundingAtRisk"].as_array().unwrap().len()
    );
    // "SPUKS: VHF 1, VHF 3, NIP", the Kansrijke Wijken SPUKs and regular budgets each pay some
    // blocks; no stream pays most of them: the funding is spread.
    let hhi = lelystad["fundingConcentration"].as_f64().unwrap();
    assert!(hhi > 0.0 && hhi < 0.5, "{hhi}");
    assert!(lelystad["mainStream"]["slug"].is_string());

    // The Dronten letter, the Zutphen meetup and the Keenterhart report name no funding for
    // their activities: no main stream, no concentration, nothing expiring out of nothing.
    for other in [dronten, zutphen, slag] {
        assert_eq!(other["mainStream"], Value::Null, "{other}");
        assert_eq!(other["fundingConcentration"], Value::Null, "{other}");
        assert_eq!(other["coverage"]["withFunding"]["count"], 0, "{other}");
        assert_eq!(other["expiring"]["count"], 0, "{other}");
        // No funded intervention: the main stream's share of none is unknown, not 0.
        assert_eq!(
            (
                &other["mainStreamShare"]["total"],
                &other["mainStreamShare"]["share"]
            ),
            (&json!(0), &Value::Null),
            "{other}"
        );
    }
    // Samen aan de Slag: "Vandaag zullen de trekkers van de 8 actielijnen een pitch houden."
    // Lines, and no interventions.
    assert_eq!(slag["lines"], 8);
    assert_eq!(slag["interventions"], 0);
    // No partners, so no link is possible: the density is unknown, not 0.
    assert_eq!(
        (&slag["partners"], &slag["density"]),
        (&json!(0), &Value::Null)
    );
    // Dronten's network holds its own partners only (the data names two).
    assert!(dronten["partners"].as_u64().unwrap() <= 2);

    // An area named twice, or none named, is refused; an unknown area is NOT_FOUND.
    for areas in [r#"["dronten", "dronten"]"#, "[]"] {
        assert_eq!(
            app.error_code(
                &format!("{{ compareAreas(areas: {areas}) {{ area {{ slug }} }} }}"),
                json!({})
            )
            .await,
            "BAD_USER_INPUT",
            "{areas}"
        );
    }
    assert_eq!(
        app.error_code(
            r#"{ compareAreas(areas: ["nergens"]) { interventions } }"#,
            json!({})
        )
        .await,
        "NOT_FOUND"
    );
    // In a list, the unknown one is named by its place.
    let error = app
        .error(
            r#"{ compareAreas(areas: ["dronten", "nergens"]) { interventions } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "NOT_FOUND", "{error:#}");
    assert_eq!(error["extensions"]["field"], "areas[1]", "{error:#}");
    // So is an ID of an area that does not exist.
    let gone = samenhang_id("Area", 999_999);
    let error = app
        .error(
            &format!(r#"{{ compareAreas(areas: ["dronten", "{gone}"]) {{ interventions }} }}"#),
            json!({}),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "NOT_FOUND", "{error:#}");
    assert_eq!(error["extensions"]["field"], "areas[1]", "{error:#}");
    app.stop().await;
}
db_test!(compare_areas_puts_the_same_measures_side_by_side);

/// A second programme in which the police takes part too (a test file: none of the four
/// documents names an organisation that another one names).
const NOORD: &str = "version: 2
areas:
  - slug: proef-noord
    name: Proef Noord
    partners:
      - { slug: politie-noord, name: Politie, kind: police_justice, organisation: politie }
      - { slug: buurtteam, name: Buurtteam, kind: welfare }
    programmes:
      - slug: veilig
        name: Veilig
        lines:
          - { slug: lv, name: LV, goals: [ { slug: gv, level: main, name: GV } ] }
    interventions:
      - { slug: schouw, name: Schouw, goals: [gv], partners: { executing: [politie-noord, buurtteam] } }
end:
  areas: 1
  wijken: 0
  partners: 2
  funding_streams: 0
  goals: 1
  programmes: 1
  lines: 1
  interventions: 1
  line_funding_streams: 0
  intervention_goals: 1
  intervention_partners: 2
  intervention_funding: 0
  intervention_wijken: 0
  intervention_related: 0
";

async fn organisations_across_programmes(db: TestDb) {
    let app = spawn_app_bundled(db).await;
    // The four documents never name the same organisation: Lelystad Oost's partners (e.g.
    // "Politie, Centrada, Welzijn Lelystad, Werkbedrijf, MDF, Gemeente Lelystad"), Dronten's
    // ("Dorpsbelangen"), Keenterhart's ("PSW Werk, een docent van RICK, medewerkers van Punt
    // Welzijn") and Zutphen's ("de Zutphense Uitdaging") are all different, so the bundled
    // data links none.
    let data = app
        .data("{ organisations(minAreas: 1) { key } }", json!({}))
        .await;
    assert_eq!(data["organisations"], json!([]));

    // Confirm that Lelystad Oost's police is the organisation "politie" and add a programme in
    // which the same organisation takes part.
    let politie = app.id_of("partner", "politie").await;
    app.data(
        r#"mutation($id: ID!) { updatePartner(id: $id, input: { organisation: "politie" }) { organisation } }"#,
        json!({ "id": politie }),
    )
    .await;
    let file = samenhang::dataset::parse(NOORD).expect("parses");
    crate::helpers::import(&app.service, &file, false)
        .await
        .expect("imports");

    let data = app
        .data(
            "{ organisations { key name areaCount partners { area { slug } partner { slug organisation } interventions degree betweenness rank } } }",
            json!({}),
        )
        .await;
    let orgs = data["organisations"].as_array().unwrap();
    assert_eq!(orgs.len(), 1, "{orgs:?}");
    let police = &orgs[0];
    assert_eq!(police["key"], "politie");
    assert_eq!(police["name"], "Politie");
    assert_eq!(police["areaCount"], 2);
    let records = police["partners"].as_array().unwrap();
    assert_eq!(records[0]["area"]["slug"], "lelystad-oost");
    assert_eq!(records[1]["area"]["slug"], "proef-noord");
    assert_eq!(records[1]["partner"]["organisation"], "politie");
    // In Proef Noord it shares its one intervention with the Buurtteam.
    assert_eq!(records[1]["interventions"], 1);
    assert_eq!(records[1]["degree"], 1);

    // In Lelystad Oost, as central as the area's own ranking says.
    let ranking = app
        .data(
            r#"{ centrality(area: "lelystad-oost", orderBy: BETWEENNESS, top: 500) { nodes { rank betweenness degree node { ... on Partner { slug } } } } }"#,
            json!({}),
        )
        .await;
    let own = ranking["centrality"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["node"]["slug"] == "politie")
        .unwrap()
        .clone();
    assert_eq!(records[0]["betweenness"], own["betweenness"]);
    assert_eq!(records[0]["degree"], own["degree"]);
    assert!(records[0]["rank"].as_u64().unwrap() <= own["rank"].as_u64().unwrap());

    // An organisation key is a slug.
    let code = app
        .error_code(
            r#"mutation($id: ID!) { updatePartner(id: $id, input: { organisation: "Politie!" }) { slug } }"#,
            json!({ "id": politie }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    app.stop().await;
}
db_test!(organisations_across_programmes);
