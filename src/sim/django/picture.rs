//! The Django pictures: the middleware onion with which layers a request has
//! crossed going in and coming out (`django`), and the QuerySets with their
//! result caches and the SQL they ran (`django-orm`), rebuilt from
//! [`DjangoEvent`]s.

use crate::i18n::Lang;
use crate::render::{truncate, width, Line, Role};
use crate::sim::picture::{line, span, text, Picture};
use crate::sim::Step;

use super::{DjangoEvent, LifecycleView, OrmView};

/// Which way a layer was last crossed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pass {
    In,
    Out,
}

/// The drawable state of a `django` session: the onion plus which layers the
/// current request has crossed, and how.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LifecyclePicture {
    /// The engine's view.
    pub view: LifecycleView,
    /// Per layer: crossed going in, crossed coming out.
    crossed: Vec<(bool, bool)>,
    last: Option<(usize, Pass)>,
}

impl LifecyclePicture {
    /// Apply one event: a new WSGI call starts a fresh crossing; a response
    /// phase or `start_response` crosses the current layer outwards, anything
    /// else inwards.
    pub fn apply_event(&mut self, e: &DjangoEvent) {
        self.view.apply(e);
        if self.crossed.len() != self.view.layers.len() {
            self.crossed = vec![(false, false); self.view.layers.len()];
        }
        if matches!(e, DjangoEvent::WsgiCall { .. }) {
            self.crossed.iter_mut().for_each(|c| *c = (false, false));
            self.last = None;
        }
        if let Some(cur) = self.view.current {
            let pass = match e {
                DjangoEvent::Response { .. } | DjangoEvent::StartResponse { .. } => Pass::Out,
                _ => Pass::In,
            };
            if let Some(c) = self.crossed.get_mut(cur) {
                match pass {
                    Pass::In => c.0 = true,
                    Pass::Out => c.1 = true,
                }
            }
            self.last = Some((cur, pass));
        }
    }
}

impl Picture for LifecyclePicture {
    fn apply(&mut self, step: &Step) {
        if let Some(e) = step.event_as::<DjangoEvent>() {
            self.apply_event(e);
        }
    }

    fn summary(&self) -> String {
        let v = &self.view;
        format!(
            "{} → {} · {} SQL",
            v.request.clone().unwrap_or_default(),
            v.status.map(|s| s.to_string()).unwrap_or_default(),
            v.query_count
        )
    }

    fn lines(&self, lang: Lang, width: usize, _height: usize) -> Vec<Line> {
        onion_lines(self, lang, width.max(10))
    }

    fn boxed(&self) -> Box<dyn Picture> {
        Box::new(self.clone())
    }
}

/// The drawable state of a `django-orm` session.
#[derive(Clone, Debug, Default)]
pub struct OrmPicture {
    /// The QuerySets as the events left them.
    pub view: OrmView,
}

impl Picture for OrmPicture {
    fn apply(&mut self, step: &Step) {
        if let Some(e) = step.event_as::<DjangoEvent>() {
            self.view.apply(e);
        }
    }

    fn summary(&self) -> String {
        let v = &self.view;
        format!(
            "{} queries · {}",
            v.total_queries,
            v.querysets.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    }

    fn lines(&self, lang: Lang, width: usize, _height: usize) -> Vec<Line> {
        orm_lines(&self.view, lang, width.max(10))
    }

    fn boxed(&self) -> Box<dyn Picture> {
        Box::new(self.clone())
    }
}

fn onion_lines(o: &LifecyclePicture, lang: Lang, w: usize) -> Vec<Line> {
    let v = &o.view;
    let mut out = Vec::new();
    let dim = Role::Dim;
    let hot = Role::Current;
    let req = v
        .request
        .clone()
        .unwrap_or_else(|| lang.pick("（还没有请求）", "(no request yet)").into());
    let status = v
        .status
        .map(|s| format!("  status {s}"))
        .unwrap_or_default();
    out.push(line(vec![
        span(req, Role::Heading(3)),
        span(status, Role::Title),
    ]));
    if let Some(route) = &v.route {
        out.push(text(
            format!(
                "route {route} → view {}",
                v.view.clone().unwrap_or_default()
            ),
            dim,
        ));
    }
    if v.layers.is_empty() {
        return out;
    }
    let depth_cap = (w.saturating_sub(30) / 2).max(1);
    for (i, layer) in v.layers.iter().enumerate() {
        let indent = "│ ".repeat(i.min(depth_cap));
        let (went_in, came_out) = o.crossed.get(i).copied().unwrap_or((false, false));
        let is_cur = v.current == Some(i);
        let arrow_in = if went_in { "→" } else { " " };
        let arrow_out = if came_out { "←" } else { " " };
        let name_style = if is_cur {
            hot
        } else if went_in || came_out {
            Role::Sim
        } else {
            dim
        };
        let style = layer
            .style
            .as_ref()
            .map(|s| {
                format!(
                    " ({})",
                    serde_json::to_value(s)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default()
                )
            })
            .unwrap_or_default();
        let mut spans = vec![
            span(indent, dim),
            span(format!("{arrow_in}{arrow_out} "), Role::Marker),
            span(truncate(&layer.name, 28), name_style),
            span(style, dim),
        ];
        if is_cur {
            if let Some(h) = &v.hook {
                spans.push(span(
                    format!("  {}", truncate(h, w.saturating_sub(40).max(10))),
                    hot,
                ));
            }
        }
        out.push(line(spans));
    }
    out.push(Line::default());
    out.push(text(
        format!("SQL: {} queries", v.query_count),
        Role::Heading(3),
    ));
    for (i, q) in v
        .sql
        .iter()
        .enumerate()
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        out.push(text(truncate(&format!("{:>2}. {q}", i + 1), w), Role::Code));
    }
    out
}

