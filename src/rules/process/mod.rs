//! Rules of the process group.

use super::Rule;

pub(super) static RULES: &[&Rule] = &[];
