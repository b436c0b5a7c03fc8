//! Linkwork's behaviour tests: one binary, modules by capability. Every test that touches the
//! database runs on SQLite and on PostgreSQL (see `on_both_databases!`).

mod fixtures;
mod support;

mod browser;
mod web_app;
mod directory_store;
mod cli;
mod hsds_api;
mod instruments;
mod import_export;
mod pathway;
mod search_follow;
