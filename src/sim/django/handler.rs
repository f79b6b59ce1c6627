//! The WSGI handler and the middleware onion.
//!
//! [`Handler::new`] is `WSGIHandler()`: it runs `load_middleware` once, calling
//! the middleware factories innermost first and collecting the hook lists
//! (`process_view` in settings order, `process_exception` and
//! `process_template_response` in reverse). [`Handler::handle`] is one WSGI
//! call: `request_started`, the onion, `start_response`, the server iterating
//! the body and closing the response, `request_finished`.
//!
//! Every layer, and the core `_get_response` inside all of them, is wrapped in
//! `convert_exception_to_response`: an exception never crosses a layer. It is
//! turned into a response by `response_for_exception` right where it escaped,
//! and the layers outside see only that response.

use super::events::{DjangoEvent, LayerInfo, ReqOutcome, RespOutcome, Style, ViewOutcome};
use super::middleware::{Builtin, MwKind};
use super::orm::{Model, Orm, Prefetch, QuerySet};
use super::template::{Context, TValue, Template};
use super::urls::{resolve, ResolverMatch};
use crate::emit;
use crate::sim::trace::{NoTrace, Observer};

pub use super::project::{Project, Settings, ViewDef, ViewKind};

/// The reason phrase Python's `http.HTTPStatus` gives a status.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        406 => "Not Acceptable",
        409 => "Conflict",
        410 => "Gone",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Requested Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a Teapot",
        421 => "Misdirected Request",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        507 => "Insufficient Storage",
        511 => "Network Authentication Required",
        _ => "Unknown Status Code",
    }
}

/// Django's default error page (`ERROR_PAGE_TEMPLATE`) with a title and details.
pub fn error_page(title: &str, details: &str) -> String {
    format!(
        "\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>{title}</title>\n</head>\n<body>\n  <h1>{title}</h1><p>{details}</p>\n</body>\n</html>\n"
    )
}

/// An exception travelling through the handler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exc {
    /// The class name (`ValueError`, `Http404`, `Resolver404`, ...).
    pub class: String,
    /// `str(exc)`.
    pub msg: String,
}

impl Exc {
    fn new(class: &str, msg: &str) -> Exc {
        Exc {
            class: class.to_string(),
            msg: msg.to_string(),
        }
    }
}

/// A response on its way out.
#[derive(Clone, Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers in insertion order.
    pub headers: Vec<(String, String)>,
    /// The rendered body.
    pub body: String,
    /// An unrendered `TemplateResponse`: template name and context.
    pending: Option<(String, Context)>,
    /// Already logged by `log_response`.
    logged: bool,
}

impl Response {
    fn new(status: u16, body: String, content_type: &str) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
            pending: None,
            logged: false,
        }
    }

    fn html(status: u16, body: String) -> Response {
        Response::new(status, body, "text/html; charset=utf-8")
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    }

    fn setdefault(&mut self, name: &str, value: &str) {
        if !self.has_header(name) {
            self.headers.push((name.to_string(), value.to_string()));
        }
    }
}

/// The request as the handler sees it.
#[derive(Clone, Debug)]
struct Req {
    method: String,
    path: String,
    query: Option<String>,
    has_session: bool,
}

/// What one request produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Served {
    /// Request method.
    pub method: String,
    /// Request path as given (with query string).
    pub path: String,
    /// Final status.
    pub status: u16,
    /// Headers as passed to `start_response`.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
    /// `request.resolver_match`.
    pub resolver_match: Option<ResolverMatch>,
    /// SQL run during the request.
    pub sql: Vec<String>,
}

/// The WSGI handler with its onion (`WSGIHandler` + `BaseHandler`).
pub struct Handler<O: Observer<DjangoEvent> = NoTrace> {
    /// The observer receiving events.
    pub obs: O,
    /// The project it serves.
    pub project: Project,
    /// The database the ORM views query.
    pub orm: Orm,
    view_hooks: Vec<usize>,
    template_hooks: Vec<usize>,
    exception_hooks: Vec<usize>,
    /// The last request served.
    pub last: Option<Served>,
    /// Requests served so far.
    pub served: u64,
}

