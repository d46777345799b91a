//! The measurements import as a user probed it: thousands points in a Dutch (`;`) file, every
//! problem of every row listed at once with the rows numbered as the file's lines (in the CLI
//! and over GraphQL alike), whole counts, and `recordMeasurement` keeping a comment it is not
//! given.

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, cli, db_test, spawn_app};
use crate::indicators::{RECORD, indicator, spawn_without_indicators, woningen};

const IMPORT: &str = "mutation($rows: [MeasurementRowInput!]!) { importMeasurements(area: \"lelystad-oost\", rows: $rows) { added replaced unchanged } }";
const VALUES: &str = "query($s: String!) { indicator(slug: $s) { measurements { totalCount nodes { value periodStart comment wijk { slug } } } } }";

/// The server with one count indicator, `particuliere-woningen`.
async fn spawn_with_woningen(db: TestDb) -> TestApp {
    let app = spawn_without_indicators(db).await;
    indicator(&app, "wo-renoveren-verduurzamen", woningen()).await;
    app
}

/// Writes `text` as a file in `dir`; returns its path.
fn file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the file");
    path.display().to_string()
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    assert!(!out.status.success(), "the import must be refused");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn measurements(app: &TestApp) -> Value {
    app.data(VALUES, json!({ "s": "particuliere-woningen" }))
        .await["indicator"]["measurements"]
        .clone()
}

