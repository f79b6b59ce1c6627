//! What the simulation screens draw, rebuilt from events alone.
//!
//! [`LifecycleView`] is the onion (WSGI, each middleware, resolver, view,
//! template, ORM) with the layer the current event happened in, the request,
//! the status so far, and the SQL list with its running count. [`OrmView`] is
//! the named QuerySets with their cache state and the SQL of the last command.
//! Both have `apply(&event)`, and both can be taken from the real engine
//! (`from_handler`, `from_session`); tests check that the two agree after
//! every command.

use super::events::{DjangoEvent, LayerInfo, ReqOutcome, RespOutcome, ViewOutcome};
use super::handler::{layers_of, Handler};
use crate::sim::trace::Observer;
use serde::Serialize;
use std::collections::BTreeMap;

/// The request-lifecycle screen's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LifecycleView {
    /// The onion's layers, outermost first.
    pub layers: Vec<LayerInfo>,
    /// Index into `layers` of the layer the current event happened in.
    pub current: Option<usize>,
    /// The current event in the event grammar.
    pub hook: Option<String>,
    /// `METHOD PATH` of the request in flight (or the last one).
    pub request: Option<String>,
    /// The route the resolver matched, if any.
    pub route: Option<String>,
    /// The view the resolver picked, if any.
    pub view: Option<String>,
    /// The response status as it stands.
    pub status: Option<u16>,
    /// SQL run during the request, in order.
    pub sql: Vec<String>,
    /// Running query count of the request.
    pub query_count: usize,
    /// Requests finished.
    pub served: u64,
}

impl LifecycleView {
    fn mws(&self) -> usize {
        self.layers.len().saturating_sub(5)
    }

    fn at_kind(&self, kind: &str) -> Option<usize> {
        self.layers.iter().position(|l| l.kind == kind)
    }

    /// Apply one event.
    pub fn apply(&mut self, e: &DjangoEvent) {
        use DjangoEvent::*;
        let n = self.mws();
        self.hook = Some(e.to_string());
        match e {
            MiddlewareInit { mw, .. } => self.current = Some(1 + mw),
            HandlerReady { layers } => {
                self.layers = layers.clone();
                self.current = None;
            }
            WsgiCall { method, path } => {
                self.current = Some(0);
                self.request = Some(format!("{method} {path}"));
                self.route = None;
                self.view = None;
                self.status = None;
                self.sql.clear();
                self.query_count = 0;
            }
            Signal { name } => {
                self.current = Some(0);
                if name == "request_finished" {
                    self.served += 1;
                }
            }
            Request { mw, outcome, .. } => {
                self.current = Some(1 + mw);
                if let ReqOutcome::Respond(s) = outcome {
                    self.status = Some(*s);
                }
            }
            Resolve { view, route, .. } => {
                self.current = self.at_kind("resolver");
                self.view = view.clone();
                self.route = route.clone();
            }
            ProcessView { mw, result, .. } | ProcessException { mw, result, .. } => {
                self.current = Some(1 + mw);
                if let Some(s) = result {
                    self.status = Some(*s);
                }
            }
            View { outcome, .. } => {
                self.current = self.at_kind("view");
                match outcome {
                    ViewOutcome::Response(s) => self.status = Some(*s),
                    ViewOutcome::Template(_) => self.status = Some(200),
                    _ => {}
                }
            }
            CheckResponse { .. } => self.current = self.at_kind("view"),
            ProcessTemplateResponse { mw, .. } => self.current = Some(1 + mw),
            TemplateRender { .. } | TemplateFailed { .. } => {
                self.current = self.at_kind("template")
            }
            ResponseForException { layer, status, .. } => {
                self.current = if *layer < n {
                    Some(1 + layer)
                } else {
                    self.at_kind("resolver")
                };
                self.status = Some(*status);
            }
            Log { .. } => {}
            Response {
                mw,
                status,
                outcome,
                ..
            } => {
                self.current = Some(1 + mw);
                self.status = Some(match outcome {
                    RespOutcome::Replaced(s) => *s,
                    _ => *status,
                });
            }
            StartResponse { status, .. } => {
                self.current = Some(0);
                self.status = Some(*status);
            }
            WsgiIterated { .. } | WsgiClose => self.current = Some(0),
            Sql { sql, .. } => {
                self.current = self.at_kind("orm");
                self.sql.push(sql.clone());
                self.query_count += 1;
            }
            ResultCache { .. }
            | CacheHit { .. }
            | Prefetch { .. }
            | ForeignKey { .. }
            | ReverseSet { .. } => {
                self.current = self.at_kind("orm");
            }
            QuerySetDefined { .. } | Seeded { .. } | OrmCommand { .. } => {}
        }
    }

    /// The view of a real handler at rest (between requests).
    pub fn from_handler<O: Observer<DjangoEvent>>(h: &Handler<O>) -> LifecycleView {
        let layers = layers_of(&h.project);
        let mut v = LifecycleView {
            served: h.served,
            ..LifecycleView::default()
        };
        match &h.last {
            None => {
                v.hook = Some(
                    DjangoEvent::HandlerReady {
                        layers: layers.clone(),
                    }
                    .to_string(),
                );
            }
            Some(s) => {
                v.current = Some(0);
                v.hook = Some("signal.request_finished".into());
                v.request = Some(format!("{} {}", s.method, s.path));
                v.route = s.resolver_match.as_ref().map(|m| m.route.clone());
                v.view = s.resolver_match.as_ref().map(|m| m.view.clone());
                v.status = Some(s.status);
                v.sql = s.sql.clone();
                v.query_count = s.sql.len();
            }
        }
        v.layers = layers;
        v
    }
}

/// One named QuerySet on the ORM screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QsView {
    /// Its chain, e.g. `Book.objects.select_related('author')`.
    pub chain: String,
    /// `_result_cache` length, or `None` while unevaluated.
    pub cached: Option<usize>,
}

/// The ORM screen's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OrmView {
    /// Named QuerySets.
    pub querysets: BTreeMap<String, QsView>,
    /// SQL of the current command.
    pub sql: Vec<String>,
    /// Queries of the current command.
    pub query_count: usize,
    /// Queries since the session started.
    pub total_queries: u64,
    /// Dataset size: authors.
    pub authors: usize,
    /// Dataset size: books.
    pub books: usize,
    /// The current event in the event grammar.
    pub hook: Option<String>,
}

impl OrmView {
    /// Apply one event.
    pub fn apply(&mut self, e: &DjangoEvent) {
        use DjangoEvent::*;
        self.hook = Some(e.to_string());
        match e {
            OrmCommand { .. } => {
                self.sql.clear();
                self.query_count = 0;
            }
            Seeded { authors, books } => {
                self.authors = *authors;
                self.books = *books;
                self.querysets.clear();
            }
            QuerySetDefined { name, chain } => {
                self.querysets.insert(
                    name.clone(),
                    QsView {
                        chain: chain.clone(),
                        cached: None,
                    },
                );
            }
            ResultCache { name, rows } => {
                if let Some(q) = self.querysets.get_mut(name) {
                    q.cached = Some(*rows);
                }
            }
            Sql { sql, .. } => {
                self.sql.push(sql.clone());
                self.query_count += 1;
                self.total_queries += 1;
            }
            _ => {}
        }
    }
}
