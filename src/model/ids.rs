//! Stable identifiers. They are written to design files and survive reloads, unlike petgraph
//! indices, which are internal to one session.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Longest id we accept, to keep files and fingerprints readable.
pub const MAX_ID_LEN: usize = 64;

/// What every kind of shared text reads as: a `str` in maps and messages, a string in files.
macro_rules! text_impls {
    ($name:ident) => {
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(|text| Self(text.into()))
            }
        }
    };
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Shared text: ids are copied into findings, edits and indexes far more often than they
        /// are made, and a copy only counts a reference.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl $name {
            /// Checks the id's shape: 1..=64 of `a-z 0-9 _ -`, starting with a letter or digit.
            pub fn new(id: impl Into<String>) -> Result<Self, InvalidId> {
                let id = id.into();
                if is_valid_id(&id) { Ok(Self(id.into())) } else { Err(InvalidId(id)) }
            }

            /// An id derived from `stem` that `taken` does not reject.
            pub fn fresh(stem: &str, taken: impl Fn(&str) -> bool) -> Self {
                Self(fresh_id(stem, taken).into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        text_impls!($name);
    };
}

string_id!(
    /// Identifies a component or container within a design.
    NodeId
);
impl NodeId {
    /// Where the text lives. Copies of an id share it, so within one design (whose mutators
    /// hand parents and connection ends the node's own copy) equal addresses mean one node.
    pub(crate) fn address(&self) -> usize {
        Arc::as_ptr(&self.0).cast::<u8>() as usize
    }
}

string_id!(
    /// Identifies a connection within a design.
    ConnectionId
);

string_id!(
    /// Identifies a note on the canvas.
    NoteId
);

macro_rules! shared_name {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The design's shared copy of the text.
            pub(crate) fn shared(text: Arc<str>) -> Self {
                Self(text)
            }
        }

        text_impls!($name);

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(Arc::from(text))
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                Self(Arc::from(text))
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                &*self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                &*self.0 == *other
            }
        }
    };
}

shared_name!(
    /// The catalog kind a node or connection is of, by id. Shared text like ids: a design hands
    /// every node or connection of one kind the same copy, so comparing kinds reads memory that
    /// is already in cache instead of one string per element.
    KindName
);
shared_name!(
    /// A property's id as a node or connection sets it. Shared like kind names, so looking a
    /// property up compares against text already in cache.
    PropertyName
);

/// An id that does not have the allowed shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{}` is not a valid id (use 1 to 64 of a-z, 0-9, `_` and `-`)", super::text::short(.0))]
pub struct InvalidId(pub String);

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        && id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
}

/// Makes an id from free text (a kind or a name) that is not yet taken.
fn fresh_id(stem: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut base: String = stem
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    base = base
        .trim_matches('-')
        .chars()
        .take(MAX_ID_LEN - 8)
        .collect();
    if base.is_empty() {
        base.push('n');
    }
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_kebab_and_snake_case_only() {
        assert!(NodeId::new("web-app_1").is_ok());
        assert!(NodeId::new("").is_err());
        assert!(NodeId::new("Web").is_err());
        assert!(NodeId::new("-web").is_err());
        assert!(NodeId::new("a b").is_err());
        assert!(NodeId::new("x".repeat(65)).is_err());
    }

    #[test]
    fn fresh_ids_skip_taken_ones() {
        let id = fresh_id("Key Vault", |c| c == "key-vault-1");
        assert_eq!(id, "key-vault-2");
        assert!(NodeId::new(id).is_ok());
        assert_eq!(fresh_id("!!!", |_| false), "n-1");
    }
}
