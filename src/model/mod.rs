//! The design model: what an architecture is, independent of any screen or file format.

pub mod catalog;
pub mod design;
pub mod edit;
pub mod generate;
pub mod geometry;
pub mod ids;
pub mod text;
pub mod validate;
pub mod value;

pub use catalog::{Catalog, KindDef, PropertyDef};
pub use design::{
    Attestation, Connection, Design, Metadata, ModelError, Node, Note, Route, Routing, RuleSetting,
    Severity, ThreatDecision, ThreatStatus, Triage, TriageStatus,
};
pub use edit::Edit;
pub use geometry::{Point, Rect};
pub use ids::{ConnectionId, KindName, NodeId, NoteId, PropertyName};
pub use value::{PropertyType, Value};
