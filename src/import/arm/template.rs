//! Expands a template into resource instances: child resources get their full type and name,
//! conditions and copy loops are applied, inline nested deployments are read in their inner or
//! outer scope. Properties are evaluated on demand, so `reference()` can read another
//! resource's declared properties.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use super::ImportError;
use super::expr::{self, Env, EvalError};
use super::value::Val;

/// Azure refuses copy loops of more than 800 instances.
pub const MAX_COPY_COUNT: i64 = 800;
/// Resource instances in one import: well above real templates, low enough to bound memory
/// when copy loops multiply through nested deployments.
pub const MAX_RESOURCES: usize = 20_000;
/// Nesting of child resources and inline deployments.
pub const MAX_NESTING: usize = 16;

/// A template scope: the root template, or a nested deployment evaluated in its inner scope.
struct Scope<'t> {
    parameters: BTreeMap<String, ParameterSource<'t>>,
    variables: BTreeMap<String, VariableSource<'t>>,
    cache: RefCell<BTreeMap<String, Val>>,
    in_progress: RefCell<Vec<String>>,
    outputs: Option<&'t serde_json::Value>,
}

enum ParameterSource<'t> {
    Given(Val),
    Default(&'t serde_json::Value),
    Missing,
}

enum VariableSource<'t> {
    Plain(&'t serde_json::Value),
    /// A variable `copy` entry: `count` and `input`.
    Copy(&'t serde_json::Value),
}

/// One resource instance of the expanded template.
pub struct Resource<'t> {
    /// Full type, such as `Microsoft.Web/sites/config`.
    pub resource_type: String,
    /// Full name, `parent/child` for child resources; unknown parts are placeholders.
    pub name: String,
    /// The symbolic name (languageVersion 2.0 templates).
    pub symbolic: Option<String>,
    /// Declared with `existing: true`: referred to, not deployed, by this template.
    pub existing: bool,
    /// The `scope` of an extension resource (diagnostic settings, role assignments, locks).
    pub scope_target: Option<String>,
    /// Why the resource is imported although its condition could not be evaluated.
    pub condition_unknown: Option<String>,
    /// Why one instance stands for a copy loop whose count is unknown.
    pub copy_unknown: Option<String>,
    /// The inline template of a nested deployment, and the scope its outputs are read in.
    pub nested_scope: Option<usize>,
    json: &'t serde_json::Value,
    scope: usize,
    copies: Vec<(String, i64)>,
}

/// Where a resource's evaluated value refers to another resource.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mention {
    /// Property path with array indices as `[*]`, such as `properties.subnets[*].id`.
    pub path: String,
    /// A resource id, name or symbolic name, as the template wrote it.
    pub target: String,
    /// How the value that mentions it authenticates, when it says (a connection string with a
    /// password or account key, keys from `listKeys()`): a traffic `auth` choice.
    pub credential: Option<&'static str>,
}

/// What a setting's text says about how its caller signs in: the catalog's traffic `auth`
/// choice for a connection string with a password, an account or shared access key, or keys
/// read with `list*()`; a managed identity when the string asks for one.
fn credential_in(expression: &str, value: &Val) -> Option<&'static str> {
    let evaluated = match value {
        Val::Str(text) => text.as_str(),
        Val::Unknown(unknown) => unknown.placeholder.as_str(),
        _ => "",
    };
    let has = |needle: &str| {
        let needle = needle.to_ascii_lowercase();
        expression.to_ascii_lowercase().contains(&needle)
            || evaluated.to_ascii_lowercase().contains(&needle)
    };
    if has("Authentication=Active Directory Managed Identity")
        || has("Authentication=Active Directory Default")
    {
        Some("ManagedIdentity")
    } else if has("Password=") || has("Pwd=") {
        Some("Password")
    } else if has("AccountKey=") || has("listKeys(") {
        Some("AccessKey")
    } else if has("SharedAccessKey=") || has("listConnectionStrings(") {
        Some("ConnectionString")
    } else {
        None
    }
}

/// A resource's evaluated `properties`, `sku`, `kind` and `identity`, and what they refer to.
pub struct Evaluated {
    pub value: Val,
    pub mentions: Vec<Mention>,
}

