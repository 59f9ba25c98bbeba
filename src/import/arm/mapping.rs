//! The mapping from ARM resource types and property paths to catalog kinds and properties, as
//! data (`assets/arm-mapping.ron`), and the conversions it names.

use std::sync::OnceLock;

use serde::Deserialize;

use super::value::Val;
use crate::model::Value;

/// The mapping shipped in the binary.
pub fn builtin() -> &'static Mapping {
    static MAPPING: OnceLock<Mapping> = OnceLock::new();
    MAPPING.get_or_init(|| {
        // Our own data, checked against the catalog by a test: failing here is a bug.
        #[allow(clippy::expect_used)]
        ron::from_str(include_str!("../../../assets/arm-mapping.ron"))
            .expect("embedded ARM mapping is valid")
    })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub resources: Vec<ResourceMapping>,
    pub relations: Vec<RelationRule>,
    /// Traffic properties by the kind a flow ends at (the catalog defaults are HTTPS on 443).
    pub flows: Vec<FlowDefault>,
}

/// What one resource type becomes.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceMapping {
    /// A full resource type; `Type/*` stands for every type below it.
    #[serde(rename = "type")]
    pub resource_type: String,
    pub role: Role,
    /// Kinds chosen by a value, checked in order before the role's kind.
    #[serde(default)]
    pub kind_rules: Vec<KindRule>,
    #[serde(default)]
    pub properties: Vec<PropertyRule>,
    /// Arrays of child resources declared inline (`properties.subnets`).
    #[serde(default)]
    pub inline_children: Vec<InlineChildren>,
}

#[derive(Clone, Debug, Deserialize)]
pub enum Role {
    /// A node of this catalog kind (empty: only when a kind rule matches).
    Node(String),
    /// Part of the resource it is a child of (by type and name).
    Fold,
    /// Part of the node that refers to it (a NIC in its VM, a plan in its app).
    Absorb,
    /// All resources of this type make one node (Defender plans make one Defender for Cloud).
    Merge {
        kind: String,
        id: String,
        name: String,
    },
    /// A connection between two resources.
    Link {
        kind: String,
        from: Endpoint,
        to: Endpoint,
        #[serde(default)]
        properties: Vec<PropertyRule>,
    },
    /// Known, with nothing the catalog models (the reason is shown in the report).
    Ignore(String),
}

/// One end of a [`Role::Link`].
#[derive(Clone, Debug, Deserialize)]
pub enum Endpoint {
    /// The resource this one is a child of.
    Parent,
    /// The extension resource's `scope` (the resource group when it has none).
    Scope,
    /// The resource a property refers to.
    Path(String),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindRule {
    pub path: String,
    /// Matches when the value's text contains this, ignoring case.
    pub contains: String,
    pub kind: String,
}

/// Sets a catalog property from the value at a path.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropertyRule {
    /// Dotted path into the resource (`properties.siteConfig.minTlsVersion`); `[*]` visits
    /// each item of an array; empty is the whole resource.
    pub path: String,
    pub property: String,
    #[serde(default)]
    pub convert: Convert,
    /// Applies only when the node is of this kind.
    #[serde(default)]
    pub only_kind: Option<String>,
    /// Applies only to resources whose last name segment is this (ignoring case).
    #[serde(default)]
    pub only_name: Option<String>,
    /// Several values (array items, child resources) add up instead of the last one winning.
    #[serde(default)]
    pub sum: bool,
}

/// How a template value becomes a property value.
#[derive(Clone, Debug, Default, Deserialize)]
pub enum Convert {
    /// Booleans, numbers and text as they are; enum text matched to the catalog's spelling.
    #[default]
    Same,
    /// Text looked up (ignoring case); other text is reported as not mapped.
    Map(Vec<(String, Value)>),
    /// Text looked up (ignoring case); other text sets nothing.
    Lookup(Vec<(String, Value)>),
    /// This value whenever the path holds anything but null or false.
    Present(Value),
    /// Whether the array or text is non-empty.
    NonEmpty,
    /// The number of items.
    Count,
    /// Array items joined with `, `.
    Join,
    /// Every item's text, as a list.
    List,
    /// The last `/`-separated segment of the text (role names from role definition ids).
    LastSegment,
    /// A rule written in code, for values that need several fields at once.
    Derive(Derivation),
}

