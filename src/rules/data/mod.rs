//! Rules of the data group.

use super::Rule;

pub(super) static RULES: &[&Rule] = &[];