/// The expanded template.
pub struct Expansion<'t> {
    scopes: Vec<Scope<'t>>,
    pub resources: Vec<Resource<'t>>,
    evaluated: RefCell<Vec<Option<std::rc::Rc<Evaluated>>>>,
    evaluating: RefCell<BTreeSet<usize>>,
    /// Resources left out because their condition is false: (type, name, reason).
    pub skipped: Vec<(String, String, String)>,
}

impl<'t> Expansion<'t> {
    /// Expands `template` with values from a parameters file, if one is given.
    pub fn new(
        template: &'t serde_json::Value,
        parameters: Option<&serde_json::Value>,
    ) -> Result<Self, ImportError> {
        if !template.is_object() {
            return Err(ImportError::Template(
                "the file is JSON but not a template: it is not an object".to_owned(),
            ));
        }
        if template.get("resources").is_none() {
            return Err(ImportError::Template(
                "the file is JSON but not a template: it has no `resources`".to_owned(),
            ));
        }
        let given = parameters
            .map(parameter_values)
            .transpose()?
            .unwrap_or_default();
        let mut expansion = Self {
            scopes: Vec::new(),
            resources: Vec::new(),
            evaluated: RefCell::new(Vec::new()),
            evaluating: RefCell::new(BTreeSet::new()),
            skipped: Vec::new(),
        };
        let root = Scope::new(template, given)?;
        expansion.scopes.push(root);
        expansion.expand_template(template, 0, &[], 0)?;
        expansion.evaluated = RefCell::new(vec![None; expansion.resources.len()]);
        Ok(expansion)
    }

    fn expand_template(
        &mut self,
        template: &'t serde_json::Value,
        scope: usize,
        copies: &[(String, i64)],
        depth: usize,
    ) -> Result<(), ImportError> {
        match template.get("resources") {
            Some(serde_json::Value::Array(items)) => {
                for item in items {
                    self.expand_resource(item, None, None, scope, copies, depth)?;
                }
            }
            // languageVersion 2.0: resources keyed by symbolic name (a JSON object keeps its
            // keys sorted here, so the order is deterministic).
            Some(serde_json::Value::Object(items)) => {
                for (symbolic, item) in items {
                    self.expand_resource(item, None, Some(symbolic), scope, copies, depth)?;
                }
            }
            Some(_) => {
                return Err(ImportError::Template(
                    "`resources` is neither an array nor an object".to_owned(),
                ));
            }
            None => {}
        }
        Ok(())
    }

