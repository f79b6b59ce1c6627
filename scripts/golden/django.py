#!/usr/bin/env python3
"""Record golden vectors from a real Django 5.1 for tuitor's django simulations.

Installs Django 5.1 from PyPI if it is missing, builds a throw-away project in a
temporary directory (settings.configure, an app `library` with Author and Book
on in-memory SQLite), and drives a real `WSGIHandler` in-process the way a WSGI
server does (call, start_response, iterate the body, close). Nothing listens on
a socket.

Hook order is recorded by instrumented middleware (custom ones built from the
same YAML config the simulation reads; the seven defaults subclassed so that
their real request/response/process_view code runs and is observed), by a
patched `resolve_request`, `check_response` and `response_for_exception`, by
signal receivers, by log handlers on django.request / django.security, and by
`connection.execute_wrapper` for SQL.

Writes tests/golden/django_lifecycle.json and tests/golden/django_orm.json.
Usage: python3 scripts/golden/django.py
"""
import copy
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "tests", "golden")
# This file is named django.py: keep its directory off sys.path so that
# `import django` finds the real package.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]

try:
    import django  # noqa: F401
    assert django.VERSION[:2] == (5, 1)
except (ImportError, AssertionError):
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "django==5.1.*"])

try:
    import yaml
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "pyyaml"])
    import yaml

import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("django_scenarios", os.path.join(HERE, "django_scenarios.py"))
S = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(S)

TMP = tempfile.mkdtemp(prefix="tuitor-django-golden-")
os.makedirs(os.path.join(TMP, "library"))
open(os.path.join(TMP, "library", "__init__.py"), "w").close()
with open(os.path.join(TMP, "library", "models.py"), "w") as f:
    f.write(
        "from django.db import models\n"
        "class Author(models.Model):\n"
        "    name = models.CharField(max_length=50)\n"
        "class Book(models.Model):\n"
        "    title = models.CharField(max_length=50)\n"
        "    author = models.ForeignKey(Author, on_delete=models.CASCADE)\n"
    )
sys.path.insert(0, TMP)

from django.conf import settings  # noqa: E402

TEMPLATES = {}
settings.configure(
    DEBUG=False,
    SECRET_KEY="golden-only",
    ALLOWED_HOSTS=["testserver"],
    ROOT_URLCONF="golden_urls",
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "library",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    TEMPLATES=[{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", TEMPLATES)],
                    "context_processors": []},
    }],
    MIDDLEWARE=[],
    LOGGING_CONFIG=None,
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    USE_TZ=True,
)
django.setup()

from django.core import signals  # noqa: E402
from django.core.exceptions import (  # noqa: E402
    BadRequest, DisallowedHost, PermissionDenied, SuspiciousOperation)
from django.core.handlers import exception as exmod  # noqa: E402
from django.core.handlers.base import BaseHandler  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import Http404, HttpResponse  # noqa: E402
from django.template.response import TemplateResponse  # noqa: E402
from django.urls import Resolver404, clear_url_caches, include, path  # noqa: E402
from django.utils.deprecation import MiddlewareMixin  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from library.models import Author, Book  # noqa: E402

EV = []
SQL = []
STATE = {}


def rec(s):
    EV.append(s)


EXC = {
    "ValueError": ValueError, "KeyError": KeyError, "TypeError": TypeError,
    "RuntimeError": RuntimeError, "ZeroDivisionError": ZeroDivisionError,
    "Http404": Http404, "PermissionDenied": PermissionDenied, "BadRequest": BadRequest,
    "SuspiciousOperation": SuspiciousOperation, "DisallowedHost": DisallowedHost,
}

# --- instrumentation of Django's own code paths -----------------------------
_orig_resolve = BaseHandler.resolve_request


def resolve_request(self, request):
    try:
        m = _orig_resolve(self, request)
    except Resolver404:
        rec(f"resolver.resolve({request.path_info}) -> Resolver404")
        raise
    rec(f"resolver.resolve({request.path_info}) -> {m.func.__name__}")
    STATE["match"] = m
    return m


