//! Rules of the network group.

use super::Rule;

pub(super) static RULES: &[&Rule] = &[];
