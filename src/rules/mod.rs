//! The rule engine: checks a design against the Well-Architected security checklist (SE:01 to
//! SE:12) and the Microsoft cloud security benchmark (MCSB v1).
//!
//! Each rule lives in its own file with its metadata, check and tests; [`registry`] lists them.
//! Evaluation is pure: the same design gives the same findings in the same order.

pub mod context;
mod message;
pub mod registry;
pub mod score;
#[cfg(test)]
mod secure_settings;
#[cfg(test)]
pub mod testing;

mod compute;
mod data;
mod edge;
mod governance;
mod hash;
mod identity;
mod monitoring;
mod network;
mod process;

use std::collections::BTreeMap;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

pub use context::{Context, PublicEndpoint};
use message::Messages;
pub use message::{Message, MessageText};
pub use process::ATTESTATIONS;
pub use score::{Coverage, Score};

use crate::model::{Catalog, ConnectionId, Design, NodeId, Severity};

/// The STRIDE threat category a rule mainly guards against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
pub enum Stride {
    Spoofing,
    Tampering,
    Repudiation,
    InformationDisclosure,
    DenialOfService,
    ElevationOfPrivilege,
}

impl Stride {
    pub const ALL: [Self; 6] = [
        Self::Spoofing,
        Self::Tampering,
        Self::Repudiation,
        Self::InformationDisclosure,
        Self::DenialOfService,
        Self::ElevationOfPrivilege,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Spoofing => "Spoofing",
            Self::Tampering => "Tampering",
            Self::Repudiation => "Repudiation",
            Self::InformationDisclosure => "Information disclosure",
            Self::DenialOfService => "Denial of service",
            Self::ElevationOfPrivilege => "Elevation of privilege",
        }
    }
}

/// How a rule reaches its verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RuleKind {
    /// Properties of one component.
    Property,
    /// Paths and connections in the graph.
    Topology,
    /// Presence or coverage of a design-wide capability.
    DesignWide,
    /// A process recommendation the design owner confirms.
    Attestation,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Property => "property",
            Self::Topology => "topology",
            Self::DesignWide => "design-wide",
            Self::Attestation => "attestation",
        }
    }
}

/// What a rule is, why it matters and what to do: the source of its docs and report text.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable id, `AREA-NNN`. Fingerprints and rule settings use it.
    pub id: &'static str,
    /// The problem in a few words, kebab-case (`key-vault-purge-protection-off`).
    pub name: &'static str,
    /// The problem as a sentence-case title.
    pub title: &'static str,
    /// The most severe a finding gets; findings a rule grades lower say so in the reason.
    pub severity: Severity,
    /// Why the rule has this severity: the impact and how reachable the weakness is.
    pub severity_reason: &'static str,
    pub kind: RuleKind,
    /// Well-Architected security checklist codes (`SE:06`).
    pub se: &'static [&'static str],
    /// MCSB v1 control ids (`NS-2`).
    pub mcsb: &'static [&'static str],
    pub stride: Stride,
    /// Kinds or catalog traits the rule examines; the rule applies to a design holding any of
    /// them. Empty: it applies to every design.
    pub scope: &'static [&'static str],
    /// What the rule checks, precisely.
    pub checks: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    /// What to do about a finding.
    pub remediation: &'static str,
    /// When a finding may be acceptable or wrong.
    pub false_positives: &'static str,
    /// A learn.microsoft.com page.
    pub learn: &'static str,
    /// PSRule for Azure rules that check the same on deployed resources.
    pub psrule: &'static [&'static str],
}

/// A rule: metadata plus the check.
pub struct Rule {
    pub meta: RuleMeta,
    pub check: fn(&Context, &mut Report),
}

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    Design,
    Node(NodeId),
    Connection(ConnectionId),
}

impl Subject {
    /// The id used in fingerprints: the node or connection id, or `design`.
    pub fn key(&self) -> &str {
        match self {
            Self::Design => "design",
            Self::Node(id) => id.as_str(),
            Self::Connection(id) => id.as_str(),
        }
    }
}

