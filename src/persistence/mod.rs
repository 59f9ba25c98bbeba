//! Design files: RON, versioned, written in a stable order so they diff well in git.
//!
//! The file types here are separate from the model on purpose: the model can change shape while
//! old files still load through [`migrate`].

pub mod files;
mod migrate;
mod spans;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::validate::{self, Problem};
use crate::model::{
    Attestation, Catalog, Connection, ConnectionId, Design, Edit, Metadata, ModelError, Node,
    NodeId, Note, NoteId, Point, Rect, Route, Routing, RuleSetting, Severity, ThreatDecision,
    ThreatStatus, Triage, TriageStatus, Value,
};

/// The format version this build writes. Version 2 added `meta.triage`, version 3
/// `meta.threats`, version 4 connection routing and waypoints, `meta.routing` and `notes`;
/// older files read as they are (they have none of these) and are written as version 4.
pub const FORMAT_VERSION: u32 = 4;

/// Files larger than this are refused before parsing (a generated design of 10,000 components
/// is 6.5 MB, of 100,000 components 66 MB).
pub const MAX_FILE_BYTES: usize = 128 * 1024 * 1024;

/// Why a design could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {}: {source}", crate::model::text::inert(&.path.display().to_string()))]
    Io {
        path: PathBuf,
        source: files::ReadError,
    },
    #[error("the file is larger than {} MiB; designs larger than that are refused", .limit / (1024 * 1024))]
    TooLarge { limit: usize },
    #[error("{line}:{column}: the file is not valid UTF-8 text")]
    NotUtf8 { line: usize, column: usize },
    #[error("the file is empty")]
    Empty,
    #[error("{line}:{column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{line}:{column}: format version {found} is newer than this Palisade understands (up to {FORMAT_VERSION}); update Palisade"
    )]
    TooNew {
        found: u32,
        line: usize,
        column: usize,
    },
    #[error("{}", format_problems(.0))]
    Invalid(Vec<Located>),
}

/// A problem with the place in the file it concerns, when it can be found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub line: Option<usize>,
    pub problem: Problem,
}

fn format_problems(problems: &[Located]) -> String {
    problems
        .iter()
        .map(|p| match p.line {
            Some(line) => format!("{line}: {}", p.problem),
            None => p.problem.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why a design could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("cannot write {}: {source}", crate::model::text::inert(&.path.display().to_string()))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot serialise the design: {0}")]
    Serialise(#[from] ron::Error),
}

// ---- file types (format version 4; version 3 is the same without routing, waypoints and
// notes, versions 1 and 2 also without `meta.triage` and `meta.threats`) ----------------------

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileV1 {
    format_version: u32,
    meta: MetaV1,
    #[serde(default)]
    containers: Vec<NodeV1>,
    #[serde(default)]
    components: Vec<NodeV1>,
    #[serde(default)]
    connections: Vec<ConnectionV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notes: Vec<NoteV4>,
}

/// A text box on the canvas; a callout when it has an `anchor` (a node id).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteV4 {
    id: String,
    text: String,
    /// `(x, y, width, height)` in canvas units.
    rect: (f32, f32, f32, f32),
    #[serde(default, skip_serializing_if = "Option::is_none")]
    anchor: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Default, PartialEq)]
#[serde(rename_all = "snake_case")]
enum RoutingV4 {
    #[default]
    Straight,
    Orthogonal,
}

impl RoutingV4 {
    fn is_straight(&self) -> bool {
        *self == Self::Straight
    }
}

impl From<RoutingV4> for Routing {
    fn from(routing: RoutingV4) -> Self {
        match routing {
            RoutingV4::Straight => Self::Straight,
            RoutingV4::Orthogonal => Self::Orthogonal,
        }
    }
}

impl From<Routing> for RoutingV4 {
    fn from(routing: Routing) -> Self {
        match routing {
            Routing::Straight => Self::Straight,
            Routing::Orthogonal => Self::Orthogonal,
        }
    }
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MetaV1 {
    name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    owner: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    data_classification: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    source: String,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "distinct_keys"
    )]
    attestations: BTreeMap<String, AttestationV1>,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "distinct_keys"
    )]
    rule_settings: BTreeMap<String, RuleSettingV1>,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "distinct_keys"
    )]
    triage: BTreeMap<String, TriageV2>,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "distinct_keys"
    )]
    threats: BTreeMap<String, ThreatDecisionV3>,
    /// How connections without a routing of their own are drawn.
    #[serde(default, skip_serializing_if = "RoutingV4::is_straight")]
    routing: RoutingV4,
}

