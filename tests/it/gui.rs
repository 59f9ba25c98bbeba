//! The designer window, driven headless through the accessibility tree (egui_kittest).

use egui::{Key, Modifiers, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use palisade::app::Document;
use palisade::model::{Design, Edit, Node, NodeId, Rect, catalog};
use palisade::ui::PalisadeApp;

fn harness(design: Design) -> Harness<'static, PalisadeApp> {
    let app = PalisadeApp::new(Document::new(design, catalog::builtin(), None));
    let mut harness = Harness::builder()
        .with_size(vec2(1600.0, 1800.0))
        .build_ui_state(|ui, app: &mut PalisadeApp| app.ui(ui), app);
    harness.run();
    harness
}

fn node(id: &str, kind: &str, x: f32, y: f32) -> Edit {
    Edit::AddNode(Node {
        id: NodeId::new(id).unwrap_or_else(|e| panic!("{e}")),
        kind: kind.into(),
        name: id.to_owned(),
        rect: Rect::new(x, y, 170.0, 56.0),
        parent: None,
        properties: Default::default(),
        notes: String::new(),
    })
}

fn design(edits: Vec<Edit>) -> Design {
    let mut design = Design::new("Test");
    Edit::Batch(edits)
        .apply(&mut design)
        .unwrap_or_else(|e| panic!("{e}"));
    design
}

fn count_kind(harness: &Harness<'_, PalisadeApp>, kind: &str) -> usize {
    harness
        .state()
        .document()
        .design()
        .nodes()
        .filter(|n| n.kind == kind)
        .count()
}

#[test]
fn clicking_a_palette_item_adds_the_component_and_selects_it() {
    let mut harness = harness(Design::new("Empty"));
    harness.get_by_label("Key Vault").click();
    harness.run();
    assert_eq!(count_kind(&harness, "key_vault"), 1);
    assert_eq!(harness.state().view().selection.len(), 1);
    // The inspector now edits the new vault.
    harness.get_by_role_and_label(egui::Role::CheckBox, "Purge protection");
}

#[test]
fn undo_and_redo_cover_adding_a_component() {
    let mut harness = harness(Design::new("Empty"));
    harness.get_by_label("Storage account").click();
    harness.run();
    assert_eq!(count_kind(&harness, "storage_account"), 1);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(count_kind(&harness, "storage_account"), 0);
    assert!(harness.state().document().can_redo());
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert_eq!(count_kind(&harness, "storage_account"), 1);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    harness.run();
    assert_eq!(count_kind(&harness, "storage_account"), 1);
}

#[test]
fn dragging_from_a_handle_onto_another_component_connects_them() {
    let mut harness = harness(design(vec![
        node("web", "app_service", 0.0, 0.0),
        node("vault", "key_vault", 400.0, 0.0),
    ]));
    harness.get_by_label("web").click();
    harness.run();
    let handle = harness.get_by_label("Connect from web").rect().center();
    let target = harness.get_by_label("vault").rect().center();
    // A drag in progress repaints every frame, so step frames instead of waiting to settle.
    harness.drag_at(handle);
    harness.run_steps(2);
    harness.hover_at(handle + vec2(40.0, 5.0));
    harness.run_steps(2);
    harness.hover_at(target);
    harness.run_steps(2);
    harness.drop_at(target);
    harness.run_steps(2);
    let connections: Vec<_> = harness
        .state()
        .document()
        .design()
        .connections()
        .cloned()
        .collect();
    assert_eq!(connections.len(), 1, "no connection made");
    assert_eq!(
        (connections[0].from.as_str(), connections[0].to.as_str()),
        ("web", "vault")
    );
    assert_eq!(connections[0].kind, "traffic");
}

