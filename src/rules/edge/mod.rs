//! Rules of the edge group.

use super::Rule;

pub(super) static RULES: &[&Rule] = &[];
