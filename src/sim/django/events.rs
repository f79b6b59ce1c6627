//! The events the Django engines emit, and their one-line grammar.
//!
//! Every event renders as a short line in the grammar the notes use
//! (`M1.request -> response(403)`, `view.boom -> raise ValueError`,
//! `wsgi.start_response(200 OK)`); the typed enum keeps the details a view needs
//! (which layer, which status) so the onion can be redrawn from the events alone.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How a middleware was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    /// A plain factory `f(get_response) -> callable`.
    #[default]
    New,
    /// A `MiddlewareMixin` subclass with `process_request` / `process_response`.
    Old,
}

/// One layer of the onion as the view draws it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerInfo {
    /// Display name (`WSGI`, a middleware's name, `URL resolver`, ...).
    pub name: String,
    /// `wsgi`, `middleware`, `resolver`, `view`, `template` or `orm`.
    pub kind: String,
    /// For middleware: `new` or `old`.
    pub style: Option<Style>,
    /// For middleware: which optional hooks it defines
    /// (`process_view`, `process_exception`, `process_template_response`).
    pub hooks: Vec<String>,
}

/// What a middleware's request phase did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ReqOutcome {
    /// Called inward (`get_response`).
    Continue,
    /// Returned a response without calling inward (a short circuit).
    Respond(u16),
    /// Raised an exception.
    Raise(String),
}

/// What a middleware's response phase did with the response it got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum RespOutcome {
    /// Passed the same response object on (maybe with headers added).
    Same,
    /// Returned a new response with this status.
    Replaced(u16),
    /// Raised an exception.
    Raise(String),
}

/// What the view did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ViewOutcome {
    /// Returned an `HttpResponse` with this status.
    Response(u16),
    /// Returned an unrendered `TemplateResponse` for this template.
    Template(String),
    /// Returned `None`.
    ReturnedNone,
    /// Raised an exception.
    Raise(String),
}

/// Everything the request-lifecycle and ORM engines report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DjangoEvent {
    /// `load_middleware` called a middleware factory (innermost first, once).
    MiddlewareInit {
        /// Settings index (0 = outermost).
        mw: usize,
        /// The middleware's name.
        name: String,
    },
    /// The onion is built; these are its layers, outermost first.
    HandlerReady {
        /// WSGI, each middleware, resolver, view, template, ORM.
        layers: Vec<LayerInfo>,
    },
    /// The WSGI server called the handler.
    WsgiCall {
        /// Request method.
        method: String,
        /// Request path (with query string, as requested).
        path: String,
    },
    /// A signal was sent.
    Signal {
        /// `request_started`, `request_finished` or `got_request_exception`.
        name: String,
    },
    /// A middleware's request phase.
    Request {
        /// Settings index.
        mw: usize,
        /// Its name.
        name: String,
        /// What it did.
        outcome: ReqOutcome,
    },
    /// `resolve_request`: the URL resolver ran.
    Resolve {
        /// The path resolved.
        path: String,
        /// The view it matched, or `None` for a `Resolver404`.
        view: Option<String>,
        /// The matched route.
        route: Option<String>,
    },
    /// A `process_view` hook (settings order).
    ProcessView {
        /// Settings index.
        mw: usize,
        /// Its name.
        name: String,
        /// The view about to be called.
        view: String,
        /// `Some(status)` when it returned a response (the view is skipped).
        result: Option<u16>,
    },
    /// The view ran.
    View {
        /// The view's name.
        name: String,
        /// What it did.
        outcome: ViewOutcome,
    },
    /// `check_response` refused what the view chain produced.
    CheckResponse {
        /// The view's name.
        view: String,
        /// The exception it raised (`ValueError`).
        exc: String,
    },
    /// A `process_exception` hook (reverse settings order).
    ProcessException {
        /// Settings index.
        mw: usize,
        /// Its name.
        name: String,
        /// The exception class.
        exc: String,
        /// `Some(status)` when it returned a response (later hooks are skipped).
        result: Option<u16>,
    },
    /// A `process_template_response` hook (reverse settings order).
    ProcessTemplateResponse {
        /// Settings index.
        mw: usize,
        /// Its name.
        name: String,
        /// The template name.
        template: String,
    },
    /// `TemplateResponse.render()` started rendering this template.
    TemplateRender {
        /// The template name.
        name: String,
    },
    /// Rendering raised.
    TemplateFailed {
        /// The template name.
        name: String,
        /// The exception class.
        exc: String,
    },
    /// `response_for_exception` turned an exception into a response.
    ResponseForException {
        /// The layer whose wrapper caught it: a settings index, or the number of
        /// middlewares for the innermost wrapper around `_get_response`.
        layer: usize,
        /// The exception class.
        exc: String,
        /// The status of the response it built.
        status: u16,
    },
    /// A log record on one of Django's loggers.
    Log {
        /// `WARNING` or `ERROR`.
        level: String,
        /// The logger (`django.request`, `django.security.csrf`, ...).
        logger: String,
        /// The formatted message.
        message: String,
    },
    /// A middleware's response phase.
    Response {
        /// Settings index.
        mw: usize,
        /// Its name.
        name: String,
        /// Status of the response it received.
        status: u16,
        /// What it did with it.
        outcome: RespOutcome,
    },
    /// The handler called `start_response`.
    StartResponse {
        /// Status code.
        status: u16,
        /// Reason phrase.
        reason: String,
    },
    /// The server iterated the body.
    WsgiIterated {
        /// Body length in bytes.
        bytes: usize,
    },
    /// The server called `response.close()`.
    WsgiClose,
    /// One SQL statement ran.
    Sql {
        /// Its number in the current request or command (1-based).
        n: usize,
        /// The statement with its parameters interpolated, as Django logs it.
        sql: String,
    },
    /// A QuerySet was defined (no query runs).
    QuerySetDefined {
        /// Its name.
        name: String,
        /// Its chain, e.g. `Book.select_related(author)`.
        chain: String,
    },
    /// A QuerySet was evaluated and its result cache filled.
    ResultCache {
        /// Its name.
        name: String,
        /// Rows cached.
        rows: usize,
    },
    /// An operation was answered from the result cache (no query).
    CacheHit {
        /// The QuerySet's name.
        name: String,
        /// The operation, e.g. `count()`.
        op: String,
    },
    /// `prefetch_related` ran its extra lookup.
    Prefetch {
        /// `author` or `book_set`.
        lookup: String,
        /// The keys in the `IN (...)` list.
        keys: Vec<i64>,
    },
    /// `book.author` was accessed.
    ForeignKey {
        /// The book.
        book: i64,
        /// The author it points to.
        author: i64,
        /// Whether the author was already cached on the instance.
        cached: bool,
    },
    /// `author.book_set.all()` was evaluated.
    ReverseSet {
        /// The author.
        author: i64,
        /// Whether a prefetch cache answered it.
        cached: bool,
    },
    /// An ORM command started (its SQL list starts empty).
    OrmCommand {
        /// The command line.
        line: String,
    },
    /// The dataset was rebuilt.
    Seeded {
        /// Number of authors.
        authors: usize,
        /// Number of books.
        books: usize,
    },
}

