//! One request, one transaction: the mutation fields of a request write, in order, to one
//! [`Batch`] (each field sees what the fields before it did), and the batch commits once, after
//! the last field, all or nothing. An answer with any error commits nothing: its `data` is
//! `null`, it keeps its errors, and every field whose change had been made gets an error
//! `ROLLED_BACK` at its path. A commit that fails answers the same way, with the commit's error.
//!
//! The API token mutations write to their own tables, outside the graph's transaction: they
//! must be the only field of their request.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{
    Context, PathSegment, Pos, Request, Response, ServerError, ServerResult, Value,
};

use super::OrGql;
use crate::error::{Error, Result};
use crate::graph::Snapshot;
use crate::service::{Batch, Draft, Service};

/// Mutation fields that do not write through the batch, and so must stand alone.
const ALONE: [&str; 2] = ["createApiToken", "revokeApiToken"];

/// The writes of one mutation request: the batch, and the fields whose change it holds.
pub struct RequestWrites {
    batch: Batch,
    /// Response keys (and places in the document) of the fields whose write succeeded, in
    /// order.
    done: Mutex<Vec<(String, Pos)>>,
}

/// Runs a write of a mutation field: in the request's batch when there is one (a mutation
/// request served by a schema with [`Transaction`]), else as a write of its own. Returns the
/// snapshot the field's answer is read from and `change`'s value.
pub async fn write<T>(
    ctx: &Context<'_>,
    change: impl FnOnce(&mut Draft) -> Result<T> + Send,
) -> async_graphql::Result<(Arc<Snapshot>, T)> {
    let author = super::author(ctx);
    match ctx.data_opt::<Arc<RequestWrites>>() {
        Some(writes) => {
            let written = writes.batch.write(&author, change).await.gql()?;
            let key = ctx.item.node.response_key().node.to_string();
            writes
                .done
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((key, ctx.item.pos));
            Ok(written)
        }
        None => super::service(ctx)?.write(&author, change).await.gql(),
    }
}

/// The extension that gives every mutation request its batch and commits it.
pub struct Transaction;

impl ExtensionFactory for Transaction {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestTransaction {
            writes: OnceLock::new(),
        })
    }
}

struct RequestTransaction {
    writes: OnceLock<Arc<RequestWrites>>,
}

#[async_trait::async_trait]
impl Extension for RequestTransaction {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let operation = request.operation_name.clone();
        let fields = match (ctx.data_opt::<Arc<Service>>(), request.parsed_query().ok()) {
            (Some(service), Some(doc)) => {
                mutation_fields(doc, operation.as_deref()).map(|f| (service, f))
            }
            // A document that does not parse is refused further on.
            _ => None,
        };
        if let Some((service, fields)) = fields {
            if fields.len() > 1
                && let Some(alone) = fields.iter().find(|f| ALONE.contains(&f.as_str()))
            {
                let mut err = ServerError::new(
                    format!(
                        "{alone} must be the only field of its request: API tokens are not \
                         written in the request's transaction"
                    ),
                    None,
                );
                err.extensions
                    .get_or_insert_with(Default::default)
                    .set("code", "BAD_USER_INPUT");
                return Err(err);
            }
            let writes = Arc::new(RequestWrites {
                batch: service.request_batch(),
                done: Mutex::new(Vec::new()),
            });
            request.data.insert(writes.clone());
            let _ = self.writes.set(writes);
        }
        next.run(ctx, request).await
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let response = next.run(ctx, operation_name).await;
        let Some(writes) = self.writes.get() else {
            return response;
        };
        if response.errors.is_empty() {
            match writes.batch.commit().await {
                Ok(_) => response,
                Err(err) => roll_back(response, Some(err), writes),
            }
        } else {
            roll_back(response, None, writes)
        }
    }
}

/// The answer of a request that committed nothing: no data, its errors (and the commit's),
/// and `ROLLED_BACK` at every field whose change had been made and has no error of its own.
fn roll_back(mut response: Response, failed: Option<Error>, writes: &RequestWrites) -> Response {
    response.data = Value::Null;
    if let Some(err) = failed {
        let err = super::gql_error(err);
        let mut server = ServerError::new(err.message, None);
        server.extensions = err.extensions;
        response.errors.push(server);
    }
    let failed: HashSet<String> = response
        .errors
        .iter()
        .filter_map(|e| match e.path.first() {
            Some(PathSegment::Field(key)) => Some(key.clone()),
            _ => None,
        })
        .collect();
    let done = writes
        .done
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    for (key, pos) in done.into_iter().filter(|(k, _)| !failed.contains(k)) {
        let mut err = ServerError::new(
            format!(
                "rolled back: the change of {key} was made, but another part of the request \
                 failed, so nothing of the request was committed"
            ),
            Some(pos),
        );
        err.path = vec![PathSegment::Field(key)];
        err.extensions
            .get_or_insert_with(Default::default)
            .set("code", Error::RolledBack(String::new()).code());
        response.errors.push(err);
    }
    response
}

/// The names of the fields a mutation operation selects at its root (fragments expanded), or
/// `None` when the operation to run is not a mutation.
fn mutation_fields(doc: &ExecutableDocument, operation: Option<&str>) -> Option<Vec<String>> {
    let (_, op) = doc
        .operations
        .iter()
        .find(|(name, _)| operation.is_none_or(|o| name.is_some_and(|n| n.as_str() == o)))?;
    if op.node.ty != OperationType::Mutation {
        return None;
    }
    let mut fields = Vec::new();
    collect(
        &op.node.selection_set.node,
        doc,
        &mut HashSet::new(),
        &mut fields,
    );
    Some(fields)
}

fn collect<'a>(
    set: &'a SelectionSet,
    doc: &'a ExecutableDocument,
    spread: &mut HashSet<&'a str>,
    fields: &mut Vec<String>,
) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                if name != "__typename" {
                    fields.push(name.to_owned());
                }
            }
            Selection::FragmentSpread(s) => {
                let name = s.node.fragment_name.node.as_str();
                // Each fragment once: a cycle is refused later, by validation.
                if spread.insert(name)
                    && let Some(fragment) = doc.fragments.get(&s.node.fragment_name.node)
                {
                    collect(&fragment.node.selection_set.node, doc, spread, fields);
                }
            }
            Selection::InlineFragment(f) => {
                collect(&f.node.selection_set.node, doc, spread, fields);
            }
        }
    }
}
