//! The two command languages: `django` (requests through the onion) and
//! `django-orm` (QuerySets on a fixed dataset), with their narration.

use super::events::{DjangoEvent, ReqOutcome, RespOutcome, ViewOutcome};
use super::handler::{reason_phrase, Handler, Project};
use super::orm::{Field, Filter, Model, Orm, Prefetch, QuerySet, Row, MAX_ROWS};
use super::view::{LifecycleView, OrmView, QsView};
use crate::sim::trace::{Recorder, Traced};
use crate::sim::{CmdError, Outcome, Preset, Session, Step};
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn err(msg: impl Into<String>) -> CmdError {
    CmdError(msg.into())
}

/// Narrate one event: `(kind, zh, en, notable)`.
pub fn narrate(e: &DjangoEvent) -> (&'static str, String, String, bool) {
    use DjangoEvent::*;
    let g = e.to_string();
    match e {
        MiddlewareInit { name, .. } => (
            "mw.init",
            format!("{g}：load_middleware 从最内层开始调用工厂，{name} 只在启动时构造一次。"),
            format!("{g}: load_middleware calls the factories innermost first; {name} is built once, at startup."),
            false,
        ),
        HandlerReady { .. } => (
            "handler.ready",
            format!("{g}：洋葱已建好，每一层都包了 convert_exception_to_response。"),
            format!("{g}: the onion is built; every layer is wrapped in convert_exception_to_response."),
            false,
        ),
        WsgiCall { method, path } => (
            "wsgi.call",
            format!("{g}：WSGI 服务器调用处理器：{method} {path}。"),
            format!("{g}: the WSGI server calls the handler with {method} {path}."),
            false,
        ),
        Signal { name } => {
            let (zh, en) = match name.as_str() {
                "request_started" => ("请求开始信号：reset_queries 清空查询日志。", "request_started: reset_queries empties the query log."),
                "request_finished" => ("服务器调用 response.close() 后才发出 request_finished。", "request_finished fires only when the server calls response.close()."),
                _ => ("got_request_exception：未被处理的异常将变成 500。", "got_request_exception: an unhandled exception is becoming a 500."),
            };
            ("signal", format!("{g}：{zh}"), format!("{g}: {en}"), name == "got_request_exception")
        }
        Request { name, outcome, .. } => match outcome {
            ReqOutcome::Continue => (
                "mw.request",
                format!("{g}：{name} 的请求阶段运行完，调用 get_response 进入内层。"),
                format!("{g}: {name}'s request phase ran and calls get_response, going inward."),
                false,
            ),
            ReqOutcome::Respond(s) => (
                "mw.short_circuit",
                format!("{g}：{name} 直接返回 {s}，内层、URL 解析和视图都不会运行；外层仍走响应阶段。"),
                format!("{g}: {name} answers {s} itself; inner layers, URL resolution and the view never run, outer layers still see the response."),
                true,
            ),
            ReqOutcome::Raise(x) => (
                "mw.raise",
                format!("{g}：{name} 在请求阶段抛出 {x}，包住它的 wrapper 会把异常变成响应。"),
                format!("{g}: {name} raises {x} in its request phase; the wrapper around it turns it into a response."),
                true,
            ),
        },
        Resolve { path, view, route } => match view {
            Some(v) => (
                "resolver.match",
                format!("{g}：按顺序匹配 urlpatterns，第一个匹配的路由 {} 胜出，视图是 {v}。", route.clone().unwrap_or_default()),
                format!("{g}: urlpatterns are tried in order; the first match, {}, wins and picks view {v}.", route.clone().unwrap_or_default()),
                false,
            ),
            None => (
                "resolver.404",
                format!("{g}：{path} 没有匹配的路由，Resolver404 跳过所有 process_view 和 process_exception。"),
                format!("{g}: nothing matches {path}; the Resolver404 skips every process_view and process_exception."),
                true,
            ),
        },
        ProcessView { name, result, .. } => match result {
            None => (
                "process_view",
                format!("{g}：{name}.process_view 返回 None，继续下一个钩子。"),
                format!("{g}: {name}.process_view returns None, so the next hook runs."),
                false,
            ),
            Some(s) => (
                "process_view",
                format!("{g}：{name}.process_view 返回 {s}，后面的钩子和视图都被跳过。"),
                format!("{g}: {name}.process_view returns a {s}; later hooks and the view are skipped."),
                true,
            ),
        },
        View { name, outcome } => match outcome {
            ViewOutcome::Raise(x) => (
                "view.raise",
                format!("{g}：视图 {name} 抛出 {x}，交给 process_exception（逆序）。"),
                format!("{g}: view {name} raises {x}; process_exception hooks run, in reverse order."),
                true,
            ),
            ViewOutcome::Template(t) => (
                "view",
                format!("{g}：视图返回未渲染的 TemplateResponse（{t}），渲染要等模板钩子之后。"),
                format!("{g}: the view returns an unrendered TemplateResponse ({t}); rendering waits until after the template hooks."),
                false,
            ),
            ViewOutcome::ReturnedNone => (
                "view",
                format!("{g}：视图返回了 None。"),
                format!("{g}: the view returned None."),
                true,
            ),
            ViewOutcome::Response(s) => (
                "view",
                format!("{g}：视图 {name} 返回 {s}。"),
                format!("{g}: view {name} returns a {s}."),
                false,
            ),
        },
        CheckResponse { .. } => (
            "check_response",
            format!("{g}：check_response 在 try 之外，process_exception 不会运行，结果是 500。"),
            format!("{g}: check_response is outside the try, so no process_exception runs; this ends as a 500."),
            true,
        ),
        ProcessException { name, result, .. } => match result {
            None => (
                "process_exception",
                format!("{g}：{name} 不处理这个异常，交给下一个（更外层的）钩子。"),
                format!("{g}: {name} does not handle it; the next (outer) hook gets it."),
                false,
            ),
            Some(s) => (
                "process_exception",
                format!("{g}：{name} 把异常变成 {s}，更外层的 process_exception 不再调用。"),
                format!("{g}: {name} turns the exception into a {s}; outer process_exception hooks are not called."),
                true,
            ),
        },
        ProcessTemplateResponse { name, .. } => (
            "process_template_response",
            format!("{g}：{name} 在渲染前修改 TemplateResponse（逆序调用）。"),
            format!("{g}: {name} may change the TemplateResponse before it renders (hooks run in reverse order)."),
            false,
        ),
        TemplateRender { name } => (
            "template.render",
            format!("{g}：现在才渲染 {name}，上下文里的惰性 QuerySet 在这里求值。"),
            format!("{g}: {name} renders only now; lazy QuerySets in the context are evaluated here."),
            false,
        ),
        TemplateFailed { exc, .. } => (
            "template.error",
            format!("{g}：渲染抛出 {exc}，在所有模板钩子之后交给 process_exception。"),
            format!("{g}: rendering raises {exc}; it reaches process_exception after every template hook has run."),
            true,
        ),
        ResponseForException { exc, status, .. } => (
            "exception.response",
            format!("{g}：最近的 wrapper 把 {exc} 转成 {status}，外层只看到一个响应。"),
            format!("{g}: the nearest wrapper turns {exc} into a {status}; outer layers only see a response."),
            true,
        ),
        Log { .. } => (
            "log",
            format!("{g}：log_response 记录这个响应（每个响应只记一次）。"),
            format!("{g}: log_response records this response (at most once per response)."),
            false,
        ),
        Response { name, outcome, .. } => match outcome {
            RespOutcome::Same => (
                "mw.response",
                format!("{g}：{name} 的响应阶段（从内向外）。"),
                format!("{g}: {name}'s response phase (inside out)."),
                false,
            ),
            RespOutcome::Replaced(s) => (
                "mw.response",
                format!("{g}：{name} 换成了一个新的 {s} 响应。"),
                format!("{g}: {name} replaces the response with a new {s}."),
                true,
            ),
            RespOutcome::Raise(x) => (
                "mw.raise",
                format!("{g}：{name} 在响应阶段抛出 {x}。"),
                format!("{g}: {name} raises {x} in its response phase."),
                true,
            ),
        },
        StartResponse { status, .. } => (
            "wsgi.start_response",
            format!("{g}：处理器把状态行和响应头交给服务器（{}）。", reason_phrase(*status)),
            format!("{g}: the handler passes the status line and headers to the server."),
            false,
        ),
        WsgiIterated { bytes } => (
            "wsgi.iterated",
            format!("{g}：服务器读完响应体（{bytes} 字节）。"),
            format!("{g}: the server iterates the body ({bytes} bytes)."),
            false,
        ),
        WsgiClose => (
            "wsgi.close",
            format!("{g}：服务器调用 response.close()。"),
            format!("{g}: the server calls response.close()."),
            false,
        ),
        Sql { n, .. } => (
            "orm.sql",
            format!("{g}：第 {n} 条 SQL 真正在 SQLite 上执行。"),
            format!("{g}: query number {n} runs on SQLite."),
            false,
        ),
        QuerySetDefined { .. } => (
            "orm.let",
            format!("{g}：只是构造 QuerySet，0 条查询。"),
            format!("{g}: building a QuerySet runs no query."),
            false,
        ),
        ResultCache { rows, .. } => (
            "orm.cache_fill",
            format!("{g}：求值一次，{rows} 行存进 _result_cache。"),
            format!("{g}: evaluated once; {rows} rows go into _result_cache."),
            false,
        ),
        CacheHit { .. } => (
            "orm.cache_hit",
            format!("{g}：结果缓存已填充，不再查询。"),
            format!("{g}: the result cache answers; no query."),
            false,
        ),
        Prefetch { .. } => (
            "orm.prefetch",
            format!("{g}：prefetch_related 额外一条 IN 查询，在内存里拼接。"),
            format!("{g}: prefetch_related runs one extra IN query and joins in memory."),
            true,
        ),
        ForeignKey { cached, .. } => {
            if *cached {
                ("orm.fk", format!("{g}：作者已缓存在实例上，0 条查询。"), format!("{g}: the author is cached on the instance; no query."), false)
            } else {
                ("orm.fk", format!("{g}：访问外键触发一次 get()（LIMIT 21）——这就是 N+1。"), format!("{g}: the foreign key runs a get() (LIMIT 21): this is the N+1."), true)
            }
        }
        ReverseSet { cached, .. } => {
            if *cached {
                ("orm.reverse", format!("{g}：来自 prefetch 缓存。"), format!("{g}: answered from the prefetch cache."), false)
            } else {
                ("orm.reverse", format!("{g}：每个作者一条查询。"), format!("{g}: one query per author."), true)
            }
        }
        OrmCommand { .. } => (
            "orm.command",
            format!("{g}：新命令，查询计数从 0 开始。"),
            format!("{g}: a new command; the query count starts at 0."),
            false,
        ),
        Seeded { .. } => (
            "orm.seed",
            format!("{g}：重建数据集，已定义的 QuerySet 全部清除。"),
            format!("{g}: the dataset is rebuilt and every defined QuerySet is dropped."),
            false,
        ),
    }
}

