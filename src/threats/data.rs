//! The three tables behind the threat view, as data: threat definitions (`assets/threats.ron`),
//! how a design realises each control (`assets/controls.ron`) and ATT&CK coverage by control
//! (`assets/attack.ron`, generated from MITRE's security stack mappings).

use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::Value;
use crate::rules::Stride;

/// One threat, generated for every element it applies to.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreatDef {
    /// Stable id, `THR-NNN`; threat fingerprints use it.
    pub id: String,
    pub stride: Stride,
    pub applies: Applies,
    /// With `{element}`, or `{source}` and `{target}`, replaced by names.
    pub title: String,
    pub description: String,
    /// What would answer the threat, in words.
    pub mitigation: String,
    /// Alternatives; each is a list of checks that must all hold.
    pub mitigated_by: Vec<Vec<Check>>,
    /// Rules whose open findings keep the threat open.
    pub rules: Vec<String>,
    /// ATT&CK techniques the threat stands for.
    pub attack: Vec<String>,
}

/// Which elements a threat is generated for.
#[derive(Debug, Deserialize)]
pub enum Applies {
    /// Components of these kinds or traits.
    Component(Vec<String>),
    /// Flows crossing the boundary.
    Flow(Crossing),
    /// Web requests (HTTP, HTTPS; not sessions or management traffic) crossing the boundary.
    WebFlow(Crossing),
}

/// A boundary a flow crosses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Crossing {
    Internet,
    OnPremises,
    Subscriptions,
    Environments,
    PublicEndpoint,
}

/// One condition of a mitigation.
#[derive(Debug, Deserialize)]
pub enum Check {
    /// A control covers the element (a flow: the service it reaches) and can block.
    Control(String),
    /// The element (a flow: the flow itself) has one of these values.
    Property(String, Vec<Value>),
    /// For a flow: the service it reaches has one of these values.
    Target(String, Vec<Value>),
    /// For a flow: the service it reaches is one of these kinds.
    TargetKind(Vec<String>),
    /// The element sends diagnostics to a workspace.
    SendsDiagnostics,
}

/// A control and the ways a design can hold it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlDef {
    pub control: String,
    pub name: String,
    pub realised_by: Vec<Realisation>,
}

/// A component of `kind`, with every `when` property among its values, provides the control.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Realisation {
    pub kind: String,
    #[serde(default)]
    pub when: Vec<(String, Vec<Value>)>,
    /// Any of these holding makes the control detect only.
    #[serde(default)]
    pub alert_only: Vec<(String, Vec<Value>)>,
    pub covers: Covers,
}

/// What a provided control covers.
#[derive(Debug, Deserialize)]
pub enum Covers {
    Design,
    Itself,
    Governed(Vec<String>),
    Downstream,
    Linked(String),
    Network,
    Contents,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AttackFile {
    attack_version: String,
    tactics: Vec<(String, String, String)>,
    techniques: Vec<(String, String, Vec<String>, Vec<String>)>,
    controls: Vec<AttackControlFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AttackControlFile {
    id: String,
    name: String,
    mapping: String,
    coverage: Vec<(String, Category, Score)>,
}

/// The ATT&CK part: tactics in matrix order, techniques, and what each control covers.
#[derive(Debug)]
pub struct AttackTable {
    /// The ATT&CK Enterprise version the names and tactics come from (`18.1`).
    pub version: String,
    pub tactics: Vec<Tactic>,
    /// Sorted by id, techniques before their sub-techniques.
    pub techniques: Vec<Technique>,
    pub controls: Vec<AttackControl>,
}

#[derive(Debug)]
pub struct Tactic {
    /// `TA0001`.
    pub id: String,
    /// `initial-access`: what techniques and layers name.
    pub short_name: String,
    pub name: String,
}

#[derive(Debug)]
pub struct Technique {
    /// `T1190` or `T1595.002`.
    pub id: String,
    pub name: String,
    /// Tactic short names.
    pub tactics: Vec<String>,
    pub platforms: Vec<String>,
}

impl Technique {
    pub fn is_subtechnique(&self) -> bool {
        self.id.contains('.')
    }
}

#[derive(Debug)]
pub struct AttackControl {
    pub id: String,
    pub name: String,
    /// The mapping file of the source.
    pub mapping: String,
    pub coverage: Vec<(String, Category, Score)>,
}

/// What a control does about a technique.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum Category {
    Protect,
    Detect,
    Respond,
}

impl Category {
    pub const ALL: [Self; 3] = [Self::Protect, Self::Detect, Self::Respond];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Protect => "protect",
            Self::Detect => "detect",
            Self::Respond => "respond",
        }
    }
}

