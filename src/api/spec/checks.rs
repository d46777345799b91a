//! The validation rules of the GraphQL specification that async-graphql does not apply:
//! directives must be known, stand where they may and appear once per place (unless
//! repeatable); with introspection off, `__schema` and `__type` are refused, not answered
//! `null`; and the variables of the operation that runs must be given (or have a default) and
//! must not be `null` where their type says `!`.

use async_graphql::parser::types::{
    Directive, ExecutableDocument, OperationDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::registry::{__DirectiveLocation as Location, Registry};
use async_graphql::{Pos, Positioned, ServerError, Value, Variables};

/// Checks a document; the first rule broken is the error.
pub fn check(
    registry: &Registry,
    doc: &ExecutableDocument,
    operation: Option<&OperationDefinition>,
    variables: &Variables,
    introspection: bool,
) -> Result<(), ServerError> {
    let rules = Rules {
        registry,
        introspection,
    };
    for (_, op) in doc.operations.iter() {
        let at = match op.node.ty {
            OperationType::Query => Location::QUERY,
            OperationType::Mutation => Location::MUTATION,
            OperationType::Subscription => Location::SUBSCRIPTION,
        };
        rules.directives(&op.node.directives, at)?;
        for definition in &op.node.variable_definitions {
            rules.directives(&definition.node.directives, Location::VARIABLE_DEFINITION)?;
        }
        rules.selection_set(&op.node.selection_set.node)?;
    }
    for fragment in doc.fragments.values() {
        rules.directives(&fragment.node.directives, Location::FRAGMENT_DEFINITION)?;
        rules.selection_set(&fragment.node.selection_set.node)?;
    }
    if let Some(operation) = operation {
        given_variables(operation, variables)?;
    }
    Ok(())
}

struct Rules<'a> {
    registry: &'a Registry,
    introspection: bool,
}

impl Rules<'_> {
    fn selection_set(&self, set: &SelectionSet) -> Result<(), ServerError> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    if !self.introspection && (name == "__schema" || name == "__type") {
                        return Err(invalid(
                            "GraphQL introspection is not allowed on this server, but the query \
                             asks for __schema or __type"
                                .to_owned(),
                            field.pos,
                        ));
                    }
                    self.directives(&field.node.directives, Location::FIELD)?;
                    self.selection_set(&field.node.selection_set.node)?;
                }
                Selection::FragmentSpread(spread) => {
                    self.directives(&spread.node.directives, Location::FRAGMENT_SPREAD)?;
                }
                Selection::InlineFragment(inline) => {
                    self.directives(&inline.node.directives, Location::INLINE_FRAGMENT)?;
                    self.selection_set(&inline.node.selection_set.node)?;
                }
            }
        }
        Ok(())
    }

    fn directives(&self, used: &[Positioned<Directive>], at: Location) -> Result<(), ServerError> {
        for (i, directive) in used.iter().enumerate() {
            let name = directive.node.name.node.as_str();
            let Some(known) = self.registry.directives.get(name) else {
                return Err(invalid(
                    format!("Unknown directive \"@{}\".", crate::error::shortened(name)),
                    directive.pos,
                ));
            };
            if !known.locations.contains(&at) {
                return Err(invalid(
                    format!("Directive \"@{name}\" may not be used on {at:?}."),
                    directive.pos,
                ));
            }
            let again = used[..i].iter().any(|d| d.node.name.node == name);
            if again && !known.is_repeatable {
                return Err(invalid(
                    format!("The directive \"@{name}\" can only be used once at this location."),
                    directive.pos,
                ));
            }
        }
        Ok(())
    }
}

/// Every variable of the operation without a default is given, and none whose type is
/// non-null is given `null`.
fn given_variables(
    operation: &OperationDefinition,
    variables: &Variables,
) -> Result<(), ServerError> {
    for definition in &operation.variable_definitions {
        let definition = &definition.node;
        let name = &definition.name.node;
        let ty = &definition.var_type.node;
        let required = !ty.nullable;
        match variables.get(name) {
            Some(Value::Null) if required => {
                return Err(bad_input(
                    format!("Variable \"${name}\" of non-null type \"{ty}\" must not be null."),
                    definition.name.pos,
                ));
            }
            None if required && definition.default_value.is_none() => {
                return Err(bad_input(
                    format!("Variable \"${name}\" of required type \"{ty}\" was not provided."),
                    definition.name.pos,
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

fn invalid(message: String, pos: Pos) -> ServerError {
    coded("GRAPHQL_VALIDATION_FAILED", message, pos)
}

fn bad_input(message: String, pos: Pos) -> ServerError {
    coded("BAD_USER_INPUT", message, pos)
}

fn coded(code: &str, message: String, pos: Pos) -> ServerError {
    let mut error = ServerError::new(message, Some(pos));
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    error
}