fn to_steps(events: Vec<Traced<DjangoEvent>>) -> Vec<Step> {
    crate::sim::trace::steps(events, narrate)
}

/// Methods the `django` session accepts.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// The `django` session: `GET PATH`, `POST PATH`, ...
pub struct LifecycleSession {
    /// The handler, recording its events.
    pub handler: Handler<Recorder<DjangoEvent>>,
}

impl LifecycleSession {
    /// Build from a config text (`None` = the default project).
    pub fn new(config: Option<&str>) -> Result<LifecycleSession, CmdError> {
        let project = Project::from_yaml(config.unwrap_or(super::DEFAULT_CONFIG)).map_err(err)?;
        let orm = Orm::new(4, 10).map_err(err)?;
        Ok(LifecycleSession {
            handler: Handler::new(project, orm, Recorder::new()),
        })
    }

    /// Parse `METHOD PATH`.
    pub fn parse(line: &str) -> Result<(String, String), CmdError> {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [m, p] = parts.as_slice() else {
            return Err(err(format!(
                "expected `METHOD PATH` (e.g. `GET /hello/`), got {line:?}"
            )));
        };
        let m = m.to_ascii_uppercase();
        if !METHODS.contains(&m.as_str()) {
            return Err(err(format!(
                "unknown method {m:?} (one of {})",
                METHODS.join(", ")
            )));
        }
        if !p.starts_with('/') {
            return Err(err(format!("the path must start with '/': {p:?}")));
        }
        if p.len() > 2048 {
            return Err(err("the path is longer than 2048 bytes"));
        }
        Ok((m, p.to_string()))
    }
}

