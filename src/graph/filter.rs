//! Filtering and ordering of node lists on a snapshot. One [`Filter`] serves every node type:
//! a condition a node has itself (its area, kind, level, period, counts) is checked on the
//! node; any other condition holds when at least one of the node's interventions meets it
//! ("partners in programme X" are the partners of an intervention of programme X). Filters
//! nest with `all`/`any`/`not`; a filter is narrowed once per list through its indexes into a
//! candidate set, and only the candidates are checked.

use petgraph::Direction;

use super::order::{Window, Windowed};
use super::{EdgeKind, Snapshot};
use crate::domain::*;

/// Conditions on a node list; unset fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub area: Option<Id>,
    pub programme: Option<Id>,
    pub line: Option<Id>,
    /// The goal or any goal below it.
    pub goal: Option<Id>,
    pub partner: Option<Id>,
    /// With `partner`: only in this role. Alone: any partner in this role.
    pub role: Option<PartnerRole>,
    pub funding_stream: Option<Id>,
    pub wijk: Option<Id>,
    /// Active in this year, by [`Period::covers`]: what is known to be active passes, what
    /// is known not to be fails, and what the document leaves unknown is kept or dropped as
    /// `undated` says.
    pub year: Option<i32>,
    /// What the year conditions (this filter's and its nested ones') do with what is not known
    /// to be active; read on the outermost filter only.
    pub undated: Undated,
    /// Folded text to find in name, slug or aliases.
    pub search: Option<String>,
    pub partner_kind: Option<PartnerKind>,
    pub funding_kind: Option<FundingKind>,
    pub goal_level: Option<GoalLevel>,
    /// Only these nodes (sorted, without repeats).
    pub ids: Option<Vec<Id>>,
    /// A partner of one of these kinds.
    pub partner_kinds: Option<Vec<PartnerKind>>,
    /// A funding stream of one of these kinds.
    pub funding_kinds: Option<Vec<FundingKind>>,
    /// A goal of one of these levels.
    pub goal_levels: Option<Vec<GoalLevel>>,
    /// The node's own first year (interventions, funding streams).
    pub start_year: Option<Range>,
    /// The node's own last year (interventions, funding streams).
    pub end_year: Option<Range>,
    /// The amount in euros (funding streams).
    pub amount: Option<Range>,
    /// How many partners the node has (see [`Count`]).
    pub partner_count: Option<Range>,
    /// How many interventions the node has (see [`Count`]).
    pub intervention_count: Option<Range>,
    /// How many programme clusters the node reaches (see [`Count`]).
    pub programme_count: Option<Range>,
    /// Each of these filters holds too.
    pub all: Vec<Filter>,
    /// At least one of these filters holds too (an empty list: none can).
    pub any: Option<Vec<Filter>>,
    /// This filter does not hold.
    pub not: Option<Box<Filter>>,
}

/// Conditions on a whole number, all of which must hold. A comparison never holds for an
/// unknown value; `is_null` asks for unknown (`true`) or known (`false`) values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Range {
    pub eq: Option<i64>,
    pub lt: Option<i64>,
    pub lte: Option<i64>,
    pub gt: Option<i64>,
    pub gte: Option<i64>,
    pub is_null: Option<bool>,
}

impl Range {
    /// Whether a value, `None` when unknown, meets every condition.
    pub fn holds(&self, value: Option<i64>) -> bool {
        if self.is_null.is_some_and(|null| null != value.is_none()) {
            return false;
        }
        let meets = |bound: Option<i64>, test: fn(i64, i64) -> bool| {
            bound.is_none_or(|b| value.is_some_and(|v| test(v, b)))
        };
        meets(self.eq, |v, b| v == b)
            && meets(self.lt, |v, b| v < b)
            && meets(self.lte, |v, b| v <= b)
            && meets(self.gt, |v, b| v > b)
            && meets(self.gte, |v, b| v >= b)
    }
}

/// What a count condition or order counts, through the node's interventions: for an
/// intervention its own partners and programme clusters; for any other node the distinct
/// partners, clusters or interventions of the interventions it is involved in (see
/// [`Snapshot::interventions_of`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Count {
    Partners,
    Interventions,
    Programmes,
}

