//! The inspector: typed editors for the selection's properties, its findings, and the design's
//! own metadata when nothing is selected. It only reads the document and returns actions.

use egui::RichText;

use super::Action;
use super::theme::color;
use crate::app::Document;
use crate::model::{
    Attestation, Connection, Edit, Metadata, Node, Note, PropertyDef, PropertyType, Route, Routing,
    Value,
};
use crate::review::triage::{State, state_of};
use crate::rules::{ATTESTATIONS, Finding, Subject};
use crate::scene::severity_color;

/// Which element a property belongs to: one, or several components edited together.
enum Owner<'a> {
    Node(&'a Node),
    Connection(&'a Connection),
    Nodes(Vec<&'a Node>),
}

impl Owner<'_> {
    fn edit(&self, property: &str, value: Option<Value>) -> Edit {
        match self {
            Owner::Node(n) => Edit::SetProperty {
                node: n.id.clone(),
                property: property.to_owned(),
                value,
            },
            Owner::Connection(c) => Edit::SetConnectionProperty {
                connection: c.id.clone(),
                property: property.to_owned(),
                value,
            },
            // One step: undo puts every component back at once.
            Owner::Nodes(nodes) => Edit::Batch(
                nodes
                    .iter()
                    .map(|n| Edit::SetProperty {
                        node: n.id.clone(),
                        property: property.to_owned(),
                        value: value.clone(),
                    })
                    .collect(),
            ),
        }
    }

    /// The value set on the element; for several, the value only when all set the same one.
    fn explicit(&self, property: &str) -> Option<&Value> {
        match self {
            Owner::Node(n) => n.properties.get(property),
            Owner::Connection(c) => c.properties.get(property),
            Owner::Nodes(nodes) => {
                let first = nodes.first()?.properties.get(property)?;
                nodes
                    .iter()
                    .all(|n| n.properties.get(property) == Some(first))
                    .then_some(first)
            }
        }
    }

    /// Whether the elements' values differ (several components only).
    fn mixed(&self, def: &PropertyDef) -> bool {
        match self {
            Owner::Nodes(nodes) => {
                let value = |n: &Node| {
                    n.properties
                        .get(def.id.as_str())
                        .unwrap_or(&def.default)
                        .clone()
                };
                nodes.windows(2).any(|w| value(w[0]) != value(w[1]))
            }
            _ => false,
        }
    }

    /// Whether any element sets the property (so Reset has something to do).
    fn any_explicit(&self, property: &str) -> bool {
        match self {
            Owner::Nodes(nodes) => nodes.iter().any(|n| n.properties.contains_key(property)),
            _ => self.explicit(property).is_some(),
        }
    }

    fn key(&self, property: &str) -> String {
        match self {
            Owner::Node(n) => format!("node/{}/{property}", n.id),
            Owner::Connection(c) => format!("connection/{}/{property}", c.id),
            Owner::Nodes(nodes) => {
                let ids: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
                format!("nodes/{}/{property}", ids.join(","))
            }
        }
    }
}

pub fn inspector_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    view: &super::canvas::CanvasView,
    actions: &mut Vec<Action>,
) {
    let design = doc.design();
    if let Some(id) = &view.selected_note
        && let Some(note) = design.note(id)
    {
        note_ui(ui, doc, note, actions);
    } else if let Some(id) = &view.selected_connection
        && let Some(connection) = design.connection(id)
    {
        connection_ui(ui, doc, connection, actions);
    } else if view.selection.len() == 1
        && let Some(node) = view.selection.first().and_then(|id| design.node(id))
    {
        node_ui(ui, doc, node, actions);
    } else if view.selection.len() > 1 {
        let nodes: Vec<&Node> = view
            .selection
            .iter()
            .filter_map(|id| design.node(id))
            .collect();
        several_ui(ui, doc, nodes, actions);
    } else {
        design_ui(ui, doc, actions);
    }
}

/// A single-line text field that edits as you type (one undo step per field visit).
fn text_field(
    ui: &mut egui::Ui,
    name: &str,
    current: &str,
    key: String,
    multiline: bool,
    make: impl FnOnce(String) -> Edit,
    actions: &mut Vec<Action>,
) {
    let mut text = current.to_owned();
    let response = if multiline {
        ui.add(
            egui::TextEdit::multiline(&mut text)
                .desired_rows(3)
                .desired_width(f32::INFINITY),
        )
    } else {
        ui.add(egui::TextEdit::singleline(&mut text).desired_width(f32::INFINITY))
    };
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, name));
    if response.changed() {
        actions.push(Action::TypingEdit(make(text), key));
    }
    if response.lost_focus() {
        actions.push(Action::EndTyping);
    }
}