/// How well, in the source's scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum Score {
    Minimal,
    Partial,
    Significant,
}

impl Score {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Minimal => "minimal",
            Self::Partial => "partial",
            Self::Significant => "significant",
        }
    }

    /// The Navigator layer's 0–100 scale.
    pub fn points(self) -> u32 {
        match self {
            Self::Minimal => 25,
            Self::Partial => 50,
            Self::Significant => 100,
        }
    }
}

/// The tables shipped in the binary.
pub struct Tables {
    pub threats: Vec<ThreatDef>,
    pub controls: Vec<ControlDef>,
    pub attack: AttackTable,
}

impl Tables {
    pub fn parse(threats: &str, controls: &str, attack: &str) -> Result<Self, String> {
        let threats: Vec<ThreatDef> =
            ron::from_str(threats).map_err(|e| format!("threats.ron: {e}"))?;
        let controls: Vec<ControlDef> =
            ron::from_str(controls).map_err(|e| format!("controls.ron: {e}"))?;
        let file: AttackFile = ron::from_str(attack).map_err(|e| format!("attack.ron: {e}"))?;
        let attack = AttackTable {
            version: file.attack_version,
            tactics: file
                .tactics
                .into_iter()
                .map(|(id, short_name, name)| Tactic {
                    id,
                    short_name,
                    name,
                })
                .collect(),
            techniques: file
                .techniques
                .into_iter()
                .map(|(id, name, tactics, platforms)| Technique {
                    id,
                    name,
                    tactics,
                    platforms,
                })
                .collect(),
            controls: file
                .controls
                .into_iter()
                .map(|c| AttackControl {
                    id: c.id,
                    name: c.name,
                    mapping: c.mapping,
                    coverage: c.coverage,
                })
                .collect(),
        };
        Ok(Self {
            threats,
            controls,
            attack,
        })
    }

    pub fn control(&self, id: &str) -> Option<&ControlDef> {
        self.controls.iter().find(|c| c.control == id)
    }

    pub fn technique(&self, id: &str) -> Option<&Technique> {
        self.attack
            .techniques
            .binary_search_by(|t| technique_order(&t.id).cmp(&technique_order(id)))
            .ok()
            .map(|i| &self.attack.techniques[i])
    }

    /// The ATT&CK coverage of a control, empty for controls with no mapping (Bastion).
    pub fn attack_coverage(&self, control: &str) -> &[(String, Category, Score)] {
        self.attack
            .controls
            .iter()
            .find(|c| c.id == control)
            .map_or(&[], |c| c.coverage.as_slice())
    }
}

/// `T1595.002` sorts as (1595, 2), so sub-techniques follow their technique.
pub fn technique_order(id: &str) -> (u32, u32) {
    let digits = id.trim_start_matches('T');
    let (base, sub) = digits.split_once('.').unwrap_or((digits, "0"));
    (base.parse().unwrap_or(u32::MAX), sub.parse().unwrap_or(0))
}

pub fn builtin() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        // Our own data, checked by the tests below: failing here is a bug.
        #[allow(clippy::expect_used)]
        Tables::parse(
            include_str!("../../assets/threats.ron"),
            include_str!("../../assets/controls.ron"),
            include_str!("../../assets/attack.ron"),
        )
        .expect("embedded threat tables are valid")
    })
}
