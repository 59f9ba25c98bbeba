//! Rules of the compute group.

use super::Rule;

pub(super) static RULES: &[&Rule] = &[];
