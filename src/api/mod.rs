//! The GraphQL API: one query and one mutation object per node type, merged into the schema.
//! Resolvers are thin: they turn arguments into domain values and read the request's snapshot
//! or call the service. Every request reads one snapshot from start to end.

mod admin;
mod analytics;
mod changes;
mod connection;
mod filters;
mod ids;
mod limits;
mod maps;
mod node;
mod spec;
mod time;
mod transaction;
mod types;

use std::sync::Arc;

use async_graphql::{Context, MergedObject, Schema, SchemaBuilder};

use crate::auth::{Principal, Role};
use crate::error::{Error, Problem};
use crate::graph::Snapshot;
use crate::service::Service;
use crate::store::Author;

pub use changes::SlowSubscriber;
pub use connection::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
pub use limits::{AnswerShare, BUSY_CODE, Limits, Pricer, TIMEOUT_CODE};

/// The root of all reads.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    node::NodeQuery,
    types::area::AreaQuery,
    types::programme::ProgrammeQuery,
    types::line::LineQuery,
    types::goal::GoalQuery,
    types::intervention::InterventionQuery,
    types::partner::PartnerQuery,
    types::funding::FundingStreamQuery,
    types::wijk::WijkQuery,
    types::indicator::IndicatorQuery,
    analytics::AnalyticsQuery,
    maps::MapQuery,
    changes::ChangeQuery,
    admin::AdminQuery,
);

/// The root of all writes. One request is one transaction: its mutation fields run in order,
/// each seeing what the fields before it did, and commit together at the end, all or nothing.
/// When any field fails (or anything else in the answer does), nothing is committed: `data`
/// is `null`, the failing field's error says why, and every field whose change had been made
/// carries an error with `extensions.code` `ROLLED_BACK`. A successful answer shows the
/// committed state (ids and versions as stored). `createApiToken` and `revokeApiToken` must be
/// the only field of their request.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    types::area::AreaMutation,
    types::programme::ProgrammeMutation,
    types::line::LineMutation,
    types::goal::GoalMutation,
    types::intervention::InterventionMutation,
    types::partner::PartnerMutation,
    types::funding::FundingStreamMutation,
    types::wijk::WijkMutation,
    types::indicator::IndicatorMutation,
    types::links::LinkMutation,
    admin::AdminMutation,
);

/// The root of all subscriptions.
pub use changes::SubscriptionRoot;

/// The schema of samenhang.
pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// The schema without any data attached (for the SDL and for building the real one).
pub fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
}

/// The schema serving a service, bounded by `limits`. Requests must carry a snapshot and a
/// principal (see [`prepare`]).
pub fn build_schema(service: Arc<Service>, limits: Limits) -> AppSchema {
    build_priced_schema(service, limits).0
}

/// [`build_schema`], with the [`Pricer`] that measures documents as its limits do, for a
/// transport that chooses where to run a request by its cost.
pub fn build_priced_schema(service: Arc<Service>, limits: Limits) -> (AppSchema, Pricer) {
    let bounds = limits::QueryLimits::new(limits);
    let pricer = bounds.pricer();
    let builder = schema_builder()
        .data(service)
        // Outermost: it commits what the request wrote after every other extension has had
        // its say on the answer.
        .extension(transaction::Transaction)
        .extension(bounds)
        .extension(spec::SpecAnswers {
            introspection: limits.introspection,
        })
        .limit_recursive_depth(limits.recursion)
        .limit_directives(limits.directives);
    let schema = if limits.introspection {
        builder.finish()
    } else {
        builder
            .disable_introspection()
            .disable_suggestions()
            .finish()
    };
    (schema, pricer)
}

/// The schema in SDL, as committed in `schema/schema.graphql`.
pub fn sdl() -> String {
    let options = async_graphql::SDLExportOptions::new()
        .sorted_fields()
        .sorted_enum_items();
    schema_builder().finish().sdl_with_options(options)
}

/// Attaches the current snapshot and the principal to a request: everything the request
/// reads comes from that snapshot, and every guard asks that principal.
pub fn prepare(
    request: async_graphql::Request,
    service: &Service,
    principal: Principal,
) -> async_graphql::Request {
    request.data(service.snapshot()).data(principal)
}

/// Lets a field through only for principals that may do what `role` may. A request without a
/// principal attached may do nothing.
pub struct Need(pub Role);

impl async_graphql::Guard for Need {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        principal(ctx).require(self.0).map_err(gql_error)
    }
}

fn principal<'a>(ctx: &Context<'a>) -> &'a Principal {
    static NOBODY: Principal = Principal::Anonymous { may_read: false };
    ctx.data_opt::<Principal>().unwrap_or(&NOBODY)
}

