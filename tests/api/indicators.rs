//! Progress monitoring (issue 14): indicators and measurements written through the API,
//! versioned and audited, kept across restarts, imported from CSV (good, bad and repeated
//! files), and progress read per indicator and rolled up. The indicators are made by the tests
//! themselves on the bundled Lelystad Oost interventions, after the plan's own indicators are
//! deleted ([`spawn_without_indicators`]; `indicators_plan.rs` checks those), so that every
//! count below is the test's own.

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, cli, db_test, spawn_app};

const CREATE: &str = "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { id version slug target targets { value qualifier startYear endYear } intervention { slug } } }";
pub(crate) const RECORD: &str = "mutation($i: RecordMeasurementInput!) { recordMeasurement(input: $i) { id version value periodStart periodEnd recordedBy comment indicator { progress { latestValue ratio expectedAtLatest target status } } } }";
const PROGRESS: &str = "query($s: String!) { indicator(slug: $s) { version measurements { totalCount nodes { id value status periodEnd wijk { slug } } } progress { latestValue latestStatus latestPeriodEnd target ratio expected expectedAtLatest direction status } } }";

/// The server on Lelystad Oost, with the plan's indicators deleted through the API.
pub(crate) async fn spawn_without_indicators(db: TestDb) -> TestApp {
    let app = spawn_app(db, true).await;
    loop {
        let page = app
            .data(
                "{ indicators(filter: { area: \"lelystad-oost\" }, first: 50) { nodes { id } } }",
                json!({}),
            )
            .await;
        let ids: Vec<String> = page["indicators"]["nodes"]
            .as_array()
            .expect("a page of indicators")
            .iter()
            .filter_map(|n| n["id"].as_str().map(str::to_owned))
            .collect();
        if ids.is_empty() {
            return app;
        }
        for id in ids {
            app.data(
                "mutation($id: ID!) { deleteIndicator(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        }
    }
}

/// Creates an indicator on an intervention of Lelystad Oost; returns its ID.
pub(crate) async fn indicator(app: &TestApp, intervention: &str, input: Value) -> String {
    let intervention_id = app.id_of("intervention", intervention).await;
    let mut input = input;
    input["interventionId"] = json!(intervention_id);
    let data = app.data(CREATE, json!({ "i": input })).await;
    data["createIndicator"]["id"]
        .as_str()
        .expect("an indicator ID")
        .to_owned()
}

/// "750 particuliere woningen" on Renoveren en verduurzamen, over VHF 3's 2024–2034.
pub(crate) fn woningen() -> Value {
    json!({
        "slug": "particuliere-woningen",
        "name": "Particuliere woningen verduurzaamd",
        "unit": "particuliere woningen",
        "measure": "COUNT",
        "startYear": 2024,
        "endYear": 2034,
        "targets": [{ "value": 750, "qualifier": "circa" }],
        "sourceText": "750 particuliere woningen",
    })
}

async fn progress(app: &TestApp, slug: &str) -> Value {
    app.data(PROGRESS, json!({ "s": slug })).await["indicator"].clone()
}

async fn measurements_recorded_versioned_and_audited(db: TestDb) {
    let app = spawn_without_indicators(db).await;
    let id = indicator(&app, "wo-renoveren-verduurzamen", woningen()).await;
    let created = progress(&app, "particuliere-woningen").await;
    assert_eq!(created["progress"]["status"], "NO_DATA");
    assert_eq!(created["progress"]["target"], 750.0);

    // The first half of 2025: 118 woningen.
    let first = app
        .data(
            RECORD,
            json!({ "i": { "indicatorId": id, "value": 118, "periodStart": "2025-01-01", "periodEnd": "2025-06-30", "comment": "H1 2025" } }),
        )
        .await["recordMeasurement"]
        .clone();
    assert_eq!(first["version"], 1);
    assert_eq!(first["recordedBy"], "test-admin");
    let p = &first["indicator"]["progress"];
    assert_eq!(p["latestValue"], 118.0);
    let ratio = p["ratio"].as_f64().expect("a ratio");
    assert!((ratio - 118.0 / 750.0).abs() < 1e-9, "{ratio}");
    // 2024-01-01 to 2025-06-30 is 546 of the 4017 days to 2034-12-31.
    let expected = p["expectedAtLatest"].as_f64().expect("an expectation");
    assert!(
        (expected - 750.0 * 546.0 / 4017.0).abs() < 1e-6,
        "{expected}"
    );
    assert_eq!(p["status"], "ON_TRACK");

    // The same period again replaces the value: the same measurement, a new version.
    let again = app
        .data(
            RECORD,
            json!({ "i": { "indicatorId": id, "value": 90, "periodStart": "2025-01-01", "periodEnd": "2025-06-30", "comment": "H1 2025, gecorrigeerd" } }),
        )
        .await["recordMeasurement"]
        .clone();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["version"], 2);
    assert_eq!(again["indicator"]["progress"]["status"], "BEHIND");
    // A value for one wijk is a measurement of its own, not the whole area's latest value.
    let atol = app.id_of("wijk", "atolwijk").await;
    app.data(
        RECORD,
        json!({ "i": { "indicatorId": id, "value": 40, "periodStart": "2025-07-01", "periodEnd": "2025-12-31", "wijkId": atol } }),
    )
    .await;
    let read = progress(&app, "particuliere-woningen").await;
    assert_eq!(read["measurements"]["totalCount"], 2);
    // Every measurement is listed, the earliest period first.
    let values: Vec<&Value> = read["measurements"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| &n["value"])
        .collect();
    assert_eq!(values.len(), 2, "{read}");
    assert_eq!(read["progress"]["latestValue"], 90.0);

    // Audited: the insert and the update, with the row before and after.
    let history = app
        .data(
            "query($id: ID!) { history(id: $id) { totalCount edges { node { operation table before after } } } }",
            json!({ "id": first["id"] }),
        )
        .await["history"]
        .clone();
    assert_eq!(history["totalCount"], 2);
    let newest = &history["edges"][0]["node"];
    assert_eq!(newest["operation"], "recordMeasurement");
    assert_eq!(newest["table"], "measurement");
    assert_eq!(newest["before"]["value"], 118.0);
    assert_eq!(newest["after"]["value"], 90.0);
    assert_eq!(newest["after"]["version"], 2);

    // Bad input is refused with BAD_USER_INPUT, and nothing changes.
    let qualitative = indicator(
        &app,
        "wo-renoveren-verduurzamen",
        json!({ "slug": "sociale-aanpak", "name": "Sociale aanpak", "measure": "QUALITATIVE", "sourceText": "Hierbij sociale aanpak" }),
    )
    .await;
    let deleted = app
        .data(
            "mutation($id: ID!) { deleteIndicator(id: $id) { id } }",
            json!({ "id": qualitative.clone() }),
        )
        .await;
    let gone = deleted["deleteIndicator"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let qualitative = indicator(
        &app,
        "wo-renoveren-verduurzamen",
        json!({ "slug": "sociale-aanpak", "name": "Sociale aanpak", "measure": "QUALITATIVE", "sourceText": "Hierbij sociale aanpak" }),
    )
    .await;
    let version = app.service.snapshot().version;
    for (input, field) in [
        (
            json!({ "indicatorId": id, "value": 1, "periodStart": "2025-13-01", "periodEnd": "2025-12-31" }),
            "periodStart",
        ),
        (
            json!({ "indicatorId": id, "value": 1, "periodStart": "2025-07-01", "periodEnd": "2025-06-30" }),
            "periodEnd",
        ),
        (
            json!({ "indicatorId": id, "value": -5, "periodStart": "2025-07-01", "periodEnd": "2025-12-31" }),
            "value",
        ),
        (
            json!({ "indicatorId": id, "status": "ON_TRACK", "periodStart": "2025-07-01", "periodEnd": "2025-12-31" }),
            "status",
        ),
        (
            json!({ "indicatorId": qualitative, "value": 3, "periodStart": "2025-07-01", "periodEnd": "2025-12-31" }),
            "status",
        ),
        (
            json!({ "indicatorId": gone, "value": 3, "periodStart": "2025-07-01", "periodEnd": "2025-12-31" }),
            "indicatorId",
        ),
        (
            json!({ "indicatorId": atol, "value": 3, "periodStart": "2025-07-01", "periodEnd": "2025-12-31" }),
            "indicatorId",
        ),
    ] {
        let error = app.error(RECORD, json!({ "i": input })).await;
        assert_eq!(
            error["extensions"]["code"], "BAD_USER_INPUT",
            "{input}: {error:#}"
        );
        let fields = error["extensions"].to_string();
        assert!(fields.contains(field), "{input}: {field} not in {error:#}");
    }
    assert_eq!(app.service.snapshot().version, version, "nothing changed");
    let qualitative_ok = app
        .data(
            RECORD,
            json!({ "i": { "indicatorId": qualitative, "status": "BEHIND", "periodStart": "2025-01-01", "periodEnd": "2025-06-30" } }),
        )
        .await;
    assert_eq!(
        qualitative_ok["recordMeasurement"]["indicator"]["progress"]["status"],
        "BEHIND"
    );

    // Deleting the intervention takes its indicators and their measurements with it, audited.
    // Kept across a restart first: everything is loaded from the database again.
    let db = app.stop().await;
    let app = spawn_app(db, false).await;
    let reloaded = progress(&app, "particuliere-woningen").await;
    assert_eq!(reloaded, read, "the same after a restart");
    let intervention = app.id_of("intervention", "wo-renoveren-verduurzamen").await;
    app.data(
        "mutation($id: ID!) { deleteIntervention(id: $id) { id } }",
        json!({ "id": intervention }),
    )
    .await;
    let after = app
        .data(
            "{ indicators(filter: { area: \"lelystad-oost\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(after["indicators"]["totalCount"], 0);
    assert!(app.service.snapshot().data.measurements.is_empty());
}
db_test!(measurements_recorded_versioned_and_audited);

const CSV_GOOD: &str = "indicator,period_start,period_end,value,status,wijk,comment
particuliere-woningen,2025-01-01,2025-06-30,118,,,\"Halfjaarrapportage H1 2025, gemeente\"
particuliere-woningen,2025-01-01,2025-06-30,30,,atolwijk,
sociale-aanpak,2025-01-01,2025-06-30,,on_track,,
";

async fn measurements_imported_from_csv(db: TestDb) {
    let app = spawn_without_indicators(db).await;
    indicator(&app, "wo-renoveren-verduurzamen", woningen()).await;
    indicator(
        &app,
        "wo-renoveren-verduurzamen",
        json!({ "slug": "sociale-aanpak", "name": "Sociale aanpak", "measure": "QUALITATIVE", "sourceText": "Hierbij sociale aanpak" }),
    )
    .await;
    let db = app.stop().await;
    let dir = tempfile::tempdir().expect("a directory");
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write the file");
        path.display().to_string()
    };

    let good = file("good.csv", CSV_GOOD);
    let out = cli(
        &db,
        dir.path(),
        &["measurements", "import", &good, "--area", "lelystad-oost"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("recorded 3 new, 0 replaced, 0 unchanged"),
        "{said}"
    );
    // The same file again records nothing new.
    let out = cli(&db, dir.path(), &["measurements", "import", &good]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("0 new, 0 replaced, 3 unchanged"), "{said}");

    // A bad file: every problem with its row and column, and nothing recorded.
    let bad = file(
        "bad.csv",
        "indicator,period_start,period_end,value,status,wijk,comment
particuliere-woningen,2025-07-01,2025-12-31,150,,,
particuliere-woningen,2025-07-01,2025-06-31,1,,,
onbekend,2025-07-01,2025-12-31,1,,,
sociale-aanpak,2025-07-01,2025-12-31,4,,,
particuliere-woningen,2025-07-01,2025-12-31,x,,nergens,
",
    );
    let out = cli(&db, dir.path(), &["measurements", "import", &bad]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "row 3, column period_end",
        "row 4, column indicator",
        "row 5, column status",
        "row 6, column value",
        "row 6, column wijk",
    ] {
        assert!(said.contains(expected), "{expected} not in {said}");
    }
    assert!(!said.contains("row 2,"), "row 2 is good: {said}");

    let app = spawn_app(db, false).await;
    let read = progress(&app, "particuliere-woningen").await;
    assert_eq!(
        read["measurements"]["totalCount"], 2,
        "the bad file recorded nothing"
    );
    assert_eq!(read["progress"]["latestValue"], 118.0);
    assert_eq!(read["version"], 1);

    // Over GraphQL: a changed value replaces, a repeated one is unchanged, a bad row refuses all.
    let import = "mutation($rows: [MeasurementRowInput!]!) { importMeasurements(area: \"lelystad-oost\", rows: $rows) { added replaced unchanged } }";
    let rows = json!([
        { "indicator": "particuliere-woningen", "periodStart": "2025-01-01", "periodEnd": "2025-06-30", "value": 120, "comment": "herzien" },
        { "indicator": "particuliere-woningen", "periodStart": "2025-01-01", "periodEnd": "2025-06-30", "value": 30, "wijk": "atolwijk" },
        { "indicator": "particuliere-woningen", "periodStart": "2025-07-01", "periodEnd": "2025-12-31", "value": 260 },
    ]);
    let done = app.data(import, json!({ "rows": rows })).await;
    assert_eq!(
        done["importMeasurements"],
        json!({ "added": 1, "replaced": 1, "unchanged": 1 })
    );
    let version = app.service.snapshot().version;
    let error = app
        .error(
            import,
            json!({ "rows": [
                { "indicator": "particuliere-woningen", "periodStart": "2026-01-01", "periodEnd": "2026-06-30", "value": 300 },
                { "indicator": "particuliere-woningen", "periodStart": "2026-01-01", "periodEnd": "2026-06-30", "value": 301 },
            ] }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
    assert!(error.to_string().contains("row 2"), "{error:#}");
    assert_eq!(app.service.snapshot().version, version, "nothing changed");
    let read = progress(&app, "particuliere-woningen").await;
    assert_eq!(read["progress"]["latestValue"], 260.0);
}
db_test!(measurements_imported_from_csv);

/// Issue 14: `measurements export` writes what `measurements import` reads, so its file
/// imports as all unchanged; a comment with a comma and quotes, a decimal value, a wijk's
/// value and a qualitative status survive the trip. `/results.csv` serves the same file.
async fn measurements_export_round_trips(db: TestDb) {
    let app = spawn_without_indicators(db).await;
    let woningen = indicator(&app, "wo-renoveren-verduurzamen", woningen()).await;
    let sociaal = indicator(
        &app,
        "wo-renoveren-verduurzamen",
        json!({ "slug": "sociale-aanpak", "name": "Sociale aanpak", "measure": "QUALITATIVE", "sourceText": "Hierbij sociale aanpak" }),
    )
    .await;
    let atol = app.id_of("wijk", "atolwijk").await;
    let recorded = [
        json!({ "indicatorId": woningen, "value": 118, "periodStart": "2025-01-01", "periodEnd": "2025-06-30", "comment": "Monitor, \"H1\" 2025" }),
        json!({ "indicatorId": woningen, "value": 40, "periodStart": "2025-07-01", "periodEnd": "2025-12-31", "wijkId": atol }),
        json!({ "indicatorId": woningen, "value": 260, "periodStart": "2025-07-01", "periodEnd": "2025-12-31" }),
        json!({ "indicatorId": sociaal, "status": "ON_TRACK", "periodStart": "2025-01-01", "periodEnd": "2025-06-30" }),
    ];
    for input in &recorded {
        app.data(RECORD, json!({ "i": input })).await;
    }
    // The same file over HTTP, to whoever may read the API.
    let get = |path: &str| {
        let url = format!("{}{path}", app.base);
        let client = app.client.clone();
        async move {
            let response = client.get(url).send().await.expect("request sent");
            let status = response.status().as_u16();
            let disposition = response
                .headers()
                .get("content-disposition")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            (status, disposition, response.text().await.expect("a body"))
        }
    };
    let (status, disposition, served) = get("/results.csv?area=lelystad-oost").await;
    assert_eq!(status, 200, "{served}");
    assert_eq!(
        disposition,
        "attachment; filename=\"lelystad-oost-results.csv\""
    );
    assert_eq!(get("/results.csv?area=nergens").await.0, 404);
    // The area's global ID serves the same file; an unknown ID is not found.
    let area_id = app
        .graphql(r#"{ area(slug: "lelystad-oost") { id } }"#, json!({}))
        .await["data"]["area"]["id"]
        .as_str()
        .expect("an area id")
        .to_owned();
    let by_id = get(&format!("/results.csv?area={area_id}")).await;
    assert_eq!((by_id.0, &by_id.2), (200, &served));
    use base64::Engine;
    let unknown = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("Area:999");
    assert_eq!(get(&format!("/results.csv?area={unknown}")).await.0, 404);
    assert_eq!(get("/results.csv?areas=lelystad-oost").await.0, 400);
    let db = app.stop().await;
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("results.csv");
    let file = path.display().to_string();
    let ok = |out: &std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };

    ok(&cli(
        &db,
        dir.path(),
        &["measurements", "export", &file, "--area", "lelystad-oost"],
    ));
    let written = std::fs::read_to_string(&path).expect("the exported file");
    // Without a file, to standard output; without an area, every area's (here the same).
    let printed = ok(&cli(&db, dir.path(), &["measurements", "export"]));
    assert_eq!(printed, written);
    assert_eq!(served, written);
    let rows: Vec<&str> = written.lines().collect();
    assert_eq!(
        rows[0],
        "indicator,period_start,period_end,value,status,wijk,comment"
    );
    assert_eq!(rows.len(), recorded.len() + 1, "{written}");
    for row in [
        r#"particuliere-woningen,2025-01-01,2025-06-30,118,,,"Monitor, ""H1"" 2025""#,
        "particuliere-woningen,2025-07-01,2025-12-31,40,,atolwijk,",
        "particuliere-woningen,2025-07-01,2025-12-31,260,,,",
        "sociale-aanpak,2025-01-01,2025-06-30,,on_track,,",
    ] {
        assert!(rows.contains(&row), "{row} not in {written}");
    }

    let said = ok(&cli(&db, dir.path(), &["measurements", "import", &file]));
    assert!(
        said.contains(&format!("0 new, 0 replaced, {} unchanged", recorded.len())),
        "{said}"
    );
    // An unknown area is refused, and nothing is written.
    let other = dir.path().join("other.csv");
    let out = cli(
        &db,
        dir.path(),
        &[
            "measurements",
            "export",
            &other.display().to_string(),
            "--area",
            "nergens",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nergens"));
    assert!(!other.exists());
}
db_test!(measurements_export_round_trips);

async fn progress_rolls_up(db: TestDb) {
    let app = spawn_without_indicators(db).await;
    let today = samenhang::graph::today();
    let this_half = today.format("%Y-%m-%d").to_string();
    let start = (today - chrono::Days::new(180))
        .format("%Y-%m-%d")
        .to_string();
    let woningen = indicator(&app, "wo-renoveren-verduurzamen", woningen()).await;
    // A target that is reached, one that is behind, one without target, one without data.
    let tuinen = indicator(
        &app,
        "wo-tuinen-erfafscheidingen",
        json!({ "slug": "tuinen", "name": "Tuinen", "measure": "COUNT", "startYear": 2024, "endYear": 2026, "targets": [{ "value": 10 }], "sourceText": "10 tuinen" }),
    )
    .await;
    let inpanden = indicator(
        &app,
        "wo-inpanden",
        json!({ "slug": "inpanden", "name": "Inpanden", "measure": "PERCENTAGE", "direction": "LOWER", "baselineValue": 40, "startYear": 2024, "endYear": 2025, "targets": [{ "value": 0 }], "sourceText": "leegstand naar 0" }),
    )
    .await;
    let ntb = indicator(
        &app,
        "wo-binnenklimaat",
        json!({ "slug": "binnenklimaat", "name": "Binnenklimaat", "measure": "COUNT", "targetNote": "NTB", "sourceText": "Ntb" }),
    )
    .await;
    for (id, value) in [(&tuinen, 12.0), (&inpanden, 30.0), (&ntb, 5.0)] {
        app.data(
            RECORD,
            json!({ "i": { "indicatorId": id, "value": value, "periodStart": start, "periodEnd": this_half } }),
        )
        .await;
    }
    let summary = "query($n: String!, $m: Int!) { progressSummary(node: $n, staleAfterMonths: $m) { indicators achieved onTrack behind noData noTarget shareOnTrack withoutRecentMeasurement } }";
    let programme = app
        .data(summary, json!({ "n": "cluster:wonen-en-werk", "m": 6 }))
        .await["progressSummary"]
        .clone();
    // Inpanden: 30 % is three quarters of the way from 40 to 0 past its end: behind.
    assert_eq!(
        programme,
        json!({ "indicators": 4, "achieved": 1, "onTrack": 0, "behind": 1, "noData": 1, "noTarget": 1, "shareOnTrack": 0.5, "withoutRecentMeasurement": 1 })
    );
    let inpanden_status = app
        .data(
            "{ indicator(slug: \"inpanden\") { progress { status ratio direction } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        inpanden_status["indicator"]["progress"],
        json!({ "status": "BEHIND", "ratio": 0.25, "direction": "LOWER" })
    );
    // One intervention: only its own.
    let one = app
        .data(
            "{ intervention(slug: \"wo-tuinen-erfafscheidingen\") { progressIndicators { totalCount nodes { slug } } progressSummary { indicators achieved } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        one["intervention"],
        json!({ "progressIndicators": { "totalCount": 1, "nodes": [{ "slug": "tuinen" }] }, "progressSummary": { "indicators": 1, "achieved": 1 } })
    );
    // What VHF 3 pays for: the indicators of the interventions it funds.
    let funded = app
        .data(
            "{ fundedResults(fundingStream: \"vhf-3\", area: \"lelystad-oost\") { totalCount nodes { id progress { status } } } }",
            json!({}),
        )
        .await;
    let paid: Vec<&str> = funded["fundedResults"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().unwrap_or(""))
        .collect();
    assert!(paid.contains(&woningen.as_str()), "{funded:#}");
    // The root list filters by owner and status.
    let behind = app
        .data(
            "{ indicators(filter: { area: \"lelystad-oost\", status: BEHIND }) { nodes { slug } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        behind["indicators"]["nodes"],
        json!([{ "slug": "inpanden" }])
    );
    let bad = app
        .error_code(summary, json!({ "n": "cluster:wonen-en-werk", "m": 0 }))
        .await;
    assert_eq!(bad, "BAD_USER_INPUT");
    // The same roll-up on the cluster itself, and for the funder.
    let on_node = app
        .data(
            "{ cluster(slug: \"wonen-en-werk\") { progressSummary { indicators behind } } fundingStream(slug: \"vhf-3\") { progressSummary { indicators } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        on_node["cluster"]["progressSummary"],
        json!({ "indicators": 4, "behind": 1 })
    );
    assert_eq!(
        on_node["fundingStream"]["progressSummary"]["indicators"],
        funded["fundedResults"]["totalCount"]
    );
    // A wijk that measurements name cannot be deleted from under them.
    let atol = app.id_of("wijk", "atolwijk").await;
    app.data(
        RECORD,
        json!({ "i": { "indicatorId": tuinen, "value": 4, "periodStart": start, "periodEnd": this_half, "wijkId": atol } }),
    )
    .await;
    let refused = app
        .error_code(
            "mutation($id: ID!) { deleteWijk(id: $id) { id } }",
            json!({ "id": atol }),
        )
        .await;
    assert_eq!(refused, "CONFLICT");
}
db_test!(progress_rolls_up);

/// The README's worked example ("Following progress") records a result as written, with the
/// id of a real indicator in place of the placeholder, and its progress query answers.
async fn readme_progress_example_runs(db: TestDb) {
    let app = spawn_without_indicators(db).await;
    let id = indicator(&app, "wo-renoveren-verduurzamen", woningen()).await;
    let readme = include_str!("../../README.md");
    let section = readme
        .split_once("## Following progress")
        .map(|(_, rest)| rest)
        .expect("the README has a section Following progress");
    let example = section
        .split_once("```\nmutation {")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(body, _)| format!("mutation {{{body}"))
        .expect("the recordMeasurement example");
    assert!(example.contains("SW5kaWNhdG9yOjQy"), "{example}");
    let data = app
        .data(&example.replace("SW5kaWNhdG9yOjQy", &id), json!({}))
        .await;
    let progress = &data["recordMeasurement"]["indicator"]["progress"];
    assert_eq!(progress["latestValue"], 118.0);
    assert_eq!(progress["status"], "ON_TRACK");
    let summary = app
        .data(
            "{ progressSummary(node: \"cluster:wonen-en-werk\") { indicators onTrack } }",
            json!({}),
        )
        .await;
    assert_eq!(
        summary["progressSummary"],
        json!({ "indicators": 1, "onTrack": 1 })
    );
}
db_test!(readme_progress_example_runs);

/// Another process on the same database follows indicator and measurement writes through the
/// change log, to the same records and versions (issue 14: "the replicas' change log carries
/// them like every other node").
async fn another_process_follows_indicator_writes(db: TestDb) {
    let app = spawn_without_indicators(db).await;
    let other = samenhang::cli::open(&app.db.url, false)
        .await
        .expect("a second process");
    let id = indicator(&app, "wo-renoveren-verduurzamen", woningen()).await;
    let recorded = app
        .data(
            RECORD,
            json!({ "i": { "indicatorId": id, "value": 118, "periodStart": "2025-01-01", "periodEnd": "2025-06-30" } }),
        )
        .await;
    app.data(
        "mutation($id: ID!) { updateIndicator(id: $id, input: { targets: [{ value: 700 }, { value: 300, startYear: 2024, endYear: 2027 }] }) { version } }",
        json!({ "id": id }),
    )
    .await;
    app.data(
        RECORD,
        json!({ "i": { "indicatorId": id, "value": 150, "periodStart": "2025-07-01", "periodEnd": "2025-12-31" } }),
    )
    .await;
    app.data(
        "mutation($id: ID!) { deleteMeasurement(id: $id) { id } }",
        json!({ "id": recorded["recordMeasurement"]["id"] }),
    )
    .await;
    other.follow().await.expect("follow the log");
    let (mine, theirs) = (app.service.snapshot(), other.snapshot());
    assert_eq!(theirs.version, mine.version);
    assert_eq!(theirs.data.indicators, mine.data.indicators);
    assert_eq!(theirs.data.indicator_targets, mine.data.indicator_targets);
    assert_eq!(theirs.data.measurements, mine.data.measurements);
    assert_eq!(theirs.data.versions, mine.data.versions);
    assert_eq!(mine.data.indicator_targets.len(), 2);
    assert_eq!(mine.data.measurements.len(), 1);
    let indicator_id = *mine.data.indicators.keys().next().expect("the indicator");
    assert_eq!(
        mine.data.version_of(indicator_id),
        2,
        "new targets, new version"
    );
    let today = samenhang::graph::today();
    assert_eq!(
        theirs.rollup(indicator_id, today, 6),
        mine.rollup(indicator_id, today, 6)
    );
}
db_test!(another_process_follows_indicator_writes);
