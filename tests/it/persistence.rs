//! Design files: round trips, stable bytes, migrations and hostile input.

use palisade::model::{Connection, ConnectionId, Design, Edit, Node, NodeId, Rect, Value};
use palisade::persistence::{self, LoadError};
use proptest::prelude::*;

use crate::catalog;

fn id(text: &str) -> NodeId {
    NodeId::new(text).unwrap_or_else(|e| panic!("{e}"))
}

/// A small valid design: a subscription holding a web app that talks to a Key Vault.
pub fn sample() -> Design {
    let mut design = Design::new("Sample");
    design.meta.description = "A web app and its vault".to_owned();
    let node = |i: &str, kind: &str, name: &str, rect: Rect, parent: Option<&str>| Node {
        id: id(i),
        kind: kind.into(),
        name: name.to_owned(),
        rect,
        parent: parent.map(id),
        properties: Default::default(),
        notes: String::new(),
    };
    let edits = vec![
        Edit::AddNode(node(
            "sub",
            "subscription",
            "Production",
            Rect::new(0.0, 0.0, 800.0, 400.0),
            None,
        )),
        Edit::AddNode(node(
            "web",
            "app_service",
            "Web app",
            Rect::new(40.0, 60.0, 170.0, 56.0),
            Some("sub"),
        )),
        Edit::AddNode(node(
            "kv",
            "key_vault",
            "Secrets",
            Rect::new(400.0, 60.0, 170.0, 56.0),
            Some("sub"),
        )),
        Edit::SetProperty {
            node: id("kv"),
            property: "purge_protection".to_owned(),
            value: Some(Value::Bool(true)),
        },
        Edit::Connect(Connection {
            id: ConnectionId::new("c-1").unwrap_or_else(|e| panic!("{e}")),
            kind: "secret_reference".into(),
            from: id("web"),
            to: id("kv"),
            label: String::new(),
            properties: Default::default(),
            route: Default::default(),
        }),
    ];
    for edit in edits {
        edit.apply(&mut design).unwrap_or_else(|e| panic!("{e}"));
    }
    design
}

#[test]
fn save_then_load_gives_the_same_design() {
    let design = sample();
    let text = persistence::to_string(&design, catalog()).unwrap_or_else(|e| panic!("{e}"));
    let loaded = persistence::load_str(&text, catalog()).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(loaded, design);
}

#[test]
fn re_saving_gives_identical_bytes() {
    let text = persistence::to_string(&sample(), catalog()).unwrap_or_else(|e| panic!("{e}"));
    let loaded = persistence::load_str(&text, catalog()).unwrap_or_else(|e| panic!("{e}"));
    let again = persistence::to_string(&loaded, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(text, again);
}

#[test]
fn save_is_atomic_and_leaves_no_temporary_file() {
    let dir = std::env::temp_dir().join(format!("palisade-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("design.ron");
    std::fs::write(&path, "old contents").unwrap_or_else(|e| panic!("{e}"));
    persistence::save_path(&sample(), catalog(), &path).unwrap_or_else(|e| panic!("{e}"));
    let loaded = persistence::load_path(&path, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded, sample());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name() != "design.ron")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_older_format_file_refuses_a_repeated_property_and_id_too() {
    let text = r#"(
        version: 0,
        name: "Prototype",
        nodes: [
            (id: "kv", kind: "key_vault", name: "Vault", x: 10.0, y: 40.0, props: {"purge_protection": true, "purge_protection": false}),
        ],
    )"#;
    assert_eq!(
        load_error(text).to_string(),
        "5:110: `purge_protection` is given twice (first at 5:84); keep one"
    );
    let text = r#"(
        version: 0,
        name: "Prototype",
        nodes: [
            (id: "kv", kind: "key_vault", name: "Vault", x: 10.0, y: 40.0),
            (id: "kv", kind: "key_vault", name: "Vault", x: 300.0, y: 40.0),
        ],
    )"#;
    assert_eq!(
        load_error(text).to_string(),
        "6: `kv`: a component or container on line 5 already has this id; components and containers each need their own"
    );
}

#[test]
fn an_older_format_file_migrates() {
    let text = r#"(
        version: 0,
        name: "Prototype",
        nodes: [
            (id: "sub", kind: "subscription", name: "Prod", x: 0.0, y: 0.0),
            (id: "kv", kind: "key_vault", name: "Vault", x: 10.0, y: 40.0, parent: Some("sub"), props: {"purge_protection": true}),
            (id: "app", kind: "app_service", name: "App", x: 300.0, y: 40.0, parent: Some("sub")),
        ],
        edges: [(from: "app", to: "kv", kind: "secret_reference")],
    )"#;
    let design = persistence::load_str(text, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(design.meta.name, "Prototype");
    let kv = design
        .node(&id("kv"))
        .unwrap_or_else(|| panic!("kv missing"));
    assert_eq!(kv.parent, Some(id("sub")));
    assert_eq!(
        kv.properties.get("purge_protection"),
        Some(&Value::Bool(true))
    );
    assert!(kv.rect.w > 0.0);
    assert_eq!(design.connections().len(), 1);
}

fn load_error(text: &str) -> LoadError {
    match persistence::load_str(text, catalog()) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e,
    }
}