/// A decision on a threat: `(status: not_applicable, note: "...")`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThreatDecisionV3 {
    status: ThreatStatusV3,
    note: String,
}

#[derive(Serialize, Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum ThreatStatusV3 {
    NeedsInvestigation,
    NotApplicable,
    Mitigated,
}

impl From<ThreatStatusV3> for ThreatStatus {
    fn from(status: ThreatStatusV3) -> Self {
        match status {
            ThreatStatusV3::NeedsInvestigation => Self::NeedsInvestigation,
            ThreatStatusV3::NotApplicable => Self::NotApplicable,
            ThreatStatusV3::Mitigated => Self::Mitigated,
        }
    }
}

impl From<ThreatStatus> for ThreatStatusV3 {
    fn from(status: ThreatStatus) -> Self {
        match status {
            ThreatStatus::NeedsInvestigation => Self::NeedsInvestigation,
            ThreatStatus::NotApplicable => Self::NotApplicable,
            ThreatStatus::Mitigated => Self::Mitigated,
        }
    }
}

/// A decision on a finding: `(status: accepted_risk, justification: "...", by: "...",
/// date: "2026-12-02", expires: Some("2027-03-31"))`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TriageV2 {
    status: TriageStatusV2,
    justification: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    by: String,
    date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum TriageStatusV2 {
    AcceptedRisk,
    MitigatedElsewhere,
    FalsePositive,
}

impl From<TriageStatusV2> for TriageStatus {
    fn from(status: TriageStatusV2) -> Self {
        match status {
            TriageStatusV2::AcceptedRisk => Self::AcceptedRisk,
            TriageStatusV2::MitigatedElsewhere => Self::MitigatedElsewhere,
            TriageStatusV2::FalsePositive => Self::FalsePositive,
        }
    }
}

impl From<TriageStatus> for TriageStatusV2 {
    fn from(status: TriageStatus) -> Self {
        match status {
            TriageStatus::AcceptedRisk => Self::AcceptedRisk,
            TriageStatus::MitigatedElsewhere => Self::MitigatedElsewhere,
            TriageStatus::FalsePositive => Self::FalsePositive,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AttestationV1 {
    confirmed: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    evidence: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSettingV1 {
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    reason: String,
}

fn yes() -> bool {
    true
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeV1 {
    id: String,
    kind: String,
    name: String,
    /// `(x, y, width, height)` in canvas units.
    rect: (f32, f32, f32, f32),
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "distinct_keys"
    )]
    properties: BTreeMap<String, FileValue>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    notes: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectionV1 {
    id: String,
    kind: String,
    from: String,
    to: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    label: String,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "distinct_keys"
    )]
    properties: BTreeMap<String, FileValue>,
    /// The connection's own routing; the design's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    routing: Option<RoutingV4>,
    /// Points the line passes through, `(x, y)` in canvas units.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    waypoints: Vec<(f32, f32)>,
}

/// A map read from a file in which a key given twice is an error, where serde would keep the
/// last one silently.
fn distinct_keys<'de, D, V>(deserializer: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Distinct<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Distinct<V> {
        type Value = BTreeMap<String, V>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a map of `\"name\": value` pairs in braces")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.contains_key(&key) {
                    return Err(serde::de::Error::custom(KEY_GIVEN_TWICE));
                }
                let value = map.next_value()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    deserializer.deserialize_map(Distinct(std::marker::PhantomData))
}

