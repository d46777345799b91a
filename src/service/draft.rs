//! A [`Draft`] is a write in progress: a private copy of the dataset that mutations change and
//! validate, while it records the row operations the store must apply. Nothing in a draft is
//! visible to readers until the service has committed its operations.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::domain::*;
use crate::error::{Error, Problem, Result};
use crate::graph::Snapshot;
use crate::store::Op;

/// Longest name, in characters.
const MAX_NAME: usize = 300;
/// Longest free text (descriptions, ambitions, notes), in characters.
const MAX_TEXT: usize = 20_000;
/// Most items in a list field, and the longest item.
const MAX_ITEMS: usize = 200;
const MAX_ITEM: usize = 2_000;
/// Most levels of one goal tree (top goal and the goals below it): the data file holds every
/// level nested in the one above, and the parser follows 65 levels of nesting.
const MAX_GOAL_LEVELS: usize = 25;
/// Valid years.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

type SlugKey = (Table, Id, String);

/// A write in progress.
pub struct Draft {
    base: Arc<Snapshot>,
    data: Dataset,
    ops: Vec<Op>,
    /// Slugs taken (`Some`) or freed (`None`) by this draft, over the base snapshot's index.
    slugs: HashMap<SlugKey, Option<Id>>,
    /// The ids new rows take, in order.
    ids: Range<Id>,
}

/// Checks collected for one record, reported together.
#[derive(Default)]
struct Checks(Vec<Problem>);

impl Checks {
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(Problem::new(field, message));
    }

    /// Text holds only characters every database and export format can carry.
    fn storable(&mut self, field: &str, value: &str) {
        if let Some(problem) = unstorable_problem(value) {
            self.fail(field, problem);
        }
    }

    fn name(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.fail(field, "must not be empty");
        } else if value.chars().count() > MAX_NAME {
            self.fail(field, format!("must be at most {MAX_NAME} characters"));
        }
        self.storable(field, value);
    }

    fn text(&mut self, field: &str, value: &Option<String>) {
        if let Some(v) = value {
            if v.chars().count() > MAX_TEXT {
                self.fail(field, format!("must be at most {MAX_TEXT} characters"));
            }
            self.storable(field, v);
        }
    }

    fn short(&mut self, field: &str, value: &Option<String>) {
        if let Some(v) = value {
            if v.chars().count() > MAX_NAME {
                self.fail(field, format!("must be at most {MAX_NAME} characters"));
            }
            self.storable(field, v);
        }
    }

    fn list(&mut self, field: &str, items: &[String]) {
        if items.len() > MAX_ITEMS {
            self.fail(field, format!("must have at most {MAX_ITEMS} items"));
        }
        if items.iter().any(|i| i.trim().is_empty()) {
            self.fail(field, "items must not be empty");
        }
        if items.iter().any(|i| i.chars().count() > MAX_ITEM) {
            self.fail(
                field,
                format!("items must be at most {MAX_ITEM} characters"),
            );
        }
        if let Some((i, problem)) = items
            .iter()
            .enumerate()
            .find_map(|(i, item)| Some((i, unstorable_problem(item)?)))
        {
            self.fail(&format!("{field}[{i}]"), problem);
        }
    }

    fn slug(&mut self, value: &str) {
        if !is_valid_slug(value) {
            self.fail(
                "slug",
                "must be lowercase letters and digits in groups joined by single hyphens (e.g. welzijn-lelystad), at most 100 characters",
            );
        }
    }

    fn years(&mut self, start: Option<i32>, end: Option<i32>) {
        for (field, year) in [("start_year", start), ("end_year", end)] {
            if let Some(y) = year
                && !YEARS.contains(&y)
            {
                self.fail(
                    field,
                    format!("must be a year from {} to {}", YEARS.start(), YEARS.end()),
                );
            }
        }
        if let (Some(s), Some(e)) = (start, end)
            && s > e
        {
            self.fail("end_year", format!("must not be before start_year ({s})"));
        }
    }

    fn amount(&mut self, field: &str, amount: Option<i64>) {
        if amount.is_some_and(|a| a < 0) {
            self.fail(field, "must not be negative");
        }
    }

    fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self.0))
        }
    }
}