    fn env<'a>(&'a self, scope: usize, copies: &'a [(String, i64)]) -> ResourceEnv<'a, 't> {
        ResourceEnv {
            expansion: self,
            scope,
            copies,
            mentions: RefCell::new(Vec::new()),
        }
    }

    fn eval_in(
        &self,
        json: &serde_json::Value,
        scope: usize,
        copies: &[(String, i64)],
    ) -> Result<Val, ImportError> {
        let env = self.env(scope, copies);
        eval_tree(json, &env, "", &mut Vec::new(), 0).map_err(|e| ImportError::Expression(e.0))
    }

    fn expand_resource(
        &mut self,
        json: &'t serde_json::Value,
        parent: Option<(&str, &str)>,
        symbolic: Option<&str>,
        scope: usize,
        copies: &[(String, i64)],
        depth: usize,
    ) -> Result<(), ImportError> {
        if depth > MAX_NESTING {
            return Err(ImportError::Template(format!(
                "resources are nested more than {MAX_NESTING} levels deep"
            )));
        }
        if !json.is_object() {
            return Err(ImportError::Template(
                "a resource is not a JSON object".to_owned(),
            ));
        }
        let Some(copy) = json.get("copy") else {
            return self.instance(json, parent, symbolic, scope, copies.to_vec(), None, depth);
        };
        let loop_name = copy
            .get("name")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("copy")
            .to_owned();
        let count = match copy.get("count") {
            Some(count) => self.eval_in(count, scope, copies)?,
            None => Val::Int(1),
        };
        let with_loop = |index: i64, unknown: Option<String>, this: &mut Self| {
            let mut inner = copies.to_vec();
            inner.push((loop_name.clone(), index));
            this.instance(json, parent, symbolic, scope, inner, unknown, depth)
        };
        match count {
            Val::Int(n) if (0..=MAX_COPY_COUNT).contains(&n) => {
                for index in 0..n {
                    with_loop(index, None, self)?;
                }
                Ok(())
            }
            Val::Int(n) => Err(ImportError::Template(format!(
                "copy loop `{loop_name}` has a count of {n}; Azure allows 0 to {MAX_COPY_COUNT}"
            ))),
            Val::Unknown(u) => with_loop(
                0,
                Some(format!(
                    "its copy count is unknown ({}): one instance is drawn",
                    u.reason
                )),
                self,
            ),
            other => Err(ImportError::Template(format!(
                "copy loop `{loop_name}` has a count that is not a number: {}",
                other.to_text()
            ))),
        }
    }

    #[allow(clippy::too_many_arguments)] // The expansion state of one instance, passed down once.
    fn instance(
        &mut self,
        json: &'t serde_json::Value,
        parent: Option<(&str, &str)>,
        symbolic: Option<&str>,
        scope: usize,
        copies: Vec<(String, i64)>,
        copy_unknown: Option<String>,
        depth: usize,
    ) -> Result<(), ImportError> {
        if self.resources.len() >= MAX_RESOURCES {
            return Err(ImportError::Template(format!(
                "the template expands to more than {MAX_RESOURCES} resources"
            )));
        }
        let text_of = |this: &Self, key: &str| -> Result<String, ImportError> {
            Ok(match json.get(key) {
                Some(v) => this.eval_in(v, scope, &copies)?.to_text(),
                None => String::new(),
            })
        };
        let mut resource_type = text_of(self, "type")?;
        let mut name = text_of(self, "name")?;
        if resource_type.is_empty() {
            return Err(ImportError::Template(format!(
                "resource `{name}` has no `type`"
            )));
        }
        if let Some((parent_type, parent_name)) = parent {
            // A child's type is relative unless it starts with a namespace (`Microsoft.Web`):
            // `providers/diagnosticSettings` is relative too. A leading `/` on the type or
            // name (`/Microsoft.Insights/default`) is accepted by Azure and means nothing.
            let relative = resource_type.trim_start_matches('/');
            if !relative.split('/').next().unwrap_or_default().contains('.') {
                resource_type = format!("{parent_type}/{relative}");
                name = name.trim_start_matches('/').to_owned();
            }
            if name.matches('/').count() < resource_type.matches('/').count().saturating_sub(1) {
                name = format!("{parent_name}/{name}");
            }
        }
        let mut scope_target = match json.get("scope") {
            Some(v) => Some(self.eval_in(v, scope, &copies)?.to_text()),
            None => None,
        };
        // Extension resources in the old style: type `Microsoft.Web/sites/providers/
        // diagnosticSettings`, name `site/Microsoft.Insights/setting`. The scope is the
        // resource before `providers`.
        if let Some(at) = resource_type.to_ascii_lowercase().find("/providers/") {
            let base_type = resource_type[..at].to_owned();
            let extension_type = resource_type[at + "/providers/".len()..].to_owned();
            let base_names = base_type.matches('/').count();
            let parts: Vec<&str> = name.split('/').collect();
            if parts.len() > base_names + 1 {
                scope_target = Some(format!("{base_type}/{}", parts[..base_names].join("/")));
                resource_type = format!("{}/{extension_type}", parts[base_names]);
                name = parts[base_names + 1..].join("/");
            }
        }
        let mut condition_unknown = None;
        if let Some(condition) = json.get("condition") {
            match self.eval_in(condition, scope, &copies)? {
                Val::Bool(false) => {
                    self.skipped
                        .push((resource_type, name, "its condition is false".to_owned()));
                    return Ok(());
                }
                Val::Bool(true) => {}
                Val::Str(s) if s.eq_ignore_ascii_case("true") => {}
                Val::Str(s) if s.eq_ignore_ascii_case("false") => {
                    self.skipped
                        .push((resource_type, name, "its condition is false".to_owned()));
                    return Ok(());
                }
                other => {
                    condition_unknown = Some(match other.as_unknown() {
                        Some(u) => {
                            format!("its condition is unknown ({}): it is imported", u.reason)
                        }
                        None => "its condition is not a boolean: it is imported".to_owned(),
                    });
                }
            }
        }
        let index = self.resources.len();
        self.resources.push(Resource {
            resource_type: resource_type.clone(),
            name: name.clone(),
            symbolic: symbolic.map(str::to_owned),
            existing: json.get("existing") == Some(&serde_json::Value::Bool(true)),
            scope_target,
            condition_unknown,
            copy_unknown,
            nested_scope: None,
            json,
            scope,
            copies: copies.clone(),
        });
        if let Some(serde_json::Value::Array(children)) = json.get("resources") {
            for child in children {
                self.expand_resource(
                    child,
                    Some((&resource_type, &name)),
                    None,
                    scope,
                    &copies,
                    depth + 1,
                )?;
            }
        }
        let nested = json
            .get("properties")
            .and_then(|p| p.get("template"))
            .filter(|t| t.is_object());
        if resource_type.eq_ignore_ascii_case("Microsoft.Resources/deployments")
            && let Some(template) = nested
        {
            let properties = json.get("properties").unwrap_or(&serde_json::Value::Null);
            let inner = properties
                .get("expressionEvaluationOptions")
                .and_then(|o| o.get("scope"))
                .and_then(serde_json::Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
            if inner {
                let mut given = BTreeMap::new();
                if let Some(serde_json::Value::Object(passed)) = properties.get("parameters") {
                    for (key, entry) in passed {
                        let value = match entry.get("value") {
                            Some(v) => self.eval_in(v, scope, &copies)?,
                            None => Val::unknown(
                                format!(
                                    "parameter `{key}` of deployment `{name}` comes from a reference"
                                ),
                                format!("{{{key}}}"),
                            ),
                        };
                        given.insert(key.to_ascii_lowercase(), value);
                    }
                }
                let inner_scope = self.scopes.len();
                self.scopes.push(Scope::new(template, given)?);
                self.resources[index].nested_scope = Some(inner_scope);
                self.expand_template(template, inner_scope, &[], depth + 1)?;
            } else {
                self.resources[index].nested_scope = Some(scope);
                // In the outer scope the nested template reads the parent's parameters and
                // variables; its outputs are read there too.
                self.expand_template(template, scope, &copies, depth + 1)?;
            }
        }
        Ok(())
    }

    /// The resource's evaluated properties (memoized), or an error for a broken expression.
    pub fn evaluate(&self, index: usize) -> Result<std::rc::Rc<Evaluated>, ImportError> {
        if let Some(Some(done)) = self.evaluated.borrow().get(index) {
            return Ok(std::rc::Rc::clone(done));
        }
        let resource = &self.resources[index];
        let env = self.env(resource.scope, &resource.copies);
        let mut mentions = Vec::new();
        let mut map = BTreeMap::new();
        // The last segment is the name the resource has in its parent (`GatewaySubnet`).
        let short_name = resource.name.rsplit('/').next().unwrap_or(&resource.name);
        map.insert("name".to_owned(), Val::Str(short_name.to_owned()));
        self.evaluating.borrow_mut().insert(index);
        let result = (|| {
            for key in ["properties", "sku", "kind", "identity"] {
                // A nested deployment's template is evaluated in its own scope, as its
                // resources are expanded; its parameters already were.
                if key == "properties" && resource.nested_scope.is_some() {
                    continue;
                }
                if let Some(json) = resource.json.get(key) {
                    let value = eval_tree(json, &env, key, &mut mentions, 0)?;
                    map.insert(key.to_owned(), value);
                }
            }
            Ok::<(), EvalError>(())
        })();
        self.evaluating.borrow_mut().remove(&index);
        result.map_err(|e| {
            ImportError::Expression(format!(
                "resource `{}` ({}): {}",
                resource.name, resource.resource_type, e.0
            ))
        })?;
        if let Some(target) = &resource.scope_target {
            mentions.push(Mention {
                path: "scope".to_owned(),
                target: target.clone(),
                credential: None,
            });
        }
        mentions.sort();
        mentions.dedup();
        let evaluated = std::rc::Rc::new(Evaluated {
            value: Val::Object(map),
            mentions,
        });
        if let Some(slot) = self.evaluated.borrow_mut().get_mut(index) {
            *slot = Some(std::rc::Rc::clone(&evaluated));
        }
        Ok(evaluated)
    }

    /// The resource a `reference()`, id or name points at, if the template declares it.
    pub fn find(&self, target: &str) -> Option<usize> {
        if let Some((resource_type, name)) = parse_resource_id(target) {
            return self.resources.iter().position(|r| {
                r.resource_type.eq_ignore_ascii_case(&resource_type)
                    && r.name.eq_ignore_ascii_case(&name)
            });
        }
        self.resources
            .iter()
            .position(|r| r.symbolic.as_deref() == Some(target))
            .or_else(|| {
                self.resources
                    .iter()
                    .position(|r| r.name.eq_ignore_ascii_case(target))
            })
    }

    fn reference(&self, target: &str) -> Result<Val, EvalError> {
        let Some(index) = self.find(target) else {
            return Ok(Val::unknown(
                format!("`reference` to `{target}`, which this template does not declare"),
                format!("{{reference {target}}}"),
            ));
        };
        if self.evaluating.borrow().contains(&index) {
            return Ok(Val::unknown(
                format!("`{target}` refers to itself through `reference`"),
                format!("{{reference {target}}}"),
            ));
        }
        let resource = &self.resources[index];
        if let Some(scope) = resource.nested_scope {
            return self.outputs(scope, &resource.name);
        }
        let evaluated = self.evaluate(index).map_err(|e| EvalError(e.to_string()))?;
        Ok(evaluated
            .value
            .get("properties")
            .cloned()
            .unwrap_or(Val::Object(BTreeMap::new())))
    }

    fn outputs(&self, scope: usize, deployment: &str) -> Result<Val, EvalError> {
        let Some(serde_json::Value::Object(outputs)) = self.scopes[scope].outputs else {
            return Ok(Val::unknown(
                format!("deployment `{deployment}` has no outputs"),
                "{outputs}",
            ));
        };
        let env = self.env(scope, &[]);
        let mut map = BTreeMap::new();
        for (name, output) in outputs {
            let value = eval_tree(output, &env, "outputs", &mut Vec::new(), 0)?;
            map.insert(name.clone(), value);
        }
        let mut result = BTreeMap::new();
        result.insert("outputs".to_owned(), Val::Object(map));
        Ok(Val::Object(result))
    }

    fn parameter(&self, scope: usize, name: &str) -> Result<Val, EvalError> {
        let key = name.to_ascii_lowercase();
        let data = &self.scopes[scope];
        match data.parameters.get(&key) {
            Some(ParameterSource::Given(v)) => Ok(v.clone()),
            Some(ParameterSource::Default(json)) => {
                self.cached(scope, &format!("parameter {key}"), name, |this| {
                    let env = this.env(scope, &[]);
                    eval_tree(json, &env, "", &mut Vec::new(), 0)
                })
            }
            Some(ParameterSource::Missing) => Ok(Val::unknown(
                format!("depends on parameter `{name}`, which has no value or default"),
                format!("{{{name}}}"),
            )),
            None => Err(EvalError(format!("parameter `{name}` is not declared"))),
        }
    }

    fn variable(&self, scope: usize, name: &str) -> Result<Val, EvalError> {
        let key = name.to_ascii_lowercase();
        let Some(source) = self.scopes[scope].variables.get(&key) else {
            return Err(EvalError(format!("variable `{name}` is not declared")));
        };
        self.cached(scope, &format!("variable {key}"), name, |this| match source {
            VariableSource::Plain(json) => {
                eval_tree(json, &this.env(scope, &[]), "", &mut Vec::new(), 0)
            }
            VariableSource::Copy(spec) => {
                let count = match spec.get("count") {
                    Some(c) => eval_tree(c, &this.env(scope, &[]), "", &mut Vec::new(), 0)?,
                    None => Val::Int(0),
                };
                let Val::Int(count) = count else {
                    return Ok(Val::unknown(
                        format!("the count of variable `{name}` is unknown"),
                        format!("{{{name}}}"),
                    ));
                };
                if !(0..=MAX_COPY_COUNT).contains(&count) {
                    return Err(EvalError(format!(
                        "variable `{name}` copies {count} items; Azure allows 0 to {MAX_COPY_COUNT}"
                    )));
                }
                let input = spec.get("input").unwrap_or(&serde_json::Value::Null);
                let mut items = Vec::new();
                for index in 0..count {
                    let copies = [(name.to_owned(), index)];
                    items.push(eval_tree(input, &this.env(scope, &copies), "", &mut Vec::new(), 0)?);
                }
                Ok(Val::Array(items))
            }
        })
    }

    /// Evaluates a parameter default or a variable once per scope, refusing cycles.
    fn cached(
        &self,
        scope: usize,
        key: &str,
        name: &str,
        compute: impl FnOnce(&Self) -> Result<Val, EvalError>,
    ) -> Result<Val, EvalError> {
        let data = &self.scopes[scope];
        if let Some(value) = data.cache.borrow().get(key) {
            return Ok(value.clone());
        }
        if data.in_progress.borrow().iter().any(|k| k == key) {
            let chain = data.in_progress.borrow().join(" → ");
            return Err(EvalError(format!(
                "`{name}` refers to itself ({chain} → {key})"
            )));
        }
        if data.in_progress.borrow().len() > expr::MAX_EXPRESSION_DEPTH {
            return Err(EvalError(format!(
                "variables and parameters refer to each other more than {} levels deep",
                expr::MAX_EXPRESSION_DEPTH
            )));
        }
        data.in_progress.borrow_mut().push(key.to_owned());
        let result = compute(self);
        data.in_progress.borrow_mut().pop();
        let value = result?;
        data.cache
            .borrow_mut()
            .insert(key.to_owned(), value.clone());
        Ok(value)
    }
}