#[test]
fn a_connection_drawn_gets_a_kind_that_fits_its_ends_and_the_inspector_offers_only_those() {
    let mut harness = harness(design(vec![
        node("nsg", "network_security_group", 0.0, 0.0),
        node("vm", "virtual_machine", 400.0, 0.0),
    ]));
    harness.get_by_label("nsg").click();
    harness.run();
    let handle = harness.get_by_label("Connect from nsg").rect().center();
    let target = harness.get_by_label("vm").rect().center();
    harness.drag_at(handle);
    harness.run_steps(2);
    harness.hover_at(handle + vec2(40.0, 5.0));
    harness.run_steps(2);
    harness.hover_at(target);
    harness.run_steps(2);
    harness.drop_at(target);
    harness.run_steps(2);
    let kinds: Vec<String> = harness
        .state()
        .document()
        .design()
        .connections()
        .map(|c| c.kind.to_string())
        .collect();
    assert_eq!(kinds, ["nsg_association"]);
    assert_eq!(harness.query_all_by_label("NSG association").count(), 0);
    harness
        .get_by_role_and_label(egui::Role::ComboBox, "Connection kind")
        .click();
    harness.run();
    // The list is open, and an NSG applies to a VM only by association: no traffic, no role
    // assignment.
    assert_eq!(harness.query_all_by_label("NSG association").count(), 1);
    assert!(harness.query_by_label("Traffic").is_none());
    assert!(harness.query_by_label("Role assignment").is_none());
}

#[test]
fn fixing_a_property_in_the_inspector_clears_its_finding() {
    let mut harness = harness(design(vec![node("vault", "key_vault", 0.0, 0.0)]));
    let finding = "Key Vault `vault` has purge protection off";
    harness.get_by_label(finding);
    harness.get_by_label("vault").click();
    harness.run();
    // Listed twice now: in the findings panel and under the selection in the inspector.
    assert_eq!(harness.query_all_by_label(finding).count(), 2);
    harness
        .get_by_role_and_label(egui::Role::CheckBox, "Purge protection")
        .scroll_to_me();
    harness.run();
    harness
        .get_by_role_and_label(egui::Role::CheckBox, "Purge protection")
        .click();
    harness.run();
    let remaining: Vec<_> = harness
        .state()
        .document()
        .findings()
        .items
        .iter()
        .map(|f| f.message.clone())
        .collect();
    assert_eq!(
        harness.query_all_by_label(finding).count(),
        0,
        "the finding is still listed: {remaining:?}"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.query_all_by_label(finding).count(), 2);
}

#[test]
fn clicking_a_finding_selects_its_subject() {
    let mut harness = harness(design(vec![
        node("vault", "key_vault", 0.0, 0.0),
        node("other", "key_vault", 400.0, 0.0),
    ]));
    assert!(harness.state().view().selection.is_empty());
    harness
        .get_by_label("Key Vault `other` has purge protection off")
        .click();
    harness.run();
    let selected: Vec<&str> = harness
        .state()
        .view()
        .selection
        .iter()
        .map(NodeId::as_str)
        .collect();
    assert_eq!(selected, ["other"]);
}

#[test]
fn starting_a_new_design_with_unsaved_changes_asks_first() {
    let mut harness = harness(Design::new("Empty"));
    harness.get_by_label("Key Vault").click();
    harness.run();
    assert!(harness.state().document().is_dirty());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run();
    harness.get_by_label("Save changes?");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert_eq!(
        count_kind(&harness, "key_vault"),
        1,
        "cancel keeps the design"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run();
    harness.get_by_label("Don't save").click();
    harness.run();
    assert!(harness.state().document().design().is_empty());
    assert!(!harness.state().dialog_open());
}

#[test]
fn delete_removes_the_selection_and_its_connections() {
    let mut harness = harness(design(vec![
        node("web", "app_service", 0.0, 0.0),
        node("vault", "key_vault", 400.0, 0.0),
    ]));
    harness.get_by_label("web").click();
    harness.run();
    harness.key_press(Key::Delete);
    harness.run();
    assert_eq!(count_kind(&harness, "app_service"), 0);
    assert_eq!(count_kind(&harness, "key_vault"), 1);
}

#[test]
fn the_gallery_opens_a_template_as_an_untitled_copy() {
    let mut harness = harness(Design::new("Empty"));
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::N);
    harness.run();
    harness
        .get_by_label("Open template Hub-spoke network with Azure Firewall")
        .click();
    harness.run();
    let doc = harness.state().document();
    assert_eq!(
        doc.design().meta.name,
        "Hub-spoke network with Azure Firewall"
    );
    assert!(
        doc.path.is_none(),
        "a template opens untitled, so saving never overwrites it"
    );
    assert!(!harness.state().dialog_open());
    assert!(doc.design().nodes().len() > 20);
}

