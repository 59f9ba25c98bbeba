//! One open design with its history, findings and scene.

use std::path::{Path, PathBuf};

use crate::model::{Catalog, Design, Edit, ModelError};
use crate::persistence::{self, LoadError, SaveError};
use crate::review::triage::{Reviewed, review};
use crate::rules::{self, Findings, Score};
use crate::scene::{self, Scene};

/// How many steps undo remembers.
const UNDO_LIMIT: usize = 500;

/// A design being edited: the only place edits are applied.
pub struct Document {
    design: Design,
    catalog: &'static Catalog,
    /// Where the design was loaded from or last saved to; `None` for an untitled design.
    pub path: Option<PathBuf>,
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    /// Counts changes; compared with `saved_revision` for the unsaved marker.
    revision: u64,
    saved_revision: u64,
    findings: Findings,
    score: Score,
    scene: Scene,
    /// The field being typed in, whose edits join one undo step.
    typing: Option<String>,
    /// Threats and ATT&CK coverage, worked out when first asked for after a change.
    threats: std::cell::OnceCell<crate::threats::Analysis>,
}

impl Document {
    pub fn new(design: Design, catalog: &'static Catalog, path: Option<PathBuf>) -> Self {
        let findings = rules::evaluate(&design, catalog);
        let score = rules::score::score(&findings);
        let scene = scene::build(
            &design,
            catalog,
            Some(&review(&design, &findings, &crate::export::today())),
        );
        Self {
            design,
            catalog,
            path,
            undo: Vec::new(),
            redo: Vec::new(),
            revision: 0,
            saved_revision: 0,
            findings,
            score,
            scene,
            typing: None,
            threats: std::cell::OnceCell::new(),
        }
    }

    pub fn open(path: &Path, catalog: &'static Catalog) -> Result<Self, LoadError> {
        let design = persistence::load_path(path, catalog)?;
        Ok(Self::new(design, catalog, Some(path.to_owned())))
    }

    pub fn design(&self) -> &Design {
        &self.design
    }

    pub fn catalog(&self) -> &'static Catalog {
        self.catalog
    }

    pub fn findings(&self) -> &Findings {
        &self.findings
    }

    pub fn score(&self) -> &Score {
        &self.score
    }

    pub fn scene(&self) -> &Scene {
        &self.scene
    }

    /// Increases with every change, undo and redo included (views use it to refresh caches).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn is_dirty(&self) -> bool {
        self.revision != self.saved_revision
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// The title bar text: design name, file name and an unsaved marker.
    pub fn title(&self) -> String {
        let file = self.path.as_ref().and_then(|p| p.file_name()).map_or_else(
            || "untitled".to_owned(),
            |f| f.to_string_lossy().into_owned(),
        );
        let name = if self.design.meta.name.trim().is_empty() {
            "Untitled design"
        } else {
            &self.design.meta.name
        };
        let marker = if self.is_dirty() { " •" } else { "" };
        format!("{name} ({file}){marker} — Palisade")
    }

    /// Applies an edit as one undo step, then re-checks the design.
    pub fn apply(&mut self, edit: Edit) -> Result<(), ModelError> {
        if edit.is_noop() {
            return Ok(());
        }
        let inverse = edit.apply(&mut self.design)?;
        self.typing = None;
        self.undo.push(inverse);
        if self.undo.len() > UNDO_LIMIT {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.changed();
        Ok(())
    }

    /// Applies an edit made while typing in the field `key`: edits in a row with the same key
    /// form one undo step, whose undo restores the value from before the typing began.
    pub fn apply_merging(&mut self, edit: Edit, key: &str) -> Result<(), ModelError> {
        if self.typing.as_deref() == Some(key) && !self.undo.is_empty() {
            edit.apply(&mut self.design)?;
            self.redo.clear();
            self.changed();
            return Ok(());
        }
        self.apply(edit)?;
        self.typing = Some(key.to_owned());
        Ok(())
    }

    /// Ends a typing run: the next edit is a new undo step.
    pub fn end_merge(&mut self) {
        self.typing = None;
    }

    pub fn undo(&mut self) {
        self.step(true);
    }

    pub fn redo(&mut self) {
        self.step(false);
    }

    fn step(&mut self, undo: bool) {
        self.typing = None;
        let (from, to) = if undo {
            (&mut self.undo, &mut self.redo)
        } else {
            (&mut self.redo, &mut self.undo)
        };
        let Some(edit) = from.pop() else { return };
        // History edits are inverses of edits that applied, so they apply; if one does not, the
        // history is dropped rather than left pointing at a state that no longer exists.
        match edit.apply(&mut self.design) {
            Ok(inverse) => to.push(inverse),
            Err(_) => {
                self.undo.clear();
                self.redo.clear();
            }
        }
        self.changed();
    }

    fn changed(&mut self) {
        self.revision += 1;
        self.findings = rules::evaluate(&self.design, self.catalog);
        self.score = rules::score::score(&self.findings);
        let reviewed = review(&self.design, &self.findings, &crate::export::today());
        self.scene = scene::build(&self.design, self.catalog, Some(&reviewed));
        self.threats = std::cell::OnceCell::new();
    }

    /// The design's threats and ATT&CK coverage, judged against its open findings.
    pub fn threats(&self) -> &crate::threats::Analysis {
        self.threats.get_or_init(|| {
            crate::threats::analyse(&self.design, self.catalog, &self.reviewed()).into_analysis()
        })
    }

    /// The findings with the design's decisions applied, as of today.
    pub fn reviewed(&self) -> Reviewed<'_> {
        review(&self.design, &self.findings, &crate::export::today())
    }

    /// Saves to `path` atomically and remembers it as the document's file.
    pub fn save_as(&mut self, path: &Path) -> Result<(), SaveError> {
        persistence::save_path(&self.design, self.catalog, path)?;
        self.path = Some(path.to_owned());
        self.saved_revision = self.revision;
        Ok(())
    }

    /// The design as file text (for autosave and the clipboard).
    pub fn to_text(&self) -> Result<String, SaveError> {
        persistence::to_string(&self.design, self.catalog)
    }

    /// Marks the document as changed since its last save (a recovered or template copy).
    pub fn mark_unsaved(&mut self) {
        self.saved_revision = u64::MAX;
    }
}