/// Conversions that read several fields of one value.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum Derivation {
    /// NSG rule: inbound allow from any source.
    NsgInboundFromAny,
    /// NSG rule: inbound allow of 22 or 3389 from any source.
    NsgManagementPortsFromInternet,
    /// NSG rule: outbound deny of 22 and 3389.
    NsgDeniesOutboundManagement,
    /// SQL or PostgreSQL firewall rule 0.0.0.0–0.0.0.0 ("allow Azure services").
    FirewallAllowsAzureServices,
    /// A firewall rule that is not the Azure-services rule (counts 1).
    FirewallIpRule,
    /// A firewall rule from 0.0.0.0 to 255.255.255.255: the whole internet.
    FirewallAllowsAll,
    /// Application Gateway WAF policy or WAF configuration rule set type and version.
    AppGatewayRuleSet,
    /// Front Door WAF policy managed rule set type and version.
    FrontDoorRuleSet,
    /// Bot manager managed rule set present.
    BotManagerRuleSet,
    /// Application Gateway frontends: public, private or both.
    AppGatewayFrontend,
    /// Application Gateway listener protocols: HTTP, HTTPS or both.
    AppGatewayListenerProtocol,
    /// Application Gateway backend settings: HTTPS only when every setting is HTTPS.
    AppGatewayBackendProtocol,
    /// Route table route for 0.0.0.0/0: its next hop type.
    DefaultRouteNextHop,
    /// Route table route for 0.0.0.0/0: its next hop address.
    DefaultRouteNextHopIp,
    /// Front Door accepted or supported protocols: HTTPS only or both.
    AcceptedProtocols,
    /// PostgreSQL flexible server authentication configuration.
    PostgresAuth,
    /// An app setting that is a Key Vault reference (`@Microsoft.KeyVault(...)`).
    KeyVaultReference,
    /// App Service access restrictions: Front Door's service tag with its `X-Azure-FDID`
    /// header, or other allow rules.
    AccessRestrictions,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlineChildren {
    pub path: String,
    #[serde(rename = "type")]
    pub child_type: String,
}

/// What a reference from one resource's property to another means.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationRule {
    #[serde(rename = "type")]
    pub resource_type: String,
    /// A path prefix: references at this path or below it.
    pub path: String,
    pub action: Action,
}

#[derive(Clone, Debug, Deserialize)]
pub enum Action {
    /// The node sits in the container the reference points at (a subnet).
    PlaceIn,
    /// A connection of this kind from the node to the target, or back when `reverse`.
    Connect { kind: String, reverse: bool },
    /// A data flow to the target (its properties from [`Mapping::flows`]).
    Flow,
    /// Sets a property on the node when the reference exists.
    Set { property: String, value: Value },
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowDefault {
    pub target: String,
    /// Connection kind; `traffic` when not given.
    #[serde(default)]
    pub connection: Option<String>,
    #[serde(default)]
    pub protocol: Option<String>,
    #[serde(default)]
    pub port: Option<i64>,
    #[serde(default)]
    pub purpose: Option<String>,
}

impl Mapping {
    /// The mapping for a resource type: an exact match, else the longest `Type/*` above it.
    pub fn resource(&self, resource_type: &str) -> Option<&ResourceMapping> {
        self.resources
            .iter()
            .find(|m| m.resource_type.eq_ignore_ascii_case(resource_type))
            .or_else(|| {
                self.resources
                    .iter()
                    .filter(|m| {
                        m.resource_type.strip_suffix("/*").is_some_and(|stem| {
                            resource_type.len() > stem.len()
                                && resource_type[..stem.len()].eq_ignore_ascii_case(stem)
                                && resource_type.as_bytes()[stem.len()] == b'/'
                        })
                    })
                    .max_by_key(|m| m.resource_type.len())
            })
    }