#[test]
fn a_truncated_file_reports_line_and_column() {
    let text = persistence::to_string(&sample(), catalog()).unwrap_or_else(|e| panic!("{e}"));
    let cut = &text[..text.len() / 2];
    match load_error(cut) {
        LoadError::Syntax { line, column, .. } => assert!(line > 1 && column >= 1),
        other => panic!("{other:?}"),
    }
}

#[test]
fn wrong_types_unknown_kinds_and_properties_are_named() {
    let text = persistence::to_string(&sample(), catalog()).unwrap_or_else(|e| panic!("{e}"));
    let wrong_type = text.replace(
        "\"purge_protection\": true",
        "\"purge_protection\": \"yes\"",
    );
    let message = load_error(&wrong_type).to_string();
    assert!(
        message.contains("`purge_protection` must be true or false, not text"),
        "{message}"
    );

    let unknown_kind = text.replace("kind: \"key_vault\"", "kind: \"key_vaults\"");
    let message = load_error(&unknown_kind).to_string();
    assert!(message.contains("unknown kind `key_vaults`"), "{message}");
    assert!(
        message.lines().any(|l| l
            .split(':')
            .next()
            .is_some_and(|n| n.parse::<usize>().is_ok())),
        "no line: {message}"
    );

    let unknown_property = text.replace("\"purge_protection\"", "\"purge_protected\"");
    let message = load_error(&unknown_property).to_string();
    assert!(
        message.contains("no property `purge_protected`"),
        "{message}"
    );

    let unknown_field = text
        .replace("notes:", "notez:")
        .replace("name: \"Web app\"", "name: \"Web app\", colour: \"red\"");
    assert!(matches!(
        load_error(&unknown_field),
        LoadError::Syntax { .. }
    ));
}

