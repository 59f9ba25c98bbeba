//! Every catalog property with a secure value is read by some rule: a test probes each one.
//!
//! For each such property it builds a small design around a component of the property's kind
//! (or a connection of its kind), runs all rules, then flips the property to an insecure value
//! and expects the findings to change. The component's other properties are first all secure,
//! so a rule that fires on any one weakness shows the flip, then all at their defaults, so a rule
//! that fires only when two settings are both open shows it too.

use std::collections::BTreeSet;

use crate::model::{Design, PropertyDef, PropertyType, Value, catalog};
use crate::rules::testing::{DesignBuilder, hub_and_spoke};
use crate::rules::{Rule, evaluate_rules, registry};

/// The id of the probed component.
const PROBE: &str = "probe";

/// A value the baseline does not want: the default when it differs from the secure value,
/// else another choice.
fn insecure_value(property: &PropertyDef, secure: &Value) -> Option<Value> {
    if &property.default != secure {
        return Some(property.default.clone());
    }
    match (&property.ty, secure) {
        (PropertyType::Bool, Value::Bool(b)) => Some(Value::Bool(!b)),
        (PropertyType::Enum(choices), Value::Text(t)) => choices
            .iter()
            .find(|c| *c != t)
            .map(|c| Value::Text(c.clone())),
        (PropertyType::Int { min, max }, Value::Int(i)) => {
            Some(Value::Int(if i > min { *min } else { *max }))
        }
        (PropertyType::List, Value::List(l)) if !l.is_empty() => Some(Value::List(Vec::new())),
        _ => None,
    }
}

/// Places a node of `kind` with id `id`, inside a chain of first-choice parents when the kind
/// cannot sit at the top level.
fn place(builder: DesignBuilder, id: &str, kind: &str) -> DesignBuilder {
    let def = catalog::builtin()
        .kind(kind)
        .unwrap_or_else(|| panic!("{kind}"));
    if def.parents.is_empty() || def.top_level {
        return builder.node(id, kind);
    }
    let parent = format!("{id}-in");
    let builder = place(builder, &parent, &def.parents[0]);
    builder.child(id, kind, &parent)
}

/// Sets every secure property of the node to its secure value, except `except`.
fn secure_all(mut builder: DesignBuilder, id: &str, kind: &str, except: &str) -> DesignBuilder {
    let catalog = catalog::builtin();
    let def = catalog.kind(kind).unwrap_or_else(|| panic!("{kind}"));
    for property in catalog.node_properties(def) {
        if let Some(secure) = &property.secure
            && property.id != except
        {
            builder = builder.set(id, &property.id, secure.clone());
        }
    }
    builder
}

