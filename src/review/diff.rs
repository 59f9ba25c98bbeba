//! The difference between two versions of a design.
