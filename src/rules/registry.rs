//! Every rule, one place. Groups list their own rules; this joins them, sorted by id.

use std::sync::OnceLock;

use super::{Rule, compute, data, edge, governance, identity, monitoring, network, process};

/// All rules, sorted by id.
pub fn all() -> &'static [&'static Rule] {
    static ALL: OnceLock<Vec<&'static Rule>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut rules: Vec<&'static Rule> = [
            network::RULES,
            edge::RULES,
            identity::RULES,
            data::RULES,
            compute::RULES,
            monitoring::RULES,
            governance::RULES,
            process::RULES,
        ]
        .concat();
        rules.sort_by_key(|r| r.meta.id);
        rules
    })
}

/// Looks a rule up by id.
pub fn find(id: &str) -> Option<&'static Rule> {
    all().iter().copied().find(|r| r.meta.id == id)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::model::catalog;

    #[test]
    fn rule_ids_and_names_are_unique_and_well_formed() {
        let mut ids = BTreeSet::new();
        let mut names = BTreeSet::new();
        for rule in all() {
            let m = &rule.meta;
            assert!(ids.insert(m.id), "duplicate id {}", m.id);
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            let (area, number) =
                m.id.split_once('-')
                    .unwrap_or_else(|| panic!("{}: id is AREA-NNN", m.id));
            assert!(
                area.chars().all(|c| c.is_ascii_uppercase()) && number.len() == 3,
                "{}",
                m.id
            );
            assert!(
                m.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                m.name
            );
        }
    }

    #[test]
    fn rule_metadata_is_complete() {
        let se_codes: BTreeSet<&str> = crate::rules::score::SE_ITEMS
            .iter()
            .map(|(c, _)| *c)
            .collect();
        for rule in all() {
            let m = &rule.meta;
            assert!(
                !m.se.is_empty() && m.se.iter().all(|c| se_codes.contains(c)),
                "{}: SE codes {:?}",
                m.id,
                m.se
            );
            assert!(!m.mcsb.is_empty(), "{}: no MCSB control", m.id);
            for text in [
                m.title,
                m.severity_reason,
                m.checks,
                m.rationale,
                m.remediation,
                m.false_positives,
            ] {
                assert!(!text.trim().is_empty(), "{}: empty text", m.id);
            }
            assert!(
                m.learn.starts_with("https://learn.microsoft.com/"),
                "{}: learn link",
                m.id
            );
            for scope in m.scope {
                let known = catalog::builtin().kind(scope).is_some()
                    || catalog::builtin()
                        .kinds()
                        .iter()
                        .any(|k| k.has_trait(scope));
                assert!(
                    known,
                    "{}: scope `{scope}` is neither a kind nor a trait",
                    m.id
                );
            }
        }
    }

    #[test]
    fn every_severity_reason_opens_with_the_severity_it_explains() {
        for rule in all() {
            let m = &rule.meta;
            let severity = m.severity.as_str();
            let mut opening = severity[..1].to_uppercase();
            opening.push_str(&severity[1..]);
            assert!(
                m.severity_reason.starts_with(&opening),
                "{}: the severity reason should open with `{opening}`: {}",
                m.id,
                m.severity_reason
            );
        }
    }

    #[test]
    fn every_checklist_item_has_rules() {
        for (code, _) in crate::rules::score::SE_ITEMS {
            assert!(
                all().iter().any(|r| r.meta.se.contains(&code)),
                "no rule covers {code}"
            );
        }
    }
}
