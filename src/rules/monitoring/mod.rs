//! Rules of the monitoring group.

use super::Rule;

pub(super) static RULES: &[&Rule] = &[];
