//! samenhang: the plans of Dutch area-based programmes as a typed graph, persisted with
//! sea-orm and served over GraphQL.

pub mod dataset;
pub mod domain;
pub mod error;
pub mod graph;
pub mod service;
pub mod store;