#[test]
fn the_command_palette_runs_a_command_by_name() {
    let mut harness = harness(design(vec![node("vault", "key_vault", 0.0, 0.0)]));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::K);
    harness.run();
    let zoom = harness.state().view().zoom;
    harness.get_by_label("Command").type_text("zoom in");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert!(!harness.state().dialog_open());
    assert!(harness.state().view().zoom > zoom);
}

#[test]
fn copy_then_paste_duplicates_the_selection() {
    let mut harness = harness(design(vec![node("vault", "key_vault", 0.0, 0.0)]));
    harness.get_by_label("vault").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::D);
    harness.run();
    assert_eq!(count_kind(&harness, "key_vault"), 2);
    let selected: Vec<&str> = harness
        .state()
        .view()
        .selection
        .iter()
        .map(NodeId::as_str)
        .collect();
    assert_eq!(selected.len(), 1);
    assert_ne!(selected[0], "vault", "the copy is selected");
}

#[test]
fn a_finding_is_triaged_from_its_context_menu_and_leaves_the_open_list() {
    let mut harness = harness(design(vec![node("vault", "key_vault", 0.0, 0.0)]));
    let message = "Key Vault `vault` has purge protection off";
    harness.get_by_label(message).click_secondary();
    harness.run();
    harness.get_by_label("Triage…").click();
    harness.run();
    // Saving without a reason is refused, in words.
    harness.get_by_label("Save decision").click();
    harness.run();
    assert!(harness.state().document().design().meta.triage.is_empty());
    harness.get_by_label("Say why: a decision needs a justification");
    let justification = harness.get_by_label("Justification");
    justification.focus();
    justification.type_text("Test vault, deleted weekly");
    harness.run();
    harness.get_by_label("False positive").click();
    harness.run();
    harness.get_by_label("Save decision").click();
    harness.run();
    let triage = &harness.state().document().design().meta.triage;
    let decision = triage
        .get("KV-002@vault")
        .unwrap_or_else(|| panic!("no decision: {triage:?}"));
    assert_eq!(decision.justification, "Test vault, deleted weekly");
    assert_eq!(
        decision.status,
        palisade::model::TriageStatus::FalsePositive
    );
    assert!(
        harness.query_by_label(message).is_none(),
        "triaged findings are hidden"
    );
    harness.get_by_label("Show triaged (1)").click();
    harness.run();
    harness.get_by_label(message);
    // Undo withdraws the decision like any edit.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(harness.state().document().design().meta.triage.is_empty());
}

#[test]
fn compare_with_marks_and_lists_the_changes_and_a_row_reveals_its_element() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let saved = dir.path().join("before.ron");
    let before = design(vec![
        node("vault", "key_vault", 0.0, 0.0),
        node("store", "storage_account", 400.0, 0.0),
    ]);
    palisade::persistence::save_path(&before, catalog::builtin(), &saved)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut after = before.clone();
    Edit::Batch(vec![
        Edit::Rename {
            node: NodeId::new("vault").unwrap_or_else(|e| panic!("{e}")),
            name: "Secrets".to_owned(),
        },
        node("web", "app_service", 0.0, 300.0),
    ])
    .apply(&mut after)
    .unwrap_or_else(|e| panic!("{e}"));
    let mut harness = harness(after);
    harness.state_mut().compare_with(&saved);
    harness.run();
    harness.get_by_label("Changes against before.ron");
    let marks: Vec<(String, palisade::review::diff::Change)> = harness
        .state()
        .view()
        .marks
        .iter()
        .map(|(id, change)| (id.to_string(), *change))
        .collect();
    use palisade::review::diff::Change;
    assert_eq!(
        marks,
        [
            ("vault".to_owned(), Change::Changed),
            ("web".to_owned(), Change::Added)
        ]
    );
    harness.get_by_label("web (App Service)").click();
    harness.run();
    let selected: Vec<&str> = harness
        .state()
        .view()
        .selection
        .iter()
        .map(NodeId::as_str)
        .collect();
    assert_eq!(selected, ["web"]);
}