/// Property values are written bare (`true`, `443`, `"Premium"`, `["blob"]`) so files read
/// naturally; the catalog says which type each property has.
#[derive(Serialize, Clone)]
#[serde(untagged)]
enum FileValue {
    Bool(bool),
    Int(i64),
    Text(String),
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for FileValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = FileValue;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a property value: true or false, a whole number, \"text\" or a list of \"text\"",
                )
            }

            fn visit_bool<E>(self, v: bool) -> Result<FileValue, E> {
                Ok(FileValue::Bool(v))
            }

            fn visit_i64<E>(self, v: i64) -> Result<FileValue, E> {
                Ok(FileValue::Int(v))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<FileValue, E> {
                i64::try_from(v)
                    .map(FileValue::Int)
                    .map_err(|_| E::custom(format!("{v} is too large for a number property")))
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<FileValue, E> {
                // RON reads a whole number too large for an integer as a float.
                Err(E::custom(if v.fract() == 0.0 {
                    format!("{v} is too large for a number property")
                } else {
                    format!(
                        "{v} is not a whole number; a property value is true or false, a whole number, \"text\" or a list of \"text\""
                    )
                }))
            }

            fn visit_str<E>(self, v: &str) -> Result<FileValue, E> {
                Ok(FileValue::Text(v.to_owned()))
            }

            fn visit_string<E>(self, v: String) -> Result<FileValue, E> {
                Ok(FileValue::Text(v))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<FileValue, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(FileValue::List(items))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl From<&Value> for FileValue {
    fn from(value: &Value) -> Self {
        match value {
            Value::Bool(b) => Self::Bool(*b),
            Value::Int(i) => Self::Int(*i),
            Value::Text(t) => Self::Text(t.clone()),
            Value::List(l) => Self::List(l.clone()),
        }
    }
}

impl From<FileValue> for Value {
    fn from(value: FileValue) -> Self {
        match value {
            FileValue::Bool(b) => Self::Bool(b),
            FileValue::Int(i) => Self::Int(i),
            FileValue::Text(t) => Self::Text(t),
            FileValue::List(l) => Self::List(l),
        }
    }
}

// ---- loading ------------------------------------------------------------------------------------

/// Only the version, read first so the right file type (or migration) can be picked.
#[derive(Deserialize)]
struct VersionProbe {
    #[serde(default)]
    format_version: Option<u32>,
    #[serde(default)]
    version: Option<u32>,
}

/// Reads a design file from disk: only a regular file, and never more than [`MAX_FILE_BYTES`].
pub fn load_path(path: &Path, catalog: &Catalog) -> Result<Design, LoadError> {
    let bytes = match files::read_limited(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(files::ReadError::TooLarge { limit }) => return Err(LoadError::TooLarge { limit }),
        Err(source) => {
            return Err(LoadError::Io {
                path: path.to_owned(),
                source,
            });
        }
    };
    load_bytes(&bytes, catalog)
}

/// Parses a design from raw bytes: checks size and encoding first.
pub fn load_bytes(bytes: &[u8], catalog: &Catalog) -> Result<Design, LoadError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            limit: MAX_FILE_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(&bytes[..e.valid_up_to()]);
        LoadError::NotUtf8 { line, column }
    })?;
    load_str(text, catalog)
}

fn line_column(prefix: &[u8]) -> (usize, usize) {
    let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = prefix.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

fn syntax(text: &str, error: ron::error::SpannedError) -> LoadError {
    let (line, column) = (error.span.start.line, error.span.start.col);
    if matches!(&error.code, ron::Error::Message(m) if m == KEY_GIVEN_TWICE) {
        // The parser knows a key came twice, not where the first one was: the text does.
        if let Some(duplicate) = spans::duplicate_keys(text).into_iter().next() {
            return LoadError::Syntax {
                line: duplicate.second.line,
                column: duplicate.second.column,
                message: format!(
                    "`{}` is given twice (first at {}:{}); keep one",
                    crate::model::text::short(&duplicate.key),
                    duplicate.first.line,
                    duplicate.first.column
                ),
            };
        }
    }
    LoadError::Syntax {
        line,
        column,
        message: in_user_words(&error.code),
    }
}

/// What the visitor of a map says on a repeated key; [`syntax`] finds both places.
const KEY_GIVEN_TWICE: &str = "a key in this map is given twice; keep one";

/// The parts of a design, for the parser's names of our file types.
const PART_NAMES: [(&str, &str); 17] = [
    (
        "VersionProbe",
        "a design, `(format_version: 4, meta: (...), ...)`",
    ),
    ("FileV1", "the design"),
    ("FileV0", "the design"),
    ("MetaV1", "`meta`"),
    ("NodeV1", "a component or container"),
    ("NodeV0", "a node"),
    ("ConnectionV1", "a connection"),
    ("EdgeV0", "an edge"),
    ("RuleSettingV1", "a rule setting"),
    ("AttestationV1", "an attestation"),
    ("TriageV2", "a triage decision"),
    ("TriageStatusV2", "a triage status"),
    ("ThreatDecisionV3", "a threat decision"),
    ("ThreatStatusV3", "a threat status"),
    ("Severity", "a severity"),
    ("FileValue", "a property value"),
    ("Value", "a value"),
];

fn part_name(name: Option<&str>) -> &'static str {
    PART_NAMES
        .iter()
        .find(|(ours, _)| Some(*ours) == name)
        .map_or("this part", |(_, theirs)| theirs)
}