/// What a node record says about its place: area, slug and the nodes it refers to.
fn slug_key(row: &Row) -> Option<SlugKey> {
    let (area, slug) = match row {
        Row::Area(r) => (0, &r.slug),
        Row::Programme(r) => (r.area_id, &r.slug),
        Row::Line(r) => (r.area_id, &r.slug),
        Row::Goal(r) => (r.area_id, &r.slug),
        Row::Intervention(r) => (r.area_id, &r.slug),
        Row::Partner(r) => (r.area_id, &r.slug),
        Row::FundingStream(r) => (r.area_id, &r.slug),
        Row::Wijk(r) => (r.area_id, &r.slug),
        _ => return None,
    };
    Some((row.table(), area, slug.clone()))
}

impl Draft {
    /// A draft on `base` whose new rows take ids after the highest the base holds: for checks
    /// that commit nothing (a dry run) and for tests.
    pub fn new(base: Arc<Snapshot>) -> Draft {
        let ids = base.data.next_id.max(1)..Id::MAX;
        Draft::with_ids(base, ids)
    }

    /// A draft on `base` whose new rows take their ids from `ids` (reserved in the database).
    pub fn with_ids(base: Arc<Snapshot>, ids: Range<Id>) -> Draft {
        Draft {
            data: base.data.clone(),
            base,
            ops: Vec::new(),
            slugs: HashMap::new(),
            ids,
        }
    }

    /// The draft's current data.
    pub fn data(&self) -> &Dataset {
        &self.data
    }

    /// The dataset and the operations that produce it from the base.
    pub fn into_parts(self) -> (Dataset, Vec<Op>, Range<Id>) {
        (self.data, self.ops, self.ids)
    }

    fn slug_owner(&self, key: &SlugKey) -> Option<Id> {
        match self.slugs.get(key) {
            Some(owner) => *owner,
            None if key.0 == Table::Area => self.base.area_by_slug(&key.2),
            None => self.base.by_slug(key.0, key.1, &key.2),
        }
    }

    /// The table of a node id in this draft.
    pub fn table_of(&self, id: Id) -> Option<Table> {
        let d = &self.data;
        [
            (Table::Area, d.areas.contains_key(&id)),
            (Table::Programme, d.programmes.contains_key(&id)),
            (Table::Line, d.lines.contains_key(&id)),
            (Table::Goal, d.goals.contains_key(&id)),
            (Table::Intervention, d.interventions.contains_key(&id)),
            (Table::Partner, d.partners.contains_key(&id)),
            (Table::FundingStream, d.funding_streams.contains_key(&id)),
            (Table::Wijk, d.wijken.contains_key(&id)),
        ]
        .into_iter()
        .find_map(|(table, found)| found.then_some(table))
    }

    /// The area a node belongs to.
    pub fn area_of(&self, id: Id) -> Option<Id> {
        let d = &self.data;
        match self.table_of(id)? {
            Table::Area => Some(id),
            Table::Programme => d.programmes.get(&id).map(|r| r.area_id),
            Table::Line => d.lines.get(&id).map(|r| r.area_id),
            Table::Goal => d.goals.get(&id).map(|r| r.area_id),
            Table::Intervention => d.interventions.get(&id).map(|r| r.area_id),
            Table::Partner => d.partners.get(&id).map(|r| r.area_id),
            Table::FundingStream => d.funding_streams.get(&id).map(|r| r.area_id),
            Table::Wijk => d.wijken.get(&id).map(|r| r.area_id),
            _ => None,
        }
    }

    /// Checks that `id` is a node of `table`.
    pub fn expect(&self, table: Table, id: Id, field: &str) -> Result<()> {
        if self.table_of(id) == Some(table) {
            Ok(())
        } else {
            Err(Error::not_found(table.noun(), id, Some(field)))
        }
    }

    /// Checks that a referenced node exists, is of the right table and lies in `area`.
    fn reference(
        &self,
        checks: &mut Checks,
        field: &str,
        table: Table,
        id: Id,
        area: Id,
    ) -> Result<()> {
        self.expect(table, id, field)?;
        if self.area_of(id) != Some(area) {
            checks.fail(
                field,
                format!("{} {id} belongs to another area", table.noun()),
            );
        }
        Ok(())
    }