/// Finding 1: in a `;` file a point groups thousands (`1.000` is 1000, not 1); a point that
/// is no grouping is refused as ambiguous, and a count takes whole numbers only.
async fn dutch_thousands_points_group(db: TestDb) {
    let app = spawn_with_woningen(db).await;
    let db = app.stop().await;
    let dir = tempfile::tempdir().expect("a directory");

    let good = file(
        dir.path(),
        "goed.csv",
        "indicator;period_start;period_end;value;wijk\r\n\
         particuliere-woningen;2025-01-01;2025-06-30;1.000;\r\n\
         particuliere-woningen;2025-07-01;2025-12-31;12.345.678;\r\n\
         particuliere-woningen;2025-07-01;2025-12-31;1.250,0;atolwijk\r\n",
    );
    let said = stdout(&cli(&db, dir.path(), &["measurements", "import", &good]));
    assert!(said.contains("recorded 3 new"), "{said}");

    let bad = file(
        dir.path(),
        "fout.csv",
        "indicator;period_start;period_end;value\n\
         particuliere-woningen;2026-01-01;2026-06-30;1.5\n\
         particuliere-woningen;2026-07-01;2026-12-31;1.00\n\
         particuliere-woningen;2027-01-01;2027-06-30;2,5\n\
         particuliere-woningen;2027-07-01;2027-12-31;7\n",
    );
    let said = stderr(&cli(&db, dir.path(), &["measurements", "import", &bad]));
    assert!(
        said.contains("row 2, column value: \"1.5\" is ambiguous"),
        "{said}"
    );
    assert!(
        said.contains("row 3, column value: \"1.00\" is ambiguous"),
        "{said}"
    );
    assert!(
        said.contains(
            "row 4, column value: the indicator counts things: 2.5 is not a whole number"
        ),
        "{said}"
    );
    assert!(!said.contains("row 5"), "row 5 is good: {said}");

    let app = spawn_app(db, false).await;
    let read = measurements(&app).await;
    assert_eq!(
        read["totalCount"], 3,
        "the bad file recorded nothing: {read:#}"
    );
    let mut values: Vec<f64> = read["nodes"]
        .as_array()
        .expect("measurements")
        .iter()
        .filter_map(|n| n["value"].as_f64())
        .collect();
    values.sort_by(f64::total_cmp);
    assert_eq!(values, [1000.0, 1250.0, 12_345_678.0]);

    // A fractional count is refused over GraphQL as well, by both mutations.
    let id = app.id_of("indicator", "particuliere-woningen").await;
    let error = app
        .error(
            RECORD,
            json!({ "i": { "indicatorId": id, "value": 2.5, "periodStart": "2028-01-01", "periodEnd": "2028-06-30" } }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
    assert!(
        error.to_string().contains("not a whole number"),
        "{error:#}"
    );
    let error = app
        .error(
            IMPORT,
            json!({ "rows": [{ "indicator": "particuliere-woningen", "periodStart": "2028-01-01", "periodEnd": "2028-06-30", "value": 2.5 }] }),
        )
        .await;
    assert!(
        error.to_string().contains("row 2, column value"),
        "{error:#}"
    );
    assert_eq!(measurements(&app).await["totalCount"], 3);
}
db_test!(dutch_thousands_points_group);

/// Finding 2: an unknown column, a row of the wrong length, an unknown wijk and a duplicate
/// hide no other problem; every one is listed in the file's order, a duplicate names the row
/// it repeats, GraphQL numbers its rows as the CLI does, and a long list is cut and counted.
async fn every_problem_of_every_row_is_listed(db: TestDb) {
    let app = spawn_with_woningen(db).await;
    let db = app.stop().await;
    let dir = tempfile::tempdir().expect("a directory");

    let bad = file(
        dir.path(),
        "fout.csv",
        "indicator,period_start,period_end,value,status,wijk,opmerking
particuliere-woningen,2025-01-01,2025-06-30,10,,,a
particuliere-woningen,2025-01-01,2025-06-30
particuliere-woningen,2025-07-01,2025-12-31,-5,,nergens,b
particuliere-woningen,2025-01-01,2025-06-30,11,on_track,,c
onbekend,2025-13-01,2025-06-30,1,,,d
",
    );
    let said = stderr(&cli(&db, dir.path(), &["measurements", "import", &bad]));
    let expected = [
        "row 1, column 7: unknown column \"opmerking\"",
        "row 3: the row has 3 cells, the header 7",
        "row 4, column value: a count must not be negative",
        "row 4, column wijk: no wijk with slug \"nergens\"",
        "row 5, column indicator: same indicator, period and wijk as row 2",
        "row 5, column status:",
        "row 6, column indicator: no indicator",
        "row 6, column period_start:",
    ];
    let mut at = 0;
    for text in expected {
        let found = said[at..]
            .find(text)
            .unwrap_or_else(|| panic!("{text:?} not (in order) in {said}"));
        at += found + text.len();
    }
    assert!(!said.contains("row 2,"), "row 2 is good: {said}");

    // Many bad rows: the first hundred problems, and how many more there are.
    let mut many = String::from("indicator,period_start,period_end,value\n");
    for n in 0..150 {
        many.push_str(&format!(
            "particuliere-woningen,2025-01-01,2025-06-30,x{n}\n"
        ));
    }
    let many = file(dir.path(), "veel.csv", &many);
    let said = stderr(&cli(&db, dir.path(), &["measurements", "import", &many]));
    assert!(said.contains("row 2, column value: \"x0\""), "{said}");
    assert!(said.contains("row 101, column value: \"x99\""), "{said}");
    assert!(!said.contains("row 102,"), "cut after 100: {said}");
    assert!(said.contains("and 50 more problems"), "{said}");

    let app = spawn_app(db, false).await;
    assert_eq!(
        measurements(&app).await["totalCount"],
        0,
        "nothing recorded"
    );

    // Over GraphQL the first item is row 2, as the first data line of a file.
    let row = |start: &str, value: i64, wijk: Option<&str>| json!({ "indicator": "particuliere-woningen", "periodStart": start, "periodEnd": "2025-12-31", "value": value, "wijk": wijk });
    let error = app
        .error(
            IMPORT,
            json!({ "rows": [
                row("2025-07-01", 1, None),
                row("2025-07-01", -1, None),
                row("2025-07-01", -2, Some("nergens")),
            ] }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
    let problems: Vec<String> = error["extensions"]["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("problems in {error:#}"))
        .iter()
        .map(|p| {
            format!(
                "{}: {}",
                p["field"].as_str().unwrap_or(""),
                p["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(
        problems[0]
            .starts_with("row 3, column indicator: same indicator, period and wijk as row 2"),
        "{problems:#?}"
    );
    assert!(
        problems[1].starts_with("row 3, column value: a count must not be negative"),
        "{problems:#?}"
    );
    assert!(
        problems[2].starts_with("row 4, column value: a count must not be negative"),
        "{problems:#?}"
    );
    assert!(
        problems[3].starts_with("row 4, column wijk: no wijk"),
        "{problems:#?}"
    );
    assert_eq!(
        measurements(&app).await["totalCount"],
        0,
        "nothing recorded"
    );
}
db_test!(every_problem_of_every_row_is_listed);

/// Finding 3: `recordMeasurement` again without `comment` keeps the comment; `null` clears it.
async fn recording_again_without_a_comment_keeps_it(db: TestDb) {
    let app = spawn_with_woningen(db).await;
    let id = app.id_of("indicator", "particuliere-woningen").await;
    let record = |value: f64, comment: Option<Value>| {
        let mut input = json!({ "indicatorId": id, "value": value, "periodStart": "2025-01-01", "periodEnd": "2025-06-30" });
        if let Some(comment) = comment {
            input["comment"] = comment;
        }
        json!({ "i": input })
    };
    let first = app
        .data(RECORD, record(10.0, Some(json!("rapportage H1"))))
        .await;
    assert_eq!(first["recordMeasurement"]["comment"], "rapportage H1");
    let again = app.data(RECORD, record(12.0, None)).await;
    assert_eq!(again["recordMeasurement"]["value"], 12.0);
    assert_eq!(
        again["recordMeasurement"]["comment"], "rapportage H1",
        "a comment left out is kept"
    );
    let cleared = app.data(RECORD, record(12.0, Some(Value::Null))).await;
    assert_eq!(
        cleared["recordMeasurement"]["comment"],
        Value::Null,
        "null clears it"
    );
    let read = measurements(&app).await;
    assert_eq!(read["totalCount"], 1);
    assert_eq!(read["nodes"][0]["comment"], Value::Null);
    assert_eq!(read["nodes"][0]["value"], 12.0);
}
db_test!(recording_again_without_a_comment_keeps_it);