/// Our type names in a message from the parser or serde, replaced by the parts they read.
fn plain_words(message: &str) -> String {
    let mut message = message.to_owned();
    for (ours, theirs) in PART_NAMES {
        for form in [
            format!("struct `{ours}`"),
            format!("enum `{ours}`"),
            format!("struct {ours}"),
            format!("enum {ours}"),
            format!("`{ours}`"),
        ] {
            message = message.replace(&form, theirs);
        }
    }
    message
}

fn choices(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        None => "none".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// A parser error as a person reads it: the parts of a design, not our types or the parser's.
fn in_user_words(code: &ron::Error) -> String {
    use ron::Error as E;
    match code {
        E::Eof => "the file ends early: a bracket, parenthesis or quote is not closed".to_owned(),
        E::ExpectedBoolean => "expected true or false".to_owned(),
        E::ExpectedInteger => "expected a whole number".to_owned(),
        E::ExpectedFloat => "expected a number such as 170.0".to_owned(),
        E::ExpectedString => "expected text in double quotes, such as \"web\"".to_owned(),
        E::ExpectedStringEnd => "this text has no closing double quote".to_owned(),
        E::ExpectedArray => "expected a list in brackets, `[...]`".to_owned(),
        E::ExpectedArrayEnd => "expected a comma or the `]` that closes the list".to_owned(),
        E::ExpectedMap => "expected a map in braces, `{\"name\": value}`".to_owned(),
        E::ExpectedMapColon => "expected `:` after the key".to_owned(),
        E::ExpectedMapEnd => "expected a comma or the `}` that closes the map".to_owned(),
        E::ExpectedStructLikeEnd => "expected a comma or the `)` that closes this part".to_owned(),
        E::ExpectedComma => "expected a comma".to_owned(),
        E::ExpectedOption => "expected a value or `None`".to_owned(),
        E::ExpectedIdentifier => "expected a field name".to_owned(),
        E::IntegerOutOfBounds => "this number is out of range here".to_owned(),
        E::ExpectedStructLike => "expected values in parentheses, `(...)`".to_owned(),
        E::TrailingCharacters => "unexpected text after the end of the design".to_owned(),
        E::UnexpectedChar(c) => format!("unexpected `{c}`"),
        E::UnclosedBlockComment => "a `/*` comment is not closed".to_owned(),
        E::ExpectedNamedStructLike(name) => {
            format!("expected `(` opening {}", part_name(Some(name)))
        }
        E::InvalidValueForType { expected, found } => {
            format!("expected {}, found {found}", plain_words(expected))
        }
        E::ExpectedDifferentLength { expected, found } => {
            let expected = expected
                .strip_prefix("a tuple of size ")
                .map_or_else(|| plain_words(expected), |n| format!("{n} values"));
            format!("expected {expected}, found {found}")
        }
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => format!(
            "`{}` is not {}; choose {}",
            crate::model::text::short(found),
            part_name(outer.as_deref()),
            choices(expected)
        ),
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => format!(
            "{} has no field `{}`; its fields are {}",
            part_name(outer.as_deref()),
            crate::model::text::short(found),
            choices(expected)
        ),
        E::MissingStructField { field, outer } => {
            format!("{} needs `{field}`", part_name(outer.as_deref()))
        }
        E::DuplicateStructField { field, outer } => format!(
            "`{field}` is given twice in {}; keep one",
            part_name(outer.as_deref())
        ),
        other => plain_words(&other.to_string()),
    }
}

/// How design files are read: an optional value may be written bare (`parent: "vnet"`), as
/// people write it by hand, or as saved (`parent: Some("vnet")`).
fn reader() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

/// Parses and validates a design from text.
pub fn load_str(text: &str, catalog: &Catalog) -> Result<Design, LoadError> {
    if text.trim().is_empty() {
        return Err(LoadError::Empty);
    }
    if text.len() > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            limit: MAX_FILE_BYTES,
        });
    }
    let probe: VersionProbe = reader().from_str(text).map_err(|e| syntax(text, e))?;
    // The version field, for errors about it; the start of the file when there is none.
    let (line, column) = text
        .find("format_version")
        .map_or((1, 1), |at| line_column(&text.as_bytes()[..at]));
    let file = match (probe.format_version, probe.version) {
        (Some(found), _) if found > FORMAT_VERSION => {
            return Err(LoadError::TooNew {
                found,
                line,
                column,
            });
        }
        (Some(1..=FORMAT_VERSION), _) => reader()
            .from_str::<FileV1>(text)
            .map_err(|e| syntax(text, e))?,
        (None, Some(0)) => migrate::from_v0(text, catalog).map_err(|e| syntax(text, e))?,
        (found, _) => {
            return Err(LoadError::Syntax {
                line,
                column,
                message: format!(
                    "missing or unknown format version ({}); a design starts with `format_version: {FORMAT_VERSION}`",
                    found.map_or("none".to_owned(), |v| v.to_string())
                ),
            });
        }
    };
    from_file(file, text, catalog)
}

