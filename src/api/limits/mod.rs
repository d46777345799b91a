//! Bounds on the work of one request, enforced inside the schema so that every path that runs
//! a document (HTTP, WebSocket, tests calling `schema.execute`) is bounded alike. Before it
//! runs: the document's cost (an upper bound on the values of its answer, see [`measure`]),
//! depth and aliases, and a share of the server's budget for answers in flight, waited for.
//! While it runs: a ceiling on the values it produces and a deadline, checked as it goes; the
//! work yields often, so a timeout can drop it and other requests get their turn on the
//! worker threads.

mod measure;
mod sizes;

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use std::any::TypeId;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest, NextResolve,
    ResolveInfo,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{
    Request, Response, SchemaEnv, ServerError, ServerResult, TypeDirective, Value, Variables,
};

pub use measure::Measure;
pub use sizes::{SchemaSizes, Sizes};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::graph::Snapshot;

/// What a field costs beyond its own value, for the query cost limit: the work it does (an
/// analytics question) counted as that many values.
#[TypeDirective(name = "cost", location = "FieldDefinition")]
pub fn weighs(weight: u32) {}

/// Bounds on what one request may ask and do.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Highest cost of a document: the most values its answer may hold, plus the weights of
    /// expensive fields.
    pub cost: u64,
    /// Deepest field nesting.
    pub depth: u64,
    /// Most aliased fields, as executed (fragments expanded).
    pub aliases: u64,
    /// Deepest nesting the parser follows.
    pub recursion: usize,
    /// Most directives on one field.
    pub directives: usize,
    /// Most values (fields and list items) one answer may produce while it runs.
    pub values: u64,
    /// Longest time a document may run.
    pub timeout: Duration,
    /// Most cost of all requests running and answers being sent at once: each holds its cost
    /// from before it runs until its answer is sent (or dropped); one that does not fit waits.
    pub in_flight: u64,
    /// Whether introspection and "did you mean" suggestions are on.
    pub introspection: bool,
}

/// The extension that enforces [`Limits`]; one instance per request.
pub struct QueryLimits {
    limits: Limits,
    schema: Arc<OnceLock<Seen>>,
    budget: Arc<Semaphore>,
}

impl QueryLimits {
    pub fn new(limits: Limits) -> QueryLimits {
        QueryLimits {
            limits,
            schema: Arc::new(OnceLock::new()),
            budget: Arc::new(Semaphore::new(
                permits_for(limits.in_flight, limits.in_flight) as usize,
            )),
        }
    }

    /// Prices documents for a transport, with the schema this extension serves.
    pub fn pricer(&self) -> Pricer {
        Pricer {
            schema: self.schema.clone(),
        }
    }
}

/// The schema as the extension first saw it: its registry, and the sizes its lists may reach.
struct Seen {
    env: SchemaEnv,
    sizes: SchemaSizes,
}

impl Seen {
    fn measure(
        &self,
        doc: &ExecutableDocument,
        variables: &Variables,
        snapshot: Option<&Snapshot>,
    ) -> Result<Measure, measure::Unmeasurable> {
        let data = snapshot.map(|s| *s.sizes()).unwrap_or_default();
        let sizes = Sizes {
            data,
            schema: self.sizes,
        };
        measure::measure(&self.env.registry, doc, variables, &sizes)
    }
}

/// Prices a request before it is handed to the schema, so that a transport can run a cheap
/// document where it is and send a costly one to threads of its own. It knows the schema once
/// the schema has run a request (until then no price is known). The measure stays with the
/// request: the schema does not take it again.
#[derive(Clone)]
pub struct Pricer {
    schema: Arc<OnceLock<Seen>>,
}

/// A request's measure, taken by a [`Pricer`] over the snapshot the request reads.
#[derive(Clone, Copy)]
struct Priced(Measure);

impl Pricer {
    /// The cost of the request's document, over the snapshot attached to it; `None` when it
    /// cannot be told here (no request has run yet, or the document does not parse or cannot
    /// be measured: the schema then says why).
    pub fn price(&self, request: &mut Request) -> Option<u64> {
        let seen = self.schema.get()?;
        let snapshot = data::<Arc<Snapshot>>(request).cloned();
        let variables = request.variables.clone();
        let doc = request.parsed_query().ok()?;
        let m = seen.measure(doc, &variables, snapshot.as_deref()).ok()?;
        request.data.insert(Priced(m));
        Some(m.cost)
    }
}

