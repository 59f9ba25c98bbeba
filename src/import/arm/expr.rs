//! Template expressions (`"[concat('a', parameters('b'))]"`): a parser and an evaluator for the
//! functions real templates use. Anything else evaluates to an unknown value that says why;
//! only limits (nesting, cycles) are errors.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

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
    /// `lambdaVariables(name)`: the value a surrounding lambda gives `name`.
    fn lambda_variable(&self, _name: &str) -> Option<Val> {
        None
    }
    /// How many times the surrounding lambdas run their bodies in all: nested lambdas multiply.
    fn lambda_runs(&self) -> usize {
        1
    }
}

/// More lambda runs than this (nested `map`s over long arrays, `sort` of a long one) are a
/// limit like nesting: an error, rather than an import that never ends.
pub const MAX_LAMBDA_RUNS: usize = 1_000_000;

/// The surroundings inside a lambda: its variables, then everything of the outer scope.
struct LambdaScope<'a> {
    outer: &'a dyn Env,
    bound: Vec<(String, Val)>,
    runs: usize,
}

impl Env for LambdaScope<'_> {
    fn parameter(&self, name: &str) -> Result<Val, EvalError> {
        self.outer.parameter(name)
    }
    fn variable(&self, name: &str) -> Result<Val, EvalError> {
        self.outer.variable(name)
    }
    fn copy_index(&self, name: Option<&str>) -> Option<i64> {
        self.outer.copy_index(name)
    }
    fn reference(&self, target: &str) -> Result<Val, EvalError> {
        self.outer.reference(target)
    }
    fn mention(&self, target: &str) {
        self.outer.mention(target);
    }
    fn lambda_variable(&self, name: &str) -> Option<Val> {
        self.bound
            .iter()
            .find(|(bound, _)| bound.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.clone())
            .or_else(|| self.outer.lambda_variable(name))
    }
    fn lambda_runs(&self) -> usize {
        self.runs
    }
}

/// `lambda('a', 'b', body)`: the variable names and the body, evaluated once per call.
struct Lambda<'e> {
    names: Vec<String>,
    body: &'e Expr,
}

