//! Answers an analyst can trust (issue 12): what the plan does not say is unknown, not "always"
//! or "nowhere". Year filters keep only what is known to be active and count the undated apart;
//! coverage tells a wijk without interventions from an unknown wijk and from an area-wide
//! intervention; the plan's own pairings and the data corrections hold. Every check quotes the
//! line of the plan (`../shared/seeds/001_…`, *Samen voor Lelystad Oost – Uitvoeringsplan
//! 2025*) it rests on.

use serde_json::{Value, json};

use crate::helpers::{TestDb, db_test, import, spawn_app};

fn slugs(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|n| n["slug"].as_str().expect("slug").to_owned())
        .collect()
}

fn count(v: &Value) -> u64 {
    v.as_u64().expect("a count")
}

/// Issue 12: `interventions(filter: { area: "lelystad-oost", year: 2032 })` counted all 28
/// Veilige Wijken interventions, for which the plan gives no looptijd. They are now left out
/// by default and counted apart; INCLUDE and ONLY bring them back.
async fn undated_interventions_are_counted_apart(db: TestDb) {
    let app = spawn_app(db, true).await;
    // The Veilige Wijken blocks ("Publiekscampagne bewustwording en meldingsbereidheid (€ PMG)",
    // "(B)Oost buddy (€ Kansrijke wijken)", …) list Interventies and Uitvoerende partners but
    // no Looptijd.
    let vw = app
        .data(
            r#"{ interventions(filter: { area: "lelystad-oost", cluster: "veilige-wijken" }, first: 500) {
                totalCount nodes { slug startYear endYear coversYear(year: 2032) activeIn(year: 2032) } } }"#,
            json!({}),
        )
        .await;
    let vw_nodes = vw["interventions"]["nodes"].as_array().unwrap();
    assert_eq!(count(&vw["interventions"]["totalCount"]), 28);
    for n in vw_nodes {
        assert_eq!(n["startYear"], Value::Null, "{n}");
        assert_eq!(n["coversYear"], "UNKNOWN", "{n}");
        // The deprecated boolean keeps its old reading: unknown counts as active.
        assert_eq!(n["activeIn"], true, "{n}");
    }
    let vw_slugs = slugs(&vw["interventions"]["nodes"]);

    let query = r#"query($undated: Undated) {
        interventions(filter: { area: "lelystad-oost", year: 2032, undated: $undated }, first: 500) {
            totalCount undated nodes { slug coversYear(year: 2032) } } }"#;
    let excluded = app.data(query, json!({})).await["interventions"].clone();
    let included = app.data(query, json!({ "undated": "INCLUDE" })).await["interventions"].clone();
    let only = app.data(query, json!({ "undated": "ONLY" })).await["interventions"].clone();

    // EXCLUDE, the default: only what is known to run in 2032, none of Veilige Wijken.
    let known = slugs(&excluded["nodes"]);
    assert!(known.iter().all(|s| !vw_slugs.contains(s)), "{known:?}");
    assert!(
        excluded["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["coversYear"] == "YES")
    );
    // "VHF 3: 2024-2034" is the only looptijd of the plan that reaches 2032.
    assert_eq!(count(&excluded["totalCount"]), KNOWN_IN_2032);
    let undated = count(&excluded["undated"]);
    assert!(undated >= 28, "{undated}");
    // The same count whichever mode lists them.
    assert_eq!(included["undated"], excluded["undated"]);
    assert_eq!(only["undated"], excluded["undated"]);
    // INCLUDE: the known and the undated; ONLY: the undated alone, Veilige Wijken among them.
    assert_eq!(
        count(&included["totalCount"]),
        count(&excluded["totalCount"]) + undated
    );
    assert_eq!(count(&only["totalCount"]), undated);
    let maybe = slugs(&only["nodes"]);
    assert!(vw_slugs.iter().all(|s| maybe.contains(s)));
    assert!(
        only["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["coversYear"] == "UNKNOWN")
    );
    // The old answer, 56, counted every intervention not known to have ended.
    assert_eq!(count(&included["totalCount"]), 56);

    // Without a year there is nothing undated to count.
    let plain = app
        .data(
            r#"{ interventions(filter: { area: "lelystad-oost" }) { totalCount undated } }"#,
            json!({}),
        )
        .await;
    assert_eq!(plain["interventions"]["undated"], Value::Null);

    // Other lists follow the same rule: the partners with an intervention known to run in
    // 2032 leave out Politie and Halt, whose only work is in Veilige Wijken ("Politie, Halt,
    // Welzijn Lelystad en gemeente Lelystad").
    let partners = app
        .data(
            r#"{ known: partners(filter: { area: "lelystad-oost", year: 2032 }, first: 500) { undated nodes { slug } }
                 maybe: partners(filter: { area: "lelystad-oost", year: 2032, undated: ONLY }, first: 500) { nodes { slug } } }"#,
            json!({}),
        )
        .await;
    let known_partners = slugs(&partners["known"]["nodes"]);
    assert!(!known_partners.contains(&"halt".to_owned()));
    assert!(slugs(&partners["maybe"]["nodes"]).contains(&"halt".to_owned()));
    assert!(count(&partners["known"]["undated"]) > 0);

    // `undated` governs the whole filter: on a nested filter it is refused, nothing answered.
    let code = app
        .error_code(
            r#"{ interventions(filter: { year: 2032, and: [{ undated: INCLUDE }] }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
}
db_test!(undated_interventions_are_counted_apart);

/// The interventions known to run in 2032: the blocks with "Looptijd ● VHF 3: 2024-2034".
const KNOWN_IN_2032: u64 = 3;

/// The collaboration network of a year says how many of its links rest on undated
/// interventions; 2023 and 2027 no longer look the same as 2032.
async fn the_network_of_a_year_counts_its_undated_links(db: TestDb) {
    let app = spawn_app(db, true).await;
    let query = r#"query($year: Int, $undated: Undated) {
        collaborationNetwork(area: "lelystad-oost", year: $year, filter: { undated: $undated }) {
            nodeCount edgeCount undatedInterventions undatedLinks } }"#;
    let net = |year: Option<i32>, undated: &str| {
        let app = &app;
        let undated = undated.to_owned();
        async move {
            app.data(query, json!({ "year": year, "undated": undated }))
                .await["collaborationNetwork"]
                .clone()
        }
    };
    let all = net(None, "EXCLUDE").await;
    assert_eq!(all["undatedLinks"], Value::Null);
    let known_2025 = net(Some(2025), "EXCLUDE").await;
    let with_2025 = net(Some(2025), "INCLUDE").await;
    let only_2025 = net(Some(2025), "ONLY").await;
    // The 28 Veilige Wijken interventions have no looptijd; so have others (the plan's
    // "Looptijd" is missing from several Jongeren met Perspectief blocks).
    let undated = count(&known_2025["undatedInterventions"]);
    assert!(undated >= 28, "{undated}");
    let links = count(&known_2025["undatedLinks"]);
    assert!(links > 0);
    // ONLY is the network of those interventions: its links are the undated links.
    assert_eq!(count(&only_2025["edgeCount"]), links);
    assert!(count(&with_2025["edgeCount"]) > count(&known_2025["edgeCount"]));
    assert!(count(&with_2025["edgeCount"]) <= count(&known_2025["edgeCount"]) + links);
    // Known-only networks change with the year: NIP ("NIP 2024-2025") and the SPUK blocks
    // ("SPUK 2025-2026") are gone by 2027.
    let known_2027 = net(Some(2027), "EXCLUDE").await;
    assert!(count(&known_2027["edgeCount"]) < count(&known_2025["edgeCount"]));
}
db_test!(the_network_of_a_year_counts_its_undated_links);