#[test]
fn the_coverage_board_opens_from_the_command_palette() {
    let mut harness = harness(design(vec![node("vault", "key_vault", 0.0, 0.0)]));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::K);
    harness.run();
    harness.get_by_label("Command").type_text("coverage");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    harness.get_by_label("SE:09");
    assert!(harness.query_all_by_label_contains("rules pass").count() > 1);
}

#[test]
fn dropping_an_arm_template_opens_it_imported_and_untitled_with_the_report() {
    let mut harness = harness(Design::new("Empty"));
    let template = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/arm/web-app-sql-database.json");
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(TestDrop(template)));
    harness.run();
    assert_eq!(count_kind(&harness, "sql_database"), 1);
    assert!(harness.state().document().path.is_none());
    harness.get_by_label("Imported ARM template");
    harness.get_by_label("Close").click();
    harness.run();
    assert!(harness.query_by_label("Imported ARM template").is_none());
}

/// A file dropped on the window in a test.
#[derive(Debug)]
struct TestDrop(std::path::PathBuf);

impl egui::DroppedFile for TestDrop {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn arrange_lays_out_a_hand_drawn_design_in_one_undoable_step() {
    let mut harness = harness(design(vec![
        node("a", "app_service", 0.0, 0.0),
        node("b", "key_vault", 20.0, 10.0),
    ]));
    let before = harness.state().document().design().clone();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::K);
    harness.run();
    harness.get_by_label("Command").type_text("arrange");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    let rect = |harness: &Harness<'_, PalisadeApp>, id: &str| {
        let id = NodeId::new(id).unwrap_or_else(|e| panic!("{e}"));
        harness
            .state()
            .document()
            .design()
            .node(&id)
            .map(|n| n.rect)
            .unwrap_or_else(|| panic!("no {id}"))
    };
    let (a, b) = (rect(&harness, "a"), rect(&harness, "b"));
    assert!(!a.intersects(b), "the cards no longer overlap: {a:?} {b:?}");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().document().design(), &before);
}

#[test]
fn threats_are_listed_decided_and_shown_per_component_and_on_the_attack_matrix() {
    let mut harness = harness(design(vec![node("vault", "key_vault", 0.0, 0.0)]));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::K);
    harness.run();
    harness.get_by_label("Command").type_text("threats");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    harness.get_by_label("Keys and secrets in vault are deleted for good");
    harness
        .query_all_by_label("Decide…")
        .next()
        .unwrap_or_else(|| panic!("no Decide button"))
        .click();
    harness.run();
    // A decision needs a note: the button stays disabled until there is one.
    harness.get_by_label("Save decision").click();
    harness.run();
    assert!(harness.state().document().design().meta.threats.is_empty());
    let note = harness.get_by_role(egui::accesskit::Role::MultilineTextInput);
    note.focus();
    note.type_text("Vault is behind the corporate proxy");
    harness.run();
    harness.get_by_label("Save decision").click();
    harness.run();
    let decisions = &harness.state().document().design().meta.threats;
    let decision = decisions
        .get("THR-010@vault")
        .unwrap_or_else(|| panic!("no decision: {decisions:?}"));
    assert_eq!(decision.note, "Vault is behind the corporate proxy");
    assert_eq!(
        decision.status,
        palisade::model::ThreatStatus::NeedsInvestigation
    );

    harness.get_by_label("vault").click();
    harness.run();
    assert_eq!(
        harness
            .query_all_by_label_contains("Threats (3 open of 3)")
            .count(),
        1
    );

    harness.key_press_modifiers(Modifiers::COMMAND, Key::K);
    harness.run();
    harness.get_by_label("Command").type_text("ATT&CK");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    harness.get_by_label("Reconnaissance");
    assert!(harness.query_all_by_label_contains("not covered").count() >= 14);
}

