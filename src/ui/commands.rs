//! Every user command, with its menu text and shortcut: the menus, the key bindings and the
//! command palette are all generated from this one list.

use egui::{Key, KeyboardShortcut, Modifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    New,
    NewFromTemplate,
    Open,
    ImportArm,
    Save,
    SaveAs,
    SaveAsTemplate,
    Export,
    Quit,
    Undo,
    Redo,
    Copy,
    Paste,
    Duplicate,
    Delete,
    SelectAll,
    ConnectSelected,
    AddNote,
    ZoomIn,
    ZoomOut,
    ZoomToFit,
    ZoomReset,
    ToggleGrid,
    ToggleSnap,
    ToggleTheme,
    TogglePalette,
    ToggleSidePanel,
    DesignProperties,
    Arrange,
    ElbowByDefault,
    AlignLeft,
    AlignCentre,
    AlignRight,
    AlignTop,
    AlignMiddle,
    AlignBottom,
    DistributeHorizontally,
    DistributeVertically,
    CompareWith,
    CompareWithSaved,
    CoverageBoard,
    Threats,
    AttackCoverage,
    CommandPalette,
    Shortcuts,
    About,
}

/// The menu a command is listed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Menu {
    File,
    Edit,
    View,
    Design,
    Align,
    Help,
}

impl Menu {
    pub const ALL: [Self; 6] = [
        Self::File,
        Self::Edit,
        Self::View,
        Self::Design,
        Self::Align,
        Self::Help,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Self::File => "File",
            Self::Edit => "Edit",
            Self::View => "View",
            Self::Design => "Design",
            Self::Align => "Align",
            Self::Help => "Help",
        }
    }
}

const CMD: Modifiers = Modifiers::COMMAND;
const CMD_SHIFT: Modifiers = Modifiers {
    shift: true,
    ..Modifiers::COMMAND
};