/// Coverage tells "no intervention" from "wijk unknown" and "whole area".
async fn coverage_tells_unknown_wijk_from_whole_area(db: TestDb) {
    let app = spawn_app(db, true).await;
    // "Inrichten en begeleiden Kinderwijken (elke wijk 1 KWR)": every wijk, so area-wide.
    // "De proeftuin loopt … met focus op kwetsbare straten en hofjes" in Zuiderzeewijk and
    // Atolwijk: listed. A Veilige Wijken block names no wijk: unknown.
    let data = app
        .data(
            r#"{ a: intervention(area: "lelystad-oost", slug: "kbw-kinderwijken") { wijkScope }
                 b: intervention(area: "lelystad-oost", slug: "lerend-netwerk-proeftuin") { wijkScope }
                 c: intervention(area: "lelystad-oost", slug: "vw-boost-buddy") { wijkScope } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["a"]["wijkScope"], "WHOLE_AREA");
    assert_eq!(data["b"]["wijkScope"], "LISTED");
    assert_eq!(data["c"]["wijkScope"], "UNKNOWN");

    let data = app
        .data(
            r#"{ coverage(area: "lelystad-oost") {
                wijkByCluster { columnLabels counts wholeArea wijkUnknown states }
                interventionsWithoutWijk { slug } interventionsWholeArea { slug } } }"#,
            json!({}),
        )
        .await;
    let c = &data["coverage"];
    let m = &c["wijkByCluster"];
    let column = |name: &str| {
        m["columnLabels"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c == name)
            .unwrap()
    };
    // Veilige Wijken: the plan names no wijk for any of its 28 interventions. Not a gap:
    // unknown in every wijk.
    let vw = column("Veilige Wijken");
    assert_eq!(m["wijkUnknown"][vw], 28);
    assert_eq!(m["wholeArea"][vw], 0);
    for row in m["states"].as_array().unwrap() {
        assert_eq!(row[vw], "UNKNOWN");
    }
    for row in m["counts"].as_array().unwrap() {
        assert_eq!(row[vw], 0);
    }
    // Wonen en Werk: "4 wijkanalyses (1 per wijk)", "Opstellen wijkaanpak … voor alle wijken
    // in Lelystad Oost", "4 (In elke wijk 1) fysieke punten van het werkbedrijf": area-wide,
    // counted once per cluster, not as four wijk links.
    let ww = column("Wonen en Werk");
    assert!(count(&m["wholeArea"][ww]) >= 3);
    for row in m["states"].as_array().unwrap() {
        assert_ne!(row[ww], "NO_INTERVENTION");
        assert_ne!(row[ww], "UNKNOWN");
    }
    let whole = slugs(&c["interventionsWholeArea"]);
    assert!(whole.contains(&"kbw-kinderwijken".to_owned()));
    assert!(whole.contains(&"wijkaanpak-2025".to_owned()));
    let unknown = slugs(&c["interventionsWithoutWijk"]);
    assert!(unknown.contains(&"vw-boost-buddy".to_owned()));
    assert!(!unknown.iter().any(|s| whole.contains(s)));
    // 83 interventions: the unknown, the area-wide and the listed (the Lerend Netwerk).
    assert_eq!(unknown.len() + whole.len(), 82);
}
db_test!(coverage_tells_unknown_wijk_from_whole_area);

