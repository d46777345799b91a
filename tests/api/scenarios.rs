//! Funding scenarios (issue 12): several streams stopped at once, end years assumed for streams
//! the document gives none, a year-by-year timeline, and who is hit; checked against the
//! Lelystad Oost plan (`/work/shared/seeds/001_…`).

use serde_json::{Value, json};

use crate::helpers::{TestDb, db_test, spawn_app};

const SCENARIO: &str = r#"query($stop: [String!]!, $assume: [AssumedEnd!]!, $from: Int!, $to: Int!) {
  fundingScenario(area: "lelystad-oost", stop: $stop, assumeEnd: $assume, from: $from, to: $to) {
    from to
    streams { stream { slug } stopped endYear endAssumed }
    timeline { year streamsPaying { slug } streamsEnding { slug } running funded fundingUnknown unfunded mayRun mayRunUnfunded }
    interventions { intervention { slug } loss streamsLost { slug } streamsKept { slug } lastYear amountLostEur amountsUnknown }
    undated { intervention { slug } loss streamsLost { slug } lastYear }
    unfunded { slug }
    partnersAffected { name interventionsLosingAll interventionsLosingPart interventions }
    clustersAffected { name interventionsLosingAll interventionsLosingPart }
    interventionsWithoutFunding
  }
}"#;

fn slugs(list: &Value, pointer: &str) -> Vec<String> {
    let mut out: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.pointer(pointer).unwrap().as_str().unwrap().to_owned())
        .collect();
    out.sort();
    out
}

fn find<'a>(list: &'a Value, pointer: &str, value: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x.pointer(pointer).and_then(Value::as_str) == Some(value))
        .unwrap_or_else(|| panic!("{value} not in {list}"))
}