impl Session for LifecycleSession {
    fn run(&mut self, line: &str) -> Result<Outcome, CmdError> {
        crate::sim::check_line(line)?;
        let (method, path) = Self::parse(line)?;
        let served = self.handler.handle(&method, &path).clone();
        let events = self.handler.obs.take();
        let grammar: Vec<String> = events
            .iter()
            .filter(|t| {
                !matches!(
                    t.event,
                    DjangoEvent::MiddlewareInit { .. }
                        | DjangoEvent::HandlerReady { .. }
                        | DjangoEvent::ResultCache { .. }
                        | DjangoEvent::CacheHit { .. }
                        | DjangoEvent::Prefetch { .. }
                        | DjangoEvent::ForeignKey { .. }
                        | DjangoEvent::ReverseSet { .. }
                )
            })
            .map(|t| t.event.to_string())
            .collect();
        let reply = json!({
            "status": served.status,
            "reason": reason_phrase(served.status),
            "events": grammar,
            "resolver_match": served.resolver_match.as_ref().map(|m| m.to_json()),
            "query_count": served.sql.len(),
            "sql": served.sql,
            "headers": served.headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        });
        Ok(Outcome {
            reply,
            state: self.state(),
            steps: to_steps(events),
        })
    }

    fn state(&self) -> Value {
        serde_json::to_value(LifecycleView::from_handler(&self.handler)).unwrap_or(Value::Null)
    }
}