/// How to sort a node list.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Order {
    pub field: OrderField,
    pub descending: bool,
}

/// The key a node list is sorted by; ties fall back to creation order (the id).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum OrderField {
    /// Creation order; for bundled data the order of the source document.
    #[default]
    Created,
    Name,
    Slug,
    /// When the node's own record last changed (its `updated` stamp).
    Updated,
    /// The kind of a partner or funding stream, by its `snake_case` name.
    Kind,
    StartYear,
    EndYear,
    /// The amount of a funding stream.
    Amount,
    /// A count through the node's interventions.
    Count(Count),
}

impl OrderField {
    /// Whether every table keeps an ordered index in this order, so that a page of an
    /// unfiltered list is cut from it in O(page + log n). Other orders sort the (filtered)
    /// list per request, in O(matches log matches).
    pub fn indexed(self) -> bool {
        matches!(
            self,
            OrderField::Created | OrderField::Name | OrderField::Slug
        )
    }
}

/// How a missing value ranks in a [`SortKey::Number`]: after every known value in the list's
/// direction (the ascending set is walked backwards for a descending list).
pub const KNOWN: u8 = 1;

/// The sort key of one node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    Created(Id),
    Text(String, Id),
    /// A number that may be unknown: `(rank, value, id)`, where the rank is [`KNOWN`] for a
    /// known value and [`SortKey::missing_rank`] for an unknown one (value 0), so that unknown
    /// values come last in either direction.
    Number(u8, i64, Id),
}

impl SortKey {
    /// The node the key belongs to.
    pub fn id(&self) -> Id {
        match self {
            SortKey::Created(id) | SortKey::Text(_, id) | SortKey::Number(_, _, id) => *id,
        }
    }

    /// The rank of an unknown value in a list sorted ascending or descending.
    pub fn missing_rank(descending: bool) -> u8 {
        if descending { 0 } else { 2 }
    }

    /// The key of a number that may be unknown, in a list in this direction.
    pub fn number(value: Option<i64>, id: Id, descending: bool) -> SortKey {
        match value {
            Some(v) => SortKey::Number(KNOWN, v, id),
            None => SortKey::Number(SortKey::missing_rank(descending), 0, id),
        }
    }
}

/// How an unknown answer to a year condition is read while a filter is evaluated in two
/// passes (see [`Snapshot::judge`]): as not holding (`false`) or as holding (`true`). Under
/// `not` the reading flips, so that the two passes bound the three-valued answer.
type Reading = bool;

/// Whether a period counts as covering `year` under a reading of unknown.
fn covers(period: Period, year: i32, unknown_holds: Reading) -> bool {
    match period.covers(year) {
        Known::Yes => true,
        Known::No => false,
        Known::Unknown => unknown_holds,
    }
}

impl Filter {
    /// Whether the filter, or one nested in it, has a year condition (whose answer can be
    /// unknown).
    pub fn has_year(&self) -> bool {
        self.year.is_some()
            || self.all.iter().any(Filter::has_year)
            || self.any.iter().flatten().any(Filter::has_year)
            || self.not.as_ref().is_some_and(|f| f.has_year())
    }

    /// Whether a period passes this filter's year condition as its `undated` mode says
    /// (a period passes when there is no year condition).
    pub fn admits(&self, period: Period) -> bool {
        self.year
            .is_none_or(|year| self.undated.keeps(period.covers(year)))
    }
    /// Whether the filter asks about interventions (anything beyond the node's own fields).
    fn has_intervention_conditions(&self) -> bool {
        self.programme.is_some()
            || self.line.is_some()
            || self.goal.is_some()
            || self.partner.is_some()
            || self.role.is_some()
            || self.funding_stream.is_some()
            || self.wijk.is_some()
            || self.year.is_some()
    }
}

impl Filter {
    /// The filter's conditions on interventions (and its area), without its own values,
    /// lists or nested filters: what a node's interventions are checked against.
    fn intervention_conditions(&self) -> Filter {
        Filter {
            area: self.area,
            programme: self.programme,
            line: self.line,
            goal: self.goal,
            partner: self.partner,
            role: self.role,
            funding_stream: self.funding_stream,
            wijk: self.wijk,
            year: self.year,
            ..Filter::default()
        }
    }

