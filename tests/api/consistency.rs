//! The graph and the database agree after a series of writes, also when writers run in
//! parallel, and every request reads one snapshot.

use serde_json::json;

use crate::helpers::{TestDb, db_test, spawn_app};

async fn graph_and_database_agree_after_a_series_of_writes(db: TestDb) {
    let app = spawn_app(db, true).await;
    let area = app.id_of("area", "lelystad-oost").await;
    let goal = app.id_of("goal", "pmg-weerbaarheid").await;
    let atolwijk = app.id_of("wijk", "atolwijk").await;
    let vhf = app.id_of("fundingStream", "vhf-3").await;
    let kapot = app.id_of("intervention", "pmg-kapot-sterk").await;

    for n in 0..8 {
        let partner = app
            .data(
                "mutation($a: ID!, $s: String!) { createPartner(input: { areaId: $a, slug: $s, name: $s, kind: WELFARE }) { id } }",
                json!({ "a": area, "s": format!("partner-{n}") }),
            )
            .await["createPartner"]["id"]
            .clone();
        let intervention = app
            .data(
                "mutation($a: ID!, $s: String!) { createIntervention(input: { areaId: $a, slug: $s, name: $s, startYear: 2025 }) { id } }",
                json!({ "a": area, "s": format!("actie-{n}") }),
            )
            .await["createIntervention"]["id"]
            .clone();
        let vars = json!({ "i": intervention, "p": partner, "g": goal, "w": atolwijk, "f": vhf, "k": kapot });
        app.data(
            "mutation($i: ID!, $p: ID!, $g: ID!, $w: ID!, $f: ID!, $k: ID!) {
                a: linkInterventionPartner(interventionId: $i, partnerId: $p, role: LEAD) { id }
                b: linkInterventionGoal(interventionId: $i, goalId: $g) { id }
                c: linkInterventionWijk(interventionId: $i, wijkId: $w) { id }
                d: linkInterventionFunding(interventionId: $i, fundingStreamId: $f, amountEur: 1000) { id }
                e: linkInterventions(fromId: $i, toId: $k) { id }
            }",
            vars.clone(),
        )
        .await;
        if n % 2 == 0 {
            app.data("mutation($i: ID!, $w: ID!) { unlinkInterventionWijk(interventionId: $i, wijkId: $w) { id } }", vars.clone())
                .await;
            app.data(
                "mutation($p: ID!) { updatePartner(id: $p, input: { kind: HOUSING, aliases: [\"alias\"] }) { id } }",
                vars.clone(),
            )
            .await;
        }
        if n % 3 == 0 {
            app.data(
                "mutation($i: ID!) { deleteIntervention(id: $i) { id } }",
                vars,
            )
            .await;
        }
    }
    let stored = app.service.store().load().await.expect("load");
    assert!(
        stored == app.service.snapshot().data,
        "the graph and a fresh load from the database differ"
    );
    let data = app
        .data(r#"{ goal(slug: "pmg-weerbaarheid") { interventions(filter: { search: "actie-" }) { totalCount } } }"#, json!({}))
        .await;
    assert_eq!(
        data["goal"]["interventions"]["totalCount"], 5,
        "8 created, 3 deleted"
    );
}
db_test!(graph_and_database_agree_after_a_series_of_writes);

