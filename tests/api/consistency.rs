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
    let app = std::sync::Arc::new(spawn_app(db, true).await);
    let area = app.id_of("area", "lelystad-oost").await;
    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let app = app.clone();
            let area = area.clone();
            tokio::spawn(async move {
                for n in 0..10 {
                    app.data(
                        "mutation($a: ID!, $s: String!) { createWijk(input: { areaId: $a, slug: $s, name: $s }) { id } }",
                        json!({ "a": area, "s": format!("w-{task}-{n}") }),
                    )
                    .await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("writer finished");
    }
    let data = app
        .data(
            r#"{ wijken(filter: { search: "w-" }, first: 500) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["wijken"]["totalCount"], 80);
    let stored = app.service.store().load().await.expect("load");
    assert!(stored == app.service.snapshot().data);
    assert_eq!(
        app.service.snapshot().version,
        2 + 80,
        "one version per write after the seed"
    );
}
db_test!(parallel_writers_all_land_exactly_once);
