//! What an import did: resources mapped, left out and not understood, and values it could not
//! know, for the command line and the designer.

use std::fmt::Write as _;

/// A resource with what became of it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResourceNote {
    pub resource_type: String,
    pub name: String,
    pub detail: String,
}

/// A property that was not set, and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ValueNote {
    /// The node the property belongs to.
    pub node: String,
    /// The resource (type and name) the value came from.
    pub resource: String,
    pub property: String,
    pub reason: String,
}

/// A finding that goes away when an unknown property takes the catalog's secure value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dependency {
    /// The finding's fingerprint (`rule@subject`).
    pub finding: String,
    pub property: String,
    /// Why the property is unknown.
    pub reason: String,
}

/// The import report; every list is sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The template file the design came from.
    pub source: String,
    /// Resources that became a node, part of one, or a connection.
    pub mapped: Vec<ResourceNote>,
    /// Resources whose type has no mapping, or whose node could not be found.
    pub unmapped: Vec<ResourceNote>,
    /// Known resource types with nothing the catalog models.
    pub ignored: Vec<ResourceNote>,
    /// Resources left out because their condition is false.
    pub skipped: Vec<ResourceNote>,
    /// Connection resources with an end outside the template.
    pub unconnected: Vec<ResourceNote>,
    /// References the catalog does not allow between the kinds of their ends.
    pub not_allowed: Vec<ResourceNote>,
    /// Properties left unset because their value is not known before deployment.
    pub unknown: Vec<ValueNote>,
    /// Properties left unset because their value has no catalog equivalent.
    pub unconverted: Vec<ValueNote>,
    /// Findings that depend on a value unknown at import.
    pub depends_on_unknown: Vec<Dependency>,
}

impl Report {
    pub(super) fn sort(&mut self) {
        for list in [
            &mut self.mapped,
            &mut self.unmapped,
            &mut self.ignored,
            &mut self.skipped,
            &mut self.unconnected,
            &mut self.not_allowed,
        ] {
            list.sort();
            list.dedup();
        }
        for list in [&mut self.unknown, &mut self.unconverted] {
            list.sort();
            list.dedup();
        }
        self.depends_on_unknown.sort();
        self.depends_on_unknown.dedup();
    }

    /// The report as plain text, one resource or value a line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Imported {}", self.source);
        let sections: [(&str, &[ResourceNote]); 6] = [
            ("Mapped", &self.mapped),
            ("Not mapped", &self.unmapped),
            ("Known, not drawn", &self.ignored),
            ("Skipped", &self.skipped),
            ("Connections not drawn", &self.unconnected),
            ("Connections the catalog does not allow", &self.not_allowed),
        ];
        for (title, notes) in sections {
            if notes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{title} ({}):", notes.len());
            for note in notes {
                let _ = writeln!(
                    out,
                    "  {} `{}`: {}",
                    note.resource_type, note.name, note.detail
                );
            }
        }
        let values: [(&str, &[ValueNote]); 2] = [
            ("Unknown values, left unset", &self.unknown),
            ("Values not converted, left unset", &self.unconverted),
        ];
        for (title, notes) in values {
            if notes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{title} ({}):", notes.len());
            for note in notes {
                let _ = writeln!(
                    out,
                    "  {}.{} (from {}): {}",
                    note.node, note.property, note.resource, note.reason
                );
            }
        }
        if !self.depends_on_unknown.is_empty() {
            let _ = writeln!(
                out,
                "Findings that depend on unknown values ({}):",
                self.depends_on_unknown.len()
            );
            for note in &self.depends_on_unknown {
                let _ = writeln!(
                    out,
                    "  {} depends on {} ({})",
                    note.finding, note.property, note.reason
                );
            }
        }
        out
    }
}
