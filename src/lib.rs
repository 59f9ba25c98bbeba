//! Palisade: design Azure security architectures and check them against the Well-Architected
//! security pillar and the Microsoft cloud security benchmark.
//!
//! The core (`model`, `rules`, `persistence`, `scene`, `routing`, `export`, `templates`, `import`,
//! `layout`) knows no screen;
//! `app` and `ui` are the designer window; `cli` is the command line.

pub mod app;
pub mod cli;
pub mod export;
pub mod import;
pub mod layout;
pub mod model;
pub mod persistence;
pub mod review;
pub mod routing;
pub mod rules;
pub mod scene;
pub mod templates;
pub mod threats;
pub mod ui;
