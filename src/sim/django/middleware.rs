//! Middleware definitions: the seven defaults of `startproject` and
//! configurable custom ones.
//!
//! A custom middleware is described by what it does on which path: answer in
//! its request phase (`respond_in_request`), raise there (`raise_in_request`),
//! answer from `process_view` (`respond_in_view`), turn a view's exception into
//! a response (`handle_exception`), or raise in its response phase
//! (`raise_in_response`). `style: old` makes it a `MiddlewareMixin` subclass, so
//! a short circuit in `process_request` still runs its own `process_response`.
//! Which of `process_view`, `process_exception` and `process_template_response`
//! it defines (all three unless `hooks` says otherwise) decides whether
//! `load_middleware` registers them, as Django's `hasattr` check does.
//!
//! The defaults are simulated with the behaviour the spec describes: Security
//! adds its headers, Common does APPEND_SLASH and Content-Length, CSRF rejects
//! unsafe methods without a cookie in `process_view`, Authentication and
//! Messages need the session, X-Frame-Options adds `DENY`.

use super::events::Style;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Exception classes a config may name.
pub const EXCEPTIONS: &[&str] = &[
    "ValueError",
    "KeyError",
    "TypeError",
    "RuntimeError",
    "ZeroDivisionError",
    "Http404",
    "PermissionDenied",
    "BadRequest",
    "SuspiciousOperation",
    "DisallowedHost",
];

/// One of the seven middlewares `startproject` lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `django.middleware.security.SecurityMiddleware`
    Security,
    /// `django.contrib.sessions.middleware.SessionMiddleware`
    Session,
    /// `django.middleware.common.CommonMiddleware`
    Common,
    /// `django.middleware.csrf.CsrfViewMiddleware`
    Csrf,
    /// `django.contrib.auth.middleware.AuthenticationMiddleware`
    Authentication,
    /// `django.contrib.messages.middleware.MessageMiddleware`
    Messages,
    /// `django.middleware.clickjacking.XFrameOptionsMiddleware`
    XFrame,
}

/// The default `MIDDLEWARE` of a new project, outermost first.
pub const DEFAULT_MIDDLEWARE: &[&str] = &[
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
];

impl Builtin {
    /// Look up a dotted path.
    pub fn from_path(path: &str) -> Option<Builtin> {
        let i = DEFAULT_MIDDLEWARE.iter().position(|p| *p == path)?;
        Some(
            [
                Builtin::Security,
                Builtin::Session,
                Builtin::Common,
                Builtin::Csrf,
                Builtin::Authentication,
                Builtin::Messages,
                Builtin::XFrame,
            ][i],
        )
    }

    /// The class name.
    pub fn class(self) -> &'static str {
        match self {
            Builtin::Security => "SecurityMiddleware",
            Builtin::Session => "SessionMiddleware",
            Builtin::Common => "CommonMiddleware",
            Builtin::Csrf => "CsrfViewMiddleware",
            Builtin::Authentication => "AuthenticationMiddleware",
            Builtin::Messages => "MessageMiddleware",
            Builtin::XFrame => "XFrameOptionsMiddleware",
        }
    }
}

/// A custom middleware, as written in the config.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Custom {
    /// Its name (used in events, e.g. `M1`).
    pub name: String,
    /// `new` (default) or `old` (`MiddlewareMixin`).
    #[serde(default)]
    pub style: Style,
    /// Request path → status to answer with in the request phase.
    #[serde(default)]
    pub respond_in_request: BTreeMap<String, u16>,
    /// Request path → exception class to raise in the request phase.
    #[serde(default)]
    pub raise_in_request: BTreeMap<String, String>,
    /// Request path → status `process_view` answers with.
    #[serde(default)]
    pub respond_in_view: BTreeMap<String, u16>,
    /// Paths whose view exceptions `process_exception` turns into a 200.
    #[serde(default)]
    pub handle_exception: Vec<String>,
    /// Request path → exception class to raise in the response phase.
    #[serde(default)]
    pub raise_in_response: BTreeMap<String, String>,
    /// Which optional hooks it defines: any of `view`, `exception`, `template`
    /// (default: all three).
    #[serde(default)]
    pub hooks: Option<Vec<String>>,
}

/// What kind of middleware a layer is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MwKind {
    /// One of the seven defaults.
    Builtin(Builtin),
    /// A configured one.
    Custom(Custom),
}

/// One entry of `MIDDLEWARE`, ready to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mw {
    /// Display name.
    pub name: String,
    /// What it is.
    pub kind: MwKind,
    /// New-style or `MiddlewareMixin`.
    pub style: Style,
    /// Defines `process_view`.
    pub has_view: bool,
    /// Defines `process_exception`.
    pub has_exception: bool,
    /// Defines `process_template_response`.
    pub has_template: bool,
}

fn check_status(s: u16, what: &str) -> Result<(), String> {
    if (100..=599).contains(&s) {
        Ok(())
    } else {
        Err(format!("{what}: status {s} is not between 100 and 599"))
    }
}

fn check_exc(e: &str, what: &str) -> Result<(), String> {
    if EXCEPTIONS.contains(&e) {
        Ok(())
    } else {
        Err(format!(
            "{what}: unknown exception {e:?} (one of {})",
            EXCEPTIONS.join(", ")
        ))
    }
}

impl Mw {
    /// Build from one YAML entry: a dotted path or a custom mapping.
    pub fn from_yaml(v: &serde_json::Value) -> Result<Mw, String> {
        if let Some(path) = v.as_str() {
            let b = Builtin::from_path(path).ok_or_else(|| {
                format!(
                    "middleware {path:?}: not one of the default middlewares ({})",
                    DEFAULT_MIDDLEWARE.join(", ")
                )
            })?;
            return Ok(Mw {
                name: b.class().to_string(),
                kind: MwKind::Builtin(b),
                style: Style::Old,
                has_view: b == Builtin::Csrf,
                has_exception: false,
                has_template: false,
            });
        }
        let c: Custom =
            serde_json::from_value(v.clone()).map_err(|e| format!("middleware: {e}"))?;
        let ok_name = !c.name.is_empty()
            && c.name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
        if !ok_name {
            return Err(format!(
                "middleware name {:?}: use letters, digits and '_'",
                c.name
            ));
        }
        let what = format!("middleware {}", c.name);
        for s in c
            .respond_in_request
            .values()
            .chain(c.respond_in_view.values())
        {
            check_status(*s, &what)?;
        }
        for e in c
            .raise_in_request
            .values()
            .chain(c.raise_in_response.values())
        {
            check_exc(e, &what)?;
        }
        let hooks = c
            .hooks
            .clone()
            .unwrap_or_else(|| vec!["view".into(), "exception".into(), "template".into()]);
        for h in &hooks {
            if !["view", "exception", "template"].contains(&h.as_str()) {
                return Err(format!(
                    "{what}: unknown hook {h:?} (view, exception, template)"
                ));
            }
        }
        let has = |h: &str| hooks.iter().any(|x| x == h);
        Ok(Mw {
            name: c.name.clone(),
            style: c.style,
            has_view: has("view"),
            has_exception: has("exception"),
            has_template: has("template"),
            kind: MwKind::Custom(c),
        })
    }

    /// The optional hooks it defines, by Django name.
    pub fn hook_names(&self) -> Vec<String> {
        let mut v = Vec::new();
        if self.has_view {
            v.push("process_view".to_string());
        }
        if self.has_exception {
            v.push("process_exception".to_string());
        }
        if self.has_template {
            v.push("process_template_response".to_string());
        }
        v
    }
}
