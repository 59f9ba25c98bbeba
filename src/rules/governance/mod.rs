//! Rules of the governance group.

use super::Rule;

pub(super) static RULES: &[&Rule] = &[];