    /// Validates a node record as it would be after the write. `previous` is the stored
    /// version for updates.
    fn check_node(&self, row: &Row, previous: Option<&Row>) -> Result<()> {
        let mut c = Checks::default();
        let area = match row {
            Row::Area(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.short("municipality", &r.municipality);
                c.text("description", &r.description);
                c.text("source", &r.source);
                None
            }
            Row::Programme(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.text("description", &r.description);
                c.text("chair", &r.chair);
                c.text("ambition", &r.ambition);
                Some(r.area_id)
            }
            Row::Line(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.text("description", &r.description);
                c.short("nplv_action_line", &r.nplv_action_line);
                c.list("target_groups", &r.target_groups);
                c.list("principles", &r.principles);
                c.list("focus", &r.focus);
                if r.number.is_some_and(|n| !(0..=10_000).contains(&n)) {
                    c.fail("number", "must be from 0 to 10000");
                }
                self.reference(
                    &mut c,
                    "programme_id",
                    Table::Programme,
                    r.programme_id,
                    r.area_id,
                )?;
                Some(r.area_id)
            }
            Row::Goal(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.text("description", &r.description);
                c.short("number", &r.number);
                if let Some(line) = r.line_id {
                    self.reference(&mut c, "line_id", Table::Line, line, r.area_id)?;
                }
                if let Some(parent) = r.parent_id {
                    self.reference(&mut c, "parent_id", Table::Goal, parent, r.area_id)?;
                    if r.line_id.is_some() {
                        c.fail(
                            "line_id",
                            "a goal with a parent takes its parent's line; give one or the other",
                        );
                    }
                    if self.creates_cycle(r.id, parent) {
                        c.fail("parent_id", "would make the goal its own ancestor");
                    } else if self.goal_depth(parent) + 1 + self.levels_below(r.id)
                        >= MAX_GOAL_LEVELS
                    {
                        c.fail(
                            "parent_id",
                            format!("a goal tree is at most {MAX_GOAL_LEVELS} levels deep"),
                        );
                    }
                }
                Some(r.area_id)
            }
            Row::Intervention(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.text("description", &r.description);
                c.short("period", &r.period);
                c.years(r.start_year, r.end_year);
                c.list("targets", &r.targets);
                c.list("indicators", &r.indicators);
                c.list("target_groups", &r.target_groups);
                c.text("notes", &r.notes);
                Some(r.area_id)
            }
            Row::Partner(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.text("description", &r.description);
                c.list("aliases", &r.aliases);
                Some(r.area_id)
            }
            Row::FundingStream(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.text("description", &r.description);
                c.years(r.start_year, r.end_year);
                c.amount("amount_eur", r.amount_eur);
                c.list("aliases", &r.aliases);
                Some(r.area_id)
            }
            Row::Wijk(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.text("description", &r.description);
                c.short("municipality", &r.municipality);
                c.short("cbs_code", &r.cbs_code);
                c.list("aliases", &r.aliases);
                Some(r.area_id)
            }
            _ => return Err(Error::Internal("check_node called with a link row".into())),
        };
        if let Some(area) = area {
            self.expect(Table::Area, area, "area_id")?;
            if let Some(prev) = previous
                && slug_key(prev).map(|k| k.1) != Some(area)
            {
                c.fail("area_id", "a node cannot move to another area");
            }
        }
        c.finish()?;
        if let Some(key) = slug_key(row)
            && let Some(owner) = self.slug_owner(&key)
            && owner != row.id()
        {
            return Err(Error::conflict(
                format!(
                    "the slug {:?} is already used by another {} of this area",
                    key.2,
                    key.0.noun()
                ),
                Some("slug"),
            ));
        }
        Ok(())
    }

    /// Whether hanging `goal` below `parent` would close a loop.
    fn creates_cycle(&self, goal: Id, parent: Id) -> bool {
        let mut current = Some(parent);
        for _ in 0..=self.data.goals.len() {
            match current {
                None => return false,
                Some(id) if id == goal => return true,
                Some(id) => current = self.data.goals.get(&id).and_then(|g| g.parent_id),
            }
        }
        true
    }

