//! Findings seen through the design's decisions. A decision is keyed by the finding's
//! fingerprint, holds until its expiry date (inclusive), and one whose finding no longer occurs
//! is stale: reported so it can be removed, never dropped silently.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Design, Triage};
use crate::rules::{Finding, Findings};

/// Where a finding stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State<'a> {
    /// No decision: it counts.
    Open,
    /// A decision whose expiry date has passed: it counts again, and says so.
    Expired(&'a Triage),
    /// Decided and in force: it does not count.
    Triaged(&'a Triage),
}

impl<'a> State<'a> {
    /// Whether the finding counts (for `--fail-on`, badges, the open list).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Triaged(_))
    }

    /// The decision on record, in force or expired.
    pub fn decision(self) -> Option<&'a Triage> {
        match self {
            Self::Open => None,
            Self::Expired(t) | Self::Triaged(t) => Some(t),
        }
    }

    /// `open`, `expired` or the decision's status id, for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Expired(_) => "expired",
            Self::Triaged(t) => t.status.as_str(),
        }
    }
}

/// The findings of one evaluation with the state of each (in the same order) and the stale
/// decisions, sorted by fingerprint.
#[derive(Clone, Debug)]
pub struct Reviewed<'a> {
    pub findings: &'a Findings,
    pub states: Vec<State<'a>>,
    pub stale: Vec<(&'a str, &'a Triage)>,
}

/// Applies the design's decisions to its findings as of `today` (`YYYY-MM-DD`).
pub fn review<'a>(design: &'a Design, findings: &'a Findings, today: &str) -> Reviewed<'a> {
    let decisions = &design.meta.triage;
    if decisions.is_empty() {
        return Reviewed {
            findings,
            states: vec![State::Open; findings.items.len()],
            stale: Vec::new(),
        };
    }
    // Decisions by (rule, subject): looking findings up this way allocates no fingerprint,
    // so reviewing is cheap enough for every frame of the designer.
    let by_parts: BTreeMap<(&str, &str), (&str, &Triage)> = decisions
        .iter()
        .filter_map(|(fingerprint, triage)| {
            let parts = fingerprint.split_once('@')?;
            Some((parts, (fingerprint.as_str(), triage)))
        })
        .collect();
    let mut decided: BTreeSet<&str> = BTreeSet::new();
    let states = findings
        .items
        .iter()
        .map(|f| match by_parts.get(&(f.rule.id, f.subject.key())) {
            None => State::Open,
            Some(&(fingerprint, triage)) => {
                decided.insert(fingerprint);
                state_of(triage, today)
            }
        })
        .collect();
    let stale = decisions
        .iter()
        .filter(|(fingerprint, _)| !decided.contains(fingerprint.as_str()))
        .map(|(fingerprint, triage)| (fingerprint.as_str(), triage))
        .collect();
    Reviewed {
        findings,
        states,
        stale,
    }
}

/// A decision's state on `today`: ISO dates compare as text.
pub fn state_of<'a>(triage: &'a Triage, today: &str) -> State<'a> {
    match &triage.expires {
        Some(expires) if expires.as_str() < today => State::Expired(triage),
        _ => State::Triaged(triage),
    }
}

impl<'a> Reviewed<'a> {
    /// Each finding with its state.
    pub fn iter(&self) -> impl Iterator<Item = (&'a Finding, State<'a>)> + '_ {
        self.findings.items.iter().zip(self.states.iter().copied())
    }

    /// The findings that count: no decision, or an expired one.
    pub fn open(&self) -> impl Iterator<Item = &'a Finding> + '_ {
        self.iter().filter(|(_, s)| s.is_open()).map(|(f, _)| f)
    }

    /// How many findings a decision in force sets aside.
    pub fn triaged_count(&self) -> usize {
        self.states.iter().filter(|s| !s.is_open()).count()
    }
}
