//! What rules see: the design, the catalog, and analyses several rules share (internet
//! exposure, containment, governance scope), computed once per evaluation.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::model::{Catalog, Connection, Design, KindDef, Node, NodeId, Value};

/// Read-only view of a design for rules.
pub struct Context<'a> {
    pub design: &'a Design,
    pub catalog: &'a Catalog,
    /// Kind ids and trait names present in the design.
    present: HashSet<&'a str>,
    internet_reachable: OnceCell<BTreeMap<&'a NodeId, Option<&'a NodeId>>>,
    internet_reachable_past_waf: OnceCell<BTreeMap<&'a NodeId, Option<&'a NodeId>>>,
}

impl<'a> Context<'a> {
    pub fn new(design: &'a Design, catalog: &'a Catalog) -> Self {
        let mut present = HashSet::new();
        for node in design.nodes() {
            if let Some(kind) = catalog.kind(&node.kind) {
                present.insert(kind.id.as_str());
                present.extend(kind.traits.iter().map(String::as_str));
            }
        }
        Self {
            design,
            catalog,
            present,
            internet_reachable: OnceCell::new(),
            internet_reachable_past_waf: OnceCell::new(),
        }
    }

    /// Whether the design holds any node of one of these kinds or traits (empty: always).
    pub fn in_scope(&self, scope: &[&str]) -> bool {
        scope.is_empty() || scope.iter().any(|s| self.present.contains(s))
    }

    /// Whether any node of this kind or trait exists.
    pub fn has(&self, kind_or_trait: &str) -> bool {
        self.present.contains(kind_or_trait)
    }

    // ---- nodes ------------------------------------------------------------------------------

    pub fn nodes(&self) -> impl Iterator<Item = &'a Node> + 'a {
        self.design.nodes()
    }