/// Most named QuerySets an ORM session keeps.
pub const MAX_QUERYSETS: usize = 100;

/// The `django-orm` session.
pub struct OrmSession {
    orm: Orm,
    obs: Recorder<DjangoEvent>,
    qs: BTreeMap<String, QuerySet>,
    last_hook: Option<String>,
}

#[derive(Debug, PartialEq)]
enum OrmCmd {
    Seed(usize, usize),
    Let(String, QuerySet),
    List(String, Touch),
    Len(String),
    Count(String),
    Exists(String),
    First(String),
    Index(String, usize),
    Slice(String, usize, usize, usize),
}

#[derive(Debug, PartialEq, Clone, Copy)]
enum Touch {
    None,
    Author,
    BookSet,
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    if s.len() >= 2
        && ((s.starts_with('\'') && s.ends_with('\'')) || (s.starts_with('"') && s.ends_with('"')))
    {
        s[1..s.len() - 1].to_string()
    } else {
        s.to_string()
    }
}

fn split_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut q: Option<char> = None;
    for c in s.chars() {
        match q {
            Some(x) => {
                cur.push(c);
                if c == x {
                    q = None;
                }
            }
            None if c == '\'' || c == '"' => {
                q = Some(c);
                cur.push(c);
            }
            None if c == ',' => out.push(std::mem::take(&mut cur)),
            None => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out.into_iter().map(|a| a.trim().to_string()).collect()
}

fn quote_py(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

impl OrmSession {
    /// A session on a fresh dataset (`authors`, `books`).
    pub fn new(authors: usize, books: usize) -> Result<OrmSession, CmdError> {
        let mut obs = Recorder::new();
        // The dataset exists before any command; its event opens the first
        // command's steps so a view can be rebuilt from events alone.
        crate::emit!(obs, DjangoEvent::Seeded { authors, books });
        Ok(OrmSession {
            orm: Orm::new(authors, books).map_err(err)?,
            obs,
            qs: BTreeMap::new(),
            last_hook: None,
        })
    }

    /// The ORM screen's state taken from the session itself.
    pub fn view(&self) -> OrmView {
        OrmView {
            querysets: self
                .qs
                .iter()
                .map(|(k, q)| {
                    (
                        k.clone(),
                        QsView {
                            chain: q.chain.clone(),
                            cached: q.cache.as_ref().map(Vec::len),
                        },
                    )
                })
                .collect(),
            sql: self.orm.sql.clone(),
            query_count: self.orm.sql.len(),
            total_queries: self.orm.total_queries,
            authors: self.orm.authors,
            books: self.orm.books,
            hook: self.last_hook.clone(),
        }
    }

    fn parse_expr(&self, name: &str, expr: &str) -> Result<QuerySet, CmdError> {
        let expr = expr.trim();
        let base_end = expr.find('.').unwrap_or(expr.len());
        let base = &expr[..base_end];
        let mut qs = match base {
            "Book" => QuerySet::all(Model::Book, name),
            "Author" => QuerySet::all(Model::Author, name),
            other => match self.qs.get(other) {
                Some(q) => {
                    let mut c = q.clone_lazy();
                    c.label = name.to_string();
                    c
                }
                None => {
                    return Err(err(format!(
                        "{other:?} is neither Book, Author nor a defined QuerySet"
                    )))
                }
            },
        };
        if base == "Book" || base == "Author" {
            qs.chain = format!("{base}.objects");
        }
        let mut rest = &expr[base_end..];
        let mut calls = 0;
        while !rest.is_empty() {
            calls += 1;
            if calls > 50 {
                return Err(err("at most 50 chained calls"));
            }
            let Some(r) = rest.strip_prefix('.') else {
                return Err(err(format!("expected '.method(...)' at {rest:?}")));
            };
            let name_end = r
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(r.len());
            let method = &r[..name_end];
            let after = &r[name_end..];
            if method == "objects" {
                rest = after;
                continue;
            }
            let Some(inner_start) = after.strip_prefix('(') else {
                return Err(err(format!("expected '(' after .{method}")));
            };
            // Find the closing parenthesis outside quotes.
            let mut q: Option<char> = None;
            let mut close = None;
            for (i, c) in inner_start.char_indices() {
                match q {
                    Some(x) if c == x => q = None,
                    Some(_) => {}
                    None if c == '\'' || c == '"' => q = Some(c),
                    None if c == ')' => {
                        close = Some(i);
                        break;
                    }
                    None => {}
                }
            }
            let close = close.ok_or_else(|| err(format!("unclosed '(' after .{method}")))?;
            let args = split_args(&inner_start[..close]);
            rest = &inner_start[close + 1..];
            let model = qs.model;
            match method {
                "all" => {
                    if !args.is_empty() {
                        return Err(err("all() takes no arguments"));
                    }
                    qs.chain.push_str(".all()");
                }
                "select_related" => {
                    let fields: Vec<String> = args.iter().map(|a| unquote(a)).collect();
                    for f in &fields {
                        if !(model == Model::Book && f == "author") {
                            return Err(err(format!(
                                "Invalid field name(s) given in select_related: '{f}'. Choices are: {}",
                                if model == Model::Book { "author" } else { "(none)" }
                            )));
                        }
                    }
                    if model == Model::Book {
                        qs.select_related = true;
                    }
                    let shown: Vec<String> = fields.iter().map(|f| quote_py(f)).collect();
                    qs.chain.push_str(&format!(".select_related({})", shown.join(", ")));
                }
                "prefetch_related" => {
                    if args.is_empty() {
                        return Err(err("prefetch_related() needs a lookup"));
                    }
                    let mut shown = Vec::new();
                    for a in &args {
                        let f = unquote(a);
                        let p = match (model, f.as_str()) {
                            (Model::Book, "author") => Prefetch::Author,
                            (Model::Author, "book_set") => Prefetch::BookSet,
                            _ => {
                                return Err(err(format!(
                                    "Cannot find '{f}' on {} object, '{f}' is an invalid parameter to prefetch_related()",
                                    model.name()
                                )))
                            }
                        };
                        qs.prefetch = Some(p);
                        shown.push(quote_py(&f));
                    }
                    qs.chain.push_str(&format!(".prefetch_related({})", shown.join(", ")));
                }
                "filter" => {
                    if args.is_empty() {
                        return Err(err("filter() needs field=value"));
                    }
                    let mut shown = Vec::new();
                    for a in &args {
                        let (k, v) = a
                            .split_once('=')
                            .ok_or_else(|| err(format!("filter argument {a:?} is not field=value")))?;
                        let (k, v) = (k.trim(), v.trim());
                        let f = Filter::parse(model, k, &unquote(v)).map_err(err)?;
                        shown.push(match &f.value {
                            super::orm::Val::Int(i) => format!("{k}={i}"),
                            super::orm::Val::Text(t) => format!("{k}={}", quote_py(t)),
                        });
                        qs.filters.push(f);
                    }
                    qs.chain.push_str(&format!(".filter({})", shown.join(", ")));
                }
                "order_by" => {
                    let mut order = Vec::new();
                    let mut shown = Vec::new();
                    for a in &args {
                        let f = unquote(a);
                        let (desc, fname) = match f.strip_prefix('-') {
                            Some(x) => (true, x),
                            None => (false, f.as_str()),
                        };
                        let field = Field::parse(model, fname).map_err(err)?;
                        order.push((field, desc));
                        shown.push(quote_py(&f));
                    }
                    qs.order = order;
                    qs.chain.push_str(&format!(".order_by({})", shown.join(", ")));
                }
                other => {
                    return Err(err(format!(
                        "unknown QuerySet method .{other}() (all, filter, order_by, select_related, prefetch_related)"
                    )))
                }
            }
        }
        Ok(qs)
    }

    fn parse(&self, line: &str) -> Result<OrmCmd, CmdError> {
        if line.len() > 4096 {
            return Err(err("command longer than 4096 bytes"));
        }
        let line = line.trim();
        let (cmd, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        let words: Vec<&str> = rest.split_whitespace().collect();
        let name_of = |i: usize| -> Result<String, CmdError> {
            let n = words
                .get(i)
                .ok_or_else(|| err(format!("`{cmd}` needs a QuerySet name")))?;
            if !self.qs.contains_key(*n) {
                return Err(err(format!(
                    "no QuerySet named {n:?}; define it with `let {n} = Book`"
                )));
            }
            Ok(n.to_string())
        };
        let num = |i: usize, what: &str| -> Result<usize, CmdError> {
            let w = words
                .get(i)
                .ok_or_else(|| err(format!("`{cmd}` needs {what}")))?;
            if w.starts_with('-') {
                return Err(err("Negative indexing is not supported."));
            }
            let n: usize = w
                .parse()
                .map_err(|_| err(format!("{what} must be a non-negative integer, got {w:?}")))?;
            if n > MAX_ROWS * 10 {
                return Err(err(format!("{what} must be at most {}", MAX_ROWS * 10)));
            }
            Ok(n)
        };
        let only = |n: usize| -> Result<(), CmdError> {
            if words.len() > n {
                Err(err(format!("`{cmd}`: unexpected {:?}", words[n])))
            } else {
                Ok(())
            }
        };
        match cmd {
            "seed" => {
                let (mut a, mut b) = (4usize, 10usize);
                for w in &words {
                    let (k, v) = w
                        .split_once('=')
                        .ok_or_else(|| err(format!("seed takes authors=N books=N, got {w:?}")))?;
                    let v: usize = v
                        .parse()
                        .map_err(|_| err(format!("{k} must be a non-negative integer")))?;
                    match k {
                        "authors" => a = v,
                        "books" => b = v,
                        _ => return Err(err(format!("seed takes authors=N books=N, got {k:?}"))),
                    }
                }
                if a > MAX_ROWS || b > MAX_ROWS {
                    return Err(err(format!("at most {MAX_ROWS} authors and {MAX_ROWS} books")));
                }
                if b > 0 && a == 0 {
                    return Err(err("books need at least one author"));
                }
                Ok(OrmCmd::Seed(a, b))
            }
            "let" => {
                let (name, expr) = rest
                    .split_once('=')
                    .ok_or_else(|| err("expected `let NAME = Book...`"))?;
                let name = name.trim();
                if !is_ident(name) || name == "Book" || name == "Author" {
                    return Err(err(format!("{name:?} is not a usable name")));
                }
                if !self.qs.contains_key(name) && self.qs.len() >= MAX_QUERYSETS {
                    return Err(err(format!("at most {MAX_QUERYSETS} named QuerySets")));
                }
                Ok(OrmCmd::Let(name.to_string(), self.parse_expr(name, expr)?))
            }
            "list" => {
                let n = name_of(0)?;
                let model = self.qs[&n].model;
                let touch = match words.get(1).copied() {
                    None => Touch::None,
                    Some(".author" | ".author.name") if model == Model::Book => Touch::Author,
                    Some(".book_set" | ".book_set.all" | ".book_set.all()") if model == Model::Author => {
                        Touch::BookSet
                    }
                    Some(t) => {
                        return Err(err(format!(
                            "{} rows have no {t:?} (Book: .author.name, Author: .book_set)",
                            model.name()
                        )))
                    }
                };
                only(2)?;
                Ok(OrmCmd::List(n, touch))
            }
            "len" => {
                only(1)?;
                Ok(OrmCmd::Len(name_of(0)?))
            }
            "count" => {
                only(1)?;
                Ok(OrmCmd::Count(name_of(0)?))
            }
            "exists" => {
                only(1)?;
                Ok(OrmCmd::Exists(name_of(0)?))
            }
            "first" => {
                only(1)?;
                Ok(OrmCmd::First(name_of(0)?))
            }
            "index" => {
                only(2)?;
                Ok(OrmCmd::Index(name_of(0)?, num(1, "an index")?))
            }
            "slice" => {
                only(4)?;
                let n = name_of(0)?;
                let a = num(1, "a start")?;
                let b = num(2, "a stop")?;
                let step = if words.len() > 3 { num(3, "a step")? } else { 1 };
                if step == 0 {
                    return Err(err("slice step cannot be zero"));
                }
                Ok(OrmCmd::Slice(n, a, b, step))
            }
            "" => Err(err("empty command")),
            other => Err(err(format!(
                "unknown command {other:?} (seed, let, list, len, count, exists, first, index, slice)"
            ))),
        }
    }

    fn exec(&mut self, cmd: OrmCmd) -> Result<Value, String> {
        let orm = &mut self.orm;
        let obs = &mut self.obs;
        let labels =
            |rows: &[Row]| -> Value { json!(rows.iter().map(Row::label).collect::<Vec<_>>()) };
        Ok(match cmd {
            OrmCmd::Seed(a, b) => {
                orm.reseed(a, b)?;
                self.qs.clear();
                crate::emit!(
                    *obs,
                    DjangoEvent::Seeded {
                        authors: a,
                        books: b
                    }
                );
                json!({"authors": a, "books": b})
            }
            OrmCmd::Let(name, qs) => {
                let chain = qs.chain.clone();
                crate::emit!(
                    *obs,
                    DjangoEvent::QuerySetDefined {
                        name: name.clone(),
                        chain: chain.clone()
                    }
                );
                self.qs.insert(name, qs);
                json!(chain)
            }
            OrmCmd::List(name, touch) => {
                let Some(qs) = self.qs.get_mut(&name) else {
                    return Err(format!("no QuerySet named {name:?}"));
                };
                orm.fetch_all(obs, qs)?;
                let rows = qs.cache.get_or_insert_with(Vec::new);
                match touch {
                    Touch::None => labels(rows),
                    Touch::Author => {
                        let mut out = Vec::new();
                        for r in rows.iter_mut() {
                            if let Row::Book(b) = r {
                                out.push(orm.author_of(obs, b)?.name);
                            }
                        }
                        json!(out)
                    }
                    Touch::BookSet => {
                        let mut out = Vec::new();
                        for r in rows.iter() {
                            if let Row::Author(a) = r {
                                out.push(orm.book_set(obs, a)?.len());
                            }
                        }
                        json!(out)
                    }
                }
            }
            OrmCmd::Len(name) => {
                let Some(qs) = self.qs.get_mut(&name) else {
                    return Err(format!("no QuerySet named {name:?}"));
                };
                orm.fetch_all(obs, qs)?;
                json!(qs.cache.as_ref().map(Vec::len).unwrap_or(0))
            }
            OrmCmd::Count(name) => json!(orm.count(obs, &self.qs[&name])?),
            OrmCmd::Exists(name) => json!(orm.exists(obs, &self.qs[&name])?),
            OrmCmd::First(name) => json!(orm.first(obs, &self.qs[&name])?.map(|r| r.label())),
            OrmCmd::Index(name, i) => match orm.index(obs, &self.qs[&name], i)? {
                Some(r) => json!(r.label()),
                None => json!({"error": "IndexError: list index out of range"}),
            },
            OrmCmd::Slice(name, a, b, step) => {
                labels(&orm.slice(obs, &self.qs[&name], a, b, step)?)
            }
        })
    }
}

impl Session for OrmSession {
    fn run(&mut self, line: &str) -> Result<Outcome, CmdError> {
        crate::sim::check_line(line)?;
        let cmd = self.parse(line)?;
        self.orm.begin();
        crate::emit!(
            self.obs,
            DjangoEvent::OrmCommand {
                line: line.trim().to_string()
            }
        );
        let result = match self.exec(cmd) {
            Ok(r) => r,
            Err(e) => {
                self.obs.take();
                return Err(err(e));
            }
        };
        let events = self.obs.take();
        self.last_hook = events.last().map(|t| t.event.to_string());
        let reply = json!({
            "queries": self.orm.sql.len(),
            "sql": self.orm.sql,
            "result": result,
        });
        Ok(Outcome {
            reply,
            state: self.state(),
            steps: to_steps(events),
        })
    }

    fn state(&self) -> Value {
        serde_json::to_value(self.view()).unwrap_or(Value::Null)
    }
}

/// Presets of the `django` simulation.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "normal",
        zh: "一次普通请求：请求阶段由外向内，响应阶段由内向外",
        en: "A plain request: request phases outside in, response phases inside out",
        config: None,
        script: "GET /hello/",
    },
    Preset {
        name: "short-circuit",
        zh: "Gate 在请求阶段直接返回 403，只有外层看到响应",
        en: "Gate answers 403 in its request phase; only the outer layers see the response",
        config: None,
        script: "GET /private/",
    },
    Preset {
        name: "exception-handled",
        zh: "视图抛 ValueError：Timing.process_exception 处理它，或者变成 500",
        en: "A view raises ValueError: Timing.process_exception handles it, or it becomes a 500",
        config: None,
        script: "GET /boom-handled/\nGET /boom/",
    },
    Preset {
        name: "404-append-slash",
        zh: "/hello 先 404，CommonMiddleware 在响应阶段改成 301；/missing/ 保持 404",
        en: "/hello 404s first and CommonMiddleware turns it into a 301; /missing/ stays a 404",
        config: None,
        script: "GET /hello\nGET /missing/",
    },
    Preset {
        name: "template-response",
        zh: "TemplateResponse 在所有模板钩子之后才渲染，惰性 QuerySet 在渲染时查询",
        en: "A TemplateResponse renders after every template hook; lazy QuerySets query during render",
        config: None,
        script: "GET /page/\nGET /books/",
    },
];

/// Presets of the `django-orm` simulation.
pub const ORM_PRESETS: &[Preset] = &[
    Preset {
        name: "n-plus-one",
        zh: "每本书访问 book.author：1 + N 条查询",
        en: "Touching book.author for every book: 1 + N queries",
        config: None,
        script: "let qs = Book.objects.all()\nlist qs .author.name",
    },
    Preset {
        name: "select-related",
        zh: "select_related：一条 INNER JOIN 查询",
        en: "select_related: one query with an INNER JOIN",
        config: None,
        script: "let qs = Book.objects.select_related('author')\nlist qs .author.name",
    },
    Preset {
        name: "prefetch-related",
        zh: "prefetch_related：主查询加一条 IN 查询（正向和反向）",
        en: "prefetch_related: the main query plus one IN query (forward and reverse)",
        config: None,
        script: "let qs = Book.objects.prefetch_related('author')\nlist qs .author.name\nlet authors = Author.objects.prefetch_related('book_set')\nlist authors .book_set",
    },
    Preset {
        name: "laziness",
        zh: "QuerySet 是惰性的：构造不查询，count/exists 每次查询，求值之后都走缓存",
        en: "QuerySets are lazy: building runs nothing, count/exists query each time, then the cache answers",
        config: None,
        script: "let qs = Book.objects.filter(author__name='Ada')\ncount qs\ncount qs\nexists qs\nlist qs\nlist qs\nlen qs\ncount qs\nexists qs\nfirst qs\nlet qs2 = qs.filter(id__gt=1)\nlist qs2",
    },
];

/// Build a `django` session from an optional YAML config (`None` = the
/// default project). The lifecycle is deterministic; the seed is not used.
pub fn factory(config: Option<&str>, _seed: u64) -> Result<Box<dyn Session>, CmdError> {
    Ok(Box::new(LifecycleSession::new(config)?))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OrmConfig {
    #[serde(default = "four")]
    authors: usize,
    #[serde(default = "ten")]
    books: usize,
}

fn four() -> usize {
    4
}

fn ten() -> usize {
    10
}

/// Build a `django-orm` session. The optional YAML config may set `authors`
/// and `books` (default 4 and 10). The dataset is deterministic; the seed is
/// not used.
pub fn orm_factory(config: Option<&str>, _seed: u64) -> Result<Box<dyn Session>, CmdError> {
    let (a, b) = match config {
        None => (4, 10),
        Some(text) => {
            let c: OrmConfig =
                crate::yaml::parse(text).map_err(|e| CmdError(format!("config: {e}")))?;
            (c.authors, c.books)
        }
    };
    if a > MAX_ROWS || b > MAX_ROWS {
        return Err(CmdError(format!(
            "config: at most {} authors and {} books",
            MAX_ROWS, MAX_ROWS
        )));
    }
    if b > 0 && a == 0 {
        return Err(CmdError("config: books need at least one author".into()));
    }
    Ok(Box::new(OrmSession::new(a, b)?))
}