    fn put(&mut self, row: Row, op: Op) {
        self.data.put(row);
        self.ops.push(op);
    }

    /// Creates a node; its id is assigned here and returned.
    pub fn create(&mut self, mut row: Row) -> Result<Id> {
        let id = self.allocate_id()?;
        row.set_id(id);
        self.check_node(&row, None)?;
        if let Some(key) = slug_key(&row) {
            self.slugs.insert(key, Some(id));
        }
        self.put(row.clone(), Op::Insert(row));
        Ok(id)
    }

    /// Hands out a fresh id.
    pub fn allocate_id(&mut self) -> Result<Id> {
        self.ids.next().ok_or_else(|| {
            Error::Internal("the write needs more ids than were reserved for it".into())
        })
    }

    /// The node of a table with this slug in an area (use area 0 for areas themselves).
    pub fn find_slug(&self, table: Table, area: Id, slug: &str) -> Option<Id> {
        self.slug_owner(&(table, area, slug.to_owned()))
    }

    /// Inserts a row that the caller has validated already (bulk import). Links and nodes
    /// alike; the id must be fresh.
    pub fn insert_validated(&mut self, row: Row) {
        if let Some(key) = slug_key(&row) {
            self.slugs.insert(key, Some(row.id()));
        }
        self.put(row.clone(), Op::Insert(row));
    }

    /// Replaces a node with a new version of it.
    pub fn update(&mut self, row: Row) -> Result<()> {
        let table = row.table();
        self.expect(table, row.id(), "id")?;
        let previous = self.current_row(table, row.id())?;
        self.check_node(&row, Some(&previous))?;
        if previous == row {
            return Ok(());
        }
        if let (Some(old), Some(new)) = (slug_key(&previous), slug_key(&row))
            && old != new
        {
            self.slugs.insert(old, None);
            self.slugs.insert(new, Some(row.id()));
        }
        let version = self.data.version_of(row.id()) + 1;
        self.data.versions.insert(row.id(), version);
        self.put(row.clone(), Op::Update(row, Some(version)));
        Ok(())
    }

    /// Refuses a change made on another version of a node than the current one.
    pub fn check_version(&self, id: Id, expected: Option<i64>) -> Result<()> {
        let current = self.data.version_of(id);
        match expected {
            Some(v) if v != current => Err(Error::conflict(
                format!(
                    "the node was changed in the meantime: it is at version {current}, the change was made on version {v}; read it again and redo the change"
                ),
                Some("version"),
            )),
            _ => Ok(()),
        }
    }

    /// The stored version of a node.
    pub fn current_row(&self, table: Table, id: Id) -> Result<Row> {
        Some(table)
            .filter(|t| t.is_node())
            .and_then(|t| self.data.get(t, id))
            .ok_or_else(|| Error::not_found(table.noun(), id, Some("id")))
    }

    fn remove(&mut self, table: Table, id: Id) {
        if let Some(row) = self.data.remove(table, id) {
            if let Some(key) = slug_key(&row) {
                self.slugs.insert(key, None);
            }
            self.ops.push(Op::Delete(table, id));
        }
    }