fn node_ui(ui: &mut egui::Ui, doc: &Document, node: &Node, actions: &mut Vec<Action>) {
    let catalog = doc.catalog();
    let Some(kind) = catalog.kind(&node.kind) else {
        ui.label(format!("Unknown kind `{}`", node.kind));
        return;
    };
    ui.heading(&kind.name);
    ui.label(RichText::new(&kind.summary).weak());
    ui.add_space(6.0);
    ui.label("Name");
    let id = node.id.clone();
    text_field(
        ui,
        "Name",
        &node.name,
        format!("node/{id}/name"),
        false,
        |name| Edit::Rename {
            node: id.clone(),
            name,
        },
        actions,
    );
    ui.add_space(6.0);
    egui::ScrollArea::vertical()
        .id_salt("inspector-scroll")
        .auto_shrink([false, true])
        .show(ui, |ui| {
            // Properties first: they are what the user came to edit; the findings they cause
            // follow right below and update as values change.
            egui::CollapsingHeader::new(RichText::new("Properties").strong())
                .id_salt("node-properties")
                .default_open(true)
                .show(ui, |ui| {
                    let owner = Owner::Node(node);
                    properties_ui(ui, &owner, catalog.node_properties(kind).collect(), actions);
                });
            let findings: Vec<&Finding> = doc.findings().for_node(&node.id).collect();
            if !findings.is_empty() {
                egui::CollapsingHeader::new(
                    RichText::new(format!("Findings ({})", findings.len())).strong(),
                )
                .id_salt("node-findings")
                .default_open(true)
                .show(ui, |ui| findings_list_ui(ui, doc, &findings, actions));
            }
            super::threats::threats_list_ui(ui, doc, &node.id, actions);
            egui::CollapsingHeader::new(RichText::new("Notes").strong())
                .id_salt("node-notes")
                .default_open(!node.notes.is_empty())
                .show(ui, |ui| {
                    let id = node.id.clone();
                    text_field(
                        ui,
                        "Notes",
                        &node.notes,
                        format!("node/{id}/notes"),
                        true,
                        |notes| Edit::SetNotes {
                            node: id.clone(),
                            notes,
                        },
                        actions,
                    );
                });
            ui.add_space(4.0);
            ui.label(RichText::new(format!("Id: {}", node.id)).weak().small());
        });
}

