//! The component catalog: every kind a design can hold, as data (`assets/catalog.ron`).
//!
//! Rules, the palette, the inspector and the file loader all read kinds and properties from here;
//! nothing else in the code base hard-codes a kind's properties.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::value::{PropertyType, Value};

/// The catalog as shipped in the binary.
pub fn builtin() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        // The embedded catalog is our own data and a test validates it: failing here is a bug.
        #[allow(clippy::expect_used)]
        Catalog::parse(include_str!("../../assets/catalog.ron")).expect("embedded catalog is valid")
    })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    pub categories: Vec<Category>,
    /// Properties every kind with `common: true` has (environment, owner, classification).
    pub common_properties: Vec<PropertyDef>,
    /// Every trait a kind may carry, with how messages name a member.
    pub traits: Vec<TraitDef>,
    pub kinds: Vec<KindDef>,
    pub connection_kinds: Vec<ConnectionKindDef>,
}

/// A kind group (`private_link_capable`, `log_sink`, ...) and how a message names one member.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraitDef {
    pub id: String,
    /// With its article: "a resource that takes private endpoints".
    pub noun: String,
}

/// A palette category, in display order.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: String,
    /// Accent colour as `#rrggbb`, used for card stripes and icons.
    pub color: String,
}

/// A component kind (a box on the canvas), or a container kind (a region that holds others).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindDef {
    pub id: String,
    pub name: String,
    /// How a message names one, with its article, when "a"/"an" and the name would read wrong
    /// ("an Event Hubs namespace", "the internet").
    #[serde(default)]
    pub noun: Option<String>,
    pub category: String,
    /// File stem of the icon in `assets/icons/`.
    pub icon: String,
    /// One line: what this is.
    pub summary: String,
    /// Containers are drawn as labelled regions and can hold other nodes.
    #[serde(default)]
    pub container: bool,
    /// Kinds this may be placed inside. Empty means: anywhere, including the top level.
    #[serde(default)]
    pub parents: Vec<String>,
    /// Whether this kind may also sit at the top level when `parents` is not empty.
    #[serde(default)]
    pub top_level: bool,
    /// Kind groups the rules query (`web_workload`, `data_store`, `waf_capable`, ...).
    #[serde(default)]
    pub traits: Vec<String>,
    /// Whether the common properties apply (false for boundary zones and personas).
    #[serde(default = "default_true")]
    pub common: bool,
    #[serde(default)]
    pub properties: Vec<PropertyDef>,
    /// Default size on the canvas, in canvas units.
    pub size: (f32, f32),
}

fn default_true() -> bool {
    true
}

/// One typed property with the platform default and one line of help.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropertyDef {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub ty: PropertyType,
    /// What Azure applies when nothing is set (insecure where the platform default is).
    pub default: Value,
    /// The value the security baseline expects, when there is a single one.
    #[serde(default)]
    pub secure: Option<Value>,
    pub help: String,
}

/// A kind of connection (data flow, private link, peering, diagnostics, ...).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionKindDef {
    pub id: String,
    pub name: String,
    /// As for [`KindDef::noun`]: "an NSG association".
    #[serde(default)]
    pub noun: Option<String>,
    pub summary: String,
    /// The kinds it may start at, by kind or trait id.
    pub from: Ends,
    /// The kinds it may end at.
    pub to: Ends,
    /// Whether the connection carries data-plane traffic (used by reachability rules).
    #[serde(default)]
    pub flow: bool,
    /// Drawn with a dashed line (control-plane and association edges).
    #[serde(default)]
    pub dashed: bool,
    #[serde(default)]
    pub properties: Vec<PropertyDef>,
}

/// Which kinds one end of a connection kind accepts, by kind or trait id.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all(serialize = "snake_case"))]
pub enum Ends {
    Only(Vec<String>),
    AnyBut(Vec<String>),
}

impl Ends {
    fn names(&self) -> &[String] {
        match self {
            Self::Only(names) | Self::AnyBut(names) => names,
        }
    }
}