/// One problem found in a design.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    /// The rule's severity, or the design's override of it.
    pub severity: Severity,
    pub subject: Subject,
    /// Other nodes involved (the path's entry point, the peered network ...), sorted.
    pub related: Related,
    /// What is wrong with this subject, naming it.
    pub message: Message,
}

/// The other nodes a finding involves, sorted and distinct; reads as a slice. Most findings
/// involve none, and then this is one empty word: a finding fits in a cache line, which matters
/// when a large design has tens of thousands of them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Related(Option<Box<RelatedNodes>>);

#[derive(Clone, PartialEq, Eq)]
struct RelatedNodes(Vec<NodeId>);

impl Related {
    #[inline]
    pub fn new(ids: Vec<NodeId>) -> Self {
        if ids.is_empty() {
            return Self(None);
        }
        Self::sorted(ids)
    }

    fn sorted(mut ids: Vec<NodeId>) -> Self {
        ids.sort();
        ids.dedup();
        Self(Some(Box::new(RelatedNodes(ids))))
    }
}

impl std::ops::Deref for Related {
    type Target = [NodeId];

    fn deref(&self) -> &[NodeId] {
        self.0
            .as_deref()
            .map_or(&[], |related| related.0.as_slice())
    }
}

impl std::fmt::Debug for Related {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl Finding {
    /// `rule-id@subject-id`: survives moves, renames and reloads.
    pub fn fingerprint(&self) -> String {
        let key = self.subject.key();
        let mut text = String::with_capacity(self.rule.id.len() + 1 + key.len());
        text.push_str(self.rule.id);
        text.push('@');
        text.push_str(key);
        text
    }
}

impl PartialEq for RuleMeta {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for RuleMeta {}

/// Collects what one rule finds.
pub struct Report {
    rule: &'static RuleMeta,
    /// The rule's severity, or the design's override of it.
    severity: Severity,
    /// Whether the design overrides the rule's severity; an override also wins over grading.
    overridden: bool,
    found: Vec<Finding>,
    /// Findings from this one on have their message in the chunk still being written.
    first_unread: usize,
    /// Every message raised, one after another; findings share it.
    text: Messages,
}

impl Report {
    /// An empty report for one rule's check, whose findings get `severity`.
    pub fn new(rule: &'static RuleMeta, severity: Severity) -> Self {
        Self {
            rule,
            severity,
            overridden: severity != rule.severity,
            found: Vec::new(),
            first_unread: 0,
            text: Messages::default(),
        }
    }

    /// Points the findings raised since the last chunk was set aside at `chunk`.
    fn read_from(&mut self, chunk: &Arc<String>) {
        for finding in &mut self.found[self.first_unread..] {
            finding.message.read_from(chunk);
        }
        self.first_unread = self.found.len();
    }

    /// The findings raised, sorted by subject (then message), one per subject.
    fn into_findings(mut self) -> Vec<Finding> {
        if let Some(chunk) = std::mem::take(&mut self.text).finish() {
            self.read_from(&chunk);
        }
        let mut found = self.found;
        // Rules mostly report each subject once, in order: one pass finds that.
        if found.windows(2).all(|w| w[0].subject < w[1].subject) {
            return found;
        }
        found.sort_by(|a, b| (&a.subject, &a.message).cmp(&(&b.subject, &b.message)));
        // One finding per fingerprint: a subject reported twice keeps the first message.
        found.dedup_by(|a, b| a.subject == b.subject);
        found
    }

    fn raise(&mut self, subject: Subject, message: impl MessageText, related: Vec<NodeId>) {
        self.raise_at(self.severity, subject, message, related);
    }

    fn raise_at(
        &mut self,
        severity: Severity,
        subject: Subject,
        message: impl MessageText,
        related: Vec<NodeId>,
    ) {
        if let Some(chunk) = self.text.make_room() {
            self.read_from(&chunk);
        }
        let message = self.text.write(message);
        self.found.push(Finding {
            rule: self.rule,
            severity,
            subject,
            related: Related::new(related),
            message,
        });
    }