#[test]
fn hovering_a_component_explains_its_findings_and_fix() {
    let mut harness = harness(design(vec![node("vault", "key_vault", 0.0, 0.0)]));
    harness.get_by_label("vault").hover();
    for _ in 0..3 {
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    harness.run();
    // The findings panel lists the message too; the tooltip adds a second copy and the fix.
    assert_eq!(
        harness
            .query_all_by_label("Key Vault `vault` has purge protection off")
            .count(),
        2
    );
    assert_eq!(
        harness
            .query_all_by_label_contains("Fix: Turn on purge protection")
            .count(),
        1
    );
}

#[test]
fn the_command_palette_finds_components_and_kinds() {
    let mut harness = harness(design(vec![
        node("vault", "key_vault", 0.0, 0.0),
        node("web", "app_service", 400.0, 0.0),
    ]));
    let palette = |harness: &mut Harness<'_, PalisadeApp>, text: &str| {
        harness.key_press_modifiers(Modifiers::COMMAND, Key::K);
        harness.run();
        harness.get_by_label("Command").type_text(text);
        harness.run();
    };
    palette(&mut harness, "vault");
    harness.get_by_label("Go to vault");
    harness.get_by_label("Add Key Vault");
    harness.key_press(Key::Enter);
    harness.run();
    let selected: Vec<&str> = harness
        .state()
        .view()
        .selection
        .iter()
        .map(NodeId::as_str)
        .collect();
    assert_eq!(selected, ["vault"]);

    palette(&mut harness, "front door");
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(count_kind(&harness, "front_door"), 1);
}

#[test]
fn f2_renames_the_selected_component_in_place_and_escape_cancels() {
    let mut harness = harness(design(vec![node("vault", "key_vault", 0.0, 0.0)]));
    harness.get_by_label("vault").click();
    harness.run();
    harness.key_press(Key::F2);
    harness.run();
    harness
        .get_by_label("Rename component")
        .type_text("Secrets");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    let name = |harness: &Harness<'_, PalisadeApp>| {
        harness
            .state()
            .document()
            .design()
            .node(&NodeId::new("vault").unwrap_or_else(|e| panic!("{e}")))
            .map(|n| n.name.clone())
    };
    assert_eq!(name(&harness).as_deref(), Some("Secrets"));
    harness.key_press(Key::F2);
    harness.run();
    harness.get_by_label("Rename component").type_text("Oops");
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    assert_eq!(name(&harness).as_deref(), Some("Secrets"));
    assert!(harness.query_by_label("Rename component").is_none());
}

#[test]
fn two_selected_components_connect_by_keyboard_and_line_up_from_the_align_menu() {
    let mut harness = harness(design(vec![
        node("vault", "key_vault", 400.0, 90.0),
        node("web", "app_service", 0.0, 0.0),
    ]));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run();
    let connections: Vec<(String, String)> = harness
        .state()
        .document()
        .design()
        .connections()
        .map(|c| (c.from.to_string(), c.to.to_string()))
        .collect();
    // From the component further left: flows run left to right.
    assert_eq!(connections, [("web".to_owned(), "vault".to_owned())]);
    assert!(harness.state().view().selected_connection.is_some());

    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run();
    harness.get_by_label("Align").click();
    harness.run();
    harness.get_by_label("Align top edges").click();
    harness.run();
    let tops: Vec<f32> = harness
        .state()
        .document()
        .design()
        .nodes()
        .map(|n| n.rect.y)
        .collect();
    assert_eq!(tops, [0.0, 0.0]);
    // One step to undo.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let vault = harness
        .state()
        .document()
        .design()
        .nodes()
        .find(|n| n.id.as_str() == "vault")
        .map(|n| n.rect.y);
    assert_eq!(vault, Some(90.0));
}

