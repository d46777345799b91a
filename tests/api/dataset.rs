//! The bundled datasets: a new database serves Samen Lelystad Oost with the counts the issue
//! asks for, and facts checked by hand against the source document.

use serde_json::{Value, json};

use crate::helpers::{TestDb, db_test, spawn_app};

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| item["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn lelystad_oost_is_served_on_first_start(db: TestDb) {
    let app = spawn_app(db, true).await;
    let data = app
        .data(
            r#"{ area(slug: "lelystad-oost") {
                    name municipality
                    clusters { totalCount nodes { name lines { name } } }
                    lines { totalCount }
                    interventions { totalCount }
                    partners { totalCount }
                    fundingStreams { totalCount }
                    wijken { totalCount nodes { name } }
            } }"#,
            json!({}),
        )
        .await;
    let area = &data["area"];
    assert_eq!(area["name"], "Samen Lelystad Oost");
    assert_eq!(area["municipality"], "Lelystad");
    assert_eq!(area["clusters"]["totalCount"], 3);
    assert_eq!(
        names(&area["clusters"]["nodes"]),
        [
            "Veilige Wijken",
            "Jongeren met Perspectief",
            "Wonen en Werk"
        ]
    );
    assert_eq!(area["lines"]["totalCount"], 9);
    assert!(area["interventions"]["totalCount"].as_u64().unwrap() >= 65);
    assert!(area["partners"]["totalCount"].as_u64().unwrap() >= 40);
    assert!(area["fundingStreams"]["totalCount"].as_u64().unwrap() >= 12);
    assert_eq!(
        names(&area["wijken"]["nodes"]),
        ["Zuiderzeewijk", "Atolwijk", "Boswijk", "Waterwijk"]
    );
    let wonen = &area["clusters"]["nodes"][2]["lines"];
    assert_eq!(
        names(wonen),
        [
            "Wonen & Openbare Ruimte",
            "Werk & Inkomen",
            "Armoede & Schulden",
            "Samenwerking & Participatie",
            "Integraliteit programma's"
        ]
    );
}
db_test!(lelystad_oost_is_served_on_first_start);

