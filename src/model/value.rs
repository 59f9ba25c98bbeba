//! Typed property values and their types, shared by the catalog and the design.

use serde::{Deserialize, Serialize};

/// A property value as stored on a component or connection.
///
/// Enum choices are stored as `Text`; the catalog's [`PropertyType`] says which text is allowed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Text(String),
    List(Vec<String>),
}

impl Value {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Self::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[String]> {
        match self {
            Self::List(l) => Some(l),
            _ => None,
        }
    }

    /// Short human text, used in the inspector, reports and messages.
    pub fn display(&self) -> String {
        match self {
            Self::Bool(true) => "on".to_owned(),
            Self::Bool(false) => "off".to_owned(),
            Self::Int(i) => i.to_string(),
            Self::Text(t) => t.clone(),
            Self::List(l) if l.is_empty() => "(none)".to_owned(),
            Self::List(l) => l.join(", "),
        }
    }
}

/// The type of a property, with the constraints a value must meet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PropertyType {
    Bool,
    /// One of a fixed list of choices.
    Enum(Vec<String>),
    /// A whole number within an inclusive range.
    Int {
        min: i64,
        max: i64,
    },
    Text,
    /// A list of free-text entries (for example service endpoints or data connectors).
    List,
}

impl PropertyType {
    /// Checks `value` against this type; the error reads after the property's name: "must be a
    /// number from 0 to 65535, not 70000".
    pub fn check(&self, value: &Value) -> Result<(), String> {
        match (self, value) {
            (Self::Bool, Value::Bool(_))
            | (Self::Text, Value::Text(_))
            | (Self::List, Value::List(_)) => Ok(()),
            (Self::Enum(choices), Value::Text(t)) => {
                if choices.iter().any(|c| c == t) {
                    Ok(())
                } else {
                    Err(format!(
                        "must be one of {}, not `{}`",
                        choices.join(", "),
                        super::text::short(t)
                    ))
                }
            }
            (Self::Int { min, max }, Value::Int(i)) => {
                if (*min..=*max).contains(i) {
                    Ok(())
                } else {
                    Err(format!("must be {}, not {i}", self.describe()))
                }
            }
            (ty, value) => Err(format!(
                "must be {}, not {}",
                ty.describe(),
                describe_value(value)
            )),
        }
    }

    /// The type in words, for error messages and `palisade kinds`.
    pub fn describe(&self) -> String {
        match self {
            Self::Bool => "true or false".to_owned(),
            Self::Enum(choices) => format!("one of {}", choices.join(" | ")),
            Self::Int { min, max } => format!("a number from {min} to {max}"),
            Self::Text => "text".to_owned(),
            Self::List => "a list of text".to_owned(),
        }
    }
}

fn describe_value(value: &Value) -> &'static str {
    match value {
        Value::Bool(_) => "true or false",
        Value::Int(_) => "a number",
        Value::Text(_) => "text",
        Value::List(_) => "a list",
    }
}
