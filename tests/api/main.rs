//! Black-box tests of samenhang: the real server on a free port with a fresh database, talked
//! to over HTTP; every database test runs on SQLite and, when `TEST_POSTGRES_URL` is set, on
//! PostgreSQL.

mod helpers;

mod analytics;
mod clusters;
mod consistency;
mod crud;
mod dataset;
mod errors;
mod fuzz;
mod graphiql;
mod import_export;
mod indicators;
mod indicators_plan;
mod limits;
mod maps;
mod maps_page;
mod measurements_import;
mod persistence;
mod programmes;
mod replicas;
mod scenarios;
mod schema;
mod security;
mod sorting;
mod spec;
mod subscriptions;
mod text;
mod timestamps;
mod transactions;
mod trust;