#[test]
fn hostile_inputs_are_refused_without_panicking() {
    let cases: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("whitespace", "   \n ".to_owned()),
        ("huge number", "(format_version: 99999999999999999999999, meta: (name: \"x\"))".to_owned()),
        ("huge rect", "(format_version: 1, meta: (name: \"x\"), components: [(id: \"a\", kind: \"key_vault\", name: \"a\", rect: (1e39, 0.0, 1.0, 1.0))])".to_owned()),
        ("nan size", "(format_version: 1, meta: (name: \"x\"), components: [(id: \"a\", kind: \"key_vault\", name: \"a\", rect: (0.0, 0.0, NaN, 1.0))])".to_owned()),
        ("deep nesting", format!("(format_version: 1, meta: (name: \"x\"), notes: {}{})", "[".repeat(10_000), "]".repeat(10_000))),
        ("newer version", "(format_version: 7, meta: (name: \"x\"))".to_owned()),
        ("no version", "(meta: (name: \"x\"))".to_owned()),
        ("bad id", "(format_version: 1, meta: (name: \"x\"), components: [(id: \"A B\", kind: \"key_vault\", name: \"a\", rect: (0.0, 0.0, 1.0, 1.0))])".to_owned()),
        ("dangling connection", "(format_version: 1, meta: (name: \"x\"), connections: [(id: \"c\", kind: \"traffic\", from: \"a\", to: \"b\")])".to_owned()),
        ("containment cycle", "(format_version: 1, meta: (name: \"x\"), containers: [(id: \"a\", kind: \"resource_group\", name: \"a\", rect: (0.0, 0.0, 9.0, 9.0), parent: Some(\"b\")), (id: \"b\", kind: \"resource_group\", name: \"b\", rect: (0.0, 0.0, 9.0, 9.0), parent: Some(\"a\"))])".to_owned()),
        ("duplicate ids", "(format_version: 1, meta: (name: \"x\"), components: [(id: \"a\", kind: \"key_vault\", name: \"a\", rect: (0.0, 0.0, 1.0, 1.0)), (id: \"a\", kind: \"key_vault\", name: \"b\", rect: (0.0, 0.0, 1.0, 1.0))])".to_owned()),
        ("container listed as component", "(format_version: 1, meta: (name: \"x\"), components: [(id: \"a\", kind: \"subscription\", name: \"a\", rect: (0.0, 0.0, 1.0, 1.0))])".to_owned()),
    ];
    for (what, text) in cases {
        let result = std::panic::catch_unwind(|| persistence::load_str(&text, catalog()));
        match result {
            Ok(Ok(_)) => panic!("{what}: accepted"),
            Ok(Err(error)) => assert!(!error.to_string().is_empty(), "{what}: empty message"),
            Err(_) => panic!("{what}: panicked"),
        }
    }
}

#[test]
fn invalid_utf8_and_oversized_files_are_refused() {
    let mut bytes = b"(format_version: 1,\n meta: (name: \"".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    match persistence::load_bytes(&bytes, catalog()) {
        Err(LoadError::NotUtf8 { line: 2, column }) => assert!(column > 1),
        other => panic!("{other:?}"),
    }
    let huge = vec![b' '; persistence::MAX_FILE_BYTES + 1];
    assert!(matches!(
        persistence::load_bytes(&huge, catalog()),
        Err(LoadError::TooLarge { .. })
    ));
}

fn arbitrary_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        (0i64..1000).prop_map(Value::Int),
        "[ -~]{0,12}".prop_map(Value::Text),
    ]
}