async fn facts_from_the_document(db: TestDb) {
    let app = spawn_app(db, true).await;

    // "Halt, politie, Welzijn Lelystad, William Schrikker Stichting, Porteuum en gemeente
    // Lelystad" execute the weerbaarheid interventions, Kapot Sterk among them.
    let data = app
        .data(
            r#"{ interventions(filter: { search: "kapot sterk" }) { nodes {
                    name clusters { name } lines { name }
                    partners { edges { role node { name } } }
            } } }"#,
            json!({}),
        )
        .await;
    let kapot = &data["interventions"]["nodes"][0];
    assert_eq!(kapot["name"], "Kapot Sterk inclusief follow-up");
    assert_eq!(names(&kapot["clusters"]), ["Veilige Wijken"]);
    assert_eq!(names(&kapot["lines"]), ["Preventie met gezag"]);
    let partners: Vec<&str> = kapot["partners"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["node"]["name"].as_str().unwrap())
        .collect();
    for expected in [
        "Halt",
        "Politie",
        "Welzijn Lelystad",
        "William Schrikker Stichting",
        "Porteuum",
        "Gemeente Lelystad",
    ] {
        assert!(
            partners.contains(&expected),
            "{expected} missing from {partners:?}"
        );
    }
    assert!(
        kapot["partners"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["role"] == "EXECUTING")
    );

    // "Icare als regievoerder ism: JGZ, MDF, ..." and "GO! Kinderopvang als regievoerder".
    let data = app
        .data(
            r#"{ partners(filter: { role: LEAD }, orderBy: { field: NAME }) { nodes { name } } }"#,
            json!({}),
        )
        .await;
    let leads = names(&data["partners"]["nodes"]);
    assert!(
        leads.contains(&"Icare".to_owned()) && leads.contains(&"GO! Kinderopvang".to_owned()),
        "{leads:?}"
    );

    // "Gemeente & Centrada penvoering" for the wijkambities of pillar 5.
    let data = app
        .data(r#"{ partners(filter: { role: PENVOERDER }, orderBy: { field: NAME }) { nodes { name } } }"#, json!({}))
        .await;
    assert_eq!(
        names(&data["partners"]["nodes"]),
        ["Centrada", "Gemeente Lelystad"]
    );

    // Looptijd of the Volkshuisvestingsfonds and NIP.
    for (slug, start, end) in [
        ("vhf-1", 2021, 2031),
        ("vhf-3", 2024, 2034),
        ("nip", 2024, 2025),
    ] {
        let data = app
            .data(
                "query($s: String!) { fundingStream(slug: $s) { startYear endYear kind } }",
                json!({ "s": slug }),
            )
            .await;
        assert_eq!(data["fundingStream"]["startYear"], start, "{slug}");
        assert_eq!(data["fundingStream"]["endYear"], end, "{slug}");
        assert_eq!(data["fundingStream"]["kind"], "SPUK", "{slug}");
    }

    // The Jongerenperspectief Fonds: 24 young people, 2024-2027, SPUK armoede en schulden.
    let data = app
        .data(
            r#"{ interventions(filter: { search: "jongerenperspectief" }) { nodes {
                    period startYear endYear targets funding { fundingStream { name } }
            } } }"#,
            json!({}),
        )
        .await;
    let jpf = &data["interventions"]["nodes"][0];
    assert_eq!(jpf["startYear"], 2024);
    assert_eq!(jpf["endYear"], 2027);
    assert!(jpf["targets"][0].as_str().unwrap().contains("24 jongeren"));
    let streams: Vec<&str> = jpf["funding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fundingStream"]["name"].as_str().unwrap())
        .collect();
    assert!(
        streams.iter().any(|s| s.to_lowercase().contains("armoede")),
        "{streams:?}"
    );

    // The wijkanalyses cover all four wijken by name.
    let data = app
        .data(
            r#"{ wijk(slug: "boswijk") { interventions { nodes { name } } clusters { name } } }"#,
            json!({}),
        )
        .await;
    assert!(
        names(&data["wijk"]["interventions"]["nodes"])
            .iter()
            .any(|n| n.contains("wijkambities")),
        "{:#}",
        data
    );

    // Name variants resolve to one partner.
    for (variant, slug) in [
        ("gemeente", "gemeente-lelystad"),
        ("Humanitas Thuisadministratie", "humanitas"),
    ] {
        let data = app
            .data(
                "query($n: String!) { partnersNamed(name: $n) { slug } }",
                json!({ "n": variant }),
            )
            .await;
        assert_eq!(
            data["partnersNamed"],
            json!([{ "slug": slug }]),
            "{variant}"
        );
    }

    // Welzijn Lelystad, MDF and the gemeente work in all three clusters.
    for slug in ["welzijn-lelystad", "mdf", "gemeente-lelystad"] {
        let data = app
            .data(
                "query($s: String!) { partner(slug: $s) { clusters { name } } }",
                json!({ "s": slug }),
            )
            .await;
        assert_eq!(
            data["partner"]["clusters"].as_array().unwrap().len(),
            3,
            "{slug}"
        );
    }

    // "Wijkplannen ... (zie pijler 5 Integraliteit programma's bij Wonen en Werk)".
    let data = app
        .data(
            r#"{ interventions(filter: { search: "wijkplannen", cluster: "veilige-wijken" }) { nodes {
                    goals { name } related { kind direction intervention { clusters { name } } }
            } } }"#,
            json!({}),
        )
        .await;
    let wijkplannen = &data["interventions"]["nodes"][0];
    assert_eq!(
        wijkplannen["goals"].as_array().unwrap().len(),
        2,
        "listed under two goals: {wijkplannen:#}"
    );
    let related = wijkplannen["related"].as_array().unwrap();
    assert!(!related.is_empty());
    assert!(
        related
            .iter()
            .all(|r| r["kind"] == "REFERS_TO" && r["direction"] == "OUTGOING")
    );
    assert!(
        related
            .iter()
            .all(|r| names(&r["intervention"]["clusters"]) == ["Wonen en Werk"])
    );
}
db_test!(facts_from_the_document);

async fn all_bundled_areas_live_side_by_side(db: TestDb) {
    let app = spawn_app(db, true).await;
    for (slug, text) in samenhang::dataset::BUNDLED
        .iter()
        .filter(|(slug, _)| *slug != "lelystad-oost")
    {
        let file = samenhang::dataset::parse(text).expect("parses");
        crate::helpers::import(&app.service, &file, false)
            .await
            .unwrap_or_else(|e| panic!("{slug}: {e}"));
    }
    let data = app
        .data("{ areas { totalCount nodes { slug } } }", json!({}))
        .await;
    assert_eq!(data["areas"]["totalCount"], 4);
    let data = app
        .data(r#"{ area(slug: "dronten") { municipality interventions { totalCount } wijken { totalCount } } }"#, json!({}))
        .await;
    assert_eq!(data["area"]["municipality"], "Dronten");
    assert!(
        data["area"]["interventions"]["totalCount"]
            .as_u64()
            .unwrap()
            > 0
    );
    // Lists can be narrowed to one area; the Lelystad counts are not disturbed.
    let data = app
        .data(r#"{ interventions(filter: { area: "lelystad-oost" }) { totalCount } all: interventions { totalCount } }"#, json!({}))
        .await;
    assert!(data["all"]["totalCount"].as_u64() > data["interventions"]["totalCount"].as_u64());
}
db_test!(all_bundled_areas_live_side_by_side);
