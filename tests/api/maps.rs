//! Network maps: every view in every format over HTTP (status, content type, file name, the
//! same nodes and edges as GraphQL), the GraphQL `networkMap`, filters, layout determinism,
//! bad requests, and names that need escaping in every format. The programs that read the
//! formats (xmllint, networkx, Graphviz, cytoscape) check them in `tests/formats/`.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, db_test, spawn_app};

/// Every format: extension, content type.
const FORMATS: [(&str, &str); 8] = [
    ("svg", "image/svg+xml"),
    ("gexf", "application/gexf+xml; charset=utf-8"),
    ("graphml", "application/graphml+xml; charset=utf-8"),
    ("cyjs", "application/json"),
    ("dot", "text/vnd.graphviz; charset=utf-8"),
    ("nodes.csv", "text/csv; charset=utf-8"),
    ("edges.csv", "text/csv; charset=utf-8"),
    ("kumu.json", "application/json"),
];

const MAP_QUERY: &str = "query($view: MapView!, $filter: MapFilter, $format: MapFormat) {
    networkMap(view: $view, filter: $filter, format: $format) {
        title fileName mediaType document sampledSources
        nodes { id key label type kind clusters mainCluster degree weightedDegree betweenness
                pagerank community colorGroup x y center color
                clusterShares { slug name interventions color } }
        edges { source target weight label interventions }
    }
}";

/// A downloaded map file.
pub(crate) struct Download {
    pub status: u16,
    pub content_type: String,
    pub disposition: String,
    pub body: String,
}

pub(crate) async fn download(app: &TestApp, path: &str) -> Download {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("request sent");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    Download {
        status: response.status().as_u16(),
        content_type,
        disposition,
        body: response.text().await.expect("body"),
    }
}

async fn network_map(app: &TestApp, view: &str, filter: Value, format: Value) -> Value {
    let data = app
        .data(
            MAP_QUERY,
            json!({ "view": view, "filter": filter, "format": format }),
        )
        .await;
    data["networkMap"].clone()
}

/// Reads CSV (RFC 4180: quoted fields, doubled quotes, commas and newlines inside quotes).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quote in CSV");
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// The values of an XML attribute or element across a document, unescaped.
fn xml_values(doc: &str, open: &str, close: char) -> Vec<String> {
    doc.split(open)
        .skip(1)
        .filter_map(|rest| rest.split(close).next())
        .map(|v| {
            v.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&")
        })
        .collect()
}

fn count(list: &Value) -> usize {
    list.as_array().map_or(0, Vec::len)
}