async fn both_spuks_stopped_and_kansrijke_wijken_assumed_to_end(db: TestDb) {
    let app = spawn_app(db, true).await;
    let stop = json!(["spuk-re-integratie", "spuk-armoede-en-schulden"]);

    // Without an assumed end, Kansrijke Wijken has no end year in the plan ("Ondertussen heeft
    // Lelystad een aantal SPUKS toegekend gekregen, zoals het VHF en Kansrijke Wijken."): it may
    // go on paying, so (B)Oost buddy and De Moeder is de sleutel ("(B)Oost buddy (€ Kansrijke
    // wijken)") lose nothing.
    let open = app
        .data(
            SCENARIO,
            json!({ "stop": stop, "assume": [], "from": 2025, "to": 2027 }),
        )
        .await["fundingScenario"]
        .clone();
    assert_eq!(open["undated"], json!([]));
    let kw = find(&open["streams"], "/stream/slug", "kansrijke-wijken");
    assert_eq!(kw["endYear"], Value::Null);
    assert_eq!(kw["endAssumed"], false);

    // Assume Kansrijke Wijken ends in 2025.
    let data = app
        .data(
            SCENARIO,
            json!({ "stop": stop, "assume": [{ "stream": "kansrijke-wijken", "year": 2025 }], "from": 2025, "to": 2027 }),
        )
        .await;
    let sc = &data["fundingScenario"];
    assert_eq!(
        (sc["from"].as_i64(), sc["to"].as_i64()),
        (Some(2025), Some(2027))
    );
    // The streams named by the scenario come first.
    assert_eq!(
        sc["streams"][0]["stream"]["slug"], "kansrijke-wijken",
        "{}",
        sc["streams"]
    );
    assert_eq!(sc["streams"][0]["endYear"], 2025);
    assert_eq!(sc["streams"][0]["endAssumed"], true);
    for stopped in ["spuk-re-integratie", "spuk-armoede-en-schulden"] {
        assert_eq!(
            find(&sc["streams"], "/stream/slug", stopped)["stopped"],
            true
        );
    }

    // "Financiering: SPUK armoede & schulden … Looptijd: SPUK 2025-2026" is the only money of
    // the two financial-help blocks ("Bereiken van meer inwoners …" and "Meer en bredere
    // ondersteuning …"): they lose all of it.
    let bereik = find(
        &sc["interventions"],
        "/intervention/slug",
        "as-bereik-schuldhulpketen",
    );
    assert_eq!(bereik["loss"], "ALL");
    assert_eq!(
        bereik["streamsLost"],
        json!([{ "slug": "spuk-armoede-en-schulden" }])
    );
    assert_eq!(bereik["streamsKept"], json!([]));
    assert_eq!(bereik["lastYear"], 2026);
    // The plan gives no amounts for it.
    assert_eq!(bereik["amountLostEur"], Value::Null);
    assert_eq!(bereik["amountsUnknown"], 1);

    // "Financiering: SPUK re-integratie, Regulier budget": the seven Werk & Inkomen blocks keep
    // the regular budget, so they lose part.
    let werk: Vec<&Value> = sc["interventions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| {
            x["streamsLost"]
                .as_array()
                .unwrap()
                .contains(&json!({ "slug": "spuk-re-integratie" }))
        })
        .collect();
    assert_eq!(werk.len(), 7);
    for w in &werk {
        assert_eq!(w["loss"], "PART");
        assert_eq!(w["streamsKept"], json!([{ "slug": "regulier-budget" }]));
    }
    // The Jongerenperspectief Fonds ("2024-2027", "met ook een subsidie van de gemeente") keeps
    // the municipal subsidy.
    let fonds = find(
        &sc["interventions"],
        "/intervention/slug",
        "as-jongerenperspectief-fonds",
    );
    assert_eq!(fonds["loss"], "PART");
    assert_eq!(fonds["lastYear"], 2027);

    // The Kansrijke Wijken interventions have no looptijd in the plan: listed apart, and
    // without funding after 2025.
    assert_eq!(
        slugs(&sc["undated"], "/intervention/slug"),
        ["vw-boost-buddy", "vw-de-moeder-is-de-sleutel"]
    );
    for u in sc["undated"].as_array().unwrap() {
        assert_eq!(u["loss"], "ALL");
        assert_eq!(u["streamsLost"], json!([{ "slug": "kansrijke-wijken" }]));
    }
    // Left with no funding at the end: the two financial-help blocks and the two Kansrijke
    // Wijken interventions, nothing else.
    assert_eq!(
        slugs(&sc["unfunded"], "/slug"),
        [
            "as-bereik-schuldhulpketen",
            "as-ondersteuning-regelingen",
            "vw-boost-buddy",
            "vw-de-moeder-is-de-sleutel"
        ]
    );

    // Werkbedrijf: "Professionele kernpartners: MDF, IDO ISL, Humanitas Thuisadministratie,
    // Werkbedrijf" of the first financial-help block, executing partner of both Kansrijke
    // Wijken interventions, core partner of all seven Werk & Inkomen blocks and of the fonds.
    let werkbedrijf = find(&sc["partnersAffected"], "/name", "Werkbedrijf");
    assert_eq!(werkbedrijf["interventionsLosingAll"], 3);
    assert_eq!(werkbedrijf["interventionsLosingPart"], 8);
    // Partners hit hardest come first.
    let all: Vec<u64> = sc["partnersAffected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["interventionsLosingAll"].as_u64().unwrap())
        .collect();
    assert!(all.windows(2).all(|w| w[0] >= w[1]));
    // The clusters hit: Wonen en Werk (Werk & Inkomen, Armoede & Schulden) and Veilige Wijken.
    let clusters = slugs(&sc["clustersAffected"], "/name");
    assert!(
        clusters.contains(&"Wonen en Werk".to_owned()),
        "{clusters:?}"
    );
    assert!(
        clusters.contains(&"Veilige Wijken".to_owned()),
        "{clusters:?}"
    );

    // Year by year: the stopped SPUKs never pay; Kansrijke Wijken (assumed) ends in 2025.
    let timeline = sc["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), 3);
    for y in timeline {
        let paying = slugs(&y["streamsPaying"], "/slug");
        assert!(!paying.contains(&"spuk-re-integratie".to_owned()));
        assert!(!paying.contains(&"spuk-armoede-en-schulden".to_owned()));
        let known = y["funded"].as_u64().unwrap()
            + y["fundingUnknown"].as_u64().unwrap()
            + y["unfunded"].as_u64().unwrap();
        assert_eq!(known, y["running"].as_u64().unwrap());
    }
    assert!(slugs(&timeline[0]["streamsEnding"], "/slug").contains(&"kansrijke-wijken".to_owned()));
    // In 2026 both financial-help blocks run ("SPUK 2025-2026") with no money.
    assert!(timeline[1]["unfunded"].as_u64().unwrap() >= 2);
    // The two undated Kansrijke Wijken interventions may run in 2026 and have no money then.
    assert!(timeline[1]["mayRunUnfunded"].as_u64().unwrap() >= 2);
    app.stop().await;
}
db_test!(both_spuks_stopped_and_kansrijke_wijken_assumed_to_end);

/// The one amount the plan gives: "De gemeenteraad heeft eenmalig €100.000 beschikbaar gesteld
/// voor het opstellen van wijkaanpakken."
async fn a_scenario_reports_the_amounts_the_plan_gives(db: TestDb) {
    let app = spawn_app(db, true).await;
    let data = app
        .data(
            SCENARIO,
            json!({ "stop": ["gemeenteraad-wijkaanpakken"], "assume": [], "from": 2025, "to": 2025 }),
        )
        .await;
    let sc = &data["fundingScenario"];
    let wijkaanpak = find(
        &sc["interventions"],
        "/intervention/slug",
        "wijkaanpak-2025",
    );
    assert_eq!(wijkaanpak["loss"], "ALL");
    assert_eq!(wijkaanpak["amountLostEur"], 100_000);
    assert_eq!(wijkaanpak["amountsUnknown"], 0);
    assert_eq!(slugs(&sc["unfunded"], "/slug"), ["wijkaanpak-2025"]);
    app.stop().await;
}
db_test!(a_scenario_reports_the_amounts_the_plan_gives);

async fn bad_scenarios_are_refused(db: TestDb) {
    let app = spawn_app(db, true).await;
    let q = |stop: Value, assume: Value, from: i32, to: i32| json!({ "stop": stop, "assume": assume, "from": from, "to": to });
    for (vars, code) in [
        // The years run backwards.
        (q(json!([]), json!([]), 2027, 2025), "BAD_USER_INPUT"),
        // More than fifty years.
        (q(json!([]), json!([]), 2000, 2100), "BAD_USER_INPUT"),
        // Years far out of range (their span does not fit an i32: no overflow, a refusal).
        (
            q(json!([]), json!([]), -2_000_000_000, 2_000_000_000),
            "BAD_USER_INPUT",
        ),
        (q(json!([]), json!([]), -5, 3), "BAD_USER_INPUT"),
        // A stream both stopped and given an end.
        (
            q(
                json!(["nip"]),
                json!([{ "stream": "nip", "year": 2030 }]),
                2025,
                2030,
            ),
            "BAD_USER_INPUT",
        ),
        // Two end years for one stream.
        (
            q(
                json!([]),
                json!([{ "stream": "pmg", "year": 2030 }, { "stream": "pmg", "year": 2031 }]),
                2025,
                2030,
            ),
            "BAD_USER_INPUT",
        ),
        // A stream that does not exist.
        (
            q(json!(["no-such-stream"]), json!([]), 2025, 2030),
            "NOT_FOUND",
        ),
    ] {
        assert_eq!(app.error_code(SCENARIO, vars.clone()).await, code, "{vars}");
    }
    app.stop().await;
}
db_test!(bad_scenarios_are_refused);