    /// Narrows the filter to these nodes (any order, repeats allowed), within the nodes it
    /// already names.
    pub fn only(&mut self, mut ids: Vec<Id>) {
        ids.sort_unstable();
        ids.dedup();
        self.ids = Some(match self.ids.take() {
            Some(named) => ids
                .into_iter()
                .filter(|i| named.binary_search(i).is_ok())
                .collect(),
            None => ids,
        });
    }

    /// Whether the filter asks nothing (`undated` alone asks nothing).
    fn is_empty(&self) -> bool {
        *self
            == Filter {
                undated: self.undated,
                ..Filter::default()
            }
    }

    /// Whether the filter asks about anything but the area (which an ordered index answers);
    /// `undated` alone asks nothing.
    fn beyond_area(&self) -> bool {
        *self
            != Filter {
                area: self.area,
                undated: self.undated,
                ..Filter::default()
            }
    }

    /// The interventions that can pass the filter's conditions on interventions, from the
    /// narrowest index at hand; `None` when no condition has one (then any can).
    fn candidate_interventions(&self, s: &Snapshot, conditions: &[Condition]) -> Option<Vec<Id>> {
        let mut best: Option<Vec<Id>> = None;
        for condition in conditions {
            let found = match condition {
                Condition::Partner => self.partner.map(|p| s.sources(p, EdgeKind::Partner)),
                Condition::Wijk => self.wijk.map(|w| s.sources(w, EdgeKind::InWijk)),
                Condition::FundingStream => {
                    self.funding_stream.map(|f| s.sources(f, EdgeKind::Funding))
                }
                Condition::Goal => self.goal.map(|g| s.interventions_of(g)),
                Condition::Line => self.line.map(|l| s.interventions_of(l)),
                Condition::Programme => self.programme.map(|p| s.interventions_of(p)),
            };
            if let Some(found) = found
                && best.as_ref().is_none_or(|b| found.len() < b.len())
            {
                best = Some(found);
            }
        }
        best
    }
}

/// A condition on interventions that an index answers.
#[derive(Clone, Copy)]
enum Condition {
    Partner,
    Wijk,
    FundingStream,
    Goal,
    Line,
    Programme,
}

/// The conditions on interventions a node of `table` passes only through its own
/// interventions (see [`Snapshot::passes`]): each names interventions one of which every
/// passing node is involved in.
fn routed_through_interventions(table: Table) -> &'static [Condition] {
    use Condition::*;
    match table {
        Table::Intervention => &[Partner, Wijk, FundingStream, Goal, Line, Programme],
        Table::Partner => &[Partner, Wijk, FundingStream, Goal, Line, Programme],
        Table::FundingStream => &[Partner, Wijk, Goal],
        Table::Goal => &[Partner, Wijk, FundingStream],
        Table::Line => &[Partner, Wijk, FundingStream, Goal],
        Table::Programme => &[Partner, Wijk, FundingStream, Goal, Line],
        Table::Wijk => &[Partner, FundingStream, Goal, Line, Programme],
        Table::Area => &[Partner, Wijk, FundingStream, Goal, Line, Programme],
        _ => &[],
    }
}

impl Snapshot {
    /// The ids of `table`'s nodes that pass the filter, sorted by the order.
    pub fn select(&self, table: Table, filter: &Filter, order: Order) -> Vec<(SortKey, Id)> {
        let candidates = self.candidates(table, filter);
        self.sort_filtered(candidates, filter, order)
    }

    /// A page of `table`'s nodes that pass the filter. Without conditions beyond the area and
    /// in an indexed order it is cut from an ordered index; otherwise the filter's narrowest
    /// index gives the candidates, which are checked and sorted.
    pub fn page(&self, table: Table, filter: &Filter, order: Order, window: &Window) -> Windowed {
        if filter.beyond_area() || !order.field.indexed() {
            let sorted = self.select(table, filter, order);
            return Windowed::of_sorted(sorted, order, window);
        }
        match self.orders.get(&(table, filter.area)) {
            Some(ordered) => ordered.window(order, window),
            None => Windowed::default(),
        }
    }