/// Designs of random kinds, names (any printable text, quotes and escapes included), positions
/// and properties that fit the catalog.
fn arbitrary_design() -> impl Strategy<Value = Design> {
    let kinds: Vec<String> = catalog()
        .kinds()
        .iter()
        .filter(|k| !k.container && catalog().may_contain(None, k))
        .map(|k| k.id.clone())
        .collect();
    let node = (
        proptest::sample::select(kinds),
        "\\PC{0,20}",
        -5000.0f32..5000.0,
        -5000.0f32..5000.0,
        proptest::option::of(arbitrary_value()),
    );
    (
        proptest::collection::vec(node, 0..12),
        "\\PC{0,30}",
        proptest::collection::vec((0usize..12, 0usize..12), 0..10),
    )
        .prop_map(|(nodes, name, links)| {
            let mut design = Design::new(&name);
            let mut ids = Vec::new();
            for (kind, name, x, y, value) in nodes {
                let id = design.fresh_node_id(&kind);
                let mut properties = std::collections::BTreeMap::new();
                // Only keep a value the catalog accepts for the kind's first property.
                if let (Some(value), Some(def)) = (
                    value,
                    catalog()
                        .kind(&kind)
                        .and_then(|k| catalog().node_properties(k).next()),
                ) && def.ty.check(&value).is_ok()
                {
                    properties.insert(def.id.as_str().into(), value);
                }
                let node = Node {
                    id: id.clone(),
                    kind: kind.as_str().into(),
                    name,
                    rect: Rect::new(x, y, 170.0, 56.0),
                    parent: None,
                    properties,
                    notes: String::new(),
                };
                if Edit::AddNode(node).apply(&mut design).is_ok() {
                    ids.push((id, kind));
                }
            }
            for (a, b) in links {
                let end = |i: usize| {
                    ids.get(i)
                        .and_then(|(id, kind)| Some((id, catalog().kind(kind)?)))
                };
                if let (Some((from, from_kind)), Some((to, to_kind))) = (end(a), end(b))
                    && from != to
                    && let Some(kind) = catalog().default_connection_kind(from_kind, to_kind)
                {
                    let connection = Connection {
                        id: design.fresh_connection_id(),
                        kind: kind.id.as_str().into(),
                        from: from.clone(),
                        to: to.clone(),
                        label: String::new(),
                        properties: Default::default(),
                        route: Default::default(),
                    };
                    let _ = Edit::Connect(connection).apply(&mut design);
                }
            }
            design
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_valid_design_survives_a_round_trip(design in arbitrary_design()) {
        let text = persistence::to_string(&design, catalog()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let loaded = persistence::load_str(&text, catalog()).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&loaded, &design);
        let again = persistence::to_string(&loaded, catalog()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(text, again);
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_loader(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = persistence::load_bytes(&bytes, catalog());
    }

    #[test]
    fn mangled_design_files_never_panic_the_loader(cut in 0usize..2000, insert in "\\PC{0,8}") {
        let text = persistence::to_string(&sample(), catalog()).unwrap_or_default();
        let cut = cut.min(text.len());
        let cut = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let mangled = format!("{}{insert}{}", &text[..cut], &text[cut..]);
        let _ = persistence::load_str(&mangled, catalog());
    }
}

/// A small valid design written by hand, with `edit` applied to its text: a network with a
/// subnet, an app and a storage account joined by a flow on line 13.
pub fn hand_written(edit: impl Fn(&str) -> String) -> String {
    edit(
        r#"(
    format_version: 4,
    meta: (name: "x"),
    containers: [
        (id: "vnet", kind: "virtual_network", name: "vnet", rect: (0.0, 0.0, 400.0, 300.0)),
        (id: "snet", kind: "subnet", name: "snet", rect: (10.0, 10.0, 300.0, 200.0), parent: "vnet"),
    ],
    components: [
        (id: "web", kind: "app_service", name: "web", rect: (500.0, 0.0, 170.0, 56.0)),
        (id: "st", kind: "storage_account", name: "st", rect: (700.0, 0.0, 170.0, 56.0)),
    ],
    connections: [
        (id: "c1", kind: "traffic", from: "web", to: "st", properties: {"port": 443}),
    ],
)
"#,
    )
}

/// The whole error, place first, for a file with `from` replaced by `to`.
fn refusal(from: &str, to: &str) -> String {
    let text = hand_written(|t| {
        assert!(t.contains(from), "{from}");
        t.replacen(from, to, 1)
    });
    let message = load_error(&text).to_string();
    for internal in [
        "V0",
        "V1",
        "V2",
        "V3",
        "V4",
        "VersionProbe",
        "untagged",
        "FileValue",
        "ron",
        "serde",
        "struct",
        "enum",
        "Unexpected",
    ] {
        assert!(!message.contains(internal), "{internal}: {message}");
    }
    message
}

#[test]
fn the_hand_written_design_is_valid_and_optional_values_may_be_written_bare() {
    let design = persistence::load_str(&hand_written(str::to_owned), catalog())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        design.node(&id("snet")).and_then(|n| n.parent.as_ref()),
        Some(&id("vnet"))
    );
}

#[test]
fn a_property_key_given_twice_points_at_the_second_and_names_the_first() {
    assert_eq!(
        refusal(r#"{"port": 443}"#, r#"{"port": 443, "port": 80}"#),
        "13:86: `port` is given twice (first at 13:73); keep one"
    );
}

#[test]
fn a_meta_key_given_twice_is_refused_too() {
    let settings = r#"meta: (name: "x", rule_settings: {
        "NET-001": (enabled: false, reason: "tested"),
        "NET-001": (enabled: true),
    })"#;
    assert_eq!(
        refusal(r#"meta: (name: "x")"#, settings),
        "5:9: `NET-001` is given twice (first at 4:9); keep one"
    );
    let threats = r#"meta: (name: "x", threats: {"T1": (status: mitigated, note: "a"), "T1": (status: mitigated, note: "b")})"#;
    assert_eq!(
        refusal(r#"meta: (name: "x")"#, threats),
        "3:71: `T1` is given twice (first at 3:33); keep one"
    );
}

#[test]
fn a_component_id_given_twice_points_at_the_second_and_names_the_first() {
    assert_eq!(
        refusal(
            r#"(id: "st", kind: "storage"#,
            r#"(id: "web", kind: "storage"#
        ),
        "10: `web`: a component or container on line 9 already has this id; components and containers each need their own\n\
         13: `c1`: there is no node `st`"
    );
}

#[test]
fn a_connection_id_given_twice_points_at_the_second() {
    let second = r#"(id: "c1", kind: "traffic", from: "st", to: "web"),
        (id: "c1", kind: "traffic", from: "web", to: "st""#;
    assert_eq!(
        refusal(
            r#"(id: "c1", kind: "traffic", from: "web", to: "st""#,
            second
        ),
        "14: `c1`: a connection on line 13 already has this id; connections each need their own"
    );
}

#[test]
fn nodes_and_connections_have_separate_ids() {
    let text = hand_written(|t| t.replace(r#"id: "c1""#, r#"id: "web""#));
    assert!(persistence::load_str(&text, catalog()).is_ok());
}

#[test]
fn a_connection_between_kinds_it_cannot_join_is_refused_at_its_line() {
    assert_eq!(
        refusal(
            r#"kind: "traffic", from: "web", to: "st", properties: {"port": 443}"#,
            r#"kind: "nsg_association", from: "web", to: "st""#
        ),
        "13: `c1`: an NSG association cannot join App Service `web` to Storage account `st`: it goes from a network security group to a subnet or a virtual machine"
    );
}

#[test]
fn a_port_out_of_range_says_the_range() {
    assert_eq!(
        refusal(r#""port": 443"#, r#""port": 70000"#),
        "13: `c1`: `port` must be a number from 0 to 65535, not 70000"
    );
}

#[test]
fn a_property_of_the_wrong_type_says_the_type() {
    assert_eq!(
        refusal(r#""port": 443"#, r#""port": "https""#),
        "13: `c1`: `port` must be a number from 0 to 65535, not text"
    );
    assert_eq!(
        refusal(r#""port": 443"#, r#""port": 4.5"#),
        "13:81: 4.5 is not a whole number; a property value is true or false, a whole number, \"text\" or a list of \"text\""
    );
    assert_eq!(
        refusal(r#""port": 443"#, r#""port": 99999999999999999999"#),
        "13:81: 100000000000000000000 is too large for a number property"
    );
    assert_eq!(
        refusal(r#""port": 443"#, r#""port": [1]"#),
        "13:82: expected text in double quotes, such as \"web\""
    );
}

#[test]
fn an_unknown_choice_lists_the_choices() {
    assert_eq!(
        refusal(r#""port": 443"#, r#""protocol": "FTP""#),
        "13: `c1`: `protocol` must be one of HTTPS, HTTP, TCP, UDP, RDP, SSH, SQL, AMQP, MQTT, SMB, DNS, Other, not `FTP`"
    );
    assert_eq!(
        refusal(
            r#"meta: (name: "x")"#,
            r#"meta: (name: "x", threats: {"T1": (status: open, note: "")})"#
        ),
        "3:48: `open` is not a threat status; choose `needs_investigation`, `not_applicable` or `mitigated`"
    );
}

#[test]
fn a_missing_field_is_named() {
    assert_eq!(
        refusal(r#"name: "st", rect"#, "rect"),
        "10:76: a component or container needs `name`"
    );
}

#[test]
fn an_unknown_field_lists_the_fields() {
    assert_eq!(
        refusal(r#"name: "st", rect"#, r#"nmae: "st", rect"#),
        "10:45: a component or container has no field `nmae`; its fields are `id`, `kind`, `name`, `rect`, `parent`, `properties` or `notes`"
    );
}

#[test]
fn a_rectangle_needs_four_numbers() {
    assert_eq!(
        refusal("(500.0, 0.0, 170.0, 56.0)", "(500.0, 0.0, 170.0)"),
        "9:79: expected 4 values, found 3"
    );
    assert_eq!(
        refusal("(700.0, 0.0, 170.0, 56.0)", "(700.0, 0.0, 170.0, true)"),
        "10:83: expected a number such as 170.0"
    );
}

#[test]
fn a_kind_written_without_quotes_asks_for_text() {
    assert_eq!(
        refusal(r#"kind: "traffic""#, "kind: traffic"),
        "13:25: expected text in double quotes, such as \"web\""
    );
}

#[test]
fn a_bad_version_is_placed_and_explained() {
    assert_eq!(
        refusal("format_version: 4", "format_version: 9"),
        "2:5: format version 9 is newer than this Palisade understands (up to 4); update Palisade"
    );
    assert_eq!(
        refusal("format_version: 4", r#"format_version: "3""#),
        "2:20: expected a whole number"
    );
    assert_eq!(
        refusal("format_version: 4,", ""),
        "1:1: missing or unknown format version (none); a design starts with `format_version: 4`"
    );
}

#[test]
fn a_truncated_file_says_what_is_not_closed() {
    let text = hand_written(str::to_owned);
    let cut_in_a_string = &text[..text.find("\"st\", kind").unwrap_or_default() + 2];
    assert_eq!(
        load_error(cut_in_a_string).to_string(),
        "10:14: this text has no closing double quote"
    );
    let cut_after_a_component = &text[..text.find("    ],\n    connections").unwrap_or_default()];
    assert_eq!(
        load_error(cut_after_a_component).to_string(),
        "10:90: the file ends early: a bracket, parenthesis or quote is not closed"
    );
}

#[test]
fn a_file_that_is_not_a_design_says_what_a_design_looks_like() {
    assert_eq!(
        load_error("[1, 2]").to_string(),
        "1:1: expected `(` opening a design, `(format_version: 4, meta: (...), ...)`"
    );
    assert_eq!(
        load_error(r#"(format_version: 3, meta: (name: "x"), components: 5)"#).to_string(),
        "1:51: expected a list in brackets, `[...]`"
    );
}

#[test]
fn an_invalid_id_is_placed_on_its_line() {
    assert_eq!(
        refusal(r#"(id: "web", kind"#, r#"(id: "we b", kind"#),
        "9: `we b` is not a valid id (use 1 to 64 of a-z, 0-9, `_` and `-`)\n\
         13: `c1`: there is no node `web`"
    );
}

#[test]
fn unknown_kinds_point_to_the_list_of_kinds() {
    assert_eq!(
        refusal(r#"kind: "traffic""#, r#"kind: "trafic""#),
        "13: `c1`: unknown connection kind `trafic` (see `palisade kinds`)"
    );
    assert_eq!(
        refusal(r#"kind: "storage_account""#, r#"kind: "storage_acount""#),
        "10: `st`: unknown kind `storage_acount` (see `palisade kinds`)"
    );
}

#[test]
fn the_top_level_names_its_fields() {
    assert_eq!(
        refusal(r#"meta: (name: "x"),"#, r#"meta: (name: "x"), foo: 1,"#),
        "3:24: the design has no field `foo`; its fields are `format_version`, `meta`, `containers`, `components`, `connections` or `notes`"
    );
    assert_eq!(
        refusal(r#"meta: (name: "x"),"#, ""),
        "15:1: the design needs `meta`"
    );
    assert_eq!(
        refusal("(500.0, 0.0, 170.0, 56.0)", "[500.0, 0.0, 170.0, 56.0]"),
        "9:60: expected values in parentheses, `(...)`"
    );
}

/// The hand-written design with an elbow default, a routed connection and two notes.
fn with_routes_and_notes() -> String {
    hand_written(|t| {
        t.replace(r#"meta: (name: "x"),"#, r#"meta: (name: "x", routing: orthogonal),"#)
            .replace(
                r#"properties: {"port": 443}),"#,
                r#"properties: {"port": 443}, routing: Some(straight), waypoints: [(600.0, 120.0), (650.0, 130.0)]),"#,
            )
            .replace(
                "    ],\n)\n",
                "    ],\n    notes: [\n        (id: \"n1\", text: \"TLS ends at the app\\nnot before\", rect: (500.0, 200.0, 220.0, 80.0), anchor: Some(\"web\")),\n        (id: \"n2\", text: \"Free note\", rect: (900.0, 0.0, 160.0, 60.0)),\n    ],\n)\n",
            )
    })
}

#[test]
fn version_4_keeps_routing_waypoints_and_notes_byte_for_byte() {
    use palisade::model::{NoteId, Point, Routing};
    let text = with_routes_and_notes();
    let design = persistence::load_str(&text, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(design.meta.routing, Routing::Orthogonal);
    let connection = design
        .connections()
        .next()
        .unwrap_or_else(|| panic!("no flow"));
    assert_eq!(connection.route.routing, Some(Routing::Straight));
    assert_eq!(
        connection.route.waypoints,
        [Point::new(600.0, 120.0), Point::new(650.0, 130.0)]
    );
    let note = design
        .note(&NoteId::new("n1").unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|| panic!("no note"));
    assert_eq!(note.text, "TLS ends at the app\nnot before");
    assert_eq!(note.anchor, Some(id("web")));
    assert_eq!(design.notes().count(), 2);
    // Saved, loaded and saved again: the same bytes.
    let saved = persistence::to_string(&design, catalog()).unwrap_or_else(|e| panic!("{e}"));
    let back = persistence::load_str(&saved, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, design);
    assert_eq!(
        persistence::to_string(&back, catalog()).unwrap_or_else(|e| panic!("{e}")),
        saved
    );
    // A design with none of it writes none of it.
    let plain = persistence::load_str(&hand_written(str::to_owned), catalog())
        .unwrap_or_else(|e| panic!("{e}"));
    let plain = persistence::to_string(&plain, catalog()).unwrap_or_else(|e| panic!("{e}"));
    for field in ["routing", "waypoints", "notes:"] {
        assert!(!plain.contains(field), "{field}: {plain}");
    }
}

#[test]
fn a_version_3_file_migrates_to_version_4_with_straight_lines_and_no_notes() {
    let v3 = hand_written(|t| t.replace("format_version: 4,", "format_version: 3,"));
    let design = persistence::load_str(&v3, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(design.meta.routing, palisade::model::Routing::Straight);
    assert!(design.connections().all(|c| c.route == Default::default()));
    assert_eq!(design.notes().count(), 0);
    let saved = persistence::to_string(&design, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert!(saved.contains("format_version: 4,"), "{saved}");
}

#[test]
fn a_note_pointing_at_nothing_or_a_waypoint_off_the_canvas_is_placed_and_explained() {
    let text = with_routes_and_notes().replace(r#"anchor: Some("web")"#, r#"anchor: Some("gone")"#);
    let line = text
        .lines()
        .position(|l| l.contains(r#"id: "n1""#))
        .map(|i| i + 1);
    assert_eq!(
        load_error(&text).to_string(),
        format!(
            "{}: `n1`: the note points at `gone`, which is not in the design",
            line.unwrap_or(0)
        )
    );
    let text = with_routes_and_notes().replace("(650.0, 130.0)", "(650.0, 1e12)");
    assert!(
        load_error(&text)
            .to_string()
            .ends_with("`c1`: waypoint 2 is not a finite point within ±10,000,000"),
        "{}",
        load_error(&text)
    );
    let text = with_routes_and_notes().replace(
        "rect: (900.0, 0.0, 160.0, 60.0)",
        "rect: (900.0, 0.0, -5.0, 60.0)",
    );
    assert!(
        load_error(&text)
            .to_string()
            .contains("`n2`: its position or size is not a finite, positive rectangle"),
        "{}",
        load_error(&text)
    );
}
