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

/// A built-in template, loaded.
pub fn template(id: &str) -> palisade::model::Design {
    palisade::templates::find(id)
        .unwrap_or_else(|| panic!("no template {id}"))
        .load(catalog())
        .unwrap_or_else(|e| panic!("{id}: {e}"))
}
