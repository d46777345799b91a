//! The cost of a document before it runs: every field as it will be executed (fragments
//! expanded, aliases counted, introspection included), every list priced at the most items it
//! can return, nested lists multiplied, all in saturating arithmetic. Fragments are costed
//! once per place they can stand in, so a document that spreads each fragment twice in the
//! next costs its expanded size without being expanded.
//!
//! A field costs its weight (1, or its `@cost`); a list field costs its weight plus, for each
//! item it may return, one for the item and the cost of the item's selection. The cost is so an
//! upper bound on the values the answer can hold.

use std::collections::HashMap;

use async_graphql::Variables;
use async_graphql::parser::types::{
    ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet, VariableDefinition,
};
use async_graphql::registry::{MetaTypeName, Registry};
use async_graphql::{Name, Positioned, Value};

use super::sizes::{HandDown, ListBound, Sizes};

/// What a document asks for, measured over its largest operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Measure {
    /// Upper bound on the values of the answer (see the module documentation).
    pub cost: u64,
    /// Deepest nesting of fields.
    pub depth: u64,
    /// Aliased fields, with fragments written out where they are spread.
    pub aliases: u64,
}

impl Measure {
    fn add(self, other: Measure) -> Measure {
        Measure {
            cost: self.cost.saturating_add(other.cost),
            depth: self.depth.max(other.depth),
            aliases: self.aliases.saturating_add(other.aliases),
        }
    }

    /// The cost of `self` repeated `n` times (the selection of each item of a list). Aliases
    /// are counted in the document as written out, not per item.
    fn times(self, n: u64) -> Measure {
        Measure {
            cost: self.cost.saturating_mul(n),
            ..self
        }
    }
}

/// Why a document could not be measured.
#[derive(Debug, PartialEq, Eq)]
pub enum Unmeasurable {
    /// A fragment spreads itself, directly or through others.
    FragmentCycle(String),
    /// A name (of a field, alias or argument) longer than any the schema has.
    NameTooLong(usize),
}

/// The longest name a document may use; the schema's are far shorter, and a long unknown name
/// would cost the "did you mean" search dearly.
pub const MAX_NAME: usize = 128;

/// Measures every operation of a document and returns the largest: what the request will run
/// is one of them.
pub fn measure(
    registry: &Registry,
    doc: &ExecutableDocument,
    variables: &Variables,
    sizes: &Sizes,
) -> Result<Measure, Unmeasurable> {
    let mut largest = Measure::default();
    for (_, operation) in doc.operations.iter() {
        let mut walk = Walk {
            registry,
            doc,
            variables,
            definitions: &operation.node.variable_definitions,
            sizes,
            fragments: HashMap::new(),
        };
        let root = root_type(registry, &operation.node);
        let m = walk.selection_set(root, &operation.node.selection_set, None)?;
        largest = Measure {
            cost: largest.cost.max(m.cost),
            depth: largest.depth.max(m.depth),
            aliases: largest.aliases.max(m.aliases),
        };
    }
    Ok(largest)
}

fn root_type<'a>(registry: &'a Registry, operation: &OperationDefinition) -> &'a str {
    use async_graphql::parser::types::OperationType;
    match operation.ty {
        OperationType::Query => registry.query_type.as_str(),
        OperationType::Mutation => registry.mutation_type.as_deref().unwrap_or("Mutation"),
        OperationType::Subscription => registry
            .subscription_type
            .as_deref()
            .unwrap_or("Subscription"),
    }
}

/// A fragment being measured (`None`) or measured, per the size handed down to it.
type FragmentKey<'a> = (&'a str, Option<HandDown>);

struct Walk<'a> {
    registry: &'a Registry,
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    definitions: &'a [Positioned<VariableDefinition>],
    sizes: &'a Sizes,
    fragments: HashMap<FragmentKey<'a>, Option<Measure>>,
}

impl<'a> Walk<'a> {
    fn selection_set(
        &mut self,
        parent: &'a str,
        set: &'a Positioned<SelectionSet>,
        sized: Option<HandDown>,
    ) -> Result<Measure, Unmeasurable> {
        let mut total = Measure::default();
        for item in &set.node.items {
            let m = match &item.node {
                Selection::Field(field) => self.field(parent, &field.node, sized)?,
                Selection::InlineFragment(fragment) => {
                    let on = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(parent, |c| c.node.on.node.as_str());
                    self.selection_set(on, &fragment.node.selection_set, sized)?
                }
                Selection::FragmentSpread(spread) => {
                    self.spread(spread.node.fragment_name.node.as_str(), sized)?
                }
            };
            total = total.add(m);
        }
        Ok(total)
    }

    fn spread(&mut self, name: &'a str, sized: Option<HandDown>) -> Result<Measure, Unmeasurable> {
        // An unknown fragment is for validation to report; it costs nothing here.
        let Some(fragment) = self.doc.fragments.get(name) else {
            return Ok(Measure::default());
        };
        match self.fragments.get(&(name, sized)) {
            Some(Some(done)) => return Ok(*done),
            Some(None) => return Err(Unmeasurable::FragmentCycle(name.to_owned())),
            None => {}
        }
        self.fragments.insert((name, sized), None);
        let on = fragment.node.type_condition.node.on.node.as_str();
        let m = self.selection_set(on, &fragment.node.selection_set, sized)?;
        self.fragments.insert((name, sized), Some(m));
        Ok(m)
    }

