//! Importers: infrastructure code that becomes a design.

pub mod arm;
