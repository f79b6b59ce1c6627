//! The Django request lifecycle (Django 5.1) and the ORM's lazy QuerySets.
//!
//! # How a request travels
//!
//! A WSGI server calls the handler with one request. The handler sends the
//! `request_started` signal and hands the request to its *middleware chain*, an
//! onion built once, at startup, from the `MIDDLEWARE` list:
//!
//! ```text
//! wrap(M1(wrap(M2(wrap(M3(wrap(_get_response)))))))     wrap = convert_exception_to_response
//! ```
//!
//! `load_middleware` walks the list backwards: it wraps the core
//! `_get_response` first, passes that to the innermost factory, wraps the
//! result, and so on outwards. So factories run innermost first, once.
//! It also collects the optional hooks: `process_view` in settings order,
//! `process_template_response` and `process_exception` in reverse order.
//!
//! A request then goes *in* through each middleware's request phase (the code
//! before it calls `get_response`) and the response comes *out* through the
//! response phases in reverse. A middleware that returns a response without
//! calling inward short-circuits: inner layers, URL resolution and the view never
//! run, but outer layers still see the response. An old-style
//! (`MiddlewareMixin`) middleware still runs its own `process_response` after a
//! short circuit in `process_request`.
//!
//! Inside all of them, `_get_response` resolves the URL (a `Resolver404` here
//! skips every `process_view` and `process_exception`), runs the `process_view`
//! hooks until one answers, calls the view, gives a view's exception to the
//! `process_exception` hooks (first answer wins), refuses a `None` response
//! (`check_response`, outside the try: a 500 with no `process_exception`), and
//! for a `TemplateResponse` runs the template hooks and only then renders it, so
//! lazy QuerySets in the context hit the database during `render()`.
//!
//! Because *every* layer is wrapped, an exception never crosses a layer: the
//! nearest wrapper turns it into a 404/403/400/500 response
//! (`response_for_exception`) and the outer layers see an ordinary response.
//! Finally the handler calls `start_response`; the server iterates the body and
//! calls `close()`, which sends `request_finished`.
//!
//! # QuerySets
//!
//! See [`orm`]: building a QuerySet runs no SQL; evaluating it runs one query and
//! caches the rows; `book.author` per row is the N+1 problem, cured by
//! `select_related` (a JOIN) or `prefetch_related` (one `IN` query).
//!
//! # Modules
//!
//! [`urls`] resolves `path()` routes, [`middleware`] describes the middlewares,
//! [`handler`] runs the onion, [`template`] renders templates, [`orm`] runs
//! QuerySets on SQLite, [`events`] is the event grammar, [`view`] rebuilds the
//! screens from events, [`session`] is the command language.

pub mod events;
pub mod handler;
pub mod middleware;
pub mod orm;
pub mod orm_quiz;
pub mod picture;
pub mod project;
pub mod quiz;
pub mod session;
pub mod template;
pub mod urls;
pub mod view;

pub use events::DjangoEvent;
pub use handler::{Handler, Project};
pub use picture::{LifecyclePicture, OrmPicture};
pub use session::{factory, orm_factory, LifecycleSession, OrmSession, ORM_PRESETS, PRESETS};
pub use view::{LifecycleView, OrmView};

/// The `django` simulation (the request lifecycle), as the registry lists it.
pub const INFO: crate::sim::SimInfo = crate::sim::SimInfo {
    name: "django",
    aliases: &["lifecycle"],
    about:
        "Django 5.1 request lifecycle: WSGI, the middleware onion, URL resolution, views, templates",
    about_zh: "Django 5.1 请求的生命周期：WSGI、中间件洋葱、URL 解析、视图与模板",
    factory,
    presets: PRESETS,
    picture: || Box::<LifecyclePicture>::default(),
    quiz: &[
        quiz::SHORT_CIRCUIT,
        quiz::EXCEPTION_ORDER,
        quiz::PROCESS_EXCEPTION,
    ],
    pairing: &[
        "请求的生命周期",
        "请求生命周期",
        "request lifecycle",
        "request life cycle",
        "request-response cycle",
    ],
};

/// The `django-orm` simulation, as the registry lists it.
pub const ORM_INFO: crate::sim::SimInfo = crate::sim::SimInfo {
    name: "django-orm",
    aliases: &["orm"],
    about: "Django QuerySets on SQLite: laziness, the result cache, N+1, select_related, prefetch_related",
    about_zh: "SQLite 上的 Django QuerySet：惰性求值、结果缓存、N+1、select_related 与 prefetch_related",
    factory: orm_factory,
    presets: ORM_PRESETS,
    picture: || Box::<OrmPicture>::default(),
    quiz: &[orm_quiz::LOOP, orm_quiz::CACHE, orm_quiz::REVERSE],
    pairing: &["ORM", "select_related", "prefetch_related", "N+1", "对象关系映射"],
};

/// The body of the CSRF failure response. Django renders a longer page here;
/// this simulation keeps a short one (the status and hook order are what it
/// reproduces).
pub const CSRF_FAILURE_BODY: &str = "\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>403 Forbidden</title>\n</head>\n<body>\n  <h1>403 Forbidden</h1><p>CSRF verification failed. Request aborted.</p>\n</body>\n</html>\n";

/// The project used when no config is given: the seven default middlewares of
/// `startproject`, two custom ones, and routes exercising every path.
pub const DEFAULT_CONFIG: &str = r#"settings:
  debug: false
  append_slash: true
middleware:
  - django.middleware.security.SecurityMiddleware
  - django.contrib.sessions.middleware.SessionMiddleware
  - django.middleware.common.CommonMiddleware
  - django.middleware.csrf.CsrfViewMiddleware
  - django.contrib.auth.middleware.AuthenticationMiddleware
  - django.contrib.messages.middleware.MessageMiddleware
  - django.middleware.clickjacking.XFrameOptionsMiddleware
  - name: Timing
    style: new
    handle_exception: [/boom-handled/]
  - name: Gate
    style: old
    respond_in_request: {/private/: 403}
    respond_in_view: {/maintenance/: 503}
routes:
  - {path: "", view: home, name: home}
  - {path: "hello/", view: hello, name: hello}
  - {path: "private/", view: hello, name: private}
  - {path: "maintenance/", view: hello, name: maintenance}
  - {path: "articles/2003/", view: special_2003, name: special-2003}
  - {path: "articles/<int:year>/", view: year_archive, name: articles-year}
  - {path: "boom/", view: boom, name: boom}
  - {path: "boom-handled/", view: boom, name: boom-handled}
  - {path: "nothing/", view: nothing, name: nothing}
  - {path: "page/", view: page, name: page}
  - {path: "books/", view: books, name: books}
  - {path: "books/fast/", view: books_fast, name: books-fast}
  - {path: "books/prefetch/", view: books_prefetch, name: books-prefetch}
  - include: "blog/"
    routes:
      - {path: "<int:pk>/", view: post, name: post-detail}
      - {path: "<slug:slug>/", view: post, name: post-by-slug}
views:
  home: {returns: 200}
  hello: {returns: 200}
  special_2003: {returns: 200}
  year_archive: {returns: 200}
  post: {returns: 200}
  boom: {raises: ValueError}
  nothing: {returns: none}
  page: {template: page.html, context: {title: "Hello <world>", items: [apples, pears]}}
  books: {orm: naive}
  books_fast: {orm: select_related}
  books_prefetch: {orm: prefetch_related}
"#;