fn from_file(file: FileV1, text: &str, catalog: &Catalog) -> Result<Design, LoadError> {
    let mut problems: Vec<Problem> = Vec::new();
    // Problems whose place is known already: ids given twice, at the second one.
    let mut located: Vec<Located> = Vec::new();
    let (mut seen_nodes, mut seen_connections) = (BTreeMap::new(), BTreeMap::new());
    // Where each element's id is written, read from the text once, at the first repetition.
    let mut written_ids: Option<Vec<spans::ElementId>> = None;
    let mut design = Design::default();
    design.meta = Metadata {
        name: file.meta.name,
        description: file.meta.description,
        owner: file.meta.owner,
        data_classification: file.meta.data_classification,
        source: file.meta.source,
        attestations: file
            .meta
            .attestations
            .into_iter()
            .map(|(k, a)| {
                (
                    k,
                    Attestation {
                        confirmed: a.confirmed,
                        evidence: a.evidence,
                    },
                )
            })
            .collect(),
        rule_settings: file
            .meta
            .rule_settings
            .into_iter()
            .map(|(k, s)| {
                (
                    k,
                    RuleSetting {
                        enabled: s.enabled,
                        severity: s.severity,
                        reason: s.reason,
                    },
                )
            })
            .collect(),
        triage: file
            .meta
            .triage
            .into_iter()
            .map(|(k, t)| {
                (
                    k,
                    Triage {
                        status: t.status.into(),
                        justification: t.justification,
                        by: t.by,
                        date: t.date,
                        expires: t.expires,
                    },
                )
            })
            .collect(),
        threats: file
            .meta
            .threats
            .into_iter()
            .map(|(k, t)| {
                (
                    k,
                    ThreatDecision {
                        status: t.status.into(),
                        note: t.note,
                    },
                )
            })
            .collect(),
        routing: file.meta.routing.into(),
    };

    let mut parents: Vec<(NodeId, NodeId)> = Vec::new();
    let containers = file.containers.into_iter().map(|n| (true, n));
    let components = file.components.into_iter().map(|n| (false, n));
    for (listed_as_container, dto) in containers.chain(components) {
        let written = dto.id.clone();
        let id = match NodeId::new(dto.id) {
            Ok(id) => id,
            Err(e) => {
                located.push(bad_ids(text, &written, [Some(e)]));
                continue;
            }
        };
        if let Some(kind) = catalog.kind(&dto.kind)
            && kind.container != listed_as_container
        {
            let (is, list) = if kind.container {
                ("a container", "containers")
            } else {
                ("a component", "components")
            };
            problems.push(Problem {
                subject: id.to_string(),
                message: format!("`{}` is {is}: list it under `{list}`", dto.kind),
            });
        }
        if let Some(parent) = dto.parent {
            match NodeId::new(parent) {
                Ok(parent) => parents.push((id.clone(), parent)),
                Err(e) => problems.push(Problem {
                    subject: id.to_string(),
                    message: format!("parent: {e}"),
                }),
            }
        }
        let (x, y, w, h) = dto.rect;
        let node = Node {
            id: id.clone(),
            kind: dto.kind.into(),
            name: dto.name,
            rect: Rect::new(x, y, w, h),
            parent: None,
            properties: dto
                .properties
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            notes: dto.notes,
        };
        match Edit::AddNode(node).apply(&mut design) {
            Err(ModelError::DuplicateNode(_)) => {
                let ids = written_ids.get_or_insert_with(|| spans::element_ids(text));
                located.push(duplicate(ids, &NODE_LISTS, &id, &mut seen_nodes));
            }
            Err(e) => problems.push(Problem {
                subject: id.to_string(),
                message: e.to_string(),
            }),
            Ok(_) => {}
        }
    }
    for (child, parent) in parents {
        if let Err(e) = (Edit::Reparent {
            node: child.clone(),
            parent: Some(parent),
        })
        .apply(&mut design)
        {
            problems.push(Problem {
                subject: child.to_string(),
                message: e.to_string(),
            });
        }
    }
    for dto in file.connections {
        let written = dto.id.clone();
        let ids = (
            ConnectionId::new(dto.id),
            NodeId::new(dto.from),
            NodeId::new(dto.to),
        );
        let (Ok(id), Ok(from), Ok(to)) = ids else {
            located.push(bad_ids(
                text,
                &written,
                [ids.0.err(), ids.1.err(), ids.2.err()],
            ));
            continue;
        };
        let connection = Connection {
            id: id.clone(),
            kind: dto.kind.into(),
            from,
            to,
            label: dto.label,
            properties: dto
                .properties
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            route: Route {
                routing: dto.routing.map(Into::into),
                waypoints: dto
                    .waypoints
                    .into_iter()
                    .map(|(x, y)| Point::new(x, y))
                    .collect(),
            },
        };
        match Edit::Connect(connection).apply(&mut design) {
            Err(ModelError::DuplicateConnection(_)) => {
                let ids = written_ids.get_or_insert_with(|| spans::element_ids(text));
                located.push(duplicate(ids, &["connections"], &id, &mut seen_connections));
            }
            Err(e) => problems.push(Problem {
                subject: id.to_string(),
                message: e.to_string(),
            }),
            Ok(_) => {}
        }
    }
    for dto in file.notes {
        let written = dto.id.clone();
        let ids = (NoteId::new(dto.id), dto.anchor.map(NodeId::new).transpose());
        let (Ok(id), Ok(anchor)) = ids else {
            located.push(bad_ids(text, &written, [ids.0.err(), ids.1.err()]));
            continue;
        };
        let (x, y, w, h) = dto.rect;
        let note = Note {
            id: id.clone(),
            text: dto.text,
            rect: Rect::new(x, y, w, h),
            anchor,
        };
        if let Err(e) = Edit::AddNote(note).apply(&mut design) {
            let message = match e {
                ModelError::NoSuchNode(anchor) => {
                    format!("the note points at `{anchor}`, which is not in the design")
                }
                ModelError::DuplicateNote(_) => {
                    "another note already has this id; notes each need their own".to_owned()
                }
                e => e.to_string(),
            };
            problems.push(Problem {
                subject: id.to_string(),
                message,
            });
        }
    }
    problems.extend(validate::problems(&design, catalog));
    problems.extend(switch_problems(&design));
    if problems.is_empty() && located.is_empty() {
        Ok(design)
    } else {
        problems.sort();
        problems.dedup();
        located.extend(problems.into_iter().map(|problem| Located {
            line: locate(text, &problem.subject),
            problem,
        }));
        // In file order, as a compiler lists them; problems of the design as a whole first.
        located.sort_by(|a, b| (a.line, &a.problem).cmp(&(b.line, &b.problem)));
        Err(LoadError::Invalid(located))
    }
}