#[test]
fn a_property_set_on_a_multi_selection_is_set_on_all_in_one_step() {
    let mut harness = harness(design(vec![
        node("st1", "storage_account", 0.0, 0.0),
        node("st2", "storage_account", 400.0, 0.0),
        node("kv", "key_vault", 0.0, 300.0),
    ]));
    let shared_key = |harness: &Harness<'_, PalisadeApp>| -> Vec<Option<bool>> {
        harness
            .state()
            .document()
            .design()
            .nodes()
            .filter(|n| n.kind == "storage_account")
            .map(|n| {
                n.properties
                    .get("allow_shared_key_access")
                    .and_then(|v| v.as_bool())
            })
            .collect()
    };
    harness.get_by_label("st1").click();
    harness.run();
    harness
        .get_by_label("st2")
        .click_modifiers(Modifiers::SHIFT);
    harness.run();
    assert_eq!(harness.state().view().selection.len(), 2);
    let checkbox = |h: &Harness<'_, PalisadeApp>| {
        h.query_by_role_and_label(egui::Role::CheckBox, "Shared key access")
            .is_some()
    };
    harness
        .get_by_role_and_label(egui::Role::CheckBox, "Shared key access")
        .scroll_to_me();
    harness.run();
    harness
        .get_by_role_and_label(egui::Role::CheckBox, "Shared key access")
        .click();
    harness.run();
    assert_eq!(shared_key(&harness), [Some(false), Some(false)]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(shared_key(&harness), [None, None]);

    // A storage account and a vault share only the common properties.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run();
    assert!(!checkbox(&harness));
    harness.get_by_role_and_label(egui::Role::ComboBox, "Data classification");
}

#[test]
fn findings_group_by_stride_and_each_names_its_category() {
    let mut harness = harness(design(vec![node("vault", "key_vault", 0.0, 0.0)]));
    harness.get_by_label("By STRIDE").click();
    harness.run();
    // KV-002 (purge protection) is a tampering finding; the vault's findings sit under it.
    assert!(
        harness
            .query_all_by_label_contains("Tampering (")
            .next()
            .is_some()
    );
    harness.get_by_label("vault").click();
    harness.run();
    assert!(
        harness
            .query_all_by_label_contains("STRIDE: ")
            .next()
            .is_some(),
        "the inspector names each finding's STRIDE category"
    );
}

#[test]
fn the_ai_and_analytics_category_offers_the_ai_services() {
    let mut harness = harness(Design::new("Empty"));
    harness.get_by_label("AI and analytics");
    harness.get_by_label("Azure OpenAI / AI Foundry").click();
    harness.run();
    assert_eq!(count_kind(&harness, "ai_services"), 1);
}

#[test]
fn a_design_larger_than_the_view_gets_a_minimap_that_moves_the_view() {
    let far: Vec<Edit> = (0..6)
        .map(|i| {
            node(
                &format!("n{i}"),
                "app_service",
                i as f32 * 900.0,
                i as f32 * 700.0,
            )
        })
        .collect();
    let mut harness = harness(design(far));
    // Fitted, the whole design is in view: no map.
    assert!(harness.query_by_label("Minimap").is_none());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Num0);
    harness.run();
    let pan = harness.state().view().pan;
    harness.get_by_label("Minimap").click();
    harness.run();
    harness.run();
    assert_ne!(
        harness.state().view().pan,
        pan,
        "a click on the map moves the view"
    );
}