/// Several components: the properties they all have, edited on all of them at once.
fn several_ui(ui: &mut egui::Ui, doc: &Document, nodes: Vec<&Node>, actions: &mut Vec<Action>) {
    let catalog = doc.catalog();
    ui.heading(format!("{} selected", nodes.len()));
    ui.label(
        RichText::new(
            "Drag to move them together, Delete to remove them, Ctrl+D to duplicate, Ctrl+L to \
             connect two. A property set here is set on all of them.",
        )
        .weak(),
    );
    ui.add_space(6.0);
    let kinds: Vec<_> = nodes.iter().filter_map(|n| catalog.kind(&n.kind)).collect();
    let Some((first, rest)) = kinds.split_first() else {
        return;
    };
    // The properties every selected kind has, with the same type, in the first kind's order.
    let shared: Vec<&PropertyDef> = catalog
        .node_properties(first)
        .filter(|def| {
            rest.iter().all(|kind| {
                catalog
                    .node_property(kind, &def.id)
                    .is_some_and(|other| other.ty == def.ty)
            })
        })
        .collect();
    if shared.is_empty() {
        ui.label("These components have no property in common.");
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("inspector-scroll")
        .auto_shrink([false, true])
        .show(ui, |ui| {
            egui::CollapsingHeader::new(RichText::new("Shared properties").strong())
                .id_salt("shared-properties")
                .default_open(true)
                .show(ui, |ui| {
                    properties_ui(ui, &Owner::Nodes(nodes), shared, actions)
                });
        });
}

fn connection_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    connection: &Connection,
    actions: &mut Vec<Action>,
) {
    let design = doc.design();
    let catalog = doc.catalog();
    let name = |id| {
        design
            .node(id)
            .map_or_else(String::new, |n: &Node| n.name.clone())
    };
    ui.heading("Connection");
    ui.label(format!(
        "{} → {}",
        name(&connection.from),
        name(&connection.to)
    ));
    ui.add_space(6.0);
    egui::Grid::new("connection-grid")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            ui.label("Kind");
            let current = catalog
                .connection_kind(&connection.kind)
                .map_or(connection.kind.as_str(), |k| k.name.as_str());
            egui::ComboBox::from_id_salt("connection-kind")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    let end = |id| design.node(id).and_then(|n: &Node| catalog.kind(&n.kind));
                    // Only kinds the catalog lets join these two ends; all when an end's kind is
                    // unknown, so a broken connection can still be repaired.
                    let fits = |kind| match (end(&connection.from), end(&connection.to)) {
                        (Some(from), Some(to)) => catalog.may_join(kind, from, to),
                        _ => true,
                    };
                    for kind in catalog.connection_kinds().iter().filter(|k| fits(k)) {
                        if ui
                            .selectable_label(connection.kind.as_str() == kind.id, &kind.name)
                            .on_hover_text(&kind.summary)
                            .clicked()
                            && connection.kind.as_str() != kind.id
                        {
                            // Properties of the old kind do not apply to the new one.
                            let mut edits = vec![Edit::SetConnectionKind {
                                connection: connection.id.clone(),
                                kind: kind.id.clone(),
                            }];
                            for property in connection.properties.keys() {
                                edits.push(Edit::SetConnectionProperty {
                                    connection: connection.id.clone(),
                                    property: property.to_string(),
                                    value: None,
                                });
                            }
                            actions.push(Action::Edit(Edit::Batch(edits)));
                        }
                    }
                })
                .response
                .widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Connection kind")
                });
            ui.end_row();
            ui.label("Label");
            let id = connection.id.clone();
            text_field(
                ui,
                "Label",
                &connection.label,
                format!("connection/{id}/label"),
                false,
                |label| Edit::SetConnectionLabel {
                    connection: id.clone(),
                    label,
                },
                actions,
            );
            ui.end_row();
            ui.label("Line");
            routing_ui(ui, doc, connection, actions);
            ui.end_row();
        });
    let bends = connection.route.waypoints.len();
    if bends > 0 {
        let noun = if bends == 1 { "waypoint" } else { "waypoints" };
        if ui
            .button(format!("Remove {bends} {noun}"))
            .on_hover_text("Let the line find its own way again")
            .clicked()
        {
            actions.push(Action::Edit(Edit::SetRoute {
                connection: connection.id.clone(),
                route: Route {
                    routing: connection.route.routing,
                    waypoints: Vec::new(),
                },
            }));
        }
    } else {
        ui.label(RichText::new("Drag the dot on a segment to bend the line.").weak());
    }
    if let Some(kind) = catalog.connection_kind(&connection.kind) {
        ui.label(RichText::new(&kind.summary).weak());
        ui.add_space(6.0);
        properties_ui(
            ui,
            &Owner::Connection(connection),
            kind.properties.iter().collect(),
            actions,
        );
    }
    let findings: Vec<&Finding> = doc
        .findings()
        .items
        .iter()
        .filter(|f| f.subject == Subject::Connection(connection.id.clone()))
        .collect();
    if !findings.is_empty() {
        ui.add_space(6.0);
        egui::CollapsingHeader::new(
            RichText::new(format!("Findings ({})", findings.len())).strong(),
        )
        .id_salt("connection-findings")
        .default_open(true)
        .show(ui, |ui| findings_list_ui(ui, doc, &findings, actions));
    }
    ui.add_space(8.0);
    if ui.button("Delete connection").clicked() {
        actions.push(Action::Edit(Edit::Disconnect(connection.id.clone())));
    }
}

/// The connection's own line style, or the design's default.
fn routing_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    connection: &Connection,
    actions: &mut Vec<Action>,
) {
    let default = doc.design().meta.routing;
    let shown = |routing: Option<Routing>| match routing {
        None => format!("Design default ({})", default.label()),
        Some(routing) => routing.label().to_owned(),
    };
    let choices = std::iter::once(None).chain(Routing::ALL.into_iter().map(Some));
    egui::ComboBox::from_id_salt("connection-routing")
        .selected_text(shown(connection.route.routing))
        .show_ui(ui, |ui| {
            for choice in choices {
                if ui
                    .selectable_label(connection.route.routing == choice, shown(choice))
                    .clicked()
                    && connection.route.routing != choice
                {
                    actions.push(Action::Edit(Edit::SetRoute {
                        connection: connection.id.clone(),
                        route: Route {
                            routing: choice,
                            waypoints: connection.route.waypoints.clone(),
                        },
                    }));
                }
            }
        })
        .response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Line style"));
}