/// The ids of one element that are not valid ids, as one problem on the line where the
/// element is written.
fn bad_ids<E: std::fmt::Display>(
    text: &str,
    written: &str,
    errors: impl IntoIterator<Item = Option<E>>,
) -> Located {
    let message = errors
        .into_iter()
        .flatten()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ");
    Located {
        line: locate(text, written),
        problem: Problem {
            subject: String::new(),
            message,
        },
    }
}

/// The top-level lists that hold nodes: containers and components, or format 0's `nodes`.
const NODE_LISTS: [&str; 3] = ["containers", "components", "nodes"];

/// An id given again, placed at this repetition and naming where the id was first given.
/// `seen` counts the repetitions of each id met so far, to tell the second from the third.
fn duplicate(
    written_ids: &[spans::ElementId],
    lists: &[&str],
    id: &impl std::fmt::Display,
    seen: &mut BTreeMap<String, usize>,
) -> Located {
    let id = id.to_string();
    let repetition = seen.entry(id.clone()).or_insert(0);
    *repetition += 1;
    let places: Vec<spans::Pos> = written_ids
        .iter()
        .filter(|e| e.id == id && lists.contains(&e.list.as_str()))
        .map(|e| e.at)
        .collect();
    let (what, plural) = if lists.contains(&"connections") {
        ("a connection", "connections")
    } else {
        ("a component or container", "components and containers")
    };
    let message = match places.first() {
        Some(first) => format!(
            "{what} on line {} already has this id; {plural} each need their own",
            first.line
        ),
        None => format!("{what} already has this id; {plural} each need their own"),
    };
    Located {
        line: places.get(*repetition).map(|p| p.line),
        problem: Problem {
            subject: crate::model::text::short(&id).into_owned(),
            message,
        },
    }
}

