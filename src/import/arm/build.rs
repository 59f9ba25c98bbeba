//! Turns expanded, evaluated resources into a design: nodes by the mapping, properties,
//! containment, connections (including what `dependsOn` never says), an internet boundary.

use std::collections::{BTreeMap, BTreeSet};

use super::ImportError;
use super::mapping::{self, Action, Convert, Converted, Derivation, Endpoint, Mapping, Role};
use super::report::{Report, ResourceNote, ValueNote};
use super::template::{Expansion, Mention, parse_resource_id};
use super::value::Val;
use crate::model::value::PropertyType;
use crate::model::{
    Catalog, Connection, ConnectionId, Design, Edit, KindDef, Node, NodeId, PropertyDef, Rect,
    Value,
};

/// A resource after evaluation, or an inline child (a subnet declared in its network).
struct Item {
    resource_type: String,
    name: String,
    value: Val,
    mentions: Vec<Mention>,
    existing: bool,
    scope_target: Option<String>,
    notes: Vec<String>,
    /// Index in the expansion, for resources (inline children have none).
    resource: Option<usize>,
}

/// A node being built.
struct Draft {
    id: NodeId,
    kind: String,
    name: String,
    properties: BTreeMap<String, Value>,
    notes: Vec<String>,
    parent: Option<usize>,
    placement: Option<usize>,
    /// The name of the subnet a reference placed it in when that subnet is not in the
    /// template (`{vnetId}/subnets/snet-nodes` with the network given as a parameter).
    undeclared_subnet: Option<String>,
    /// The item the node stands for (`None` for containers the importer adds).
    item: Option<usize>,
}

struct DraftConnection {
    /// The item the connection was read from, for the report.
    source: usize,
    kind: String,
    from: usize,
    to: usize,
    properties: BTreeMap<String, Value>,
}

pub struct Builder<'a, 't> {
    catalog: &'a Catalog,
    mapping: &'a Mapping,
    expansion: &'a Expansion<'t>,
    source: String,
    items: Vec<Item>,
    keys: BTreeMap<(String, String), usize>,
    drafts: Vec<Draft>,
    host: Vec<Option<usize>>,
    connections: Vec<DraftConnection>,
    report: Report,
    subscription: usize,
    resource_group: usize,
}

const SUBSCRIPTION: &str = "subscription";
const RESOURCE_GROUP: &str = "resource-group";

/// The subnet's name in an id or placeholder path ending in `/subnets/<name>`.
fn subnet_name(target: &str) -> Option<String> {
    let lower = target.to_ascii_lowercase();
    let at = lower.rfind("/subnets/")?;
    let name = &target[at + "/subnets/".len()..];
    (!name.is_empty() && !name.contains('/')).then(|| name.to_owned())
}

fn lower_key(resource_type: &str, name: &str) -> (String, String) {
    (
        resource_type.to_ascii_lowercase(),
        name.to_ascii_lowercase(),
    )
}

fn last_segment(text: &str) -> &str {
    text.rsplit('/').next().unwrap_or(text)
}

/// A stable node id from a resource's type and name: `sites-webapp1`, sanitised and at most
/// 64 characters (long names end in a hash of the whole).
fn node_id(resource_type: &str, name: &str) -> String {
    let stem = format!("{}-{}", last_segment(resource_type), name);
    sanitize_id(&stem)
}