    /// Raises a finding on a node.
    pub fn node(&mut self, node: &NodeId, message: impl MessageText) {
        self.raise(Subject::Node(node.clone()), message, Vec::new());
    }

    /// Raises a finding on a node that involves other nodes.
    pub fn node_with(&mut self, node: &NodeId, related: Vec<NodeId>, message: impl MessageText) {
        self.raise(Subject::Node(node.clone()), message, related);
    }

    pub fn connection(&mut self, connection: &ConnectionId, message: impl MessageText) {
        self.raise(Subject::Connection(connection.clone()), message, Vec::new());
    }

    /// The severity of a finding the rule grades: `severity`, unless the design overrides the
    /// rule's severity, which then holds for every finding.
    fn graded(&self, severity: Severity) -> Severity {
        if self.overridden {
            self.severity
        } else {
            severity
        }
    }

    /// Raises a finding on a node, involving other nodes, at a severity the rule grades for
    /// this finding.
    pub fn node_with_graded(
        &mut self,
        node: &NodeId,
        related: Vec<NodeId>,
        severity: Severity,
        message: impl MessageText,
    ) {
        let severity = self.graded(severity);
        self.raise_at(severity, Subject::Node(node.clone()), message, related);
    }

    /// Raises a finding on a connection at a severity the rule grades for this finding.
    pub fn connection_graded(
        &mut self,
        connection: &ConnectionId,
        severity: Severity,
        message: impl MessageText,
    ) {
        let severity = self.graded(severity);
        self.raise_at(
            severity,
            Subject::Connection(connection.clone()),
            message,
            Vec::new(),
        );
    }

    /// Raises a finding on the design as a whole.
    pub fn design(&mut self, message: impl MessageText) {
        self.raise(Subject::Design, message, Vec::new());
    }
}

/// All findings of one evaluation, sorted by severity, rule id, then subject.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    pub items: Vec<Finding>,
    /// The rules that apply to the design, ran, and are enabled, with the severity each ran
    /// at (the design's override, else its own); sorted by id.
    pub applicable: Vec<(&'static str, Severity)>,
}

impl Findings {
    /// The severity a rule ran at, or `None` when it did not apply or is disabled.
    pub fn applies(&self, rule: &str) -> Option<Severity> {
        self.applicable
            .binary_search_by(|(id, _)| (*id).cmp(rule))
            .ok()
            .map(|i| self.applicable[i].1)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|f| f.severity == severity).count()
    }

    /// Findings about one node, most severe first.
    pub fn for_node<'a>(&'a self, id: &'a NodeId) -> impl Iterator<Item = &'a Finding> + 'a {
        self.items.iter().filter(move |f| {
            matches!(&f.subject, Subject::Node(n) if n == id) || f.related.contains(id)
        })
    }

    /// The most severe finding per node (subjects only), for badges.
    pub fn worst_by_node(&self) -> BTreeMap<&NodeId, Severity> {
        let mut worst: BTreeMap<&NodeId, Severity> = BTreeMap::new();
        for finding in &self.items {
            if let Subject::Node(id) = &finding.subject {
                let entry = worst.entry(id).or_insert(finding.severity);
                *entry = (*entry).min(finding.severity);
            }
        }
        worst
    }
}

/// Designs with fewer nodes are checked on one thread: starting another costs more than it saves.
const PARALLEL_FROM_NODES: usize = 500;

