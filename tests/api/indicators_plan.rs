//! The indicators of the bundled Lelystad Oost data (issue 14, "From the plan, faithfully"),
//! counted against the plan *Samen voor Lelystad Oost – Uitvoeringsplan 2025* block by block,
//! with a sample of values, units and periods checked against the document's words.
//!
//! The rule the data follows (data/README.md): each number in a block's "Aantal / streven" is
//! an indicator with that target (a line naming several numbers gives several), "Ntb" is an
//! indicator without a target value; each "Monitoring" item is an indicator without targets
//! ("ntb" and "Geen" included); the period is the block's looptijd. Outside the blocks: the
//! numeric targets of Jongeren met Perspectief, the wijkaanpak and the Lerend Netwerk, and the
//! six area-wide "Indicatoren te monitoren" of *Sturing en monitoring* (on the ambition).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::helpers::{TestDb, db_test, spawn_app};

/// Indicators per intervention slug (`None`: the area-wide ones, on a goal), as the plan has
/// them. Each entry quotes the bullets it counts.
const PER_INTERVENTION: &[(Option<&str>, usize)] = &[
    // Renoveren en verduurzamen particuliere woningen. Aantal / streven: "750 particuliere
    // woningen", "220 VVE", "2000 corporatiewoningen". Monitoring: "Aantal verduurzaamde en
    // verbeterde particuliere woningen", "Aantal planmatig onderhouden en verduurzaamde
    // corporatiewoningen".
    (Some("wo-renoveren-verduurzamen"), 3 + 2),
    // Tuinen en erfafscheidingen. Aantal / streven: "Alle tuinen bij particuliere woningen die
    // zijn gerenoveerd / verduurzaamd hebben een opgeruimde tuin ...", "90% van de tuinen van
    // corporatiewoningen is vrij van opslag ...". Monitoring: "Geen".
    (Some("wo-tuinen-erfafscheidingen"), 2 + 1),
    // Inpanden particuliere woningen door Centrada. "Circa 40"; Monitoring: "Aantal ingeponde
    // en verbeterde woningen".
    (Some("wo-inpanden"), 1 + 1),
    // Verbeteren van het binnenklimaat. "750 particuliere woningen", "220 VVE", "2000
    // corporatiewoningen"; Monitoring: "Aantal verbeterde woningen".
    (Some("wo-binnenklimaat"), 3 + 1),
    // Door sloop-nieuwbouw toevoegen van diversiteit. "25 sloop, 100 nieuwbouw", "Nieuw: min.
    // 25 sociale huur, 75 in (hogere) sociale huur en / of middenhuur." (four numbers);
    // Monitoring: "Aantal geherstructureerde woningen", "Aantal nieuw toegevoegde woningen",
    // "Aantal toegevoegde gelijkvloerse woningen", "% koop, % dure huur, % middenhuur, %
    // sociale huur" (four percentages).
    (Some("wo-sloop-nieuwbouw"), 4 + 3 + 4),
    // Door nieuwbouw / inbreiding. "Volgens Woningbouwprogrammering", "Koop-huur" (no number);
    // Monitoring: "Aantal nieuw toegevoegde woningen", "Prestatieafspraken Centrada-gemeente",
    // "Aantal toegevoegde gelijkvloerse woningen", "% koop, % dure huur, % middenhuur, %
    // sociale huur".
    (Some("wo-nieuwbouw-inbreiding"), 3 + 4),
    // Bevorderen doorstroom. No number; Monitoring: "Prestatieafspraken Centrada-Gemeente".
    (Some("wo-bevorderen-doorstroom"), 1),
    // Concentratie bewoners met een kwetsbaarheid verminderen. "Ntb meetmethode ..."; Monitoring:
    // "Ntb naar aanleiding van meetmethode bepalen (zie ook aantal/ streven)".
    (Some("wo-concentratie-kwetsbaarheid"), 1 + 1),
    // Het upgraden van maatschappelijke voorzieningen. "Toevoegen 2 tot 3 maatschappelijke
    // voorzieningen", "2/3 buurtpleinen creëren"; Monitoring: "ntb".
    (Some("wo-maatschappelijke-voorzieningen"), 2 + 1),
    // Klimaatadaptieve en natuur-inclusieve maatregelen. "Ntb naar aanleiding van projectplan"
    // (the other bullet, an advice at the end of VHF 1, names no number); Monitoring: "ntb".
    (Some("wo-klimaatadaptief-natuurinclusief"), 1 + 1),
    // Openbare ruimte die uitnodigt. "Minimaal 3 pilotgebieden"; Monitoring: "ntb".
    (Some("wo-uitnodigende-openbare-ruimte"), 1 + 1),
    // Het versterken van de arbeidsmarktpositie. "5 positief afgeronde scholingstrajecten", "40
    // werkervaringsbanen", "5 trainingen taal- en digivaardigheden"; three "Aantal ..." items.
    (Some("wi-arbeidsmarktpositie"), 3 + 3),
    // Leerwerkplekken creëren. "10 specifiek gecreëerde leerwerkplekken bij maatschappelijke
    // partners"; Monitoring: "Aantal specifiek gecreëerde leerwerkplekken ...".
    (Some("wi-leerwerkplekken"), 1 + 1),
    // Meer mensen naar passend werk begeleiden. "50" / "individuele trajectplannen" (one target
    // over two bullets); Monitoring: "Aantal ondertekende individuele trajectplannen", "Aantal
    // gesprekken wijkpunt", "Aantal wijkpunten in de wijk".
    (Some("wi-passend-werk-begeleiden"), 1 + 3),
    // Bereiken van bijstandsgerechtigden. "4 (In elke wijk 1) fysieke punten van het
    // werkbedrijf"; Monitoring: "Aantal wijkpunten in Lelystad Oost".
    (Some("wi-wijkspreekuren"), 1 + 1),
    // Dienstverlening uitbreiden met maatschappelijke banen. "3 ingezette maatschappelijke
    // banen"; Monitoring: "Aantal ingezette maatschappelijke banen", "Aantal cliënten dat vanuit
    // een maatschappelijke baan is doorgestroomd naar een regulier betaalde baan."
    (Some("wi-maatschappelijke-banen"), 1 + 2),
    // Inzet van werkervarings- en stageplekken. "40 werkervarings- en stageplekken";
    // Monitoring: "Aantal ingezette werkervarings- en stageplekken."
    (Some("wi-werkervarings-stageplekken"), 1 + 1),
    // Meer lokaal werk creëren. "10 betaalde banen bij werkgevers in Lelystad Oost";
    // Monitoring: "Aantal betaalde banen bij werkgevers in Lelystad Oost".
    (Some("wi-lokaal-werk"), 1 + 1),
    // Bereiken van meer inwoners (schuldhulpketen). Four deliverables without a number ("Een
    // extra avondspreekuur ...", "Het opzetten van een chat-functie", ...); eight Monitoring
    // items, from "Aantal bezoekers en hulpvragen in de avonduren ..." to "Communicatieplan voor
    // social media, bruikbaar voor toekomstige inzet".
    (Some("as-bereik-schuldhulpketen"), 8),
    // Meer en bredere ondersteuning. Four deliverables without a number; seven Monitoring items,
    // from "Aantal nieuw geworven vrijwilligers" to "Aantal deelnemers aan de
    // Vrijwilligersacademie".
    (Some("as-ondersteuning-regelingen"), 7),
    // Jongerenperspectief Fonds. "Het bieden van de 3-jarige JPF-begeleidingstrajecten aan 24
    // jongeren uit Lelystad-Oost."; Monitoring: "Aantal jongeren in traject (succesvol)
    // geholpen".
    (Some("as-jongerenperspectief-fonds"), 1 + 1),
    // Wijkprogrammering and Buurthub. No number; Monitoring: "Kwalitatief onderzoek".
    (Some("sp-wijkprogrammering"), 1),
    (Some("sp-buurthub"), 1),
    // Lerend netwerk. "25 casussen behandeld en beschreven ..."; Monitoring: "Aantal behandelde
    // casussen".
    (Some("sp-lerend-netwerk"), 1 + 1),
    // 1 sociaaldomein. "1 regiochannel Samen Lelystad"; Monitoring: "ntb".
    (Some("sp-1-sociaaldomein"), 1 + 1),
    // Opstellen wijkambities. "4 wijkanalyses (1 per wijk) ...", "4 wijkambities (1 per wijk)
    // ..."; Monitoring: "ntb".
    (Some("ip-wijkambities"), 2 + 1),
    // Opstellen wijkaanpak. "4 Wijkaanpakken"; Monitoring: "ntb".
    (Some("ip-wijkaanpak"), 1 + 1),
    // Kinderbuurtwerker: "Inrichten en begeleiden Kinderwijken (elke wijk 1 KWR)".
    (Some("kbw-kinderwijken"), 1),
    // "In 2025 is 10% van de pedagogisch medewerkers en leerkrachten die met jonge kinderen
    // werken opgeleid in het herkennen en signaleren van ontwikkelingsbedreigingen".
    (Some("jk-opleiden-professionals"), 1),
    // "In totaal wordt 16 fte aan onderwijsassistenten of pedagogisch medewerkers ingezet over
    // de 16 scholen in Lelystad Oost".
    (Some("jk-onderwijsassistenten-groep-1-2"), 1),
    // "Daarom streven wij in 2025 naar gezamenlijke, gedragen wijkaanpakken voor alle 4 wijken
    // in Lelystad Oost."
    (Some("wijkaanpak-2025"), 1),
    // "Proeftuinactiviteiten: Het kernteam behandelt minimaal 10 casussen in 2025, ..."
    (Some("lerend-netwerk-proeftuin"), 1),
    // Sturing en monitoring: "Indicatoren te monitoren zijn: Buurtbeleving / openbare ruimte;
    // Veiligheid en leefbaarheid van de wijk; Tevredenheid aangeboden activiteiten; Tevredenheid
    // onderwijsondersteuning; Behoeftes ondersteuning en activiteiten; Representatie en behoefte
    // in communicatie" (area-wide, on the ambition, not on an intervention).
    (None, 6),
];