/// The permits a request of cost `cost` takes from a budget of `budget`: its cost, at most
/// the whole budget (a request costlier than the budget runs alone).
fn permits_for(cost: u64, budget: u64) -> u32 {
    u32::try_from(cost.min(budget).max(1)).unwrap_or(u32::MAX)
}

/// Where a transport keeps a request's share of the budget for answers in flight once the
/// request has run, to hold it until the answer is sent: attach one to the request's data.
/// Without one, the share is given back when execution ends.
#[derive(Clone, Default)]
pub struct AnswerShare(Arc<Mutex<Option<OwnedSemaphorePermit>>>);

impl AnswerShare {
    fn put(&self, permit: OwnedSemaphorePermit) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(permit);
    }

    /// Adds permits to the share (an answer that grew past its estimate).
    fn grow(&self, more: OwnedSemaphorePermit) {
        let mut held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match held.as_mut() {
            Some(permit) => permit.merge(more),
            None => *held = Some(more),
        }
    }

    /// The share, to be dropped when the answer has been sent.
    pub fn take(&self) -> Option<OwnedSemaphorePermit> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Guard {
            limits: self.limits,
            schema: self.schema.clone(),
            budget: self.budget.clone(),
            share: std::sync::OnceLock::new(),
            held: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            started: Instant::now(),
            requested: AtomicU64::new(0),
            produced: AtomicU64::new(0),
            yielded_us: AtomicU64::new(0),
            subscription: std::sync::atomic::AtomicBool::new(false),
            stopped: AtomicU8::new(RUNNING),
        })
    }
}

const RUNNING: u8 = 0;
const TOO_LARGE: u8 = 1;
const TIMED_OUT: u8 = 2;
const TOO_MANY_ERRORS: u8 = 3;
const BUSY: u8 = 4;

/// Most errors one answer may hold.
pub const MAX_ERRORS: u64 = 100;
/// Bytes of text that count as one value: a long text weighs what it takes.
const TEXT_UNIT: usize = 256;
/// Permits taken from the budget at a time when an answer outgrows its estimate.
const GROW_BY: u64 = 4_096;
/// The error `extensions.code` of a request stopped because the server holds as many answers
/// as it may; HTTP answers it with 503 and `Retry-After`.
pub const BUSY_CODE: &str = "SERVICE_UNAVAILABLE";

/// How long a running request may keep a worker thread before it lets other work run.
const SLICE: Duration = Duration::from_millis(2);

/// The error `extensions.code` of a request stopped by its deadline; HTTP answers it with 504.
pub const TIMEOUT_CODE: &str = "GATEWAY_TIMEOUT";

struct Guard {
    limits: Limits,
    schema: Arc<OnceLock<Seen>>,
    budget: Arc<Semaphore>,
    /// The request's share of the budget: the transport's, or this guard's own.
    share: std::sync::OnceLock<AnswerShare>,
    /// Permits of the budget the request holds (its cost, and more as its answer outgrew it).
    held: AtomicU64,
    /// Errors the answer holds so far.
    errors: AtomicU64,
    started: Instant,
    /// The document's cost, as measured before it ran.
    requested: AtomicU64,
    /// Values produced so far.
    produced: AtomicU64,
    /// When the request last let other work run, in microseconds since it started.
    yielded_us: AtomicU64,
    /// Whether the request is a subscription: it lives as long as its client wants, so neither
    /// the deadline nor the values ceiling nor the budget for answers applies (each event is
    /// bounded by the document's cost).
    subscription: std::sync::atomic::AtomicBool,
    stopped: AtomicU8,
}

impl Guard {
    fn stop(&self, why: u8) -> ServerError {
        // The first reason sticks.
        let _ = self
            .stopped
            .compare_exchange(RUNNING, why, Ordering::Relaxed, Ordering::Relaxed);
        self.reason()
            .unwrap_or_else(|| ServerError::new("stopped", None))
    }

