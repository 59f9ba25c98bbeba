//! One integration-test binary (faster to link than one per file).

mod checkov;
mod cli;
mod corpus;
mod edits;
mod export;
mod gui;
mod hardening;
mod import;
mod persistence;
mod review;
mod rules;
mod templates;
mod threats;
mod tidy;

use palisade::model::{Catalog, catalog};

pub fn catalog() -> &'static Catalog {
    catalog::builtin()
}
