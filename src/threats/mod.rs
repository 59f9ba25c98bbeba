//! The threat view: STRIDE threats per component and per boundary-crossing flow, each
//! mitigated automatically when the design holds the control that answers it, and the ATT&CK
//! coverage of the design's controls.
//!
//! Everything here is derived from the design and its findings; the only thing stored is the
//! user's decision per threat (`meta.threats`, keyed by the threat's fingerprint).

pub mod attack;
pub mod controls;
pub mod data;

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{
    Catalog, Connection, Design, Node, NodeId, Severity, ThreatDecision, ThreatStatus,
};
use crate::review::triage::Reviewed;
use crate::rules::context::Link;
use crate::rules::{Context, Finding, Stride, Subject};

pub use attack::{Provider, TechniqueCoverage};
pub use controls::Provided;
pub use data::{Category, Score, Tables, builtin};

use data::{Applies, Check, Crossing, ThreatDef};

/// One threat to one element.
#[derive(Debug)]
pub struct Threat {
    pub def: &'static ThreatDef,
    /// The component or the flow.
    pub element: Subject,
    /// The definition's title with the element's names filled in.
    pub title: String,
    /// `THR-NNN@element-id`: survives moves, renames and reloads.
    pub fingerprint: String,
    pub verdict: Verdict,
    /// The user's decision, when there is one.
    pub decision: Option<ThreatDecision>,
}

/// What the design itself says about a threat.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every check of one alternative holds; what holds them, in words, with the component.
    Mitigated(Vec<Evidence>),
    /// Nothing answers it; the open findings that relate to it.
    Open(Vec<RelatedFinding>),
}

/// A reason a threat is mitigated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    pub text: String,
    /// The component providing it, to reveal on the canvas.
    pub node: Option<NodeId>,
}

/// An open finding that keeps a threat open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelatedFinding {
    pub rule: &'static str,
    pub severity: Severity,
    pub fingerprint: String,
    pub message: String,
}

/// Where a threat stands, after the user's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Open,
    NeedsInvestigation,
    /// Mitigated by a control in the design.
    Mitigated,
    /// The user says it is mitigated, outside what the design shows.
    MitigatedNoted,
    NotApplicable,
}

impl Status {
    pub const ALL: [Self; 5] = [
        Self::Open,
        Self::NeedsInvestigation,
        Self::Mitigated,
        Self::MitigatedNoted,
        Self::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::NeedsInvestigation => "needs_investigation",
            Self::Mitigated => "mitigated",
            Self::MitigatedNoted => "mitigated_noted",
            Self::NotApplicable => "not_applicable",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::NeedsInvestigation => "Needs investigation",
            Self::Mitigated => "Mitigated by the design",
            Self::MitigatedNoted => "Mitigated (noted)",
            Self::NotApplicable => "Not applicable",
        }
    }

    /// Whether the threat still asks for work.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Open | Self::NeedsInvestigation)
    }
}

impl Threat {
    pub fn status(&self) -> Status {
        match (&self.decision, &self.verdict) {
            (Some(d), _) => match d.status {
                ThreatStatus::NeedsInvestigation => Status::NeedsInvestigation,
                ThreatStatus::NotApplicable => Status::NotApplicable,
                ThreatStatus::Mitigated => Status::MitigatedNoted,
            },
            (None, Verdict::Mitigated(_)) => Status::Mitigated,
            (None, Verdict::Open(_)) => Status::Open,
        }
    }

    pub fn stride(&self) -> Stride {
        self.def.stride
    }

    /// Whether the threat concerns this node: the component, or either end of the flow.
    pub fn involves(&self, design: &Design, node: &NodeId) -> bool {
        match &self.element {
            Subject::Node(id) => id == node,
            Subject::Connection(id) => design
                .connection(id)
                .is_some_and(|c| &c.from == node || &c.to == node),
            Subject::Design => false,
        }
    }
}

