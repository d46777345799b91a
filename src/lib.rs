//! samenhang: the plans of Dutch area-based programmes as a typed graph, persisted with
//! sea-orm and served over GraphQL.
//!
//! Layers, from the outside in: [`server`] (HTTP) and [`cli`] (commands) → [`api`] (GraphQL)
//! → [`service`] (the write path) and [`graph`] (in-memory snapshots for reads) → [`store`]
//! (sea-orm). [`domain`] holds the records all layers share; [`dataset`] reads and writes the
//! data file; [`auth`] knows tokens, roles and who a request acts as.

pub mod analytics;
pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod dataset;
pub mod domain;
pub mod error;
pub mod graph;
pub mod maps;
pub mod server;
pub mod service;
pub mod store;
pub mod synth;
