//! The project a request runs through, as the simulation takes it (YAML):
//! `settings`, the `MIDDLEWARE` list, the URLconf (`path()` routes and
//! `include()`s) and the views, checked when the project loads as Django
//! checks them at startup.

use serde::Deserialize;
use std::collections::BTreeMap;

use super::middleware::{Mw, EXCEPTIONS};
use super::template::TValue;
use super::urls::{RoutePattern, UrlEntry};

/// The template the ORM views render.
pub const BOOKS_HTML: &str =
    "<ul>{% for b in books %}<li>{{ b.title }} by {{ b.author.name }}</li>{% endfor %}</ul>\n";
/// A default page template.
pub const PAGE_HTML: &str = "<h1>{{ title }}</h1>\n{% if items %}<ul>{% for it in items %}<li>{{ forloop.counter }}. {{ it }}</li>{% endfor %}</ul>{% else %}<p>empty</p>{% endif %}\n<p>ptr={% for p in ptr %}{{ p }}{% if not forloop.last %},{% endif %}{% endfor %}</p>\n";

/// `settings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `DEBUG` (technical pages are not reproduced; statuses and order are).
    #[serde(default)]
    pub debug: bool,
    /// `APPEND_SLASH`.
    #[serde(default = "yes")]
    pub append_slash: bool,
}

fn yes() -> bool {
    true
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            debug: false,
            append_slash: true,
        }
    }
}

/// What a view does.
#[derive(Clone, Debug, PartialEq)]
pub enum ViewKind {
    /// `return HttpResponse(status=S)`, or `return None`.
    Returns(Option<u16>),
    /// `raise Exc(...)`.
    Raises(String),
    /// `return TemplateResponse(request, name, context)`.
    Template(String, Vec<(String, TValue)>),
    /// A book list page rendered from a lazy QuerySet.
    Orm {
        /// `select_related('author')`.
        select_related: bool,
        /// `prefetch_related('author')`.
        prefetch_related: bool,
    },
}

/// A view.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewDef {
    /// What it does.
    pub kind: ViewKind,
    /// `@csrf_exempt`.
    pub csrf_exempt: bool,
    /// `@no_append_slash`.
    pub no_append_slash: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ViewYaml {
    returns: Option<serde_json::Value>,
    raises: Option<String>,
    template: Option<String>,
    context: Option<serde_json::Value>,
    orm: Option<String>,
    #[serde(default)]
    csrf_exempt: bool,
    #[serde(default)]
    no_append_slash: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteYaml {
    path: Option<String>,
    view: Option<String>,
    name: Option<String>,
    include: Option<String>,
    routes: Option<Vec<RouteYaml>>,
}

/// The whole config (`--config` YAML).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigYaml {
    #[serde(default)]
    middleware: Vec<serde_json::Value>,
    #[serde(default)]
    routes: Vec<RouteYaml>,
    #[serde(default)]
    views: BTreeMap<String, ViewYaml>,
    #[serde(default)]
    templates: BTreeMap<String, String>,
    #[serde(default)]
    settings: Settings,
}

/// A parsed, validated project: middleware, urlconf, views, templates, settings.
#[derive(Clone, Debug)]
pub struct Project {
    /// `MIDDLEWARE`, outermost first.
    pub middleware: Vec<Mw>,
    /// `urlpatterns`.
    pub urls: Vec<UrlEntry>,
    /// Views by name.
    pub views: BTreeMap<String, ViewDef>,
    /// Template sources by name (plus the built-in `page.html` and `books.html`).
    pub templates: BTreeMap<String, String>,
    /// Settings.
    pub settings: Settings,
}

const MAX_ROUTES: usize = 1000;

fn build_routes(
    list: &[RouteYaml],
    views: &BTreeMap<String, ViewDef>,
    count: &mut usize,
    depth: usize,
) -> Result<Vec<UrlEntry>, String> {
    if depth > 16 {
        return Err("routes: include nesting deeper than 16".into());
    }
    let mut out = Vec::new();
    for r in list {
        *count += 1;
        if *count > MAX_ROUTES {
            return Err(format!("routes: more than {MAX_ROUTES} entries"));
        }
        match (&r.path, &r.include) {
            (Some(p), None) => {
                if r.routes.is_some() {
                    return Err(format!("route {p:?}: 'routes' belongs to an include"));
                }
                let view = r
                    .view
                    .clone()
                    .ok_or_else(|| format!("route {p:?}: missing 'view'"))?;
                if !views.contains_key(&view) {
                    return Err(format!(
                        "route {p:?}: view {view:?} is not defined under 'views'"
                    ));
                }
                out.push(UrlEntry::Pattern {
                    pattern: RoutePattern::new(p, true)?,
                    view,
                    name: r.name.clone(),
                });
            }
            (None, Some(prefix)) => {
                let children = r
                    .routes
                    .as_ref()
                    .ok_or_else(|| format!("include {prefix:?}: missing 'routes'"))?;
                out.push(UrlEntry::Include {
                    pattern: RoutePattern::new(prefix, false)?,
                    children: build_routes(children, views, count, depth + 1)?,
                });
            }
            (Some(p), Some(_)) => {
                return Err(format!(
                    "route {p:?}: give either 'path' or 'include', not both"
                ))
            }
            (None, None) => return Err("route: needs 'path' (with 'view') or 'include'".into()),
        }
    }
    Ok(out)
}