/// Threats, controls and ATT&CK coverage of one design.
#[derive(Debug)]
pub struct ThreatModel<'a> {
    /// Sorted by threat id, then element id.
    pub threats: Vec<Threat>,
    /// The controls the design holds.
    pub controls: Vec<Provided<'a>>,
    /// Every technique of the table, covered or not.
    pub attack: Vec<TechniqueCoverage>,
    /// Decisions whose threat the design no longer has (the element was removed), sorted.
    pub stale: Vec<String>,
}

/// The threats and coverage of a [`ThreatModel`] without the borrowed controls: what the
/// designer keeps between edits.
#[derive(Debug)]
pub struct Analysis {
    pub threats: Vec<Threat>,
    pub attack: Vec<TechniqueCoverage>,
}

impl ThreatModel<'_> {
    pub fn into_analysis(self) -> Analysis {
        Analysis {
            threats: self.threats,
            attack: self.attack,
        }
    }

    pub fn count(&self, status: Status) -> usize {
        self.threats.iter().filter(|t| t.status() == status).count()
    }

    pub fn open_count(&self) -> usize {
        self.threats.iter().filter(|t| t.status().is_open()).count()
    }
}

/// Threats of a design, judged against its controls and its findings.
pub fn analyse<'a>(
    design: &'a Design,
    catalog: &'a Catalog,
    findings: &Reviewed,
) -> ThreatModel<'a> {
    let tables = builtin();
    let ctx = Context::new(design, catalog);
    let controls = controls::provided(&ctx, &tables.controls);
    let blocking = controls::Blocking::new(&controls);
    let mut open: OpenFindings = BTreeMap::new();
    for finding in findings.open() {
        open.entry(finding.subject.key()).or_default().push(finding);
    }
    let mut threats = Vec::new();
    for def in &tables.threats {
        match &def.applies {
            Applies::Component(kinds) => {
                for node in components(&ctx, kinds) {
                    threats.push(component_threat(&ctx, def, node, &blocking, &open));
                }
            }
            Applies::Flow(crossing) | Applies::WebFlow(crossing) => {
                let web_only = matches!(def.applies, Applies::WebFlow(_));
                for link in ctx.flows() {
                    let connection = link.connection;
                    if ctx.link_is(link, "private_link") {
                        continue;
                    }
                    let source = ctx.source_of(link);
                    let target = ctx.target_of(link);
                    if web_only && !is_web_request(&ctx, link) {
                        continue;
                    }
                    if crosses(&ctx, *crossing, source, target) {
                        threats.push(flow_threat(
                            &ctx, def, connection, source, target, &blocking, &open,
                        ));
                    }
                }
            }
        }
    }
    threats.sort_by(|a, b| {
        (a.def.id.as_str(), a.element.key()).cmp(&(b.def.id.as_str(), b.element.key()))
    });
    for threat in &mut threats {
        threat.decision = design.meta.threats.get(&threat.fingerprint).cloned();
    }
    let current: BTreeSet<&str> = threats.iter().map(|t| t.fingerprint.as_str()).collect();
    let stale = design
        .meta
        .threats
        .keys()
        .filter(|k| !current.contains(k.as_str()))
        .cloned()
        .collect();
    let attack = attack::coverage(tables, &controls);
    ThreatModel {
        threats,
        controls,
        attack,
        stale,
    }
}

fn components<'a>(ctx: &Context<'a>, kinds: &[String]) -> Vec<&'a Node> {
    let names: Vec<&str> = kinds.iter().map(String::as_str).collect();
    let mut found = ctx.nodes_of_kinds(&names);
    found.extend(ctx.nodes_with_traits(&names));
    found.sort_by(|a, b| a.id.cmp(&b.id));
    found.dedup_by(|a, b| a.id == b.id);
    found
}

/// Whether a flow carries web requests: HTTP or HTTPS traffic that is not management (which
/// the management threats cover).
fn is_web_request(ctx: &Context, link: &Link) -> bool {
    ctx.link_is(link, "traffic")
        && !ctx.is_management(link)
        && matches!(ctx.connection_text(link, "protocol"), "HTTPS" | "HTTP")
}

fn on_premises(ctx: &Context, node: &Node) -> bool {
    node.kind == "on_premises_server"
        || ctx.has_trait(node, "on_premises_zone")
        || ctx.inside_trait(node, "on_premises_zone")
}