BaseHandler.resolve_request = resolve_request
_orig_check = BaseHandler.check_response


def check_response(self, response, callback, name=None):
    try:
        return _orig_check(self, response, callback, name)
    except ValueError:
        rec(f"check_response({getattr(callback, '__name__', '?')}) -> raise ValueError")
        raise


BaseHandler.check_response = check_response
_orig_rfe = exmod.response_for_exception


def response_for_exception(request, exc):
    r = _orig_rfe(request, exc)
    rec(f"response_for_exception({type(exc).__name__}) -> response({r.status_code})")
    return r


exmod.response_for_exception = response_for_exception
signals.request_started.connect(lambda **kw: rec("signal.request_started"), weak=False)
signals.request_finished.connect(lambda **kw: rec("signal.request_finished"), weak=False)
signals.got_request_exception.connect(lambda **kw: rec("signal.got_request_exception"), weak=False)


class Rec(logging.Handler):
    def emit(self, record):
        rec(f"log.{record.levelname} {record.name}: {record.getMessage()}")


for lname in ("django.request", "django.security"):
    lg = logging.getLogger(lname)
    lg.handlers = [Rec()]
    lg.propagate = False
    lg.setLevel(logging.INFO)


class InstrTemplateResponse(TemplateResponse):
    def render(self):
        if not self.is_rendered:
            rec(f"template.render({self.template_name})")
            try:
                return super().render()
            except Exception as e:
                rec(f"template.render({self.template_name}) -> raise {type(e).__name__}")
                raise
        return super().render()


# --- building a project from the simulation's YAML ---------------------------
def make_custom(spec):
    name = spec["name"]
    style = spec.get("style", "new")
    hooks = spec.get("hooks", ["view", "exception", "template"])
    rir = spec.get("respond_in_request", {})
    raise_req = spec.get("raise_in_request", {})
    riv = spec.get("respond_in_view", {})
    hexc = spec.get("handle_exception", [])
    raise_resp = spec.get("raise_in_response", {})

    def request_phase(self, request):
        p = request.path_info
        if p in raise_req:
            rec(f"{name}.request -> raise {raise_req[p]}")
            raise EXC[raise_req[p]](name)
        if p in rir:
            rec(f"{name}.request -> response({rir[p]})")
            return HttpResponse(f"{name} says {rir[p]}", status=rir[p])
        rec(f"{name}.request")
        return None

    def response_phase(self, request, response):
        st = response.status_code
        p = request.path_info
        if p in raise_resp:
            rec(f"{name}.response({st}) -> raise {raise_resp[p]}")
            raise EXC[raise_resp[p]](name)
        rec(f"{name}.response({st})")
        return response

    attrs = {}
    if style == "new":
        def __init__(self, get_response):
            rec(f"{name}.__init__")
            self.get_response = get_response

        def __call__(self, request):
            r = request_phase(self, request)
            if r is not None:
                return r
            response = self.get_response(request)
            return response_phase(self, request, response)
        attrs.update(__init__=__init__, __call__=__call__)
        bases = (object,)
    else:
        def __init__(self, get_response):
            rec(f"{name}.__init__")
            MiddlewareMixin.__init__(self, get_response)
        attrs.update(__init__=__init__, process_request=request_phase, process_response=response_phase)
        bases = (MiddlewareMixin,)

    if "view" in hooks:
        def process_view(self, request, view_func, args, kwargs):
            p = request.path_info
            r = None
            if p in riv:
                r = HttpResponse(f"{name} says {riv[p]}", status=riv[p])
            rec(f"{name}.process_view({view_func.__name__}) -> " + (f"response({r.status_code})" if r else "None"))
            return r
        attrs["process_view"] = process_view
    if "exception" in hooks:
        def process_exception(self, request, exception):
            r = None
            if request.path_info in hexc:
                r = HttpResponse(f"{name} handled {type(exception).__name__}")
            rec(f"{name}.process_exception({type(exception).__name__}) -> "
                + (f"response({r.status_code})" if r else "None"))
            return r
        attrs["process_exception"] = process_exception
    if "template" in hooks:
        def process_template_response(self, request, response):
            response.context_data.setdefault("ptr", []).append(name)
            rec(f"{name}.process_template_response({response.template_name}) -> same")
            return response
        attrs["process_template_response"] = process_template_response
    return type(name, bases, attrs)