#[test]
fn a_callout_is_added_for_the_selected_component_written_in_place_moved_and_deleted() {
    let mut harness = harness(design(vec![node("vault", "key_vault", 0.0, 200.0)]));
    harness.get_by_label("vault").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::M);
    harness.run();
    // The new note opens for writing where it is drawn.
    harness
        .get_by_label("Write the note")
        .type_text("Purge protection confirmed with the owner");
    harness.run();
    // Clicking elsewhere keeps the text.
    harness.get_by_label("Design canvas").click();
    harness.run();
    let notes = |harness: &Harness<'_, PalisadeApp>| -> Vec<palisade::model::Note> {
        harness
            .state()
            .document()
            .design()
            .notes()
            .cloned()
            .collect()
    };
    let saved = notes(&harness);
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].text, "Purge protection confirmed with the owner");
    assert_eq!(saved[0].anchor.as_ref().map(NodeId::as_str), Some("vault"));
    assert!(harness.query_by_label("Write the note").is_none());

    // Dragging the note moves it; undo puts it back.
    let note = harness
        .get_by_label("Note: Purge protection confirmed with the owner")
        .rect()
        .center();
    harness.drag_at(note);
    harness.run_steps(2);
    harness.hover_at(note + vec2(60.0, 40.0));
    harness.run_steps(2);
    harness.drop_at(note + vec2(120.0, 80.0));
    harness.run_steps(2);
    let moved = notes(&harness)[0].rect;
    assert!(
        moved.x > saved[0].rect.x && moved.y > saved[0].rect.y,
        "{moved:?}"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(notes(&harness)[0].rect, saved[0].rect);

    // Selected, it is deleted with the Delete key; deleting the component keeps a note.
    harness
        .get_by_label("Note: Purge protection confirmed with the owner")
        .click();
    harness.run();
    assert!(harness.state().view().selected_note.is_some());
    // F2 writes in it again; Escape leaves the text as it was.
    harness.key_press(Key::F2);
    harness.run();
    harness
        .get_by_label("Write the note")
        .type_text(" and logged");
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.query_by_label("Write the note").is_none());
    assert_eq!(
        notes(&harness)[0].text,
        "Purge protection confirmed with the owner"
    );
    harness
        .get_by_label("Note: Purge protection confirmed with the owner")
        .click();
    harness.run();
    harness.key_press(Key::Delete);
    harness.run();
    assert!(notes(&harness).is_empty());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    harness.get_by_label("vault").click();
    harness.run();
    harness.key_press(Key::Delete);
    harness.run();
    let kept = notes(&harness);
    assert_eq!(kept.len(), 1, "the callout outlives its component");
    assert_eq!(kept[0].anchor, None);
}

/// An app at the origin and a vault to its right, `vault_y` lower, joined by flow `c1`.
fn web_to_vault(vault_y: f32) -> Design {
    let mut flow = design(vec![
        node("web", "app_service", 0.0, 0.0),
        node("vault", "key_vault", 500.0, vault_y),
    ]);
    Edit::Connect(palisade::model::Connection {
        id: palisade::model::ConnectionId::new("c1").unwrap_or_else(|e| panic!("{e}")),
        kind: "traffic".into(),
        from: NodeId::new("web").unwrap_or_else(|e| panic!("{e}")),
        to: NodeId::new("vault").unwrap_or_else(|e| panic!("{e}")),
        label: String::new(),
        properties: Default::default(),
        route: Default::default(),
    })
    .apply(&mut flow)
    .unwrap_or_else(|e| panic!("{e}"));
    flow
}