/// A note: its text, what it points at, and a way to remove it.
fn note_ui(ui: &mut egui::Ui, doc: &Document, note: &Note, actions: &mut Vec<Action>) {
    let design = doc.design();
    ui.heading(if note.anchor.is_some() {
        "Callout"
    } else {
        "Note"
    });
    ui.label(RichText::new("Double-click the note on the canvas to edit it there.").weak());
    ui.add_space(6.0);
    let id = note.id.clone();
    text_field(
        ui,
        "Note text",
        &note.text,
        format!("note/{id}/text"),
        true,
        |text| Edit::SetNoteText {
            note: id.clone(),
            text,
        },
        actions,
    );
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.label("Points at");
        let name = |node: &Node| format!("{} ({})", node.name, node.id);
        let shown = note
            .anchor
            .as_ref()
            .and_then(|a| design.node(a))
            .map_or_else(|| "Nothing (a free note)".to_owned(), name);
        egui::ComboBox::from_id_salt("note-anchor")
            .selected_text(shown)
            .height(320.0)
            .show_ui(ui, |ui| {
                let mut pick = |anchor: Option<&Node>, text: String| {
                    let id = anchor.map(|n| n.id.clone());
                    if ui.selectable_label(note.anchor == id, text).clicked() && note.anchor != id {
                        actions.push(Action::Edit(Edit::SetNoteAnchor {
                            note: note.id.clone(),
                            anchor: id,
                        }));
                    }
                };
                pick(None, "Nothing (a free note)".to_owned());
                for node in design.nodes() {
                    pick(Some(node), name(node));
                }
            })
            .response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Points at"));
    });
    ui.add_space(8.0);
    if ui.button("Delete note").clicked() {
        actions.push(Action::Edit(Edit::RemoveNote(note.id.clone())));
    }
}

fn properties_ui(
    ui: &mut egui::Ui,
    owner: &Owner<'_>,
    properties: Vec<&PropertyDef>,
    actions: &mut Vec<Action>,
) {
    let warn = color(severity_color(crate::model::Severity::Medium));
    egui::Grid::new(("properties", owner.key("")))
        .num_columns(3)
        .spacing([10.0, 6.0])
        .striped(true)
        .show(ui, |ui| {
            for def in properties {
                let explicit = owner.explicit(&def.id);
                let value = explicit.unwrap_or(&def.default);
                ui.label(&def.name).on_hover_text(&def.help);
                // Values that differ across a multi-selection show as mixed, not as one of them.
                property_editor_ui(ui, owner, def, value, owner.mixed(def), actions);
                ui.horizontal(|ui| {
                    if let Some(secure) = &def.secure
                        && secure != value
                    {
                        // A dot, not a symbol: it needs no extra font and reads at any size.
                        let (dot, response) =
                            ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                        ui.painter().circle_filled(dot.center(), 4.5, warn);
                        response.on_hover_text(format!(
                            "The security baseline expects: {}",
                            secure.display()
                        ));
                    }
                    if owner.any_explicit(&def.id)
                        && ui
                            .small_button("Reset")
                            .on_hover_text(format!(
                                "Reset to the platform default ({})",
                                def.default.display()
                            ))
                            .clicked()
                    {
                        actions.push(Action::Edit(owner.edit(&def.id, None)));
                    }
                });
                ui.end_row();
            }
        });
}

