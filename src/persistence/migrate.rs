//! Older formats, read and turned into the current file type.
//!
//! Format 0 was the prototype's: one flat `nodes` list with `x`/`y` positions, `edges` without
//! ids, and `version: 0` instead of `format_version`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{ConnectionV1, FileV1, FileValue, MetaV1, NodeV1};
use crate::model::Catalog;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileV0 {
    #[allow(dead_code)] // Read only to accept the field; the probe already checked it.
    version: u32,
    name: String,
    #[serde(default)]
    nodes: Vec<NodeV0>,
    #[serde(default)]
    edges: Vec<EdgeV0>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeV0 {
    id: String,
    kind: String,
    name: String,
    x: f32,
    y: f32,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default, deserialize_with = "super::distinct_keys")]
    props: BTreeMap<String, FileValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EdgeV0 {
    from: String,
    to: String,
    kind: String,
}

pub(super) fn from_v0(text: &str, catalog: &Catalog) -> Result<FileV1, ron::error::SpannedError> {
    let old: FileV0 = super::reader().from_str(text)?;
    let mut containers = Vec::new();
    let mut components = Vec::new();
    for node in old.nodes {
        // Format 0 had no sizes: take the kind's default; unknown kinds get a card's size and
        // are reported by validation with the rest.
        let kind = catalog.kind(&node.kind);
        let (w, h) = kind.map_or((170.0, 56.0), |k| k.size);
        let migrated = NodeV1 {
            id: node.id,
            kind: node.kind,
            name: node.name,
            rect: (node.x, node.y, w, h),
            parent: node.parent,
            properties: node.props,
            notes: String::new(),
        };
        if kind.is_some_and(|k| k.container) {
            containers.push(migrated)
        } else {
            components.push(migrated)
        }
    }
    let connections = old
        .edges
        .into_iter()
        .enumerate()
        .map(|(i, e)| ConnectionV1 {
            id: format!("c-{}", i + 1),
            kind: e.kind,
            from: e.from,
            to: e.to,
            label: String::new(),
            properties: BTreeMap::new(),
            routing: None,
            waypoints: Vec::new(),
        })
        .collect();
    Ok(FileV1 {
        format_version: super::FORMAT_VERSION,
        meta: MetaV1 {
            name: old.name,
            ..MetaV1::default()
        },
        containers,
        components,
        connections,
        notes: Vec::new(),
    })
}