/// Runs each rule's check, on up to `threads` workers, and returns each rule's findings in the
/// order of `runs`. Workers take the next rule as they finish one.
fn check_all(
    context: &Context,
    runs: &[(Severity, &'static Rule)],
    threads: usize,
) -> Vec<Vec<Finding>> {
    let check = |context: &Context, &(severity, rule): &(Severity, &'static Rule)| {
        let mut report = Report::new(&rule.meta, severity);
        // Most rules raise at most one finding per node they examine: reserving for that
        // spares copying a large report's findings as it grows.
        report
            .found
            .reserve_exact(context.count_of_kinds(rule.meta.scope));
        (rule.check)(context, &mut report);
        report.into_findings()
    };
    if threads < 2 || runs.len() < 2 {
        return runs.iter().map(|run| check(context, run)).collect();
    }
    // Graph rules first, property rules last. Even workers take from the front, odd ones from
    // the back: one builds the connection index the graph rules need while another checks
    // properties, which mostly do without it. Rules about the same kinds run one after
    // another, while those nodes are still in the worker's cache.
    let mut order: VecDeque<usize> = (0..runs.len()).collect();
    order.make_contiguous().sort_by_key(|&i| {
        let meta = &runs[i].1.meta;
        (meta.kind != RuleKind::Topology, meta.scope.first().copied())
    });
    let order = Mutex::new(order);
    let work = |context: &Context, from_back: bool| {
        let mut done = Vec::new();
        loop {
            // A poisoned queue means another worker panicked; its join reports that.
            let next = match order.lock() {
                Ok(mut order) if from_back => order.pop_back(),
                Ok(mut order) => order.pop_front(),
                Err(_) => None,
            };
            let Some(i) = next else {
                break;
            };
            done.push((i, check(context, &runs[i])));
        }
        done
    };
    let shared = context.shared();
    let mut done: Vec<Vec<(usize, Vec<Finding>)>> = (0..threads).map(|_| Vec::new()).collect();
    // The pool's threads persist between evaluations; a panicking rule panics the scope.
    rayon_core::scope(|scope| {
        for (worker, done) in done.iter_mut().enumerate() {
            let shared = Arc::clone(&shared);
            let work = &work;
            scope.spawn(move |_| *done = work(&Context::over(shared), worker % 2 == 1));
        }
    });
    let mut per_rule: Vec<Vec<Finding>> = vec![Vec::new(); runs.len()];
    for (i, found) in done.into_iter().flatten() {
        per_rule[i] = found;
    }
    per_rule
}

/// How many threads evaluation uses on a large design: the machine's cores, up to four.
fn worker_threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .min(4)
    })
}

/// Evaluates every enabled rule against the design.
pub fn evaluate(design: &Design, catalog: &Catalog) -> Findings {
    evaluate_rules(design, catalog, registry::all().iter().copied())
}

/// Evaluates the given rules (the registry, or one rule in a test).
pub fn evaluate_rules<'r>(
    design: &Design,
    catalog: &Catalog,
    rules: impl IntoIterator<Item = &'r Rule>,
) -> Findings
where
    'r: 'static,
{
    let threads = if design.nodes().len() >= PARALLEL_FROM_NODES {
        worker_threads()
    } else {
        1
    };
    evaluate_on_threads(design, catalog, rules, threads)
}

