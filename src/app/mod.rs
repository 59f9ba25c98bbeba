//! The application layer: owns the open design, applies edits, keeps undo history, re-checks
//! and rebuilds the scene after every change. No GUI toolkit here either: the window calls it.

pub mod clipboard;
pub mod document;
pub mod layout_settings;
pub mod placement;
pub mod recent;
pub mod recovery;

pub use document::Document;