fn crosses<'a>(ctx: &Context<'a>, crossing: Crossing, source: &'a Node, target: &'a Node) -> bool {
    match crossing {
        Crossing::Internet => ctx.in_internet(source) && !ctx.in_internet(target),
        Crossing::OnPremises => {
            on_premises(ctx, source) && !on_premises(ctx, target) && !ctx.in_internet(target)
        }
        Crossing::Subscriptions => {
            match (
                ctx.enclosing(source, "subscription"),
                ctx.enclosing(target, "subscription"),
            ) {
                (Some(a), Some(b)) => a.id != b.id,
                _ => false,
            }
        }
        Crossing::Environments => {
            let (a, b) = (ctx.environment(source), ctx.environment(target));
            matches!(
                (a, b),
                ("Production", "NonProduction") | ("NonProduction", "Production")
            )
        }
        Crossing::PublicEndpoint => {
            ctx.enclosing(source, "virtual_network").is_some()
                && target.kind != "private_endpoint"
                && ctx.enclosing(target, "virtual_network").is_none()
                && ctx.has_property(target, "public_network_access")
        }
    }
}

/// The resource a flow is for: the target, or the first resource behind it when it is a
/// pass-through (a private endpoint, public IP, load balancer ...).
fn reached<'a>(ctx: &Context<'a>, target: &'a Node) -> &'a Node {
    ctx.reached_by(target).next().map_or(target, |r| r.service)
}

fn component_threat(
    ctx: &Context,
    def: &'static ThreatDef,
    node: &Node,
    blocking: &controls::Blocking,
    findings: &OpenFindings,
) -> Threat {
    let title = def.title.replace("{element}", &ctx.label(node).to_string());
    let element = Subject::Node(node.id.clone());
    let verdict = match mitigation(ctx, def, Element::Component(node), blocking) {
        Some(evidence) => Verdict::Mitigated(evidence),
        None => Verdict::Open(related(def, findings, &[&element])),
    };
    threat(def, element, title, verdict)
}

fn flow_threat<'a>(
    ctx: &Context<'a>,
    def: &'static ThreatDef,
    connection: &'a Connection,
    source: &'a Node,
    target: &'a Node,
    blocking: &controls::Blocking,
    findings: &OpenFindings,
) -> Threat {
    let service = reached(ctx, target);
    let title = def
        .title
        .replace("{source}", &ctx.label(source).to_string())
        .replace("{target}", &ctx.label(service).to_string());
    let element = Subject::Connection(connection.id.clone());
    let flow = Element::Flow {
        connection,
        target,
        service,
    };
    let verdict = match mitigation(ctx, def, flow, blocking) {
        Some(evidence) => Verdict::Mitigated(evidence),
        None => {
            let subjects = [
                &element,
                &Subject::Node(source.id.clone()),
                &Subject::Node(target.id.clone()),
                &Subject::Node(service.id.clone()),
            ];
            Verdict::Open(related(def, findings, &subjects))
        }
    };
    threat(def, element, title, verdict)
}

fn threat(def: &'static ThreatDef, element: Subject, title: String, verdict: Verdict) -> Threat {
    let fingerprint = format!("{}@{}", def.id, element.key());
    Threat {
        def,
        element,
        title,
        fingerprint,
        verdict,
        decision: None,
    }
}

#[derive(Clone, Copy)]
enum Element<'n> {
    Component(&'n Node),
    Flow {
        connection: &'n Connection,
        target: &'n Node,
        service: &'n Node,
    },
}

/// The evidence of the first alternative that fully holds, if any.
fn mitigation(
    ctx: &Context,
    def: &'static ThreatDef,
    element: Element,
    blocking: &controls::Blocking,
) -> Option<Vec<Evidence>> {
    def.mitigated_by.iter().find_map(|checks| {
        checks
            .iter()
            .map(|check| holds(ctx, check, element, blocking))
            .collect::<Option<Vec<Evidence>>>()
    })
}