/// Every indicator of Lelystad Oost, with the fields the issue fixes.
async fn indicators(app: &crate::helpers::TestApp, fields: &str) -> (u64, Vec<Value>) {
    let data = app
        .data(
            &format!(
                r#"{{ indicators(filter: {{ area: "lelystad-oost" }}, first: 200) {{
                    totalCount nodes {{ {fields} }}
                }} }}"#
            ),
            json!({}),
        )
        .await;
    let total = data["indicators"]["totalCount"]
        .as_u64()
        .unwrap_or_else(|| panic!("no totalCount in {data:#}"));
    let nodes = data["indicators"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("no nodes in {data:#}"))
        .clone();
    (total, nodes)
}

fn intervention_of(node: &Value) -> Option<&str> {
    node["intervention"]["slug"].as_str()
}

/// The indicators of one intervention.
fn of<'a>(nodes: &'a [Value], intervention: &str) -> Vec<&'a Value> {
    nodes
        .iter()
        .filter(|n| intervention_of(n) == Some(intervention))
        .collect()
}

/// The one indicator of an intervention whose `field` is `value`.
fn one<'a>(nodes: &'a [Value], intervention: &str, field: &str, value: &str) -> &'a Value {
    let found: Vec<&Value> = of(nodes, intervention)
        .into_iter()
        .filter(|n| n[field] == value)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{intervention}: one indicator with {field} {value:?}, found {found:#?}"
    );
    found[0]
}