/// What a design's findings are, as comparable text.
fn outcome(design: &Design, rules: &[&'static Rule]) -> BTreeSet<String> {
    evaluate_rules(design, catalog::builtin(), rules.iter().copied())
        .items
        .iter()
        .map(|f| format!("{} {} {}", f.fingerprint(), f.severity.as_str(), f.message))
        .collect()
}

/// A Defender for Cloud node, all plans at their defaults, that governs `scope`.
fn governed_by_defender(builder: DesignBuilder, scope: &str) -> DesignBuilder {
    builder
        .node("defender", "defender_for_cloud")
        .connect("defender", scope, "governs")
}

/// An administrator in the internet zone opening SSH to `host`.
fn ssh_from_internet(builder: DesignBuilder, host: &str) -> DesignBuilder {
    builder
        .node("internet", "internet")
        .child("admin", "operator", "internet")
        .connect_with(
            "admin",
            host,
            "traffic",
            &[("protocol", Value::from("SSH"))],
        )
}

/// The kinds, each with an example node id, that a Defender for Cloud plan protects.
const DEFENDED: [(&str, &str); 10] = [
    ("vm", "virtual_machine"),
    ("web", "app_service"),
    ("sql", "sql_database"),
    ("pg", "postgresql_flexible_server"),
    ("cosmos", "cosmos_db"),
    ("st", "storage_account"),
    ("kv", "key_vault"),
    ("aks", "aks_cluster"),
    ("apim", "api_management"),
    ("ai", "ai_services"),
];

/// The surroundings a kind's rules need before they look at the probe: what it connects to,
/// which design-wide components exist, and the probe settings a property only matters under.
/// Kinds not listed are probed on their own.
fn surroundings(kind: &str, builder: DesignBuilder) -> DesignBuilder {
    match kind {
        // IAM-014 looks at synchronised accounts only with hybrid sync on; IAM-005 at PIM only
        // for a person with a privileged, eligible role.
        "entra_id" => builder
            .set(PROBE, "hybrid_sync", true)
            .node("admin", "operator")
            .node("sub", "subscription")
            .connect_with(
                "admin",
                "sub",
                "rbac",
                &[
                    ("role", Value::from("Owner")),
                    ("pim_eligible", Value::from(true)),
                ],
            ),
        // KV-006 rotates keys the vault serves; MON-008 needs Defender over the vault.
        "key_vault" => governed_by_defender(builder, PROBE)
            .node("st", "storage_account")
            .connect_with(
                "st",
                PROBE,
                "secret_reference",
                &[("purpose", Value::from("Key"))],
            ),
        // With firewall rules, public network access decides whether the ranges get in (NET-017).
        "sql_database" => governed_by_defender(builder, PROBE).set(PROBE, "firewall_ip_rules", 2),
        // NET-018 reads routing intent where the hub has a firewall to route through.
        "virtual_wan_hub" => builder.child("fw", "azure_firewall", PROBE),
        // CMP-014 looks at public network access where an HTTP trigger is exposed.
        "logic_app" => builder.set(PROBE, "http_trigger", true),
        "storage_account"
        | "ai_services"
        | "sql_managed_instance"
        | "cosmos_db"
        | "postgresql_flexible_server"
        | "api_management" => governed_by_defender(builder, PROBE),
        // NET-007 grades an internet session by just-in-time access.
        "virtual_machine" => ssh_from_internet(governed_by_defender(builder, PROBE), PROBE),
        "defender_for_cloud" => {
            let builder = DEFENDED.iter().fold(builder, |builder, (id, kind)| {
                place(builder, id, kind).connect(PROBE, id, "governs")
            });
            ssh_from_internet(builder, "vm")
        }
        // NET-009 looks at Bastion where there are machines to administer.
        "bastion" => place(builder, "vm", "virtual_machine"),
        // NET-005 looks at endpoint policies where an NSG and private endpoints share a subnet.
        "subnet" => builder
            .child("pe", "private_endpoint", PROBE)
            .node("nsg", "network_security_group")
            .connect("nsg", PROBE, "nsg_association"),
        // DATA-009 asks for a second approver once the recovery points are protected.
        "recovery_services_vault" => {
            builder
                .set(PROBE, "immutability", "Locked")
                .set(PROBE, "soft_delete", "AlwaysOn")
        }
        // IDPS is a Premium feature.
        "azure_firewall" => builder.set(PROBE, "sku", "Premium"),
        // NET-003 judges endpoints in a design with a workload reaching PaaS through them.
        "private_endpoint" => builder
            .node("app", "app_service")
            .node("st", "storage_account")
            .connect("app", PROBE, "traffic")
            .connect(PROBE, "st", "private_link"),
        // NET-014 wants protection on networks with a public entry point, here Bastion's.
        "ddos_protection_plan" => builder
            .node("vnet", "virtual_network")
            .child("bastion-snet", "subnet", "vnet")
            .set("bastion-snet", "purpose", "AzureBastionSubnet")
            .child("bastion", "bastion", "bastion-snet")
            .connect(PROBE, "vnet", "protects"),
        // KV-001: the app uses a connection string, from Key Vault or its own settings.
        "app_service" => builder
            .node("kv", "key_vault")
            .node("st", "storage_account")
            .connect_with(
                PROBE,
                "st",
                "traffic",
                &[("auth", Value::from("ConnectionString"))],
            ),
        // A function app's keyed flow to storage would stand for its host storage setting
        // (IAM-002 reports it once), so its connection string goes to a database.
        "function_app" => builder
            .node("kv", "key_vault")
            .node("sql", "sql_database")
            .connect_with(
                PROBE,
                "sql",
                "traffic",
                &[("auth", Value::from("ConnectionString"))],
            ),
        // MON-002 asks for diagnostics once there is a workspace.
        "application_insights" => builder.node("law", "log_analytics_workspace"),
        _ => builder,
    }
}

/// A design with the probe node (kind `kind`) whose `property` is `value`, its other secure
/// properties secure or left at their defaults.
fn node_probe(kind: &str, property: &str, value: &Value, others_secure: bool) -> Design {
    let mut builder = place(DesignBuilder::new(), PROBE, kind);
    if others_secure {
        builder = secure_all(builder, PROBE, kind, property);
    }
    surroundings(kind, builder)
        .set(PROBE, property, value.clone())
        .build()
}

/// The two ends of a probed connection of `kind` and what surrounds them.
fn connection_ends(kind: &str) -> (&'static str, &'static str, DesignBuilder) {
    let builder = DesignBuilder::new();
    match kind {
        "traffic" => (
            "app",
            "sql",
            builder
                .node("app", "app_service")
                .node("sql", "sql_database"),
        ),
        // NET-010 wants all of an app's egress routed where a spoke sends it to the firewall.
        "vnet_integration" => (
            "app",
            "snet",
            hub_and_spoke(builder).node("app", "app_service"),
        ),
        "hybrid_link" => (
            "onprem",
            "gw",
            place(
                builder.node("onprem", "on_premises_network"),
                "gw",
                "vnet_gateway",
            ),
        ),
        "secret_reference" => (
            "app",
            "kv",
            builder
                .node("app", "app_service")
                .set("app", "key_vault_references", true)
                .node("kv", "key_vault"),
        ),
        other => panic!("no probe for connection kind `{other}`: add its two ends here"),
    }
}

/// A design with a connection of `kind` whose `property` is `value`. Connection kinds hold one
/// secure property each, so there are no others to set.
fn connection_probe(kind: &str, property: &str, value: &Value, _others_secure: bool) -> Design {
    let (from, to, builder) = connection_ends(kind);
    builder
        .connect_with(from, to, kind, &[(property, value.clone())])
        .build()
}

/// `kind.property` for every secure property whose flip the rules do not notice.
fn unread_secure_properties(rules: &[&'static Rule]) -> Vec<String> {
    let catalog = catalog::builtin();
    let mut unread = Vec::new();
    let mut probe = |owner: &str,
                     property: &PropertyDef,
                     design: &dyn Fn(&Value, bool) -> Design| {
        let Some(secure) = &property.secure else {
            return;
        };
        let Some(insecure) = insecure_value(property, secure) else {
            unread.push(format!(
                "{owner}.{} (no insecure value to try)",
                property.id
            ));
            return;
        };
        let noticed = [true, false].into_iter().any(|others| {
            outcome(&design(secure, others), rules) != outcome(&design(&insecure, others), rules)
        });
        if !noticed {
            unread.push(format!("{owner}.{}", property.id));
        }
    };
    for kind in catalog.kinds() {
        for property in catalog.node_properties(kind) {
            probe(&kind.id, property, &|value, others| {
                node_probe(&kind.id, &property.id, value, others)
            });
        }
    }
    for kind in catalog.connection_kinds() {
        for property in &kind.properties {
            probe(&kind.id, property, &|value, others| {
                connection_probe(&kind.id, &property.id, value, others)
            });
        }
    }
    unread
}

#[test]
fn without_rules_no_secure_setting_is_read() {
    // The probe itself notices nothing: what the next test sees, the rules see.
    let catalog = catalog::builtin();
    let secure_settings = catalog
        .kinds()
        .iter()
        .flat_map(|kind| catalog.node_properties(kind))
        .chain(
            catalog
                .connection_kinds()
                .iter()
                .flat_map(|k| &k.properties),
        )
        .filter(|p| p.secure.is_some())
        .count();
    assert_eq!(unread_secure_properties(&[]).len(), secure_settings);
}

#[test]
fn every_secure_setting_is_read_by_a_rule() {
    let unread = unread_secure_properties(registry::all());
    assert!(
        unread.is_empty(),
        "{} secure settings change no finding when made insecure; give each a rule or drop its \
         `secure:` value:\n{}",
        unread.len(),
        unread.join("\n")
    );
}