/// "a" or "an" before a name, by its first letter; names that read otherwise ("an NSG") carry
/// their own noun in the catalog.
fn with_article(name: &str) -> String {
    let mut words = name.split(' ');
    let first = words.next().unwrap_or_default();
    let mut letters = first.chars();
    // "Virtual machine" reads "a virtual machine"; "Key Vault" and "AKS cluster" keep their case.
    let sentence_case = letters.next().is_some_and(char::is_uppercase)
        && letters.all(|c| !c.is_uppercase())
        && words
            .next()
            .is_none_or(|w| w.starts_with(|c: char| c.is_lowercase()));
    let name = if sentence_case {
        let mut chars = name.chars();
        chars
            .next()
            .map(|c| c.to_lowercase().chain(chars).collect())
            .unwrap_or_default()
    } else {
        name.to_owned()
    };
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
}

impl KindDef {
    /// How a message names one of this kind: "a virtual machine", "an Event Hubs namespace".
    pub fn noun(&self) -> String {
        self.noun
            .clone()
            .unwrap_or_else(|| with_article(&self.name))
    }
}

impl ConnectionKindDef {
    /// How a message names one: "an NSG association".
    pub fn noun(&self) -> String {
        self.noun
            .clone()
            .unwrap_or_else(|| with_article(&self.name))
    }
}

/// The parsed, indexed catalog.
#[derive(Clone, Debug)]
pub struct Catalog {
    pub categories: Vec<Category>,
    pub common_properties: Vec<PropertyDef>,
    traits: Vec<TraitDef>,
    kinds: Vec<KindDef>,
    kind_index: BTreeMap<String, usize>,
    connection_kinds: Vec<ConnectionKindDef>,
    connection_kind_index: BTreeMap<String, usize>,
}

/// Why a catalog file is not usable.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("catalog does not parse: {0}")]
    Parse(#[from] ron::error::SpannedError),
    #[error("catalog is inconsistent: {0}")]
    Invalid(String),
}

impl Catalog {
    /// Parses and validates a catalog.
    pub fn parse(text: &str) -> Result<Self, CatalogError> {
        // `noun: "..."` reads better than `noun: Some("...")` in a file edited by hand.
        let file: CatalogFile = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(text)?;
        let catalog = Self::from_file(file);
        let problems = catalog.problems();
        if problems.is_empty() {
            Ok(catalog)
        } else {
            Err(CatalogError::Invalid(problems.join("; ")))
        }
    }

    fn from_file(file: CatalogFile) -> Self {
        let kind_index = file
            .kinds
            .iter()
            .enumerate()
            .map(|(i, k)| (k.id.clone(), i))
            .collect();
        let connection_kind_index = file
            .connection_kinds
            .iter()
            .enumerate()
            .map(|(i, k)| (k.id.clone(), i))
            .collect();
        Self {
            categories: file.categories,
            common_properties: file.common_properties,
            traits: file.traits,
            kinds: file.kinds,
            kind_index,
            connection_kinds: file.connection_kinds,
            connection_kind_index,
        }
    }

    /// All component and container kinds, in catalog order.
    pub fn kinds(&self) -> &[KindDef] {
        &self.kinds
    }

    pub fn kind(&self, id: &str) -> Option<&KindDef> {
        self.kind_index.get(id).map(|&i| &self.kinds[i])
    }

    pub fn connection_kinds(&self) -> &[ConnectionKindDef] {
        &self.connection_kinds
    }