    /// The nodes of `table` that can pass the filter: the narrowest set its indexes give (see
    /// [`Snapshot::narrowed`]), or else all.
    pub(super) fn candidates(&self, table: Table, filter: &Filter) -> Vec<Id> {
        self.narrowed(table, filter).unwrap_or_else(|| {
            self.orders
                .get(&(table, None))
                .map(|o| o.created.iter().copied().collect())
                .unwrap_or_default()
        })
    }

    /// The nodes of `table` that can pass the filter as far as its indexes tell, sorted by id;
    /// `None` when no condition narrows. The narrowest of: those involved in the interventions
    /// of the narrowest indexed condition, the listed ids, what each `all` filter narrows to,
    /// the union of what the `any` filters narrow to (when each of them narrows); failing
    /// those, the area's nodes.
    pub(super) fn narrowed(&self, table: Table, filter: &Filter) -> Option<Vec<Id>> {
        let mut best: Option<Vec<Id>> = None;
        let mut consider = |found: Vec<Id>| {
            if best.as_ref().is_none_or(|b| found.len() < b.len()) {
                best = Some(found);
            }
        };
        if let Some(interventions) =
            filter.candidate_interventions(self, routed_through_interventions(table))
        {
            let mut ids: Vec<Id> = interventions
                .into_iter()
                .flat_map(|i| self.involved(i, table))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            consider(ids);
        }
        if let Some(ids) = &filter.ids {
            consider(
                ids.iter()
                    .copied()
                    .filter(|&id| self.table_of(id) == Some(table))
                    .collect(),
            );
        }
        for child in &filter.all {
            if let Some(found) = self.narrowed(table, child) {
                consider(found);
            }
        }
        if let Some(any) = &filter.any {
            let union: Option<Vec<Id>> = any.iter().try_fold(Vec::new(), |mut union, child| {
                union.extend(self.narrowed(table, child)?);
                Some(union)
            });
            if let Some(mut union) = union {
                union.sort_unstable();
                union.dedup();
                consider(union);
            }
        }
        if best.is_none()
            && let Some(area) = filter.area
        {
            return Some(self.in_area(table, area).collect());
        }
        best
    }

    /// How many of the given nodes, or of `table`'s candidates when `ids` is `None`, meet the
    /// filter only perhaps: their activity in its year is unknown (see [`Snapshot::judge`]).
    /// Zero without a year condition; otherwise it costs what a filtered page costs.
    pub fn count_undated(&self, table: Table, ids: Option<Vec<Id>>, filter: &Filter) -> usize {
        if !filter.has_year() {
            return 0;
        }
        ids.unwrap_or_else(|| self.candidates(table, filter))
            .into_iter()
            .filter(|&id| self.judge(id, filter) == Known::Unknown)
            .count()
    }

    /// Filters and sorts a given list of node ids (e.g. the neighbours of a node).
    pub fn sort_filtered(&self, ids: Vec<Id>, filter: &Filter, order: Order) -> Vec<(SortKey, Id)> {
        // No condition (`undated` alone asks nothing): every node given passes.
        let any = filter.is_empty();
        let mut keyed: Vec<(SortKey, Id)> = ids
            .into_iter()
            .filter(|&id| any || self.passes(id, filter))
            .map(|id| (self.sort_key(id, order), id))
            .collect();
        keyed.sort_unstable_by(|a, b| {
            let ord = a.0.cmp(&b.0);
            if order.descending { ord.reverse() } else { ord }
        });
        keyed
    }

    /// The sort key of a node in an order.
    pub fn sort_key(&self, id: Id, order: Order) -> SortKey {
        let d = &self.data;
        match order.field {
            OrderField::Created => SortKey::Created(id),
            OrderField::Name => SortKey::Text(self.folded_name(id).to_owned(), id),
            OrderField::Slug => SortKey::Text(self.slug_of(id).to_owned(), id),
            OrderField::Kind => {
                let kind = d
                    .partners
                    .get(&id)
                    .map(|p| p.kind.as_str())
                    .or_else(|| d.funding_streams.get(&id).map(|f| f.kind.as_str()));
                SortKey::Text(kind.unwrap_or("").to_owned(), id)
            }
            field => SortKey::number(self.number_of(id, field), id, order.descending),
        }
    }