impl Project {
    /// Parse and validate a YAML config.
    pub fn from_yaml(text: &str) -> Result<Project, String> {
        let c: ConfigYaml = crate::yaml::parse(text).map_err(|e| format!("config: {e}"))?;
        if c.middleware.len() > 64 {
            return Err("middleware: at most 64 entries".into());
        }
        let mut middleware = Vec::new();
        for m in &c.middleware {
            let mw = Mw::from_yaml(m)?;
            if middleware.iter().any(|x: &Mw| x.name == mw.name) {
                return Err(format!("middleware {:?} is listed twice", mw.name));
            }
            middleware.push(mw);
        }
        let mut views = BTreeMap::new();
        for (name, v) in &c.views {
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
            if !valid {
                return Err(format!("view name {name:?}: use letters, digits and '_'"));
            }
            let set = [
                v.returns.is_some(),
                v.raises.is_some(),
                v.template.is_some(),
                v.orm.is_some(),
            ]
            .iter()
            .filter(|b| **b)
            .count();
            if set != 1 {
                return Err(format!(
                    "view {name:?}: give exactly one of returns, raises, template, orm"
                ));
            }
            if v.context.is_some() && v.template.is_none() {
                return Err(format!("view {name:?}: 'context' needs 'template'"));
            }
            let kind = if let Some(r) = &v.returns {
                match r {
                    serde_json::Value::Null => ViewKind::Returns(None),
                    serde_json::Value::String(s) if s.eq_ignore_ascii_case("none") => {
                        ViewKind::Returns(None)
                    }
                    other => {
                        let s = other
                            .as_u64()
                            .filter(|s| (100..=599).contains(s))
                            .ok_or_else(|| {
                                format!("view {name:?}: returns must be a status 100..599 or none")
                            })?;
                        ViewKind::Returns(Some(s as u16))
                    }
                }
            } else if let Some(e) = &v.raises {
                if !EXCEPTIONS.contains(&e.as_str()) {
                    return Err(format!(
                        "view {name:?}: unknown exception {e:?} (one of {})",
                        EXCEPTIONS.join(", ")
                    ));
                }
                ViewKind::Raises(e.clone())
            } else if let Some(t) = &v.template {
                let ctx = match &v.context {
                    None => Vec::new(),
                    Some(serde_json::Value::Object(_)) => match TValue::from_yaml(
                        v.context.as_ref().unwrap_or(&serde_json::Value::Null),
                    ) {
                        TValue::Map(m) => m,
                        _ => Vec::new(),
                    },
                    Some(_) => return Err(format!("view {name:?}: context must be a mapping")),
                };
                ViewKind::Template(t.clone(), ctx)
            } else {
                let mode = v.orm.as_deref().unwrap_or_default();
                let (s, p) = match mode {
                    "naive" => (false, false),
                    "select_related" => (true, false),
                    "prefetch_related" => (false, true),
                    other => {
                        return Err(format!(
                            "view {name:?}: orm {other:?} is not naive, select_related or prefetch_related"
                        ))
                    }
                };
                ViewKind::Orm {
                    select_related: s,
                    prefetch_related: p,
                }
            };
            views.insert(
                name.clone(),
                ViewDef {
                    kind,
                    csrf_exempt: v.csrf_exempt,
                    no_append_slash: v.no_append_slash,
                },
            );
        }
        let mut count = 0;
        let urls = build_routes(&c.routes, &views, &mut count, 0)?;
        let mut templates = BTreeMap::new();
        templates.insert("page.html".to_string(), PAGE_HTML.to_string());
        templates.insert("books.html".to_string(), BOOKS_HTML.to_string());
        for (k, v) in c.templates {
            templates.insert(k, v);
        }
        Ok(Project {
            middleware,
            urls,
            views,
            templates,
            settings: c.settings,
        })
    }
}