    pub fn connection_kind(&self, id: &str) -> Option<&ConnectionKindDef> {
        self.connection_kind_index
            .get(id)
            .map(|&i| &self.connection_kinds[i])
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// Every property a node of `kind` has: the kind's own, then the common ones.
    pub fn node_properties<'a>(
        &'a self,
        kind: &'a KindDef,
    ) -> impl Iterator<Item = &'a PropertyDef> {
        let common: &[PropertyDef] = if kind.common {
            &self.common_properties
        } else {
            &[]
        };
        kind.properties.iter().chain(common.iter())
    }

    pub fn node_property<'a>(
        &'a self,
        kind: &'a KindDef,
        property: &str,
    ) -> Option<&'a PropertyDef> {
        self.node_properties(kind).find(|p| p.id == property)
    }

    /// Whether a node of kind `child` may be placed in a container of kind `parent`
    /// (`None` = the top level).
    pub fn may_contain(&self, parent: Option<&str>, child: &KindDef) -> bool {
        match parent {
            None => child.parents.is_empty() || child.top_level,
            Some(parent) => {
                self.kind(parent).is_some_and(|p| p.container)
                    && (child.parents.is_empty() || child.parents.iter().any(|k| k == parent))
            }
        }
    }

    fn trait_def(&self, id: &str) -> Option<&TraitDef> {
        self.traits.iter().find(|t| t.id == id)
    }

    /// Whether `kind` is the kind or carries the trait `name`.
    fn is_named(kind: &KindDef, name: &str) -> bool {
        kind.id == name || kind.has_trait(name)
    }

    fn accepts(ends: &Ends, kind: &KindDef) -> bool {
        match ends {
            Ends::Only(names) => names.iter().any(|n| Self::is_named(kind, n)),
            Ends::AnyBut(names) => !names.iter().any(|n| Self::is_named(kind, n)),
        }
    }

    /// Whether a connection of `connection` may go from a node of kind `from` to one of `to`.
    pub fn may_join(&self, connection: &ConnectionKindDef, from: &KindDef, to: &KindDef) -> bool {
        Self::accepts(&connection.from, from) && Self::accepts(&connection.to, to)
    }

    /// The kind a connection drawn without choosing one gets: one made for the start's own kind
    /// (a private link from a private endpoint, an NSG association from an NSG), else the first
    /// in catalog order that fits both ends (traffic between workloads).
    pub fn default_connection_kind(
        &self,
        from: &KindDef,
        to: &KindDef,
    ) -> Option<&ConnectionKindDef> {
        let made_for_start = |c: &ConnectionKindDef| matches!(&c.from, Ends::Only(names) if names.contains(&from.id));
        // `min_by_key` keeps the first of equals, so catalog order breaks ties.
        self.connection_kinds
            .iter()
            .filter(|c| self.may_join(c, from, to))
            .min_by_key(|c| !made_for_start(c))
    }

    /// One end in words: "a subnet or a virtual machine", "anything but a scope".
    pub fn ends_text(&self, ends: &Ends) -> String {
        let nouns: Vec<String> = ends
            .names()
            .iter()
            .map(|name| match (self.kind(name), self.trait_def(name)) {
                (Some(kind), _) => kind.noun(),
                (None, Some(group)) => group.noun.clone(),
                (None, None) => format!("`{name}`"),
            })
            .collect();
        let listed = match nouns.split_last() {
            None => String::new(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        };
        match ends {
            Ends::Only(_) => listed,
            Ends::AnyBut(_) => format!("anything but {listed}"),
        }
    }

    /// Where a connection kind goes, in words: "from a network security group to a subnet",
    /// "from and to a virtual network".
    pub fn joins_text(&self, connection: &ConnectionKindDef) -> String {
        if connection.from == connection.to {
            return format!("from and to {}", self.ends_text(&connection.from));
        }
        format!(
            "from {} to {}",
            self.ends_text(&connection.from),
            self.ends_text(&connection.to)
        )
    }

    /// Everything wrong with the catalog; empty when it is consistent.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.kind_index.len() != self.kinds.len() {
            problems.push("duplicate kind ids".to_owned());
        }
        if self.connection_kind_index.len() != self.connection_kinds.len() {
            problems.push("duplicate connection kind ids".to_owned());
        }
        let check_properties =
            |owner: &str, properties: &[PropertyDef], problems: &mut Vec<String>| {
                let mut seen = std::collections::BTreeSet::new();
                for p in properties {
                    if !seen.insert(p.id.as_str()) {
                        problems.push(format!("{owner}: duplicate property `{}`", p.id));
                    }
                    if let Err(e) = p.ty.check(&p.default) {
                        problems.push(format!("{owner}.{}: default {e}", p.id));
                    }
                    if let Some(secure) = &p.secure
                        && let Err(e) = p.ty.check(secure)
                    {
                        problems.push(format!("{owner}.{}: secure value {e}", p.id));
                    }
                    if p.help.trim().is_empty() {
                        problems.push(format!("{owner}.{}: help is empty", p.id));
                    }
                }
            };
        check_properties("common", &self.common_properties, &mut problems);
        for kind in &self.kinds {
            if self.category(&kind.category).is_none() {
                problems.push(format!("{}: unknown category `{}`", kind.id, kind.category));
            }
            for parent in &kind.parents {
                if !self.kind(parent).is_some_and(|p| p.container) {
                    problems.push(format!(
                        "{}: parent `{parent}` is not a container kind",
                        kind.id
                    ));
                }
            }
            let all: Vec<PropertyDef> = self.node_properties(kind).cloned().collect();
            check_properties(&kind.id, &all, &mut problems);
            if !(kind.size.0 > 0.0 && kind.size.1 > 0.0) {
                problems.push(format!("{}: size must be positive", kind.id));
            }
        }
        let mut trait_ids = std::collections::BTreeSet::new();
        for group in &self.traits {
            if !trait_ids.insert(group.id.as_str()) {
                problems.push(format!("duplicate trait `{}`", group.id));
            }
        }
        for kind in &self.kinds {
            for name in kind.traits.iter().filter(|t| self.trait_def(t).is_none()) {
                problems.push(format!(
                    "{}: trait `{name}` is not in the traits list",
                    kind.id
                ));
            }
        }
        for connection in &self.connection_kinds {
            check_properties(&connection.id, &connection.properties, &mut problems);
            for (end, ends) in [("from", &connection.from), ("to", &connection.to)] {
                for name in ends.names() {
                    if self.kind(name).is_none() && self.trait_def(name).is_none() {
                        problems.push(format!(
                            "{}.{end}: `{name}` is neither a kind nor a trait",
                            connection.id
                        ));
                    }
                }
                if !self.kinds.iter().any(|k| Self::accepts(ends, k)) {
                    problems.push(format!("{}.{end}: no kind fits", connection.id));
                }
            }
        }
        problems
    }
}