    /// A node's number in a numeric order (or condition); `None` when unknown or when the
    /// node has no such number.
    pub fn number_of(&self, id: Id, field: OrderField) -> Option<i64> {
        let d = &self.data;
        let years = || {
            d.interventions
                .get(&id)
                .map(|i| (i.start_year, i.end_year))
                .or_else(|| {
                    d.funding_streams
                        .get(&id)
                        .map(|f| (f.start_year, f.end_year))
                })
        };
        match field {
            OrderField::StartYear => years().and_then(|(start, _)| start).map(i64::from),
            OrderField::EndYear => years().and_then(|(_, end)| end).map(i64::from),
            OrderField::Amount => d.funding_streams.get(&id).and_then(|f| f.amount_eur),
            OrderField::Updated => d.stamps_of(id).map(|s| s.updated),
            OrderField::Count(count) => i64::try_from(self.count(id, count)).ok(),
            OrderField::Created | OrderField::Name | OrderField::Slug | OrderField::Kind => None,
        }
    }

    /// How many partners, interventions or programme clusters a node has (see [`Count`]).
    /// Costs what the node's interventions and their links hold, never a table scan (an
    /// area's interventions are all of the area's, so areas are not counted).
    pub fn count(&self, id: Id, count: Count) -> usize {
        match (self.table_of(id), count) {
            (None | Some(Table::Area), _) => 0,
            (_, Count::Interventions) => self.interventions_of(id).len(),
            (_, Count::Partners) => self.reached_through_interventions(id, Table::Partner).len(),
            (_, Count::Programmes) => self
                .reached_through_interventions(id, Table::Programme)
                .len(),
        }
    }

    /// The slug of any node.
    pub fn slug_of(&self, id: Id) -> &str {
        let d = &self.data;
        let slug = match self.table_of(id) {
            Some(Table::Area) => d.areas.get(&id).map(|r| r.slug.as_str()),
            Some(Table::Programme) => d.programmes.get(&id).map(|r| r.slug.as_str()),
            Some(Table::Line) => d.lines.get(&id).map(|r| r.slug.as_str()),
            Some(Table::Goal) => d.goals.get(&id).map(|r| r.slug.as_str()),
            Some(Table::Intervention) => d.interventions.get(&id).map(|r| r.slug.as_str()),
            Some(Table::Partner) => d.partners.get(&id).map(|r| r.slug.as_str()),
            Some(Table::FundingStream) => d.funding_streams.get(&id).map(|r| r.slug.as_str()),
            Some(Table::Wijk) => d.wijken.get(&id).map(|r| r.slug.as_str()),
            Some(Table::Indicator) => d.indicators.get(&id).map(|r| r.slug.as_str()),
            _ => None,
        };
        slug.unwrap_or("")
    }

    /// Whether one node passes the filter: [`Snapshot::judge`]'s answer, kept or dropped as
    /// the filter's `undated` mode says.
    pub fn passes(&self, id: Id, filter: &Filter) -> bool {
        filter.undated.keeps(self.judge(id, filter))
    }

    /// Whether one node meets the filter, in three values: its own conditions, each of `all`,
    /// one of `any` and not `not`, where a year condition on a period the document does not
    /// give (in full) is unknown, and unknown spreads as in Kleene's logic ("unknown and
    /// yes" is unknown, "unknown or yes" is yes, "not unknown" is unknown). Evaluated as two
    /// boolean passes, unknown read as failing and as holding: `Yes` when the first holds,
    /// `Unknown` when only the second does. Without a year condition one pass answers.
    pub fn judge(&self, id: Id, filter: &Filter) -> Known {
        if self.passes_as(id, filter, false) {
            Known::Yes
        } else if filter.has_year() && self.passes_as(id, filter, true) {
            Known::Unknown
        } else {
            Known::No
        }
    }

    /// Whether one node passes the filter with unknown year answers read as `unknown_holds`.
    fn passes_as(&self, id: Id, filter: &Filter, unknown_holds: Reading) -> bool {
        self.passes_own(id, filter, unknown_holds)
            && filter
                .all
                .iter()
                .all(|f| self.passes_as(id, f, unknown_holds))
            && filter
                .any
                .as_ref()
                .is_none_or(|any| any.iter().any(|f| self.passes_as(id, f, unknown_holds)))
            && filter
                .not
                .as_ref()
                .is_none_or(|f| !self.passes_as(id, f, !unknown_holds))
    }
}