impl<'e> Lambda<'e> {
    fn parse(expr: &'e Expr) -> Option<Self> {
        let Expr::Call(name, args) = expr else {
            return None;
        };
        let (body, names) = args.split_last()?;
        if !name.eq_ignore_ascii_case("lambda") || names.is_empty() {
            return None;
        }
        let names = names
            .iter()
            .map(|n| match n {
                Expr::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Self { names, body })
    }

    fn apply(
        &self,
        args: &[Val],
        runs: usize,
        env: &dyn Env,
        depth: usize,
    ) -> Result<Val, EvalError> {
        let scope = LambdaScope {
            outer: env,
            runs,
            bound: self
                .names
                .iter()
                .cloned()
                .zip(args.iter().cloned())
                .collect(),
        };
        eval(self.body, &scope, depth)
    }
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
                (Val::Unknown(u), _) => Val::Unknown(Box::new(Unknown {
                    reason: u.reason.clone(),
                    placeholder: format!("{}[{}]", u.placeholder, index.to_text()),
                })),
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

/// The resource a `reference` or `list*` call names: its id or name, or the placeholder of one
/// built from an unknown value.
fn target_text(value: &Val) -> Option<String> {
    match value {
        Val::Str(text) => Some(text.clone()),
        Val::Unknown(unknown) => Some(unknown.placeholder.clone()),
        _ => None,
    }
}

fn as_int(value: &Val) -> Option<i64> {
    match value {
        Val::Int(i) => Some(*i),
        _ => None,
    }
}

/// `substring(text, start, length)`. Azure refuses a deployment whose substring reaches
/// outside the text; here that value is unknown, with the reason.
fn substring(values: &[Val]) -> Val {
    let text: Vec<char> = text_arg(values, 0).chars().collect();
    let total = i64::try_from(text.len()).unwrap_or(i64::MAX);
    let start = values.get(1).map_or(Some(0), as_int);
    let start_at = start.unwrap_or(0);
    let count = values
        .get(2)
        .map_or(Some(total.saturating_sub(start_at)), as_int);
    match (start, count) {
        (Some(start), Some(count))
            if start >= 0
                && count >= 0
                && start.checked_add(count).is_some_and(|end| end <= total) =>
        {
            let (start, count) = (
                usize::try_from(start).unwrap_or(0),
                usize::try_from(count).unwrap_or(0),
            );
            Val::Str(text[start..start + count].iter().collect())
        }
        (Some(start), Some(count)) => Val::unknown(
            format!(
                "`substring` from {start} for {count} characters reaches outside a text of {total} (Azure refuses this deployment)"
            ),
            "substring(?)",
        ),
        _ => Val::unknown(
            "`substring` with a start or length that is not a whole number",
            "substring(?)",
        ),
    }
}

/// The character position of `needle` in `text` ignoring case, or -1, as `indexOf` and
/// `lastIndexOf` give it.
fn index_of(text: &str, needle: &str, last: bool) -> i64 {
    let fold = |s: &str| -> Vec<char> {
        s.chars()
            .map(|c| c.to_lowercase().next().unwrap_or(c))
            .collect()
    };
    let (text, needle) = (fold(text), fold(needle));
    let position = if needle.is_empty() {
        Some(if last { text.len() } else { 0 })
    } else if needle.len() > text.len() {
        None
    } else {
        let mut starts =
            (0..=text.len() - needle.len()).filter(|&at| text[at..at + needle.len()] == needle[..]);
        if last {
            starts.next_back()
        } else {
            starts.next()
        }
    };
    position.map_or(-1, |p| i64::try_from(p).unwrap_or(-1))
}

/// Longer padding than this is not a name or a setting; `padLeft` gives an unknown instead of
/// building it.
const MAX_PADDED_LENGTH: i64 = 4096;

/// `padLeft(value, totalLength, character)`: a space unless another single character is given.
fn pad_left(values: &[Val]) -> Val {
    let text = text_arg(values, 0);
    let padding = match values.get(2) {
        None => Some(' '),
        Some(v) => {
            let t = v.to_text();
            let mut chars = t.chars();
            chars.next().filter(|_| chars.next().is_none())
        }
    };
    match (values.get(1).and_then(as_int), padding) {
        (Some(total), Some(padding)) if total <= MAX_PADDED_LENGTH => {
            let missing = usize::try_from(total)
                .unwrap_or(0)
                .saturating_sub(text.chars().count());
            Val::Str(
                std::iter::repeat_n(padding, missing)
                    .chain(text.chars())
                    .collect(),
            )
        }
        (Some(total), Some(_)) => Val::unknown(
            format!("`padLeft` to {total} characters, more than {MAX_PADDED_LENGTH}"),
            "padLeft(?)",
        ),
        (None, _) => Val::unknown(
            "`padLeft` to a length that is not a whole number",
            "padLeft(?)",
        ),
        (_, None) => Val::unknown(
            "`padLeft` with padding that is not one character",
            "padLeft(?)",
        ),
    }
}

/// The result of a decoding function: the text (or its JSON), or an unknown naming the function.
fn decoded_text(decoded: Option<String>, as_json: bool, name: &str) -> Val {
    match decoded {
        Some(text) if as_json => serde_json::from_str::<serde_json::Value>(&text).map_or_else(
            |_| {
                Val::unknown(
                    format!("`{name}` of text that is not JSON"),
                    format!("{name}(?)"),
                )
            },
            |j| Val::from_json(&j),
        ),
        Some(text) => Val::Str(text),
        None => Val::unknown(
            format!("`{name}` of text that does not decode"),
            format!("{name}(?)"),
        ),
    }
}

/// `intersection`: the items (or members with equal values) every argument has.
fn intersection(values: &[Val]) -> Val {
    match values.first() {
        Some(Val::Array(first)) if values.iter().all(|v| matches!(v, Val::Array(_))) => {
            let mut common: Vec<Val> = Vec::new();
            for item in first {
                let everywhere = values[1..]
                    .iter()
                    .all(|v| matches!(v, Val::Array(a) if a.contains(item)));
                if everywhere && !common.contains(item) {
                    common.push(item.clone());
                }
            }
            Val::Array(common)
        }
        Some(Val::Object(first)) if values.iter().all(|v| matches!(v, Val::Object(_))) => {
            Val::Object(
                first
                    .iter()
                    .filter(|(k, v)| values[1..].iter().all(|o| o.get(k) == Some(v)))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            )
        }
        _ => Val::unknown(
            "`intersection` of values that are not all arrays or all objects",
            "intersection(?)",
        ),
    }
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

/// The functions that take lambdas (`filter`, `map`, `reduce`, `sort`, `toObject`), and
/// `lambdaVariables`; `None` for every other function. A lambda's body is evaluated per item,
/// so it cannot be evaluated up front like other arguments.
fn lambda_call(
    lower: &str,
    name: &str,
    args: &[Expr],
    env: &dyn Env,
    depth: usize,
) -> Option<Result<Val, EvalError>> {
    let lambda_at = match lower {
        "filter" | "map" | "sort" | "toobject" => 1,
        "reduce" => 2,
        "lambdavariables" => {
            return Some(lambda_variable(args, env, depth));
        }
        "lambda" => {
            return Some(Ok(Val::unknown(
                "`lambda` outside filter, map, reduce, sort or toObject",
                "{lambda}",
            )));
        }
        _ => return None,
    };
    Some(lambda_function(lower, name, args, lambda_at, env, depth))
}

fn lambda_variable(args: &[Expr], env: &dyn Env, depth: usize) -> Result<Val, EvalError> {
    let [arg] = args else {
        return Ok(Val::unknown(
            "`lambdaVariables` needs one name",
            "{lambdaVariables}",
        ));
    };
    let name = eval(arg, env, depth)?.to_text();
    Ok(env.lambda_variable(&name).unwrap_or_else(|| {
        Val::unknown(
            format!("`lambdaVariables('{name}')` outside a lambda that names it"),
            format!("{{{name}}}"),
        )
    }))
}

fn lambda_function(
    lower: &str,
    name: &str,
    args: &[Expr],
    lambda_at: usize,
    env: &dyn Env,
    depth: usize,
) -> Result<Val, EvalError> {
    let placeholder = format!("{{{name}}}");
    let lambdas = args.get(lambda_at..).unwrap_or_default();
    let Some(lambdas) = lambdas
        .iter()
        .map(Lambda::parse)
        .collect::<Option<Vec<_>>>()
        .filter(|l| !l.is_empty())
    else {
        return Ok(Val::unknown(
            format!("`{name}` needs a `lambda(...)` argument"),
            placeholder,
        ));
    };
    let input = match args.first() {
        Some(first) => eval(first, env, depth)?,
        None => Val::Null,
    };
    let items = match input {
        Val::Array(items) => items,
        Val::Unknown(u) => {
            return Ok(Val::Unknown(Box::new(Unknown {
                reason: u.reason,
                placeholder,
            })));
        }
        _ => {
            return Ok(Val::unknown(
                format!("`{name}` of a value that is not an array"),
                placeholder,
            ));
        }
    };
    let per_item = if lower == "sort" { items.len() } else { 1 };
    let runs = env
        .lambda_runs()
        .saturating_mul(items.len().saturating_mul(per_item));
    if runs > MAX_LAMBDA_RUNS {
        return Err(EvalError(format!(
            "`{name}` would run its lambda more than {MAX_LAMBDA_RUNS} times"
        )));
    }
    let unknown_because = |value: &Val, what: &str| {
        Val::Unknown(Box::new(Unknown {
            reason: value.as_unknown().map_or_else(
                || format!("`{name}`: the lambda gives {what}"),
                |u| u.reason.clone(),
            ),
            placeholder: placeholder.clone(),
        }))
    };
    let lambda = &lambdas[0];
    // A second lambda variable is the item's index, as in Bicep's `(item, i) => ...`.
    let position = |index: usize| Val::Int(i64::try_from(index).unwrap_or(i64::MAX));
    Ok(match lower {
        "filter" => {
            let mut kept = Vec::new();
            for (index, item) in items.iter().enumerate() {
                let keep = lambda.apply(&[item.clone(), position(index)], runs, env, depth)?;
                match truthy(&keep) {
                    Some(true) => kept.push(item.clone()),
                    Some(false) => {}
                    None => return Ok(unknown_because(&keep, "a value that is not a boolean")),
                }
            }
            Val::Array(kept)
        }
        "map" => Val::Array(
            items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    lambda.apply(&[item.clone(), position(index)], runs, env, depth)
                })
                .collect::<Result<_, _>>()?,
        ),
        "reduce" => {
            let mut current = match args.get(1) {
                Some(initial) => eval(initial, env, depth)?,
                None => Val::Null,
            };
            for (index, item) in items.iter().enumerate() {
                current =
                    lambda.apply(&[current, item.clone(), position(index)], runs, env, depth)?;
            }
            current
        }
        "sort" => {
            // Insertion sort: the lambda need not be a consistent ordering, and a stable,
            // comparison-by-comparison sort never trips over one that is not.
            let mut sorted: Vec<Val> = Vec::with_capacity(items.len());
            for item in items {
                let mut at = sorted.len();
                for (position, placed) in sorted.iter().enumerate() {
                    let before = lambda.apply(&[item.clone(), placed.clone()], runs, env, depth)?;
                    match truthy(&before) {
                        Some(true) => {
                            at = position;
                            break;
                        }
                        Some(false) => {}
                        None => {
                            return Ok(unknown_because(&before, "a value that is not a boolean"));
                        }
                    }
                }
                sorted.insert(at, item);
            }
            Val::Array(sorted)
        }
        _ => {
            let mut map = BTreeMap::new();
            for item in &items {
                let key = lambda.apply(std::slice::from_ref(item), runs, env, depth)?;
                if key.as_unknown().is_some() {
                    return Ok(unknown_because(&key, "an unknown key"));
                }
                let value = match lambdas.get(1) {
                    Some(value_lambda) => {
                        value_lambda.apply(std::slice::from_ref(item), runs, env, depth)?
                    }
                    None => item.clone(),
                };
                map.insert(key.to_text(), value);
            }
            Val::Object(map)
        }
    })
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
    if let Some(result) = lambda_call(&lower, name, args, env, depth) {
        return result;
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
        // A target built from an unknown name is known by its placeholder, which names the
        // resource the same way its declaration does (as for `resourceId`).
        "reference" => match values.first().and_then(target_text) {
            Some(target) => {
                let target = target.as_str();
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
                // Text compares case-sensitively, object keys ignore case (the ARM reference).
                Some(Val::Str(s)) => s.contains(&needle.to_text()),
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
        // An unknown stays itself: a re-cased placeholder would no longer match the same name
        // written elsewhere without `toLower`.
        "tolower" | "toupper" | "trim" => match values.first() {
            Some(unknown @ Val::Unknown(_)) => unknown.clone(),
            _ => {
                let text = text_arg(&values, 0);
                Val::Str(match lower.as_str() {
                    "tolower" => text.to_lowercase(),
                    "toupper" => text.to_uppercase(),
                    _ => text.trim().to_owned(),
                })
            }
        },
        "substring" => unknown_or("substring").unwrap_or_else(|| substring(&values)),
        "indexof" | "lastindexof" => unknown_or(name).unwrap_or_else(|| match values.as_slice() {
            [Val::Array(items), needle] => {
                let mut positions = items.iter().enumerate().filter(|(_, i)| equal(i, needle));
                let found = if lower == "indexof" {
                    positions.next()
                } else {
                    positions.next_back()
                };
                Val::Int(found.map_or(-1, |(i, _)| i64::try_from(i).unwrap_or(-1)))
            }
            [text, needle] => Val::Int(index_of(
                &text.to_text(),
                &needle.to_text(),
                lower == "lastindexof",
            )),
            _ => Val::unknown(
                format!("`{name}` needs two arguments"),
                format!("{name}(?)"),
            ),
        }),
        "padleft" => unknown_or("padLeft").unwrap_or_else(|| pad_left(&values)),
        "join" => unknown_or("join").unwrap_or_else(|| match values.first() {
            Some(Val::Array(items)) => Val::Str(
                items
                    .iter()
                    .map(Val::to_text)
                    .collect::<Vec<_>>()
                    .join(&text_arg(&values, 1)),
            ),
            _ => Val::unknown("`join` of a value that is not an array", "join(?)"),
        }),
        "base64" => unknown_or("base64")
            .unwrap_or_else(|| Val::Str(BASE64.encode(text_arg(&values, 0).as_bytes()))),
        "base64tostring" | "base64tojson" => unknown_or(name).unwrap_or_else(|| {
            let decoded = BASE64
                .decode(text_arg(&values, 0).trim())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            decoded_text(decoded, lower == "base64tojson", name)
        }),
        "datauri" => unknown_or("dataUri").unwrap_or_else(|| {
            Val::Str(format!(
                "data:text/plain;charset=utf8;base64,{}",
                BASE64.encode(text_arg(&values, 0).as_bytes())
            ))
        }),
        "datauritostring" => unknown_or("dataUriToString").unwrap_or_else(|| {
            let text = text_arg(&values, 0);
            let decoded = text.split_once(',').and_then(|(header, data)| {
                if header.ends_with(";base64") {
                    BASE64
                        .decode(data)
                        .ok()
                        .and_then(|bytes| String::from_utf8(bytes).ok())
                } else {
                    Some(data.to_owned())
                }
            });
            decoded_text(decoded.filter(|_| text.starts_with("data:")), false, name)
        }),
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
        // An unknown before the first known non-null value may itself be that value.
        "coalesce" => values
            .iter()
            .find(|v| !matches!(v, Val::Null))
            .cloned()
            .map_or(Val::Null, |v| match v {
                Val::Unknown(u) => Val::Unknown(Box::new(Unknown {
                    reason: u.reason,
                    placeholder: "coalesce(?)".to_owned(),
                })),
                known => known,
            }),
        "intersection" => unknown_or("intersection").unwrap_or_else(|| intersection(&values)),
        "min" | "max" => unknown_or(&lower).unwrap_or_else(|| {
            let numbers: Option<Vec<i64>> = match values.as_slice() {
                [Val::Array(items)] => items.iter().map(as_int).collect(),
                many => many.iter().map(as_int).collect(),
            };
            let extreme = numbers.and_then(|n| {
                if lower == "min" {
                    n.into_iter().min()
                } else {
                    n.into_iter().max()
                }
            });
            extreme.map_or_else(
                || {
                    Val::unknown(
                        format!("`{lower}` needs whole numbers, or one array of them"),
                        format!("{lower}(?)"),
                    )
                },
                Val::Int,
            )
        }),
        "items" => unknown_or("items").unwrap_or_else(|| match values.first() {
            // Sorted by key, as Azure returns them.
            Some(Val::Object(map)) => Val::Array(
                map.iter()
                    .map(|(k, v)| object([("key", Val::Str(k.clone())), ("value", v.clone())]))
                    .collect(),
            ),
            _ => Val::unknown("`items` of a value that is not an object", "items(?)"),
        }),
        "shallowmerge" => unknown_or("shallowMerge").unwrap_or_else(|| match values.first() {
            Some(Val::Array(objects)) if objects.iter().all(|o| matches!(o, Val::Object(_))) => {
                let mut map = BTreeMap::new();
                for o in objects {
                    if let Val::Object(m) = o {
                        map.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
                    }
                }
                Val::Object(map)
            }
            _ => Val::unknown(
                "`shallowMerge` of a value that is not an array of objects",
                "shallowMerge(?)",
            ),
        }),
        "tryget" => match values.as_slice() {
            [target @ Val::Object(_), key, ..] if key.as_unknown().is_none() => {
                target.get(&key.to_text()).cloned().unwrap_or(Val::Null)
            }
            [Val::Array(items), Val::Int(i), ..] => usize::try_from(*i)
                .ok()
                .and_then(|i| items.get(i).cloned())
                .unwrap_or(Val::Null),
            _ => unknown_or("tryGet").unwrap_or_else(|| {
                Val::unknown("`tryGet` of a value that has no members", "tryGet(?)")
            }),
        },
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
                (0..*count)
                    .map(|i| start.checked_add(i).map(Val::Int))
                    .collect::<Option<Vec<_>>>()
                    .map_or_else(
                        || Val::unknown("`range` runs past the largest whole number", "range(?)"),
                        Val::Array,
                    )
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
        "utcnow" | "datetimeadd" | "datetimefromepoch" | "datetimetoepoch" => {
            Val::unknown("depends on the deployment time", format!("{{{name}}}"))
        }
        // A fixed stand-in like `resourceGroup()`: the mock region offers zones 1 to 3.
        "pickzones" => unknown_or("pickZones").unwrap_or_else(|| {
            let count = values.get(3).and_then(as_int).unwrap_or(1).clamp(0, 3);
            let offset = values.get(4).and_then(as_int).unwrap_or(0).clamp(0, 3);
            Val::Array(
                (offset + 1..=(offset + count).min(3))
                    .map(|zone| Val::Str(zone.to_string()))
                    .collect(),
            )
        }),
        other => {
            if other.starts_with("list")
                && let Some(target) = values.first().and_then(target_text)
            {
                env.mention(&target);
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

    fn text(value: &str) -> Val {
        Val::Str(value.to_owned())
    }

    fn reason(text: &str) -> String {
        let value = run(text);
        value
            .as_unknown()
            .unwrap_or_else(|| panic!("{text} gave {value:?}"))
            .reason
            .clone()
    }

    #[test]
    fn string_functions_follow_the_arm_reference() {
        assert_eq!(
            run("[substring('Contoso.com web app', 12, 3)]"),
            text("web")
        );
        assert_eq!(run("[substring('abcdef', 2)]"), text("cdef"));
        assert_eq!(run("[substring('abc', 3, 0)]"), text(""));
        assert!(reason("[substring('1234567890', 0, 11)]").contains("Azure refuses"));
        assert!(reason("[substring('abc', -1, 1)]").contains("outside"));
        assert!(reason("[substring('abc', 'x')]").contains("whole number"));
        assert_eq!(run("[indexOf('test', 't')]"), Val::Int(0));
        assert_eq!(run("[lastIndexOf('test', 't')]"), Val::Int(3));
        assert_eq!(run("[indexOf('abcdef', 'CD')]"), Val::Int(2));
        assert_eq!(run("[lastIndexOf('abcdef', 'AB')]"), Val::Int(0));
        assert_eq!(run("[indexOf('abcdef', 'z')]"), Val::Int(-1));
        assert_eq!(run("[indexOf('ab', 'abc')]"), Val::Int(-1));
        assert_eq!(run("[indexOf(variables('list'), 'b')]"), Val::Int(1));
        assert_eq!(run("[padLeft('123', 10, '0')]"), text("0000000123"));
        assert_eq!(run("[padLeft(7, 3)]"), text("  7"));
        assert_eq!(run("[padLeft('toolong', 3, '0')]"), text("toolong"));
        assert!(reason("[padLeft('1', 3, '00')]").contains("one character"));
        assert!(reason("[padLeft('1', 100000000, '0')]").contains("more than"));
        assert_eq!(run("[startsWith('abcdef', 'A')]"), Val::Bool(true));
        assert_eq!(run("[endsWith('abcdef', 'F')]"), Val::Bool(true));
        assert_eq!(run("[replace('123-123', '-', '')]"), text("123123"));
        assert_eq!(run("[toUpper(trim('  ab '))]"), text("AB"));
        assert_eq!(run("[join(variables('list'), '+')]"), text("a+b"));
        // Text is searched case-sensitively, object keys are not.
        assert_eq!(run("[contains('OneTwo', 'one')]"), Val::Bool(false));
        assert_eq!(
            run("[contains(createObject('One', 1), 'one')]"),
            Val::Bool(true)
        );
    }

    #[test]
    fn base64_and_data_uris_round_trip() {
        assert_eq!(
            run("[base64('one, two, three')]"),
            text("b25lLCB0d28sIHRocmVl")
        );
        assert_eq!(
            run("[base64ToString('b25lLCB0d28sIHRocmVl')]"),
            text("one, two, three")
        );
        assert_eq!(run("[base64ToJson(base64('{\"a\": 1}')).a]"), Val::Int(1));
        assert_eq!(
            run("[dataUri('Hello')]"),
            text("data:text/plain;charset=utf8;base64,SGVsbG8=")
        );
        assert_eq!(run("[dataUriToString(dataUri('Hello'))]"), text("Hello"));
        assert!(reason("[base64ToString('***')]").contains("does not decode"));
        assert!(reason("[dataUriToString('plain')]").contains("does not decode"));
    }

    #[test]
    fn conversions_arrays_and_objects() {
        assert_eq!(run("[string(3)]"), text("3"));
        assert_eq!(run("[int('42')]"), Val::Int(42));
        assert!(reason("[int('forty')]").contains("not a number"));
        assert_eq!(run("[bool('TRUE')]"), Val::Bool(true));
        assert_eq!(run("[array('a')]"), Val::Array(vec![text("a")]));
        assert_eq!(run("[first(variables('list'))]"), text("a"));
        assert_eq!(run("[last('xyz')]"), text("z"));
        assert_eq!(
            run("[skip(variables('list'), 1)]"),
            Val::Array(vec![text("b")])
        );
        assert_eq!(
            run("[union(createArray(1, 2), createArray(2, 3))]"),
            Val::Array(vec![Val::Int(1), Val::Int(2), Val::Int(3)])
        );
        assert_eq!(
            run("[intersection(createArray(1, 2, 3), createArray(3, 2))]"),
            Val::Array(vec![Val::Int(2), Val::Int(3)])
        );
        assert_eq!(
            run("[intersection(createObject('a', 1, 'b', 2), createObject('a', 1, 'b', 3))]"),
            object([("a", Val::Int(1))])
        );
        assert!(reason("[intersection(createArray(1), 'x')]").contains("not all arrays"));
        assert_eq!(run("[coalesce(null(), null(), 'x')]"), text("x"));
        assert!(reason("[coalesce(null(), parameters('unset'), 'x')]").contains("unset"));
        assert_eq!(run("[min(3, 1, 2)]"), Val::Int(1));
        assert_eq!(run("[max(createArray(3, 1, 2))]"), Val::Int(3));
        assert!(reason("[min(createArray())]").contains("whole numbers"));
        assert_eq!(
            run("[range(5, 3)]"),
            Val::Array(vec![Val::Int(5), Val::Int(6), Val::Int(7)])
        );
        assert!(reason("[range(9223372036854775807, 2)]").contains("largest"));
        assert!(reason("[range(0, 100000)]").contains("more than"));
        assert_eq!(
            run("[items(createObject('b', 2, 'a', 1))[0]]"),
            object([("key", text("a")), ("value", Val::Int(1))])
        );
        assert_eq!(
            run("[shallowMerge(createArray(createObject('a', 1), createObject('a', 2, 'b', 3)))]"),
            object([("a", Val::Int(2)), ("b", Val::Int(3))])
        );
        assert_eq!(run("[tryGet(createObject('a', 1), 'b')]"), Val::Null);
    }

    #[test]
    fn lambdas_bind_their_variables() {
        let numbers = |n: &[i64]| Val::Array(n.iter().copied().map(Val::Int).collect());
        assert_eq!(
            run("[filter(range(0, 10), lambda('i', equals(0, mod(lambdaVariables('i'), 2))))]"),
            numbers(&[0, 2, 4, 6, 8])
        );
        assert_eq!(
            run(
                "[map(variables('list'), lambda('x', 'i', concat(lambdaVariables('x'), string(lambdaVariables('i')))))]"
            ),
            Val::Array(vec![text("a0"), text("b1")])
        );
        assert_eq!(
            run(
                "[reduce(createArray(5, 3, 2), 1, lambda('cur', 'next', add(lambdaVariables('cur'), lambdaVariables('next'))))]"
            ),
            Val::Int(11)
        );
        assert_eq!(
            run(
                "[sort(createArray(3, 1, 2, 1), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))]"
            ),
            numbers(&[1, 1, 2, 3])
        );
        // Nested lambdas over long arrays are refused before they run, not left to run for hours.
        let env = TestEnv::default();
        for text in [
            "[map(range(0, 800), lambda('x', map(range(0, 800), lambda('y', map(range(0, 800), lambda('z', 1))))))]",
            "[map(range(0, 10), lambda('x', sort(range(0, 800), lambda('a', 'b', true()))))]",
        ] {
            let Err(error) = eval_string(text, &env) else {
                panic!("{text} was evaluated")
            };
            assert!(error.0.contains("more than"), "{error}");
        }
        // A comparison that is no ordering at all still sorts, without a panic.
        assert_eq!(
            run("[length(sort(range(0, 50), lambda('a', 'b', true())))]"),
            Val::Int(50)
        );
        assert_eq!(
            run("[toObject(variables('list'), lambda('e', toUpper(lambdaVariables('e'))))]"),
            object([("A", text("a")), ("B", text("b"))])
        );
        assert_eq!(
            run("[toObject(variables('list'), lambda('e', lambdaVariables('e')), lambda('e', 1))]"),
            object([("a", Val::Int(1)), ("b", Val::Int(1))])
        );
        // Nested lambdas see the outer variable.
        assert_eq!(
            run(
                "[map(createArray(1), lambda('x', map(createArray(10), lambda('y', add(lambdaVariables('x'), lambdaVariables('y'))))))]"
            ),
            Val::Array(vec![numbers(&[11])])
        );
    }

    #[test]
    fn lambdas_that_cannot_be_evaluated_say_why() {
        assert!(reason("[lambdaVariables('x')]").contains("outside a lambda"));
        assert!(reason("[lambda('x', 1)]").contains("outside filter"));
        assert!(reason("[map(variables('list'), 'x')]").contains("lambda"));
        assert!(reason("[map('text', lambda('x', 1))]").contains("not an array"));
        assert!(reason("[map(parameters('unset'), lambda('x', 1))]").contains("unset"));
        assert!(reason("[filter(variables('list'), lambda('x', 'maybe'))]").contains("boolean"));
        assert!(
            reason("[toObject(variables('list'), lambda('x', parameters('unset')))]")
                .contains("unset")
        );
    }

    #[test]
    fn time_and_zones_are_mocked_or_unknown() {
        assert_eq!(reason("[utcNow()]"), "depends on the deployment time");
        assert_eq!(
            reason("[dateTimeAdd(utcNow(), 'PT1H')]"),
            "depends on the deployment time"
        );
        assert_eq!(
            run("[pickZones('Microsoft.Compute', 'virtualMachines', 'westeurope')]"),
            Val::Array(vec![text("1")])
        );
        assert_eq!(
            run("[pickZones('Microsoft.Network', 'publicIPAddresses', 'westeurope', 3)]"),
            Val::Array(vec![text("1"), text("2"), text("3")])
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
    fn targets_built_from_unknown_names_are_noted_by_their_placeholder() {
        let env = TestEnv::default();
        let _ = eval_string(
            "[listKeys(concat('Microsoft.Storage/storageAccounts/', toLower(parameters('app'))), '2023-01-01')]",
            &env,
        );
        let _ = eval_string(
            "[reference(concat('microsoft.insights/components/', parameters('app'))).x]",
            &env,
        );
        assert_eq!(
            env.mentions.borrow().as_slice(),
            [
                "Microsoft.Storage/storageAccounts/{app}",
                "microsoft.insights/components/{app}"
            ]
        );
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