    /// Why the request was stopped, as the error its answer carries.
    fn reason(&self) -> Option<ServerError> {
        match self.stopped.load(Ordering::Relaxed) {
            TOO_LARGE => Some(error(
                "COST_ACTUAL_TOO_EXPENSIVE",
                format!(
                    "the answer grew past {} values (a long text counts a value per {TEXT_UNIT} \
                     bytes); ask for less (smaller pages, fewer fields)",
                    self.limits.values
                ),
                &[("limit", self.limits.values)],
            )),
            TOO_MANY_ERRORS => Some(error(
                "COST_ACTUAL_TOO_EXPENSIVE",
                format!("the answer holds more than {MAX_ERRORS} errors; ask for less"),
                &[("limit", MAX_ERRORS)],
            )),
            BUSY => Some(error(
                BUSY_CODE,
                "the server is building as many large answers as it may; try again shortly"
                    .to_owned(),
                &[],
            )),
            TIMED_OUT => Some(error(
                TIMEOUT_CODE,
                format!(
                    "the request took longer than {} s and was stopped",
                    self.limits.timeout.as_secs_f64()
                ),
                &[("limit", millis(self.limits.timeout))],
            )),
            _ => None,
        }
    }

    /// The request's measure: the one a [`Pricer`] took, or taken now.
    fn measure(
        &self,
        ctx: &ExtensionContext<'_>,
        request: &mut Request,
        snapshot: Option<&Snapshot>,
    ) -> ServerResult<Measure> {
        if let Some(Priced(m)) = data::<Priced>(request) {
            return Ok(*m);
        }
        let seen = self.schema.get_or_init(|| Seen {
            env: ctx.schema_env.clone(),
            sizes: SchemaSizes::of(&ctx.schema_env.registry),
        });
        let variables = request.variables.clone();
        let doc = request.parsed_query().map_err(|mut err| {
            err.extensions
                .get_or_insert_with(Default::default)
                .set("code", "GRAPHQL_PARSE_FAILED");
            err
        })?;
        seen.measure(doc, &variables, snapshot)
            .map_err(|err| match err {
                measure::Unmeasurable::FragmentCycle(name) => error(
                    "GRAPHQL_VALIDATION_FAILED",
                    format!(
                        "the fragment \"{}\" spreads itself",
                        crate::error::shortened(&name)
                    ),
                    &[],
                ),
                measure::Unmeasurable::NameTooLong(length) => error(
                    "GRAPHQL_VALIDATION_FAILED",
                    format!(
                        "the query uses a name of {length} characters; names are at most {}",
                        measure::MAX_NAME
                    ),
                    &[("length", length as u64)],
                ),
            })
    }
}

/// A value of a type attached to a request's data.
fn data<T: 'static>(request: &Request) -> Option<&T> {
    request
        .data
        .get(&TypeId::of::<T>())
        .and_then(|d| d.downcast_ref::<T>())
}

/// A request error with a code and numbers in its extensions.
fn error(code: &str, message: String, numbers: &[(&str, u64)]) -> ServerError {
    let mut error = ServerError::new(message, None);
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code);
    for &(name, value) in numbers {
        extensions.set(name, Value::from(value));
    }
    error
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

