//! Template expressions (`"[concat('a', parameters('b'))]"`): a parser and an evaluator for the
//! functions real templates use. Anything else evaluates to an unknown value that says why;
//! only limits (nesting, cycles) are errors.

use std::collections::BTreeMap;

use super::value::{Unknown, Val};

/// Deeper expressions than this are refused: real templates nest a dozen levels at most.
pub const MAX_EXPRESSION_DEPTH: usize = 64;

/// The mock subscription every imported design is deployed to.
pub const SUBSCRIPTION_ID: &str = "00000000-0000-0000-0000-000000000000";
/// The mock resource group every imported design is deployed to.
pub const RESOURCE_GROUP: &str = "imported-rg";
pub const LOCATION: &str = "westeurope";
pub const TENANT_ID: &str = "00000000-0000-0000-0000-000000000001";

/// An expression the template cannot be imported with.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EvalError(pub String);

/// What expressions read from their surroundings: the template's parameters and variables, the
/// copy loops they are in, and the other resources.
pub trait Env {
    fn parameter(&self, name: &str) -> Result<Val, EvalError>;
    fn variable(&self, name: &str) -> Result<Val, EvalError>;
    /// The index of the named copy loop, or of the innermost one when `name` is `None`.
    fn copy_index(&self, name: Option<&str>) -> Option<i64>;
    /// `reference(target)`: what the template declares for that resource.
    fn reference(&self, target: &str) -> Result<Val, EvalError>;
    /// Notes that the expression being evaluated refers to a resource (by id or name).
    fn mention(&self, target: &str);
}

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Str(String),
    Int(i64),
    Call(String, Vec<Expr>),
    Member(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
}

/// Whether a JSON string is an expression, and its body if so. `[[` escapes a literal `[`.
pub fn expression_body(text: &str) -> Option<&str> {
    let body = text.strip_prefix('[')?.strip_suffix(']')?;
    if body.starts_with('[') {
        None
    } else {
        Some(body)
    }
}

/// The value of a JSON string: a literal (with a leading `[[` unescaped) or an expression.
pub fn eval_string(text: &str, env: &dyn Env) -> Result<Val, EvalError> {
    match expression_body(text) {
        Some(body) => {
            let expr = Parser::new(body).parse()?;
            eval(&expr, env, 0)
        }
        None if text.starts_with("[[") => Ok(Val::Str(text[1..].to_owned())),
        None => Ok(Val::Str(text.to_owned())),
    }
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            depth: 0,
        }
    }

    fn error(&self, what: &str) -> EvalError {
        EvalError(format!(
            "expression `[{}]`: {what} at character {}",
            shorten(self.text),
            self.pos + 1
        ))
    }

    fn parse(mut self) -> Result<Expr, EvalError> {
        let expr = self.expr()?;
        self.skip_space();
        if self.pos < self.text.len() {
            return Err(self.error("unexpected text"));
        }
        Ok(expr)
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> Result<Expr, EvalError> {
        self.depth += 1;
        if self.depth > MAX_EXPRESSION_DEPTH {
            return Err(self.error(&format!("nested more than {MAX_EXPRESSION_DEPTH} levels")));
        }
        let mut expr = self.primary()?;
        loop {
            if self.eat(b'.') {
                // `?.` (safe dereference) reads like `.` here: a missing member is unknown anyway.
                self.eat(b'?');
                expr = Expr::Member(Box::new(expr), self.identifier()?);
            } else if self.eat(b'[') {
                let index = self.expr()?;
                if !self.eat(b']') {
                    return Err(self.error("expected `]`"));
                }
                expr = Expr::Index(Box::new(expr), Box::new(index));
            } else {
                break;
            }
        }
        self.depth -= 1;
        Ok(expr)
    }

    fn identifier(&mut self) -> Result<String, EvalError> {
        self.skip_space();
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
        {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.error("expected a name"));
        }
        Ok(self.text[start..self.pos].to_owned())
    }

    fn primary(&mut self) -> Result<Expr, EvalError> {
        self.skip_space();
        match self.peek() {
            Some(b'\'') => {
                self.pos += 1;
                let mut text = String::new();
                loop {
                    let rest = &self.text[self.pos..];
                    let Some(quote) = rest.find('\'') else {
                        return Err(self.error("a string is never closed"));
                    };
                    text.push_str(&rest[..quote]);
                    self.pos += quote + 1;
                    if self.peek() == Some(b'\'') {
                        text.push('\'');
                        self.pos += 1;
                    } else {
                        return Ok(Expr::Str(text));
                    }
                }
            }
            Some(b) if b.is_ascii_digit() || b == b'-' => {
                let start = self.pos;
                self.pos += 1;
                while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    self.pos += 1;
                }
                self.text[start..self.pos]
                    .parse()
                    .map(Expr::Int)
                    .map_err(|_| self.error("not a whole number"))
            }
            _ => {
                let name = self.identifier()?;
                if !self.eat(b'(') {
                    return Err(self.error(&format!("expected `(` after `{name}`")));
                }
                let mut args = Vec::new();
                if !self.eat(b')') {
                    loop {
                        args.push(self.expr()?);
                        if self.eat(b')') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.error("expected `,` or `)`"));
                        }
                    }
                }
                Ok(Expr::Call(name, args))
            }
        }
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text.to_owned()
    }
}