/// The author of a write: the request's principal and the mutation's name.
fn author(ctx: &Context<'_>) -> Author {
    Author::new(principal(ctx).actor(), ctx.field().name())
}

/// The snapshot the request reads.
fn snapshot(ctx: &Context<'_>) -> async_graphql::Result<Arc<Snapshot>> {
    ctx.data::<Arc<Snapshot>>()
        .cloned()
        .map_err(|_| gql_error(Error::Internal("request has no snapshot attached".into())))
}

/// The service, for writes.
fn service<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Arc<Service>> {
    ctx.data::<Arc<Service>>()
        .map_err(|_| gql_error(Error::Internal("schema has no service attached".into())))
}

/// The value of an input given under its new name or under the deprecated name it replaces
/// (`cluster` for `programme`): one of them, or neither. Both with different values is refused
/// (`BAD_USER_INPUT` on the new name), as the request would be ambiguous.
fn renamed<T: PartialEq>(
    new: Option<T>,
    old: Option<T>,
    new_name: &str,
    old_name: &str,
) -> crate::error::Result<Option<T>> {
    match (new, old) {
        (Some(n), Some(o)) if n != o => Err(Error::invalid(
            new_name,
            format!("`{old_name}` is the deprecated name of `{new_name}`; give only `{new_name}`"),
        )),
        (new, old) => Ok(new.or(old)),
    }
}

/// `start_year` → `startYear`, keeping path punctuation.
fn camel(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Turns a service error into a GraphQL error with `extensions.code` (and `field` or
/// `problems` for input errors). Internal errors are logged and reach the client without
/// detail.
pub fn gql_error(err: Error) -> async_graphql::Error {
    let code = err.code();
    let err = match err {
        Error::Invalid(problems) => Error::Invalid(
            problems
                .into_iter()
                .map(|p| Problem {
                    field: camel(&p.field),
                    ..p
                })
                .collect(),
        ),
        Error::NotFound { what, key, field } => Error::NotFound {
            what,
            key,
            field: field.map(|f| camel(&f)),
        },
        Error::Conflict { message, field } => Error::Conflict {
            message,
            field: field.map(|f| camel(&f)),
        },
        other => other,
    };
    let message = match &err {
        Error::Database(_) | Error::Internal(_) => {
            tracing::error!(error = %err, "request failed");
            "internal server error".to_owned()
        }
        other => other.to_string(),
    };
    let mut gql = async_graphql::Error::new(message);
    let extensions = gql.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code);
    match &err {
        Error::NotFound {
            field: Some(field), ..
        }
        | Error::Conflict {
            field: Some(field), ..
        } => {
            extensions.set("field", field.as_str());
        }
        Error::Invalid(problems) => {
            if let [one] = problems.as_slice() {
                extensions.set("field", one.field.as_str());
            }
            let list = problems
                .iter()
                .map(|p| {
                    let mut map = async_graphql::indexmap::IndexMap::new();
                    map.insert(async_graphql::Name::new("field"), p.field.clone().into());
                    map.insert(
                        async_graphql::Name::new("message"),
                        p.message.clone().into(),
                    );
                    async_graphql::Value::Object(map)
                })
                .collect();
            extensions.set("problems", async_graphql::Value::List(list));
        }
        _ => {}
    }
    gql
}

/// Gives the errors async-graphql raises itself an `extensions.code` too: errors before
/// execution (syntax, validation, complexity and depth limits) get
/// `GRAPHQL_VALIDATION_FAILED`; an argument value it cannot read (an `Int` out of range)
/// `BAD_USER_INPUT`; any other uncoded error inside execution is an internal one.
pub fn add_error_codes(response: &mut async_graphql::Response) {
    for error in &mut response.errors {
        if error
            .extensions
            .as_ref()
            .is_some_and(|x| x.get("code").is_some())
        {
            continue;
        }
        // async-graphql checks argument values while it executes: such errors have a path
        // and these message shapes (see `InputValueError`).
        let bad_value = error.message.starts_with("Failed to parse \"")
            || error.message.starts_with("Expected input type \"")
            || (error.message.starts_with("Variable ")
                && error.message.ends_with("is not defined."));
        let code = if error.path.is_empty() {
            "GRAPHQL_VALIDATION_FAILED"
        } else if bad_value {
            "BAD_USER_INPUT"
        } else {
            "INTERNAL_SERVER_ERROR"
        };
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
}

/// `.gql()` on service results inside resolvers.
trait OrGql<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> OrGql<T> for crate::error::Result<T> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(gql_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_fields() {
        assert_eq!(camel("start_year"), "startYear");
        assert_eq!(camel("slug"), "slug");
        assert_eq!(camel("funding_stream_id"), "fundingStreamId");
    }
}
