//! Create, read, update and delete for every node type, and link/unlink for every edge type.

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, db_test, spawn_app};

/// Runs a mutation that must succeed and returns its single result field.
async fn mutate(app: &TestApp, query: &str, variables: Value) -> Value {
    let data = app.data(query, variables).await;
    data.as_object()
        .and_then(|o| o.values().next())
        .cloned()
        .expect("one result field")
}

async fn id_of(result: &Value) -> String {
    result["id"].as_str().expect("an id").to_owned()
}

async fn every_node_type_round_trips(db: TestDb) {
    let app = spawn_app(db, false).await;

    let area = mutate(
        &app,
        "mutation($i: CreateAreaInput!) { createArea(input: $i) { id slug name municipality } }",
        json!({ "i": { "slug": "testwijk", "name": "Test Programma", "municipality": "Lelystad" } }),
    )
    .await;
    assert_eq!(area["municipality"], "Lelystad");
    let area_id = id_of(&area).await;

    let programme = mutate(
        &app,
        "mutation($i: CreateClusterInput!) { createCluster(input: $i) { id area { slug } chair } }",
        json!({ "i": { "areaId": area_id, "slug": "veilig", "name": "Veilig", "chair": "De voorzitter" } }),
    )
    .await;
    assert_eq!(programme["area"]["slug"], "testwijk");
    let programme_id = id_of(&programme).await;

    let line = mutate(
        &app,
        "mutation($i: CreateLineInput!) { createLine(input: $i) { id number area { slug } cluster { id } targetGroups } }",
        json!({ "i": { "clusterId": programme_id, "slug": "lijn-1", "name": "Lijn 1", "number": 1, "targetGroups": ["Jongeren 12-23"] } }),
    )
    .await;
    assert_eq!(
        line["area"]["slug"], "testwijk",
        "a line takes its cluster's area"
    );
    assert_eq!(line["targetGroups"], json!(["Jongeren 12-23"]));
    let line_id = id_of(&line).await;

    let main_goal = mutate(
        &app,
        "mutation($i: CreateGoalInput!) { createGoal(input: $i) { id line { id } cluster { id } } }",
        json!({ "i": { "lineId": line_id, "slug": "hoofddoel", "level": "MAIN", "name": "Minder overlast" } }),
    )
    .await;
    assert_eq!(main_goal["cluster"]["id"], programme_id);
    let main_id = id_of(&main_goal).await;
    let sub_goal = mutate(
        &app,
        "mutation($i: CreateGoalInput!) { createGoal(input: $i) { id line { id } parent { id } ancestors { id } } }",
        json!({ "i": { "parentId": main_id, "slug": "subdoel", "level": "SUB", "name": "Beter zicht" } }),
    )
    .await;
    assert_eq!(
        sub_goal["line"]["id"], line_id,
        "a sub-goal shares its parent's line"
    );
    assert_eq!(sub_goal["ancestors"], json!([{ "id": main_id }]));
    let sub_id = id_of(&sub_goal).await;

    let intervention = mutate(
        &app,
        "mutation($i: CreateInterventionInput!) { createIntervention(input: $i) { id startYear endYear targets } }",
        json!({ "i": { "areaId": area_id, "slug": "buddy", "name": "Buddy", "startYear": 2024, "endYear": 2026, "targets": ["20 buddies"] } }),
    )
    .await;
    let intervention_id = id_of(&intervention).await;

    let partner = mutate(
        &app,
        "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { id kind aliases } }",
        json!({ "i": { "areaId": area_id, "slug": "wonen-werk", "name": "Wonen & Werk \"<b>\"", "kind": "HOUSING", "aliases": ["W&W"] } }),
    )
    .await;
    assert_eq!(partner["aliases"], json!(["W&W"]));
    let partner_id = id_of(&partner).await;

    let stream = mutate(
        &app,
        "mutation($i: CreateFundingStreamInput!) { createFundingStream(input: $i) { id kind amountEur activeIn(year: 2030) } }",
        json!({ "i": { "areaId": area_id, "slug": "spuk-x", "name": "SPUK X", "kind": "SPUK", "startYear": 2024, "endYear": 2026, "amountEur": 100000 } }),
    )
    .await;
    assert_eq!(stream["amountEur"], 100000);
    assert_eq!(stream["activeIn"], false);
    let stream_id = id_of(&stream).await;

    let wijk = mutate(
        &app,
        "mutation($i: CreateWijkInput!) { createWijk(input: $i) { id cbsCode } }",
        json!({ "i": { "areaId": area_id, "slug": "atolwijk", "name": "Atolwijk", "cbsCode": "WK099502" } }),
    )
    .await;
    let wijk_id = id_of(&wijk).await;

    // Every node is found by its ID and by its slug.
    for (id, typename) in [
        (&area_id, "Area"),
        (&programme_id, "Cluster"),
        (&line_id, "Line"),
        (&sub_id, "Goal"),
        (&intervention_id, "Intervention"),
        (&partner_id, "Partner"),
        (&stream_id, "FundingStream"),
        (&wijk_id, "Wijk"),
    ] {
        let data = app
            .data(
                "query($id: ID!) { node(id: $id) { __typename id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(data["node"]["__typename"], typename);
        assert_eq!(&data["node"]["id"], id);
    }
    assert_eq!(app.id_of("partner", "wonen-werk").await, partner_id);
    assert_eq!(app.id_of("wijk", "atolwijk").await, wijk_id);

    // Updates change what is given, keep what is absent, clear what is null.
    let updated = mutate(
        &app,
        "mutation($id: ID!, $i: UpdatePartnerInput!) { updatePartner(id: $id, input: $i) { slug name kind description aliases } }",
        json!({ "id": partner_id, "i": { "name": "Wonen en Werk", "description": "Corporatie", "aliases": [] } }),
    )
    .await;
    assert_eq!(
        updated,
        json!({ "slug": "wonen-werk", "name": "Wonen en Werk", "kind": "HOUSING", "description": "Corporatie", "aliases": [] })
    );
    let cleared = mutate(
        &app,
        "mutation($id: ID!, $i: UpdatePartnerInput!) { updatePartner(id: $id, input: $i) { description } }",
        json!({ "id": partner_id, "i": { "description": null } }),
    )
    .await;
    assert_eq!(cleared["description"], Value::Null);
    let moved = mutate(
        &app,
        "mutation($id: ID!, $i: UpdateInterventionInput!) { updateIntervention(id: $id, input: $i) { slug startYear endYear } }",
        json!({ "id": intervention_id, "i": { "slug": "boost-buddy", "endYear": null } }),
    )
    .await;
    assert_eq!(
        moved,
        json!({ "slug": "boost-buddy", "startYear": 2024, "endYear": null })
    );
    assert!(
        app.data(r#"{ intervention(slug: "buddy") { id } }"#, json!({}))
            .await["intervention"]
            .is_null()
    );
    for (query, input) in [
        (
            "mutation($id: ID!, $i: UpdateAreaInput!) { updateArea(id: $id, input: $i) { name } }",
            &area_id,
        ),
        (
            "mutation($id: ID!, $i: UpdateClusterInput!) { updateCluster(id: $id, input: $i) { name } }",
            &programme_id,
        ),
        (
            "mutation($id: ID!, $i: UpdateLineInput!) { updateLine(id: $id, input: $i) { name } }",
            &line_id,
        ),
        (
            "mutation($id: ID!, $i: UpdateGoalInput!) { updateGoal(id: $id, input: $i) { name } }",
            &sub_id,
        ),
        (
            "mutation($id: ID!, $i: UpdateFundingStreamInput!) { updateFundingStream(id: $id, input: $i) { name } }",
            &stream_id,
        ),
        (
            "mutation($id: ID!, $i: UpdateWijkInput!) { updateWijk(id: $id, input: $i) { name } }",
            &wijk_id,
        ),
    ] {
        let result = mutate(
            &app,
            query,
            json!({ "id": input, "i": { "name": "Nieuwe naam" } }),
        )
        .await;
        assert_eq!(result["name"], "Nieuwe naam", "{query}");
    }

    // Deletes: children before parents; afterwards the node is gone.
    for (mutation, id) in [
        ("deleteGoal", &sub_id),
        ("deleteGoal", &main_id),
        ("deleteLine", &line_id),
        ("deleteCluster", &programme_id),
        ("deleteIntervention", &intervention_id),
        ("deletePartner", &partner_id),
        ("deleteFundingStream", &stream_id),
        ("deleteWijk", &wijk_id),
        ("deleteArea", &area_id),
    ] {
        let result = mutate(
            &app,
            &format!("mutation($id: ID!) {{ {mutation}(id: $id) {{ id }} }}"),
            json!({ "id": id }),
        )
        .await;
        assert_eq!(&result["id"], id);
        let data = app
            .data(
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert!(data["node"].is_null(), "{mutation} left the node behind");
    }
    assert_eq!(
        app.export()
            .await
            .lines()
            .filter(|l| l.starts_with("- slug"))
            .count(),
        0
    );
}
db_test!(every_node_type_round_trips);

async fn every_link_type_round_trips(db: TestDb) {
    let app = spawn_app(db, true).await;
    let buddy = app.id_of("intervention", "vw-boost-buddy").await;
    let campaign = app.id_of("intervention", "vw-publiekscampagne").await;
    let halt = app.id_of("partner", "halt").await;
    let goal = app.id_of("goal", "pmg-positieve-alternatieven").await;
    let nip = app.id_of("fundingStream", "nip").await;
    let atolwijk = app.id_of("wijk", "atolwijk").await;
    let vars = |extra: Value| {
        let mut v = json!({ "i": buddy });
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };

    // Goal.
    let data = app
        .data("mutation($i: ID!, $g: ID!) { linkInterventionGoal(interventionId: $i, goalId: $g) { goals { id } } }", vars(json!({ "g": goal })))
        .await;
    assert!(
        data["linkInterventionGoal"]["goals"]
            .as_array()
            .unwrap()
            .contains(&json!({ "id": goal }))
    );
    let again = app
        .data("mutation($i: ID!, $g: ID!) { linkInterventionGoal(interventionId: $i, goalId: $g) { goals { id } } }", vars(json!({ "g": goal })))
        .await;
    assert_eq!(
        again["linkInterventionGoal"], data["linkInterventionGoal"],
        "linking twice changes nothing"
    );
    let data = app
        .data("mutation($i: ID!, $g: ID!) { unlinkInterventionGoal(interventionId: $i, goalId: $g) { goals { id } } }", vars(json!({ "g": goal })))
        .await;
    assert!(
        !data["unlinkInterventionGoal"]["goals"]
            .as_array()
            .unwrap()
            .contains(&json!({ "id": goal }))
    );

    // Partner, with a role that can change.
    let link = "mutation($i: ID!, $p: ID!, $r: PartnerRole!) { linkInterventionPartner(interventionId: $i, partnerId: $p, role: $r) { partners(role: LEAD) { nodes { id } } } }";
    let data = app
        .data(link, vars(json!({ "p": halt, "r": "EXECUTING" })))
        .await;
    assert_eq!(
        data["linkInterventionPartner"]["partners"]["nodes"],
        json!([])
    );
    let data = app
        .data(link, vars(json!({ "p": halt, "r": "LEAD" })))
        .await;
    assert_eq!(
        data["linkInterventionPartner"]["partners"]["nodes"],
        json!([{ "id": halt }])
    );
    let data = app
        .data(r#"{ partner(slug: "halt") { interventions(role: LEAD) { edges { role node { slug } } } } }"#, json!({}))
        .await;
    assert_eq!(
        data["partner"]["interventions"]["edges"],
        json!([{ "role": "LEAD", "node": { "slug": "vw-boost-buddy" } }])
    );
    app.data("mutation($i: ID!, $p: ID!) { unlinkInterventionPartner(interventionId: $i, partnerId: $p) { id } }", vars(json!({ "p": halt })))
        .await;
    let data = app
        .data(r#"{ partner(slug: "halt") { collaborators(filter: { search: "centrada" }) { totalCount } } }"#, json!({}))
        .await;
    assert_eq!(
        data["partner"]["collaborators"]["totalCount"], 0,
        "Halt no longer shares an intervention with Centrada"
    );

    // Funding, with amount and note.
    let data = app
        .data(
            "mutation($i: ID!, $f: ID!) { linkInterventionFunding(interventionId: $i, fundingStreamId: $f, amountEur: 5000, note: \"pilot\") { funding { amountEur note fundingStream { slug } } } }",
            vars(json!({ "f": nip })),
        )
        .await;
    assert!(
        data["linkInterventionFunding"]["funding"]
            .as_array()
            .unwrap()
            .contains(
                &json!({ "amountEur": 5000, "note": "pilot", "fundingStream": { "slug": "nip" } })
            )
    );
    let data = app
        .data(r#"{ fundingStream(slug: "nip") { interventions(filter: { search: "buddy" }) { edges { amountEur note node { slug } } } } }"#, json!({}))
        .await;
    assert_eq!(
        data["fundingStream"]["interventions"]["edges"],
        json!([{ "amountEur": 5000, "note": "pilot", "node": { "slug": "vw-boost-buddy" } }])
    );
    app.data("mutation($i: ID!, $f: ID!) { unlinkInterventionFunding(interventionId: $i, fundingStreamId: $f) { id } }", vars(json!({ "f": nip })))
        .await;

    // Wijk.
    let data = app
        .data("mutation($i: ID!, $w: ID!) { linkInterventionWijk(interventionId: $i, wijkId: $w) { wijken { slug } } }", vars(json!({ "w": atolwijk })))
        .await;
    assert_eq!(
        data["linkInterventionWijk"]["wijken"],
        json!([{ "slug": "atolwijk" }])
    );
    let data = app.data(r#"{ wijk(slug: "atolwijk") { interventions(filter: { search: "buddy" }) { totalCount } } }"#, json!({})).await;
    assert_eq!(data["wijk"]["interventions"]["totalCount"], 1);
    app.data("mutation($i: ID!, $w: ID!) { unlinkInterventionWijk(interventionId: $i, wijkId: $w) { id } }", vars(json!({ "w": atolwijk })))
        .await;

    // Intervention to intervention, seen from both ends.
    app.data(
        "mutation($i: ID!, $t: ID!) { linkInterventions(fromId: $i, toId: $t, kind: SAME_AS, note: \"zelfde\") { id } }",
        vars(json!({ "t": campaign })),
    )
    .await;
    let data = app
        .data(r#"{ intervention(slug: "vw-publiekscampagne") { related { kind direction note intervention { slug } } } }"#, json!({}))
        .await;
    assert!(data["intervention"]["related"]
        .as_array()
        .unwrap()
        .contains(&json!({ "kind": "SAME_AS", "direction": "INCOMING", "note": "zelfde", "intervention": { "slug": "vw-boost-buddy" } })));
    app.data(
        "mutation($i: ID!, $t: ID!) { unlinkInterventions(fromId: $i, toId: $t) { id } }",
        vars(json!({ "t": campaign })),
    )
    .await;

    // Line funding.
    let line = app.id_of("line", "preventie-met-gezag").await;
    let data = app
        .data("mutation($l: ID!, $f: ID!) { linkLineFunding(lineId: $l, fundingStreamId: $f) { fundingStreams { slug } } }", json!({ "l": line, "f": nip }))
        .await;
    assert!(
        data["linkLineFunding"]["fundingStreams"]
            .as_array()
            .unwrap()
            .contains(&json!({ "slug": "nip" }))
    );
    let data = app
        .data("mutation($l: ID!, $f: ID!) { unlinkLineFunding(lineId: $l, fundingStreamId: $f) { fundingStreams { slug } } }", json!({ "l": line, "f": nip }))
        .await;
    assert!(
        !data["unlinkLineFunding"]["fundingStreams"]
            .as_array()
            .unwrap()
            .contains(&json!({ "slug": "nip" }))
    );

    // Unlinking what is not linked is an error, and deleting a partner removes its links.
    let code = app
        .error_code("mutation($i: ID!, $w: ID!) { unlinkInterventionWijk(interventionId: $i, wijkId: $w) { id } }", vars(json!({ "w": atolwijk })))
        .await;
    assert_eq!(code, "NOT_FOUND");
    app.data(
        "mutation($p: ID!) { deletePartner(id: $p) { id } }",
        json!({ "p": halt }),
    )
    .await;
    let data = app
        .data(
            r#"{ intervention(slug: "pmg-kapot-sterk") { partners(first: 500) { nodes { slug } } } }"#,
            json!({}),
        )
        .await;
    assert!(!data.to_string().contains("\"halt\""));
}
db_test!(every_link_type_round_trips);

async fn goals_move_in_one_step(db: TestDb) {
    let app = spawn_app(db, true).await;
    let goal = app.id_of("goal", "pmg-grenzen-stellen").await;
    let other_parent = app.id_of("goal", "pmg-subdoel-1").await;
    let line = app.id_of("line", "veilige-wijken").await;
    let moved = app
        .data(
            "mutation($g: ID!, $p: ID!) { updateGoal(id: $g, input: { parentId: $p }) { parent { slug } line { slug } } }",
            json!({ "g": goal, "p": other_parent }),
        )
        .await;
    assert_eq!(
        moved["updateGoal"],
        json!({ "parent": { "slug": "pmg-subdoel-1" }, "line": { "slug": "preventie-met-gezag" } })
    );
    let moved = app
        .data(
            "mutation($g: ID!, $l: ID!) { updateGoal(id: $g, input: { lineId: $l }) { parent { slug } line { slug } } }",
            json!({ "g": goal, "l": line }),
        )
        .await;
    assert_eq!(
        moved["updateGoal"],
        json!({ "parent": null, "line": { "slug": "veilige-wijken" } })
    );
    // Its interventions now count for the other line.
    let data = app
        .data(r#"{ line(slug: "veilige-wijken") { interventions(filter: { search: "jeugdboa" }) { totalCount } } }"#, json!({}))
        .await;
    assert_eq!(data["line"]["interventions"]["totalCount"], 1);
}
db_test!(goals_move_in_one_step);