async fn parallel_writers_all_land_exactly_once(db: TestDb) {
    const WRITERS: usize = 16;
    const WRITES: usize = 200;
    let app = std::sync::Arc::new(spawn_app(db, true).await);
    let area = app.id_of("area", "lelystad-oost").await;
    let start = app.service.snapshot().version;
    // Each writer creates a wijk, then changes it 199 times, each time on the version the
    // previous answer gave: no change is lost and none is refused.
    let tasks: Vec<_> = (0..WRITERS)
        .map(|task| {
            let app = app.clone();
            let area = area.clone();
            tokio::spawn(async move {
                let created = app
                    .data(
                        "mutation($a: ID!, $s: String!) { createWijk(input: { areaId: $a, slug: $s, name: $s }) { id version } }",
                        json!({ "a": area, "s": format!("w-{task}") }),
                    )
                    .await;
                let id = created["createWijk"]["id"].clone();
                let mut version = created["createWijk"]["version"].as_i64().unwrap();
                for n in 1..WRITES {
                    let updated = app
                        .data(
                            "mutation($id: ID!, $d: String!, $v: Int!) { updateWijk(id: $id, input: { description: $d }, version: $v) { version } }",
                            json!({ "id": id, "d": format!("change {n}"), "v": version }),
                        )
                        .await;
                    let next = updated["updateWijk"]["version"].as_i64().unwrap();
                    assert_eq!(next, version + 1);
                    version = next;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("writer finished");
    }
    let data = app
        .data(
            r#"{ wijken(filter: { search: "w-" }, first: 500) { totalCount nodes { version description } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["wijken"]["totalCount"], WRITERS);
    for wijk in data["wijken"]["nodes"].as_array().unwrap() {
        assert_eq!(wijk["version"], WRITES);
        assert_eq!(wijk["description"], format!("change {}", WRITES - 1));
    }
    let stored = app.service.store().load().await.expect("load");
    assert!(
        stored == app.service.snapshot().data,
        "the graph and a fresh load from the database differ"
    );
    assert_eq!(
        app.service.snapshot().version,
        start + (WRITERS * WRITES) as u64,
        "one version per write"
    );
    let audited = app
        .data(
            "{ a: auditLog(filter: { operation: \"createWijk\" }) { totalCount } b: auditLog(filter: { operation: \"updateWijk\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(audited["a"]["totalCount"], WRITERS);
    assert_eq!(audited["b"]["totalCount"], WRITERS * (WRITES - 1));
}
db_test!(parallel_writers_all_land_exactly_once);

async fn stale_versions_are_refused(db: TestDb) {
    let app = spawn_app(db, true).await;
    let halt = app.id_of("partner", "halt").await;
    let update = "mutation($id: ID!, $n: String!, $v: Int) { updatePartner(id: $id, input: { name: $n }, version: $v) { name version } }";
    let read = app
        .data(
            "query($id: ID!) { node(id: $id) { version } }",
            json!({ "id": halt }),
        )
        .await;
    assert_eq!(read["node"]["version"], 1);

    // Two people read version 1; the first change lands, the second is refused.
    let first = app
        .data(update, json!({ "id": halt, "n": "Halt Flevoland", "v": 1 }))
        .await;
    assert_eq!(first["updatePartner"]["version"], 2);
    let before = app.export().await;
    let refused = app
        .error(update, json!({ "id": halt, "n": "Bureau Halt", "v": 1 }))
        .await;
    assert_eq!(refused["extensions"]["code"], "CONFLICT");
    assert_eq!(refused["extensions"]["field"], "version");
    assert!(refused["message"].as_str().unwrap().contains("version 2"));
    assert_eq!(
        app.export().await,
        before,
        "the refused change changed something"
    );

    // Without a version the change lands on whatever is there; versions survive a restart.
    let blind = app
        .data(update, json!({ "id": halt, "n": "Bureau Halt", "v": null }))
        .await;
    assert_eq!(blind["updatePartner"]["version"], 3);
    let unchanged = app
        .data(update, json!({ "id": halt, "n": "Bureau Halt", "v": 3 }))
        .await;
    assert_eq!(
        unchanged["updatePartner"]["version"], 3,
        "no change, no new version"
    );
    let db = app.stop().await;
    let app = spawn_app(db, true).await;
    let read = app
        .data(
            "query($id: ID!) { node(id: $id) { version ... on Partner { name } } }",
            json!({ "id": halt }),
        )
        .await;
    assert_eq!(read["node"]["version"], 3);
    assert_eq!(read["node"]["name"], "Bureau Halt");

    // A deletion decided on an old version is refused too.
    let delete = "mutation($id: ID!, $v: Int) { deletePartner(id: $id, version: $v) { id } }";
    let refused = app.error(delete, json!({ "id": halt, "v": 2 })).await;
    assert_eq!(refused["extensions"]["code"], "CONFLICT");
    let deleted = app.data(delete, json!({ "id": halt, "v": 3 })).await;
    assert_eq!(deleted["deletePartner"]["id"], halt);
}
db_test!(stale_versions_are_refused);
