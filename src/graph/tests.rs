use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::synth::{Rng, Size, generate};

/// A test key: a name, answered by a number.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Number(&'static str);

impl CacheKey for Number {
    type Value = u32;
}

/// A test key with the same name as a [`Number`], answered by a text.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Text(&'static str);

impl CacheKey for Text {
    type Value = &'static str;
}

#[test]
fn a_failed_computation_is_not_cached() {
    let s = Snapshot::build(Dataset::default(), 1);
    let failed: Result<Arc<u32>, &str> = s.cached_try(Number("x"), || Err("cancelled"));
    assert!(failed.is_err());
    assert_eq!(*s.cached_try::<_, &str>(Number("x"), || Ok(7)).unwrap(), 7);
    assert_eq!(
        *s.cached_try::<_, &str>(Number("x"), || Err("not asked"))
            .unwrap(),
        7
    );
}

#[test]
fn cached_values_are_computed_once_per_snapshot() {
    let calls = AtomicUsize::new(0);
    let compute = || {
        calls.fetch_add(1, Ordering::SeqCst);
        42u32
    };
    let first = Snapshot::empty();
    assert_eq!(*first.cached(Number("answer"), compute), 42);
    assert_eq!(*first.cached(Number("answer"), compute), 42);
    assert_eq!(calls.load(Ordering::SeqCst), 1, "a second ask is a lookup");
    // Another key, or a key of another type with the same name, is another value.
    assert_eq!(*first.cached(Number("other"), compute), 42);
    assert_eq!(*first.cached(Text("answer"), || "text"), "text");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // A new snapshot (after a write) computes afresh.
    let second = Snapshot::build(first.data.clone(), first.version + 1);
    second.cached(Number("answer"), compute);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

/// Everything a snapshot knows, to compare two of them. The size bounds are compared apart:
/// after a change they may stay above what a fresh build finds.
fn state(s: &Snapshot) -> impl PartialEq + std::fmt::Debug {
    (
        (
            s.data.clone(),
            s.tables.clone(),
            s.adjacency.clone(),
            s.slugs.clone(),
            s.area_slugs.clone(),
        ),
        (
            s.goal_line.clone(),
            s.intervention_lines.clone(),
            s.intervention_programmes.clone(),
            s.line_interventions.clone(),
            s.programme_interventions.clone(),
            s.folded.clone(),
            s.orders.clone(),
        ),
        (
            s.owner_indicators.clone(),
            s.wijk_records.clone(),
            s.indicator_targets.clone(),
            s.indicator_measurements.clone(),
        ),
    )
}

/// Every bound of `incremental` is at least that of `fresh`, and the counts are equal.
fn bounds_hold(incremental: &ListSizes, fresh: &ListSizes) {
    let a = format!("{incremental:?}");
    let b = format!("{fresh:?}");
    let numbers = |text: &str| -> Vec<(String, u64)> {
        text.split([',', '{', '}'])
            .filter_map(|part| {
                let (name, value) = part.split_once(':')?;
                Some((name.trim().to_owned(), value.trim().parse().ok()?))
            })
            .collect()
    };
    for ((name, inc), (_, fr)) in numbers(&a).into_iter().zip(numbers(&b)) {
        let exact = matches!(
            name.as_str(),
            "areas"
                | "programmes"
                | "lines"
                | "goals"
                | "interventions"
                | "partners"
                | "funding_streams"
                | "wijken"
                | "indicators"
                | "measurements"
                | "relations"
                | "links"
                | "collaboration_links"
        );
        if exact {
            assert_eq!(inc, fr, "{name}");
        } else {
            assert!(inc >= fr, "{name}: {inc} < {fr}");
        }
    }
}

/// Random changes to a dataset, as row operations: links removed and added, goals moved to
/// another parent or line, lines to another programme, nodes renamed and re-slugged,
/// indicators added (with targets and measurements), moved and thinned out, interventions
/// removed with their links and indicators.
fn changes(data: &Dataset, rng: &mut Rng) -> Vec<Op> {
    let mut ops = Vec::new();
    let pick = |rng: &mut Rng, n: usize| rng.below(n.max(1));
    let links: Vec<(Table, Id)> = data
        .intervention_partners
        .keys()
        .map(|&id| (Table::InterventionPartner, id))
        .chain(
            data.intervention_goals
                .keys()
                .map(|&id| (Table::InterventionGoal, id)),
        )
        .chain(
            data.intervention_wijken
                .keys()
                .map(|&id| (Table::InterventionWijk, id)),
        )
        .collect();
    for _ in 0..1 + pick(rng, 20) {
        let (table, id) = links[pick(rng, links.len())];
        if !ops.contains(&Op::Delete(table, id)) {
            ops.push(Op::Delete(table, id));
        }
    }
    let interventions: Vec<Id> = data.interventions.keys().copied().collect();
    let partners: Vec<Id> = data.partners.keys().copied().collect();
    let goals: Vec<Arc<Goal>> = data.goals.values().cloned().collect();
    let mut next = data.next_id.max(1_000_000);
    for _ in 0..pick(rng, 20) {
        next += 1;
        ops.push(Op::Insert(Row::InterventionPartner(InterventionPartner {
            id: next,
            intervention_id: interventions[pick(rng, interventions.len())],
            partner_id: partners[pick(rng, partners.len())],
            role: PartnerRole::Executing,
        })));
        next += 1;
        ops.push(Op::Insert(Row::InterventionGoal(InterventionGoal {
            id: next,
            intervention_id: interventions[pick(rng, interventions.len())],
            goal_id: goals[pick(rng, goals.len())].id,
        })));
    }
    // Move a goal under another (not below itself), or to the top of a line.
    let lines: Vec<Arc<Line>> = data.lines.values().cloned().collect();
    for _ in 0..pick(rng, 4) {
        let mut goal = goals[pick(rng, goals.len())].as_ref().clone();
        if rng.chance(0.5) {
            let parent = goals[pick(rng, goals.len())].id;
            let mut above = parent;
            let mut below_itself = false;
            for _ in 0..goals.len() {
                if above == goal.id {
                    below_itself = true;
                    break;
                }
                match data.goals.get(&above).and_then(|g| g.parent_id) {
                    Some(p) => above = p,
                    None => break,
                }
            }
            if !below_itself {
                goal.parent_id = Some(parent);
                goal.line_id = None;
            }
        } else {
            goal.parent_id = None;
            goal.line_id = Some(lines[pick(rng, lines.len())].id);
        }
        ops.push(Op::Update(Row::Goal(goal), Some(2)));
    }
    let programmes: Vec<Id> = data.programmes.keys().copied().collect();
    for _ in 0..pick(rng, 3) {
        let mut line = lines[pick(rng, lines.len())].as_ref().clone();
        line.programme_id = programmes[pick(rng, programmes.len())];
        ops.push(Op::Update(Row::Line(line), Some(3)));
    }
    for _ in 0..pick(rng, 5) {
        let mut partner = data
            .partners
            .values()
            .nth(pick(rng, partners.len()))
            .map(|p| p.as_ref().clone())
            .unwrap();
        partner.name = format!("Nieuw {}", rng.below(1000));
        partner.slug = format!("{}-{}", partner.slug, rng.below(1000));
        partner.aliases.push("Alias".into());
        ops.push(Op::Update(Row::Partner(partner), Some(2)));
    }
    let gone = interventions[pick(rng, interventions.len())];
    indicator_changes(data, rng, gone, &mut next, &mut ops);
    // Remove an intervention with every link it has (the links first, as a write does).
    let mut removed = Vec::new();
    let mut pending: Vec<Op> = Vec::new();
    for op in &ops {
        let touches = match op {
            Op::Insert(row) | Op::Update(row, _) => row
                .ends()
                .is_some_and(|((_, a), (_, b))| a == gone || b == gone),
            Op::Delete(..) => false,
        };
        if !touches {
            pending.push(op.clone());
        }
    }
    ops = pending;
    for row in data.rows() {
        if row
            .ends()
            .is_some_and(|((_, a), (_, b))| a == gone || b == gone)
            && !ops.contains(&Op::Delete(row.table(), row.id()))
        {
            removed.push(Op::Delete(row.table(), row.id()));
        }
    }
    ops.extend(removed);
    // And its indicators, their targets and measurements first.
    for indicator in data.indicators.values().filter(|i| i.owner() == Some(gone)) {
        let children = data
            .indicator_targets
            .values()
            .filter(|t| t.indicator_id == indicator.id)
            .map(|t| Op::Delete(Table::IndicatorTarget, t.id))
            .chain(
                data.measurements
                    .values()
                    .filter(|m| m.indicator_id == indicator.id)
                    .map(|m| Op::Delete(Table::Measurement, m.id)),
            )
            .collect::<Vec<_>>();
        for op in children {
            if !ops.contains(&op) {
                ops.push(op);
            }
        }
        ops.push(Op::Delete(Table::Indicator, indicator.id));
    }
    ops.push(Op::Delete(Table::Intervention, gone));
    ops
}

/// Indicator changes: new indicators on interventions, goals and lines (never on `gone`, which
/// the round removes) with a target and measurements; existing ones moved to another owner
/// and renamed; a measurement removed.
fn indicator_changes(data: &Dataset, rng: &mut Rng, gone: Id, next: &mut Id, ops: &mut Vec<Op>) {
    let pick = |rng: &mut Rng, n: usize| rng.below(n.max(1));
    let owners: Vec<(Id, Id, Table)> = data
        .interventions
        .values()
        .filter(|i| i.id != gone)
        .map(|i| (i.id, i.area_id, Table::Intervention))
        .chain(data.goals.values().map(|g| (g.id, g.area_id, Table::Goal)))
        .chain(data.lines.values().map(|l| (l.id, l.area_id, Table::Line)))
        .collect();
    let owned = |indicator: &mut Indicator, (id, area, table): (Id, Id, Table)| {
        indicator.area_id = area;
        indicator.intervention_id = (table == Table::Intervention).then_some(id);
        indicator.goal_id = (table == Table::Goal).then_some(id);
        indicator.line_id = (table == Table::Line).then_some(id);
        indicator.wijk_id = data
            .wijken
            .values()
            .find(|w| w.area_id == area)
            .map(|w| w.id);
    };
    let day = |rng: &mut Rng| {
        chrono::NaiveDate::from_ymd_opt(2024 + rng.below(3) as i32, 1 + rng.below(12) as u32, 1)
            .unwrap()
    };
    for _ in 0..pick(rng, 4) {
        *next += 1;
        let id = *next;
        let mut indicator = Indicator {
            id,
            area_id: 0,
            slug: format!("indicator-{id}"),
            name: format!("Indicator {}", rng.below(1000)),
            intervention_id: None,
            goal_id: None,
            line_id: None,
            unit: None,
            measure: Measure::Count,
            direction: None,
            baseline_value: None,
            baseline_year: None,
            start_year: Some(2024),
            end_year: Some(2026),
            target_note: None,
            wijk_id: None,
            target_group: None,
            source: "test".into(),
        };
        owned(&mut indicator, owners[pick(rng, owners.len())]);
        let wijk = indicator.wijk_id;
        ops.push(Op::Insert(Row::Indicator(indicator)));
        *next += 1;
        ops.push(Op::Insert(Row::IndicatorTarget(IndicatorTarget {
            id: *next,
            indicator_id: id,
            value: Quantity::new(rng.below(100) as f64).unwrap(),
            qualifier: None,
            start_year: None,
            end_year: None,
        })));
        for _ in 0..pick(rng, 3) {
            *next += 1;
            let start = day(rng);
            ops.push(Op::Insert(Row::Measurement(Measurement {
                id: *next,
                indicator_id: id,
                value: Quantity::new(rng.below(50) as f64),
                status: None,
                period_start: start,
                period_end: start + chrono::Days::new(180),
                wijk_id: if rng.chance(0.5) { wijk } else { None },
                comment: None,
                recorded_by: None,
            })));
        }
    }
    let existing: Vec<Arc<Indicator>> = data
        .indicators
        .values()
        .filter(|i| i.owner() != Some(gone))
        .cloned()
        .collect();
    if !existing.is_empty() {
        let mut moved = existing[pick(rng, existing.len())].as_ref().clone();
        let area = moved.area_id;
        let same_area: Vec<_> = owners.iter().copied().filter(|o| o.1 == area).collect();
        owned(&mut moved, same_area[pick(rng, same_area.len())]);
        moved.name = format!("Verplaatst {}", rng.below(1000));
        ops.push(Op::Update(Row::Indicator(moved), Some(2)));
    }
    let measurements: Vec<Id> = data.measurements.keys().copied().collect();
    if !measurements.is_empty() {
        ops.push(Op::Delete(
            Table::Measurement,
            measurements[pick(rng, measurements.len())],
        ));
    }
}

/// The dataset after the operations made at `at`, applied to the records alone.
fn applied(data: &Dataset, ops: &[Op], at: i64) -> Dataset {
    let mut data = data.clone();
    for op in ops {
        match op {
            Op::Insert(row) => {
                data.versions.remove(&row.id());
                if row.table().is_node() {
                    data.stamps.insert(row.id(), Stamps::new(at));
                }
                data.put(row.clone());
            }
            Op::Update(row, version) => {
                if let Some(v) = version {
                    data.versions.insert(row.id(), *v);
                }
                if row.table().is_node() {
                    let created = data.stamps_of(row.id()).map_or(at, |s| s.created);
                    data.stamps.insert(
                        row.id(),
                        Stamps {
                            created,
                            updated: at,
                        },
                    );
                }
                data.put(row.clone());
            }
            Op::Delete(table, id) => {
                data.remove(*table, *id);
            }
        }
    }
    data
}

/// A snapshot changed by row operations equals one built afresh from the changed records:
/// edges, slugs, orders, derived lines and programmes, and the size bounds stay bounds.
#[test]
fn applying_changes_equals_building_afresh() {
    for seed in 0..40 {
        let data = generate(Size::Municipality, seed);
        let before = Snapshot::build(data.clone(), 1);
        let mut rng = Rng::new(seed);
        let mut current = before;
        let mut records = data;
        for round in 0..3 {
            let ops = changes(&records, &mut rng);
            let at = 1_000 * (i64::from(round) + 1);
            let next = current.apply(&ops, current.version + 1, at);
            records = applied(&records, &ops, at);
            let fresh = Snapshot::build(records.clone(), next.version);
            assert_eq!(state(&next), state(&fresh), "seed {seed}, round {round}");
            bounds_hold(next.sizes(), fresh.sizes());
            current = next;
        }
    }
}

/// Pages cut from the ordered indexes are the pages of the fully sorted list.
#[test]
fn pages_from_the_indexes_equal_pages_of_the_sorted_list() {
    let s = Snapshot::build(generate(Size::Municipality, 3), 1);
    let area = *s.data.areas.keys().next().unwrap();
    let mut rng = Rng::new(9);
    for table in [
        Table::Partner,
        Table::Intervention,
        Table::Goal,
        Table::Wijk,
    ] {
        for field in [OrderField::Created, OrderField::Name, OrderField::Slug] {
            for descending in [false, true] {
                let order = Order { field, descending };
                for scope in [None, Some(area)] {
                    let filter = Filter {
                        area: scope,
                        ..Filter::default()
                    };
                    let sorted =
                        s.sort_filtered(s.candidates(table, &Filter::default()), &filter, order);
                    for _ in 0..30 {
                        let key = |rng: &mut Rng| {
                            (!sorted.is_empty() && rng.chance(0.5))
                                .then(|| sorted[rng.below(sorted.len())].0.clone())
                        };
                        let window = Window {
                            after: key(&mut rng),
                            before: key(&mut rng),
                            first: rng.chance(0.7).then(|| rng.below(12)),
                            last: rng.chance(0.4).then(|| rng.below(12)),
                        };
                        let expected = Windowed::of_sorted(sorted.clone(), order, &window);
                        let found = s.page(table, &filter, order, &window);
                        assert_eq!(found, expected, "{table:?} {order:?} {window:?}");
                    }
                }
            }
        }
    }
}

/// The page a window asks for, as the old `paginate` cut it from the sorted list: positions
/// of the cursors, then `first`, then `last`.
fn reference(sorted: &[(SortKey, Id)], order: Order, window: &Window) -> Windowed {
    let total = sorted.len();
    let position = |key: &SortKey| {
        sorted.partition_point(|(k, _)| if order.descending { k > key } else { k < key })
    };
    let mut start = 0;
    let mut end = total;
    if let Some(after) = &window.after {
        let at = position(after);
        start = if sorted.get(at).is_some_and(|(k, _)| k == after) {
            at + 1
        } else {
            at
        };
    }
    if let Some(before) = &window.before {
        end = position(before).max(start);
    }
    if let Some(n) = window.first {
        end = end.min(start + n);
    }
    if let Some(n) = window.last {
        start = start.max(end.saturating_sub(n));
    }
    Windowed {
        items: sorted[start..end].to_vec(),
        total,
        has_previous: start > 0,
        has_next: end < total,
    }
}

/// Cutting a page from an ordered set gives what cutting it from the sorted list gave.
#[test]
fn pages_are_cut_as_before() {
    let mut rng = Rng::new(5);
    for _ in 0..3_000 {
        let n = rng.below(12);
        let descending = rng.chance(0.5);
        let mut sorted: Vec<(SortKey, Id)> = (0..n as Id)
            .map(|id| (SortKey::Text(format!("{}", rng.below(5)), id), id))
            .collect();
        sorted.sort();
        if descending {
            sorted.reverse();
        }
        let order = Order {
            field: OrderField::Name,
            descending,
        };
        let key = |rng: &mut Rng| {
            rng.chance(0.5)
                .then(|| SortKey::Text(format!("{}", rng.below(6)), rng.below(14) as Id))
        };
        let window = Window {
            after: key(&mut rng),
            before: key(&mut rng),
            first: rng.chance(0.6).then(|| rng.below(6)),
            last: rng.chance(0.5).then(|| rng.below(6)),
        };
        assert_eq!(
            Windowed::of_sorted(sorted.clone(), order, &window),
            reference(&sorted, order, &window),
            "{sorted:?} {window:?}"
        );
    }
}

/// Narrowing a filter through its indexes finds exactly what checking every node finds.
#[test]
fn filters_narrowed_by_indexes_find_what_a_full_scan_finds() {
    let s = Snapshot::build(generate(Size::Municipality, 11), 1);
    let d = &s.data;
    let mut rng = Rng::new(2);
    let any = |rng: &mut Rng, ids: Vec<Id>| -> Option<Id> {
        (!ids.is_empty() && rng.chance(0.3)).then(|| ids[rng.below(ids.len())])
    };
    for _ in 0..400 {
        let filter = Filter {
            area: any(&mut rng, d.areas.keys().copied().collect()),
            programme: any(&mut rng, d.programmes.keys().copied().collect()),
            line: any(&mut rng, d.lines.keys().copied().collect()),
            goal: any(&mut rng, d.goals.keys().copied().collect()),
            partner: any(&mut rng, d.partners.keys().copied().collect()),
            role: rng.chance(0.2).then_some(PartnerRole::Lead),
            funding_stream: any(&mut rng, d.funding_streams.keys().copied().collect()),
            wijk: any(&mut rng, d.wijken.keys().copied().collect()),
            year: rng.chance(0.2).then(|| 2020 + rng.below(10) as i32),
            ..Filter::default()
        };
        for table in Table::NODES {
            let all = s.candidates(*table, &Filter::default());
            let scanned = s.sort_filtered(all, &filter, Order::default());
            assert_eq!(
                s.select(*table, &filter, Order::default()),
                scanned,
                "{table:?} {filter:?}"
            );
        }
    }
}

/// The nodes of a table, from the records (not from any index).
fn all_of(s: &Snapshot, table: Table) -> Vec<Id> {
    let d = &s.data;
    let ids: Vec<Id> = match table {
        Table::Area => d.areas.keys().copied().collect(),
        Table::Programme => d.programmes.keys().copied().collect(),
        Table::Line => d.lines.keys().copied().collect(),
        Table::Goal => d.goals.keys().copied().collect(),
        Table::Intervention => d.interventions.keys().copied().collect(),
        Table::Partner => d.partners.keys().copied().collect(),
        Table::FundingStream => d.funding_streams.keys().copied().collect(),
        Table::Wijk => d.wijken.keys().copied().collect(),
        _ => Vec::new(),
    };
    ids
}

/// A node's number as the records give it, counted without the graph's indexes: partners of
/// an intervention from the link records, interventions of a partner or stream likewise.
fn brute_number(s: &Snapshot, id: Id, field: OrderField) -> Option<i64> {
    let d = &s.data;
    let distinct = |ids: Vec<Id>| {
        ids.into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len() as i64
    };
    match field {
        OrderField::StartYear => d
            .interventions
            .get(&id)
            .map(|i| i.start_year)
            .or_else(|| d.funding_streams.get(&id).map(|f| f.start_year))
            .flatten()
            .map(i64::from),
        OrderField::EndYear => d
            .interventions
            .get(&id)
            .map(|i| i.end_year)
            .or_else(|| d.funding_streams.get(&id).map(|f| f.end_year))
            .flatten()
            .map(i64::from),
        OrderField::Amount => d.funding_streams.get(&id).and_then(|f| f.amount_eur),
        OrderField::Updated => d.stamps.get(&id).map(|s| s.updated),
        OrderField::Count(Count::Partners) if d.interventions.contains_key(&id) => Some(distinct(
            d.intervention_partners
                .values()
                .filter(|l| l.intervention_id == id)
                .map(|l| l.partner_id)
                .collect(),
        )),
        OrderField::Count(Count::Interventions) if d.partners.contains_key(&id) => Some(distinct(
            d.intervention_partners
                .values()
                .filter(|l| l.partner_id == id)
                .map(|l| l.intervention_id)
                .collect(),
        )),
        OrderField::Count(Count::Interventions) if d.funding_streams.contains_key(&id) => {
            Some(distinct(
                d.intervention_funding
                    .values()
                    .filter(|l| l.funding_stream_id == id)
                    .map(|l| l.intervention_id)
                    .collect(),
            ))
        }
        OrderField::Count(count) => Some(s.count(id, count) as i64),
        _ => None,
    }
}

/// A random range over small numbers, years or amounts.
fn any_range(rng: &mut Rng, around: i64, spread: usize) -> Range {
    let bound = |rng: &mut Rng| {
        rng.chance(0.3)
            .then(|| around + rng.below(spread) as i64 - (spread / 2) as i64)
    };
    Range {
        eq: if rng.chance(0.15) { bound(rng) } else { None },
        lt: bound(rng),
        lte: bound(rng),
        gt: bound(rng),
        gte: bound(rng),
        is_null: rng.chance(0.15).then(|| rng.chance(0.5)),
    }
}

/// A random filter tree: a few conditions a node has itself, an area or partner now and
/// then, and nested `all`/`any`/`not` below `depth`.
fn any_filter(s: &Snapshot, rng: &mut Rng, depth: usize) -> Filter {
    let d = &s.data;
    let pick = |rng: &mut Rng, ids: Vec<Id>| -> Option<Id> {
        (!ids.is_empty()).then(|| ids[rng.below(ids.len())])
    };
    let mut f = Filter::default();
    match rng.below(12) {
        0 => f.area = pick(rng, d.areas.keys().copied().collect()),
        1 => f.partner = pick(rng, d.partners.keys().copied().collect()),
        2 => f.programme = pick(rng, d.programmes.keys().copied().collect()),
        3 => {
            let mut ids: Vec<Id> = (0..rng.below(30))
                .filter_map(|_| pick(rng, s.tables.keys().copied().collect()))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            f.ids = Some(ids);
        }
        4 => {
            f.partner_kinds = Some(
                (0..rng.below(3))
                    .map(|_| {
                        [
                            PartnerKind::Welfare,
                            PartnerKind::Government,
                            PartnerKind::Housing,
                        ][rng.below(3)]
                    })
                    .collect(),
            )
        }
        5 => {
            f.funding_kinds = Some(
                (0..rng.below(3))
                    .map(|_| {
                        [
                            FundingKind::Spuk,
                            FundingKind::Municipal,
                            FundingKind::Partner,
                        ][rng.below(3)]
                    })
                    .collect(),
            )
        }
        6 => f.start_year = Some(any_range(rng, 2023, 8)),
        7 => f.end_year = Some(any_range(rng, 2026, 10)),
        8 => f.amount = Some(any_range(rng, 500_000, 2_000_000)),
        9 => f.partner_count = Some(any_range(rng, 3, 8)),
        10 => f.intervention_count = Some(any_range(rng, 4, 10)),
        _ => f.programme_count = Some(any_range(rng, 1, 4)),
    }
    if depth > 0 {
        if rng.chance(0.4) {
            f.all = (0..rng.below(3))
                .map(|_| any_filter(s, rng, depth - 1))
                .collect();
        }
        if rng.chance(0.4) {
            f.any = Some(
                (0..rng.below(3))
                    .map(|_| any_filter(s, rng, depth - 1))
                    .collect(),
            );
        }
        if rng.chance(0.3) {
            f.not = Some(Box::new(any_filter(s, rng, depth - 1)));
        }
    }
    f
}

/// Whether a node passes a filter, decided without the filter code for everything the new
/// conditions add: lists and ranges on the records, `all`/`any`/`not` as plain logic. An area
/// or partner condition is asked of the snapshot on its own (the older tests check those).
fn brute_passes(s: &Snapshot, id: Id, f: &Filter) -> bool {
    let d = &s.data;
    let base = Filter {
        area: f.area,
        partner: f.partner,
        programme: f.programme,
        ..Filter::default()
    };
    let range = |r: &Option<Range>, field: OrderField| {
        r.as_ref().is_none_or(|r| {
            let v = brute_number(s, id, field);
            match v {
                None => {
                    r.is_null != Some(false)
                        && r.eq.is_none()
                        && r.lt.is_none()
                        && r.lte.is_none()
                        && r.gt.is_none()
                        && r.gte.is_none()
                }
                Some(v) => {
                    r.is_null != Some(true)
                        && r.eq.is_none_or(|b| v == b)
                        && r.lt.is_none_or(|b| v < b)
                        && r.lte.is_none_or(|b| v <= b)
                        && r.gt.is_none_or(|b| v > b)
                        && r.gte.is_none_or(|b| v >= b)
                }
            }
        })
    };
    (base == Filter::default() || s.passes(id, &base))
        && f.ids.as_ref().is_none_or(|ids| ids.contains(&id))
        && f.partner_kinds
            .as_ref()
            .is_none_or(|k| d.partners.get(&id).is_some_and(|p| k.contains(&p.kind)))
        && f.funding_kinds.as_ref().is_none_or(|k| {
            d.funding_streams
                .get(&id)
                .is_some_and(|p| k.contains(&p.kind))
        })
        && range(&f.start_year, OrderField::StartYear)
        && range(&f.end_year, OrderField::EndYear)
        && range(&f.amount, OrderField::Amount)
        && range(&f.partner_count, OrderField::Count(Count::Partners))
        && range(
            &f.intervention_count,
            OrderField::Count(Count::Interventions),
        )
        && range(&f.programme_count, OrderField::Count(Count::Programmes))
        && f.all.iter().all(|c| brute_passes(s, id, c))
        && f.any
            .as_ref()
            .is_none_or(|any| any.iter().any(|c| brute_passes(s, id, c)))
        && f.not.as_ref().is_none_or(|c| !brute_passes(s, id, c))
}

/// Nested filters with lists and ranges, narrowed through the indexes, find exactly what a
/// brute-force predicate over every node finds.
#[test]
fn nested_filters_find_what_a_brute_force_predicate_finds() {
    let s = Snapshot::build(generate(Size::Municipality, 17), 1);
    let mut rng = Rng::new(4);
    // How often a filter keeps some but not all of a table: the filters must discriminate.
    let mut some_not_all = 0;
    for round in 0..300 {
        let filter = any_filter(&s, &mut rng, 3);
        for table in Table::NODES {
            let all = all_of(&s, *table);
            let expected: Vec<Id> = all
                .iter()
                .copied()
                .filter(|&id| brute_passes(&s, id, &filter))
                .collect();
            if !expected.is_empty() && expected.len() < all.len() {
                some_not_all += 1;
            }
            let found: Vec<Id> = s
                .select(*table, &filter, Order::default())
                .into_iter()
                .map(|(_, id)| id)
                .collect();
            assert_eq!(found, expected, "round {round}, {table:?} {filter:?}");
        }
    }
    assert!(
        some_not_all > 300,
        "only {some_not_all} discriminating filters"
    );
}

/// The orders a table is sorted by in the API, with the fields every table has.
fn orders_of(table: Table) -> Vec<OrderField> {
    let mut fields = vec![
        OrderField::Created,
        OrderField::Name,
        OrderField::Slug,
        OrderField::Updated,
    ];
    match table {
        Table::Intervention => fields.extend([
            OrderField::StartYear,
            OrderField::EndYear,
            OrderField::Count(Count::Partners),
            OrderField::Count(Count::Programmes),
        ]),
        Table::Partner => fields.extend([
            OrderField::Kind,
            OrderField::Count(Count::Interventions),
            OrderField::Count(Count::Programmes),
        ]),
        Table::FundingStream => fields.extend([
            OrderField::Kind,
            OrderField::StartYear,
            OrderField::EndYear,
            OrderField::Amount,
            OrderField::Count(Count::Interventions),
            OrderField::Count(Count::Partners),
        ]),
        _ => fields.extend([
            OrderField::Count(Count::Interventions),
            OrderField::Count(Count::Partners),
        ]),
    }
    fields
}

/// Every order sorts as a brute-force sort of the records does: known values by value, ties
/// by id, both in the list's direction; unknown values last in either direction.
#[test]
fn orders_equal_a_brute_force_sort() {
    let s = Snapshot::build(generate(Size::Municipality, 23), 1);
    for table in [
        Table::Intervention,
        Table::Partner,
        Table::FundingStream,
        Table::Goal,
        Table::Wijk,
    ] {
        for field in orders_of(table) {
            for descending in [false, true] {
                let order = Order { field, descending };
                let mut expected = all_of(&s, table);
                let text = |id: Id| -> String {
                    match field {
                        OrderField::Name => s.folded_name(id).to_owned(),
                        OrderField::Slug => s.slug_of(id).to_owned(),
                        OrderField::Kind => s
                            .data
                            .partners
                            .get(&id)
                            .map(|p| p.kind.as_str().to_owned())
                            .or_else(|| {
                                s.data
                                    .funding_streams
                                    .get(&id)
                                    .map(|f| f.kind.as_str().to_owned())
                            })
                            .unwrap_or_default(),
                        _ => String::new(),
                    }
                };
                expected.sort_by(|&a, &b| {
                    let (na, nb) = (brute_number(&s, a, field), brute_number(&s, b, field));
                    // Unknown last whatever the direction.
                    let known = nb.is_none().cmp(&na.is_none()).reverse();
                    let by_value = na
                        .cmp(&nb)
                        .then_with(|| text(a).cmp(&text(b)))
                        .then(a.cmp(&b));
                    known.then(if descending {
                        by_value.reverse()
                    } else {
                        by_value
                    })
                });
                let found: Vec<Id> = s
                    .select(table, &Filter::default(), order)
                    .into_iter()
                    .map(|(_, id)| id)
                    .collect();
                assert_eq!(found, expected, "{table:?} {order:?}");
            }
        }
    }
}

/// Paging through any list in any order with `first` and `after` (the end key of the page
/// before) yields exactly the sorted list: no item twice, none left out.
#[test]
fn paging_through_any_order_yields_the_sorted_list() {
    let s = Snapshot::build(generate(Size::Municipality, 29), 1);
    let area = *s.data.areas.keys().next().unwrap();
    let mut rng = Rng::new(31);
    for table in [
        Table::Intervention,
        Table::Partner,
        Table::FundingStream,
        Table::Goal,
        Table::Wijk,
    ] {
        for field in orders_of(table) {
            for descending in [false, true] {
                let order = Order { field, descending };
                let filter = if rng.chance(0.5) {
                    Filter {
                        area: Some(area),
                        ..Filter::default()
                    }
                } else {
                    any_filter(&s, &mut rng, 1)
                };
                let sorted = s.select(table, &filter, order);
                let mut seen = Vec::new();
                let mut after = None;
                loop {
                    let window = Window {
                        after: after.clone(),
                        first: Some(1 + rng.below(7)),
                        ..Window::default()
                    };
                    let page = s.page(table, &filter, order, &window);
                    assert_eq!(page.total, sorted.len());
                    seen.extend(page.items.iter().cloned());
                    if !page.has_next {
                        break;
                    }
                    after = page.items.last().map(|(key, _)| key.clone());
                    assert!(seen.len() <= sorted.len(), "{table:?} {order:?}: too many");
                }
                assert_eq!(seen, sorted, "{table:?} {order:?} {filter:?}");
            }
        }
    }
}

/// A goal condition holds for the goals below the goal (itself included) and for the
/// interventions contributing to one of them, as walking down the goal tree finds them.
#[test]
fn goal_conditions_hold_for_the_subtree() {
    let s = Snapshot::build(generate(Size::Municipality, 37), 1);
    let mut some = 0;
    for &goal in s.data.goals.keys() {
        let below = s.goal_subtree(goal);
        let filter = Filter {
            goal: Some(goal),
            ..Filter::default()
        };
        for &other in s.data.goals.keys() {
            assert_eq!(s.passes(other, &filter), below.contains(&other));
        }
        for &i in s.data.interventions.keys() {
            let expected = s
                .targets(i, EdgeKind::Contributes)
                .iter()
                .any(|g| below.contains(g));
            some += usize::from(expected && below.len() > 1);
            assert_eq!(
                s.passes(i, &filter),
                expected,
                "goal {goal}, intervention {i}"
            );
        }
    }
    assert!(some > 0, "no intervention reached through a sub-goal");
}

/// Kleene's "and", "or" and "not" on three values.
fn kleene_and(a: Known, b: Known) -> Known {
    match (a, b) {
        (Known::No, _) | (_, Known::No) => Known::No,
        (Known::Yes, Known::Yes) => Known::Yes,
        _ => Known::Unknown,
    }
}

fn kleene_not(a: Known) -> Known {
    match a {
        Known::Yes => Known::No,
        Known::No => Known::Yes,
        Known::Unknown => Known::Unknown,
    }
}

fn kleene_or(a: Known, b: Known) -> Known {
    kleene_not(kleene_and(kleene_not(a), kleene_not(b)))
}

/// Whether an intervention meets a filter, in three values, straight from the truth tables:
/// the year by `Period::covers`, every other own condition by the boolean filter.
fn brute_judge(s: &Snapshot, id: Id, f: &Filter) -> Known {
    let rest = Filter {
        year: None,
        all: Vec::new(),
        any: None,
        not: None,
        ..f.clone()
    };
    let mut v = if s.passes(id, &rest) {
        Known::Yes
    } else {
        Known::No
    };
    if let Some(year) = f.year {
        v = kleene_and(v, s.data.interventions[&id].years().covers(year));
    }
    for c in &f.all {
        v = kleene_and(v, brute_judge(s, id, c));
    }
    if let Some(any) = &f.any {
        let one = any
            .iter()
            .fold(Known::No, |acc, c| kleene_or(acc, brute_judge(s, id, c)));
        v = kleene_and(v, one);
    }
    if let Some(not) = &f.not {
        v = kleene_and(v, kleene_not(brute_judge(s, id, not)));
    }
    v
}

/// A filter with year conditions at any depth, some under `not`.
fn year_filter(s: &Snapshot, rng: &mut Rng, depth: usize) -> Filter {
    let programmes: Vec<Id> = s.data.programmes.keys().copied().collect();
    let mut f = Filter {
        year: rng.chance(0.7).then(|| 2020 + rng.below(14) as i32),
        programme: rng
            .chance(0.3)
            .then(|| programmes[rng.below(programmes.len())]),
        ..Filter::default()
    };
    if depth > 0 {
        if rng.chance(0.4) {
            f.all = vec![year_filter(s, rng, depth - 1)];
        }
        if rng.chance(0.4) {
            f.any = Some(
                (0..1 + rng.below(2))
                    .map(|_| year_filter(s, rng, depth - 1))
                    .collect(),
            );
        }
        if rng.chance(0.4) {
            f.not = Some(Box::new(year_filter(s, rng, depth - 1)));
        }
    }
    f
}

/// Issue 12: a year the document does not date is unknown, and unknown spreads through
/// `and`/`or`/`not` as in Kleene's logic; each `undated` mode keeps what it says.
#[test]
fn year_filters_follow_kleenes_three_valued_logic() {
    let s = Snapshot::build(generate(Size::Municipality, 29), 1);
    let mut rng = Rng::new(6);
    let interventions: Vec<Id> = s.data.interventions.keys().copied().collect();
    let mut unknown = 0;
    for _ in 0..200 {
        let filter = year_filter(&s, &mut rng, 2);
        for &id in interventions.iter().take(60) {
            let expected = brute_judge(&s, id, &filter);
            assert_eq!(s.judge(id, &filter), expected, "{id} {filter:?}");
            unknown += usize::from(expected == Known::Unknown);
            for undated in [Undated::Exclude, Undated::Include, Undated::Only] {
                let f = Filter {
                    undated,
                    ..filter.clone()
                };
                assert_eq!(s.passes(id, &f), undated.keeps(expected));
            }
        }
    }
    assert!(unknown > 100, "only {unknown} unknown answers");
}