/// The onion's layers as the view draws them, outermost first.
pub fn layers_of(project: &Project) -> Vec<LayerInfo> {
    let mut v = vec![LayerInfo {
        name: "WSGI".into(),
        kind: "wsgi".into(),
        style: None,
        hooks: vec![],
    }];
    for m in &project.middleware {
        v.push(LayerInfo {
            name: m.name.clone(),
            kind: "middleware".into(),
            style: Some(m.style),
            hooks: m.hook_names(),
        });
    }
    for (name, kind) in [
        ("URL resolver", "resolver"),
        ("view", "view"),
        ("template", "template"),
        ("ORM", "orm"),
    ] {
        v.push(LayerInfo {
            name: name.into(),
            kind: kind.into(),
            style: None,
            hooks: vec![],
        });
    }
    v
}

/// Django's `escape_uri_path`.
fn escape_uri_path(p: &str) -> String {
    let mut o = String::new();
    for b in p.bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || "/:@&+$,-_.!~*'()".contains(c) {
            o.push(c);
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

impl<O: Observer<DjangoEvent>> Handler<O> {
    /// `WSGIHandler()`: load the middleware once (factories innermost first).
    pub fn new(project: Project, orm: Orm, mut obs: O) -> Handler<O> {
        let n = project.middleware.len();
        let mut view_hooks = Vec::new();
        let mut template_hooks = Vec::new();
        let mut exception_hooks = Vec::new();
        for i in (0..n).rev() {
            let m = &project.middleware[i];
            emit!(
                obs,
                DjangoEvent::MiddlewareInit {
                    mw: i,
                    name: m.name.clone()
                }
            );
            if m.has_view {
                view_hooks.insert(0, i);
            }
            if m.has_template {
                template_hooks.push(i);
            }
            if m.has_exception {
                exception_hooks.push(i);
            }
        }
        emit!(
            obs,
            DjangoEvent::HandlerReady {
                layers: layers_of(&project)
            }
        );
        Handler {
            obs,
            project,
            orm,
            view_hooks,
            template_hooks,
            exception_hooks,
            last: None,
            served: 0,
        }
    }

    /// `process_view` hooks, in the order they run.
    pub fn view_hooks(&self) -> &[usize] {
        &self.view_hooks
    }
    /// `process_exception` hooks, in the order they run.
    pub fn exception_hooks(&self) -> &[usize] {
        &self.exception_hooks
    }
    /// `process_template_response` hooks, in the order they run.
    pub fn template_hooks(&self) -> &[usize] {
        &self.template_hooks
    }

    /// Debug check of the hook lists' documented order.
    pub fn check_invariants(&self) {
        assert!(self.view_hooks.windows(2).all(|w| w[0] < w[1]));
        assert!(self.template_hooks.windows(2).all(|w| w[0] > w[1]));
        assert!(self.exception_hooks.windows(2).all(|w| w[0] > w[1]));
        let n = self.project.middleware.len();
        for (list, pick) in [
            (&self.view_hooks, 0),
            (&self.template_hooks, 1),
            (&self.exception_hooks, 2),
        ] {
            let want = (0..n)
                .filter(|&i| {
                    let m = &self.project.middleware[i];
                    [m.has_view, m.has_template, m.has_exception][pick]
                })
                .count();
            assert_eq!(list.len(), want);
        }
    }

    /// One WSGI call, from `wsgi.call` to `request_finished`. `path` must start
    /// with `/` and may carry a query string.
    pub fn handle(&mut self, method: &str, path: &str) -> &Served {
        self.orm.begin();
        emit!(
            self.obs,
            DjangoEvent::WsgiCall {
                method: method.to_string(),
                path: path.to_string()
            }
        );
        emit!(
            self.obs,
            DjangoEvent::Signal {
                name: "request_started".into()
            }
        );
        let (p, q) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q.to_string())),
            None => (path, None),
        };
        let mut req = Req {
            method: method.to_ascii_uppercase(),
            path: if p.is_empty() {
                "/".into()
            } else {
                p.to_string()
            },
            query: q,
            has_session: false,
        };
        let mut resolver_match = None;
        let mut response = self.wrapped(0, &mut req, &mut resolver_match);
        if response.status >= 400 && !response.logged {
            let level = if response.status >= 500 {
                "ERROR"
            } else {
                "WARNING"
            };
            emit!(
                self.obs,
                DjangoEvent::Log {
                    level: level.into(),
                    logger: "django.request".into(),
                    message: format!("{}: {}", reason_phrase(response.status), req.path)
                }
            );
            response.logged = true;
        }
        let status = response.status;
        emit!(
            self.obs,
            DjangoEvent::StartResponse {
                status,
                reason: reason_phrase(status).into()
            }
        );
        emit!(
            self.obs,
            DjangoEvent::WsgiIterated {
                bytes: response.body.len()
            }
        );
        emit!(self.obs, DjangoEvent::WsgiClose);
        emit!(
            self.obs,
            DjangoEvent::Signal {
                name: "request_finished".into()
            }
        );
        self.served += 1;
        self.last = Some(Served {
            method: req.method,
            path: path.to_string(),
            status,
            headers: response.headers,
            body: response.body,
            resolver_match,
            sql: self.orm.sql.clone(),
        });
        self.last.as_ref().expect("just set")
    }

    /// `convert_exception_to_response(layer i)`.
    fn wrapped(&mut self, i: usize, req: &mut Req, rm: &mut Option<ResolverMatch>) -> Response {
        let r = if i < self.project.middleware.len() {
            self.call_mw(i, req, rm)
        } else {
            self.get_response_core(req, rm)
        };
        match r {
            Ok(r) => r,
            Err(e) => self.response_for_exception(i, req, e),
        }
    }

    fn response_for_exception(&mut self, layer: usize, req: &Req, e: Exc) -> Response {
        let path = req.path.clone();
        let resp = match e.class.as_str() {
            "Http404" | "Resolver404" => Response::html(
                404,
                error_page(
                    "Not Found",
                    "The requested resource was not found on this server.",
                ),
            ),
            "PermissionDenied" => {
                let mut r = Response::new(
                    403,
                    error_page("403 Forbidden", ""),
                    "text/html; charset=utf-8",
                );
                emit!(
                    self.obs,
                    DjangoEvent::Log {
                        level: "WARNING".into(),
                        logger: "django.request".into(),
                        message: format!("Forbidden (Permission denied): {path}")
                    }
                );
                r.logged = true;
                r
            }
            "BadRequest" => {
                let mut r = Response::new(
                    400,
                    error_page("Bad Request (400)", ""),
                    "text/html; charset=utf-8",
                );
                emit!(
                    self.obs,
                    DjangoEvent::Log {
                        level: "WARNING".into(),
                        logger: "django.request".into(),
                        message: format!("{}: {path}", e.msg)
                    }
                );
                r.logged = true;
                r
            }
            "SuspiciousOperation" | "DisallowedHost" => {
                let mut r = Response::new(
                    400,
                    error_page("Bad Request (400)", ""),
                    "text/html; charset=utf-8",
                );
                emit!(
                    self.obs,
                    DjangoEvent::Log {
                        level: "ERROR".into(),
                        logger: format!("django.security.{}", e.class),
                        message: e.msg.clone()
                    }
                );
                r.logged = true;
                r
            }
            _ => {
                emit!(
                    self.obs,
                    DjangoEvent::Signal {
                        name: "got_request_exception".into()
                    }
                );
                let mut r = Response::new(
                    500,
                    error_page("Server Error (500)", ""),
                    "text/html; charset=utf-8",
                );
                emit!(
                    self.obs,
                    DjangoEvent::Log {
                        level: "ERROR".into(),
                        logger: "django.request".into(),
                        message: format!("Internal Server Error: {path}")
                    }
                );
                r.logged = true;
                r
            }
        };
        emit!(
            self.obs,
            DjangoEvent::ResponseForException {
                layer,
                exc: e.class.clone(),
                status: resp.status
            }
        );
        resp
    }

    fn call_mw(
        &mut self,
        i: usize,
        req: &mut Req,
        rm: &mut Option<ResolverMatch>,
    ) -> Result<Response, Exc> {
        let name = self.project.middleware[i].name.clone();
        let style = self.project.middleware[i].style;
        // Request phase.
        let early: Result<Option<Response>, Exc> = match &self.project.middleware[i].kind {
            MwKind::Custom(c) => {
                if let Some(e) = c.raise_in_request.get(&req.path) {
                    Err(Exc::new(e, &name))
                } else if let Some(s) = c.respond_in_request.get(&req.path) {
                    Ok(Some(Response::html(*s, format!("{name} says {s}"))))
                } else {
                    Ok(None)
                }
            }
            MwKind::Builtin(b) => match b {
                Builtin::Session => {
                    req.has_session = true;
                    Ok(None)
                }
                Builtin::Authentication if !req.has_session => Err(Exc::new(
                    "ImproperlyConfigured",
                    "The Django authentication middleware requires session middleware to be installed.",
                )),
                Builtin::Messages if !req.has_session => Err(Exc::new(
                    "ImproperlyConfigured",
                    "The session-based temporary message storage requires session middleware to be installed.",
                )),
                _ => Ok(None),
            },
        };
        let response = match early {
            Err(e) => {
                emit!(
                    self.obs,
                    DjangoEvent::Request {
                        mw: i,
                        name: name.clone(),
                        outcome: ReqOutcome::Raise(e.class.clone())
                    }
                );
                return Err(e);
            }
            Ok(Some(r)) => {
                emit!(
                    self.obs,
                    DjangoEvent::Request {
                        mw: i,
                        name: name.clone(),
                        outcome: ReqOutcome::Respond(r.status)
                    }
                );
                if style == Style::New {
                    return Ok(r);
                }
                r
            }
            Ok(None) => {
                emit!(
                    self.obs,
                    DjangoEvent::Request {
                        mw: i,
                        name: name.clone(),
                        outcome: ReqOutcome::Continue
                    }
                );
                self.wrapped(i + 1, req, rm)
            }
        };
        // Response phase.
        let status = response.status;
        let out: Result<Response, Exc> = match &self.project.middleware[i].kind {
            MwKind::Custom(c) => match c.raise_in_response.get(&req.path) {
                Some(e) => Err(Exc::new(e, &name)),
                None => Ok(response),
            },
            MwKind::Builtin(b) => self.builtin_response(*b, req, response),
        };
        let outcome = match &out {
            Err(e) => RespOutcome::Raise(e.class.clone()),
            Ok(r) if r.status != status => RespOutcome::Replaced(r.status),
            Ok(_) => RespOutcome::Same,
        };
        emit!(
            self.obs,
            DjangoEvent::Response {
                mw: i,
                name,
                status,
                outcome
            }
        );
        out
    }

    fn resolves(&self, path: &str) -> Option<ResolverMatch> {
        resolve(&self.project.urls, path).ok()
    }

    fn builtin_response(
        &mut self,
        b: Builtin,
        req: &Req,
        mut r: Response,
    ) -> Result<Response, Exc> {
        match b {
            Builtin::Security => {
                r.setdefault("X-Content-Type-Options", "nosniff");
                r.setdefault("Referrer-Policy", "same-origin");
                r.setdefault("Cross-Origin-Opener-Policy", "same-origin");
                Ok(r)
            }
            Builtin::Common => {
                if r.status == 404 && self.should_redirect_with_slash(req) {
                    if self.project.settings.debug
                        && ["DELETE", "POST", "PUT", "PATCH"].contains(&req.method.as_str())
                    {
                        return Err(Exc::new(
                            "RuntimeError",
                            "You called this URL via POST, but the URL doesn't end in a slash",
                        ));
                    }
                    let mut loc = escape_uri_path(&format!("{}/", req.path));
                    if loc.starts_with("//") {
                        loc = format!("/%2F{}", &loc[2..]);
                    }
                    if let Some(q) = &req.query {
                        loc.push('?');
                        loc.push_str(q);
                    }
                    let mut red = Response::html(301, String::new());
                    red.headers.push(("Location".into(), loc));
                    return Ok(red);
                }
                if !r.has_header("Content-Length") {
                    let n = r.body.len().to_string();
                    r.headers.push(("Content-Length".into(), n));
                }
                Ok(r)
            }
            Builtin::XFrame => {
                r.setdefault("X-Frame-Options", "DENY");
                Ok(r)
            }
            _ => Ok(r),
        }
    }

    fn should_redirect_with_slash(&self, req: &Req) -> bool {
        if !self.project.settings.append_slash || req.path.ends_with('/') {
            return false;
        }
        if self.resolves(&req.path).is_some() {
            return false;
        }
        match self.resolves(&format!("{}/", req.path)) {
            Some(m) => !self
                .project
                .views
                .get(&m.view)
                .map(|v| v.no_append_slash)
                .unwrap_or(false),
            None => false,
        }
    }

    /// `BaseHandler._get_response`: resolve, process_view, the view,
    /// process_exception, check_response, template hooks and render.
    fn get_response_core(
        &mut self,
        req: &mut Req,
        rm: &mut Option<ResolverMatch>,
    ) -> Result<Response, Exc> {
        let m = match resolve(&self.project.urls, &req.path) {
            Ok(m) => m,
            Err(_) => {
                emit!(
                    self.obs,
                    DjangoEvent::Resolve {
                        path: req.path.clone(),
                        view: None,
                        route: None
                    }
                );
                return Err(Exc::new("Resolver404", &req.path));
            }
        };
        emit!(
            self.obs,
            DjangoEvent::Resolve {
                path: req.path.clone(),
                view: Some(m.view.clone()),
                route: Some(m.route.clone())
            }
        );
        let view = m.view.clone();
        *rm = Some(m);
        let mut response: Option<Response> = None;
        for k in 0..self.view_hooks.len() {
            let i = self.view_hooks[k];
            let r = self.process_view(i, req, &view);
            emit!(
                self.obs,
                DjangoEvent::ProcessView {
                    mw: i,
                    name: self.project.middleware[i].name.clone(),
                    view: view.clone(),
                    result: r.as_ref().map(|r| r.status)
                }
            );
            if r.is_some() {
                response = r;
                break;
            }
        }
        if response.is_none() {
            match self.call_view(&view) {
                Ok(r) => response = r,
                Err(e) => match self.process_exception_by_middleware(&e, req) {
                    Some(r) => response = Some(r),
                    None => return Err(e),
                },
            }
        }
        let Some(mut response) = response else {
            emit!(
                self.obs,
                DjangoEvent::CheckResponse {
                    view: view.clone(),
                    exc: "ValueError".into()
                }
            );
            return Err(Exc::new(
                "ValueError",
                &format!("The view {view} didn't return an HttpResponse object. It returned None instead."),
            ));
        };
        if let Some((tname, mut ctx)) = response.pending.take() {
            for k in 0..self.template_hooks.len() {
                let i = self.template_hooks[k];
                let name = self.project.middleware[i].name.clone();
                let mut ptr = match ctx.get("ptr") {
                    Some(TValue::List(l)) => l.clone(),
                    _ => Vec::new(),
                };
                ptr.push(TValue::Str(name.clone()));
                ctx.set("ptr", TValue::List(ptr));
                emit!(
                    self.obs,
                    DjangoEvent::ProcessTemplateResponse {
                        mw: i,
                        name,
                        template: tname.clone()
                    }
                );
            }
            match self.render(&tname, &mut ctx) {
                Ok(body) => response.body = body,
                Err(e) => match self.process_exception_by_middleware(&e, req) {
                    Some(r) => response = r,
                    None => return Err(e),
                },
            }
        }
        Ok(response)
    }

    fn render(&mut self, name: &str, ctx: &mut Context) -> Result<String, Exc> {
        emit!(
            self.obs,
            DjangoEvent::TemplateRender {
                name: name.to_string()
            }
        );
        let result = match self.project.templates.get(name) {
            None => Err(Exc::new("TemplateDoesNotExist", name)),
            Some(src) => match Template::parse(src) {
                Err(e) => Err(Exc::new(&e.exc, &e.msg)),
                Ok(t) => t
                    .render(ctx, &mut self.orm, &mut self.obs)
                    .map_err(|e| Exc::new(&e.exc, &e.msg)),
            },
        };
        if let Err(e) = &result {
            emit!(
                self.obs,
                DjangoEvent::TemplateFailed {
                    name: name.to_string(),
                    exc: e.class.clone()
                }
            );
        }
        result
    }

    fn process_view(&mut self, i: usize, req: &Req, view: &str) -> Option<Response> {
        match &self.project.middleware[i].kind {
            MwKind::Custom(c) => c.respond_in_view.get(&req.path).map(|s| {
                Response::html(*s, format!("{} says {s}", self.project.middleware[i].name))
            }),
            MwKind::Builtin(Builtin::Csrf) => {
                if ["GET", "HEAD", "OPTIONS", "TRACE"].contains(&req.method.as_str()) {
                    return None;
                }
                if self
                    .project
                    .views
                    .get(view)
                    .map(|v| v.csrf_exempt)
                    .unwrap_or(false)
                {
                    return None;
                }
                let mut r = Response::html(403, csrf_failure_page());
                emit!(
                    self.obs,
                    DjangoEvent::Log {
                        level: "WARNING".into(),
                        logger: "django.security.csrf".into(),
                        message: format!("Forbidden (CSRF cookie not set.): {}", req.path)
                    }
                );
                r.logged = true;
                Some(r)
            }
            MwKind::Builtin(_) => None,
        }
    }

    fn process_exception_by_middleware(&mut self, e: &Exc, req: &Req) -> Option<Response> {
        for k in 0..self.exception_hooks.len() {
            let i = self.exception_hooks[k];
            let name = self.project.middleware[i].name.clone();
            let r = match &self.project.middleware[i].kind {
                MwKind::Custom(c) if c.handle_exception.contains(&req.path) => {
                    Some(Response::html(200, format!("{name} handled {}", e.class)))
                }
                _ => None,
            };
            emit!(
                self.obs,
                DjangoEvent::ProcessException {
                    mw: i,
                    name,
                    exc: e.class.clone(),
                    result: r.as_ref().map(|r| r.status)
                }
            );
            if r.is_some() {
                return r;
            }
        }
        None
    }

    fn call_view(&mut self, view: &str) -> Result<Option<Response>, Exc> {
        let Some(def) = self.project.views.get(view) else {
            return Err(Exc::new("ViewDoesNotExist", view));
        };
        let (outcome, result) = match &def.kind {
            ViewKind::Returns(Some(s)) => (
                ViewOutcome::Response(*s),
                Ok(Some(Response::html(*s, format!("<p>{view}</p>")))),
            ),
            ViewKind::Returns(None) => (ViewOutcome::ReturnedNone, Ok(None)),
            ViewKind::Raises(e) => (ViewOutcome::Raise(e.clone()), Err(Exc::new(e, view))),
            ViewKind::Template(t, ctx) => {
                let mut r = Response::html(200, String::new());
                r.pending = Some((t.clone(), Context::new(ctx.clone())));
                (ViewOutcome::Template(t.clone()), Ok(Some(r)))
            }
            ViewKind::Orm {
                select_related,
                prefetch_related,
            } => {
                let mut qs = QuerySet::all(Model::Book, "books");
                qs.select_related = *select_related;
                qs.prefetch = prefetch_related.then_some(Prefetch::Author);
                let mut ctx = Context::new(Vec::new());
                ctx.bind_queryset("books", qs);
                let mut r = Response::html(200, String::new());
                r.pending = Some(("books.html".into(), ctx));
                (ViewOutcome::Template("books.html".into()), Ok(Some(r)))
            }
        };
        emit!(
            self.obs,
            DjangoEvent::View {
                name: view.to_string(),
                outcome
            }
        );
        result
    }
}

/// The body `csrf_failure` returns with DEBUG off and no `403_csrf.html`.
pub fn csrf_failure_page() -> String {
    super::CSRF_FAILURE_BODY.to_string()
}