fn eval(expr: &Expr, env: &dyn Env, depth: usize) -> Result<Val, EvalError> {
    if depth > MAX_EXPRESSION_DEPTH {
        return Err(EvalError(format!(
            "an expression is nested more than {MAX_EXPRESSION_DEPTH} levels"
        )));
    }
    match expr {
        Expr::Str(s) => Ok(Val::Str(s.clone())),
        Expr::Int(i) => Ok(Val::Int(*i)),
        Expr::Member(target, name) => {
            let target = eval(target, env, depth + 1)?;
            Ok(member(&target, name))
        }
        Expr::Index(target, index) => {
            let target = eval(target, env, depth + 1)?;
            let index = eval(index, env, depth + 1)?;
            Ok(match (&target, &index) {
                (Val::Unknown(_), _) => target,
                (_, Val::Unknown(_)) => index,
                (Val::Array(items), Val::Int(i)) => usize::try_from(*i)
                    .ok()
                    .and_then(|i| items.get(i).cloned())
                    .unwrap_or_else(|| {
                        Val::unknown(format!("index {i} is outside the array"), format!("[{i}]"))
                    }),
                (Val::Object(_), Val::Str(key)) => member(&target, key),
                _ => Val::unknown("an index that does not fit its value", "[?]"),
            })
        }
        Expr::Call(name, args) => call(name, args, env, depth + 1),
    }
}

fn member(target: &Val, name: &str) -> Val {
    match target {
        Val::Unknown(u) => Val::Unknown(Box::new(Unknown {
            reason: u.reason.clone(),
            placeholder: format!("{}.{name}", u.placeholder),
        })),
        Val::Object(_) => target.get(name).cloned().unwrap_or_else(|| {
            Val::unknown(
                format!("`{name}` is not in the template (a value known only after deployment)"),
                format!("{{{name}}}"),
            )
        }),
        _ => Val::unknown(
            format!("`.{name}` of a value that has no members"),
            format!("{{{name}}}"),
        ),
    }
}

/// The first unknown value among `values`, which the result of a function then is.
fn any_unknown(values: &[Val], placeholder: impl FnOnce() -> String) -> Option<Val> {
    let unknown = values.iter().find_map(Val::as_unknown)?;
    Some(Val::Unknown(Box::new(Unknown {
        reason: unknown.reason.clone(),
        placeholder: placeholder(),
    })))
}

fn text_arg(values: &[Val], index: usize) -> String {
    values.get(index).map(Val::to_text).unwrap_or_default()
}

fn mock_subscription() -> Val {
    object([
        ("id", Val::Str(format!("/subscriptions/{SUBSCRIPTION_ID}"))),
        ("subscriptionId", Val::Str(SUBSCRIPTION_ID.to_owned())),
        ("tenantId", Val::Str(TENANT_ID.to_owned())),
        ("displayName", Val::Str("Imported subscription".to_owned())),
    ])
}

fn mock_resource_group() -> Val {
    object([
        (
            "id",
            Val::Str(format!(
                "/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}"
            )),
        ),
        ("name", Val::Str(RESOURCE_GROUP.to_owned())),
        ("location", Val::Str(LOCATION.to_owned())),
        (
            "type",
            Val::Str("Microsoft.Resources/resourceGroups".to_owned()),
        ),
        ("tags", Val::Object(BTreeMap::new())),
    ])
}

