//! Synthetic designs of any size, for benchmarks and stress tests: virtual networks of five
//! subnets, each holding ten components (virtual machines, AKS clusters and private endpoints)
//! chained by traffic flows that loop back, every component sending diagnostics to one
//! workspace, and internet users reaching the first subnet of each network through Front Door.

use super::{Connection, Design, Edit, Node, NodeId, Rect, Value};

/// Components per subnet and subnets per network in generated designs.
const PER_SUBNET: usize = 10;
const SUBNETS_PER_NETWORK: usize = 5;

/// A design with about `components` components laid out on a grid (containers not counted).
pub fn design(components: usize) -> Design {
    let mut design = Design::new(&format!("Generated design with {components} components"));
    let mut edits = Vec::new();
    let node = |edits: &mut Vec<Edit>, id: String, kind: &str, rect: Rect, parent: Option<&str>| {
        let id = NodeId::new(id).unwrap_or_else(|_| NodeId::fresh("n", |_| false));
        edits.push(Edit::AddNode(Node {
            id: id.clone(),
            kind: kind.into(),
            name: format!("{kind} {id}"),
            rect,
            parent: None,
            properties: Default::default(),
            notes: String::new(),
        }));
        if let Some(parent) = parent.and_then(|p| NodeId::new(p).ok()) {
            edits.push(Edit::Reparent {
                node: id,
                parent: Some(parent),
            });
        }
    };
    let card = (170.0, 56.0);
    let subnet_size = (
        2.0 * (card.0 + 20.0) + 20.0,
        (PER_SUBNET as f32 / 2.0).ceil() * (card.1 + 20.0) + 48.0,
    );
    let network_size = (
        SUBNETS_PER_NETWORK as f32 * (subnet_size.0 + 20.0) + 20.0,
        subnet_size.1 + 68.0,
    );

    node(
        &mut edits,
        "internet".to_owned(),
        "internet",
        Rect::new(-400.0, 0.0, 300.0, 300.0),
        None,
    );
    node(
        &mut edits,
        "users".to_owned(),
        "internet_users",
        Rect::new(-370.0, 60.0, card.0, card.1),
        Some("internet"),
    );
    node(
        &mut edits,
        "law".to_owned(),
        "log_analytics_workspace",
        Rect::new(-400.0, 400.0, card.0, card.1),
        None,
    );
    node(
        &mut edits,
        "front-door".to_owned(),
        "front_door",
        Rect::new(-400.0, 500.0, card.0, card.1),
        None,
    );
    let mut connections: Vec<(String, String, &str, Option<&str>)> = vec![(
        "users".into(),
        "front-door".into(),
        "traffic",
        Some("HTTPS"),
    )];

    let subnets = components.div_ceil(PER_SUBNET);
    let networks = subnets.div_ceil(SUBNETS_PER_NETWORK);
    let mut made = 0;
    for n in 0..networks {
        let vnet = format!("vnet-{n}");
        let origin = (0.0, n as f32 * (network_size.1 + 40.0));
        node(
            &mut edits,
            vnet.clone(),
            "virtual_network",
            Rect::new(origin.0, origin.1, network_size.0, network_size.1),
            None,
        );
        for s in 0..SUBNETS_PER_NETWORK {
            if made >= components {
                break;
            }
            let subnet = format!("{vnet}-snet-{s}");
            let sx = origin.0 + 20.0 + s as f32 * (subnet_size.0 + 20.0);
            let sy = origin.1 + 48.0;
            node(
                &mut edits,
                subnet.clone(),
                "subnet",
                Rect::new(sx, sy, subnet_size.0, subnet_size.1),
                Some(&vnet),
            );
            let mut previous: Option<String> = None;
            for c in 0..PER_SUBNET {
                if made >= components {
                    break;
                }
                made += 1;
                let kind = [
                    "virtual_machine",
                    "private_endpoint",
                    "virtual_machine",
                    "aks_cluster",
                    "private_endpoint",
                ][c % 5];
                let id = format!("{subnet}-c{c}");
                let x = sx + 20.0 + (c % 2) as f32 * (card.0 + 20.0);
                let y = sy + 40.0 + (c / 2) as f32 * (card.1 + 20.0);
                node(
                    &mut edits,
                    id.clone(),
                    kind,
                    Rect::new(x, y, card.0, card.1),
                    Some(&subnet),
                );
                if c == 0 && s == 0 {
                    connections.push(("front-door".into(), id.clone(), "traffic", Some("HTTPS")));
                }
                if let Some(previous) = &previous {
                    connections.push((previous.clone(), id.clone(), "traffic", Some("TCP")));
                }
                // Private endpoints have no diagnostic settings to send.
                let has_diagnostics = super::catalog::builtin()
                    .kind(kind)
                    .is_some_and(|k| k.has_trait("diagnostics_capable"));
                if has_diagnostics {
                    connections.push((id.clone(), "law".into(), "diagnostics", None));
                }
                previous = Some(id);
            }
            // A cycle back to the first component of the subnet, so traversals meet loops.
            if let Some(last) = previous {
                connections.push((last, format!("{subnet}-c0"), "traffic", Some("HTTPS")));
            }
        }
    }
    for (i, (from, to, kind, protocol)) in connections.into_iter().enumerate() {
        let (Ok(from), Ok(to)) = (NodeId::new(from), NodeId::new(to)) else {
            continue;
        };
        if from == to {
            continue;
        }
        let mut properties = std::collections::BTreeMap::new();
        if let Some(protocol) = protocol {
            properties.insert("protocol".into(), Value::Text(protocol.to_owned()));
        }
        edits.push(Edit::Connect(Connection {
            id: super::ConnectionId::fresh(&format!("c{i}"), |_| false),
            kind: kind.into(),
            from,
            to,
            label: String::new(),
            properties,
            route: Default::default(),
        }));
    }
    // Ids and kinds above are ours and consistent; a failure here is a bug in this generator.
    #[allow(clippy::expect_used)]
    Edit::Batch(edits)
        .apply(&mut design)
        .expect("generated design is consistent");
    design
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_designs_are_valid_and_have_the_requested_size() {
        for size in [1, 37, 250] {
            let design = design(size);
            let catalog = crate::model::catalog::builtin();
            let components = design
                .nodes()
                .filter(|n| catalog.kind(&n.kind).is_some_and(|k| !k.container))
                .count();
            assert_eq!(components, size + 3, "plus users, workspace and Front Door");
            assert_eq!(crate::model::validate::problems(&design, catalog), vec![]);
        }
    }
}