/// The plan's pairs of sub-goals and interventions are linked, so coverage no longer lists
/// those goals as gaps; with a year, goals only undated interventions serve are unknown, not
/// gaps.
async fn paired_goals_are_covered(db: TestDb) {
    let app = spawn_app(db, true).await;
    // Lijn 2 Het jonge kind, Voor- en vroegschoolse educatie: "Subdoelen – Uitbreiden van
    // K-VHT interventies – Verbeteren van VVE-toeleiding – Uitbreiden van VVE-locaties",
    // "Interventies – K-VHT Interventies: … – VVE Toeleiding: … – VVE-locaties uitbreiden: …".
    let data = app
        .data(
            r#"{ a: goal(area: "lelystad-oost", slug: "jk-vve-2") { name interventions { nodes { slug } } }
                 b: goal(area: "lelystad-oost", slug: "jk-vve-3") { name interventions { nodes { slug } } }
                 c: goal(area: "lelystad-oost", slug: "jk-kennis-2") { interventions { nodes { slug } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["a"]["name"], "Verbeteren van VVE-toeleiding");
    assert_eq!(
        slugs(&data["a"]["interventions"]["nodes"]),
        ["jk-vve-toeleiding"]
    );
    assert_eq!(data["b"]["name"], "Uitbreiden van VVE-locaties");
    assert_eq!(
        slugs(&data["b"]["interventions"]["nodes"]),
        ["jk-vve-locaties-uitbreiden"]
    );
    // "Opleiden van professionals" ↔ "Opleiden van professionals: In 2025 is 10% …".
    assert_eq!(
        slugs(&data["c"]["interventions"]["nodes"]),
        ["jk-opleiden-professionals"]
    );

    let data = app
        .data(
            r#"{ coverage(area: "lelystad-oost") { goalsWithoutInterventions { name } goalsOnlyUndated { name } }
                 y: coverage(area: "lelystad-oost", year: 2027) { goalsWithoutInterventions { name } goalsOnlyUndated { name } } }"#,
            json!({}),
        )
        .await;
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|g| g["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let gaps = names(&data["coverage"]["goalsWithoutInterventions"]);
    for paired in [
        "Uitbreiden van VVE-locaties",
        "Verbeteren van VVE-toeleiding",
        "Uitbreiden van K-VHT interventies",
        "Opleiden van professionals",
    ] {
        assert!(!gaps.contains(&paired.to_owned()), "{paired} is linked");
    }
    assert_eq!(gaps.len(), GAPS);
    assert_eq!(data["coverage"]["goalsOnlyUndated"], json!([]));
    // In 2027 the Veilige Wijken goals are served only by interventions without a looptijd:
    // unknown, not gaps. "De veiligheid in de wijken van Lelystad Oost is verbeterd."
    let unknown_2027 = names(&data["y"]["goalsOnlyUndated"]);
    let gaps_2027 = names(&data["y"]["goalsWithoutInterventions"]);
    let vw_main = "De veiligheid in de wijken van Lelystad Oost is verbeterd.";
    assert!(
        unknown_2027.iter().any(|g| g == vw_main),
        "{unknown_2027:?}"
    );
    assert!(!gaps_2027.iter().any(|g| g == vw_main));
}
db_test!(paired_goals_are_covered);

/// Goals no intervention serves in Lelystad Oost: 52 before the seven sub-goals Lijn 2 pairs
/// with its interventions by name were linked, 45 after; 43 since two of the five shared Doelen
/// are tied to the cluster goal that repeats them. Among the rest, three shared Doelen (served
/// by "de uitvoeringsplannen van de drie programmaclusters" as a whole, no goal in particular)
/// and sub-goals the plan lists per theme, not per intervention.
const GAPS: usize = 43;

/// The data corrections of issue 12, each against its line in the plan.
async fn data_corrections_hold(db: TestDb) {
    let app = spawn_app(db, true).await;
    let data = app
        .data(
            r#"{ integraal: fundingStream(area: "lelystad-oost", slug: "spuk-integraal") { startYear endYear coversYear(year: 2025) }
                 pmg: fundingStream(area: "lelystad-oost", slug: "pmg") { startYear endYear before: coversYear(year: 2022) later: coversYear(year: 2030) }
                 c2: partner(area: "lelystad-oost", slug: "studiecentrumc2") { interventions { totalCount } }
                 alias: fundingStreams(filter: { area: "lelystad-oost", search: "Kansrijke Wijken Re-integratie" }) { nodes { slug } } }"#,
            json!({}),
        )
        .await;
    // Every block paid by "Spuk integraal" (Wijkprogrammering, Buurthub, Lerend netwerk,
    // 1 sociaaldomein) has "Looptijd ● 2024-2026".
    assert_eq!(data["integraal"]["startYear"], 2024);
    assert_eq!(data["integraal"]["endYear"], 2026);
    assert_eq!(data["integraal"]["coversYear"], "YES");
    // "Dit programma is sinds 2023 gestart in Lelystad." No end is given.
    assert_eq!(data["pmg"]["startYear"], 2023);
    assert_eq!(data["pmg"]["endYear"], Value::Null);
    assert_eq!(data["pmg"]["before"], "NO");
    assert_eq!(data["pmg"]["later"], "UNKNOWN");
    // "aanpalende uitvoerende organisaties (van kickbokstrainers, nagelstylisten tot
    // StudiecentrumC2 – voornamelijk partijen vanuit de ‘eigen omgeving’)": an example, not a
    // partner of the three activity lines.
    assert_eq!(data["c2"]["interventions"]["totalCount"], 0);
    // "SPUKS  Kansrijke Wijken Re-integratie Energiearmoede" (pijler Werk & Inkomen).
    assert_eq!(slugs(&data["alias"]["nodes"]), ["spuk-re-integratie"]);

    // Zutphen: each theme's interventions are tied to it ("Kwetsbaar in de wijk: Zutphen
    // werkt sinds een aantal jaren met Hopwoningen …"); Buddy to buddy is named only in the
    // morning programme, under no theme.
    let file =
        samenhang::dataset::parse(samenhang::dataset::bundled("zutphen").unwrap()).expect("parse");
    import(&app.service, &file, false).await.expect("import");
    let data = app
        .data(
            r#"{ interventions(filter: { area: "zutphen" }) { nodes { slug lines { slug } } } }"#,
            json!({}),
        )
        .await;
    let line_of = |slug: &str| {
        data["interventions"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["slug"] == slug)
            .map(|n| slugs(&n["lines"]))
            .expect("intervention")
    };
    assert_eq!(line_of("hopwoningen"), ["kwetsbaar-in-de-wijk"]);
    assert_eq!(
        line_of("huisvesting-bijzondere-doelgroepen"),
        ["kwetsbaar-in-de-wijk"]
    );
    assert_eq!(line_of("right-to-challenge"), ["nieuwe-democratie"]);
    assert_eq!(line_of("burgerbegroting"), ["nieuwe-democratie"]);
    assert_eq!(
        line_of("revitalisering-berkelpark"),
        ["openbare-ruimte-als-communicatiemiddel"]
    );
    assert_eq!(line_of("initiatieven-jeugd"), ["jeugd-van-tegenwoordig"]);
    assert_eq!(
        line_of("initiatieven-iedereen-doet-mee"),
        ["sociale-inclusie"]
    );
    assert_eq!(
        line_of("aanjagers-en-verbinders"),
        ["aanjagers-en-verbinders"]
    );
    assert!(line_of("buddy-to-buddy").is_empty());
}
db_test!(data_corrections_hold);

/// The shared Doelen the plan ties to a cluster goal are served by it, so coverage no longer
/// reports them as gaps but lists them apart; removing a tie brings the gap back, restoring it
/// takes it away again, and the ties survive a restart.
async fn shared_doelen_served_by_cluster_goals(db: TestDb) {
    let app = spawn_app(db, true).await;
    // "Hoe wij willen bijdragen aan het behalen van de doelen staat beschreven in de
    // uitvoeringsplannen van de drie programmaclusters." Two Doelen repeat a cluster goal:
    // "Veilige en uitdagende wijken, waar jongeren in Lelystad Oost de kans krijgen om een zo
    // zelfstandig mogelijke toekomst op te bouwen, samen met hun netwerk." ↔ "Doel 2: Preventie
    // met gezag, alle jongeren in Lelystad Oost krijgen de kans om een zelfstandige toekomst op
    // te bouwen, samen met hun netwerk."; "De capaciteit en talent van jong tot oud benutten op
    // de arbeidsmarkt." ↔ Werk & Inkomen "1. Capaciteit & talenten van bewoners worden benut op
    // de arbeidsmarkt."
    let safe = "doel-veilige-en-uitdagende-wijken";
    let work = "doel-werk-en-bestaanszekerheid";
    let ties = app
        .data(
            r#"{ a: goal(area: "lelystad-oost", slug: "doel-veilige-en-uitdagende-wijken") { id relatedGoals { kind direction goal { slug } } }
                 b: goal(area: "lelystad-oost", slug: "doel-werk-en-bestaanszekerheid") { relatedGoals { kind direction goal { slug } } }
                 c: goal(area: "lelystad-oost", slug: "pmg-hoofddoel") { id relatedGoals { kind direction goal { slug } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        ties["a"]["relatedGoals"],
        json!([{ "kind": "SERVED_BY", "direction": "OUTGOING", "goal": { "slug": "pmg-hoofddoel" } }])
    );
    assert_eq!(
        ties["b"]["relatedGoals"],
        json!([{ "kind": "SERVED_BY", "direction": "OUTGOING", "goal": { "slug": "wi-subdoel-1" } }])
    );
    assert_eq!(
        ties["c"]["relatedGoals"],
        json!([{ "kind": "SERVED_BY", "direction": "INCOMING", "goal": { "slug": safe } }])
    );
    let (shared, pmg) = (ties["a"]["id"].clone(), ties["c"]["id"].clone());

    let coverage = r#"{ coverage(area: "lelystad-oost") {
        goalsWithoutInterventions { slug } goalsCoveredThroughRelated { slug } } }"#;
    let covered = app.data(coverage, json!({})).await;
    let gaps = slugs(&covered["coverage"]["goalsWithoutInterventions"]);
    assert_eq!(gaps.len(), GAPS);
    assert!(!gaps.iter().any(|g| g == safe || g == work), "{gaps:?}");
    assert_eq!(
        slugs(&covered["coverage"]["goalsCoveredThroughRelated"]),
        [work, safe]
    );
    // In 2027 Preventie met gezag's goals are served only by interventions without a looptijd
    // (the Veilige Wijken blocks give none), so the Doel tied to its main goal is unknown, not
    // a gap.
    let y = app
        .data(
            r#"{ coverage(area: "lelystad-oost", year: 2027) {
                goalsWithoutInterventions { slug } goalsOnlyUndated { slug } goalsCoveredThroughRelated { slug } } }"#,
            json!({}),
        )
        .await;
    let unknown_2027 = slugs(&y["coverage"]["goalsOnlyUndated"]);
    let gaps_2027 = slugs(&y["coverage"]["goalsWithoutInterventions"]);
    assert!(unknown_2027.iter().any(|g| g == safe), "{unknown_2027:?}");
    assert!(!gaps_2027.iter().any(|g| g == safe));
    assert_eq!(
        (
            unknown_2027.len(),
            gaps_2027.len(),
            slugs(&y["coverage"]["goalsCoveredThroughRelated"])
        ),
        (35, 60, vec![])
    );
    // The three shared Doelen the plan ties to no goal in particular stay gaps.
    for untied in [
        "doel-aantrekkelijke-woonomgeving",
        "doel-gezondheid-en-vitaliteit",
        "doel-gelijke-kansen-kinderen-jongeren",
    ] {
        assert!(gaps.iter().any(|g| g == untied), "{untied}");
    }

    // Without the tie, the Doel is a gap again: 43 → 44.
    let vars = json!({ "from": shared, "to": pmg });
    let gone = app
        .data(
            "mutation($from: ID!, $to: ID!) { unlinkGoalFromGoal(fromId: $from, toId: $to) {
               linked kind from { relatedGoals { kind } } to { slug } } }",
            vars.clone(),
        )
        .await;
    assert_eq!(
        gone["unlinkGoalFromGoal"],
        json!({ "linked": false, "kind": null, "from": { "relatedGoals": [] }, "to": { "slug": "pmg-hoofddoel" } })
    );
    let uncovered = app.data(coverage, json!({})).await;
    let gaps = slugs(&uncovered["coverage"]["goalsWithoutInterventions"]);
    assert_eq!(gaps.len(), GAPS + 1);
    assert!(gaps.iter().any(|g| g == safe));
    assert_eq!(
        slugs(&uncovered["coverage"]["goalsCoveredThroughRelated"]),
        [work]
    );
    // Unlinking what is not linked, or tying a goal to itself, is refused and changes nothing.
    let unlink = "mutation($from: ID!, $to: ID!) { unlinkGoalFromGoal(fromId: $from, toId: $to) { linked } }";
    assert_eq!(app.error_code(unlink, vars.clone()).await, "NOT_FOUND");
    let link =
        "mutation($from: ID!, $to: ID!) { linkGoalToGoal(fromId: $from, toId: $to, note: \"n\") {
        linked kind note to { relatedGoals { direction goal { slug } } } } }";
    let itself = json!({ "from": shared, "to": shared });
    assert_eq!(app.error_code(link, itself).await, "BAD_USER_INPUT");
    let audited = app
        .data(
            r#"{ a: auditLog(filter: { operation: "unlinkGoalFromGoal" }) { totalCount }
                 b: auditLog(filter: { operation: "linkGoalToGoal" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        (
            audited["a"]["totalCount"].clone(),
            audited["b"]["totalCount"].clone()
        ),
        (json!(1), json!(0))
    );

    // Tied again, it is covered again: 44 → 43; the tie survives a restart.
    let back = app.data(link, vars).await;
    assert_eq!(
        back["linkGoalToGoal"],
        json!({ "linked": true, "kind": "SERVED_BY", "note": "n",
                "to": { "relatedGoals": [{ "direction": "INCOMING", "goal": { "slug": safe } }] } })
    );
    let db = app.stop().await;
    let app = spawn_app(db, true).await;
    let again = app.data(coverage, json!({})).await;
    assert_eq!(
        slugs(&again["coverage"]["goalsWithoutInterventions"]).len(),
        GAPS
    );
    assert_eq!(
        slugs(&again["coverage"]["goalsCoveredThroughRelated"]),
        [work, safe]
    );
}
db_test!(shared_doelen_served_by_cluster_goals);