fn mock_environment() -> Val {
    let suffixes = object([
        ("storage", Val::Str("core.windows.net".to_owned())),
        (
            "sqlServerHostname",
            Val::Str(".database.windows.net".to_owned()),
        ),
        ("keyvaultDns", Val::Str(".vault.azure.net".to_owned())),
        ("acrLoginServer", Val::Str(".azurecr.io".to_owned())),
        (
            "azureFrontDoorEndpointSuffix",
            Val::Str("azurefd.net".to_owned()),
        ),
    ]);
    object([
        ("name", Val::Str("AzureCloud".to_owned())),
        (
            "resourceManager",
            Val::Str("https://management.azure.com/".to_owned()),
        ),
        (
            "authentication",
            object([(
                "loginEndpoint",
                Val::Str("https://login.microsoftonline.com/".to_owned()),
            )]),
        ),
        ("suffixes", suffixes),
    ])
}

fn object<const N: usize>(entries: [(&str, Val); N]) -> Val {
    Val::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// `resourceId`-style ids: `/subscriptions/../resourceGroups/../providers/NS/t1/n1/t2/n2`.
fn provider_path(resource_type: &str, names: &[String]) -> String {
    let mut segments = resource_type.split('/');
    let namespace = segments.next().unwrap_or_default();
    let mut path = format!("providers/{namespace}");
    let mut names = names.iter();
    for segment in segments {
        path.push('/');
        path.push_str(segment);
        if let Some(name) = names.next() {
            path.push('/');
            path.push_str(name);
        }
    }
    path
}

/// Splits `resourceId` arguments into the scope given before the type, the type, and the names.
fn split_id_args(args: &[Val]) -> (Vec<String>, String, Vec<String>) {
    let texts: Vec<String> = args.iter().map(Val::to_text).collect();
    let type_at = texts
        .iter()
        .position(|t| t.contains('/') && t.contains('.') && !t.starts_with('/'))
        .unwrap_or(0);
    let names = texts[type_at.min(texts.len())..]
        .iter()
        .skip(1)
        .flat_map(|n| n.split('/').filter(|s| !s.is_empty()).map(str::to_owned))
        .collect();
    let scope = texts[..type_at].to_vec();
    let resource_type = texts.get(type_at).cloned().unwrap_or_default();
    (scope, resource_type.trim_end_matches('/').to_owned(), names)
}

/// A deterministic stand-in for Azure's hash: 13 lowercase base-32 characters, like
/// `uniqueString`, so names stay stable across imports (Azure's own values differ).
pub fn unique_string(parts: &[String]) -> String {
    let hash = fnv1a(parts.join("|").as_bytes());
    let alphabet = b"abcdefghijklmnopqrstuvwxyz234567";
    (0..13)
        .map(|i| char::from(alphabet[((hash >> (i * 5)) & 31) as usize]))
        .collect()
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn guid(parts: &[String]) -> String {
    let joined = parts.join("|");
    let high = fnv1a(joined.as_bytes());
    let low = fnv1a(format!("{joined}#").as_bytes());
    let hex = format!("{high:016x}{low:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn truthy(value: &Val) -> Option<bool> {
    match value {
        Val::Bool(b) => Some(*b),
        Val::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Val::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn equal(a: &Val, b: &Val) -> bool {
    a == b
}

fn length(value: &Val) -> Option<i64> {
    let n = match value {
        Val::Str(s) => s.chars().count(),
        Val::Array(items) => items.len(),
        Val::Object(map) => map.len(),
        _ => return None,
    };
    i64::try_from(n).ok()
}

#[allow(clippy::too_many_lines)] // One arm per function reads best as one table.
fn call(name: &str, args: &[Expr], env: &dyn Env, depth: usize) -> Result<Val, EvalError> {
    let lower = name.to_ascii_lowercase();
    // `if` evaluates only the branch it takes, as Azure does: the other may not be valid.
    if lower == "if" {
        let [condition, then, otherwise] = args else {
            return Ok(Val::unknown("`if` needs three arguments", "if(?)"));
        };
        let condition = eval(condition, env, depth)?;
        return match truthy(&condition) {
            Some(true) => eval(then, env, depth),
            Some(false) => eval(otherwise, env, depth),
            None => Ok(
                any_unknown(std::slice::from_ref(&condition), || "if(?)".to_owned())
                    .unwrap_or_else(|| {
                        Val::unknown("`if` on a value that is not a boolean", "if(?)")
                    }),
            ),
        };
    }
    let values = args
        .iter()
        .map(|a| eval(a, env, depth))
        .collect::<Result<Vec<Val>, EvalError>>()?;
    let unknown_or = |placeholder: &str| {
        any_unknown(&values, || {
            format!(
                "{placeholder}({})",
                values
                    .iter()
                    .map(Val::to_text)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    };
    Ok(match lower.as_str() {
        "parameters" => match values.first() {
            Some(Val::Str(n)) => env.parameter(n)?,
            _ => Val::unknown("`parameters` with a computed name", "{parameter}"),
        },
        "variables" => match values.first() {
            Some(Val::Str(n)) => env.variable(n)?,
            _ => Val::unknown("`variables` with a computed name", "{variable}"),
        },
        "concat" => {
            if values.iter().all(|v| matches!(v, Val::Array(_))) && !values.is_empty() {
                Val::Array(
                    values
                        .into_iter()
                        .flat_map(|v| match v {
                            Val::Array(items) => items,
                            _ => Vec::new(),
                        })
                        .collect(),
                )
            } else if let Some(u) =
                any_unknown(&values, || values.iter().map(Val::to_text).collect())
            {
                u
            } else {
                Val::Str(values.iter().map(Val::to_text).collect())
            }
        }
        "format" => {
            let format_text = text_arg(&values, 0);
            let rest: Vec<String> = values.iter().skip(1).map(Val::to_text).collect();
            let formatted = format_braces(&format_text, &rest);
            any_unknown(&values, || formatted.clone()).unwrap_or(Val::Str(formatted))
        }
        // Ids stay text even when a name is unknown: its placeholder names the resource the
        // same way everywhere in the template, so references still find it.
        "resourceid" | "subscriptionresourceid" | "tenantresourceid" => {
            let (scope, resource_type, names) = split_id_args(&values);
            let path = provider_path(&resource_type, &names);
            let id = match (lower.as_str(), scope.as_slice()) {
                ("tenantresourceid", _) => format!("/{path}"),
                ("subscriptionresourceid", [sub, ..]) => format!("/subscriptions/{sub}/{path}"),
                ("subscriptionresourceid", []) => {
                    format!("/subscriptions/{SUBSCRIPTION_ID}/{path}")
                }
                (_, [sub, rg]) => format!("/subscriptions/{sub}/resourceGroups/{rg}/{path}"),
                (_, [rg]) => format!("/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{rg}/{path}"),
                _ => format!(
                    "/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}/{path}"
                ),
            };
            Val::Str(id)
        }
        "extensionresourceid" => {
            let scope = text_arg(&values, 0);
            let (_, resource_type, names) = split_id_args(&values[1.min(values.len())..]);
            let id = format!(
                "{}/{}",
                scope.trim_end_matches('/'),
                provider_path(&resource_type, &names)
            );
            Val::Str(id)
        }
        "reference" => match values.first() {
            Some(Val::Str(target)) => {
                env.mention(target);
                let declared = env.reference(target)?;
                let full = values
                    .get(2)
                    .is_some_and(|v| v.to_text().eq_ignore_ascii_case("full"));
                if full {
                    object([("properties", declared)])
                } else {
                    declared
                }
            }
            Some(other) => other.clone(),
            None => Val::unknown("`reference` without a target", "reference()"),
        },
        "equals" => unknown_or("equals")
            .unwrap_or_else(|| Val::Bool(values.len() == 2 && equal(&values[0], &values[1]))),
        "not" => match values.first().and_then(truthy) {
            Some(b) => Val::Bool(!b),
            None => unknown_or("not").unwrap_or_else(|| {
                Val::unknown("`not` of a value that is not a boolean", "not(?)")
            }),
        },
        "and" | "or" => {
            let known: Vec<Option<bool>> = values.iter().map(truthy).collect();
            let decisive = lower == "or";
            if known.contains(&Some(decisive)) {
                Val::Bool(decisive)
            } else if known.iter().all(Option::is_some) {
                Val::Bool(!decisive)
            } else {
                unknown_or(&lower).unwrap_or_else(|| {
                    Val::unknown(format!("`{lower}` of values that are not booleans"), "?")
                })
            }
        }
        "true" => Val::Bool(true),
        "false" => Val::Bool(false),
        "null" => Val::Null,
        "empty" => unknown_or("empty").unwrap_or_else(|| {
            Val::Bool(match values.first() {
                None | Some(Val::Null) => true,
                Some(v) => length(v) == Some(0),
            })
        }),
        "contains" => unknown_or("contains").unwrap_or_else(|| {
            let needle = values.get(1).cloned().unwrap_or(Val::Null);
            Val::Bool(match values.first() {
                Some(Val::Str(s)) => s
                    .to_ascii_lowercase()
                    .contains(&needle.to_text().to_ascii_lowercase()),
                Some(Val::Array(items)) => items.iter().any(|i| equal(i, &needle)),
                Some(obj @ Val::Object(_)) => obj.get(&needle.to_text()).is_some(),
                _ => false,
            })
        }),
        "length" => unknown_or("length").unwrap_or_else(|| {
            values.first().and_then(length).map_or_else(
                || Val::unknown("`length` of a value without one", "length(?)"),
                Val::Int,
            )
        }),
        "tolower" => {
            unknown_or("toLower").unwrap_or_else(|| Val::Str(text_arg(&values, 0).to_lowercase()))
        }
        "toupper" => {
            unknown_or("toUpper").unwrap_or_else(|| Val::Str(text_arg(&values, 0).to_uppercase()))
        }
        "trim" => {
            unknown_or("trim").unwrap_or_else(|| Val::Str(text_arg(&values, 0).trim().to_owned()))
        }
        "string" => match values.first() {
            Some(Val::Unknown(u)) => Val::Unknown(u.clone()),
            Some(v) => Val::Str(v.to_text()),
            None => Val::Str(String::new()),
        },
        "int" => unknown_or("int").unwrap_or_else(|| match values.first() {
            Some(Val::Int(i)) => Val::Int(*i),
            Some(v) => v.to_text().trim().parse().map_or_else(
                |_| Val::unknown("`int` of text that is not a number", "int(?)"),
                Val::Int,
            ),
            None => Val::unknown("`int` without an argument", "int()"),
        }),
        "bool" => unknown_or("bool").unwrap_or_else(|| match values.first() {
            Some(Val::Int(i)) => Val::Bool(*i != 0),
            Some(v) => truthy(v).map_or_else(
                || Val::unknown("`bool` of a value that is not a boolean", "bool(?)"),
                Val::Bool,
            ),
            None => Val::unknown("`bool` without an argument", "bool()"),
        }),
        "take" | "skip" => unknown_or(&lower).unwrap_or_else(|| {
            let count = match values.get(1) {
                Some(Val::Int(n)) => usize::try_from(*n).unwrap_or(0),
                _ => 0,
            };
            let take = lower == "take";
            match values.first() {
                Some(Val::Str(s)) => Val::Str(if take {
                    s.chars().take(count).collect()
                } else {
                    s.chars().skip(count).collect()
                }),
                Some(Val::Array(items)) => Val::Array(if take {
                    items.iter().take(count).cloned().collect()
                } else {
                    items.iter().skip(count).cloned().collect()
                }),
                _ => Val::unknown(
                    format!("`{lower}` of a value that is neither text nor an array"),
                    "?",
                ),
            }
        }),
        "first" | "last" => unknown_or(&lower).unwrap_or_else(|| match values.first() {
            Some(Val::Str(s)) => Val::Str(
                if lower == "first" {
                    s.chars().next()
                } else {
                    s.chars().last()
                }
                .map(String::from)
                .unwrap_or_default(),
            ),
            Some(Val::Array(items)) => if lower == "first" {
                items.first()
            } else {
                items.last()
            }
            .cloned()
            .unwrap_or(Val::Null),
            _ => Val::unknown(
                format!("`{lower}` of a value that is neither text nor an array"),
                "?",
            ),
        }),
        "split" => unknown_or("split").unwrap_or_else(|| {
            let text = text_arg(&values, 0);
            let separators: Vec<String> = match values.get(1) {
                Some(Val::Array(items)) => items.iter().map(Val::to_text).collect(),
                Some(v) => vec![v.to_text()],
                None => Vec::new(),
            };
            let mut parts = vec![text];
            for separator in separators.iter().filter(|s| !s.is_empty()) {
                parts = parts
                    .iter()
                    .flat_map(|p| {
                        p.split(separator.as_str())
                            .map(str::to_owned)
                            .collect::<Vec<_>>()
                    })
                    .collect();
            }
            Val::Array(parts.into_iter().map(Val::Str).collect())
        }),
        "replace" => unknown_or("replace").unwrap_or_else(|| {
            let from = text_arg(&values, 1);
            let text = text_arg(&values, 0);
            Val::Str(if from.is_empty() {
                text
            } else {
                text.replace(&from, &text_arg(&values, 2))
            })
        }),
        "startswith" => unknown_or("startsWith").unwrap_or_else(|| {
            Val::Bool(
                text_arg(&values, 0)
                    .to_lowercase()
                    .starts_with(&text_arg(&values, 1).to_lowercase()),
            )
        }),
        "endswith" => unknown_or("endsWith").unwrap_or_else(|| {
            Val::Bool(
                text_arg(&values, 0)
                    .to_lowercase()
                    .ends_with(&text_arg(&values, 1).to_lowercase()),
            )
        }),
        "uri" => unknown_or("uri").unwrap_or_else(|| {
            let base = text_arg(&values, 0);
            let relative = text_arg(&values, 1);
            let stem = base
                .rfind('/')
                .map_or(base.as_str(), |slash| &base[..=slash]);
            Val::Str(format!("{stem}{}", relative.trim_start_matches('/')))
        }),
        "createarray" | "array" => match (lower.as_str(), values.first()) {
            ("array", Some(Val::Array(items))) => Val::Array(items.clone()),
            _ => Val::Array(values),
        },
        "createobject" => {
            let mut map = BTreeMap::new();
            for pair in values.chunks(2) {
                if let [key, value] = pair {
                    map.insert(key.to_text(), value.clone());
                }
            }
            Val::Object(map)
        }
        "union" => match values.first() {
            Some(Val::Object(_)) => {
                let mut map = BTreeMap::new();
                for v in &values {
                    if let Val::Object(m) = v {
                        map.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
                    }
                }
                Val::Object(map)
            }
            Some(Val::Array(_)) => {
                let mut items: Vec<Val> = Vec::new();
                for v in &values {
                    if let Val::Array(a) = v {
                        for item in a {
                            if !items.contains(item) {
                                items.push(item.clone());
                            }
                        }
                    }
                }
                Val::Array(items)
            }
            _ => unknown_or("union").unwrap_or_else(|| {
                Val::unknown(
                    "`union` of values that are neither objects nor arrays",
                    "union(?)",
                )
            }),
        },
        "coalesce" => values
            .iter()
            .find(|v| !matches!(v, Val::Null))
            .cloned()
            .unwrap_or(Val::Null),
        "json" => unknown_or("json").unwrap_or_else(|| {
            serde_json::from_str::<serde_json::Value>(&text_arg(&values, 0)).map_or_else(
                |_| Val::unknown("`json` of text that is not JSON", "json(?)"),
                |j| Val::from_json(&j),
            )
        }),
        "range" => match (values.first(), values.get(1)) {
            (Some(Val::Int(start)), Some(Val::Int(count)))
                if (0..=super::template::MAX_COPY_COUNT).contains(count) =>
            {
                Val::Array((0..*count).map(|i| Val::Int(start + i)).collect())
            }
            _ => unknown_or("range").unwrap_or_else(|| {
                Val::unknown(
                    format!(
                        "`range` of more than {} items",
                        super::template::MAX_COPY_COUNT
                    ),
                    "range(?)",
                )
            }),
        },
        "less" | "lessorequals" | "greater" | "greaterorequals" => unknown_or(&lower)
            .unwrap_or_else(|| {
                let ordering = match (values.first(), values.get(1)) {
                    (Some(Val::Int(a)), Some(Val::Int(b))) => Some(a.cmp(b)),
                    (Some(Val::Str(a)), Some(Val::Str(b))) => Some(a.cmp(b)),
                    _ => None,
                };
                ordering.map_or_else(
                    || Val::unknown(format!("`{lower}` of values that do not compare"), "?"),
                    |o| {
                        Val::Bool(match lower.as_str() {
                            "less" => o.is_lt(),
                            "lessorequals" => o.is_le(),
                            "greater" => o.is_gt(),
                            _ => o.is_ge(),
                        })
                    },
                )
            }),
        "add" | "sub" | "mul" | "div" | "mod" => match (values.first(), values.get(1)) {
            (Some(Val::Int(a)), Some(Val::Int(b))) => {
                let result = match lower.as_str() {
                    "add" => a.checked_add(*b),
                    "sub" => a.checked_sub(*b),
                    "mul" => a.checked_mul(*b),
                    "div" => a.checked_div(*b),
                    _ => a.checked_rem(*b),
                };
                result.map_or_else(
                    || Val::unknown(format!("`{lower}` overflows or divides by zero"), "?"),
                    Val::Int,
                )
            }
            _ => unknown_or(&lower).unwrap_or_else(|| {
                Val::unknown(
                    format!("`{lower}` of values that are not whole numbers"),
                    "?",
                )
            }),
        },
        "copyindex" => {
            let (loop_name, offset) = match values.as_slice() {
                [] => (None, 0),
                [Val::Int(offset)] => (None, *offset),
                [name] => (Some(name.to_text()), 0),
                [name, Val::Int(offset), ..] => (Some(name.to_text()), *offset),
                [name, ..] => (Some(name.to_text()), 0),
            };
            match env.copy_index(loop_name.as_deref()) {
                Some(index) => Val::Int(index + offset),
                None => Val::unknown("`copyIndex` outside a copy loop", "{copyIndex}"),
            }
        }
        "uniquestring" => unknown_or("uniqueString").unwrap_or_else(|| {
            Val::Str(unique_string(
                &values.iter().map(Val::to_text).collect::<Vec<_>>(),
            ))
        }),
        "guid" | "newguid" => unknown_or("guid").unwrap_or_else(|| {
            Val::Str(guid(&values.iter().map(Val::to_text).collect::<Vec<_>>()))
        }),
        "resourcegroup" => mock_resource_group(),
        "subscription" => mock_subscription(),
        "tenant" => object([("tenantId", Val::Str(TENANT_ID.to_owned()))]),
        "environment" => mock_environment(),
        "deployment" => object([
            ("name", Val::Str("imported".to_owned())),
            ("properties", object([])),
        ]),
        "utcnow" => Val::unknown("`utcNow` is the time of deployment", "{utcNow}"),
        other => {
            if other.starts_with("list")
                && let Some(Val::Str(target)) = values.first()
            {
                env.mention(target);
            }
            Val::unknown(
                format!("function `{name}` is not evaluated"),
                format!("{{{name}}}"),
            )
        }
    })
}

/// `format`: `{0}` placeholders (format specifiers after `:` are ignored), `{{` and `}}` escapes.
fn format_braces(format_text: &str, args: &[String]) -> String {
    let mut out = String::new();
    let mut chars = format_text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut spec = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    spec.push(c);
                }
                let index = spec.split(':').next().unwrap_or("").trim();
                match index.parse::<usize>().ok().and_then(|i| args.get(i)) {
                    Some(arg) => out.push_str(arg),
                    None => {
                        out.push('{');
                        out.push_str(&spec);
                        out.push('}');
                    }
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    #[derive(Default)]
    struct TestEnv {
        mentions: RefCell<Vec<String>>,
    }

    impl Env for TestEnv {
        fn parameter(&self, name: &str) -> Result<Val, EvalError> {
            Ok(match name {
                "site" => Val::Str("web1".to_owned()),
                "count" => Val::Int(3),
                _ => Val::unknown(
                    format!("depends on parameter `{name}`"),
                    format!("{{{name}}}"),
                ),
            })
        }
        fn variable(&self, name: &str) -> Result<Val, EvalError> {
            Ok(match name {
                "list" => Val::Array(vec![Val::Str("a".to_owned()), Val::Str("b".to_owned())]),
                _ => Val::Str(format!("v-{name}")),
            })
        }
        fn copy_index(&self, _: Option<&str>) -> Option<i64> {
            Some(2)
        }
        fn reference(&self, target: &str) -> Result<Val, EvalError> {
            Ok(object([("declared", Val::Str(target.to_owned()))]))
        }
        fn mention(&self, target: &str) {
            self.mentions.borrow_mut().push(target.to_owned());
        }
    }

    fn run(text: &str) -> Val {
        eval_string(text, &TestEnv::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(run("plain"), Val::Str("plain".to_owned()));
        assert_eq!(
            run("[[notAnExpression]"),
            Val::Str("[notAnExpression]".to_owned())
        );
        assert_eq!(run("['it''s']"), Val::Str("it's".to_owned()));
    }

    #[test]
    fn common_functions() {
        assert_eq!(
            run("[concat('a-', parameters('site'), '-', string(copyIndex(1)))]"),
            Val::Str("a-web1-3".to_owned())
        );
        assert_eq!(
            run("[format('{0}/{1}', parameters('site'), 'web')]"),
            Val::Str("web1/web".to_owned())
        );
        assert_eq!(
            run("[toLower(take('ABCDEF', 3))]"),
            Val::Str("abc".to_owned())
        );
        assert_eq!(run("[variables('list')[1]]"), Val::Str("b".to_owned()));
        assert_eq!(run("[split('a,b', ',')[0]]"), Val::Str("a".to_owned()));
        assert_eq!(
            run("[if(equals(parameters('count'), 3), 'yes', 'no')]"),
            Val::Str("yes".to_owned())
        );
        assert_eq!(run("[and(true(), not(false()))]"), Val::Bool(true));
        assert_eq!(run("[length(createObject('a', 1, 'b', 2))]"), Val::Int(2));
        assert_eq!(run("[json('{\"x\": 1}').x]"), Val::Int(1));
        assert_eq!(run("[empty('')]"), Val::Bool(true));
        assert_eq!(run("[contains(variables('list'), 'a')]"), Val::Bool(true));
        assert_eq!(
            run("[resourceGroup().location]"),
            Val::Str(LOCATION.to_owned())
        );
        assert_eq!(
            run("[uri('https://a.b/c/d.json', 'e.zip')]"),
            Val::Str("https://a.b/c/e.zip".to_owned())
        );
    }

    #[test]
    fn resource_ids_have_the_azure_shape() {
        assert_eq!(
            run("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'snet')]"),
            Val::Str(format!(
                "/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet"
            ))
        );
        assert_eq!(
            run("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'r1')]"),
            Val::Str(format!(
                "/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/r1"
            ))
        );
    }

    #[test]
    fn unique_values_are_deterministic() {
        let a = run("[uniqueString(resourceGroup().id)]");
        assert_eq!(a, run("[uniqueString(resourceGroup().id)]"));
        assert_eq!(a.to_text().len(), 13);
        assert_eq!(run("[guid('x')]").to_text().len(), 36);
    }

    #[test]
    fn what_cannot_be_known_says_why() {
        let value = run("[concat('x', parameters('publicNetworkAccess'))]");
        let unknown = value.as_unknown().unwrap_or_else(|| panic!("{value:?}"));
        assert!(unknown.reason.contains("publicNetworkAccess"));
        let value = run(
            "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 's'), '2021-01-01').keys[0].value]",
        );
        assert!(
            value
                .as_unknown()
                .is_some_and(|u| u.reason.contains("listKeys")),
            "{value:?}"
        );
        let value = run("[reference('sql').fullyQualifiedDomainName]");
        assert!(
            value
                .as_unknown()
                .is_some_and(|u| u.reason.contains("after deployment")),
            "{value:?}"
        );
    }

    #[test]
    fn references_are_noted() {
        let env = TestEnv::default();
        let _ = eval_string("[reference('sql').x]", &env);
        assert_eq!(env.mentions.borrow().as_slice(), ["sql"]);
    }

    #[test]
    fn malformed_and_deep_expressions_are_errors_not_panics() {
        let env = TestEnv::default();
        for text in [
            "[concat('a']",
            "[concat('a)]",
            "[)]",
            "[a.b]",
            "[1 2]",
            "[-]",
            "[parameters('x')[]",
        ] {
            assert!(eval_string(text, &env).is_err(), "{text}");
        }
        let deep = format!("[{}1{}]", "string(".repeat(10_000), ")".repeat(10_000));
        let Err(error) = eval_string(&deep, &env) else {
            panic!("accepted")
        };
        assert!(error.0.contains("nested"), "{error}");
    }
}
