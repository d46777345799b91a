//! The answer as the GraphQL specification shapes it, from what async-graphql executed: keys in
//! the order the query selects them (async-graphql resolves a query's fields concurrently and
//! keeps them in the order they finish), a field that raised an error present as `null` (it
//! leaves it out), and that `null` carried up to the nearest field that may be null when the
//! field may not (it keeps the parent). An operation whose every field was skipped answers `{}`.

use std::collections::HashMap;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    Directive, ExecutableDocument, FragmentDefinition, OperationDefinition, Selection,
    SelectionSet, VariableDefinition,
};
use async_graphql::registry::{MetaType, Registry};
use async_graphql::{Name, PathSegment, Positioned, ServerError, Value, Variables};

/// What shaping needs to know of the request: its document, operation and variables.
pub struct Shaper<'a> {
    pub registry: &'a Registry,
    pub fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    pub variables: &'a Variables,
    pub definitions: &'a [Positioned<VariableDefinition>],
}

impl<'a> Shaper<'a> {
    /// Shapes `data`, the result of running `operation` of `doc`, given the execution `errors`.
    pub fn new(
        registry: &'a Registry,
        doc: &'a ExecutableDocument,
        operation: &'a OperationDefinition,
        variables: &'a Variables,
    ) -> Shaper<'a> {
        Shaper {
            registry,
            fragments: &doc.fragments,
            variables,
            definitions: &operation.variable_definitions,
        }
    }

    /// The answer's `data` in the specification's shape. `root` names the operation's type.
    pub fn shape(
        &self,
        data: Value,
        root: &str,
        set: &'a SelectionSet,
        errors: &[ServerError],
    ) -> Value {
        let mut object = match data {
            Value::Object(object) => object,
            _ => IndexMap::new(),
        };
        let sets = [set];
        for error in errors.iter().filter(|e| !e.path.is_empty()) {
            if self.place_error(&mut object, root, &sets, &error.path) {
                return Value::Null;
            }
        }
        self.order(&mut object, root, &sets);
        Value::Object(object)
    }

    /// Makes the field an error's path names `null`, and its parent too where the field may
    /// not be null, up the path. True when `object` itself must become `null`.
    fn place_error(
        &self,
        object: &mut IndexMap<Name, Value>,
        ty: &str,
        sets: &[&'a SelectionSet],
        path: &[PathSegment],
    ) -> bool {
        let Some(PathSegment::Field(key)) = path.first() else {
            return false;
        };
        let Some((field_type, subsets)) = self.field(ty, object, sets, key) else {
            return false;
        };
        let key = Name::new(key);
        let slot = object.entry(key).or_insert(Value::Null);
        let must_null = match slot {
            // Left out (the field failed) or already nulled: null, whatever failed below it.
            Value::Null => true,
            _ if path.len() == 1 => true,
            _ => self.place_in_value(slot, &field_type, &subsets, &path[1..]),
        };
        if must_null {
            *slot = Value::Null;
            return field_type.ends_with('!');
        }
        false
    }

    /// As [`Shaper::place_error`], for a value of type `ty` (which may be a list).
    fn place_in_value(
        &self,
        value: &mut Value,
        ty: &str,
        sets: &[&'a SelectionSet],
        path: &[PathSegment],
    ) -> bool {
        let ty = ty.strip_suffix('!').unwrap_or(ty);
        match value {
            Value::List(items) => {
                let Some(item_type) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
                    return false;
                };
                let Some(PathSegment::Index(i)) = path.first() else {
                    return false;
                };
                let Some(item) = items.get_mut(*i) else {
                    return false;
                };
                let must_null = match item {
                    Value::Null => true,
                    _ if path.len() == 1 => true,
                    _ => self.place_in_value(item, item_type, sets, &path[1..]),
                };
                if must_null {
                    *item = Value::Null;
                    return item_type.ends_with('!');
                }
                false
            }
            Value::Object(object) => self.place_error(object, ty, sets, path),
            _ => false,
        }
    }

    /// Puts every object's keys in the order its selection sets name them, all the way down.
    fn order(&self, object: &mut IndexMap<Name, Value>, ty: &str, sets: &[&'a SelectionSet]) {
        let runtime = self.runtime_type(ty, object, sets);
        let mut keys = Vec::new();
        for set in sets {
            self.collect_keys(set, runtime, &mut keys);
        }
        for (key, value) in object.iter_mut() {
            if let Some((field_type, subsets)) = self.field(ty, &IndexMap::new(), sets, key)
                && !subsets.is_empty()
            {
                self.order_value(value, &field_type, &subsets);
            }
        }
        let rank: HashMap<&Name, usize> =
            keys.iter().enumerate().map(|(i, k)| (k, i)).rev().collect();
        object.sort_by_cached_key(|key, _| rank.get(key).copied().unwrap_or(usize::MAX));
    }

    fn order_value(&self, value: &mut Value, ty: &str, sets: &[&'a SelectionSet]) {
        let ty = ty.strip_suffix('!').unwrap_or(ty);
        match value {
            Value::List(items) => {
                let item_type = ty
                    .strip_prefix('[')
                    .and_then(|t| t.strip_suffix(']'))
                    .unwrap_or(ty);
                for item in items {
                    self.order_value(item, item_type, sets);
                }
            }
            Value::Object(object) => self.order(object, ty, sets),
            _ => {}
        }
    }

    /// The response keys a selection set produces for an object of type `runtime` (`None`:
    /// not known, every fragment counts), in the order of first appearance.
    fn collect_keys(&self, set: &'a SelectionSet, runtime: Option<&str>, keys: &mut Vec<Name>) {
        for selection in &set.items {
            if !self.included(selection.node.directives()) {
                continue;
            }
            match &selection.node {
                Selection::Field(field) => {
                    let key = field.node.response_key().node.clone();
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = self.fragments.get(&spread.node.fragment_name.node)
                        && self.applies(Some(&fragment.node.type_condition.node.on.node), runtime)
                    {
                        self.collect_keys(&fragment.node.selection_set.node, runtime, keys);
                    }
                }
                Selection::InlineFragment(inline) => {
                    let on = inline.node.type_condition.as_ref().map(|c| &c.node.on.node);
                    if self.applies(on, runtime) {
                        self.collect_keys(&inline.node.selection_set.node, runtime, keys);
                    }
                }
            }
        }
    }

    /// The type of the field answered under `key` on `ty`, and the selection sets below it
    /// (merged over every place that selects `key`).
    fn field(
        &self,
        ty: &str,
        object: &IndexMap<Name, Value>,
        sets: &[&'a SelectionSet],
        key: &str,
    ) -> Option<(String, Vec<&'a SelectionSet>)> {
        let runtime = self.runtime_type(ty, object, sets);
        let mut name = None;
        let mut subsets = Vec::new();
        for set in sets {
            self.find_field(set, runtime, key, &mut name, &mut subsets);
        }
        let name = name?;
        let field_type = match name.as_str() {
            "__typename" => "String!".to_owned(),
            "__schema" => "__Schema!".to_owned(),
            "__type" => "__Type".to_owned(),
            name => self.field_type(runtime.unwrap_or(ty), name)?,
        };
        Some((field_type, subsets))
    }

    fn find_field(
        &self,
        set: &'a SelectionSet,
        runtime: Option<&str>,
        key: &str,
        name: &mut Option<String>,
        subsets: &mut Vec<&'a SelectionSet>,
    ) {
        for selection in &set.items {
            if !self.included(selection.node.directives()) {
                continue;
            }
            match &selection.node {
                Selection::Field(field) if field.node.response_key().node.as_str() == key => {
                    name.get_or_insert_with(|| field.node.name.node.to_string());
                    subsets.push(&field.node.selection_set.node);
                }
                Selection::Field(_) => {}
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = self.fragments.get(&spread.node.fragment_name.node)
                        && self.applies(Some(&fragment.node.type_condition.node.on.node), runtime)
                    {
                        self.find_field(
                            &fragment.node.selection_set.node,
                            runtime,
                            key,
                            name,
                            subsets,
                        );
                    }
                }
                Selection::InlineFragment(inline) => {
                    let on = inline.node.type_condition.as_ref().map(|c| &c.node.on.node);
                    if self.applies(on, runtime) {
                        self.find_field(
                            &inline.node.selection_set.node,
                            runtime,
                            key,
                            name,
                            subsets,
                        );
                    }
                }
            }
        }
    }

    /// The declared type of `field` on `ty`; on an abstract type, also the fields only its
    /// members have.
    fn field_type(&self, ty: &str, field: &str) -> Option<String> {
        let meta = self.registry.types.get(ty)?;
        if let Some(found) = meta.field_by_name(field) {
            return Some(found.ty.clone());
        }
        meta.possible_types()?
            .iter()
            .filter_map(|member| self.registry.types.get(member)?.field_by_name(field))
            .map(|found| found.ty.clone())
            .next()
    }

    /// The object's concrete type: the declared one when it is an object type, else what its
    /// `__typename` says, if it was asked for.
    fn runtime_type<'t>(
        &self,
        ty: &'t str,
        object: &'t IndexMap<Name, Value>,
        sets: &[&'a SelectionSet],
    ) -> Option<&'t str> {
        match self.registry.types.get(ty) {
            Some(MetaType::Object { .. }) => Some(ty),
            _ => {
                let mut keys = Vec::new();
                for set in sets {
                    typename_keys(set, &mut keys);
                }
                keys.iter().find_map(|key| match object.get(key.as_str()) {
                    Some(Value::String(name)) => Some(name.as_str()),
                    _ => None,
                })
            }
        }
    }

    /// Whether a fragment on `on` applies to an object of type `runtime`.
    fn applies(&self, on: Option<&Name>, runtime: Option<&str>) -> bool {
        let (Some(on), Some(runtime)) = (on, runtime) else {
            return true;
        };
        on.as_str() == runtime
            || self
                .registry
                .types
                .get(on.as_str())
                .is_some_and(|meta| meta.is_possible_type(runtime))
    }

    /// Whether `@skip` and `@include` let a selection through.
    fn included(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().all(|d| {
            let condition = d.node.get_argument("if").and_then(|v| {
                match v
                    .node
                    .clone()
                    .into_const_with(|var| self.variable(&var).ok_or(()))
                {
                    Ok(Value::Boolean(b)) => Some(b),
                    _ => None,
                }
            });
            match d.node.name.node.as_str() {
                "skip" => condition != Some(true),
                "include" => condition != Some(false),
                _ => true,
            }
        })
    }

    fn variable(&self, name: &Name) -> Option<Value> {
        variable(self.variables, self.definitions, name)
    }
}

/// A variable's value: given with the request, or its default.
pub fn variable(
    variables: &Variables,
    definitions: &[Positioned<VariableDefinition>],
    name: &Name,
) -> Option<Value> {
    if let Some(value) = variables.get(name) {
        return Some(value.clone());
    }
    definitions
        .iter()
        .find(|d| d.node.name.node == *name)
        .and_then(|d| d.node.default_value.as_ref())
        .map(|v| v.node.clone())
}

/// The response keys under which a selection set asks for `__typename`.
fn typename_keys(set: &SelectionSet, keys: &mut Vec<Name>) {
    for selection in &set.items {
        if let Selection::Field(field) = &selection.node
            && field.node.name.node == "__typename"
        {
            keys.push(field.node.response_key().node.clone());
        }
    }
}
