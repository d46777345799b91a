//! Answers as the GraphQL specification has them where async-graphql differs: the validation
//! rules it leaves out ([`checks`]) and the shape of `data` ([`shape`]). One extension applies
//! both to every query and mutation; it runs after the cost check, so only a document whose
//! size is bounded is walked.

mod checks;
mod shape;

pub use shape::variable;

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, OperationDefinition, OperationType};
use async_graphql::{
    Name, Request, Response, ServerError, ServerResult, ValidationResult, Value, Variables,
};

/// Creates the per-request [`Spec`].
pub struct SpecAnswers {
    /// Whether introspection is on (`__schema` and `__type` are refused when it is not).
    pub introspection: bool,
}

impl ExtensionFactory for SpecAnswers {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Spec {
            introspection: self.introspection,
            request: Mutex::new(None),
            typename_variables: Mutex::default(),
        })
    }
}

/// What shaping the answer needs of the request.
struct Held {
    doc: ExecutableDocument,
    operation: Option<String>,
    variables: Variables,
}

struct Spec {
    introspection: bool,
    request: Mutex<Option<Held>>,
    /// Variables used by directives on `__typename`, which async-graphql calls unused.
    typename_variables: Mutex<Vec<Name>>,
}

#[async_trait::async_trait]
impl Extension for Spec {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let operation = request.operation_name.clone();
        let variables = request.variables.clone();
        let doc = request.parsed_query()?;
        let chosen = chosen_operation(doc, operation.as_deref());
        let registry = &ctx.schema_env.registry;
        let typename_variables =
            checks::check(registry, doc, chosen, &variables, self.introspection)?;
        if let Ok(mut held) = self.typename_variables.lock() {
            *held = typename_variables;
        }
        if chosen.is_some_and(|op| op.ty != OperationType::Subscription)
            && let Ok(mut held) = self.request.lock()
        {
            *held = Some(Held {
                doc: doc.clone(),
                operation,
                variables,
            });
        }
        next.run(ctx, request).await
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let used = std::mem::take(
            &mut *self
                .typename_variables
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        match next.run(ctx).await {
            Err(errors) if !used.is_empty() => {
                let errors: Vec<ServerError> = errors
                    .into_iter()
                    .filter(|e| {
                        !used.iter().any(|v| {
                            e.message
                                .starts_with(&format!("Variable \"${v}\" is not used"))
                        })
                    })
                    .collect();
                if errors.is_empty() {
                    // Only the false "unused" errors: every other rule passed. (Complexity and
                    // depth are not used: `limits` prices documents itself.)
                    Ok(ValidationResult {
                        cache_control: Default::default(),
                        complexity: 0,
                        depth: 0,
                    })
                } else {
                    Err(errors)
                }
            }
            other => other,
        }
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let held = self.request.lock().ok().and_then(|mut h| h.take());
        // A request refused as a whole (no data, errors without a path) keeps its shape.
        let refused =
            response.data == Value::Null && response.errors.iter().any(|e| e.path.is_empty());
        if let Some(held) = held
            && !refused
        {
            response.data = shaped(
                ctx,
                &held,
                std::mem::take(&mut response.data),
                &response.errors,
            );
        }
        response
    }
}

/// The answer's data in the specification's shape.
fn shaped(ctx: &ExtensionContext<'_>, held: &Held, data: Value, errors: &[ServerError]) -> Value {
    let registry = &ctx.schema_env.registry;
    let Some(operation) = chosen_operation(&held.doc, held.operation.as_deref()) else {
        return data;
    };
    let root = match operation.ty {
        OperationType::Mutation => registry.mutation_type.as_deref().unwrap_or("Mutation"),
        _ => registry.query_type.as_str(),
    };
    shape::Shaper::new(registry, &held.doc, operation, &held.variables).shape(
        data,
        root,
        &operation.selection_set.node,
        errors,
    )
}

/// The operation a request runs: the one named, or else the first.
pub(crate) fn chosen_operation<'a>(
    doc: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    doc.operations
        .iter()
        .find(|(op_name, _)| {
            name.is_none_or(|wanted| op_name.is_some_and(|n| n.as_str() == wanted))
        })
        .map(|(_, op)| &op.node)
}