impl<'t> Scope<'t> {
    fn new(
        template: &'t serde_json::Value,
        mut given: BTreeMap<String, Val>,
    ) -> Result<Self, ImportError> {
        let mut parameters = BTreeMap::new();
        if let Some(serde_json::Value::Object(declared)) = template.get("parameters") {
            for (name, declaration) in declared {
                let key = name.to_ascii_lowercase();
                let source = match (given.remove(&key), declaration.get("defaultValue")) {
                    (Some(value), _) => ParameterSource::Given(value),
                    (None, Some(default)) => ParameterSource::Default(default),
                    (None, None) => ParameterSource::Missing,
                };
                parameters.insert(key, source);
            }
        }
        let mut variables = BTreeMap::new();
        if let Some(serde_json::Value::Object(declared)) = template.get("variables") {
            for (name, value) in declared {
                if name == "copy"
                    && let serde_json::Value::Array(loops) = value
                {
                    for spec in loops {
                        let Some(loop_name) = spec.get("name").and_then(serde_json::Value::as_str)
                        else {
                            return Err(ImportError::Template(
                                "a variable `copy` entry has no `name`".to_owned(),
                            ));
                        };
                        variables
                            .insert(loop_name.to_ascii_lowercase(), VariableSource::Copy(spec));
                    }
                } else {
                    variables.insert(name.to_ascii_lowercase(), VariableSource::Plain(value));
                }
            }
        }
        Ok(Self {
            parameters,
            variables,
            cache: RefCell::new(BTreeMap::new()),
            in_progress: RefCell::new(Vec::new()),
            outputs: template.get("outputs"),
        })
    }
}