impl KindDef {
    pub fn has_trait(&self, name: &str) -> bool {
        self.traits.iter().any(|t| t == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_is_consistent() {
        let catalog = Catalog::parse(include_str!("../../assets/catalog.ron"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(catalog.problems().is_empty());
        assert!(
            catalog.kinds().len() >= 45,
            "{} kinds",
            catalog.kinds().len()
        );
    }

    #[test]
    fn every_kind_has_an_icon_file() {
        let icons = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/icons");
        for kind in builtin().kinds() {
            let path = icons.join(format!("{}.svg", kind.icon));
            assert!(
                path.is_file(),
                "{}: missing icon {}",
                kind.id,
                path.display()
            );
        }
    }

    fn kind(id: &str) -> &'static KindDef {
        builtin().kind(id).unwrap_or_else(|| panic!("no kind {id}"))
    }

    fn connection(id: &str) -> &'static ConnectionKindDef {
        builtin()
            .connection_kind(id)
            .unwrap_or_else(|| panic!("no connection kind {id}"))
    }

    #[test]
    fn connection_kinds_join_only_the_ends_they_declare() {
        let catalog = builtin();
        let joins =
            |c: &str, from: &str, to: &str| catalog.may_join(connection(c), kind(from), kind(to));
        let allowed = [
            ("nsg_association", "network_security_group", "subnet"),
            (
                "nsg_association",
                "network_security_group",
                "virtual_machine",
            ),
            ("private_link", "private_endpoint", "storage_account"),
            ("private_link", "private_endpoint", "private_link_service"),
            ("vnet_integration", "function_app", "subnet"),
            ("vnet_integration", "api_management", "subnet"),
            ("peering", "virtual_network", "virtual_network"),
            ("dns_link", "private_dns_zone", "virtual_network"),
            ("route_association", "route_table", "subnet"),
            ("diagnostics", "key_vault", "event_hubs"),
            (
                "diagnostics",
                "microsoft_sentinel",
                "log_analytics_workspace",
            ),
            ("hybrid_link", "on_premises_network", "vnet_gateway"),
            ("traffic", "internet_users", "front_door"),
            ("traffic", "azure_firewall", "internet"),
            ("rbac", "managed_identity", "key_vault"),
            ("governs", "azure_policy_assignment", "subscription"),
            ("backup", "recovery_services_vault", "virtual_machine"),
            ("protects", "ddos_protection_plan", "virtual_network"),
        ];
        for (c, from, to) in allowed {
            assert!(joins(c, from, to), "{c}: {from} -> {to}");
        }
        let refused = [
            ("nsg_association", "app_service", "storage_account"),
            ("nsg_association", "subnet", "network_security_group"),
            ("private_link", "private_endpoint", "virtual_machine"),
            ("vnet_integration", "app_service", "virtual_network"),
            ("diagnostics", "private_endpoint", "log_analytics_workspace"),
            ("diagnostics", "app_service", "key_vault"),
            ("diagnostics", "resource_group", "log_analytics_workspace"),
            ("traffic", "app_service", "subscription"),
            ("traffic", "network_security_group", "virtual_machine"),
            ("rbac", "internet_users", "key_vault"),
            ("backup", "app_service", "virtual_machine"),
            ("backup", "recovery_services_vault", "cosmos_db"),
        ];
        for (c, from, to) in refused {
            assert!(!joins(c, from, to), "{c}: {from} -> {to}");
        }
    }

    #[test]
    fn a_drawn_connection_gets_the_kind_made_for_its_start() {
        let default = |from: &str, to: &str| {
            builtin()
                .default_connection_kind(kind(from), kind(to))
                .map(|c| c.id.as_str())
        };
        assert_eq!(default("app_service", "sql_database"), Some("traffic"));
        assert_eq!(default("app_service", "storage_account"), Some("traffic"));
        assert_eq!(
            default("private_endpoint", "storage_account"),
            Some("private_link")
        );
        assert_eq!(
            default("network_security_group", "virtual_machine"),
            Some("nsg_association")
        );
        assert_eq!(
            default("recovery_services_vault", "virtual_machine"),
            Some("backup")
        );
        assert_eq!(default("subscription", "resource_group"), None);
    }

    #[test]
    fn ends_and_kinds_read_as_words() {
        let catalog = builtin();
        assert_eq!(
            catalog.joins_text(connection("nsg_association")),
            "from a network security group to a subnet or a virtual machine"
        );
        assert_eq!(
            catalog.joins_text(connection("peering")),
            "from and to a virtual network"
        );
        assert_eq!(connection("nsg_association").noun(), "an NSG association");
        assert_eq!(connection("private_link").noun(), "a private link");
        assert_eq!(kind("event_hubs").noun(), "an Event Hubs namespace");
        assert_eq!(kind("virtual_machine").noun(), "a virtual machine");
        assert_eq!(kind("key_vault").noun(), "a Key Vault");
        assert_eq!(kind("aks_cluster").noun(), "an AKS cluster");
        assert_eq!(kind("on_premises_network").noun(), "an on-premises network");
    }

    #[test]
    fn ends_naming_nothing_and_undeclared_traits_are_reported() {
        let text = r##"(
            categories: [(id: "c", name: "C", color: "#000000")],
            common_properties: [],
            traits: [(id: "t", noun: "a t")],
            kinds: [(id: "k", name: "K", category: "c", icon: "k", summary: "s", size: (1.0, 1.0),
                traits: ["t", "typo"])],
            connection_kinds: [(id: "x", name: "X", summary: "s", from: Only(["t"]),
                to: Only(["nothing"]))],
        )"##;
        let Err(CatalogError::Invalid(message)) = Catalog::parse(text) else {
            panic!("accepted")
        };
        assert!(
            message.contains("k: trait `typo` is not in the traits list"),
            "{message}"
        );
        assert!(
            message.contains("x.to: `nothing` is neither a kind nor a trait"),
            "{message}"
        );
        assert!(message.contains("x.to: no kind fits"), "{message}");
        assert!(!message.contains("x.from"), "{message}");
    }

    #[test]
    fn a_wrong_default_type_is_reported() {
        let text = r##"(
            categories: [(id: "c", name: "C", color: "#000000")],
            common_properties: [],
            traits: [],
            kinds: [(id: "k", name: "K", category: "c", icon: "k", summary: "s", size: (1.0, 1.0),
                properties: [(id: "p", name: "P", type: Bool, default: Int(3), help: "h")])],
            connection_kinds: [],
        )"##;
        let Err(CatalogError::Invalid(message)) = Catalog::parse(text) else {
            panic!("accepted")
        };
        assert!(
            message.contains("k.p: default must be true or false, not a number"),
            "{message}"
        );
    }
}
