//! Values as the template evaluator sees them: JSON, plus values it cannot know.

use std::collections::BTreeMap;

/// A value the importer could not work out, with why (shown in the import report) and a
/// placeholder text that stands for it where a name is needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    pub reason: String,
    pub placeholder: String,
}

/// A JSON value or an unknown one. Object keys keep their spelling; lookups ignore case, as
/// Azure Resource Manager does.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    /// Text, and numbers with a fraction (kept as their text: no property the catalog maps
    /// is fractional).
    Str(String),
    Array(Vec<Val>),
    Object(BTreeMap<String, Val>),
    Unknown(Box<Unknown>),
}

impl Val {
    pub fn unknown(reason: impl Into<String>, placeholder: impl Into<String>) -> Self {
        Self::Unknown(Box::new(Unknown {
            reason: reason.into(),
            placeholder: placeholder.into(),
        }))
    }

    /// The value of plain JSON (expressions in it are not evaluated).
    pub fn from_json(json: &serde_json::Value) -> Self {
        match json {
            serde_json::Value::Null => Self::Null,
            serde_json::Value::Bool(b) => Self::Bool(*b),
            serde_json::Value::Number(n) => n
                .as_i64()
                .map_or_else(|| Self::Str(n.to_string()), Self::Int),
            serde_json::Value::String(s) => Self::Str(s.clone()),
            serde_json::Value::Array(items) => {
                Self::Array(items.iter().map(Self::from_json).collect())
            }
            serde_json::Value::Object(map) => Self::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Self::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// A member of an object, by name in any case.
    pub fn get(&self, key: &str) -> Option<&Val> {
        let Self::Object(map) = self else {
            return None;
        };
        map.get(key).or_else(|| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })
    }

    pub fn as_unknown(&self) -> Option<&Unknown> {
        match self {
            Self::Unknown(u) => Some(u),
            _ => None,
        }
    }

    /// The text of a string, number or boolean as `string()` writes it; the placeholder of an
    /// unknown value.
    pub fn to_text(&self) -> String {
        match self {
            Self::Null => String::new(),
            Self::Bool(b) => b.to_string(),
            Self::Int(i) => i.to_string(),
            Self::Str(s) => s.clone(),
            Self::Unknown(u) => u.placeholder.clone(),
            Self::Array(_) | Self::Object(_) => self.to_json_text(),
        }
    }

    /// Compact JSON text (unknown values as their placeholder).
    pub fn to_json_text(&self) -> String {
        serde_json::to_string(&self.to_json()).unwrap_or_default()
    }

    fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Null => serde_json::Value::Null,
            Self::Bool(b) => serde_json::Value::Bool(*b),
            Self::Int(i) => serde_json::Value::from(*i),
            Self::Str(s) => serde_json::Value::String(s.clone()),
            Self::Unknown(u) => serde_json::Value::String(u.placeholder.clone()),
            Self::Array(items) => {
                serde_json::Value::Array(items.iter().map(Self::to_json).collect())
            }
            Self::Object(map) => serde_json::Value::Object(
                map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect(),
            ),
        }
    }

    /// The first unknown value inside this one, depth first.
    pub fn first_unknown(&self) -> Option<&Unknown> {
        match self {
            Self::Unknown(u) => Some(u),
            Self::Array(items) => items.iter().find_map(Self::first_unknown),
            Self::Object(map) => map.values().find_map(Self::first_unknown),
            _ => None,
        }
    }
}