    pub fn node(&self, id: &NodeId) -> Option<&'a Node> {
        self.design.node(id)
    }

    /// Nodes of one kind, sorted by id.
    pub fn nodes_of_kind(&self, kind: &str) -> Vec<&'a Node> {
        self.design.nodes().filter(|n| n.kind == kind).collect()
    }

    /// Nodes whose kind has a catalog trait, sorted by id.
    pub fn nodes_with_trait(&self, name: &str) -> Vec<&'a Node> {
        self.design
            .nodes()
            .filter(|n| {
                self.catalog
                    .kind(&n.kind)
                    .is_some_and(|k| k.has_trait(name))
            })
            .collect()
    }

    pub fn kind(&self, node: &Node) -> Option<&'a KindDef> {
        self.catalog.kind(&node.kind)
    }

    pub fn has_trait(&self, node: &Node, name: &str) -> bool {
        self.kind(node).is_some_and(|k| k.has_trait(name))
    }

    /// How a node is named in messages: its name, or its id when unnamed.
    pub fn label(&self, node: &Node) -> String {
        if node.name.trim().is_empty() {
            node.id.to_string()
        } else {
            node.name.clone()
        }
    }

    /// The display name of a node's kind.
    pub fn kind_name(&self, node: &Node) -> &'a str {
        self.kind(node).map_or("component", |k| k.name.as_str())
    }

    // ---- properties (explicit value, else the catalog default) -------------------------------

    pub fn value<'n>(&self, node: &'n Node, property: &str) -> Option<&'n Value>
    where
        'a: 'n,
    {
        self.design.property(self.catalog, node, property)
    }

    /// A boolean property; false when missing.
    pub fn bool(&self, node: &Node, property: &str) -> bool {
        self.value(node, property)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// A text or enum property; empty when missing.
    pub fn text<'n>(&self, node: &'n Node, property: &str) -> &'n str
    where
        'a: 'n,
    {
        self.value(node, property)
            .and_then(Value::as_text)
            .unwrap_or("")
    }

    /// A number property; zero when missing.
    pub fn int(&self, node: &Node, property: &str) -> i64 {
        self.value(node, property)
            .and_then(Value::as_int)
            .unwrap_or(0)
    }

    /// A list property; empty when missing.
    pub fn list<'n>(&self, node: &'n Node, property: &str) -> &'n [String]
    where
        'a: 'n,
    {
        self.value(node, property)
            .and_then(Value::as_list)
            .unwrap_or(&[])
    }

    /// Whether the node's kind has this property at all.
    pub fn has_property(&self, node: &Node, property: &str) -> bool {
        self.kind(node)
            .is_some_and(|k| self.catalog.node_property(k, property).is_some())
    }

    pub fn connection_text<'n>(&self, connection: &'n Connection, property: &str) -> &'n str
    where
        'a: 'n,
    {
        connection
            .property(self.catalog, property)
            .and_then(Value::as_text)
            .unwrap_or("")
    }

    pub fn connection_bool(&self, connection: &Connection, property: &str) -> bool {
        connection
            .property(self.catalog, property)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    pub fn connection_int(&self, connection: &Connection, property: &str) -> i64 {
        connection
            .property(self.catalog, property)
            .and_then(Value::as_int)
            .unwrap_or(0)
    }

    /// The environment a node belongs to: its own setting, else its subscription's.
    pub fn environment(&self, node: &'a Node) -> &'a str {
        if node.properties.contains_key("environment") {
            return self.text(node, "environment");
        }
        self.design
            .ancestors(&node.id)
            .find(|a| a.properties.contains_key("environment"))
            .map_or_else(
                || self.text(node, "environment"),
                |a| self.text(a, "environment"),
            )
    }

    // ---- containment --------------------------------------------------------------------------

    /// The nearest enclosing container of a kind (`subnet`, `virtual_network`, `subscription`).
    pub fn enclosing(&self, node: &NodeId, kind: &str) -> Option<&'a Node> {
        self.design.ancestor_of_kind(node, kind)
    }

    /// Whether `node` is inside a container with this trait (at any depth).
    pub fn inside_trait(&self, node: &NodeId, name: &str) -> bool {
        self.design.ancestors(node).any(|a| self.has_trait(a, name))
    }

    // ---- connections --------------------------------------------------------------------------

    /// Whether the connection carries data-plane traffic (traffic, private link, hybrid link).
    pub fn is_flow(&self, connection: &Connection) -> bool {
        self.catalog
            .connection_kind(&connection.kind)
            .is_some_and(|k| k.flow)
    }

    /// Nodes reached from `node` by connections of `kind` (outgoing), sorted by id.
    pub fn targets(&self, node: &NodeId, kind: &str) -> Vec<&'a Node> {
        self.design.neighbours(node, kind, true)
    }

    /// Nodes with connections of `kind` into `node`, sorted by id.
    pub fn sources(&self, node: &NodeId, kind: &str) -> Vec<&'a Node> {
        self.design.neighbours(node, kind, false)
    }

    /// Whether the node sends diagnostics to a log sink (Log Analytics, or a storage account or
    /// event hub used as an archive).
    pub fn sends_diagnostics(&self, node: &NodeId) -> bool {
        !self.targets(node, "diagnostics").is_empty()
    }

    /// Whether a governing node (Defender, Policy, Sentinel: nodes with `governor_trait`) has a
    /// `governs` connection to the node or to a container around it.
    pub fn governed_by(&self, node: &NodeId, governor_trait: &str) -> bool {
        let scopes: BTreeSet<&NodeId> = std::iter::once(node)
            .chain(self.design.ancestors(node).map(|a| &a.id))
            .collect();
        self.nodes_with_trait(governor_trait).into_iter().any(|g| {
            self.design
                .outgoing(&g.id)
                .iter()
                .any(|c| c.kind == "governs" && scopes.contains(&c.to))
        })
    }

    // ---- exposure -------------------------------------------------------------------------------

    /// Nodes that stand for the internet: internet zones and everything inside them.
    pub fn internet_sources(&self) -> Vec<&'a NodeId> {
        let mut sources: Vec<&NodeId> = Vec::new();
        for zone in self.nodes_with_trait("internet_zone") {
            sources.push(&zone.id);
            sources.extend(self.design.descendants(&zone.id).into_iter().map(|n| &n.id));
        }
        sources.sort();
        sources.dedup();
        sources
    }

    /// Whether a node has a public endpoint open to the internet although no connection is
    /// drawn: public network access on with no network rules, or a public IP on a VM.
    pub fn publicly_accessible(&self, node: &Node) -> bool {
        if self.has_property(node, "public_ip") && self.bool(node, "public_ip") {
            return true;
        }
        if !self.has_property(node, "public_network_access")
            || self.text(node, "public_network_access") != "Enabled"
        {
            return false;
        }
        // A firewall's default-deny or IP restrictions narrow the endpoint to known sources.
        let network_rules_allow_all = !self.has_property(node, "network_default_action")
            || self.text(node, "network_default_action") == "Allow";
        let restricted = self.has_property(node, "access_restrictions")
            && self.text(node, "access_restrictions") != "None";
        network_rules_allow_all && !restricted
    }

    /// A web application firewall that is on: Application Gateway WAF_v2 with WAF enabled, or
    /// Front Door with an enabled WAF policy.
    pub fn is_active_waf(&self, node: &Node) -> bool {
        if !self.has_trait(node, "waf_capable") {
            return false;
        }
        if self.has_property(node, "sku") && self.text(node, "sku") != "WAF_v2" {
            return false;
        }
        if self.has_property(node, "waf_policy_attached") && !self.bool(node, "waf_policy_attached")
        {
            return false;
        }
        self.bool(node, "waf_enabled")
    }

    /// Nodes the internet can reach: along data flows from the internet zone, plus nodes with an
    /// open public endpoint. Each maps to the node it was reached from (`None` for a node that
    /// is public by itself).
    pub fn internet_reachable(&self) -> &BTreeMap<&'a NodeId, Option<&'a NodeId>> {
        self.internet_reachable
            .get_or_init(|| self.reach_from_internet(|_| false))
    }

    /// Like [`Self::internet_reachable`], but paths stop at an active WAF: what the internet
    /// reaches without passing one.
    pub fn internet_reachable_past_waf(&self) -> &BTreeMap<&'a NodeId, Option<&'a NodeId>> {
        self.internet_reachable_past_waf
            .get_or_init(|| self.reach_from_internet(|n| self.is_active_waf(n)))
    }

    fn reach_from_internet(
        &self,
        blocks: impl Fn(&Node) -> bool,
    ) -> BTreeMap<&'a NodeId, Option<&'a NodeId>> {
        let mut sources: Vec<&'a NodeId> = self.internet_sources();
        let public: Vec<&'a NodeId> = self
            .nodes()
            .filter(|n| self.publicly_accessible(n))
            .map(|n| &n.id)
            .collect();
        sources.extend(public.iter().copied());
        let from_internet = self
            .design
            .reachable(sources, |c| self.is_flow(c), |n| blocks(n));
        let mut reached: BTreeMap<&NodeId, Option<&NodeId>> = from_internet
            .into_iter()
            .map(|(node, previous)| (node, Some(previous)))
            .collect();
        for id in public {
            reached.entry(id).or_insert(None);
        }
        // Nodes inside the internet zone are the internet, not exposed to it.
        for source in self.internet_sources() {
            reached.remove(source);
        }
        reached
    }

    /// The chain of nodes by which the internet reaches `node`, entry first, for messages.
    pub fn path_from_internet(
        &self,
        reach: &BTreeMap<&'a NodeId, Option<&'a NodeId>>,
        node: &NodeId,
    ) -> Vec<&'a Node> {
        let mut path = Vec::new();
        let mut current = reach.get_key_value(node).map(|(k, _)| *k);
        let mut steps = 0;
        while let Some(id) = current {
            steps += 1;
            if steps > reach.len() + 1 {
                break;
            }
            if let Some(n) = self.node(id) {
                path.push(n);
            }
            current = match reach.get(id) {
                Some(Some(previous)) => Some(*previous),
                _ => None,
            };
        }
        path.reverse();
        path
    }

    /// Path text for messages: `Internet → Front Door → Web app`.
    pub fn describe_path(&self, path: &[&Node]) -> String {
        path.iter()
            .map(|n| self.label(n))
            .collect::<Vec<_>>()
            .join(" → ")
    }
}