/// Parameter values from a parameters file: `{"parameters": {"x": {"value": ..}}}`, or the
/// `parameters` object on its own.
fn parameter_values(file: &serde_json::Value) -> Result<BTreeMap<String, Val>, ImportError> {
    let entries = file.get("parameters").unwrap_or(file);
    let serde_json::Value::Object(entries) = entries else {
        return Err(ImportError::Template(
            "the parameters file has no `parameters` object".to_owned(),
        ));
    };
    let mut values = BTreeMap::new();
    for (name, entry) in entries {
        if name.starts_with('$') || name == "contentVersion" {
            continue;
        }
        let value = match (entry.get("value"), entry.get("reference")) {
            (Some(v), _) => Val::from_json(v),
            (None, Some(_)) => Val::unknown(
                format!("parameter `{name}` is read from Key Vault at deployment"),
                format!("{{{name}}}"),
            ),
            (None, None) => {
                return Err(ImportError::Template(format!(
                    "parameter `{name}` in the parameters file has no `value`"
                )));
            }
        };
        values.insert(name.to_ascii_lowercase(), value);
    }
    Ok(values)
}

/// The expression environment of one resource (or of parameters and variables of a scope).
struct ResourceEnv<'a, 't> {
    expansion: &'a Expansion<'t>,
    scope: usize,
    copies: &'a [(String, i64)],
    mentions: RefCell<Vec<String>>,
}