/// Rule settings and attestations that name nothing, and rules switched off or re-graded
/// without a reason: no switch in a design file is silent.
fn switch_problems(design: &Design) -> Vec<Problem> {
    let mut out = Vec::new();
    for (rule, setting) in &design.meta.rule_settings {
        let problem = |message: &str| Problem {
            subject: crate::model::text::short(rule).into_owned(),
            message: message.to_owned(),
        };
        if crate::rules::registry::find(rule).is_none() {
            out.push(problem("no rule has this id (`palisade rules` lists them)"));
        }
        if (!setting.enabled || setting.severity.is_some()) && setting.reason.trim().is_empty() {
            out.push(problem(
                "a rule switched off or given another severity needs a reason",
            ));
        }
    }
    for item in design.meta.attestations.keys() {
        if !crate::rules::ATTESTATIONS
            .iter()
            .any(|(key, _)| key == item)
        {
            let known: Vec<&str> = crate::rules::ATTESTATIONS.iter().map(|(k, _)| *k).collect();
            out.push(Problem {
                subject: crate::model::text::short(item).into_owned(),
                message: format!("no attestation has this key (known: {})", known.join(", ")),
            });
        }
    }
    out
}

/// The line where an element with this id is declared (or a map key such as a rule id or a
/// fingerprint is given), so errors point into the file.
fn locate(text: &str, id: &str) -> Option<usize> {
    if id.is_empty() {
        return None;
    }
    let declared = format!("id: \"{id}\"");
    let key = format!("\"{id}\":");
    text.lines()
        .position(|line| line.contains(&declared))
        .or_else(|| text.lines().position(|line| line.contains(&key)))
        .map(|i| i + 1)
}

// ---- saving -------------------------------------------------------------------------------------

