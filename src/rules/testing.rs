//! Small designs for rule tests, built in a line or two.

use crate::model::{Connection, Design, Edit, Node, NodeId, Rect, Value, catalog};

use super::{Finding, Rule, evaluate_rules};

/// Builds a design from kind ids; nodes are laid out on a line so geometry never matters.
pub struct DesignBuilder {
    design: Design,
}

impl Default for DesignBuilder {
    fn default() -> Self {
        Self::new()
    }
}

fn id(text: &str) -> NodeId {
    NodeId::new(text).unwrap_or_else(|e| panic!("test id: {e}"))
}

impl DesignBuilder {
    pub fn new() -> Self {
        Self {
            design: Design::new("test"),
        }
    }

    /// Adds a node of `kind` with id (and name) `node_id`.
    pub fn node(mut self, node_id: &str, kind: &str) -> Self {
        let size = catalog::builtin()
            .kind(kind)
            .map_or((170.0, 56.0), |k| k.size);
        let x = self.design.nodes().len() as f32 * 200.0;
        let node = Node {
            id: id(node_id),
            kind: kind.into(),
            name: node_id.to_owned(),
            rect: Rect::new(x, 0.0, size.0, size.1),
            parent: None,
            properties: Default::default(),
            notes: String::new(),
        };
        Edit::AddNode(node)
            .apply(&mut self.design)
            .unwrap_or_else(|e| panic!("{e}"));
        self
    }

    /// Adds a node inside a container.
    pub fn child(self, node_id: &str, kind: &str, parent: &str) -> Self {
        let mut this = self.node(node_id, kind);
        Edit::Reparent {
            node: id(node_id),
            parent: Some(id(parent)),
        }
        .apply(&mut this.design)
        .unwrap_or_else(|e| panic!("{e}"));
        this
    }

    /// Sets a property (bool, i64, &str or a list via `Value`).
    pub fn set(mut self, node_id: &str, property: &str, value: impl Into<Value>) -> Self {
        Edit::SetProperty {
            node: id(node_id),
            property: property.to_owned(),
            value: Some(value.into()),
        }
        .apply(&mut self.design)
        .unwrap_or_else(|e| panic!("{e}"));
        self
    }

    /// Connects two nodes with a connection of `kind`.
    pub fn connect(self, from: &str, to: &str, kind: &str) -> Self {
        self.connect_with(from, to, kind, &[])
    }

    /// Connects two nodes and sets connection properties.
    pub fn connect_with(
        mut self,
        from: &str,
        to: &str,
        kind: &str,
        properties: &[(&str, Value)],
    ) -> Self {
        let connection = Connection {
            id: self.design.fresh_connection_id(),
            kind: kind.into(),
            from: id(from),
            to: id(to),
            label: String::new(),
            properties: properties
                .iter()
                .map(|(k, v)| ((*k).into(), v.clone()))
                .collect(),
            route: Default::default(),
        };
        Edit::Connect(connection)
            .apply(&mut self.design)
            .unwrap_or_else(|e| panic!("{e}"));
        self
    }

    /// Sets a design-level attestation as confirmed.
    pub fn attest(mut self, item: &str) -> Self {
        let attestation = crate::model::Attestation {
            confirmed: true,
            evidence: "docs/evidence.md".to_owned(),
        };
        Edit::SetAttestation {
            item: item.to_owned(),
            attestation: Some(attestation),
        }
        .apply(&mut self.design)
        .unwrap_or_else(|e| panic!("{e}"));
        self
    }

    pub fn build(self) -> Design {
        let problems = crate::model::validate::problems(&self.design, catalog::builtin());
        assert!(problems.is_empty(), "test design is invalid: {problems:?}");
        self.design
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}
impl From<&str> for Value {
    fn from(t: &str) -> Self {
        Value::Text(t.to_owned())
    }
}

/// A hub with a firewall and a spoke network holding subnet `snet`, as forced tunnelling needs.
pub fn hub_and_spoke(builder: DesignBuilder) -> DesignBuilder {
    builder
        .node("hub", "virtual_network")
        .set("hub", "role", "Hub")
        .child("fw-snet", "subnet", "hub")
        .set("fw-snet", "purpose", "AzureFirewallSubnet")
        .child("fw", "azure_firewall", "fw-snet")
        .node("spoke", "virtual_network")
        .set("spoke", "role", "Spoke")
        .child("snet", "subnet", "spoke")
}

/// An app calling a SQL database through its private endpoint, the flow drawn to the endpoint
/// with `flow`: the hardened layout where flows must be judged by the service they reach.
pub fn app_to_sql_through_private_endpoint(flow: &[(&str, Value)]) -> Design {
    DesignBuilder::new()
        .node("vnet", "virtual_network")
        .child("snet", "subnet", "vnet")
        .node("app", "app_service")
        .child("pe-sql", "private_endpoint", "snet")
        .node("sql", "sql_database")
        .connect_with("app", "pe-sql", "traffic", flow)
        .connect("pe-sql", "sql", "private_link")
        .build()
}

/// The findings of one rule on a design.
pub fn run(rule: &'static Rule, design: &Design) -> Vec<Finding> {
    evaluate_rules(design, catalog::builtin(), [rule]).items
}

/// Asserts the rule raises a finding on exactly these subjects (`design` for the design).
#[track_caller]
pub fn assert_fires_on(rule: &'static Rule, design: &Design, subjects: &[&str]) {
    let findings = run(rule, design);
    let mut found: Vec<&str> = findings.iter().map(|f| f.subject.key()).collect();
    found.sort_unstable();
    let mut expected = subjects.to_vec();
    expected.sort_unstable();
    assert_eq!(found, expected, "{} findings: {findings:#?}", rule.meta.id);
    for finding in &findings {
        assert!(!finding.message.is_empty());
    }
}

/// Asserts the rule raises nothing.
#[track_caller]
pub fn assert_quiet(rule: &'static Rule, design: &Design) {
    let findings = run(rule, design);
    assert!(
        findings.is_empty(),
        "{} should be quiet: {findings:#?}",
        rule.meta.id
    );
}
