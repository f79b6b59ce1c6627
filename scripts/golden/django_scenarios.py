"""Scenario families replayed against real Django 5.1 by django.py.

Each lifecycle scenario is a config in the same YAML shape tuitor's `django`
simulation reads, plus the commands to send. Each ORM scenario is a list of
`django-orm` commands.
"""

M4_ALL = """
middleware:
  - {name: M1, style: new, respond_in_request: {/sc1/: 403}, raise_in_request: {/raise1/: PermissionDenied}, handle_exception: [/render-missing-handled/]}
  - {name: M2, style: new, respond_in_request: {/sc2/: 401}, raise_in_request: {/raise2/: ValueError}, respond_in_view: {/pv2/: 202}, handle_exception: [/boom-handled/, /http404-handled/], raise_in_response: {/rr2/: PermissionDenied}}
  - {name: M3, style: new, respond_in_request: {/sc3/: 418}, raise_in_request: {/raise3/: BadRequest}, respond_in_view: {/pv3/: 204}}
  - {name: M4, style: new, respond_in_request: {/sc4/: 503}, raise_in_request: {/raise4/: SuspiciousOperation}}
routes:
  - {path: "hello/", view: hello, name: hello}
  - {path: "sc1/", view: hello}
  - {path: "sc2/", view: hello}
  - {path: "sc3/", view: hello}
  - {path: "sc4/", view: hello}
  - {path: "raise1/", view: hello}
  - {path: "raise2/", view: hello}
  - {path: "raise3/", view: hello}
  - {path: "raise4/", view: hello}
  - {path: "pv2/", view: hello}
  - {path: "pv3/", view: hello}
  - {path: "rr2/", view: hello}
  - {path: "boom/", view: boom}
  - {path: "boom-handled/", view: boom}
  - {path: "http404/", view: not_found}
  - {path: "http404-handled/", view: not_found}
  - {path: "denied/", view: denied}
  - {path: "bad/", view: bad}
  - {path: "suspicious/", view: suspicious}
  - {path: "keyerror/", view: keyerror}
  - {path: "none/", view: nothing}
  - {path: "created/", view: created}
  - {path: "page/", view: page}
  - {path: "render-missing/", view: missing_tpl}
  - {path: "render-missing-handled/", view: missing_tpl}
  - {path: "render-syntax/", view: broken_tpl}
  - {path: "books/", view: books}
views:
  hello: {returns: 200}
  created: {returns: 201}
  boom: {raises: ValueError}
  not_found: {raises: Http404}
  denied: {raises: PermissionDenied}
  bad: {raises: BadRequest}
  suspicious: {raises: SuspiciousOperation}
  keyerror: {raises: KeyError}
  nothing: {returns: none}
  page: {template: page.html, context: {title: "A & B <i>", items: [x, "y'z", 3]}}
  missing_tpl: {template: nowhere.html}
  broken_tpl: {template: broken.html}
  books: {orm: select_related}
templates:
  broken.html: "{% for x in %}{% endfor %}"
"""

MIXED = """
middleware:
  - {name: O1, style: old, respond_in_request: {/o1/: 403}}
  - {name: N2, style: new, respond_in_request: {/n2/: 429}, hooks: [view], respond_in_view: {/pv/: 200}}
  - {name: O3, style: old, respond_in_request: {/o3/: 451}, raise_in_request: {/raise3/: PermissionDenied}, hooks: [exception], handle_exception: [/boom/]}
  - {name: N4, style: new, hooks: []}
routes:
  - {path: "a/", view: v}
  - {path: "o1/", view: v}
  - {path: "n2/", view: v}
  - {path: "o3/", view: v}
  - {path: "raise3/", view: v}
  - {path: "pv/", view: v}
  - {path: "boom/", view: boom}
  - {path: "page/", view: page}
views:
  v: {returns: 200}
  boom: {raises: ValueError}
  page: {template: page.html}
"""