/// [`evaluate_rules`] on up to `threads` threads, whatever the design's size: the benchmark
/// compares one thread with several.
pub fn evaluate_on_threads<'r>(
    design: &Design,
    catalog: &Catalog,
    rules: impl IntoIterator<Item = &'r Rule>,
    threads: usize,
) -> Findings
where
    'r: 'static,
{
    let context = if threads > 1 {
        Context::new_in_parallel(design, catalog)
    } else {
        Context::new(design, catalog)
    };
    let mut findings = Findings::default();
    // The enabled rules that apply, with their severities, in the order findings are sorted:
    // each rule's findings then only need sorting among themselves, where they were added.
    let mut runs: Vec<(Severity, &'static Rule)> = Vec::new();
    for rule in rules {
        let setting = design.meta.rule_settings.get(rule.meta.id);
        if setting.is_some_and(|s| !s.enabled) || !context.in_scope(rule.meta.scope) {
            continue;
        }
        let severity = setting
            .and_then(|s| s.severity)
            .unwrap_or(rule.meta.severity);
        findings.applicable.push((rule.meta.id, severity));
        runs.push((severity, rule));
    }
    runs.sort_by_key(|(severity, rule)| (*severity, rule.meta.id));
    let distinct_rules = runs.windows(2).all(|w| w[0].1.meta.id != w[1].1.meta.id);
    let per_rule = check_all(&context, &runs, threads);
    findings
        .items
        .reserve_exact(per_rule.iter().map(Vec::len).sum());
    for found in per_rule {
        findings.items.extend(found);
    }
    let graded_lower = findings
        .items
        .windows(2)
        .any(|w| (w[0].severity, w[0].rule.id) > (w[1].severity, w[1].rule.id));
    if graded_lower && distinct_rules {
        // A rule graded some findings below its own severity: they move down among the
        // rules of that severity, each rule's findings staying in subject order.
        findings
            .items
            .sort_by(|a, b| (a.severity, a.rule.id).cmp(&(b.severity, b.rule.id)));
    }
    if !distinct_rules {
        // The same rule given twice: its findings interleave, and repeat.
        findings.items.sort_by(|a, b| {
            (a.severity, a.rule.id, &a.subject, &a.message)
                .cmp(&(b.severity, b.rule.id, &b.subject, &b.message))
        });
        findings
            .items
            .dedup_by(|a, b| a.rule.id == b.rule.id && a.subject == b.subject);
    }
    findings.applicable.sort_unstable();
    findings
}

#[cfg(test)]
mod tests {
    use super::{Finding, Related, Report, evaluate_on_threads, registry};
    use crate::model::{NodeId, Severity, catalog, generate};
    use crate::templates;

    #[test]
    fn findings_fit_in_a_cache_line() {
        assert!(std::mem::size_of::<Finding>() <= 64);
    }

    #[test]
    fn related_nodes_are_sorted_distinct_and_read_as_a_list() {
        let id = |text: &str| NodeId::new(text).unwrap_or_else(|e| panic!("{e}"));
        let related = Related::new(vec![id("b"), id("a"), id("b")]);
        assert_eq!(&*related, &[id("a"), id("b")]);
        assert_eq!(
            format!("{related:?}"),
            format!("{:?}", vec![id("a"), id("b")])
        );
        assert!(Related::new(Vec::new()).is_empty());
        assert_eq!(Related::new(Vec::new()), Related::default());
    }

    #[test]
    fn reports_give_one_finding_per_subject_in_subject_order() {
        let rule = &registry::all()[0].meta;
        let id = |text: &str| NodeId::new(text).unwrap_or_else(|e| panic!("{e}"));
        let subjects = |found: &[Finding]| -> Vec<String> {
            found.iter().map(|f| f.subject.key().to_owned()).collect()
        };
        let mut in_order = Report::new(rule, Severity::High);
        in_order.design("whole");
        in_order.node(&id("a"), "on a");
        in_order.node(&id("b"), format_args!("on {}", "b"));
        let found = in_order.into_findings();
        assert_eq!(subjects(&found), ["design", "a", "b"]);
        assert_eq!(found[2].message, "on b");
        let mut shuffled = Report::new(rule, Severity::High);
        shuffled.node(&id("b"), "b, second");
        shuffled.node(&id("a"), "on a");
        shuffled.node(&id("b"), "b, first");
        shuffled.design("whole");
        let found = shuffled.into_findings();
        assert_eq!(subjects(&found), ["design", "a", "b"]);
        // A subject reported twice keeps the message that sorts first.
        assert_eq!(found[2].message, "b, first");
        assert!(found.iter().all(|f| f.severity == Severity::High));
    }

    #[test]
    fn threads_find_what_one_thread_finds() {
        let catalog = catalog::builtin();
        let mut designs: Vec<_> = templates::builtin()
            .iter()
            .filter_map(|template| template.load(catalog).ok())
            .collect();
        designs.push(generate::design(700));
        assert!(designs.len() > 2, "templates load");
        for design in &designs {
            let rules = || registry::all().iter().copied();
            let alone = evaluate_on_threads(design, catalog, rules(), 1);
            assert!(!alone.items.is_empty());
            for threads in [2, 3] {
                let together = evaluate_on_threads(design, catalog, rules(), threads);
                assert_eq!(together, alone, "{} on {threads} threads", design.meta.name);
            }
        }
    }
}