fn orm_lines(v: &OrmView, lang: Lang, w: usize) -> Vec<Line> {
    let mut out = Vec::new();
    let dim = Role::Dim;
    out.push(line(vec![
        span(
            format!("{} authors, {} books", v.authors, v.books),
            Role::Heading(3),
        ),
        span(
            format!(
                "   queries this command {}, total {}",
                v.query_count, v.total_queries
            ),
            dim,
        ),
    ]));
    out.push(Line::default());
    if v.querysets.is_empty() {
        out.push(text(
            lang.pick(
                "（还没有 QuerySet：`let qs = Book.objects.all()` 定义一个，但不执行）",
                "(no QuerySet yet: `let qs = Book.objects.all()` defines one, lazily)",
            ),
            dim,
        ));
    }
    for (name, qs) in &v.querysets {
        let cache = match qs.cached {
            Some(n) => format!("{} {n}", lang.pick("已缓存行数", "cached rows")),
            None => lang.pick("未求值", "not evaluated").into(),
        };
        out.push(line(vec![
            span(format!("{name} = "), Role::Title),
            span(
                truncate(&qs.chain, w.saturating_sub(width(name) + 22)),
                Role::Body,
            ),
            span(
                format!("  [{cache}]"),
                if qs.cached.is_some() { Role::Sim } else { dim },
            ),
        ]));
    }
    out.push(Line::default());
    out.push(text(
        format!("SQL of this command: {}", v.query_count),
        Role::Heading(3),
    ));
    for (i, q) in v.sql.iter().enumerate() {
        out.push(text(truncate(&format!("{:>2}. {q}", i + 1), w), Role::Code));
    }
    if let Some(h) = &v.hook {
        out.push(Line::default());
        out.push(text(truncate(h, w), Role::Current));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::sim::picture::drawn;

    fn layer<'a>(l: &'a [String], name: &str) -> &'a str {
        l.iter()
            .find(|x| x.trim_end().ends_with(name) || x.contains(&format!("{name} (")))
            .unwrap_or_else(|| panic!("{name}: {l:?}"))
    }

    #[test]
    fn a_normal_request_crosses_every_middleware_in_and_out() {
        let (pic, l) = drawn(&super::super::INFO, &["GET /hello/"], None, 100);
        assert_eq!(l[0], "GET /hello/  status 200");
        assert!(layer(&l, "SecurityMiddleware").contains("→←"));
        assert!(layer(&l, "Gate").contains("→←"));
        assert!(layer(&l, "view").contains("→ "));
        assert!(pic.summary().starts_with("GET /hello/ → 200"));
    }

    #[test]
    fn a_short_circuit_never_reaches_the_inner_layers() {
        let (_, l) = drawn(&super::super::INFO, &["GET /private/"], None, 100);
        assert!(l[0].ends_with("status 403"), "{l:?}");
        // The Gate answered on the way in and still ran its response phase.
        assert!(layer(&l, "Gate").contains("→←"));
        assert!(!layer(&l, "view").contains('→'), "{l:?}");
        assert!(!layer(&l, "URL resolver").contains('→'), "{l:?}");
    }

    #[test]
    fn a_second_request_starts_a_fresh_crossing() {
        let (_, l) = drawn(
            &super::super::INFO,
            &["GET /private/", "GET /hello/"],
            None,
            100,
        );
        assert!(layer(&l, "view").contains('→'), "{l:?}");
    }

    #[test]
    fn n_plus_one_shows_one_query_per_row_and_the_cache() {
        let cmds = ["let qs = Book.objects.all()", "list qs .author.name"];
        let (pic, l) = drawn(&super::super::ORM_INFO, &cmds, None, 100);
        assert!(l
            .iter()
            .any(|x| x.contains("qs = ") && x.contains("[cached rows 10]")));
        assert!(l.iter().any(|x| x == "SQL of this command: 11"), "{l:?}");
        assert!(pic.summary().starts_with("11 queries"));
        // Defined but not evaluated: no SQL yet.
        let (_, l) = drawn(&super::super::ORM_INFO, &cmds[..1], None, 100);
        assert!(l.iter().any(|x| x.contains("[not evaluated]")), "{l:?}");
    }
}