impl Command {
    /// All commands in menu order.
    pub const ALL: [Self; 46] = [
        Self::New,
        Self::NewFromTemplate,
        Self::Open,
        Self::ImportArm,
        Self::Save,
        Self::SaveAs,
        Self::SaveAsTemplate,
        Self::Export,
        Self::Quit,
        Self::Undo,
        Self::Redo,
        Self::Copy,
        Self::Paste,
        Self::Duplicate,
        Self::Delete,
        Self::SelectAll,
        Self::ConnectSelected,
        Self::AddNote,
        Self::ZoomIn,
        Self::ZoomOut,
        Self::ZoomToFit,
        Self::ZoomReset,
        Self::ToggleGrid,
        Self::ToggleSnap,
        Self::ToggleTheme,
        Self::TogglePalette,
        Self::ToggleSidePanel,
        Self::DesignProperties,
        Self::Arrange,
        Self::ElbowByDefault,
        Self::AlignLeft,
        Self::AlignCentre,
        Self::AlignRight,
        Self::AlignTop,
        Self::AlignMiddle,
        Self::AlignBottom,
        Self::DistributeHorizontally,
        Self::DistributeVertically,
        Self::CoverageBoard,
        Self::Threats,
        Self::AttackCoverage,
        Self::CompareWith,
        Self::CompareWithSaved,
        Self::CommandPalette,
        Self::Shortcuts,
        Self::About,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Self::New => "New design",
            Self::NewFromTemplate => "New from template…",
            Self::Open => "Open…",
            Self::ImportArm => "Import ARM template…",
            Self::Save => "Save",
            Self::SaveAs => "Save as…",
            Self::SaveAsTemplate => "Save as template…",
            Self::Export => "Export…",
            Self::Quit => "Quit",
            Self::Undo => "Undo",
            Self::Redo => "Redo",
            Self::Copy => "Copy",
            Self::Paste => "Paste",
            Self::Duplicate => "Duplicate",
            Self::Delete => "Delete",
            Self::SelectAll => "Select all",
            Self::ConnectSelected => "Connect the two selected",
            Self::AddNote => "Add a note",
            Self::ZoomIn => "Zoom in",
            Self::ZoomOut => "Zoom out",
            Self::ZoomToFit => "Zoom to fit",
            Self::ZoomReset => "Actual size",
            Self::ToggleGrid => "Show grid",
            Self::ToggleSnap => "Snap to grid",
            Self::ToggleTheme => "Dark theme",
            Self::TogglePalette => "Show palette",
            Self::ToggleSidePanel => "Show inspector and findings",
            Self::DesignProperties => "Design properties",
            Self::Arrange => "Arrange the diagram",
            Self::ElbowByDefault => "Elbow connectors by default",
            Self::AlignLeft => "Align left edges",
            Self::AlignCentre => "Align centres",
            Self::AlignRight => "Align right edges",
            Self::AlignTop => "Align top edges",
            Self::AlignMiddle => "Align middles",
            Self::AlignBottom => "Align bottom edges",
            Self::DistributeHorizontally => "Distribute horizontally",
            Self::DistributeVertically => "Distribute vertically",
            Self::CompareWith => "Compare with…",
            Self::CompareWithSaved => "Compare with the saved version",
            Self::CoverageBoard => "Coverage board",
            Self::Threats => "Threats",
            Self::AttackCoverage => "ATT&CK coverage",
            Self::CommandPalette => "Command palette…",
            Self::Shortcuts => "Keyboard shortcuts",
            Self::About => "About Palisade",
        }
    }

    pub fn menu(self) -> Menu {
        match self {
            Self::New
            | Self::NewFromTemplate
            | Self::Open
            | Self::ImportArm
            | Self::Save
            | Self::SaveAs
            | Self::SaveAsTemplate
            | Self::Export
            | Self::Quit => Menu::File,
            Self::Undo
            | Self::Redo
            | Self::Copy
            | Self::Paste
            | Self::Duplicate
            | Self::Delete
            | Self::SelectAll
            | Self::ConnectSelected
            | Self::AddNote => Menu::Edit,
            Self::ZoomIn
            | Self::ZoomOut
            | Self::ZoomToFit
            | Self::ZoomReset
            | Self::ToggleGrid
            | Self::ToggleSnap
            | Self::ToggleTheme
            | Self::TogglePalette
            | Self::ToggleSidePanel => Menu::View,
            Self::DesignProperties
            | Self::Arrange
            | Self::ElbowByDefault
            | Self::CoverageBoard
            | Self::Threats
            | Self::AttackCoverage
            | Self::CompareWith
            | Self::CompareWithSaved => Menu::Design,
            Self::AlignLeft
            | Self::AlignCentre
            | Self::AlignRight
            | Self::AlignTop
            | Self::AlignMiddle
            | Self::AlignBottom
            | Self::DistributeHorizontally
            | Self::DistributeVertically => Menu::Align,
            Self::CommandPalette | Self::Shortcuts | Self::About => Menu::Help,
        }
    }

    /// The primary shortcut. Copy and paste arrive as clipboard events, so they are listed
    /// here for display only (see [`Self::handled_by_events`]).
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        let s = |modifiers, key| Some(KeyboardShortcut::new(modifiers, key));
        match self {
            Self::New => s(CMD, Key::N),
            Self::NewFromTemplate => s(CMD_SHIFT, Key::N),
            Self::Open => s(CMD, Key::O),
            Self::Save => s(CMD, Key::S),
            Self::SaveAs => s(CMD_SHIFT, Key::S),
            Self::Export => s(CMD, Key::E),
            Self::Quit => s(CMD, Key::Q),
            Self::Undo => s(CMD, Key::Z),
            Self::Redo => s(CMD_SHIFT, Key::Z),
            Self::Copy => s(CMD, Key::C),
            Self::Paste => s(CMD, Key::V),
            Self::Duplicate => s(CMD, Key::D),
            Self::Delete => s(Modifiers::NONE, Key::Delete),
            Self::SelectAll => s(CMD, Key::A),
            Self::ConnectSelected => s(CMD, Key::L),
            Self::AddNote => s(CMD_SHIFT, Key::M),
            Self::ZoomIn => s(CMD, Key::Plus),
            Self::ZoomOut => s(CMD, Key::Minus),
            Self::ZoomToFit => s(Modifiers::SHIFT, Key::Num1),
            Self::ZoomReset => s(CMD, Key::Num0),
            Self::ToggleGrid => s(CMD, Key::G),
            Self::CommandPalette => s(CMD, Key::K),
            Self::Shortcuts => s(Modifiers::NONE, Key::F1),
            _ => None,
        }
    }

    /// Further shortcuts that do the same (Ctrl+Y for redo, Backspace for delete ...).
    pub fn alternative_shortcuts(self) -> &'static [KeyboardShortcut] {
        const REDO: [KeyboardShortcut; 1] = [KeyboardShortcut::new(CMD, Key::Y)];
        const DELETE: [KeyboardShortcut; 1] =
            [KeyboardShortcut::new(Modifiers::NONE, Key::Backspace)];
        const PALETTE: [KeyboardShortcut; 1] = [KeyboardShortcut::new(CMD_SHIFT, Key::P)];
        const ZOOM_IN: [KeyboardShortcut; 1] = [KeyboardShortcut::new(CMD, Key::Equals)];
        match self {
            Self::Redo => &REDO,
            Self::Delete => &DELETE,
            Self::CommandPalette => &PALETTE,
            Self::ZoomIn => &ZOOM_IN,
            _ => &[],
        }
    }

    /// Copy and paste come from the platform as clipboard events, not key presses.
    pub fn handled_by_events(self) -> bool {
        matches!(self, Self::Copy | Self::Paste)
    }

    /// Commands that act on the canvas and must not fire while a text field has focus.
    pub fn needs_canvas_focus(self) -> bool {
        matches!(
            self,
            Self::Delete
                | Self::SelectAll
                | Self::Duplicate
                | Self::Undo
                | Self::Redo
                | Self::ConnectSelected
                | Self::AddNote
        )
    }
}