    /// Deletes a node. Links to it go with it; a node that still contains others (an area
    /// with nodes, a programme with lines, a line or goal with goals below it) is refused,
    /// unless `cascade` is set for an area.
    pub fn delete(&mut self, table: Table, id: Id, cascade: bool) -> Result<()> {
        self.expect(table, id, "id")?;
        let d = &self.data;
        match table {
            Table::Area => {
                let held = [
                    (
                        "programmes",
                        d.programmes.values().filter(|r| r.area_id == id).count(),
                    ),
                    (
                        "lines",
                        d.lines.values().filter(|r| r.area_id == id).count(),
                    ),
                    (
                        "goals",
                        d.goals.values().filter(|r| r.area_id == id).count(),
                    ),
                    (
                        "interventions",
                        d.interventions.values().filter(|r| r.area_id == id).count(),
                    ),
                    (
                        "partners",
                        d.partners.values().filter(|r| r.area_id == id).count(),
                    ),
                    (
                        "funding streams",
                        d.funding_streams
                            .values()
                            .filter(|r| r.area_id == id)
                            .count(),
                    ),
                    (
                        "wijken",
                        d.wijken.values().filter(|r| r.area_id == id).count(),
                    ),
                ];
                let held: Vec<String> = held
                    .iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(w, n)| format!("{n} {w}"))
                    .collect();
                if !held.is_empty() {
                    if !cascade {
                        return Err(Error::conflict(
                            format!(
                                "the area still holds {}; delete those first or ask for a cascading delete",
                                held.join(", ")
                            ),
                            Some("id"),
                        ));
                    }
                    self.clear_area(id);
                }
            }
            Table::Programme => {
                let lines = d.lines.values().filter(|l| l.programme_id == id).count();
                if lines > 0 {
                    return Err(Error::conflict(
                        format!("the programme still has {lines} lines; delete or move them first"),
                        Some("id"),
                    ));
                }
            }
            Table::Line => {
                let goals = d.goals.values().filter(|g| g.line_id == Some(id)).count();
                if goals > 0 {
                    return Err(Error::conflict(
                        format!("the line still has {goals} goals; delete or move them first"),
                        Some("id"),
                    ));
                }
            }
            Table::Goal => {
                let subs = d.goals.values().filter(|g| g.parent_id == Some(id)).count();
                if subs > 0 {
                    return Err(Error::conflict(
                        format!("the goal still has {subs} sub-goals; delete or move them first"),
                        Some("id"),
                    ));
                }
            }
            _ => {}
        }
        self.remove_links_of(&[id]);
        self.remove(table, id);
        Ok(())
    }

    /// Removes everything an area holds, children before parents.
    fn clear_area(&mut self, area: Id) {
        let d = &self.data;
        let of_area = |ids: Vec<(Id, Id)>| -> Vec<Id> {
            ids.into_iter()
                .filter(|(_, a)| *a == area)
                .map(|(id, _)| id)
                .collect()
        };
        let interventions = of_area(
            d.interventions
                .values()
                .map(|r| (r.id, r.area_id))
                .collect(),
        );
        let partners = of_area(d.partners.values().map(|r| (r.id, r.area_id)).collect());
        let streams = of_area(
            d.funding_streams
                .values()
                .map(|r| (r.id, r.area_id))
                .collect(),
        );
        let wijken = of_area(d.wijken.values().map(|r| (r.id, r.area_id)).collect());
        let lines = of_area(d.lines.values().map(|r| (r.id, r.area_id)).collect());
        let programmes = of_area(d.programmes.values().map(|r| (r.id, r.area_id)).collect());
        // Goals deepest first, so no goal is removed before its sub-goals.
        let mut goals: Vec<(usize, Id)> = d
            .goals
            .values()
            .filter(|g| g.area_id == area)
            .map(|g| (self.goal_depth(g.id), g.id))
            .collect();
        goals.sort_unstable_by(|a, b| b.cmp(a));

        let all: Vec<Id> = [&interventions, &lines]
            .into_iter()
            .flatten()
            .copied()
            .collect();
        self.remove_links_of(&all);
        for id in interventions {
            self.remove(Table::Intervention, id);
        }
        for (table, ids) in [
            (Table::Partner, partners),
            (Table::FundingStream, streams),
            (Table::Wijk, wijken),
        ] {
            for id in ids {
                self.remove(table, id);
            }
        }
        for (_, id) in goals {
            self.remove(Table::Goal, id);
        }
        for id in lines {
            self.remove(Table::Line, id);
        }
        for id in programmes {
            self.remove(Table::Programme, id);
        }
    }

    /// How many levels of goals hang below a goal (0 for a leaf, or a goal this write creates).
    fn levels_below(&self, goal: Id) -> usize {
        let mut levels = 0;
        let mut layer = vec![goal];
        while levels <= MAX_GOAL_LEVELS {
            layer = layer
                .into_iter()
                .flat_map(|g| self.base.sources(g, crate::graph::EdgeKind::SubGoalOf))
                .collect();
            if layer.is_empty() {
                break;
            }
            levels += 1;
        }
        levels
    }

    fn goal_depth(&self, goal: Id) -> usize {
        let mut depth = 0;
        let mut current = self.data.goals.get(&goal).and_then(|g| g.parent_id);
        while let Some(parent) = current {
            depth += 1;
            if depth > self.data.goals.len() {
                break;
            }
            current = self.data.goals.get(&parent).and_then(|g| g.parent_id);
        }
        depth
    }

    /// Removes every link row that touches one of the nodes.
    fn remove_links_of(&mut self, nodes: &[Id]) {
        let touches = |a: Id, b: Id| nodes.contains(&a) || nodes.contains(&b);
        let d = &self.data;
        let mut doomed: Vec<(Table, Id)> = Vec::new();
        doomed.extend(
            d.line_funding
                .values()
                .filter(|l| touches(l.line_id, l.funding_stream_id))
                .map(|l| (Table::LineFunding, l.id)),
        );
        doomed.extend(
            d.intervention_goals
                .values()
                .filter(|l| touches(l.intervention_id, l.goal_id))
                .map(|l| (Table::InterventionGoal, l.id)),
        );
        doomed.extend(
            d.intervention_partners
                .values()
                .filter(|l| touches(l.intervention_id, l.partner_id))
                .map(|l| (Table::InterventionPartner, l.id)),
        );
        doomed.extend(
            d.intervention_funding
                .values()
                .filter(|l| touches(l.intervention_id, l.funding_stream_id))
                .map(|l| (Table::InterventionFunding, l.id)),
        );
        doomed.extend(
            d.intervention_wijken
                .values()
                .filter(|l| touches(l.intervention_id, l.wijk_id))
                .map(|l| (Table::InterventionWijk, l.id)),
        );
        doomed.extend(
            d.intervention_relations
                .values()
                .filter(|l| touches(l.from_id, l.to_id))
                .map(|l| (Table::InterventionRelation, l.id)),
        );
        for (table, id) in doomed {
            self.remove(table, id);
        }
    }

    /// Checks both ends of a link: they exist with the right tables and share an area.
    fn link_ends(
        &self,
        (from_table, from, from_field): (Table, Id, &str),
        (to_table, to, to_field): (Table, Id, &str),
    ) -> Result<()> {
        self.expect(from_table, from, from_field)?;
        self.expect(to_table, to, to_field)?;
        if self.area_of(from) != self.area_of(to) {
            return Err(Error::invalid(
                to_field,
                format!("{} {to} belongs to another area", to_table.noun()),
            ));
        }
        Ok(())
    }

    fn insert_link(&mut self, mut row: Row) -> Result<Id> {
        let id = self.allocate_id()?;
        row.set_id(id);
        self.put(row.clone(), Op::Insert(row));
        Ok(id)
    }

    fn not_linked(message: String) -> Error {
        Error::NotFound {
            what: "link",
            key: message,
            field: None,
        }
    }

    /// Links an intervention to a goal it contributes to (nothing happens if it already is).
    pub fn link_goal(&mut self, intervention: Id, goal: Id) -> Result<()> {
        self.link_ends(
            (Table::Intervention, intervention, "intervention_id"),
            (Table::Goal, goal, "goal_id"),
        )?;
        if find(&self.data.intervention_goals, |l| {
            l.intervention_id == intervention && l.goal_id == goal
        })
        .is_none()
        {
            self.insert_link(Row::InterventionGoal(InterventionGoal {
                id: 0,
                intervention_id: intervention,
                goal_id: goal,
            }))?;
        }
        Ok(())
    }

    pub fn unlink_goal(&mut self, intervention: Id, goal: Id) -> Result<()> {
        self.link_ends(
            (Table::Intervention, intervention, "intervention_id"),
            (Table::Goal, goal, "goal_id"),
        )?;
        let link = find(&self.data.intervention_goals, |l| {
            l.intervention_id == intervention && l.goal_id == goal
        })
        .ok_or_else(|| {
            Self::not_linked(format!(
                "intervention {intervention} does not contribute to goal {goal}"
            ))
        })?;
        self.remove(Table::InterventionGoal, link);
        Ok(())
    }

    /// Links a partner to an intervention in a role; an existing link takes the new role.
    pub fn link_partner(&mut self, intervention: Id, partner: Id, role: PartnerRole) -> Result<()> {
        self.link_ends(
            (Table::Intervention, intervention, "intervention_id"),
            (Table::Partner, partner, "partner_id"),
        )?;
        let row = InterventionPartner {
            id: 0,
            intervention_id: intervention,
            partner_id: partner,
            role,
        };
        match find(&self.data.intervention_partners, |l| {
            l.intervention_id == intervention && l.partner_id == partner
        }) {
            Some(id) => {
                self.update_link(Row::InterventionPartner(InterventionPartner { id, ..row }))
            }
            None => {
                self.insert_link(Row::InterventionPartner(row))?;
            }
        }
        Ok(())
    }

    pub fn unlink_partner(&mut self, intervention: Id, partner: Id) -> Result<()> {
        self.link_ends(
            (Table::Intervention, intervention, "intervention_id"),
            (Table::Partner, partner, "partner_id"),
        )?;
        let link = find(&self.data.intervention_partners, |l| {
            l.intervention_id == intervention && l.partner_id == partner
        })
        .ok_or_else(|| {
            Self::not_linked(format!(
                "partner {partner} does not work on intervention {intervention}"
            ))
        })?;
        self.remove(Table::InterventionPartner, link);
        Ok(())
    }

    /// Links a funding stream to an intervention; an existing link takes the new amount and note.
    pub fn link_funding(
        &mut self,
        intervention: Id,
        stream: Id,
        amount_eur: Option<i64>,
        note: Option<String>,
    ) -> Result<()> {
        self.link_ends(
            (Table::Intervention, intervention, "intervention_id"),
            (Table::FundingStream, stream, "funding_stream_id"),
        )?;
        check_funding_link(amount_eur, &note)?;
        let row = InterventionFunding {
            id: 0,
            intervention_id: intervention,
            funding_stream_id: stream,
            amount_eur,
            note,
        };
        match find(&self.data.intervention_funding, |l| {
            l.intervention_id == intervention && l.funding_stream_id == stream
        }) {
            Some(id) => {
                self.update_link(Row::InterventionFunding(InterventionFunding { id, ..row }))
            }
            None => {
                self.insert_link(Row::InterventionFunding(row))?;
            }
        }
        Ok(())
    }

    pub fn unlink_funding(&mut self, intervention: Id, stream: Id) -> Result<()> {
        self.link_ends(
            (Table::Intervention, intervention, "intervention_id"),
            (Table::FundingStream, stream, "funding_stream_id"),
        )?;
        let link = find(&self.data.intervention_funding, |l| {
            l.intervention_id == intervention && l.funding_stream_id == stream
        })
        .ok_or_else(|| {
            Self::not_linked(format!(
                "funding stream {stream} does not fund intervention {intervention}"
            ))
        })?;
        self.remove(Table::InterventionFunding, link);
        Ok(())
    }

    /// Places an intervention in a wijk (nothing happens if it already is).
    pub fn link_wijk(&mut self, intervention: Id, wijk: Id) -> Result<()> {
        self.link_ends(
            (Table::Intervention, intervention, "intervention_id"),
            (Table::Wijk, wijk, "wijk_id"),
        )?;
        if find(&self.data.intervention_wijken, |l| {
            l.intervention_id == intervention && l.wijk_id == wijk
        })
        .is_none()
        {
            self.insert_link(Row::InterventionWijk(InterventionWijk {
                id: 0,
                intervention_id: intervention,
                wijk_id: wijk,
            }))?;
        }
        Ok(())
    }

    pub fn unlink_wijk(&mut self, intervention: Id, wijk: Id) -> Result<()> {
        self.link_ends(
            (Table::Intervention, intervention, "intervention_id"),
            (Table::Wijk, wijk, "wijk_id"),
        )?;
        let link = find(&self.data.intervention_wijken, |l| {
            l.intervention_id == intervention && l.wijk_id == wijk
        })
        .ok_or_else(|| {
            Self::not_linked(format!(
                "intervention {intervention} is not placed in wijk {wijk}"
            ))
        })?;
        self.remove(Table::InterventionWijk, link);
        Ok(())
    }

    /// Relates one intervention to another; an existing relation takes the new kind and note.
    pub fn link_interventions(
        &mut self,
        from: Id,
        to: Id,
        kind: RelationKind,
        note: Option<String>,
    ) -> Result<()> {
        self.link_ends(
            (Table::Intervention, from, "from_id"),
            (Table::Intervention, to, "to_id"),
        )?;
        check_relation(from, to, &note)?;
        let row = InterventionRelation {
            id: 0,
            from_id: from,
            to_id: to,
            kind,
            note,
        };
        match find(&self.data.intervention_relations, |l| {
            l.from_id == from && l.to_id == to
        }) {
            Some(id) => self.update_link(Row::InterventionRelation(InterventionRelation {
                id,
                ..row
            })),
            None => {
                self.insert_link(Row::InterventionRelation(row))?;
            }
        }
        Ok(())
    }

    pub fn unlink_interventions(&mut self, from: Id, to: Id) -> Result<()> {
        self.link_ends(
            (Table::Intervention, from, "from_id"),
            (Table::Intervention, to, "to_id"),
        )?;
        let link = find(&self.data.intervention_relations, |l| {
            l.from_id == from && l.to_id == to
        })
        .ok_or_else(|| {
            Self::not_linked(format!(
                "intervention {from} does not relate to intervention {to}"
            ))
        })?;
        self.remove(Table::InterventionRelation, link);
        Ok(())
    }

    /// Names a funding stream for a whole line (nothing happens if it already is).
    pub fn link_line_funding(&mut self, line: Id, stream: Id) -> Result<()> {
        self.link_ends(
            (Table::Line, line, "line_id"),
            (Table::FundingStream, stream, "funding_stream_id"),
        )?;
        if find(&self.data.line_funding, |l| {
            l.line_id == line && l.funding_stream_id == stream
        })
        .is_none()
        {
            self.insert_link(Row::LineFunding(LineFunding {
                id: 0,
                line_id: line,
                funding_stream_id: stream,
            }))?;
        }
        Ok(())
    }

    pub fn unlink_line_funding(&mut self, line: Id, stream: Id) -> Result<()> {
        self.link_ends(
            (Table::Line, line, "line_id"),
            (Table::FundingStream, stream, "funding_stream_id"),
        )?;
        let link = find(&self.data.line_funding, |l| {
            l.line_id == line && l.funding_stream_id == stream
        })
        .ok_or_else(|| {
            Self::not_linked(format!(
                "funding stream {stream} is not named for line {line}"
            ))
        })?;
        self.remove(Table::LineFunding, link);
        Ok(())
    }

    fn update_link(&mut self, row: Row) {
        let unchanged = match &row {
            Row::InterventionPartner(r) => self
                .data
                .intervention_partners
                .get(&r.id)
                .is_some_and(|old| **old == *r),
            Row::InterventionFunding(r) => self
                .data
                .intervention_funding
                .get(&r.id)
                .is_some_and(|old| **old == *r),
            Row::InterventionRelation(r) => self
                .data
                .intervention_relations
                .get(&r.id)
                .is_some_and(|old| **old == *r),
            _ => false,
        };
        if !unchanged {
            self.put(row.clone(), Op::Update(row, None));
        }
    }
}

/// Checks the properties of a funding link.
pub fn check_funding_link(amount_eur: Option<i64>, note: &Option<String>) -> Result<()> {
    let mut c = Checks::default();
    c.amount("amount_eur", amount_eur);
    c.short("note", note);
    c.finish()
}

/// Checks a relation between two interventions.
pub fn check_relation(from: Id, to: Id, note: &Option<String>) -> Result<()> {
    let mut c = Checks::default();
    if from == to {
        c.fail("to_id", "an intervention cannot relate to itself");
    }
    c.text("note", note);
    c.finish()
}

/// The id of the first link that matches.
fn find<T>(links: &imbl::OrdMap<Id, Arc<T>>, matches: impl Fn(&T) -> bool) -> Option<Id> {
    links.iter().find(|(_, l)| matches(l)).map(|(&id, _)| id)
}