fn holds(
    ctx: &Context,
    check: &'static Check,
    element: Element,
    blocking: &controls::Blocking,
) -> Option<Evidence> {
    match (check, element) {
        (Check::Control(control), _) => {
            let covered: Vec<&NodeId> = match element {
                Element::Component(node) => vec![&node.id],
                Element::Flow {
                    target, service, ..
                } => vec![&target.id, &service.id],
            };
            let instance = covered
                .iter()
                .find_map(|id| blocking.covering(control, id))?;
            Some(Evidence {
                text: format!(
                    "{} by `{}`",
                    instance.control.name,
                    ctx.label(instance.provider)
                ),
                node: Some(instance.provider.id.clone()),
            })
        }
        (Check::Property(property, values), Element::Component(node)) => {
            let value = ctx.value(node, property)?;
            controls::matches_any(value, values).then(|| Evidence {
                text: format!(
                    "`{}` has {} {}",
                    ctx.label(node),
                    property_name(ctx, node, property),
                    value.display()
                ),
                node: Some(node.id.clone()),
            })
        }
        (Check::Property(property, values), Element::Flow { connection, .. }) => {
            let value = ctx.connection_value(connection, property)?;
            controls::matches_any(value, values).then(|| Evidence {
                text: format!(
                    "the flow has {} {}",
                    connection_property_name(ctx, connection, property),
                    value.display()
                ),
                node: None,
            })
        }
        (Check::Target(property, values), Element::Flow { service, .. }) => {
            let value = ctx.value(service, property)?;
            controls::matches_any(value, values).then(|| Evidence {
                text: format!(
                    "`{}` has {} {}",
                    ctx.label(service),
                    property_name(ctx, service, property),
                    value.display()
                ),
                node: Some(service.id.clone()),
            })
        }
        (Check::TargetKind(kinds), Element::Flow { target, .. }) => kinds
            .iter()
            .any(|k| target.kind == k.as_str())
            .then(|| Evidence {
                text: format!(
                    "the flow is served by {} `{}`",
                    ctx.kind_name(target),
                    ctx.label(target)
                ),
                node: Some(target.id.clone()),
            }),
        (Check::SendsDiagnostics, Element::Component(node)) => {
            ctx.sends_diagnostics(node).then(|| Evidence {
                text: format!("`{}` sends its logs to a workspace", ctx.label(node)),
                node: Some(node.id.clone()),
            })
        }
        // A check that does not fit the element (a flow check on a component) cannot hold; the
        // table test rejects such definitions.
        _ => None,
    }
}

fn property_name(ctx: &Context, node: &Node, property: &str) -> String {
    ctx.kind(node)
        .and_then(|k| k.properties.iter().find(|p| p.id == property))
        .map_or_else(|| property.to_owned(), |p| p.name.clone())
}

fn connection_property_name(ctx: &Context, connection: &Connection, property: &str) -> String {
    ctx.catalog()
        .connection_kind(connection.kind.as_str())
        .and_then(|k| k.properties.iter().find(|p| p.id == property))
        .map_or_else(|| property.to_owned(), |p| p.name.clone())
}

/// Open findings by subject key (`design` for design-wide ones).
type OpenFindings<'f> = BTreeMap<&'f str, Vec<&'f Finding>>;

/// Open findings of the threat's rules on these subjects (and design-wide ones), sorted.
fn related(def: &ThreatDef, findings: &OpenFindings, subjects: &[&Subject]) -> Vec<RelatedFinding> {
    let mut found: Vec<RelatedFinding> = std::iter::once("design")
        .chain(subjects.iter().map(|s| s.key()))
        .filter_map(|key| findings.get(key))
        .flatten()
        .filter(|f| def.rules.iter().any(|r| r == f.rule.id))
        .map(|f| RelatedFinding {
            rule: f.rule.id,
            severity: f.severity,
            fingerprint: f.fingerprint(),
            message: f.message.to_string(),
        })
        .collect();
    found.sort_by(|a, b| {
        (a.severity, a.rule, &a.fingerprint).cmp(&(b.severity, b.rule, &b.fingerprint))
    });
    found.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    found
}

#[cfg(test)]
mod tests;