impl Env for ResourceEnv<'_, '_> {
    fn parameter(&self, name: &str) -> Result<Val, EvalError> {
        self.expansion.parameter(self.scope, name)
    }

    fn variable(&self, name: &str) -> Result<Val, EvalError> {
        self.expansion.variable(self.scope, name)
    }

    fn copy_index(&self, name: Option<&str>) -> Option<i64> {
        match name {
            None => self.copies.last().map(|(_, i)| *i),
            Some(name) => self
                .copies
                .iter()
                .rev()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, i)| *i),
        }
    }

    fn reference(&self, target: &str) -> Result<Val, EvalError> {
        self.expansion.reference(target)
    }

    fn mention(&self, target: &str) {
        self.mentions.borrow_mut().push(target.to_owned());
    }
}

/// Evaluates every expression in a JSON tree, with property `copy` loops expanded, and notes
/// (by property path) which resources the values refer to.
fn eval_tree(
    json: &serde_json::Value,
    env: &ResourceEnv<'_, '_>,
    path: &str,
    mentions: &mut Vec<Mention>,
    depth: usize,
) -> Result<Val, EvalError> {
    // serde_json refuses deeper documents, so this only guards trees built by `json()`.
    if depth > 256 {
        return Err(EvalError("values are nested too deeply".to_owned()));
    }
    Ok(match json {
        serde_json::Value::String(text) => {
            let value = expr::eval_string(text, env)?;
            let credential = credential_in(text, &value);
            for target in env.mentions.borrow_mut().drain(..) {
                mentions.push(Mention {
                    path: path.to_owned(),
                    target,
                    credential,
                });
            }
            note_ids(&value, path, mentions);
            value
        }
        serde_json::Value::Array(items) => {
            let item_path = format!("{path}[*]");
            Val::Array(
                items
                    .iter()
                    .map(|item| eval_tree(item, env, &item_path, mentions, depth + 1))
                    .collect::<Result<_, _>>()?,
            )
        }
        serde_json::Value::Object(map) => {
            let mut out = BTreeMap::new();
            for (key, value) in map {
                if key == "copy"
                    && let serde_json::Value::Array(loops) = value
                    && loops.iter().all(|l| l.get("input").is_some())
                {
                    for spec in loops {
                        let (name, items) = property_copy(spec, env, path, mentions, depth)?;
                        out.insert(name, items);
                    }
                    continue;
                }
                let key_value = expr::eval_string(key, env)?;
                let key_text = key_value.to_text();
                let child_path = if path.is_empty() {
                    key_text.clone()
                } else {
                    format!("{path}.{key_text}")
                };
                // Keys can be resource ids too (user-assigned identities).
                note_ids(&key_value, path, mentions);
                env.mentions.borrow_mut().clear();
                out.insert(
                    key_text,
                    eval_tree(value, env, &child_path, mentions, depth + 1)?,
                );
            }
            Val::Object(out)
        }
        other => Val::from_json(other),
    })
}