/// The one indicator of an intervention with this name.
fn named<'a>(nodes: &'a [Value], intervention: &str, name: &str) -> &'a Value {
    one(nodes, intervention, "name", name)
}

/// The one indicator of an intervention with this unit.
fn with_unit<'a>(nodes: &'a [Value], intervention: &str, unit: &str) -> &'a Value {
    one(nodes, intervention, "unit", unit)
}

fn target(node: &Value) -> Option<f64> {
    node["target"].as_f64()
}

async fn indicators_are_counted_against_the_plan(db: TestDb) {
    let app = spawn_app(db, true).await;
    let (total, nodes) = indicators(&app, "name unit target intervention { slug }").await;

    let expected_total: usize = PER_INTERVENTION.iter().map(|(_, n)| n).sum();
    assert_eq!(
        expected_total, 102,
        "the table above adds up to the plan's 102"
    );
    assert_eq!(total, 102);
    assert_eq!(nodes.len(), 102);

    let mut counted: BTreeMap<Option<String>, usize> = BTreeMap::new();
    for node in &nodes {
        *counted
            .entry(intervention_of(node).map(str::to_owned))
            .or_default() += 1;
    }
    let expected: BTreeMap<Option<String>, usize> = PER_INTERVENTION
        .iter()
        .map(|(slug, n)| (slug.map(str::to_owned), *n))
        .collect();
    assert_eq!(counted, expected);

    // The numbers of "Aantal / streven" (and of the other parts of the plan) carry a target:
    // 3 + 2 + 1 + 3 + 4 + 2 + 1 (Wonen & Openbare Ruimte), 3 + 1 + 1 + 1 + 1 + 1 + 1 (Werk &
    // Inkomen), 1 (Jongerenperspectief Fonds), 1 + 1 (Samenwerking & Participatie), 2 + 1
    // (Integraliteit programma's), 1 + 1 + 1 + 1 + 1 outside the tables. Monitoring items, "Ntb"
    // and "Geen" carry none.
    let with_target = nodes.iter().filter(|n| target(n).is_some()).count();
    assert_eq!(with_target, 36);

    // Interventions of the plan that name no target and no monitoring item have none:
    // Veilige Wijken lists interventions without "Aantal / streven".
    let data = app
        .data(
            r#"{ interventions(filter: { search: "kapot sterk" }) { nodes { slug } } }"#,
            json!({}),
        )
        .await;
    let kapot = data["interventions"]["nodes"][0]["slug"].as_str().unwrap();
    assert_eq!(kapot, "pmg-kapot-sterk");
    assert!(of(&nodes, kapot).is_empty());
}
db_test!(indicators_are_counted_against_the_plan);