fn opt_status(r: Option<u16>) -> String {
    match r {
        Some(s) => format!("response({s})"),
        None => "None".to_string(),
    }
}

impl fmt::Display for DjangoEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DjangoEvent::*;
        match self {
            MiddlewareInit { name, .. } => write!(f, "{name}.__init__"),
            HandlerReady { layers } => {
                let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
                write!(f, "handler.ready({})", names.join(" > "))
            }
            WsgiCall { .. } => write!(f, "wsgi.call"),
            Signal { name } => write!(f, "signal.{name}"),
            Request { name, outcome, .. } => match outcome {
                ReqOutcome::Continue => write!(f, "{name}.request"),
                ReqOutcome::Respond(s) => write!(f, "{name}.request -> response({s})"),
                ReqOutcome::Raise(e) => write!(f, "{name}.request -> raise {e}"),
            },
            Resolve { path, view, .. } => match view {
                Some(v) => write!(f, "resolver.resolve({path}) -> {v}"),
                None => write!(f, "resolver.resolve({path}) -> Resolver404"),
            },
            ProcessView {
                name, view, result, ..
            } => write!(f, "{name}.process_view({view}) -> {}", opt_status(*result)),
            View { name, outcome } => match outcome {
                ViewOutcome::Response(_) => write!(f, "view.{name}"),
                ViewOutcome::Template(t) => write!(f, "view.{name} -> TemplateResponse({t})"),
                ViewOutcome::ReturnedNone => write!(f, "view.{name} -> None"),
                ViewOutcome::Raise(e) => write!(f, "view.{name} -> raise {e}"),
            },
            CheckResponse { view, exc } => write!(f, "check_response({view}) -> raise {exc}"),
            ProcessException {
                name, exc, result, ..
            } => write!(
                f,
                "{name}.process_exception({exc}) -> {}",
                opt_status(*result)
            ),
            ProcessTemplateResponse { name, template, .. } => {
                write!(f, "{name}.process_template_response({template}) -> same")
            }
            TemplateRender { name } => write!(f, "template.render({name})"),
            TemplateFailed { name, exc } => write!(f, "template.render({name}) -> raise {exc}"),
            ResponseForException { exc, status, .. } => {
                write!(f, "response_for_exception({exc}) -> response({status})")
            }
            Log {
                level,
                logger,
                message,
            } => write!(f, "log.{level} {logger}: {message}"),
            Response {
                name,
                status,
                outcome,
                ..
            } => match outcome {
                RespOutcome::Same => write!(f, "{name}.response({status})"),
                RespOutcome::Replaced(s) => write!(f, "{name}.response({status}) -> response({s})"),
                RespOutcome::Raise(e) => write!(f, "{name}.response({status}) -> raise {e}"),
            },
            StartResponse { status, reason } => write!(f, "wsgi.start_response({status} {reason})"),
            WsgiIterated { .. } => write!(f, "wsgi.iterated"),
            WsgiClose => write!(f, "wsgi.close"),
            Sql { n, sql } => write!(f, "sql#{n}: {sql}"),
            QuerySetDefined { name, chain } => write!(f, "let {name} = {chain}"),
            ResultCache { name, rows } => write!(f, "{name}._result_cache = {rows} rows"),
            CacheHit { name, op } => write!(f, "{name}.{op} -> from _result_cache"),
            Prefetch { lookup, keys } => {
                let k: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
                write!(f, "prefetch_related({lookup}) -> IN ({})", k.join(", "))
            }
            ForeignKey {
                book,
                author,
                cached,
            } => {
                let how = if *cached { "cached" } else { "query" };
                write!(f, "book({book}).author -> author({author}) [{how}]")
            }
            ReverseSet { author, cached } => {
                let how = if *cached { "prefetched" } else { "query" };
                write!(f, "author({author}).book_set.all() [{how}]")
            }
            Seeded { authors, books } => write!(f, "seed authors={authors} books={books}"),
            OrmCommand { line } => write!(f, "orm> {line}"),
        }
    }
}