/// The design as file text: same design, same bytes.
pub fn to_string(design: &Design, catalog: &Catalog) -> Result<String, SaveError> {
    let node = |n: &Node| NodeV1 {
        id: n.id.to_string(),
        kind: n.kind.to_string(),
        name: n.name.clone(),
        rect: (n.rect.x, n.rect.y, n.rect.w, n.rect.h),
        parent: n.parent.as_ref().map(ToString::to_string),
        properties: n
            .properties
            .iter()
            .map(|(k, v)| (k.to_string(), v.into()))
            .collect(),
        notes: n.notes.clone(),
    };
    let is_container = |n: &&Node| catalog.kind(&n.kind).is_some_and(|k| k.container);
    let meta = &design.meta;
    let file = FileV1 {
        format_version: FORMAT_VERSION,
        meta: MetaV1 {
            name: meta.name.clone(),
            description: meta.description.clone(),
            owner: meta.owner.clone(),
            data_classification: meta.data_classification.clone(),
            source: meta.source.clone(),
            attestations: meta
                .attestations
                .iter()
                .map(|(k, a)| {
                    (
                        k.clone(),
                        AttestationV1 {
                            confirmed: a.confirmed,
                            evidence: a.evidence.clone(),
                        },
                    )
                })
                .collect(),
            rule_settings: meta
                .rule_settings
                .iter()
                .map(|(k, s)| {
                    (
                        k.clone(),
                        RuleSettingV1 {
                            enabled: s.enabled,
                            severity: s.severity,
                            reason: s.reason.clone(),
                        },
                    )
                })
                .collect(),
            triage: meta
                .triage
                .iter()
                .map(|(k, t)| {
                    (
                        k.clone(),
                        TriageV2 {
                            status: t.status.into(),
                            justification: t.justification.clone(),
                            by: t.by.clone(),
                            date: t.date.clone(),
                            expires: t.expires.clone(),
                        },
                    )
                })
                .collect(),
            threats: meta
                .threats
                .iter()
                .map(|(k, t)| {
                    (
                        k.clone(),
                        ThreatDecisionV3 {
                            status: t.status.into(),
                            note: t.note.clone(),
                        },
                    )
                })
                .collect(),
            routing: meta.routing.into(),
        },
        containers: design.nodes().filter(is_container).map(node).collect(),
        components: design
            .nodes()
            .filter(|n| !is_container(n))
            .map(node)
            .collect(),
        connections: design
            .connections()
            .map(|c| ConnectionV1 {
                id: c.id.to_string(),
                kind: c.kind.to_string(),
                from: c.from.to_string(),
                to: c.to.to_string(),
                label: c.label.clone(),
                properties: c
                    .properties
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.into()))
                    .collect(),
                routing: c.route.routing.map(Into::into),
                waypoints: c.route.waypoints.iter().map(|p| (p.x, p.y)).collect(),
            })
            .collect(),
        notes: design
            .notes()
            .map(|n| NoteV4 {
                id: n.id.to_string(),
                text: n.text.clone(),
                rect: (n.rect.x, n.rect.y, n.rect.w, n.rect.h),
                anchor: n.anchor.as_ref().map(ToString::to_string),
            })
            .collect(),
    };
    let config = ron::ser::PrettyConfig::new()
        .indentor("    ")
        .struct_names(false)
        .compact_arrays(false);
    let mut text = String::from(
        "// Palisade design file. Edit by hand if you like: `palisade validate` checks it.\n",
    );
    text.push_str(&ron::ser::to_string_pretty(&file, config)?);
    text.push('\n');
    Ok(text)
}

/// Saves atomically (see [`files::write_with`]): a crash mid-save leaves the previous file
/// intact, and the saved file keeps the permissions and owner of the one it replaces.
pub fn save_path(design: &Design, catalog: &Catalog, path: &Path) -> Result<(), SaveError> {
    let text = to_string(design, catalog)?;
    write_atomically(path, text.as_bytes())
}

/// Writes bytes to `path` through [`files::write_with`].
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    files::write_with(path, |w| w.write_all(bytes)).map_err(|source| SaveError::Io {
        path: path.to_owned(),
        source,
    })
}