/// Whether a value, `None` when the node has none, is in a list; no list allows any.
fn listed<T: PartialEq>(list: &Option<Vec<T>>, value: Option<T>) -> bool {
    list.as_ref()
        .is_none_or(|list| value.is_some_and(|v| list.contains(&v)))
}

impl Snapshot {
    /// Whether a node meets the filter's lists and ranges on its own values.
    fn values_pass(&self, id: Id, f: &Filter) -> bool {
        let d = &self.data;
        let ranged = |range: &Option<Range>, field: OrderField| {
            range
                .as_ref()
                .is_none_or(|r| r.holds(self.number_of(id, field)))
        };
        f.ids
            .as_ref()
            .is_none_or(|ids| ids.binary_search(&id).is_ok())
            && listed(&f.partner_kinds, d.partners.get(&id).map(|p| p.kind))
            && listed(&f.funding_kinds, d.funding_streams.get(&id).map(|s| s.kind))
            && listed(&f.goal_levels, d.goals.get(&id).map(|g| g.level))
            && ranged(&f.start_year, OrderField::StartYear)
            && ranged(&f.end_year, OrderField::EndYear)
            && ranged(&f.amount, OrderField::Amount)
            && ranged(&f.partner_count, OrderField::Count(Count::Partners))
            && ranged(
                &f.intervention_count,
                OrderField::Count(Count::Interventions),
            )
            && ranged(&f.programme_count, OrderField::Count(Count::Programmes))
    }

    /// Whether one node passes the filter's own conditions (not its nested filters), unknown
    /// year answers read as `unknown_holds`.
    fn passes_own(&self, id: Id, filter: &Filter, unknown_holds: Reading) -> bool {
        let Some(table) = self.table_of(id) else {
            return false;
        };
        if let Some(area) = filter.area
            && self.area_of(id) != Some(area)
        {
            return false;
        }
        if let Some(needle) = &filter.search
            && !self.matches_search(id, self.slug_of(id), needle)
        {
            return false;
        }
        if !self.values_pass(id, filter) {
            return false;
        }
        let d = &self.data;
        let mut residual = filter.intervention_conditions();
        match table {
            Table::Intervention => return self.intervention_passes(id, filter, unknown_holds),
            Table::Partner => {
                if filter
                    .partner_kind
                    .is_some_and(|k| d.partners.get(&id).is_none_or(|p| p.kind != k))
                {
                    return false;
                }
                // The partner's own interventions, in the asked role; `partner` then means a
                // fellow partner on the same intervention.
                let own = self.partner_interventions(id, filter.role);
                residual.role = None;
                if filter.partner == Some(id) {
                    return false;
                }
                return !residual.has_intervention_conditions() && filter.role.is_none()
                    || own
                        .into_iter()
                        .any(|i| self.intervention_passes(i, &residual, unknown_holds));
            }
            Table::FundingStream => {
                let Some(stream) = d.funding_streams.get(&id) else {
                    return false;
                };
                if filter.funding_kind.is_some_and(|k| stream.kind != k) {
                    return false;
                }
                if let Some(year) = filter.year
                    && !covers(stream.years(), year, unknown_holds)
                {
                    return false;
                }
                residual.year = None;
                if residual.funding_stream.is_some_and(|s| s != id) {
                    return false;
                }
                residual.funding_stream = None;
                // A stream named for a whole line counts for that line and its programme.
                let lines = self.sources(id, EdgeKind::LineFunding);
                if let Some(line) = residual.line
                    && lines.contains(&line)
                {
                    residual.line = None;
                }
                if let Some(programme) = residual.programme
                    && lines
                        .iter()
                        .any(|l| d.lines.get(l).is_some_and(|l| l.programme_id == programme))
                {
                    residual.programme = None;
                }
            }
            Table::Goal => {
                let Some(goal) = d.goals.get(&id) else {
                    return false;
                };
                if filter.goal_level.is_some_and(|level| goal.level != level) {
                    return false;
                }
                let line = self.goal_line(id);
                if let Some(wanted) = filter.line {
                    if line != Some(wanted) {
                        return false;
                    }
                    residual.line = None;
                }
                if let Some(wanted) = filter.programme {
                    let programme = line.and_then(|l| d.lines.get(&l)).map(|l| l.programme_id);
                    if programme != Some(wanted) {
                        return false;
                    }
                    residual.programme = None;
                }
                // Walking up from the goal costs its depth; walking down from the wanted
                // goal would cost its whole subtree for every goal checked.
                if let Some(wanted) = filter.goal {
                    if !self.goal_and_ancestors(id).contains(&wanted) {
                        return false;
                    }
                    residual.goal = None;
                }
            }
            Table::Line => {
                let Some(line) = d.lines.get(&id) else {
                    return false;
                };
                if filter.programme.is_some_and(|p| line.programme_id != p) {
                    return false;
                }
                residual.programme = None;
                if filter.line.is_some_and(|l| l != id) {
                    return false;
                }
                residual.line = None;
            }
            Table::Programme => {
                if filter.programme.is_some_and(|p| p != id) {
                    return false;
                }
                residual.programme = None;
            }
            Table::Wijk => {
                if filter.wijk.is_some_and(|w| w != id) {
                    return false;
                }
                residual.wijk = None;
            }
            _ => {}
        }
        !residual.has_intervention_conditions()
            || self
                .interventions_of(id)
                .into_iter()
                .any(|i| self.intervention_passes(i, &residual, unknown_holds))
    }