#[async_trait::async_trait]
impl Extension for Guard {
    /// Measures the document before anything else walks it: the parser's own checks follow
    /// fragments as often as they are spread, so only a document whose size is bounded may
    /// reach them.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // A request that comes without a snapshot (over a WebSocket) reads the current one.
        if data::<Arc<Snapshot>>(&request).is_none()
            && let Some(service) = ctx.data_opt::<Arc<crate::service::Service>>()
        {
            request.data.insert(service.snapshot());
        }
        let snapshot = data::<Arc<Snapshot>>(&request).cloned();
        let share = data::<AnswerShare>(&request).cloned();
        let operation = request.operation_name.clone();
        let m = self.measure(ctx, &mut request, snapshot.as_deref())?;
        // Parsed by now (measuring parses it).
        let doc = request.parsed_query()?;
        let subscription = super::spec::chosen_operation(doc, operation.as_deref())
            .is_some_and(|op| op.ty == async_graphql::parser::types::OperationType::Subscription);
        self.subscription.store(subscription, Ordering::Relaxed);
        self.requested.store(m.cost, Ordering::Relaxed);
        let limits = &self.limits;
        let checks = [
            (
                "aliases",
                m.aliases,
                limits.aliases,
                "GRAPHQL_VALIDATION_FAILED",
                "the query uses {found} aliases; at most {limit} are allowed",
            ),
            (
                "depth",
                m.depth,
                limits.depth,
                "GRAPHQL_VALIDATION_FAILED",
                "the query is nested {found} deep; at most {limit} is allowed",
            ),
            (
                "cost",
                m.cost,
                limits.cost,
                "COST_ESTIMATED_TOO_EXPENSIVE",
                "the query is too complex: it may cost {found}, more than the limit of {limit} \
                 (a list costs its items times what each holds; page with first/last)",
            ),
        ];
        for (what, found, limit, code, message) in checks {
            if found > limit {
                let message = message
                    .replace("{found}", &found.to_string())
                    .replace("{limit}", &limit.to_string());
                return Err(error(code, message, &[(what, found), ("limit", limit)]));
            }
        }
        if subscription {
            return next.run(ctx, request).await;
        }
        // Wait for room among the answers in flight (the request's deadline bounds the wait).
        let permits = permits_for(m.cost, self.limits.in_flight);
        let Ok(permit) = self.budget.clone().acquire_many_owned(permits).await else {
            return Err(ServerError::new("the budget for answers is closed", None));
        };
        let share = share.unwrap_or_default();
        share.put(permit);
        let _ = self.share.set(share);
        self.held.store(u64::from(permits), Ordering::Relaxed);
        next.run(ctx, request).await
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let response = next.run(ctx, operation_name).await;
        // A stopped request answers only why: never a partial answer.
        let response = match self.reason() {
            Some(reason) => Response::from_errors(vec![reason]),
            None => response,
        };
        // What the request was priced at and what it produced, as Shopify and GitHub tell it.
        let cost = Value::Object(
            [
                ("requested", self.requested.load(Ordering::Relaxed)),
                ("actual", self.produced.load(Ordering::Relaxed)),
                ("limit", self.limits.cost),
            ]
            .into_iter()
            .map(|(k, v)| (async_graphql::Name::new(k), Value::from(v)))
            .collect(),
        );
        response.extension("cost", cost)
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if self.subscription.load(Ordering::Relaxed) {
            return next.run(ctx, info).await;
        }
        if let Some(reason) = self.reason() {
            return Err(reason);
        }
        let elapsed = self.started.elapsed();
        if elapsed > self.limits.timeout {
            return Err(self.stop(TIMED_OUT));
        }
        let now_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        let last = self.yielded_us.load(Ordering::Relaxed);
        if now_us.saturating_sub(last) >= micros(SLICE) {
            self.yielded_us.store(now_us, Ordering::Relaxed);
            tokio::task::yield_now().await;
        }
        let resolved = next.run(ctx, info).await;
        let weight = match &resolved {
            Ok(Some(Value::String(text))) => 1 + (text.len() / TEXT_UNIT) as u64,
            Err(_) => {
                if self.errors.fetch_add(1, Ordering::Relaxed) + 1 > MAX_ERRORS {
                    return Err(self.stop(TOO_MANY_ERRORS));
                }
                1
            }
            _ => 1,
        };
        let produced = self.produced.fetch_add(weight, Ordering::Relaxed) + weight;
        if produced > self.limits.values {
            return Err(self.stop(TOO_LARGE));
        }
        // An answer that outgrows its estimate (long texts) takes more of the budget, or stops.
        let held = self.held.load(Ordering::Relaxed);
        if produced > held
            && let Some(share) = self.share.get()
        {
            let more = permits_for(produced - held + GROW_BY, self.limits.in_flight);
            match self.budget.clone().try_acquire_many_owned(more) {
                Ok(permit) => {
                    share.grow(permit);
                    self.held.fetch_add(u64::from(more), Ordering::Relaxed);
                }
                Err(_) => return Err(self.stop(BUSY)),
            }
        }
        resolved
    }
}

#[cfg(test)]
mod tests;