    fn field(
        &mut self,
        parent: &'a str,
        field: &'a Field,
        sized: Option<HandDown>,
    ) -> Result<Measure, Unmeasurable> {
        let name = field.name.node.as_str();
        let longest = field
            .arguments
            .iter()
            .map(|(n, _)| n.node.len())
            .chain(field.alias.as_ref().map(|a| a.node.len()))
            .fold(name.len(), usize::max);
        if longest > MAX_NAME {
            return Err(Unmeasurable::NameTooLong(longest));
        }
        let aliases = u64::from(field.alias.is_some());
        let meta = self
            .registry
            .types
            .get(parent)
            .and_then(|t| t.field_by_name(name));
        // `__typename`, or a field validation will refuse: one value, no children.
        let Some(meta) = meta else {
            return Ok(Measure {
                cost: 1,
                depth: 1,
                aliases,
            });
        };
        let weight = super::sizes::weight(meta)
            .max(1)
            .saturating_add(self.input_cost(field));
        let of = MetaTypeName::concrete_typename(&meta.ty);
        let args = Args { field, walk: self };
        let handed = sized.and_then(|h| h.items_of(name));
        let hands_down =
            super::sizes::hand_down(self.sizes, parent, name, of, &args, handed.is_some());
        let levels = list_levels(&meta.ty);
        let mut bounds = Vec::with_capacity(levels);
        if levels > 0 {
            let bound = match handed {
                Some(items) => ListBound::Items(items),
                None => super::sizes::list_bound(self.sizes, parent, name, &args),
            };
            bounds = bound.levels(levels);
        }
        let children = if field.selection_set.node.items.is_empty() {
            Measure::default()
        } else {
            self.selection_set(of, &field.selection_set, hands_down)?
        };
        // Innermost first: each level is its items, each one value plus what it holds.
        let mut inner = children;
        for &n in bounds.iter().rev() {
            inner = Measure {
                cost: inner.cost.saturating_add(1),
                ..inner
            }
            .times(n);
        }
        Ok(Measure {
            cost: weight.saturating_add(inner.cost),
            depth: inner.depth.saturating_add(1),
            aliases: aliases.saturating_add(inner.aliases),
        })
    }

    /// What reading a field's arguments costs beyond [`FREE_INPUT`] units: a unit per value in
    /// them, a text one per `TEXT_UNIT` bytes. They are read again for every item the field is
    /// asked on, so a large filter under a list is priced by the list.
    fn input_cost(&self, field: &'a Field) -> u64 {
        field
            .arguments
            .iter()
            .filter_map(|(name, _)| self.argument(field, name.node.as_str()))
            .map(|value| input_size(&value))
            .fold(0, u64::saturating_add)
            .saturating_sub(FREE_INPUT)
    }

    /// The value of a field's argument, from the document or the request's variables (or the
    /// variable's default).
    fn argument(&self, field: &'a Field, name: &str) -> Option<Value> {
        field
            .get_argument(name)?
            .node
            .clone()
            .into_const_with(|var| self.variable(&var).ok_or(()))
            .ok()
    }

    fn variable(&self, var: &Name) -> Option<Value> {
        crate::api::spec::variable(self.variables, self.definitions, var)
    }
}

/// A field's arguments, read from the document and the request's variables.
pub struct Args<'w, 'a> {
    field: &'a Field,
    walk: &'w Walk<'a>,
}

impl super::sizes::ArgValues for Args<'_, '_> {
    fn number(&self, name: &str) -> Option<u64> {
        match self.walk.argument(self.field, name)? {
            Value::Number(n) => Some(n.as_u64().unwrap_or(0)),
            _ => None,
        }
    }

    fn list_len(&self, name: &str) -> Option<u64> {
        match self.walk.argument(self.field, name)? {
            Value::List(items) => Some(u64::try_from(items.len()).unwrap_or(u64::MAX)),
            Value::Null => Some(0),
            _ => Some(1),
        }
    }

    fn flag(&self, name: &str) -> Option<bool> {
        match self.walk.argument(self.field, name)? {
            Value::Boolean(b) => Some(b),
            _ => None,
        }
    }
}

/// How many lists a type wraps: `[Goal!]!` is one, `[[Int!]!]!` two, `Goal` none.
pub fn list_levels(ty: &str) -> usize {
    match MetaTypeName::create(ty) {
        MetaTypeName::NonNull(inner) => list_levels(inner),
        MetaTypeName::List(inner) => 1 + list_levels(inner),
        MetaTypeName::Named(_) => 0,
    }
}

/// The units of arguments a field reads without being priced for them: more than any
/// ordinary filter or page holds.
pub const FREE_INPUT: u64 = 64;

/// The units of an argument value: one per value, a text one more per `TEXT_UNIT` bytes.
fn input_size(value: &Value) -> u64 {
    let sum = |sizes: &mut dyn Iterator<Item = u64>| sizes.fold(1, u64::saturating_add);
    match value {
        Value::String(text) => 1 + (text.len() / super::TEXT_UNIT) as u64,
        Value::List(items) => sum(&mut items.iter().map(input_size)),
        Value::Object(fields) => sum(&mut fields.values().map(input_size)),
        _ => 1,
    }
}
