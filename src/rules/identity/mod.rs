//! Identity, access, secrets and keys (SE:05, SE:09).

use super::Rule;

mod key_vault_purge_protection_off;

pub(super) static RULES: &[&Rule] = &[&key_vault_purge_protection_off::RULE];
