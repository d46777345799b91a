//! One request, one transaction (issue 11): the mutation fields of a request commit together
//! or not at all, each sees the fields before it, an intervention is created with its links in
//! one mutation, and link payloads hold both ends.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::errors::state;
use crate::helpers::{GiveUpAfter, TestApp, TestDb, db_test, spawn_app};

const CREATE_PARTNER: &str = "a: createPartner(input: { areaId: $area, slug: \"nieuw\", name: \"Nieuw\", kind: WELFARE }) { id slug version }";

/// The error of an answer at a path, by its first segment.
fn error_at<'a>(body: &'a Value, key: &str) -> &'a Value {
    body["errors"]
        .as_array()
        .and_then(|errors| errors.iter().find(|e| e["path"][0] == key))
        .unwrap_or_else(|| panic!("no error at {key}: {body:#}"))
}

async fn texts(app: &TestApp, sql: &str) -> Vec<String> {
    let conn = app.db.connect().await;
    conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .expect("query")
        .into_iter()
        .map(|row| row.try_get_by_index::<String>(0).expect("a text"))
        .collect()
}

async fn partner_exists(app: &TestApp, slug: &str) -> bool {
    let graph = app
        .data(
            "query($s: String!) { partner(slug: $s) { id } }",
            json!({ "s": slug }),
        )
        .await;
    let stored = app
        .service
        .store()
        .load()
        .await
        .expect("load")
        .partners
        .values()
        .any(|p| p.slug == slug);
    assert_eq!(
        graph["partner"].is_object(),
        stored,
        "the graph and the database disagree on {slug}"
    );
    stored
}