fn property_editor_ui(
    ui: &mut egui::Ui,
    owner: &Owner<'_>,
    def: &PropertyDef,
    value: &Value,
    mixed: bool,
    actions: &mut Vec<Action>,
) {
    match (&def.ty, value) {
        (PropertyType::Bool, Value::Bool(current)) => {
            let mut checked = *current;
            let response = ui
                .add(egui::Checkbox::new(&mut checked, "").indeterminate(mixed))
                .on_hover_text(&def.help);
            // The visible label sits in the first column; name the box for screen readers.
            response.widget_info(|| {
                egui::WidgetInfo::selected(egui::Role::CheckBox, true, checked, &def.name)
            });
            if response.changed() {
                actions.push(Action::Edit(
                    owner.edit(&def.id, Some(Value::Bool(checked))),
                ));
            }
        }
        (PropertyType::Enum(choices), Value::Text(current)) => {
            let shown = if mixed { "(mixed)" } else { current.as_str() };
            egui::ComboBox::from_id_salt(("enum", owner.key(&def.id)))
                .selected_text(shown)
                .width(150.0)
                .show_ui(ui, |ui| {
                    for choice in choices {
                        if ui
                            .selectable_label(!mixed && choice == current, choice)
                            .clicked()
                            && (mixed || choice != current)
                        {
                            actions.push(Action::Edit(
                                owner.edit(&def.id, Some(Value::Text(choice.clone()))),
                            ));
                        }
                    }
                })
                .response
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, &def.name));
        }
        (PropertyType::Int { min, max }, Value::Int(current)) => {
            let mut number = *current;
            let response = ui.add(egui::DragValue::new(&mut number).range(*min..=*max));
            response
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::SpinButton, true, &def.name));
            if response.changed() {
                actions.push(Action::TypingEdit(
                    owner.edit(&def.id, Some(Value::Int(number))),
                    owner.key(&def.id),
                ));
            }
            if response.lost_focus() || response.drag_stopped() {
                actions.push(Action::EndTyping);
            }
        }
        (PropertyType::Text, Value::Text(current)) => {
            let edit_for = |text: String| owner.edit(&def.id, Some(Value::Text(text)));
            text_field(
                ui,
                &def.name,
                current,
                owner.key(&def.id),
                false,
                edit_for,
                actions,
            );
        }
        (PropertyType::List, Value::List(items)) => {
            let edit_for = |text: String| {
                let items: Vec<String> = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect();
                owner.edit(&def.id, Some(Value::List(items)))
            };
            text_field(
                ui,
                &def.name,
                &items.join("\n"),
                owner.key(&def.id),
                true,
                edit_for,
                actions,
            );
        }
        (_, other) => {
            ui.label(other.display());
        }
    }
}

/// Findings with severity, message, fix, their decision and a link, and a button to triage
/// each.
pub fn findings_list_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    findings: &[&Finding],
    actions: &mut Vec<Action>,
) {
    let today = crate::export::today();
    for finding in findings {
        let fingerprint = finding.fingerprint();
        let state = doc
            .design()
            .meta
            .triage
            .get(&fingerprint)
            .map_or(State::Open, |t| state_of(t, &today));
        ui.group(|ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                severity_chip_ui(ui, finding.severity);
                ui.label(RichText::new(finding.rule.id).monospace().weak());
                ui.label(RichText::new(finding.rule.title).strong());
            });
            ui.label(finding.message.as_str());
            match state {
                State::Open => {}
                State::Triaged(t) => {
                    ui.label(
                        RichText::new(format!("Triaged: {}", crate::export::text::decision(t)))
                            .italics(),
                    );
                }
                State::Expired(t) => {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!(
                            "Open again, the decision expired: {}",
                            crate::export::text::decision(t)
                        ),
                    );
                }
            }
            ui.label(RichText::new(format!("Fix: {}", finding.rule.remediation)).weak());
            ui.label(
                RichText::new(format!(
                    "Why {}: {}",
                    finding.severity.as_str(),
                    finding.rule.severity_reason
                ))
                .small()
                .weak(),
            );
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(format!(
                        "{} · MCSB {} · STRIDE: {}",
                        finding.rule.se.join(", "),
                        finding.rule.mcsb.join(", "),
                        finding.rule.stride.as_str()
                    ))
                    .small()
                    .weak(),
                );
                ui.hyperlink_to("Learn more", finding.rule.learn);
                let label = if state.decision().is_some() {
                    "Change decision…"
                } else {
                    "Triage…"
                };
                if ui.small_button(label).clicked() {
                    actions.push(Action::Triage(fingerprint.clone()));
                }
            });
        });
    }
}

pub fn severity_chip_ui(ui: &mut egui::Ui, severity: crate::model::Severity) {
    let fill = color(severity_color(severity));
    egui::Frame::new()
        .fill(fill)
        .corner_radius(4.0)
        .inner_margin(egui::Margin::symmetric(6, 1))
        .show(ui, |ui| {
            ui.label(
                RichText::new(severity.as_str())
                    .color(egui::Color32::WHITE)
                    .small()
                    .strong(),
            );
        });
}