    /// The interventions a partner works on, optionally only in one role.
    pub fn partner_interventions(&self, partner: Id, role: Option<PartnerRole>) -> Vec<Id> {
        self.in_role(partner, Direction::Incoming, role)
    }

    /// The partners of an intervention, in any role or in one.
    pub fn intervention_partners(&self, intervention: Id, role: Option<PartnerRole>) -> Vec<Id> {
        self.in_role(intervention, Direction::Outgoing, role)
    }

    /// The other ends of a node's partner links (`Outgoing` from an intervention, `Incoming`
    /// to a partner), in any role or in one.
    fn in_role(&self, node: Id, direction: Direction, role: Option<PartnerRole>) -> Vec<Id> {
        self.edges(node, EdgeKind::Partner, direction)
            .into_iter()
            .filter(|(link, _)| {
                role.is_none_or(|role| {
                    self.data
                        .intervention_partners
                        .get(link)
                        .is_some_and(|l| l.role == role)
                })
            })
            .map(|(_, other)| other)
            .collect()
    }

    /// Whether an intervention meets the filter's intervention conditions, unknown year
    /// answers read as `unknown_holds`.
    fn intervention_passes(&self, id: Id, f: &Filter, unknown_holds: Reading) -> bool {
        let Some(intervention) = self.data.interventions.get(&id) else {
            return false;
        };
        if f.area.is_some_and(|a| intervention.area_id != a) {
            return false;
        }
        if let Some(year) = f.year
            && !covers(intervention.years(), year, unknown_holds)
        {
            return false;
        }
        if f.programme
            .is_some_and(|p| !self.intervention_programmes(id).contains(&p))
        {
            return false;
        }
        if f.line
            .is_some_and(|l| !self.intervention_lines(id).contains(&l))
        {
            return false;
        }
        if let Some(goal) = f.goal {
            // The intervention's goals and their ancestors: what it costs is the
            // intervention's own, not the size of the wanted goal's subtree.
            if !self
                .targets(id, EdgeKind::Contributes)
                .into_iter()
                .any(|g| self.goal_and_ancestors(g).contains(&goal))
            {
                return false;
            }
        }
        if f.partner.is_some() || f.role.is_some() {
            let found = self
                .edges(id, EdgeKind::Partner, Direction::Outgoing)
                .into_iter()
                .any(|(link, partner)| {
                    f.partner.is_none_or(|p| p == partner)
                        && f.role.is_none_or(|role| {
                            self.data
                                .intervention_partners
                                .get(&link)
                                .is_some_and(|l| l.role == role)
                        })
                });
            if !found {
                return false;
            }
        }
        if f.funding_stream
            .is_some_and(|s| !self.targets(id, EdgeKind::Funding).contains(&s))
        {
            return false;
        }
        if f.wijk
            .is_some_and(|w| !self.targets(id, EdgeKind::InWijk).contains(&w))
        {
            return false;
        }
        true
    }
}