def make_builtin(dotted):
    cls = import_string(dotted)
    name = cls.__name__

    def __init__(self, get_response):
        rec(f"{name}.__init__")
        cls.__init__(self, get_response)

    def __call__(self, request):
        response = None
        if hasattr(self, "process_request"):
            try:
                response = self.process_request(request)
            except Exception as e:
                rec(f"{name}.request -> raise {type(e).__name__}")
                raise
        rec(f"{name}.request -> response({response.status_code})" if response else f"{name}.request")
        response = response or self.get_response(request)
        st, orig = response.status_code, response
        if hasattr(self, "process_response"):
            try:
                response = self.process_response(request, response)
            except Exception as e:
                rec(f"{name}.response({st}) -> raise {type(e).__name__}")
                raise
        rec(f"{name}.response({st})" if response is orig
            else f"{name}.response({st}) -> response({response.status_code})")
        return response

    attrs = {"__init__": __init__, "__call__": __call__}
    if hasattr(cls, "process_view"):
        def process_view(self, request, view_func, args, kwargs):
            r = cls.process_view(self, request, view_func, args, kwargs)
            rec(f"{name}.process_view({view_func.__name__}) -> "
                + (f"response({r.status_code})" if r else "None"))
            return r
        attrs["process_view"] = process_view
    return type(name, (cls,), attrs)


def make_view(name, spec):
    if "returns" in spec:
        status = spec["returns"]
        if status is None or str(status).lower() == "none":
            def v(request, **kw):
                rec(f"view.{name} -> None")
                return None
        else:
            def v(request, **kw):
                rec(f"view.{name}")
                return HttpResponse(f"<p>{name}</p>", status=status)
    elif "raises" in spec:
        exc = spec["raises"]

        def v(request, **kw):
            rec(f"view.{name} -> raise {exc}")
            raise EXC[exc](name)
    elif "template" in spec:
        t, ctx = spec["template"], spec.get("context") or {}

        def v(request, **kw):
            rec(f"view.{name} -> TemplateResponse({t})")
            return InstrTemplateResponse(request, t, copy.deepcopy(ctx))
    else:
        mode = spec["orm"]

        def v(request, **kw):
            qs = Book.objects.all()
            if mode == "select_related":
                qs = qs.select_related("author")
            elif mode == "prefetch_related":
                qs = qs.prefetch_related("author")
            rec(f"view.{name} -> TemplateResponse(books.html)")
            return InstrTemplateResponse(request, "books.html", {"books": qs})
    v.__name__ = name
    if spec.get("csrf_exempt"):
        v = csrf_exempt(v)
        v.__name__ = name
    if spec.get("no_append_slash"):
        v.should_append_slash = False
    return v


def make_routes(routes, views):
    out = []
    for r in routes:
        if "include" in r:
            out.append(path(r["include"], include(make_routes(r["routes"], views))))
        else:
            out.append(path(r["path"], views[r["view"]], name=r.get("name")))
    return out


def kw_json(v):
    if isinstance(v, int):
        return v if v < 2 ** 63 else str(v)
    return str(v)


def sql_wrapper(execute, sql, params, many, context):
    r = execute(sql, params, many, context)
    q = context["connection"].ops.last_executed_query(context["cursor"], sql, params)
    SQL.append(q)
    rec(f"sql#{len(SQL)}: {q}")
    return r