/// Checks that a file in a format holds the given nodes and edges.
fn assert_holds(format: &str, body: &str, nodes: &Value, edges: &Value) {
    let (n, m) = (count(nodes), count(edges));
    let keys: BTreeSet<&str> = nodes
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["key"].as_str())
        .collect();
    match format {
        "gexf" => {
            assert!(body.contains(
                r#"<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">"#
            ));
            assert_eq!(body.matches("<node id=").count(), n);
            assert_eq!(body.matches("<edge id=").count(), m);
            for viz in ["position", "color", "size", "shape"] {
                assert_eq!(body.matches(&format!("<viz:{viz} ")).count(), n, "{viz}");
            }
        }
        "graphml" => {
            assert!(body.contains(r#"<key id="weight" for="edge""#));
            assert_eq!(body.matches("<node id=").count(), n);
            assert_eq!(body.matches("<edge id=").count(), m);
        }
        "cyjs" => {
            let doc: Value = serde_json::from_str(body).expect("Cytoscape JSON parses");
            let cy_nodes = doc["elements"]["nodes"].as_array().expect("nodes");
            let cy_edges = doc["elements"]["edges"].as_array().expect("edges");
            assert_eq!((cy_nodes.len(), cy_edges.len()), (n, m));
            assert!(cy_nodes.iter().all(|v| v["position"]["x"].is_number()));
            let ids: BTreeSet<&str> = cy_nodes
                .iter()
                .filter_map(|v| v["data"]["id"].as_str())
                .collect();
            assert_eq!(ids, keys);
            for e in cy_edges {
                for end in ["source", "target"] {
                    assert!(ids.contains(e["data"][end].as_str().unwrap_or("")), "{e}");
                }
            }
        }
        "dot" => {
            assert!(body.starts_with("graph "));
            // An edge line joins two quoted ids; a name may hold " -- " itself.
            assert_eq!(body.matches("\" -- \"").count(), m);
            assert_eq!(body.matches(" [label=").count(), n);
        }
        "nodes.csv" => {
            let rows = parse_csv(body);
            assert_eq!(rows[0][..5], ["ID", "Label", "Type", "Description", "Tags"]);
            assert_eq!(rows.len() - 1, n);
            assert!(rows.iter().all(|r| r.len() == rows[0].len()));
            let ids: BTreeSet<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
            assert_eq!(ids, keys);
        }
        "edges.csv" => {
            let rows = parse_csv(body);
            assert_eq!(
                rows[0],
                ["From", "To", "Type", "Direction", "Weight", "Interventions"]
            );
            assert_eq!(rows.len() - 1, m);
            let total: f64 = rows[1..].iter().map(|r| r[4].parse::<f64>().unwrap()).sum();
            let expected: f64 = edges
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| e["weight"].as_f64().unwrap())
                .sum();
            assert_eq!(total, expected);
        }
        "svg" => {
            assert!(body.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
            assert_eq!(body.matches(r#"<g class="node"#).count(), n);
            assert!(body.trim_end().ends_with("</svg>"));
        }
        "kumu.json" => {
            let doc: Value = serde_json::from_str(body).expect("Kumu JSON parses");
            let elements = doc["elements"].as_array().expect("elements");
            let connections = doc["connections"].as_array().expect("connections");
            assert_eq!((elements.len(), connections.len()), (n, m));
            let ids: BTreeSet<&str> = elements.iter().filter_map(|e| e["id"].as_str()).collect();
            assert_eq!(ids, keys);
            assert!(
                elements.iter().all(|e| e["label"].is_string()
                    && e["type"].is_string()
                    && e["tags"].is_array())
            );
            for c in connections {
                for end in ["from", "to"] {
                    assert!(ids.contains(c[end].as_str().unwrap_or("")), "{c}");
                }
            }
        }
        other => panic!("unknown format {other}"),
    }
}

db_test!(every_view_in_every_format);
async fn every_view_in_every_format(db: TestDb) {
    let app = spawn_app(db, true).await;
    // The collaboration map has the partners and links of the analytics field.
    let network = app
        .data(
            "{ collaborationNetwork { nodes { partner { slug } } edges { weight } } }",
            json!({}),
        )
        .await;
    for (view, query, file) in [
        ("COLLABORATION", "", "lelystad-oost-collaboration"),
        ("BIPARTITE", "", "lelystad-oost-bipartite"),
        ("FULL", "", "lelystad-oost-full"),
        (
            "EGO",
            "?node=partner:halt&depth=2",
            "lelystad-oost-ego-halt",
        ),
    ] {
        let filter = if view == "EGO" {
            json!({ "node": "partner:halt", "depth": 2 })
        } else {
            json!({})
        };
        let map = network_map(&app, view, filter.clone(), json!("GEXF")).await;
        let (nodes, edges) = (&map["nodes"], &map["edges"]);
        assert!(count(nodes) > 10 && count(edges) > 10, "{view}: {map:#}");
        if view == "COLLABORATION" {
            assert_eq!(
                count(nodes),
                count(&network["collaborationNetwork"]["nodes"])
            );
            assert_eq!(
                count(edges),
                count(&network["collaborationNetwork"]["edges"])
            );
        }
        for (ext, content_type) in FORMATS {
            let path = format!("/maps/{}.{ext}{query}", view.to_lowercase());
            let got = download(&app, &path).await;
            assert_eq!(got.status, 200, "{path}: {}", got.body);
            assert_eq!(got.content_type, content_type, "{path}");
            let disposition = if ext == "svg" { "inline" } else { "attachment" };
            assert_eq!(
                got.disposition,
                format!("{disposition}; filename=\"{file}.{ext}\""),
                "{path}"
            );
            assert_holds(ext, &got.body, nodes, edges);
            if ext == "gexf" {
                // GraphQL serves the very same document.
                assert_eq!(map["document"].as_str(), Some(got.body.as_str()), "{path}");
                assert_eq!(
                    map["fileName"].as_str(),
                    Some(format!("{file}.gexf").as_str())
                );
            }
        }
    }
    app.stop().await;
}

db_test!(filters_layout_and_attributes);
async fn filters_layout_and_attributes(db: TestDb) {
    let app = spawn_app(db, true).await;
    let all = network_map(&app, "COLLABORATION", json!({}), Value::Null).await;
    assert!(all["document"].is_null() && all["fileName"].is_null());

    // A cluster: fewer partners, each working in that cluster.
    let vw = network_map(
        &app,
        "COLLABORATION",
        json!({ "cluster": "veilige-wijken" }),
        Value::Null,
    )
    .await;
    assert!(count(&vw["nodes"]) < count(&all["nodes"]));
    for node in vw["nodes"].as_array().unwrap() {
        let clusters: Vec<&str> = node["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(clusters.contains(&"Veilige Wijken"), "{node}");
    }

    // A minimum weight keeps only heavier links.
    let strong = network_map(
        &app,
        "COLLABORATION",
        json!({ "minWeight": 5 }),
        Value::Null,
    )
    .await;
    assert!(count(&strong["edges"]) < count(&all["edges"]));
    assert!(
        strong["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["weight"].as_f64().unwrap() >= 5.0)
    );

    // An ego map of depth 1: the centre and its direct neighbours, each linked to it.
    let ego = network_map(
        &app,
        "EGO",
        json!({ "node": "partner:halt", "depth": 1 }),
        Value::Null,
    )
    .await;
    let centre = "partner:halt";
    let keys: Vec<&str> = ego["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["key"].as_str())
        .collect();
    assert!(keys.contains(&centre));
    let linked: BTreeSet<&str> = ego["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            let (s, t) = (e["source"].as_str()?, e["target"].as_str()?);
            (s == centre).then_some(t).or((t == centre).then_some(s))
        })
        .collect();
    assert_eq!(linked.len(), keys.len() - 1);

    // The layout: inside the box, the same for the same seed, different for another.
    let positions = |map: &Value| -> Vec<(f64, f64)> {
        map["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| (n["x"].as_f64().unwrap(), n["y"].as_f64().unwrap()))
            .collect()
    };
    let again = network_map(&app, "COLLABORATION", json!({}), Value::Null).await;
    let other = network_map(&app, "COLLABORATION", json!({ "seed": 2 }), Value::Null).await;
    assert_eq!(positions(&all), positions(&again));
    assert_ne!(positions(&all), positions(&other));
    assert!(
        positions(&all)
            .iter()
            .all(|&(x, y)| (0.0..=1000.0).contains(&x) && (0.0..=1000.0).contains(&y))
    );

    // Colour by partner kind: the colour group is the kind.
    let by_kind = network_map(
        &app,
        "COLLABORATION",
        json!({ "color": "KIND" }),
        Value::Null,
    )
    .await;
    let politie = by_kind["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["key"] == "partner:politie")
        .expect("Politie on the map");
    assert_eq!(politie["kind"], "police_justice");
    assert_eq!(politie["colorGroup"], "police justice");

    // Weighted degree is the sum of the weights of a node's links.
    for node in all["nodes"].as_array().unwrap() {
        let key = node["key"].as_str().unwrap();
        let sum: f64 = all["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["source"] == key || e["target"] == key)
            .map(|e| e["weight"].as_f64().unwrap())
            .sum();
        assert_eq!(node["weightedDegree"].as_f64().unwrap(), sum, "{key}");
    }
    app.stop().await;
}

db_test!(bad_map_requests);
async fn bad_map_requests(db: TestDb) {
    let app = spawn_app(db, true).await;
    for (path, status, code) in [
        ("/maps/nope.svg", 404, "NOT_FOUND"),
        ("/maps/collaboration.pdf", 404, "NOT_FOUND"),
        ("/maps/collaboration", 404, "NOT_FOUND"),
        ("/maps/ego.svg", 400, "BAD_USER_INPUT"),
        ("/maps/ego.svg?node=partner:nobody", 404, "NOT_FOUND"),
        (
            "/maps/ego.svg?node=partner:halt&depth=9",
            400,
            "BAD_USER_INPUT",
        ),
        ("/maps/collaboration.svg?cluster=nope", 404, "NOT_FOUND"),
        ("/maps/collaboration.gexf?year=soon", 400, "BAD_USER_INPUT"),
        (
            "/maps/collaboration.gexf?minWeight=-1",
            400,
            "BAD_USER_INPUT",
        ),
        ("/maps/collaboration.gexf?color=pink", 400, "BAD_USER_INPUT"),
    ] {
        let got = download(&app, path).await;
        assert_eq!(got.status, status, "{path}: {}", got.body);
        let body: Value = serde_json::from_str(&got.body).expect("a JSON error");
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{path}");
    }
    let code = app
        .error_code(MAP_QUERY, json!({ "view": "EGO", "filter": {} }))
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    let code = app
        .error_code(
            MAP_QUERY,
            json!({ "view": "COLLABORATION", "filter": { "wijk": "atlantis" } }),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
    // The page exists and links every format.
    let page = download(&app, "/maps").await;
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    for (ext, _) in FORMATS {
        assert!(page.body.contains(ext), "the page offers .{ext}");
    }
    app.stop().await;
}

db_test!(names_survive_every_format);
async fn names_survive_every_format(db: TestDb) {
    let app = spawn_app(db, false).await;
    let file = samenhang::dataset::parse(include_str!("../fixtures/tricky-names.yaml"))
        .expect("the fixture parses");
    crate::helpers::import(&app.service, &file, false)
        .await
        .expect("imports");
    let snapshot = app.service.snapshot();
    let names: Vec<String> = (snapshot.data.partners.values().map(|p| p.name.clone()))
        .chain(snapshot.data.interventions.values().map(|i| i.name.clone()))
        .collect();
    assert!(names.iter().any(|n| n.contains("<b>")) && names.iter().any(|n| n.contains('&')));
    assert!(names.iter().any(|n| n.contains('"')) && names.iter().any(|n| n.contains('é')));
    assert!(names.iter().any(|n| n.starts_with('=')));

    let map = network_map(&app, "BIPARTITE", json!({}), json!("CYJS")).await;
    let labels: BTreeSet<String> = map["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["label"].as_str().map(str::to_owned))
        .collect();
    for name in &names {
        assert!(labels.contains(name), "GraphQL label {name}");
    }
    for (ext, _) in FORMATS {
        let got = download(&app, &format!("/maps/bipartite.{ext}")).await;
        assert_eq!(got.status, 200, "{ext}: {}", got.body);
        assert_holds(ext, &got.body, &map["nodes"], &map["edges"]);
        let found: BTreeSet<String> = match ext {
            "gexf" => xml_values(&got.body, "\" label=\"", '"')
                .into_iter()
                .collect(),
            "graphml" => xml_values(&got.body, "<data key=\"label\">", '<')
                .into_iter()
                .collect(),
            // A node's hover text starts with its name, then its type in brackets.
            "svg" => {
                let titles = xml_values(&got.body, "<title>", '<');
                names
                    .iter()
                    .filter(|name| titles.iter().any(|t| t.starts_with(&format!("{name} ("))))
                    .cloned()
                    .collect()
            }
            "cyjs" => {
                let doc: Value = serde_json::from_str(&got.body).unwrap();
                doc["elements"]["nodes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|n| n["data"]["label"].as_str().map(str::to_owned))
                    .collect()
            }
            // A name that a spreadsheet would run as a formula comes with a leading `'`.
            "nodes.csv" => parse_csv(&got.body)
                .into_iter()
                .skip(1)
                .map(|r| match r[1].strip_prefix("'") {
                    Some(text) if text.starts_with(['=', '+', '-', '@']) => text.to_owned(),
                    _ => r[1].clone(),
                })
                .collect(),
            "dot" => got
                .body
                .split(" [label=\"")
                .skip(1)
                .filter_map(|rest| {
                    // Up to the first quote not escaped by a backslash.
                    let mut out = String::new();
                    let mut chars = rest.chars();
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => out.push(chars.next()?),
                            '"' => return Some(out),
                            c => out.push(c),
                        }
                    }
                    None
                })
                .collect(),
            _ => continue,
        };
        for name in &names {
            assert!(found.contains(name), "{ext} lost {name:?}; found {found:?}");
        }
        if ext != "cyjs" && ext != "nodes.csv" && ext != "dot" {
            assert!(!got.body.contains("<b>"), "{ext} has an unescaped tag");
        }
    }
    // The file name comes from the area slug, never from its name.
    let got = download(&app, "/maps/collaboration.svg").await;
    assert_eq!(
        got.disposition,
        "inline; filename=\"proef-and-co-collaboration.svg\""
    );
    app.stop().await;
}

/// The node of a map with this key.
fn node<'a>(map: &'a Value, key: &str) -> &'a Value {
    map["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["key"] == key)
        .unwrap_or_else(|| panic!("{key} on the map"))
}

db_test!(maps_show_samenhang);
/// Issue 13: a node in several clusters shows all of them, a cluster has one colour on every
/// map, links name their interventions, the ego centre is marked, "same as" stays "same as"
/// and DOT sizes by the measure.
async fn maps_show_samenhang(db: TestDb) {
    let app = spawn_app(db, true).await;
    let collaboration = network_map(&app, "COLLABORATION", json!({}), Value::Null).await;
    let gemeente = node(&collaboration, "partner:gemeente-lelystad");
    let shares = gemeente["clusterShares"].as_array().unwrap();
    assert_eq!(shares.len(), 3, "{gemeente}");
    assert!(
        shares
            .iter()
            .all(|s| s["interventions"].as_u64().unwrap() > 0)
    );
    // One colour per cluster: the same on the collaboration map and the ego map.
    let ego = network_map(
        &app,
        "EGO",
        json!({ "node": "partner:halt", "depth": 2, "color": "CLUSTER" }),
        Value::Null,
    )
    .await;
    let colour_of = |map: &Value| -> std::collections::BTreeMap<String, String> {
        map["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|n| n["clusterShares"].as_array().unwrap().clone())
            .map(|s| {
                (
                    s["slug"].as_str().unwrap().to_owned(),
                    s["color"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let (a, b) = (colour_of(&collaboration), colour_of(&ego));
    for (slug, colour) in &b {
        assert_eq!(a.get(slug), Some(colour), "{slug}");
    }
    let distinct: BTreeSet<&String> = a.values().collect();
    assert_eq!(distinct.len(), a.len(), "each cluster its own colour");
    // The node colour is its main cluster's colour.
    let main = shares
        .iter()
        .find(|s| s["name"] == gemeente["mainCluster"])
        .unwrap();
    assert_eq!(gemeente["color"], main["color"]);
    // Links name the interventions the partners share: as many as the weight.
    for e in collaboration["edges"].as_array().unwrap() {
        let shared = e["interventions"].as_array().unwrap();
        assert_eq!(shared.len() as f64, e["weight"].as_f64().unwrap(), "{e}");
    }
    // The ego centre is marked, and only the centre.
    let centres: Vec<&Value> = ego["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["center"] == true)
        .collect();
    assert_eq!(centres.len(), 1);
    assert_eq!(centres[0]["key"], "partner:halt");
    let svg = download(&app, "/maps/ego.svg?node=partner:halt&depth=2").await;
    assert_eq!(svg.body.matches(r#"class="centre""#).count(), 1);
    // The picture cuts a node in several clusters in slices, one per cluster.
    let picture = download(&app, "/maps/collaboration.svg").await;
    let several = picture
        .body
        .split(r#"<g class="node several-clusters">"#)
        .skip(1)
        .find(|g| g.contains("<title>Gemeente Lelystad ("))
        .expect("Gemeente Lelystad drawn in slices");
    let group = several.split("<title>").next().unwrap();
    for share in shares {
        assert!(group.contains(share["color"].as_str().unwrap()), "{share}");
    }
    // Links carry their shared interventions as a tooltip.
    assert!(picture.body.contains("</title></line>"));
    // Most nodes of the bipartite map are labelled; the rest keep their name on hover.
    let bipartite = download(&app, "/maps/bipartite.svg").await;
    let label_group = bipartite
        .body
        .split(r#"paint-order="stroke">"#)
        .nth(1)
        .and_then(|rest| rest.split("</g>").next())
        .expect("the labels");
    let labels = label_group.matches("<text ").count();
    let nodes = bipartite.body.matches(r#"<g class="node"#).count();
    assert!(labels * 3 > nodes, "{labels} labels for {nodes} nodes");
    // Shapes by type: partners are circles, interventions paths (squares).
    assert!(bipartite.body.contains(r#"<g class="node"><path d="M"#));
    // "Same as" relations keep their meaning.
    let full = network_map(&app, "FULL", json!({}), Value::Null).await;
    assert!(
        full["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["label"] == "same as")
    );
    let csv = download(&app, "/maps/full.edges.csv").await;
    assert!(csv.body.contains(",same as,"));
    // DOT: fixed sizes from the measure, so the node with the largest weighted degree is
    // the widest.
    let dot = download(&app, "/maps/collaboration.dot").await;
    assert!(dot.body.contains("fixedsize=true"));
    let width = |key: &str| -> f64 {
        let line = dot
            .body
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("\"{key}\" [")))
            .unwrap();
        line.split("width=")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let heaviest = collaboration["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .max_by(|a, b| {
            a["weightedDegree"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["weightedDegree"].as_f64().unwrap())
        })
        .unwrap();
    let widest = heaviest["key"].as_str().unwrap();
    for n in collaboration["nodes"].as_array().unwrap() {
        assert!(width(n["key"].as_str().unwrap()) <= width(widest), "{n}");
    }
    app.stop().await;
}

db_test!(files_that_open_ready);
/// Issue 13: GEXF with viz and a timeline, Kumu's CSV and JSON, the Excel dialect, paper.
async fn files_that_open_ready(db: TestDb) {
    let app = spawn_app(db, true).await;
    let map = network_map(&app, "COLLABORATION", json!({}), Value::Null).await;
    // A dynamic GEXF: spells from the interventions' years.
    let gexf = download(&app, "/maps/collaboration.gexf?timeline=true").await;
    assert_eq!(gexf.status, 200, "{}", gexf.body);
    assert!(gexf.body.contains(r#"mode="dynamic" timeformat="date""#));
    assert!(gexf.body.contains("<spells><spell start=\""));
    assert_holds("gexf", &gexf.body, &map["nodes"], &map["edges"]);
    let plain = download(&app, "/maps/collaboration.gexf").await;
    assert!(!plain.body.contains("<spells>") && plain.body.contains(r#"mode="static""#));
    // Kumu's CSV: `|` between several values (a partner in three clusters).
    let nodes = download(&app, "/maps/collaboration.nodes.csv").await;
    let rows = parse_csv(&nodes.body);
    let gemeente = rows
        .iter()
        .find(|r| r[0] == "partner:gemeente-lelystad")
        .unwrap();
    assert_eq!(gemeente[4].split('|').count(), 3, "{gemeente:?}");
    assert_eq!(gemeente[2], "Partner");
    // The Excel dialect: a byte order mark, semicolons, decimal commas.
    let excel = download(&app, "/maps/collaboration.nodes.csv?excel=true").await;
    assert_eq!(excel.status, 200);
    let text = excel
        .body
        .strip_prefix('\u{feff}')
        .expect("a byte order mark");
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("ID;Label;Type;Description;Tags;"),
        "{header}"
    );
    assert_eq!(
        text.lines().count(),
        nodes.body.lines().count(),
        "one row per node"
    );
    let edges = download(&app, "/maps/collaboration.edges.csv?excel=true").await;
    assert!(
        edges
            .body
            .starts_with("\u{feff}From;To;Type;Direction;Weight;Interventions")
    );
    // Kumu's JSON blueprint.
    let kumu = download(&app, "/maps/collaboration.kumu.json").await;
    let doc: Value = serde_json::from_str(&kumu.body).unwrap();
    let element = doc["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "partner:gemeente-lelystad")
        .unwrap();
    assert_eq!(element["tags"].as_array().unwrap().len(), 3);
    assert!(
        doc["connections"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["direction"] == "undirected")
    );
    // Paper: millimetres, and the picture inside the margins.
    let a4 = download(&app, "/maps/collaboration.svg?paper=a4").await;
    assert!(
        a4.body
            .starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" width="297mm" height="210mm""#)
    );
    let a3 = download(&app, "/maps/collaboration.svg?paper=a3").await;
    assert!(a3.body.contains(r#"width="420mm" height="297mm""#));
    // GraphQL writes the same files with the same options.
    let data = app
        .data(
            "query($o: MapFileOptions) { networkMap(view: COLLABORATION, format: GEXF, options: $o) { document } }",
            json!({ "o": { "timeline": true } }),
        )
        .await;
    assert_eq!(
        data["networkMap"]["document"].as_str(),
        Some(gexf.body.as_str())
    );
    app.stop().await;
}

db_test!(bad_file_options);
/// Issue 13: options that do not fit the format, or are not options at all, are refused.
async fn bad_file_options(db: TestDb) {
    let app = spawn_app(db, true).await;
    for path in [
        "/maps/collaboration.svg?timeline=true",
        "/maps/collaboration.gexf?excel=true",
        "/maps/collaboration.gexf?paper=a4",
        "/maps/collaboration.svg?paper=a5",
        "/maps/collaboration.nodes.csv?excel=maybe",
        "/maps/collaboration.gexf?timeline=1999",
    ] {
        let got = download(&app, path).await;
        assert_eq!(got.status, 400, "{path}: {}", got.body);
        let body: Value = serde_json::from_str(&got.body).expect("a JSON error");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{path}"
        );
    }
    let query = "query($f: MapFormat, $o: MapFileOptions) {
        networkMap(view: COLLABORATION, format: $f, options: $o) { title } }";
    for (format, options) in [
        (Value::Null, json!({ "excel": true })),
        (json!("SVG"), json!({ "timeline": true })),
        (json!("GEXF"), json!({ "paper": "A4" })),
    ] {
        let code = app
            .error_code(query, json!({ "f": format, "o": options }))
            .await;
        assert_eq!(code, "BAD_USER_INPUT", "{format} {options}");
    }
    app.stop().await;
}

db_test!(maps_coloured_by_progress);
/// Issue 14: a map coloured by progress. One intervention's indicator is on track, one's is
/// behind, one's has no measurement yet; the rest have none. Each intervention takes its own
/// band, each partner the band of the indicators of the interventions it works on, and the
/// colour key, colour and legend say so alike in Cytoscape JSON, GraphQL and the SVG.
async fn maps_coloured_by_progress(db: TestDb) {
    use crate::indicators::{RECORD, indicator, spawn_without_indicators, woningen};

    let app = spawn_without_indicators(db).await;
    let first_half = |id: &str, value: f64| json!({ "i": { "indicatorId": id, "value": value, "periodStart": "2025-01-01", "periodEnd": "2025-06-30" } });
    // 118 of 750 woningen by mid-2025 is ahead of the path (about 102): on track.
    let on_track = indicator(&app, "wo-renoveren-verduurzamen", woningen()).await;
    app.data(RECORD, first_half(&on_track, 118.0)).await;
    // 1 of 100 tuinen by mid-2025 is short of the path (about 14): behind.
    let behind = indicator(
        &app,
        "wo-tuinen-erfafscheidingen",
        json!({ "slug": "tuinen", "name": "Tuinen", "measure": "COUNT", "startYear": 2024, "endYear": 2034, "targets": [{ "value": 100 }], "sourceText": "100 tuinen" }),
    )
    .await;
    app.data(RECORD, first_half(&behind, 1.0)).await;
    indicator(
        &app,
        "wo-inpanden",
        json!({ "slug": "inpanden", "name": "Inpanden", "measure": "COUNT", "startYear": 2024, "endYear": 2034, "targets": [{ "value": 20 }], "sourceText": "20 panden" }),
    )
    .await;
    let marked = [
        ("intervention:wo-renoveren-verduurzamen", "mostly on track"),
        ("intervention:wo-tuinen-erfafscheidingen", "mostly behind"),
        ("intervention:wo-inpanden", "no data yet"),
    ];

    let cyjs = download(
        &app,
        "/maps/bipartite.cyjs?area=lelystad-oost&color=progress",
    )
    .await;
    assert_eq!(cyjs.status, 200, "{}", cyjs.body);
    // The GraphQL enum's spelling reads alike, for every map option.
    let upper = download(
        &app,
        "/maps/bipartite.cyjs?area=lelystad-oost&color=PROGRESS&size=Degree",
    )
    .await;
    let lower = download(
        &app,
        "/maps/bipartite.cyjs?area=lelystad-oost&color=progress&size=degree",
    )
    .await;
    assert_eq!((upper.status, &upper.body), (200, &lower.body));
    let pink = download(&app, "/maps/bipartite.cyjs?color=PINK").await;
    assert_eq!(pink.status, 400, "{}", pink.body);
    assert!(pink.body.contains("expected one of: "), "{}", pink.body);
    let twice = download(&app, "/maps/bipartite.cyjs?color=progress&color=cluster").await;
    assert_eq!(twice.status, 400, "{}", twice.body);
    assert!(
        twice
            .body
            .contains("the query parameter `color` is given more than once"),
        "{}",
        twice.body
    );
    let doc: Value = serde_json::from_str(&cyjs.body).expect("JSON");
    let nodes = doc["elements"]["nodes"].as_array().expect("nodes");
    let group = |key: &str| -> String {
        nodes
            .iter()
            .find(|n| n["data"]["id"] == key)
            .unwrap_or_else(|| panic!("{key} on the map"))["data"]["color_group"]
            .as_str()
            .expect("a colour group")
            .to_owned()
    };
    for (key, band) in marked {
        assert_eq!(group(key), band, "{key}");
    }
    // A partner's band follows the interventions it works on (read from the map's links).
    let mut partners_seen = BTreeSet::new();
    for node in nodes.iter().filter(|n| n["data"]["type"] == "Partner") {
        let key = node["data"]["id"].as_str().expect("a key");
        let linked: Vec<&str> = doc["elements"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .filter(|e| e["data"]["source"] == key)
            .filter_map(|e| e["data"]["target"].as_str())
            .collect();
        let has = |band: &str| {
            marked
                .iter()
                .filter(|(k, b)| *b == band && linked.contains(k))
                .count()
        };
        let (up, down) = (has("mostly on track"), has("mostly behind"));
        let expected = match (up, down) {
            (0, 0) if has("no data yet") > 0 => "no data yet",
            (0, 0) => "no indicators",
            (u, d) if u > d => "mostly on track",
            (u, d) if u < d => "mostly behind",
            _ => "half on track",
        };
        assert_eq!(group(key), expected, "{key} works on {linked:?}");
        partners_seen.insert(expected);
    }
    assert!(
        partners_seen.contains("no indicators") && partners_seen.len() > 1,
        "the partners differ: {partners_seen:?}"
    );
    // The progress summary of a partner counts the same indicators.
    let partner = nodes
        .iter()
        .filter_map(|n| n["data"]["id"].as_str())
        .find(|&k| k.starts_with("partner:") && group(k) == "mostly on track")
        .expect("a partner mostly on track");
    let summary = app
        .data(
            "query($n: String!) { progressSummary(node: $n) { indicators onTrack behind } }",
            json!({ "n": partner }),
        )
        .await["progressSummary"]
        .clone();
    let on = summary["onTrack"].as_i64().unwrap();
    assert!(on > summary["behind"].as_i64().unwrap(), "{summary}");

    // GraphQL gives the same groups and colours; each band has one colour.
    let map = network_map(
        &app,
        "BIPARTITE",
        json!({ "area": "lelystad-oost", "color": "PROGRESS" }),
        Value::Null,
    )
    .await;
    let mut colours: std::collections::BTreeMap<String, String> = Default::default();
    for node in map["nodes"].as_array().expect("nodes") {
        let key = node["key"].as_str().unwrap();
        let band = node["colorGroup"].as_str().unwrap().to_owned();
        assert_eq!(band, group(key), "{key}");
        let colour = node["color"].as_str().unwrap().to_owned();
        assert_eq!(
            colours
                .entry(band.clone())
                .or_insert_with(|| colour.clone()),
            &colour,
            "{band}"
        );
    }
    assert_ne!(colours["mostly on track"], colours["mostly behind"]);
    assert_ne!(colours["no data yet"], colours["no indicators"]);

    // The picture's legend names each band with its colour and how many nodes have it.
    let svg = download(
        &app,
        "/maps/bipartite.svg?area=lelystad-oost&color=progress",
    )
    .await;
    assert_eq!(svg.status, 200);
    assert!(svg.body.contains("Colour: progress of its indicators"));
    for (band, colour) in &colours {
        let n = nodes
            .iter()
            .filter(|n| n["data"]["color_group"] == band.as_str())
            .count();
        let entry = format!(">{band} ({n})</text>");
        let at = svg
            .body
            .find(&entry)
            .unwrap_or_else(|| panic!("{entry} in the legend"));
        let swatch = svg.body[..at].rfind("<circle").expect("a swatch");
        assert!(svg.body[swatch..at].contains(colour.as_str()), "{band}");
    }
}
