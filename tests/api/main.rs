//! Integration tests: the real app booted on port 0 with a fresh SQLite file (or, with
//! SHUANGSUI_TEST_DB=postgres, a fresh PostgreSQL database), and the real `shuangsui`
//! binary for the command line. One binary for all of them.

mod access;
mod auth;
mod batches;
mod busy;
mod calendar;
mod ceremony;
mod cli;
mod crash;
mod draws;
mod frequency;
mod helpers;
mod hostile;
mod onsite;
mod ops;
mod pages;
mod plan_import;
mod portal;
mod procedure;
mod proxy;
mod python_verifier;
mod refusals;
mod registry;
mod registry_files;
mod results;
mod schema;
mod schema_parity;
mod security;
mod servers;
mod stats;
mod tasks;
mod workflow;