async fn values_and_units_from_the_plan(db: TestDb) {
    let app = spawn_app(db, true).await;
    let (_, nodes) = indicators(&app, "name unit target intervention { slug }").await;

    // Renoveren en verduurzamen, Aantal / streven: "750 particuliere woningen", "220 VVE",
    // "2000 corporatiewoningen": one line of the issue, three indicators.
    let renoveren = "wo-renoveren-verduurzamen";
    assert_eq!(
        target(with_unit(&nodes, renoveren, "particuliere woningen")),
        Some(750.0)
    );
    assert_eq!(target(with_unit(&nodes, renoveren, "VVE")), Some(220.0));
    assert_eq!(
        target(with_unit(&nodes, renoveren, "corporatiewoningen")),
        Some(2000.0)
    );
    // Monitoring: "Aantal verduurzaamde en verbeterde particuliere woningen": no target.
    let monitoring = named(
        &nodes,
        renoveren,
        "Aantal verduurzaamde en verbeterde particuliere woningen",
    );
    assert_eq!(target(monitoring), None);

    // Inpanden particuliere woningen door Centrada: "Circa 40".
    let inpanden = of(&nodes, "wo-inpanden");
    assert!(
        inpanden.iter().any(|n| target(n) == Some(40.0)),
        "Circa 40: {inpanden:#?}"
    );

    // Tuinen: "90% van de tuinen van corporatiewoningen is vrij van opslag ..."; Monitoring:
    // "Geen" (an indicator without a target value).
    let tuinen = "wo-tuinen-erfafscheidingen";
    assert_eq!(
        target(with_unit(&nodes, tuinen, "tuinen van corporatiewoningen")),
        Some(90.0)
    );
    assert_eq!(
        of(&nodes, tuinen)
            .iter()
            .filter(|n| target(n).is_none())
            .count(),
        1
    );

    // Sloop-nieuwbouw: "25 sloop, 100 nieuwbouw" and "Nieuw: min. 25 sociale huur, 75 in
    // (hogere) sociale huur en / of middenhuur."
    let sloop = "wo-sloop-nieuwbouw";
    assert_eq!(target(with_unit(&nodes, sloop, "sloop")), Some(25.0));
    assert_eq!(target(with_unit(&nodes, sloop, "nieuwbouw")), Some(100.0));
    assert_eq!(target(with_unit(&nodes, sloop, "sociale huur")), Some(25.0));
    assert_eq!(
        target(with_unit(
            &nodes,
            sloop,
            "(hogere) sociale huur en / of middenhuur"
        )),
        Some(75.0)
    );

    // Concentratie bewoners met een kwetsbaarheid verminderen: "Ntb meetmethode ..." and
    // Monitoring "Ntb naar aanleiding van meetmethode bepalen": no target value.
    let concentratie = of(&nodes, "wo-concentratie-kwetsbaarheid");
    assert_eq!(concentratie.len(), 2);
    assert!(concentratie.iter().all(|n| target(n).is_none()));

    // "Minimaal 3 pilotgebieden".
    assert_eq!(
        target(with_unit(
            &nodes,
            "wo-uitnodigende-openbare-ruimte",
            "pilotgebieden"
        )),
        Some(3.0)
    );

    // Werk & Inkomen: "40 werkervaringsbanen", and "40 werkervarings- en stageplekken" in
    // another block; "10 betaalde banen bij werkgevers in Lelystad Oost".
    assert_eq!(
        target(with_unit(
            &nodes,
            "wi-arbeidsmarktpositie",
            "werkervaringsbanen"
        )),
        Some(40.0)
    );
    assert_eq!(
        target(with_unit(
            &nodes,
            "wi-werkervarings-stageplekken",
            "werkervarings- en stageplekken"
        )),
        Some(40.0)
    );
    assert_eq!(
        target(with_unit(
            &nodes,
            "wi-lokaal-werk",
            "betaalde banen bij werkgevers in Lelystad Oost"
        )),
        Some(10.0)
    );
    // "Aantal ingezette werkervaringsbanen" is followed, without a target of its own.
    assert_eq!(
        target(named(
            &nodes,
            "wi-arbeidsmarktpositie",
            "Aantal ingezette werkervaringsbanen"
        )),
        None
    );

    // Jongerenperspectief Fonds: "Het bieden van de 3-jarige JPF-begeleidingstrajecten aan 24
    // jongeren uit Lelystad-Oost."
    assert_eq!(
        target(with_unit(
            &nodes,
            "as-jongerenperspectief-fonds",
            "jongeren"
        )),
        Some(24.0)
    );

    // Lerend netwerk: "25 casussen behandeld en beschreven ..."; the proeftuin: "Het kernteam
    // behandelt minimaal 10 casussen in 2025".
    assert_eq!(
        target(with_unit(&nodes, "sp-lerend-netwerk", "casussen")),
        Some(25.0)
    );
    assert_eq!(
        target(with_unit(&nodes, "lerend-netwerk-proeftuin", "casussen")),
        Some(10.0)
    );

    // Integraliteit programma's: "4 wijkanalyses (1 per wijk)", "4 Wijkaanpakken"; Monitoring
    // "ntb".
    assert_eq!(
        target(with_unit(&nodes, "ip-wijkambities", "wijkanalyses")),
        Some(4.0)
    );
    let wijkaanpak = of(&nodes, "ip-wijkaanpak");
    assert_eq!(
        wijkaanpak
            .iter()
            .filter_map(|n| target(n))
            .collect::<Vec<_>>(),
        [4.0]
    );

    // "In 2025 is 10% van de pedagogisch medewerkers en leerkrachten ... opgeleid".
    let opleiden = of(&nodes, "jk-opleiden-professionals");
    assert_eq!(opleiden.len(), 1);
    assert_eq!(target(opleiden[0]), Some(10.0));

    // Sturing en monitoring: "Tevredenheid onderwijsondersteuning" is followed area-wide,
    // without a target.
    let area_wide: Vec<&Value> = nodes
        .iter()
        .filter(|n| n["intervention"].is_null())
        .collect();
    assert!(
        area_wide
            .iter()
            .any(|n| n["name"] == "Tevredenheid onderwijsondersteuning" && target(n).is_none()),
        "{area_wide:#?}"
    );
}
db_test!(values_and_units_from_the_plan);