#[test]
fn a_connection_becomes_an_elbow_line_and_bends_where_its_handle_is_dragged() {
    let flow = web_to_vault(200.0);
    let mut harness = harness(flow);
    harness.get_by_label("Connection web to vault").click();
    harness.run();
    harness
        .get_by_role_and_label(egui::Role::ComboBox, "Line style")
        .click();
    harness.run();
    harness.get_by_label("Elbow (orthogonal)").click();
    harness.run();
    let line = |harness: &Harness<'_, PalisadeApp>| {
        let scene = harness.state().document().scene();
        scene.edges[0].points.clone()
    };
    let elbow = line(&harness);
    assert!(elbow.len() >= 3, "an elbow has bends: {elbow:?}");
    assert!(
        elbow
            .windows(2)
            .all(|s| s[0].x == s[1].x || s[0].y == s[1].y),
        "{elbow:?}"
    );

    // Each segment long enough to aim at offers a handle; dragging it adds a waypoint the
    // line passes through.
    let bends = harness
        .get_all_by_label("Bend Connection web to vault here")
        .count();
    assert!((1..elbow.len()).contains(&bends), "{bends} handles");
    let handle = harness
        .get_all_by_label("Bend Connection web to vault here")
        .next()
        .map(|h| h.rect().center())
        .unwrap_or_else(|| panic!("no handle"));
    harness.drag_at(handle);
    harness.run_steps(2);
    harness.hover_at(handle + vec2(0.0, 60.0));
    harness.run_steps(2);
    harness.drop_at(handle + vec2(0.0, 120.0));
    harness.run_steps(2);
    let connection = harness
        .state()
        .document()
        .design()
        .connections()
        .next()
        .cloned()
        .unwrap_or_else(|| panic!("no connection"));
    assert_eq!(connection.route.waypoints.len(), 1);
    let waypoint = connection.route.waypoints[0];
    assert!(line(&harness).contains(&waypoint), "{:?}", line(&harness));
    assert!(
        harness
            .query_by_label("Waypoint 1 of Connection web to vault")
            .is_some()
    );
    // The inspector takes the bends out again, in one undoable step.
    harness.get_by_label("Remove 1 waypoint").click();
    harness.run();
    let design = harness.state().document().design();
    assert!(design.connections().all(|c| c.route.waypoints.is_empty()));
}

#[test]
fn the_middle_segment_of_an_elbow_line_slides_across_as_in_drawio() {
    let mut flow = web_to_vault(150.0);
    flow.meta.routing = palisade::model::Routing::Orthogonal;
    let mut harness = harness(flow);
    let line = |harness: &Harness<'_, PalisadeApp>| {
        harness.state().document().scene().edges[0].points.clone()
    };
    let before = line(&harness);
    // Right out of the app, across, and right into the vault: a Z with a middle segment.
    assert_eq!(before.len(), 4, "{before:?}");
    let middle_x = before[1].x;
    harness.get_by_label("Connection web to vault").click();
    harness.run();
    // The dot in the middle of the middle segment, where the canvas draws it.
    let centre = palisade::model::Point::new(
        (before[1].x + before[2].x) / 2.0,
        (before[1].y + before[2].y) / 2.0,
    );
    let middle = harness.state().view().transform().pos(centre);
    assert!(
        harness
            .get_all_by_label("Bend Connection web to vault here")
            .any(|h| h.rect().contains(middle)),
        "no handle at {middle:?}"
    );
    harness.drag_at(middle);
    harness.run_steps(2);
    harness.hover_at(middle + vec2(40.0, 30.0));
    harness.run_steps(2);
    harness.drop_at(middle + vec2(80.0, 60.0));
    harness.run_steps(2);
    let after = line(&harness);
    let connection = harness
        .state()
        .document()
        .design()
        .connections()
        .next()
        .cloned()
        .unwrap_or_else(|| panic!("no connection"));
    let waypoints = connection.route.waypoints;
    assert_eq!(waypoints.len(), 2, "{waypoints:?}");
    // Both ends of the segment moved across by the same amount, and only across.
    assert_eq!(waypoints[0].x, waypoints[1].x);
    assert!(
        waypoints[0].x > middle_x + 20.0,
        "{waypoints:?} from {middle_x}"
    );
    assert_eq!((waypoints[0].y, waypoints[1].y), (before[1].y, before[2].y));
    assert!(
        after.contains(&waypoints[0]) && after.contains(&waypoints[1]),
        "{after:?}"
    );
    assert!(
        after
            .windows(2)
            .all(|s| s[0].x == s[1].x || s[0].y == s[1].y),
        "{after:?}"
    );
}