def load_project(config_text):
    cfg = yaml.safe_load(config_text)
    mods = types.ModuleType("golden_mw")
    sys.modules["golden_mw"] = mods
    paths = []
    for m in cfg.get("middleware") or []:
        cls = make_builtin(m) if isinstance(m, str) else make_custom(m)
        setattr(mods, cls.__name__, cls)
        paths.append(f"golden_mw.{cls.__name__}")
    views = {k: make_view(k, v) for k, v in (cfg.get("views") or {}).items()}
    urls = types.ModuleType("golden_urls")
    urls.urlpatterns = make_routes(cfg.get("routes") or [], views)
    sys.modules["golden_urls"] = urls
    TEMPLATES.clear()
    TEMPLATES["page.html"] = PAGE_HTML
    TEMPLATES["books.html"] = BOOKS_HTML
    TEMPLATES.update(cfg.get("templates") or {})
    st = cfg.get("settings") or {}
    settings.DEBUG = bool(st.get("debug", False))
    settings.APPEND_SLASH = bool(st.get("append_slash", True))
    settings.MIDDLEWARE = paths
    clear_url_caches()
    EV.clear()
    handler = WSGIHandler()
    init = list(EV)
    return handler, init, settings.DEBUG


def request(handler, line, debug):
    method, full = line.split()
    p, _, q = full.partition("?")
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": p.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": q, "SCRIPT_NAME": "", "SERVER_NAME": "testserver", "SERVER_PORT": "80",
        "HTTP_HOST": "testserver", "SERVER_PROTOCOL": "HTTP/1.1", "CONTENT_LENGTH": "0",
        "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    EV.clear()
    SQL.clear()
    STATE.clear()
    got = {}

    def start_response(status, headers, exc_info=None):
        rec(f"wsgi.start_response({status})")
        got["status"] = int(status.split()[0])
        got["headers"] = [list(h) for h in headers]

    rec("wsgi.call")
    with connection.execute_wrapper(sql_wrapper):
        result = handler(environ, start_response)
        b"".join(result)
        rec("wsgi.iterated")
        rec("wsgi.close")
        result.close()
    m = STATE.get("match")
    rm = None
    if m is not None:
        rm = {"url_name": m.url_name, "route": m.route, "view": m.func.__name__,
              "kwargs": {k: kw_json(v) for k, v in m.kwargs.items()}}
    csrf_page = any(e.startswith("log.WARNING django.security.csrf") for e in EV)
    return {
        "cmd": line, "status": got["status"], "events": list(EV), "resolver_match": rm,
        "query_count": len(SQL), "sql": list(SQL),
        # Technical (DEBUG) pages and the CSRF failure page have bodies the
        # simulation does not reproduce byte for byte.
        "headers": None if (debug or csrf_page) else got["headers"],
    }


def reset_data(authors, books):
    Book.objects.all().delete()
    Author.objects.all().delete()
    with connection.cursor() as c:
        c.execute("DELETE FROM sqlite_sequence")
    names = ["Ada", "Grace", "Alan", "Barbara", "Edsger", "Donald"]
    for i in range(1, authors + 1):
        Author.objects.create(id=i, name=names[i - 1] if i <= len(names) else f"Author {i}")
    for i in range(1, books + 1):
        Book.objects.create(id=i, title=f"Book {i}", author_id=(i - 1) % authors + 1)


def label(o):
    return o.title if isinstance(o, Book) else o.name