    /// The relation rule for a reference at `path` in a resource of `resource_type`.
    pub fn relation(&self, resource_type: &str, path: &str) -> Option<&RelationRule> {
        self.relations
            .iter()
            .filter(|r| {
                r.resource_type.eq_ignore_ascii_case(resource_type) && path_within(path, &r.path)
            })
            .max_by_key(|r| r.path.len())
    }

    pub fn flow(&self, target_kind: &str) -> Option<&FlowDefault> {
        self.flows.iter().find(|f| f.target == target_kind)
    }
}

/// Whether `path` is `prefix` or lies below it (`a.b[*].c` is within `a.b`).
pub fn path_within(path: &str, prefix: &str) -> bool {
    if prefix.is_empty() {
        return true;
    }
    path.len() >= prefix.len()
        && path[..prefix.len()].eq_ignore_ascii_case(prefix)
        && matches!(path.as_bytes().get(prefix.len()), None | Some(b'.' | b'['))
}

/// The values at a dotted path; `[*]` visits every item of an array.
pub fn select<'v>(value: &'v Val, path: &str) -> Vec<&'v Val> {
    let mut current = vec![value];
    if path.is_empty() {
        return current;
    }
    for segment in path.split('.') {
        let (key, every) = match segment.strip_suffix("[*]") {
            Some(key) => (key, true),
            None => (segment, false),
        };
        let mut next = Vec::new();
        for v in current {
            // `*` is every member of an object (app settings by name).
            if key == "*" {
                if let Val::Object(map) = v {
                    next.extend(map.values());
                }
                continue;
            }
            let Some(child) = (if key.is_empty() { Some(v) } else { v.get(key) }) else {
                continue;
            };
            match (every, child) {
                (true, Val::Array(items)) => next.extend(items.iter()),
                (true, Val::Unknown(_)) | (false, _) => next.push(child),
                (true, _) => {}
            }
        }
        current = next;
    }
    current
}

/// What a rule made of one value.
#[derive(Debug, PartialEq)]
pub enum Converted {
    Value(Value),
    /// Nothing to set (the value does not concern the property).
    Nothing,
    /// A value the mapping does not know, with the text shown in the report.
    Unmapped(String),
}

fn lookup(entries: &[(String, Value)], text: &str) -> Option<Value> {
    entries
        .iter()
        .find(|(from, _)| from.eq_ignore_ascii_case(text))
        .map(|(_, to)| to.clone())
}

/// Converts one value by a rule. Unknown values are handled by the caller.
pub fn convert(convert: &Convert, value: &Val) -> Converted {
    let text = || value.to_text();
    match convert {
        Convert::Same => match value {
            Val::Bool(b) => Converted::Value(Value::Bool(*b)),
            Val::Int(i) => Converted::Value(Value::Int(*i)),
            Val::Str(s) => Converted::Value(Value::Text(s.clone())),
            Val::Null => Converted::Nothing,
            Val::Array(_) | Val::Object(_) | Val::Unknown(_) => Converted::Unmapped(text()),
        },
        Convert::Map(entries) => match value {
            Val::Null => Converted::Nothing,
            _ => lookup(entries, &text())
                .map_or_else(|| Converted::Unmapped(text()), Converted::Value),
        },
        Convert::Lookup(entries) => {
            lookup(entries, &text()).map_or(Converted::Nothing, Converted::Value)
        }
        Convert::Present(v) => match value {
            Val::Null | Val::Bool(false) => Converted::Nothing,
            Val::Str(s) if s.is_empty() => Converted::Nothing,
            _ => Converted::Value(v.clone()),
        },
        Convert::NonEmpty => match value {
            Val::Array(items) => Converted::Value(Value::Bool(!items.is_empty())),
            Val::Str(s) => Converted::Value(Value::Bool(!s.is_empty())),
            Val::Null => Converted::Value(Value::Bool(false)),
            _ => Converted::Unmapped(text()),
        },
        Convert::Count => match value {
            Val::Array(items) => {
                Converted::Value(Value::Int(i64::try_from(items.len()).unwrap_or(i64::MAX)))
            }
            _ => Converted::Unmapped(text()),
        },
        Convert::Join => match value {
            Val::Array(items) => Converted::Value(Value::Text(
                items
                    .iter()
                    .map(Val::to_text)
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
            Val::Str(s) => Converted::Value(Value::Text(s.clone())),
            _ => Converted::Unmapped(text()),
        },
        Convert::List => match value {
            Val::Array(items) => {
                Converted::Value(Value::List(items.iter().map(Val::to_text).collect()))
            }
            Val::Str(s) => Converted::Value(Value::List(vec![s.clone()])),
            _ => Converted::Unmapped(text()),
        },
        Convert::LastSegment => match value {
            Val::Str(s) => {
                Converted::Value(Value::Text(s.rsplit('/').next().unwrap_or(s).to_owned()))
            }
            _ => Converted::Unmapped(text()),
        },
        Convert::Derive(derivation) => derive(*derivation, value),
    }
}

fn field<'v>(value: &'v Val, path: &str) -> Option<&'v Val> {
    select(value, path).into_iter().next()
}