URLS = """
middleware: []
routes:
  - {path: "", view: root, name: root}
  - {path: "articles/2003/", view: special_2003, name: special}
  - {path: "articles/<int:year>/", view: year, name: year}
  - {path: "articles/<int:year>/<int:month>/", view: month, name: month}
  - {path: "blog/<int:pk>/", view: by_pk, name: by-pk}
  - {path: "blog/<slug:slug>/", view: by_slug, name: by-slug}
  - {path: "u/<uuid:id>/", view: by_uuid, name: by-uuid}
  - {path: "files/<path:p>", view: file, name: file}
  - {path: "files/<path:p>/edit/", view: edit, name: edit}
  - {path: "s/<name>/", view: by_str, name: by-str}
  - include: "shop/<str:lang>/"
    routes:
      - {path: "items/<int:id>/", view: item, name: item}
      - include: "deep/"
        routes:
          - {path: "<slug:lang>/", view: deep, name: deep}
views:
  root: {returns: 200}
  special_2003: {returns: 200}
  year: {returns: 200}
  month: {returns: 200}
  by_pk: {returns: 200}
  by_slug: {returns: 200}
  by_uuid: {returns: 200}
  file: {returns: 200}
  edit: {returns: 200}
  by_str: {returns: 200}
  item: {returns: 200}
  deep: {returns: 200}
"""

DEFAULTS = """
middleware:
  - django.middleware.security.SecurityMiddleware
  - django.contrib.sessions.middleware.SessionMiddleware
  - django.middleware.common.CommonMiddleware
  - django.middleware.csrf.CsrfViewMiddleware
  - django.contrib.auth.middleware.AuthenticationMiddleware
  - django.contrib.messages.middleware.MessageMiddleware
  - django.middleware.clickjacking.XFrameOptionsMiddleware
routes:
  - {path: "hello/", view: hello, name: hello}
  - {path: "open/", view: open_view, name: open}
  - {path: "strict/", view: strict, name: strict}
  - {path: "café/", view: hello, name: cafe}
  - {path: "boom/", view: boom}
views:
  hello: {returns: 200}
  open_view: {returns: 200, csrf_exempt: true}
  strict: {returns: 200, no_append_slash: true}
  boom: {raises: ValueError}
"""

NO_SESSION = """
middleware:
  - django.middleware.common.CommonMiddleware
  - django.contrib.auth.middleware.AuthenticationMiddleware
routes:
  - {path: "hello/", view: hello}
views:
  hello: {returns: 200}
"""

NO_SESSION_MESSAGES = """
middleware:
  - django.contrib.messages.middleware.MessageMiddleware
  - django.middleware.clickjacking.XFrameOptionsMiddleware
routes:
  - {path: "hello/", view: hello}
views:
  hello: {returns: 200}
"""

LIFECYCLE = [
    ("default-project", None, [
        "GET /hello/", "GET /private/", "GET /maintenance/", "GET /boom-handled/", "GET /boom/",
        "GET /nothing/", "GET /hello", "GET /hello?x=1&y=2", "GET /missing/", "GET /missing",
        "GET /page/", "GET /books/", "GET /books/fast/", "GET /books/prefetch/", "POST /hello/",
        "GET /articles/2003/", "GET /articles/2024/", "GET /blog/42/", "GET /blog/4-2/", "GET /",
        "GET /blog/bad.slug/", "POST /hello", "GET /books",
    ]),
    ("four-new-style-all-hooks", M4_ALL, [
        "GET /hello/", "GET /sc1/", "GET /sc2/", "GET /sc3/", "GET /sc4/",
        "GET /raise1/", "GET /raise2/", "GET /raise3/", "GET /raise4/",
        "GET /pv2/", "GET /pv3/", "GET /rr2/", "GET /boom/", "GET /boom-handled/",
        "GET /http404/", "GET /http404-handled/", "GET /denied/", "GET /bad/", "GET /suspicious/",
        "GET /keyerror/", "GET /none/", "GET /created/", "GET /page/", "GET /render-missing/",
        "GET /render-missing-handled/", "GET /render-syntax/", "GET /books/", "GET /nope/",
    ]),
    ("old-new-mix", MIXED, [
        "GET /a/", "GET /o1/", "GET /n2/", "GET /o3/", "GET /raise3/", "GET /pv/", "GET /boom/",
        "GET /page/", "GET /zzz/",
    ]),
    ("url-converters-and-includes", URLS, [
        "GET /", "GET /articles/2003/", "GET /articles/2024/", "GET /articles/0007/",
        "GET /articles/12345678901234567890/", "GET /articles/-1/", "GET /articles/2024/13/",
        "GET /blog/42/", "GET /blog/4-2/", "GET /blog/bad.slug/",
        "GET /u/12345678-1234-5678-9abc-def012345678/", "GET /u/12345678-1234-5678-9ABC-DEF012345678/",
        "GET /files/a/b/c.txt", "GET /files/a/b/", "GET /files/", "GET /files/x/edit/",
        "GET /s/café/", "GET /s/a.b/", "GET /s/a/b/", "GET /shop/en/items/7/",
        "GET /shop/en/deep/fr/", "GET /shop/en/items/x/", "GET //articles/2024/", "GET /Articles/2024/",
        "GET /articles/2024", "GET /articles/2024//",
    ]),
    ("default-middleware-stack", DEFAULTS, [
        "GET /hello/", "GET /hello", "GET /hello?a=1&b=2", "GET /strict", "GET /café",
        "POST /hello/", "POST /open/", "POST /hello", "GET /boom/", "GET /nope/", "GET /nope",
        "PUT /open/", "DELETE /hello/", "HEAD /hello/", "OPTIONS /hello/",
    ]),
    ("debug-append-slash-post", DEFAULTS + "settings: {debug: true}\n", [
        "POST /hello", "PUT /hello", "GET /hello", "DELETE /hello",
    ]),
    ("append-slash-off", DEFAULTS + "settings: {append_slash: false}\n", [
        "GET /hello", "GET /hello/",
    ]),
    ("auth-without-session", NO_SESSION, ["GET /hello/"]),
    ("messages-without-session", NO_SESSION_MESSAGES, ["GET /hello/"]),
]