fn property_copy(
    spec: &serde_json::Value,
    env: &ResourceEnv<'_, '_>,
    path: &str,
    mentions: &mut Vec<Mention>,
    depth: usize,
) -> Result<(String, Val), EvalError> {
    let name = spec
        .get("name")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("copy")
        .to_owned();
    let count = match spec.get("count") {
        Some(c) => eval_tree(c, env, path, &mut Vec::new(), depth + 1)?,
        None => Val::Int(0),
    };
    let item_path = if path.is_empty() {
        format!("{name}[*]")
    } else {
        format!("{path}.{name}[*]")
    };
    let count = match count {
        Val::Int(n) if (0..=MAX_COPY_COUNT).contains(&n) => n,
        Val::Int(n) => {
            return Err(EvalError(format!(
                "property copy `{name}` has a count of {n}; Azure allows 0 to {MAX_COPY_COUNT}"
            )));
        }
        other => {
            let reason = other.as_unknown().map_or_else(
                || "its count is not a number".to_owned(),
                |u| u.reason.clone(),
            );
            return Ok((name.clone(), Val::unknown(reason, format!("{{{name}}}"))));
        }
    };
    let input = spec.get("input").unwrap_or(&serde_json::Value::Null);
    let mut items = Vec::new();
    for index in 0..count {
        let mut copies = env.copies.to_vec();
        copies.push((name.clone(), index));
        let inner = ResourceEnv {
            expansion: env.expansion,
            scope: env.scope,
            copies: &copies,
            mentions: RefCell::new(Vec::new()),
        };
        items.push(eval_tree(input, &inner, &item_path, mentions, depth + 1)?);
    }
    Ok((name, Val::Array(items)))
}