fn field_text(value: &Val, path: &str) -> String {
    field(value, path).map(Val::to_text).unwrap_or_default()
}

/// An NSG rule's properties, from an inline rule (with `properties`) or a rule resource.
fn rule_properties(value: &Val) -> &Val {
    value.get("properties").unwrap_or(value)
}

fn any_source(rule: &Val) -> bool {
    let mut sources: Vec<String> = vec![field_text(rule, "sourceAddressPrefix")];
    if let Some(Val::Array(items)) = rule.get("sourceAddressPrefixes") {
        sources.extend(items.iter().map(Val::to_text));
    }
    sources.iter().any(|s| {
        matches!(
            s.to_ascii_lowercase().as_str(),
            "*" | "internet" | "any" | "0.0.0.0/0"
        )
    })
}

/// Whether a rule's destination ports include `port` (`*`, single ports and ranges).
fn covers_port(rule: &Val, port: u16) -> bool {
    let mut ranges: Vec<String> = vec![field_text(rule, "destinationPortRange")];
    if let Some(Val::Array(items)) = rule.get("destinationPortRanges") {
        ranges.extend(items.iter().map(Val::to_text));
    }
    ranges.iter().any(|range| {
        let range = range.trim();
        if range == "*" {
            return true;
        }
        match range.split_once('-') {
            Some((lo, hi)) => match (lo.trim().parse::<u16>(), hi.trim().parse::<u16>()) {
                (Ok(lo), Ok(hi)) => (lo..=hi).contains(&port),
                _ => false,
            },
            None => range.parse::<u16>() == Ok(port),
        }
    })
}

fn is(rule: &Val, path: &str, expected: &str) -> bool {
    field_text(rule, path).eq_ignore_ascii_case(expected)
}

fn rule_set_version(value: &Val) -> (String, String) {
    (
        field_text(value, "ruleSetType").to_ascii_lowercase(),
        field_text(value, "ruleSetVersion"),
    )
}