/// Periods, measures, qualifiers and target notes. The issue fixes `name`, `unit`, `target`
/// and `intervention`; the other field names here follow the data-file keys the way the schema
/// names them elsewhere (`Intervention.startYear`): `startYear`, `endYear`, `measure`,
/// `targetNote`, `targets { value qualifier startYear endYear }`, `goal { slug }`.
async fn periods_and_qualifiers_from_the_plan(db: TestDb) {
    let app = spawn_app(db, true).await;
    let (_, nodes) = indicators(
        &app,
        "name unit target startYear endYear measure targetNote
         targets { value qualifier startYear endYear }
         intervention { slug startYear endYear } goal { slug }",
    )
    .await;
    let lower = |v: &Value| v.as_str().map(str::to_lowercase);

    // Every indicator of a block has the block's looptijd as its period.
    for node in &nodes {
        if let Some(slug) = intervention_of(node) {
            assert_eq!(
                (&node["startYear"], &node["endYear"]),
                (
                    &node["intervention"]["startYear"],
                    &node["intervention"]["endYear"]
                ),
                "{slug}: {node:#}"
            );
        }
    }
    // Looptijd "VHF 1: 2021-2031", "VHF 3: 2024-2034", "NIP 2024-2025" (Renoveren en
    // verduurzamen): 2021 to 2034.
    let renoveren = with_unit(&nodes, "wo-renoveren-verduurzamen", "particuliere woningen");
    assert_eq!(
        (&renoveren["startYear"], &renoveren["endYear"]),
        (&json!(2021), &json!(2034))
    );
    // Looptijd "SPUK 2025-2026" (Meer lokaal werk creëren).
    let lokaal = with_unit(
        &nodes,
        "wi-lokaal-werk",
        "betaalde banen bij werkgevers in Lelystad Oost",
    );
    assert_eq!(
        (&lokaal["startYear"], &lokaal["endYear"]),
        (&json!(2025), &json!(2026))
    );
    // Looptijd "2024-2027" (Jongerenperspectief Fonds).
    let jpf = with_unit(&nodes, "as-jongerenperspectief-fonds", "jongeren");
    assert_eq!(
        (&jpf["startYear"], &jpf["endYear"]),
        (&json!(2024), &json!(2027))
    );
    // Looptijd "VHF 3: 2024-2034" (maatschappelijke voorzieningen), Monitoring "ntb".
    let voorzieningen = of(&nodes, "wo-maatschappelijke-voorzieningen");
    assert!(
        voorzieningen
            .iter()
            .all(|n| n["startYear"] == 2024 && n["endYear"] == 2034)
    );

    // "Circa 40": 40 with "circa" kept.
    let inpanden = with_unit(&nodes, "wo-inpanden", "particuliere woningen");
    assert_eq!(inpanden["targets"][0]["value"].as_f64(), Some(40.0));
    assert_eq!(
        lower(&inpanden["targets"][0]["qualifier"]).as_deref(),
        Some("circa")
    );
    // "Minimaal 3 pilotgebieden".
    let pilot = with_unit(&nodes, "wo-uitnodigende-openbare-ruimte", "pilotgebieden");
    assert_eq!(
        lower(&pilot["targets"][0]["qualifier"]).as_deref(),
        Some("minimaal")
    );
    // "750 particuliere woningen" has no qualifier.
    assert!(renoveren["targets"][0]["qualifier"].is_null());
    // "Het kernteam behandelt minimaal 10 casussen in 2025": the target is for 2025, within
    // the proeftuin's "eind 2024 tot medio 2027".
    let proeftuin = with_unit(&nodes, "lerend-netwerk-proeftuin", "casussen");
    assert_eq!(
        (&proeftuin["startYear"], &proeftuin["endYear"]),
        (&json!(2024), &json!(2027))
    );
    assert_eq!(
        (
            &proeftuin["targets"][0]["startYear"],
            &proeftuin["targets"][0]["endYear"]
        ),
        (&json!(2025), &json!(2025))
    );

    // "Ntb" and "Geen": no target value, marked so.
    let notes = |note: &str| {
        nodes
            .iter()
            .filter(|n| lower(&n["targetNote"]).as_deref() == Some(note))
            .collect::<Vec<_>>()
    };
    let ntb = notes("ntb");
    let none = notes("none");
    // "Ntb" targets (concentratie kwetsbaarheid, klimaatadaptief) and "ntb" Monitoring
    // (concentratie kwetsbaarheid, maatschappelijke voorzieningen, klimaatadaptief, openbare
    // ruimte, 1 sociaaldomein, wijkambities, wijkaanpak).
    assert_eq!(ntb.len(), 2 + 7);
    // Monitoring "Geen" (tuinen en erfafscheidingen).
    assert_eq!(none.len(), 1);
    assert_eq!(intervention_of(none[0]), Some("wo-tuinen-erfafscheidingen"));
    assert!(
        ntb.iter()
            .chain(&none)
            .all(|n| target(n).is_none() && n["targets"].as_array().is_none_or(Vec::is_empty))
    );

    // "% koop, % dure huur, % middenhuur, % sociale huur": four percentages, twice.
    let percentages = nodes
        .iter()
        .filter(|n| lower(&n["measure"]).as_deref() == Some("percentage"))
        .count();
    // ... plus "90% van de tuinen", "Alle tuinen" (100%) and "10% van de pedagogisch
    // medewerkers".
    assert_eq!(percentages, 4 + 4 + 3);
    // "Kwalitatief onderzoek" (Wijkprogrammering) is a qualitative indicator.
    let onderzoek = named(&nodes, "sp-wijkprogrammering", "Kwalitatief onderzoek");
    assert_eq!(lower(&onderzoek["measure"]).as_deref(), Some("qualitative"));

    // The six "Indicatoren te monitoren" of Sturing en monitoring hang on the ambition.
    let area_wide: Vec<&Value> = nodes
        .iter()
        .filter(|n| n["intervention"].is_null())
        .collect();
    assert_eq!(area_wide.len(), 6);
    assert!(area_wide.iter().all(|n| n["goal"]["slug"] == "ambitie"));
}
db_test!(periods_and_qualifiers_from_the_plan);
