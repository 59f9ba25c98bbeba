//! Everything Palisade writes for people who do not open the app: diagrams and reports.
//! Each format escapes what users typed for the place it lands in.

pub mod icons;
pub mod json;
pub mod rules_doc;
pub mod sarif;
pub mod text;