fn derive(derivation: Derivation, value: &Val) -> Converted {
    let yes = Converted::Value(Value::Bool(true));
    let text = |t: &str| Converted::Value(Value::Text(t.to_owned()));
    match derivation {
        Derivation::NsgInboundFromAny => {
            let rule = rule_properties(value);
            if is(rule, "direction", "Inbound") && is(rule, "access", "Allow") && any_source(rule) {
                yes
            } else {
                Converted::Nothing
            }
        }
        Derivation::NsgManagementPortsFromInternet => {
            let rule = rule_properties(value);
            if is(rule, "direction", "Inbound")
                && is(rule, "access", "Allow")
                && any_source(rule)
                && (covers_port(rule, 22) || covers_port(rule, 3389))
            {
                yes
            } else {
                Converted::Nothing
            }
        }
        Derivation::NsgDeniesOutboundManagement => {
            let rule = rule_properties(value);
            if is(rule, "direction", "Outbound")
                && is(rule, "access", "Deny")
                && covers_port(rule, 22)
                && covers_port(rule, 3389)
            {
                yes
            } else {
                Converted::Nothing
            }
        }
        Derivation::FirewallAllowsAzureServices
        | Derivation::FirewallIpRule
        | Derivation::FirewallAllowsAll => {
            let rule = rule_properties(value);
            let (start, end) = (
                field_text(rule, "startIpAddress"),
                field_text(rule, "endIpAddress"),
            );
            let azure = start == "0.0.0.0" && end == "0.0.0.0";
            let everyone = start == "0.0.0.0" && end == "255.255.255.255";
            match derivation {
                Derivation::FirewallAllowsAzureServices if azure => yes,
                Derivation::FirewallIpRule if !azure => Converted::Value(Value::Int(1)),
                Derivation::FirewallAllowsAll if everyone => yes,
                _ => Converted::Nothing,
            }
        }
        Derivation::AppGatewayRuleSet => match rule_set_version(value) {
            (t, v) if t == "owasp" && v == "3.2" => text("OWASP_3_2"),
            (t, v) if t == "owasp" && v == "3.1" => text("OWASP_3_1"),
            (t, v) if t == "owasp" && v == "3.0" => text("OWASP_3_0"),
            (t, v) if t == "microsoft_defaultruleset" && v == "2.1" => text("DRS_2_1"),
            (t, _) if t == "microsoft_botmanagerruleset" => Converted::Nothing,
            (t, v) => Converted::Unmapped(format!("{t} {v}")),
        },
        Derivation::FrontDoorRuleSet => match rule_set_version(value) {
            (t, v)
                if (t == "microsoft_defaultruleset" || t == "defaultruleset")
                    && v.starts_with("1.") =>
            {
                text("DRS_1_1")
            }
            (t, v) if t == "microsoft_defaultruleset" && v == "2.1" => text("DRS_2_1"),
            (t, _) if t == "microsoft_botmanagerruleset" || t == "botprotection" => {
                Converted::Nothing
            }
            (t, v) => Converted::Unmapped(format!("{t} {v}")),
        },
        Derivation::BotManagerRuleSet => {
            let (t, _) = rule_set_version(value);
            if t == "microsoft_botmanagerruleset" || t == "botprotection" {
                yes
            } else {
                Converted::Nothing
            }
        }
        Derivation::AppGatewayFrontend => {
            let frontends = select(value, "frontendIPConfigurations[*]");
            let public = frontends
                .iter()
                .any(|f| field(f, "properties.publicIPAddress").is_some());
            let private = frontends.iter().any(|f| {
                field(f, "properties.privateIPAddress").is_some()
                    || field(f, "properties.subnet").is_some()
            });
            match (public, private) {
                (true, true) => text("Both"),
                (true, false) => text("Public"),
                (false, true) => text("Private"),
                (false, false) => Converted::Nothing,
            }
        }
        Derivation::AppGatewayListenerProtocol => {
            let protocols: Vec<String> = select(value, "httpListeners[*]")
                .iter()
                .map(|l| field_text(l, "properties.protocol").to_ascii_uppercase())
                .collect();
            let http = protocols.iter().any(|p| p == "HTTP");
            let https = protocols.iter().any(|p| p == "HTTPS");
            match (http, https) {
                (true, true) => text("Both"),
                (true, false) => text("HTTP"),
                (false, true) => text("HTTPS"),
                (false, false) => Converted::Nothing,
            }
        }
        Derivation::AppGatewayBackendProtocol => {
            let protocols: Vec<String> = select(value, "backendHttpSettingsCollection[*]")
                .iter()
                .map(|s| field_text(s, "properties.protocol").to_ascii_uppercase())
                .collect();
            if protocols.is_empty() {
                Converted::Nothing
            } else if protocols.iter().all(|p| p == "HTTPS") {
                text("HTTPS")
            } else {
                text("HTTP")
            }
        }
        Derivation::DefaultRouteNextHop | Derivation::DefaultRouteNextHopIp => {
            let route = rule_properties(value);
            if field_text(route, "addressPrefix") != "0.0.0.0/0" {
                return Converted::Nothing;
            }
            if derivation == Derivation::DefaultRouteNextHopIp {
                // An address known only after deployment (the hub firewall's, read with
                // `reference()`) stays unset and is reported as unknown, not kept as its placeholder.
                return match field(route, "nextHopIpAddress") {
                    Some(ip) if ip.as_unknown().is_none() => {
                        Converted::Value(Value::Text(ip.to_text()))
                    }
                    _ => Converted::Nothing,
                };
            }
            let hop = field_text(route, "nextHopType");
            match hop.to_ascii_lowercase().as_str() {
                "virtualappliance" => text("VirtualAppliance"),
                "internet" => text("Internet"),
                "virtualnetworkgateway" => text("VirtualNetworkGateway"),
                "none" => text("None"),
                _ => Converted::Unmapped(hop),
            }
        }
        Derivation::AcceptedProtocols => {
            let Val::Array(items) = value else {
                return Converted::Unmapped(value.to_text());
            };
            let http = items
                .iter()
                .any(|p| p.to_text().eq_ignore_ascii_case("http"));
            text(if http { "HttpAndHttps" } else { "HttpsOnly" })
        }
        Derivation::AccessRestrictions => {
            let Val::Array(rules) = value else {
                return Converted::Unmapped(value.to_text());
            };
            if rules.is_empty() {
                return Converted::Nothing;
            }
            let front_door_only = rules.iter().any(|r| {
                is(r, "tag", "ServiceTag")
                    && is(r, "ipAddress", "AzureFrontDoor.Backend")
                    && field(r, "headers.x-azure-fdid").is_some()
            });
            text(if front_door_only {
                "ServiceTagWithFdid"
            } else {
                "IpAllowList"
            })
        }
        Derivation::KeyVaultReference => {
            if value
                .to_text()
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("@microsoft.keyvault(")
            {
                yes
            } else {
                Converted::Nothing
            }
        }
        Derivation::PostgresAuth => {
            let entra = is(value, "activeDirectoryAuth", "Enabled");
            let password = !is(value, "passwordAuth", "Disabled");
            match (entra, password) {
                (true, true) => text("EntraAndLocal"),
                (true, false) => text("EntraOnly"),
                (false, _) => text("LocalOnly"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Val {
        Val::from_json(&serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn paths_select_through_arrays() {
        let v = json(r#"{"properties": {"subnets": [{"name": "a"}, {"name": "b"}]}}"#);
        let names: Vec<String> = select(&v, "properties.subnets[*].name")
            .iter()
            .map(|v| v.to_text())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert!(path_within(
            "properties.subnets[*].id",
            "properties.subnets"
        ));
        assert!(!path_within("properties.subnetsX", "properties.subnets"));
    }

    #[test]
    fn nsg_rules_open_to_the_internet_are_recognised() {
        let rdp = json(
            r#"{"properties": {"direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "*", "destinationPortRange": "3389"}}"#,
        );
        assert_eq!(
            derive(Derivation::NsgManagementPortsFromInternet, &rdp),
            Converted::Value(Value::Bool(true))
        );
        let https = json(
            r#"{"direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "Internet", "destinationPortRanges": ["443", "8000-8080"]}"#,
        );
        assert_eq!(
            derive(Derivation::NsgManagementPortsFromInternet, &https),
            Converted::Nothing
        );
        assert_eq!(
            derive(Derivation::NsgInboundFromAny, &https),
            Converted::Value(Value::Bool(true))
        );
    }

    #[test]
    fn map_reports_values_it_does_not_know() {
        let rule = Convert::Map(vec![("TLS1_2".to_owned(), Value::Text("1.2".to_owned()))]);
        assert_eq!(
            convert(&rule, &Val::Str("tls1_2".to_owned())),
            Converted::Value(Value::Text("1.2".to_owned()))
        );
        assert_eq!(
            convert(&rule, &Val::Str("TLS9".to_owned())),
            Converted::Unmapped("TLS9".to_owned())
        );
    }
}
