//! Everything Palisade writes for people who do not open the app: diagrams and reports.
//! Each format escapes what users typed for the place it lands in.

pub mod icons;
pub mod json;
pub mod rules_doc;
pub mod sarif;
pub mod text;

pub mod command;
pub mod csv;
pub mod diff;
pub mod drawio;
pub mod escape;
pub mod fit;
pub mod format;
pub mod html;
pub mod markdown;
pub mod pdf;
pub mod png;
pub mod report;
pub mod sink;
pub mod svg;
mod textwidth;
pub mod threats;

pub use format::{ExportError, ExportOptions, Format, export, today};