ORM = [
    ("n-plus-one-and-cures", None, [
        "let qs = Book.objects.all()", "list qs .author.name", "list qs .author.name",
        "let sr = Book.objects.select_related('author')", "list sr .author.name",
        "let pf = Book.objects.prefetch_related('author')", "list pf .author.name",
        "let both = Book.objects.select_related('author').prefetch_related('author')", "list both .author.name",
        "let a = Author.objects.all()", "list a .book_set", "list a .book_set",
        "let ap = Author.objects.prefetch_related('book_set')", "list ap .book_set",
        "let apd = Author.objects.order_by('-id').prefetch_related('book_set')", "list apd .book_set",
    ]),
    ("laziness", None, [
        "let qs = Book.objects.filter(author__name='Ada')", "count qs", "count qs", "exists qs",
        "list qs", "list qs", "len qs", "count qs", "exists qs", "first qs", "index qs 0",
        "let qs2 = qs.filter(id__gt=1)", "list qs2", "len qs2",
        "let fresh = Book.objects.all()", "len fresh", "count fresh", "exists fresh",
    ]),
    ("slices-and-indexes", None, [
        "let qs = Book.objects.all()", "slice qs 2 6", "slice qs 0 6 2", "slice qs 0 3", "slice qs 5 5",
        "slice qs 6 2", "index qs 3", "index qs 3", "index qs 50", "first qs", "first qs",
        "list qs", "first qs", "slice qs 2 6", "slice qs 0 6 2", "index qs 3",
        "let o = Book.objects.order_by('-title')", "first o", "list o", "first o", "slice o 1 3",
        "let sp = Book.objects.select_related('author').order_by('id')", "slice sp 3 5", "index sp 1",
        "let pp = Book.objects.prefetch_related('author')", "first pp", "slice pp 0 2", "index pp 9",
    ]),
    ("filters-and-ordering", None, [
        "let t = Book.objects.filter(title='Book 1')", "list t",
        "let m = Book.objects.filter(title='Book 1').filter(id__lte=3)", "list m",
        "let j = Book.objects.filter(author__name='Ada', id__gt=2)", "count j", "exists j", "list j",
        "let js = Book.objects.select_related('author').filter(author__name='Grace').order_by('-title')", "list js .author.name",
        "let ob = Book.objects.order_by('author__name', '-id')", "list ob",
        "let au = Author.objects.filter(name='Alan')", "list au .book_set", "count au",
        "let ids = Book.objects.filter(author=2).order_by('-id')", "list ids .author.name",
        "let none = Book.objects.filter(id__gt=100)", "exists none", "list none", "first none",
        "let pn = Book.objects.filter(id__gt=100).prefetch_related('author')", "list pn",
        "let apn = Author.objects.filter(id__gte=3).prefetch_related('book_set')", "list apn .book_set",
    ]),
    ("other-datasets", None, [
        "seed authors=2 books=5", "let qs = Book.objects.all()", "list qs .author.name",
        "let pf = Book.objects.prefetch_related('author')", "list pf .author.name",
        "seed authors=3 books=0", "let e = Author.objects.prefetch_related('book_set')", "list e .book_set",
        "let b = Book.objects.all()", "count b", "exists b", "first b",
        "seed authors=7 books=20", "let big = Book.objects.prefetch_related('author').order_by('-id')", "list big .author.name",
        "let a = Author.objects.all()", "list a .book_set",
    ]),
]