/// Issue 11: `a: createPartner(…) b: updatePartner(bad id)` left `a` applied. Now nothing of the
/// request lands: not in the graph, not in the database, not in the change log; `data` is null,
/// `b` carries its error and `a` is reported rolled back.
async fn a_failing_field_rolls_back_the_whole_request(db: TestDb) {
    let app = spawn_app(db, true).await;
    let area = app.id_of("area", "lelystad-oost").await;
    let halt = app.id_of("partner", "halt").await;
    let before = state(&app).await;

    // A bad id, refused before the field writes anything.
    let body = app
        .graphql(
            &format!(
                "mutation($area: ID!) {{ {CREATE_PARTNER} b: updatePartner(id: \"nope\", input: {{ name: \"X\" }}) {{ id }} }}"
            ),
            json!({ "area": area }),
        )
        .await;
    assert_eq!(body["data"], Value::Null, "{body:#}");
    assert_eq!(error_at(&body, "b")["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(error_at(&body, "a")["extensions"]["code"], "ROLLED_BACK");
    // The rolled-back field's error points at the field in the document.
    let at = &error_at(&body, "a")["locations"][0];
    assert!(
        at["line"] == 1 && at["column"].as_u64() > Some(1),
        "{body:#}"
    );
    assert!(!partner_exists(&app, "nieuw").await);
    assert!(
        before == state(&app).await,
        "the refused request changed the data"
    );

    // A check that fails inside the batch, after the first field's change was drafted (a stale
    // version), and a third field after it, which does not run.
    let body = app
        .graphql(
            &format!(
                "mutation($area: ID!, $halt: ID!) {{ {CREATE_PARTNER}
                   b: updatePartner(id: $halt, input: {{ name: \"Halt 2\" }}, version: 99) {{ id }}
                   c: createWijk(input: {{ areaId: $area, slug: \"nieuwe-wijk\", name: \"Nieuwe wijk\" }}) {{ id }} }}"
            ),
            json!({ "area": area, "halt": halt }),
        )
        .await;
    assert_eq!(body["data"], Value::Null, "{body:#}");
    assert_eq!(error_at(&body, "b")["extensions"]["code"], "CONFLICT");
    assert_eq!(error_at(&body, "a")["extensions"]["code"], "ROLLED_BACK");
    assert_eq!(error_at(&body, "c")["extensions"]["code"], "ROLLED_BACK");
    assert!(!partner_exists(&app, "nieuw").await);
    assert!(
        before == state(&app).await,
        "the refused request changed the data"
    );
    // The ids a refused request drafted with do not stop the next request.
    let created = app
        .data(
            &format!("mutation($area: ID!) {{ {CREATE_PARTNER} }}"),
            json!({ "area": area }),
        )
        .await;
    assert_eq!(created["a"]["slug"], "nieuw");
    assert_eq!(app.service.snapshot().version, before.0 + 1);
}
db_test!(a_failing_field_rolls_back_the_whole_request);

/// Two fields that succeed land as one change: one version step, one entry in the change log
/// naming both operations, each row audited under its own operation; the answer shows what
/// was committed.
async fn fields_of_one_request_commit_together(db: TestDb) {
    let app = spawn_app(db, true).await;
    let area = app.id_of("area", "lelystad-oost").await;
    let halt = app.id_of("partner", "halt").await;
    let version = app.service.snapshot().version;
    let data = app
        .data(
            &format!(
                "mutation($area: ID!, $halt: ID!) {{ {CREATE_PARTNER}
                   b: updatePartner(id: $halt, input: {{ description: \"één\" }}) {{ version description }} }}"
            ),
            json!({ "area": area, "halt": halt }),
        )
        .await;
    assert_eq!(data["a"]["version"], 1);
    assert_eq!(data["b"]["version"], 2);
    assert_eq!(app.service.snapshot().version, version + 1);
    assert_eq!(app.service.store().head().await.expect("head"), version + 1);
    // The id in the answer is the committed one.
    let node = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Partner { slug version } } }",
            json!({ "id": data["a"]["id"] }),
        )
        .await;
    assert_eq!(node["node"]["slug"], "nieuw");
    let stored = app.service.store().load().await.expect("load");
    assert!(
        stored == app.service.snapshot().data,
        "graph and database disagree"
    );
    let logged = texts(
        &app,
        &format!(
            "SELECT operation FROM change WHERE version = {}",
            version + 1
        ),
    )
    .await;
    assert_eq!(logged, ["createPartner, updatePartner"]);
    let audited = texts(
        &app,
        "SELECT operation FROM audit_entry WHERE table_name = 'partner' ORDER BY id DESC LIMIT 2",
    )
    .await;
    assert_eq!(audited, ["updatePartner", "createPartner"]);
}
db_test!(fields_of_one_request_commit_together);

/// Each field sees what the fields before it did: an update on the version the one before it
/// made lands, and a second creation of the same slug is refused (and takes the first with it).
async fn each_field_sees_the_fields_before_it(db: TestDb) {
    let app = spawn_app(db, true).await;
    let area = app.id_of("area", "lelystad-oost").await;
    let halt = app.id_of("partner", "halt").await;
    let data = app
        .data(
            "mutation($halt: ID!) {
               a: updatePartner(id: $halt, input: { description: \"a\" }, version: 1) { version }
               b: updatePartner(id: $halt, input: { description: \"b\" }, version: 2) { version description } }",
            json!({ "halt": halt }),
        )
        .await;
    assert_eq!(data["a"]["version"], 2);
    assert_eq!(data["b"]["version"], 3);
    assert_eq!(data["b"]["description"], "b");

    let before = state(&app).await;
    let body = app
        .graphql(
            &format!(
                "mutation($area: ID!) {{ {CREATE_PARTNER}
                   b: createPartner(input: {{ areaId: $area, slug: \"nieuw\", name: \"Nog eens\", kind: WELFARE }}) {{ id }} }}"
            ),
            json!({ "area": area }),
        )
        .await;
    assert_eq!(body["data"], Value::Null, "{body:#}");
    assert_eq!(error_at(&body, "b")["extensions"]["code"], "CONFLICT");
    assert_eq!(error_at(&body, "a")["extensions"]["code"], "ROLLED_BACK");
    assert!(before == state(&app).await);
}
db_test!(each_field_sees_the_fields_before_it);

/// An intervention is created with its partners (and roles), goals, funding and wijken in one
/// mutation; the answer shows them all, memberships derived through the goals included, and
/// the other ends count it. A bad link refuses the whole creation.
async fn an_intervention_is_created_with_its_links(db: TestDb) {
    let app = spawn_app(db, true).await;
    let area = app.id_of("area", "lelystad-oost").await;
    let halt = app.id_of("partner", "halt").await;
    let politie = app.id_of("partner", "politie").await;
    let goal = app.id_of("goal", "pmg-weerbaarheid").await;
    let stream = app.id_of("fundingStream", "spuk-re-integratie").await;
    let wijk = app.id_of("wijk", "atolwijk").await;
    let count = r#"{ partner(slug: "halt") { interventions { totalCount } } }"#;
    let halt_before = app.data(count, json!({})).await["partner"]["interventions"]["totalCount"]
        .as_i64()
        .expect("a count");
    let create = "mutation($input: CreateInterventionInput!) { createIntervention(input: $input) {
        slug version
        partners { edges { role node { slug } } }
        goals { slug } clusters { slug }
        funding { amountEur note fundingStream { slug } }
        wijken { slug } } }";
    let input = |partners: Value| {
        json!({ "input": {
            "areaId": area, "slug": "nieuw-buurtteam", "name": "Nieuw buurtteam",
            "partners": partners,
            "goalIds": [goal],
            "funding": [{ "fundingStreamId": stream, "amountEur": 25000, "note": "proef" }],
            "wijkIds": [wijk],
        } })
    };

    // Refused: a partner given twice, and an id of the wrong kind; nothing is created.
    let before = state(&app).await;
    let twice = app
        .error(
            create,
            input(json!([{ "partnerId": halt }, { "partnerId": halt, "role": "LEAD" }])),
        )
        .await;
    assert_eq!(twice["extensions"]["code"], "BAD_USER_INPUT", "{twice:#}");
    assert_eq!(twice["extensions"]["field"], "partners[1].partnerId");
    let wrong = app
        .error(create, input(json!([{ "partnerId": wijk }])))
        .await;
    assert_eq!(wrong["extensions"]["code"], "BAD_USER_INPUT", "{wrong:#}");
    assert!(before == state(&app).await);

    let data = app
        .data(
            create,
            input(json!([{ "partnerId": halt }, { "partnerId": politie, "role": "LEAD" }])),
        )
        .await;
    let created = &data["createIntervention"];
    assert_eq!(created["slug"], "nieuw-buurtteam");
    assert_eq!(created["version"], 1);
    let mut partners: Vec<(String, String)> = created["partners"]["edges"]
        .as_array()
        .expect("partners")
        .iter()
        .map(|p| {
            (
                p["node"]["slug"].as_str().unwrap_or_default().to_owned(),
                p["role"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    partners.sort();
    assert_eq!(
        partners,
        [
            ("halt".to_owned(), "EXECUTING".to_owned()),
            ("politie".to_owned(), "LEAD".to_owned())
        ]
    );
    assert_eq!(created["goals"], json!([{ "slug": "pmg-weerbaarheid" }]));
    assert!(
        !created["clusters"].as_array().expect("clusters").is_empty(),
        "the clusters derived through the goal: {created:#}"
    );
    assert_eq!(
        created["funding"],
        json!([{ "amountEur": 25000, "note": "proef", "fundingStream": { "slug": "spuk-re-integratie" } }])
    );
    assert_eq!(created["wijken"], json!([{ "slug": "atolwijk" }]));
    // One write, and the graph agrees with the database and with a fresh read.
    assert_eq!(app.service.snapshot().version, before.0 + 1);
    assert!(app.service.store().load().await.expect("load") == app.service.snapshot().data);
    let again = app
        .data(
            r#"{ intervention(slug: "nieuw-buurtteam") { clusters { slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(again["intervention"]["clusters"], created["clusters"]);
    let halt_after = app.data(count, json!({})).await["partner"]["interventions"]["totalCount"]
        .as_i64()
        .expect("a count");
    assert_eq!(halt_after, halt_before + 1);
}
db_test!(an_intervention_is_created_with_its_links);

/// Link and unlink payloads hold both ends as they are after the change, so a cache can update
/// both lists' counts; and the link itself (its role, amount, kind) or that it is gone.
async fn link_payloads_hold_both_ends(db: TestDb) {
    let app = spawn_app(db, true).await;
    let intervention = app.id_of("intervention", "vw-publiekscampagne").await;
    let other = app
        .id_of("intervention", "vw-communicatie-zichtbaarheid")
        .await;
    let halt = app.id_of("partner", "halt").await;
    let stream = app.id_of("fundingStream", "spuk-re-integratie").await;
    let line = app.id_of("line", "preventie-met-gezag").await;
    let vars = json!({ "i": intervention, "o": other, "p": halt, "f": stream, "l": line });
    let counts = app
        .data(
            r#"{ partner(slug: "halt") { interventions { totalCount } }
                 intervention(slug: "vw-publiekscampagne") { partners { totalCount } } }"#,
            json!({}),
        )
        .await;
    let halt_count = counts["partner"]["interventions"]["totalCount"]
        .as_i64()
        .expect("a count");
    let on_it = counts["intervention"]["partners"]["totalCount"]
        .as_u64()
        .expect("a count");

    let linked = app
        .data(
            "mutation($i: ID!, $p: ID!) { linkPartnerToIntervention(interventionId: $i, partnerId: $p, role: PENVOERDER) {
                linked role
                partner { slug interventions { totalCount } }
                intervention { slug partners { totalCount edges { role node { slug } } } } } }",
            vars.clone(),
        )
        .await["linkPartnerToIntervention"]
        .clone();
    assert_eq!(linked["linked"], true);
    assert_eq!(linked["role"], "PENVOERDER");
    assert_eq!(
        linked["partner"]["interventions"]["totalCount"],
        halt_count + 1
    );
    let partners = &linked["intervention"]["partners"];
    assert_eq!(partners["totalCount"], on_it + 1);
    let edges = partners["edges"].as_array().expect("edges");
    assert_eq!(edges.len() as u64, on_it + 1);
    assert!(edges.contains(&json!({ "role": "PENVOERDER", "node": { "slug": "halt" } })));

    let unlinked = app
        .data(
            "mutation($i: ID!, $p: ID!) { unlinkPartnerFromIntervention(interventionId: $i, partnerId: $p) {
                linked role partner { interventions { totalCount } } intervention { partners { totalCount } } } }",
            vars.clone(),
        )
        .await["unlinkPartnerFromIntervention"]
        .clone();
    assert_eq!(unlinked["linked"], false);
    assert_eq!(unlinked["role"], Value::Null);
    assert_eq!(
        unlinked["partner"]["interventions"]["totalCount"],
        halt_count
    );
    assert_eq!(unlinked["intervention"]["partners"]["totalCount"], on_it);

    // The other kinds, in one request: each payload answers with both ends and the link.
    let data = app
        .data(
            "mutation($i: ID!, $o: ID!, $f: ID!, $l: ID!) {
               funding: linkFundingStreamToIntervention(interventionId: $i, fundingStreamId: $f, amountEur: 500, note: \"n\") {
                 linked amountEur note fundingStream { slug } intervention { funding { fundingStream { slug } } } }
               relation: linkInterventionToIntervention(fromId: $i, toId: $o, kind: SAME_AS) {
                 linked kind from { slug } to { related { direction intervention { slug } } } }
               line: linkFundingStreamToLine(lineId: $l, fundingStreamId: $f) {
                 linked line { slug } fundingStream { slug } }
               gone: unlinkInterventionFromIntervention(fromId: $i, toId: $o) { linked kind from { related { kind } } } }",
            vars,
        )
        .await;
    assert_eq!(data["funding"]["linked"], true);
    assert_eq!(data["funding"]["amountEur"], 500);
    assert_eq!(data["funding"]["note"], "n");
    assert!(
        data["funding"]["intervention"]["funding"]
            .as_array()
            .expect("list")
            .contains(&json!({ "fundingStream": { "slug": "spuk-re-integratie" } }))
    );
    assert_eq!(data["relation"]["linked"], true);
    assert_eq!(data["relation"]["kind"], "SAME_AS");
    assert!(
        data["relation"]["to"]["related"]
            .as_array()
            .expect("list")
            .contains(&json!({ "direction": "INCOMING", "intervention": { "slug": "vw-publiekscampagne" } }))
    );
    assert_eq!(data["line"]["linked"], true);
    // The last field sees the relation the second made, and removes it.
    assert_eq!(data["gone"]["linked"], false);
    assert_eq!(data["gone"]["kind"], Value::Null);
}
db_test!(link_payloads_hold_both_ends);

/// The token mutations write outside the graph's transaction, so they stand alone.
async fn token_mutations_stand_alone(db: TestDb) {
    let app = spawn_app(db, true).await;
    let area = app.id_of("area", "lelystad-oost").await;
    let before = state(&app).await;
    let error = app
        .error(
            &format!(
                "mutation($area: ID!) {{ t: createApiToken(name: \"mixed\", role: VIEWER) {{ token }} {CREATE_PARTNER} }}"
            ),
            json!({ "area": area }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error:#}");
    assert!(before == state(&app).await);
    let tokens = app.service.store().list_tokens().await.expect("tokens");
    assert!(tokens.iter().all(|t| t.name != "mixed"));
}
db_test!(token_mutations_stand_alone);

/// A batch of two writes given up at every one of its await points (before, during and after
/// its commit) leaves the database and the graph agreeing: both writes or neither.
async fn a_batch_given_up_anywhere_lands_whole_or_not_at_all(db: TestDb) {
    use samenhang::domain::{Row, Table};
    let app = spawn_app(db, true).await;
    let snapshot = app.service.snapshot();
    let area = snapshot.area_by_slug("lelystad-oost").expect("the area");
    let halt = snapshot
        .by_slug(Table::Partner, area, "halt")
        .expect("Halt");
    let author = samenhang::store::Author::new("test", "giveUp");
    let mut polls = 1;
    loop {
        let name = format!("Halt {polls}");
        let wijk = format!("wijk-{polls}");
        let service = app.service.clone();
        let author = author.clone();
        let batch = async move {
            let batch = service.request_batch();
            batch
                .write(&author, |d| {
                    let row = Row::Wijk(samenhang::domain::Wijk {
                        id: 0,
                        area_id: area,
                        slug: wijk.clone(),
                        name: wijk,
                        description: None,
                        municipality: None,
                        cbs_code: None,
                        aliases: Vec::new(),
                    });
                    d.create(row)
                })
                .await?;
            batch
                .write(&author, move |d| {
                    let mut row = d.current_row(Table::Partner, halt)?;
                    if let Row::Partner(p) = &mut row {
                        p.name = name;
                    }
                    d.update(row)
                })
                .await?;
            batch.commit().await
        };
        let completed = GiveUpAfter {
            future: Box::pin(batch),
            polls,
        }
        .await;
        // Whatever was started runs to its end; then the graph and the database agree, and
        // hold both writes or neither.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let stored = app.service.store().load().await.expect("load");
            let head = app.service.store().head().await.expect("head");
            let snapshot = app.service.snapshot();
            if snapshot.version == head && stored == snapshot.data {
                let renamed = stored
                    .partners
                    .get(&halt)
                    .is_some_and(|p| p.name == format!("Halt {polls}"));
                let created = stored
                    .wijken
                    .values()
                    .any(|w| w.slug == format!("wijk-{polls}"));
                assert_eq!(renamed, created, "half a batch landed at poll {polls}");
                break;
            }
            assert!(
                Instant::now() < deadline,
                "after giving up at poll {polls}, the graph (version {}) and the database (head {head}) disagree",
                snapshot.version
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if let Some(done) = completed {
            assert!(done.expect("the batch commits").is_some());
            break;
        }
        polls += 1;
        assert!(polls < 10_000, "the batch never completed");
    }
}
db_test!(a_batch_given_up_anywhere_lands_whole_or_not_at_all);
