//! The validation rules of the GraphQL specification that async-graphql does not apply:
//! directives must be known, stand where they may and appear once per place (unless
//! repeatable); with introspection off, `__schema` and `__type` are refused, not answered
//! `null`; and the variables of the operation that runs must be given (or have a default) and
//! must not be `null` where their type says `!`. async-graphql does not look at the directives
//! of `__typename` at all: a variable used there is checked here (defined, of the argument's
//! type) and is not "unused".

use async_graphql::parser::types::{
    Directive, ExecutableDocument, OperationDefinition, OperationType, Selection, SelectionSet,
    VariableDefinition,
};
use async_graphql::registry::{__DirectiveLocation as Location, Registry};
use async_graphql::{Name, Pos, Positioned, ServerError, Value, Variables};

/// Checks a document; the first rule broken is the error. Gives the names of the variables
/// that directives on `__typename` use.
pub fn check(
    registry: &Registry,
    doc: &ExecutableDocument,
    operation: Option<&OperationDefinition>,
    variables: &Variables,
    introspection: bool,
) -> Result<Vec<Name>, ServerError> {
    let mut rules = Rules {
        registry,
        introspection,
        defined: None,
        typename_variables: Vec::new(),
    };
    for (_, op) in doc.operations.iter() {
        rules.defined = Some(&op.node.variable_definitions);
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
    // A fragment may be spread into any operation: its variables are checked where async-graphql
    // checks the others, so only their use is noted here.
    rules.defined = None;
    for fragment in doc.fragments.values() {
        rules.directives(&fragment.node.directives, Location::FRAGMENT_DEFINITION)?;
        rules.selection_set(&fragment.node.selection_set.node)?;
    }
    if let Some(operation) = operation {
        given_variables(operation, variables)?;
    }
    Ok(rules.typename_variables)
}

struct Rules<'a> {
    registry: &'a Registry,
    introspection: bool,
    /// The variables of the operation being walked (`None` in a fragment).
    defined: Option<&'a [Positioned<VariableDefinition>]>,
    typename_variables: Vec<Name>,
}

impl<'a> Rules<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet) -> Result<(), ServerError> {
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
                    if name == "__typename" {
                        self.typename_directive_variables(&field.node.directives)?;
                    }
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

    /// The variables in the arguments of `__typename`'s directives: defined by the operation
    /// and of the argument's type (`Boolean!` takes `Boolean!`, or `Boolean` with a default).
    fn typename_directive_variables(
        &mut self,
        directives: &[Positioned<Directive>],
    ) -> Result<(), ServerError> {
        for directive in directives {
            let known = self
                .registry
                .directives
                .get(directive.node.name.node.as_str());
            for (argument, value) in &directive.node.arguments {
                // The variables in the value (async-graphql does not export the document's value
                // type by name, so they are found by resolving it).
                let mut found = Vec::new();
                let resolved = value.node.clone().into_const_with(|name| {
                    found.push(name);
                    Ok::<_, ()>(Value::Null)
                });
                self.typename_variables.extend(found.iter().cloned());
                // Only a value that is one variable is typed against the argument here.
                let ([variable], Ok(Value::Null)) = (found.as_slice(), resolved) else {
                    continue;
                };
                let Some(defined) = self.defined else {
                    continue;
                };
                let Some(definition) = defined.iter().find(|d| d.node.name.node == *variable)
                else {
                    return Err(invalid(
                        format!("Variable \"${variable}\" is not defined"),
                        value.pos,
                    ));
                };
                let wanted = known
                    .and_then(|d| d.args.get(argument.node.as_str()))
                    .map(|a| a.ty.as_str());
                let given = &definition.node.var_type.node;
                let base = given.base.to_string();
                let fits = match wanted {
                    Some(wanted) => match wanted.strip_suffix('!') {
                        Some(inner) => {
                            base == inner
                                && (!given.nullable || definition.node.default_value.is_some())
                        }
                        None => base == wanted,
                    },
                    None => true,
                };
                if !fits {
                    return Err(invalid(
                        format!(
                            "Variable \"${variable}\" of type \"{given}\" used in position \
                             expecting type \"{}\".",
                            wanted.unwrap_or_default()
                        ),
                        value.pos,
                    ));
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