fn sanitize_id(text: &str) -> String {
    let mut id = String::new();
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '_' {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_matches(|c| c == '-' || c == '_').to_owned();
    let id = if id.is_empty() { "n".to_owned() } else { id };
    if id.len() <= crate::model::ids::MAX_ID_LEN {
        return id;
    }
    let hash = super::expr::unique_string(&[text.to_owned()]);
    format!(
        "{}-{}",
        id[..crate::model::ids::MAX_ID_LEN - 14].trim_end_matches('-'),
        &hash[..13]
    )
}

/// Ids already in the value tree as strings, by path (for inline children, whose values were
/// evaluated as part of their parent).
fn collect_ids(value: &Val, path: &str, out: &mut Vec<Mention>) {
    match value {
        Val::Str(text) if parse_resource_id(text).is_some() => out.push(Mention {
            path: path.to_owned(),
            target: text.clone(),
            credential: None,
        }),
        Val::Array(items) => {
            for item in items {
                collect_ids(item, &format!("{path}[*]"), out);
            }
        }
        Val::Object(map) => {
            for (key, v) in map {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                collect_ids(v, &child, out);
            }
        }
        _ => {}
    }
}

impl<'a, 't> Builder<'a, 't> {
    pub fn new(
        catalog: &'a Catalog,
        mapping: &'a Mapping,
        expansion: &'a Expansion<'t>,
        source: &str,
    ) -> Result<Self, ImportError> {
        let mut builder = Self {
            catalog,
            mapping,
            expansion,
            source: source.to_owned(),
            items: Vec::new(),
            keys: BTreeMap::new(),
            drafts: Vec::new(),
            host: Vec::new(),
            connections: Vec::new(),
            report: Report {
                source: source.to_owned(),
                ..Report::default()
            },
            subscription: 0,
            resource_group: 1,
        };
        builder.collect_items()?;
        Ok(builder)
    }

    fn collect_items(&mut self) -> Result<(), ImportError> {
        for (index, resource) in self.expansion.resources.iter().enumerate() {
            let evaluated = self.expansion.evaluate(index)?;
            let mut notes = Vec::new();
            notes.extend(resource.condition_unknown.clone());
            notes.extend(resource.copy_unknown.clone());
            self.push_item(Item {
                resource_type: resource.resource_type.clone(),
                name: resource.name.clone(),
                value: evaluated.value.clone(),
                mentions: evaluated.mentions.clone(),
                existing: resource.existing,
                scope_target: resource.scope_target.clone(),
                notes,
                resource: Some(index),
            });
        }
        // Inline children (subnets in their network) after every declared resource, so a
        // child declared on its own wins over the same child inline.
        let mut inline = Vec::new();
        for item in &self.items {
            let Some(mapping) = self.mapping.resource(&item.resource_type) else {
                continue;
            };
            for children in &mapping.inline_children {
                for child in mapping::select(&item.value, &format!("{}[*]", children.path)) {
                    let Some(child_name) = child.get("name").map(Val::to_text) else {
                        continue;
                    };
                    let mut value = BTreeMap::new();
                    value.insert("name".to_owned(), Val::Str(child_name.clone()));
                    if let Some(properties) = child.get("properties") {
                        value.insert("properties".to_owned(), properties.clone());
                    }
                    let value = Val::Object(value);
                    let mut mentions = Vec::new();
                    collect_ids(&value, "", &mut mentions);
                    inline.push(Item {
                        resource_type: children.child_type.clone(),
                        name: format!("{}/{child_name}", item.name),
                        value,
                        mentions,
                        existing: item.existing,
                        scope_target: None,
                        notes: item.notes.clone(),
                        resource: None,
                    });
                }
            }
        }
        for item in inline {
            self.push_item(item);
        }
        Ok(())
    }

    fn push_item(&mut self, item: Item) {
        let key = lower_key(&item.resource_type, &item.name);
        if let Some(&known) = self.keys.get(&key) {
            // Extension resources are told apart by their scope: every resource of a template
            // may have a diagnostic setting called `default`.
            let scope = |i: &Item| i.scope_target.as_deref().map(str::to_ascii_lowercase);
            if scope(&self.items[known]) != scope(&item) {
                self.items.push(item);
            }
            return;
        }
        self.keys.insert(key, self.items.len());
        self.items.push(item);
    }

    /// The item a reference (an id, a name or a symbolic name) points at.
    fn find(&self, target: &str) -> Option<usize> {
        if let Some((resource_type, name)) = parse_resource_id(target) {
            return self.keys.get(&lower_key(&resource_type, &name)).copied();
        }
        let resource = self.expansion.find(target)?;
        self.items.iter().position(|i| i.resource == Some(resource))
    }

    /// The item this one is a child of, by type and name.
    fn name_parent(&self, item: usize) -> Option<usize> {
        let item = &self.items[item];
        let (parent_type, _) = item.resource_type.rsplit_once('/')?;
        let (parent_name, _) = item.name.rsplit_once('/')?;
        if !parent_type.contains('/') {
            return None;
        }
        self.keys.get(&lower_key(parent_type, parent_name)).copied()
    }

    fn role(&self, item: usize) -> Option<&'a Role> {
        self.mapping
            .resource(&self.items[item].resource_type)
            .map(|m| &m.role)
    }

    fn add_draft(&mut self, id: String, kind: &str, name: String, item: Option<usize>) -> usize {
        let mut id = id;
        let taken =
            |candidate: &str, drafts: &[Draft]| drafts.iter().any(|d| d.id.as_str() == candidate);
        if taken(&id, &self.drafts) {
            let base = id.clone();
            id = (2..)
                .map(|n| sanitize_id(&format!("{base}-{n}")))
                .find(|c| !taken(c, &self.drafts))
                .unwrap_or(base);
        }
        let id = NodeId::new(id.clone()).unwrap_or_else(|_| NodeId::fresh(&id, |_| false));
        self.drafts.push(Draft {
            id,
            kind: kind.to_owned(),
            name,
            properties: BTreeMap::new(),
            notes: Vec::new(),
            parent: None,
            placement: None,
            undeclared_subnet: None,
            item,
        });
        self.drafts.len() - 1
    }

    /// Builds the design and the report.
    pub fn build(mut self) -> Result<(Design, Report), ImportError> {
        self.subscription = self.add_draft(
            SUBSCRIPTION.to_owned(),
            "subscription",
            "Subscription".to_owned(),
            None,
        );
        self.resource_group = self.add_draft(
            RESOURCE_GROUP.to_owned(),
            "resource_group",
            super::expr::RESOURCE_GROUP.to_owned(),
            None,
        );
        self.drafts[self.resource_group].parent = Some(self.subscription);
        self.host = vec![None; self.items.len()];
        self.make_nodes();
        self.resolve_hosts();
        self.report_roles();
        self.apply_properties();
        self.apply_relations();
        self.place();
        self.route_flows_through_private_endpoints();
        self.leave_out_joins_the_catalog_refuses();
        let mut design = self.assemble()?;
        self.connect_internet(&mut design)?;
        let rects = crate::layout::arrange(&design, self.catalog);
        let moves: Vec<Edit> = rects
            .into_iter()
            .map(|(node, rect)| Edit::SetRect { node, rect })
            .collect();
        Edit::Batch(moves)
            .apply(&mut design)
            .map_err(|e| ImportError::Build(e.to_string()))?;
        self.report.sort();
        Ok((design, self.report))
    }

    fn kind_of(&self, item: usize, default: &str) -> String {
        let mapping = self.mapping.resource(&self.items[item].resource_type);
        for rule in mapping.map(|m| m.kind_rules.as_slice()).unwrap_or_default() {
            let matched = mapping::select(&self.items[item].value, &rule.path)
                .iter()
                .any(|v| {
                    v.to_text()
                        .to_ascii_lowercase()
                        .contains(&rule.contains.to_ascii_lowercase())
                });
            if matched {
                return rule.kind.clone();
            }
        }
        default.to_owned()
    }

    fn make_nodes(&mut self) {
        let mut merged: BTreeMap<String, usize> = BTreeMap::new();
        for item in 0..self.items.len() {
            match self.role(item) {
                Some(Role::Node(default)) => {
                    let kind = self.kind_of(item, default);
                    if self.catalog.kind(&kind).is_none() {
                        continue;
                    }
                    let (resource_type, name) =
                        (&self.items[item].resource_type, &self.items[item].name);
                    let id = node_id(resource_type, name);
                    let display = last_segment(name).to_owned();
                    let draft = self.add_draft(id, &kind, display, Some(item));
                    self.host[item] = Some(draft);
                }
                Some(Role::Merge { kind, id, name }) => {
                    let draft = match merged.get(id) {
                        Some(&d) => d,
                        None => {
                            let d = self.add_draft(id.clone(), kind, name.clone(), None);
                            merged.insert(id.clone(), d);
                            d
                        }
                    };
                    self.host[item] = Some(draft);
                }
                _ => {}
            }
        }
    }

    /// Folded and absorbed resources join the node of their parent or of the resource that
    /// refers to them; repeated until nothing changes, as one can lead to the other.
    fn resolve_hosts(&mut self) {
        for _ in 0..8 {
            let mut changed = false;
            for item in 0..self.items.len() {
                if self.host[item].is_some() {
                    continue;
                }
                let host = match self.role(item) {
                    Some(Role::Fold) => self.name_parent(item).and_then(|p| self.host[p]),
                    Some(Role::Absorb) => self.referrer_host(item),
                    _ => None,
                };
                if host.is_some() {
                    self.host[item] = host;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// The node of the first resource (by node id) that refers to `item`.
    fn referrer_host(&self, item: usize) -> Option<usize> {
        let mut candidates: Vec<usize> = Vec::new();
        for (other, data) in self.items.iter().enumerate() {
            let Some(host) = self.host[other] else {
                continue;
            };
            if data
                .mentions
                .iter()
                .any(|m| self.find(&m.target) == Some(item))
            {
                candidates.push(host);
            }
        }
        candidates
            .into_iter()
            .filter(|&d| self.drafts[d].item.is_some())
            .min_by(|&a, &b| self.drafts[a].id.cmp(&self.drafts[b].id))
    }

    fn report_roles(&mut self) {
        for (index, item) in self.items.iter().enumerate() {
            let note = |reason: String| ResourceNote {
                resource_type: item.resource_type.clone(),
                name: item.name.clone(),
                detail: reason,
            };
            let nested = item
                .resource
                .and_then(|r| self.expansion.resources[r].nested_scope);
            if item
                .resource_type
                .eq_ignore_ascii_case("Microsoft.Resources/deployments")
            {
                if nested.is_some() {
                    self.report.mapped.push(note(
                        "nested deployment: its resources are imported".to_owned(),
                    ));
                } else {
                    self.report
                        .unmapped
                        .push(note("linked template: it is not read".to_owned()));
                }
                continue;
            }
            match (self.role(index), self.host[index]) {
                (Some(Role::Ignore(reason)), _) => self.report.ignored.push(note(reason.clone())),
                (Some(Role::Link { kind, .. }), _) => {
                    self.report.mapped.push(note(format!("{kind} connection")));
                }
                (Some(_), Some(draft)) => {
                    let draft = &self.drafts[draft];
                    let detail = if draft.item == Some(index) || draft.item.is_none() {
                        format!("{} `{}`", draft.kind, draft.id)
                    } else {
                        format!("part of `{}`", draft.id)
                    };
                    self.report.mapped.push(note(detail));
                }
                (Some(Role::Node(_)), None) => self.report.unmapped.push(note(
                    "no catalog kind fits this resource's settings".to_owned(),
                )),
                (Some(Role::Absorb), None) => self
                    .report
                    .unmapped
                    .push(note("nothing in the template uses it".to_owned())),
                (Some(_), None) => self.report.unmapped.push(note(
                    "the resource it belongs to is not in the template".to_owned(),
                )),
                (None, _) => self
                    .report
                    .unmapped
                    .push(note("no mapping for this resource type".to_owned())),
            }
        }
        for (resource_type, name, reason) in &self.expansion.skipped {
            self.report.skipped.push(ResourceNote {
                resource_type: resource_type.clone(),
                name: name.clone(),
                detail: reason.clone(),
            });
        }
    }

    fn apply_properties(&mut self) {
        // The node's own resource first, then the resources folded into it, in template order.
        let mut order: Vec<usize> = (0..self.items.len())
            .filter(|&i| self.host[i].is_some())
            .collect();
        order.sort_by_key(|&i| {
            let host = self.host[i].unwrap_or_default();
            (self.drafts[host].item != Some(i), i)
        });
        for item in order {
            let Some(host) = self.host[item] else {
                continue;
            };
            let Some(resource_mapping) = self.mapping.resource(&self.items[item].resource_type)
            else {
                continue;
            };
            for rule in &resource_mapping.properties {
                self.apply_rule(item, host, rule);
            }
            let data = &self.items[item];
            let provenance = if data.existing {
                format!(
                    "{}{} `{}` (not deployed by {})",
                    super::REFERS_TO,
                    data.resource_type,
                    data.name,
                    self.source
                )
            } else {
                format!(
                    "{}{}: {} `{}`",
                    super::IMPORTED_FROM,
                    self.source,
                    data.resource_type,
                    data.name
                )
            };
            let extra: Vec<String> = data.notes.iter().map(|n| format!("Note: {n}")).collect();
            let draft = &mut self.drafts[host];
            draft.notes.push(provenance);
            draft.notes.extend(extra);
        }
    }

    fn apply_rule(&mut self, item: usize, host: usize, rule: &mapping::PropertyRule) {
        let kind = self.drafts[host].kind.clone();
        if rule.only_kind.as_ref().is_some_and(|k| *k != kind) {
            return;
        }
        if rule
            .only_name
            .as_ref()
            .is_some_and(|n| !last_segment(&self.items[item].name).eq_ignore_ascii_case(n))
        {
            return;
        }
        let values: Vec<Val> = mapping::select(&self.items[item].value, &rule.path)
            .into_iter()
            .cloned()
            .collect();
        for value in values {
            let tolerant = matches!(
                rule.convert,
                Convert::Lookup(_) | Convert::Derive(Derivation::KeyVaultReference)
            );
            if let Some(unknown) = value.as_unknown()
                && !matches!(rule.convert, Convert::Present(_))
            {
                if !tolerant {
                    self.note_unknown(item, host, &rule.property, &unknown.reason);
                }
                continue;
            }
            match mapping::convert(&rule.convert, &value) {
                Converted::Value(v) => self.set_property(item, host, &rule.property, v, rule.sum),
                Converted::Nothing => {
                    if matches!(rule.convert, Convert::Derive(_))
                        && !tolerant
                        && let Some(unknown) = value.first_unknown()
                    {
                        let reason = unknown.reason.clone();
                        self.note_unknown(item, host, &rule.property, &reason);
                    }
                }
                Converted::Unmapped(text) => {
                    let reason = format!("the value `{text}` is not mapped");
                    self.note_unconverted(item, host, &rule.property, reason);
                }
            }
        }
    }

    fn note_unknown(&mut self, item: usize, host: usize, property: &str, reason: &str) {
        let draft = &mut self.drafts[host];
        draft
            .notes
            .push(format!("Unknown at import: {property} ({reason})"));
        self.report.unknown.push(ValueNote {
            node: draft.id.to_string(),
            resource: format!(
                "{} `{}`",
                self.items[item].resource_type, self.items[item].name
            ),
            property: property.to_owned(),
            reason: reason.to_owned(),
        });
    }

    fn note_unconverted(&mut self, item: usize, host: usize, property: &str, reason: String) {
        self.report.unconverted.push(ValueNote {
            node: self.drafts[host].id.to_string(),
            resource: format!(
                "{} `{}`",
                self.items[item].resource_type, self.items[item].name
            ),
            property: property.to_owned(),
            reason,
        });
    }

    fn property_def(&self, kind: &str, property: &str) -> Option<&'a PropertyDef> {
        let kind: &'a KindDef = self.catalog.kind(kind)?;
        self.catalog.node_property(kind, property)
    }

    fn set_property(&mut self, item: usize, host: usize, property: &str, value: Value, sum: bool) {
        let Some(def) = self.property_def(&self.drafts[host].kind, property) else {
            let reason = format!("{} has no property `{property}`", self.drafts[host].kind);
            self.note_unconverted(item, host, property, reason);
            return;
        };
        let value = match typed(&def.ty, value) {
            Ok(v) => v,
            Err(reason) => {
                self.note_unconverted(item, host, property, reason);
                return;
            }
        };
        let properties = &mut self.drafts[host].properties;
        let value = match (sum, properties.get(property), &value) {
            (true, Some(Value::Int(before)), Value::Int(add)) => {
                Value::Int(before.saturating_add(*add))
            }
            _ => value,
        };
        if let Err(reason) = def.ty.check(&value) {
            self.note_unconverted(item, host, property, reason);
            return;
        }
        properties.insert(property.to_owned(), value);
    }

    fn apply_relations(&mut self) {
        for item in 0..self.items.len() {
            match (self.role(item), self.host[item]) {
                (
                    Some(Role::Link {
                        kind,
                        from,
                        to,
                        properties,
                    }),
                    _,
                ) => {
                    self.link(item, kind, from, to, properties);
                }
                (Some(_), Some(host)) => {
                    let mentions = self.items[item].mentions.clone();
                    for mention in mentions {
                        self.relate(item, host, &mention);
                    }
                }
                _ => {}
            }
        }
    }

    fn relate(&mut self, item: usize, host: usize, mention: &Mention) {
        let Some(rule) = self
            .mapping
            .relation(&self.items[item].resource_type, &mention.path)
        else {
            return;
        };
        let Some(target_item) = self.find(&mention.target) else {
            if matches!(rule.action, Action::PlaceIn)
                && self.drafts[host].undeclared_subnet.is_none()
            {
                self.drafts[host].undeclared_subnet = subnet_name(&mention.target);
            }
            return;
        };
        let Some(target) = self.host[target_item] else {
            return;
        };
        if target == host {
            return;
        }
        match &rule.action {
            Action::PlaceIn => {
                let container = self
                    .catalog
                    .kind(&self.drafts[target].kind)
                    .is_some_and(|k| k.container);
                if container && self.drafts[host].placement.is_none() {
                    self.drafts[host].placement = Some(target);
                }
            }
            Action::Connect { kind, reverse } => {
                let (from, to) = if *reverse {
                    (target, host)
                } else {
                    (host, target)
                };
                self.connect(item, kind, from, to, BTreeMap::new());
                if kind == "traffic"
                    && self.drafts[from].kind == "public_ip"
                    && self.drafts[to].kind == "virtual_machine"
                {
                    self.set_property(item, to, "public_ip", Value::Bool(true), false);
                }
            }
            Action::Flow => self.flow(item, host, target, mention.credential),
            Action::Set { property, value } => {
                self.set_property(item, host, property, value.clone(), false);
            }
        }
    }

    fn flow(&mut self, item: usize, from: usize, to: usize, credential: Option<&'static str>) {
        if self
            .catalog
            .kind(&self.drafts[to].kind)
            .is_some_and(|k| k.container)
        {
            return;
        }
        let defaults = self.mapping.flow(&self.drafts[to].kind);
        let kind = defaults
            .and_then(|d| d.connection.clone())
            .unwrap_or_else(|| "traffic".to_owned());
        let mut properties = BTreeMap::new();
        if let Some(d) = defaults {
            if let Some(p) = &d.protocol {
                properties.insert("protocol".to_owned(), Value::Text(p.clone()));
            }
            if let Some(p) = d.port {
                properties.insert("port".to_owned(), Value::Int(p));
            }
            if let Some(p) = &d.purpose {
                properties.insert("purpose".to_owned(), Value::Text(p.clone()));
            }
        }
        // Telemetry keys (an instrumentation key, a workspace key) are not the caller's sign-in.
        let telemetry = properties.get("purpose") == Some(&Value::Text("Telemetry".to_owned()));
        if kind == "traffic"
            && !telemetry
            && let Some(auth) = credential
        {
            properties.insert("auth".to_owned(), Value::Text(auth.to_owned()));
        }
        if kind == "secret_reference" {
            let source = self.drafts[from].kind.clone();
            if self.property_def(&source, "key_vault_references").is_some() {
                self.drafts[from]
                    .properties
                    .insert("key_vault_references".to_owned(), Value::Bool(true));
            }
        }
        self.connect(item, &kind, from, to, properties);
    }

    fn connect(
        &mut self,
        item: usize,
        kind: &str,
        from: usize,
        to: usize,
        properties: BTreeMap<String, Value>,
    ) {
        if from == to
            || self
                .connections
                .iter()
                .any(|c| c.kind == kind && c.from == from && c.to == to)
        {
            return;
        }
        self.connections.push(DraftConnection {
            source: item,
            kind: kind.to_owned(),
            from,
            to,
            properties,
        });
    }

    fn endpoint(&self, item: usize, endpoint: &Endpoint) -> Option<usize> {
        match endpoint {
            Endpoint::Parent => self.name_parent(item).and_then(|p| self.host[p]),
            Endpoint::Scope => match &self.items[item].scope_target {
                Some(scope) => self.find(scope).and_then(|t| self.host[t]),
                None => Some(self.resource_group),
            },
            Endpoint::Path(path) => self.items[item]
                .mentions
                .iter()
                .filter(|m| mapping::path_within(&m.path, path))
                .find_map(|m| self.find(&m.target).and_then(|t| self.host[t])),
        }
    }

    fn link(
        &mut self,
        item: usize,
        kind: &str,
        from: &Endpoint,
        to: &Endpoint,
        rules: &[mapping::PropertyRule],
    ) {
        let (Some(from), Some(to)) = (self.endpoint(item, from), self.endpoint(item, to)) else {
            let data = &self.items[item];
            self.report.unconnected.push(ResourceNote {
                resource_type: data.resource_type.clone(),
                name: data.name.clone(),
                detail: format!("a {kind} connection whose ends are not both in the template"),
            });
            return;
        };
        let mut properties = BTreeMap::new();
        let Some(def) = self.catalog.connection_kind(kind) else {
            return;
        };
        for rule in rules {
            for value in mapping::select(&self.items[item].value, &rule.path) {
                if value.as_unknown().is_some() {
                    continue;
                }
                if let Converted::Value(v) = mapping::convert(&rule.convert, value)
                    && let Some(p) = def.properties.iter().find(|p| p.id == rule.property)
                    && let Ok(v) = typed(&p.ty, v)
                    && p.ty.check(&v).is_ok()
                {
                    properties.insert(rule.property.clone(), v);
                }
            }
        }
        self.connect(item, kind, from, to, properties);
    }

    /// Parents: a child resource in its parent container (a subnet in its network), else the
    /// container a reference placed it in, else the resource group, the subscription, or a
    /// network the template does not declare (for kinds that only live in subnets).
    fn place(&mut self) {
        let mut implicit_network = None;
        let mut implicit_subnets: BTreeMap<Option<String>, usize> = BTreeMap::new();
        for draft in 0..self.drafts.len() {
            if draft == self.subscription || draft == self.resource_group {
                continue;
            }
            let Some(kind) = self.catalog.kind(&self.drafts[draft].kind) else {
                continue;
            };
            let fits = |parent: usize, this: &Self| {
                this.catalog
                    .may_contain(Some(&this.drafts[parent].kind), kind)
            };
            let by_name = self.drafts[draft]
                .item
                .and_then(|i| self.name_parent(i))
                .and_then(|p| self.host[p])
                .filter(|&p| p != draft && fits(p, self));
            let placed = self.drafts[draft].placement.filter(|&p| fits(p, self));
            let parent = by_name
                .or(placed)
                .or_else(|| fits(self.resource_group, self).then_some(self.resource_group))
                .or_else(|| fits(self.subscription, self).then_some(self.subscription));
            let parent = match parent {
                Some(p) => Some(p),
                None if kind.parents.iter().any(|p| p == "subnet") => {
                    let name = self.drafts[draft].undeclared_subnet.clone();
                    let subnet = match implicit_subnets.get(&name) {
                        Some(&subnet) => subnet,
                        None => {
                            let network =
                                *implicit_network.get_or_insert_with(|| self.implicit_network());
                            let subnet = self.implicit_subnet(network, name.as_deref());
                            implicit_subnets.insert(name, subnet);
                            subnet
                        }
                    };
                    Some(subnet)
                }
                None => None,
            };
            self.drafts[draft].parent = parent;
        }
    }

    fn implicit_network(&mut self) -> usize {
        let network = self.add_draft(
            "implicit-network".to_owned(),
            "virtual_network",
            "Network not in the template".to_owned(),
            None,
        );
        self.drafts[network].parent = Some(self.resource_group);
        self.drafts[network]
            .notes
            .push("Added by the import: these resources need a subnet the template does not declare (a managed or existing network)".to_owned());
        network
    }

    /// A subnet the template refers to by name (or, unnamed, needs) but does not declare.
    fn implicit_subnet(&mut self, network: usize, name: Option<&str>) -> usize {
        let (id, label) = match name {
            Some(name) => (
                sanitize_id(&format!("implicit-subnet-{name}")),
                format!("{name} (not in the template)"),
            ),
            None => (
                "implicit-subnet".to_owned(),
                "Subnet not in the template".to_owned(),
            ),
        };
        let subnet = self.add_draft(id, "subnet", label, None);
        self.drafts[subnet].parent = Some(network);
        subnet
    }

    /// A flow to a service that has a private endpoint in the template goes to the endpoint,
    /// as it does once DNS resolves the service's name to the endpoint's address.
    fn route_flows_through_private_endpoints(&mut self) {
        let endpoints: BTreeMap<usize, usize> = self
            .connections
            .iter()
            .filter(|c| c.kind == "private_link")
            .map(|c| (c.to, c.from))
            .fold(BTreeMap::new(), |mut map, (service, endpoint)| {
                let current = map.entry(service).or_insert(endpoint);
                if self.drafts[endpoint].id < self.drafts[*current].id {
                    *current = endpoint;
                }
                map
            });
        for connection in &mut self.connections {
            if connection.kind != "traffic" {
                continue;
            }
            if let Some(&endpoint) = endpoints.get(&connection.to)
                && endpoint != connection.from
            {
                connection.to = endpoint;
            }
        }
        let mut seen = BTreeSet::new();
        self.connections
            .retain(|c| seen.insert((c.kind.clone(), c.from, c.to)));
    }

    /// A reference the catalog cannot draw (VNet integration named at a whole network, a
    /// diagnostic setting of a resource group) is left out and listed, so the design validates.
    fn leave_out_joins_the_catalog_refuses(&mut self) {
        let catalog = self.catalog;
        let (drafts, items, report) = (&self.drafts, &self.items, &mut self.report);
        self.connections.retain(|connection| {
            let (from, to) = (&drafts[connection.from], &drafts[connection.to]);
            let (Some(kind), Some(from_kind), Some(to_kind)) = (
                catalog.connection_kind(&connection.kind),
                catalog.kind(&from.kind),
                catalog.kind(&to.kind),
            ) else {
                return true;
            };
            if catalog.may_join(kind, from_kind, to_kind) {
                return true;
            }
            let item = &items[connection.source];
            report.not_allowed.push(ResourceNote {
                resource_type: item.resource_type.clone(),
                name: item.name.clone(),
                detail: format!(
                    "{} from {} `{}` to {} `{}`: it goes {}",
                    kind.noun(),
                    from_kind.name,
                    from.id,
                    to_kind.name,
                    to.id,
                    catalog.joins_text(kind)
                ),
            });
            false
        });
    }

    fn assemble(&mut self) -> Result<Design, ImportError> {
        let mut design = Design::new(&self.source);
        design.meta.description = format!("Imported from the ARM template {}", self.source);
        design.meta.source = self.source.clone();
        // Parents before children: depth order, then draft order.
        let depth = |mut d: usize, drafts: &[Draft]| {
            let mut n = 0;
            while let Some(p) = drafts[d].parent {
                d = p;
                n += 1;
                if n > drafts.len() {
                    break;
                }
            }
            n
        };
        let mut order: Vec<usize> = (0..self.drafts.len()).collect();
        order.sort_by_key(|&d| (depth(d, &self.drafts), d));
        let mut edits = Vec::new();
        for d in order {
            let draft = &self.drafts[d];
            let size = self
                .catalog
                .kind(&draft.kind)
                .map_or((170.0, 56.0), |k| k.size);
            edits.push(Edit::AddNode(Node {
                id: draft.id.clone(),
                kind: draft.kind.as_str().into(),
                name: draft.name.clone(),
                rect: Rect::new(0.0, 0.0, size.0, size.1),
                parent: draft.parent.map(|p| self.drafts[p].id.clone()),
                properties: draft
                    .properties
                    .iter()
                    .map(|(k, v)| (k.as_str().into(), v.clone()))
                    .collect(),
                notes: draft.notes.join("\n"),
            }));
        }
        for connection in &self.connections {
            let (from, to) = (
                &self.drafts[connection.from].id,
                &self.drafts[connection.to].id,
            );
            edits.push(Edit::Connect(Connection {
                id: connection_id(&connection.kind, from, to),
                kind: connection.kind.as_str().into(),
                from: from.clone(),
                to: to.clone(),
                label: String::new(),
                properties: connection
                    .properties
                    .iter()
                    .map(|(k, v)| (k.as_str().into(), v.clone()))
                    .collect(),
                route: Default::default(),
            }));
        }
        Edit::Batch(edits)
            .apply(&mut design)
            .map_err(|e| ImportError::Build(e.to_string()))?;
        Ok(design)
    }

    /// Internet users reach every entry point: public IPs, Front Door, and web workloads whose
    /// public endpoint is open and that no public entry point already fronts.
    fn connect_internet(&mut self, design: &mut Design) -> Result<(), ImportError> {
        let context = crate::rules::Context::new(design, self.catalog);
        let fronted: BTreeSet<NodeId> = design
            .connections()
            .filter(|c| c.kind == "traffic")
            .filter(|c| {
                design.node(&c.from).is_some_and(|n| {
                    self.catalog
                        .kind(&n.kind)
                        .is_some_and(|k| k.has_trait("public_entry"))
                })
            })
            .map(|c| c.to.clone())
            .collect();
        let entries: Vec<NodeId> = design
            .nodes()
            .filter(|n| {
                let Some(kind) = self.catalog.kind(&n.kind) else {
                    return false;
                };
                let entry_kind = matches!(n.kind.as_str(), "public_ip" | "front_door")
                    || kind.has_trait("web_workload");
                entry_kind && !fronted.contains(&n.id) && context.publicly_accessible(n)
            })
            .map(|n| n.id.clone())
            .collect();
        drop(context);
        if entries.is_empty() {
            return Ok(());
        }
        let internet = NodeId::new("internet").map_err(|e| ImportError::Build(e.to_string()))?;
        let users = NodeId::new("internet-users").map_err(|e| ImportError::Build(e.to_string()))?;
        let size = |kind: &str| self.catalog.kind(kind).map_or((170.0, 56.0), |k| k.size);
        let mut edits = vec![
            Edit::AddNode(Node {
                id: internet.clone(),
                kind: "internet".into(),
                name: "Internet".to_owned(),
                rect: Rect::new(0.0, 0.0, size("internet").0, size("internet").1),
                parent: None,
                properties: BTreeMap::new(),
                notes: "Added by the import: the boundary internet traffic comes from".to_owned(),
            }),
            Edit::AddNode(Node {
                id: users.clone(),
                kind: "internet_users".into(),
                name: "Internet users".to_owned(),
                rect: Rect::new(0.0, 0.0, size("internet_users").0, size("internet_users").1),
                parent: Some(internet),
                properties: BTreeMap::new(),
                notes: "Added by the import: clients of the template's public entry points"
                    .to_owned(),
            }),
        ];
        for entry in entries {
            edits.push(Edit::Connect(Connection {
                id: connection_id("traffic", &users, &entry),
                kind: "traffic".into(),
                from: users.clone(),
                to: entry,
                label: String::new(),
                properties: BTreeMap::new(),
                route: Default::default(),
            }));
        }
        Edit::Batch(edits)
            .apply(design)
            .map_err(|e| ImportError::Build(e.to_string()))?;
        Ok(())
    }
}

fn connection_id(kind: &str, from: &NodeId, to: &NodeId) -> ConnectionId {
    let verb = if kind == "traffic" {
        "to".to_owned()
    } else {
        kind.replace('_', "-")
    };
    let text = sanitize_id(&format!("{from}-{verb}-{to}"));
    ConnectionId::new(text.clone()).unwrap_or_else(|_| ConnectionId::fresh(&text, |_| false))
}

/// A property value in the shape the catalog type wants: enum text in the catalog's spelling,
/// `"true"` as a boolean, numbers from text.
fn typed(ty: &PropertyType, value: Value) -> Result<Value, String> {
    Ok(match (ty, value) {
        (PropertyType::Enum(choices), Value::Text(text)) => {
            match choices.iter().find(|c| c.eq_ignore_ascii_case(&text)) {
                Some(choice) => Value::Text(choice.clone()),
                None => return Err(format!("`{text}` is not one of: {}", choices.join(", "))),
            }
        }
        (PropertyType::Enum(choices), Value::Bool(b)) => {
            return Err(format!("`{b}` is not one of: {}", choices.join(", ")));
        }
        (PropertyType::Bool, Value::Text(text)) if text.eq_ignore_ascii_case("true") => {
            Value::Bool(true)
        }
        (PropertyType::Bool, Value::Text(text)) if text.eq_ignore_ascii_case("false") => {
            Value::Bool(false)
        }
        (PropertyType::Int { .. }, Value::Text(text)) => match text.trim().parse() {
            Ok(i) => Value::Int(i),
            Err(_) => return Err(format!("`{text}` is not a whole number")),
        },
        (PropertyType::Text, Value::Bool(b)) => Value::Text(b.to_string()),
        (PropertyType::Text, Value::Int(i)) => Value::Text(i.to_string()),
        (PropertyType::Text, Value::List(items)) => Value::Text(items.join(", ")),
        (_, value) => value,
    })
}