def orm_command(ns, line):
    words = line.split()
    cmd = words[0]
    if cmd == "seed":
        kv = dict(w.split("=") for w in words[1:])
        reset_data(int(kv.get("authors", 4)), int(kv.get("books", 10)))
        for k in [k for k in ns if k not in ("Book", "Author")]:
            del ns[k]
        return {"authors": int(kv.get("authors", 4)), "books": int(kv.get("books", 10))}
    if cmd == "let":
        name, expr = line[4:].split("=", 1)
        ns[name.strip()] = eval(expr.strip(), {}, ns)
        return None
    qs = ns[words[1]]
    if cmd == "list":
        if len(words) == 2:
            return [label(o) for o in qs]
        if words[2].startswith(".author"):
            return [b.author.name for b in qs]
        return [len(a.book_set.all()) for a in qs]
    if cmd == "len":
        return len(qs)
    if cmd == "count":
        return qs.count()
    if cmd == "exists":
        return qs.exists()
    if cmd == "first":
        o = qs.first()
        return None if o is None else label(o)
    if cmd == "index":
        try:
            return label(qs[int(words[2])])
        except IndexError:
            return {"error": "IndexError: list index out of range"}
    if cmd == "slice":
        a, b = int(words[2]), int(words[3])
        if len(words) > 4:
            return [label(o) for o in qs[a:b:int(words[4])]]
        return [label(o) for o in qs[a:b]]
    raise ValueError(line)


def main():
    global PAGE_HTML, BOOKS_HTML
    src = open(os.path.join(ROOT, "src", "sim", "django", "handler.rs"), encoding="utf-8").read()
    PAGE_HTML = rust_const(src, "PAGE_HTML")
    BOOKS_HTML = rust_const(src, "BOOKS_HTML")
    default_cfg = rust_raw_const(open(os.path.join(ROOT, "src", "sim", "django", "mod.rs"),
                                      encoding="utf-8").read(), "DEFAULT_CONFIG")
    with connection.schema_editor() as se:
        se.create_model(Author)
        se.create_model(Book)
    reset_data(4, 10)

    lifecycle = []
    for name, cfg, cmds in S.LIFECYCLE:
        text = cfg if cfg is not None else default_cfg
        handler, init, debug = load_project(text)
        results = []
        for line in cmds:
            reset_data(4, 10)
            results.append(request(handler, line, debug))
        lifecycle.append({"name": name, "config": cfg, "init": init, "commands": results})

    orm = []
    for name, cfg, cmds in S.ORM:
        reset_data(4, 10)
        ns = {"Book": Book, "Author": Author}
        results = []
        for line in cmds:
            SQL.clear()
            EV.clear()
            if line.startswith("seed"):
                # Rebuilding the dataset is setup, not a counted query.
                result = orm_command(ns, line)
            else:
                with connection.execute_wrapper(sql_wrapper):
                    result = orm_command(ns, line)
            if line.startswith("let "):
                result = None
            results.append({"cmd": line, "queries": len(SQL), "sql": list(SQL), "result": result})
        orm.append({"name": name, "config": cfg, "commands": results})

    os.makedirs(OUT, exist_ok=True)
    meta = {"django": django.get_version(), "python": sys.version.split()[0]}
    with open(os.path.join(OUT, "django_lifecycle.json"), "w", encoding="utf-8") as f:
        json.dump({"meta": meta, "scenarios": lifecycle}, f, ensure_ascii=False, indent=1)
    with open(os.path.join(OUT, "django_orm.json"), "w", encoding="utf-8") as f:
        json.dump({"meta": meta, "scenarios": orm}, f, ensure_ascii=False, indent=1)
    n1 = sum(len(s["commands"]) for s in lifecycle)
    n2 = sum(len(s["commands"]) for s in orm)
    print(f"recorded {n1} requests and {n2} ORM commands with Django {meta['django']}")


def rust_const(src, name):
    """Read a `pub const NAME: &str = "...";` string literal from Rust source."""
    start = src.index(f"pub const {name}: &str =")
    lit_start = src.index('"', start)
    i = lit_start + 1
    out = []
    while src[i] != '"':
        if src[i] == "\\":
            nxt = src[i + 1]
            out.append({"n": "\n", '"': '"', "\\": "\\", "t": "\t"}[nxt])
            i += 2
        else:
            out.append(src[i])
            i += 1
    return "".join(out)


def rust_raw_const(src, name):
    start = src.index(f"pub const {name}: &str = r#\"")
    body = src[start:].split('r#"', 1)[1]
    return body.split('"#;', 1)[0]


if __name__ == "__main__":
    main()