fn note_ids(value: &Val, path: &str, mentions: &mut Vec<Mention>) {
    let target = match value {
        Val::Str(text) if parse_resource_id(text).is_some() => text,
        // A subnet of a network the template is given (`{vnetId}/subnets/snet-nodes`): its
        // name still tells which subnet the resource sits in.
        Val::Unknown(unknown)
            if unknown
                .placeholder
                .to_ascii_lowercase()
                .contains("/subnets/") =>
        {
            &unknown.placeholder
        }
        _ => return,
    };
    mentions.push(Mention {
        path: path.to_owned(),
        target: target.clone(),
        credential: None,
    });
}

/// The full type and name in a resource id (`…/providers/NS/t1/n1/t2/n2`), or in the relative
/// form `NS/t1/n1` that extension resources use as their `scope`.
pub fn parse_resource_id(text: &str) -> Option<(String, String)> {
    let lower = text.to_ascii_lowercase();
    let rest = match lower.rfind("/providers/") {
        Some(at) => &text[at + "/providers/".len()..],
        None if !text.starts_with('/') && text.contains('.') => text,
        None => return None,
    };
    let mut segments = rest.split('/').filter(|s| !s.is_empty());
    let namespace = segments.next()?;
    if !namespace.contains('.') {
        return None;
    }
    let rest: Vec<&str> = segments.collect();
    if rest.len() < 2 || !rest.len().is_multiple_of(2) {
        return None;
    }
    let types: Vec<&str> = rest.iter().step_by(2).copied().collect();
    let names: Vec<&str> = rest.iter().skip(1).step_by(2).copied().collect();
    Some((format!("{namespace}/{}", types.join("/")), names.join("/")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn connection_strings_say_how_their_caller_signs_in() {
        let text = |t: &str| Val::Str(t.to_owned());
        let sql = "Server=tcp:x,1433;User Id=admin;Password=secret;";
        assert_eq!(
            super::credential_in("[concat(...)]", &text(sql)),
            Some("Password")
        );
        assert_eq!(
            super::credential_in(
                "[concat('DefaultEndpointsProtocol=https;AccountKey=', listKeys(variables('st'), '2022-09-01').keys[0].value)]",
                &Val::Null
            ),
            Some("AccessKey")
        );
        assert_eq!(
            super::credential_in(
                "",
                &text(
                    "Endpoint=sb://n.servicebus.windows.net/;SharedAccessKeyName=a;SharedAccessKey=b"
                )
            ),
            Some("ConnectionString")
        );
        assert_eq!(
            super::credential_in(
                "",
                &text("Server=tcp:x;Authentication=Active Directory Managed Identity;")
            ),
            Some("ManagedIdentity")
        );
        assert_eq!(
            super::credential_in("[parameters('name')]", &text("plain")),
            None
        );
    }

    use super::*;

    #[test]
    fn resource_ids_parse_to_type_and_name() {
        assert_eq!(
            parse_resource_id(
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/s1"
            ),
            Some((
                "Microsoft.Network/virtualNetworks/subnets".to_owned(),
                "v/s1".to_owned()
            ))
        );
        assert_eq!(
            parse_resource_id("Microsoft.KeyVault/vaults/kv1"),
            Some(("Microsoft.KeyVault/vaults".to_owned(), "kv1".to_owned()))
        );
        assert_eq!(parse_resource_id("/subscriptions/s/resourceGroups/r"), None);
        assert_eq!(parse_resource_id("plain text"), None);
    }
}