fn design_ui(ui: &mut egui::Ui, doc: &Document, actions: &mut Vec<Action>) {
    let meta = &doc.design().meta;
    ui.heading("Design");
    ui.label(RichText::new("Select a component or connection to edit it").weak());
    ui.add_space(6.0);
    let with = |change: &dyn Fn(&mut Metadata)| {
        let mut next = meta.clone();
        change(&mut next);
        Edit::SetMetadata(Box::new(next))
    };
    egui::Grid::new("design-grid")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            ui.label("Name");
            text_field(
                ui,
                "Design name",
                &meta.name,
                "design/name".to_owned(),
                false,
                |v| with(&|m| m.name.clone_from(&v)),
                actions,
            );
            ui.end_row();
            ui.label("Owner");
            text_field(
                ui,
                "Owner",
                &meta.owner,
                "design/owner".to_owned(),
                false,
                |v| with(&|m| m.owner.clone_from(&v)),
                actions,
            );
            ui.end_row();
            ui.label("Data classification");
            let choices: Vec<String> = doc
                .catalog()
                .common_properties
                .iter()
                .find(|p| p.id == "data_classification")
                .and_then(|p| {
                    if let PropertyType::Enum(c) = &p.ty {
                        Some(c.clone())
                    } else {
                        None
                    }
                })
                .unwrap_or_default();
            let shown = if meta.data_classification.is_empty() {
                "Unset"
            } else {
                meta.data_classification.as_str()
            };
            egui::ComboBox::from_id_salt("design-classification")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for choice in &choices {
                        if ui.selectable_label(choice == shown, choice).clicked() {
                            actions.push(Action::Edit(with(&|m| {
                                m.data_classification.clone_from(choice)
                            })));
                        }
                    }
                })
                .response
                .widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Data classification")
                });
            ui.end_row();
            ui.label("Connectors");
            egui::ComboBox::from_id_salt("design-routing")
                .selected_text(meta.routing.label())
                .show_ui(ui, |ui| {
                    for routing in Routing::ALL {
                        if ui
                            .selectable_label(meta.routing == routing, routing.label())
                            .clicked()
                            && meta.routing != routing
                        {
                            actions.push(Action::Edit(with(&|m| m.routing = routing)));
                        }
                    }
                })
                .response
                .widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Connectors")
                });
            ui.end_row();
        });
    ui.label("Description");
    text_field(
        ui,
        "Description",
        &meta.description,
        "design/description".to_owned(),
        true,
        |v| with(&|m| m.description.clone_from(&v)),
        actions,
    );
    if !meta.source.is_empty() {
        // The link comes from the design file: only https opens, nothing else (`file:`,
        // `javascript:`, custom schemes) is offered.
        if crate::export::escape::https_url(&meta.source).is_some() {
            ui.hyperlink_to("Reference architecture", meta.source.trim());
        } else {
            ui.label(RichText::new(format!("Source: {}", meta.source)).weak());
        }
    }
    ui.add_space(8.0);
    ui.label(RichText::new("Process attestations").strong());
    ui.label(
        RichText::new(
            "Confirm what a diagram cannot show; each stays an info finding until confirmed",
        )
        .weak(),
    );
    for (key, statement) in ATTESTATIONS {
        let current = meta.attestations.get(*key).cloned().unwrap_or_default();
        let mut confirmed = current.confirmed;
        if ui.checkbox(&mut confirmed, *statement).changed() {
            let attestation = Attestation {
                confirmed,
                ..current.clone()
            };
            actions.push(Action::Edit(Edit::SetAttestation {
                item: (*key).to_owned(),
                attestation: Some(attestation),
            }));
        }
        if confirmed {
            ui.horizontal(|ui| {
                ui.add_space(24.0);
                ui.label("Evidence");
                let key = (*key).to_owned();
                let edit_key = format!("design/attestation/{key}");
                text_field(
                    ui,
                    "Evidence",
                    &current.evidence,
                    edit_key,
                    false,
                    |evidence| Edit::SetAttestation {
                        item: key.clone(),
                        attestation: Some(Attestation {
                            confirmed: true,
                            evidence,
                        }),
                    },
                    actions,
                );
            });
        }
    }
    let disabled: Vec<(&String, &crate::model::RuleSetting)> = meta.rule_settings.iter().collect();
    if !disabled.is_empty() {
        ui.add_space(8.0);
        ui.label(RichText::new("Rule settings").strong());
        for (rule, setting) in disabled {
            ui.horizontal(|ui| {
                let state = if setting.enabled {
                    setting
                        .severity
                        .map_or("enabled".to_owned(), |s| format!("severity {}", s.as_str()))
                } else {
                    "disabled".to_owned()
                };
                ui.label(format!("{rule}: {state}"));
                if ui.small_button("Restore").clicked() {
                    actions.push(Action::Edit(Edit::SetRuleSetting {
                        rule: rule.clone(),
                        setting: None,
                    }));
                }
            });
        }
    }
}
