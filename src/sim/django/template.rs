//! A small template engine with Django's semantics for the subset it knows.
//!
//! Rendering happens in two steps, as in Django. First the source is split into
//! tokens with the same rule Django uses (`{% ... %}`, `{{ ... }}` and `{# ... #}`
//! on one line; everything else is text) and parsed into a node tree; a bad tag
//! is a `TemplateSyntaxError`. Then the tree is rendered against a context:
//!
//! * `{{ a.b.c }}` looks each part up as a dict key, then an attribute, then a
//!   list index. A missing name renders as the empty string. The result is
//!   auto-escaped (`& < > " '`) unless it went through `|safe`.
//! * `{% for x in seq %}...{% empty %}...{% endfor %}` with `forloop.counter`,
//!   `counter0`, `revcounter`, `revcounter0`, `first`, `last`, and `reversed`.
//! * `{% if %}` / `{% elif %}` / `{% else %}` with `and`, `or`, `not`, `in`,
//!   `not in`, `==`, `!=`, `<`, `>`, `<=`, `>=`.
//! * Filters: `length`, `upper`, `lower`, `default:"x"`, `safe`, `escape`.
//!
//! Context values may be lazy QuerySets and model instances. Looping over a
//! QuerySet evaluates it (one query); `book.author` on an instance runs the
//! foreign-key query unless the author is already cached on it. That is why a
//! template, not the view, is where the N+1 queries of a list page happen.

use super::events::DjangoEvent;
use super::orm::{Orm, QuerySet, Row};
use crate::sim::trace::Observer;

/// A value in a template context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TValue {
    /// Python `None`.
    None,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// Text (escaped when printed).
    Str(String),
    /// Text marked safe (printed as is).
    Safe(String),
    /// A list.
    List(Vec<TValue>),
    /// A dict, in insertion order.
    Map(Vec<(String, TValue)>),
    /// A QuerySet, by index in the context's store.
    QuerySet(usize),
    /// A model instance: row `row` of QuerySet `qs`'s cache; `author` = the
    /// book's related author rather than the row itself.
    Obj {
        /// QuerySet index in the store.
        qs: usize,
        /// Row in its result cache.
        row: usize,
        /// The row's `author` instead of the row.
        author: bool,
    },
    /// A failed lookup (renders as "").
    Invalid,
}

impl TValue {
    /// Convert a YAML value from a config into a context value.
    pub fn from_yaml(v: &serde_json::Value) -> TValue {
        use serde_json::Value as Y;
        match v {
            Y::Null => TValue::None,
            Y::Bool(b) => TValue::Bool(*b),
            Y::Number(n) => match n.as_i64() {
                Some(i) => TValue::Int(i),
                None => TValue::Str(n.to_string()),
            },
            Y::String(s) => TValue::Str(s.clone()),
            Y::Array(s) => TValue::List(s.iter().map(TValue::from_yaml).collect()),
            Y::Object(m) => TValue::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), TValue::from_yaml(v)))
                    .collect(),
            ),
        }
    }
}

/// A template error, named by its Django exception class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    /// `TemplateSyntaxError`, `TemplateDoesNotExist`, `OperationalError`, ...
    pub exc: String,
    /// What went wrong.
    pub msg: String,
}

fn syntax(msg: impl Into<String>) -> TemplateError {
    TemplateError {
        exc: "TemplateSyntaxError".into(),
        msg: msg.into(),
    }
}

/// The context a template renders against.
#[derive(Clone, Debug, Default)]
pub struct Context {
    scopes: Vec<Vec<(String, TValue)>>,
    /// QuerySets referenced by [`TValue::QuerySet`].
    pub store: Vec<QuerySet>,
}

impl Context {
    /// A context with one scope holding `vars`.
    pub fn new(vars: Vec<(String, TValue)>) -> Context {
        Context {
            scopes: vec![vars],
            store: Vec::new(),
        }
    }

    /// Add a QuerySet to the store and bind it to `name`.
    pub fn bind_queryset(&mut self, name: &str, qs: QuerySet) {
        self.store.push(qs);
        let v = TValue::QuerySet(self.store.len() - 1);
        self.set(name, v);
    }

    /// Set a top-level variable.
    pub fn set(&mut self, name: &str, v: TValue) {
        if self.scopes.is_empty() {
            self.scopes.push(Vec::new());
        }
        let top = &mut self.scopes[0];
        if let Some(slot) = top.iter_mut().find(|(k, _)| k == name) {
            slot.1 = v;
        } else {
            top.push((name.to_string(), v));
        }
    }

    /// A top-level variable.
    pub fn get(&self, name: &str) -> Option<&TValue> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v))
    }

    fn lookup(&self, name: &str) -> TValue {
        self.get(name).cloned().unwrap_or(TValue::Invalid)
    }
}

#[derive(Clone, Debug, PartialEq)]
struct FilterExpr {
    base: String,
    filters: Vec<(String, Option<String>)>,
}

#[derive(Clone, Debug, PartialEq)]
enum Cond {
    Or(Box<Cond>, Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
    Cmp(FilterExpr, String, FilterExpr),
    Val(FilterExpr),
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Var(FilterExpr),
    For {
        var: String,
        seq: FilterExpr,
        reversed: bool,
        body: Vec<Node>,
        empty: Vec<Node>,
    },
    If {
        branches: Vec<(Cond, Vec<Node>)>,
        otherwise: Vec<Node>,
    },
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Text(String),
    Var(String),
    Block(String),
}

fn tokenize(src: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    let b = src.as_bytes();
    while i + 1 < b.len() {
        let close = match (b[i], b[i + 1]) {
            (b'{', b'{') => Some("}}"),
            (b'{', b'%') => Some("%}"),
            (b'{', b'#') => Some("#}"),
            _ => None,
        };
        if let Some(close) = close {
            let line_end = src[i..].find('\n').map(|n| i + n).unwrap_or(src.len());
            if let Some(rel) = src[i + 2..line_end].find(close) {
                let end = i + 2 + rel + 2;
                if text_start < i {
                    out.push(Tok::Text(src[text_start..i].to_string()));
                }
                let inner = src[i + 2..end - 2].trim().to_string();
                match b[i + 1] {
                    b'{' => out.push(Tok::Var(inner)),
                    b'%' => out.push(Tok::Block(inner)),
                    _ => {}
                }
                i = end;
                text_start = end;
                continue;
            }
        }
        i += 1;
    }
    if text_start < src.len() {
        out.push(Tok::Text(src[text_start..].to_string()));
    }
    out
}

/// Split on whitespace, keeping quoted strings whole.
fn smart_split(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match quote {
            Some(q) => {
                cur.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                cur.push(c);
            }
            None if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            None => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn parse_filter_expr(s: &str) -> Result<FilterExpr, TemplateError> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match quote {
            Some(q) => {
                cur.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                cur.push(c);
            }
            None if c == '|' => parts.push(std::mem::take(&mut cur)),
            None => cur.push(c),
        }
    }
    parts.push(cur);
    let base = parts[0].trim().to_string();
    if base.is_empty() {
        return Err(syntax(format!("Empty variable tag: {s:?}")));
    }
    let mut filters = Vec::new();
    for p in &parts[1..] {
        let p = p.trim();
        let (name, arg) = match p.split_once(':') {
            Some((n, a)) => (n.trim(), Some(a.trim().to_string())),
            None => (p, None),
        };
        if !["length", "upper", "lower", "default", "safe", "escape"].contains(&name) {
            return Err(syntax(format!("Invalid filter: '{name}'")));
        }
        if name == "default" && arg.is_none() {
            return Err(syntax("default requires 2 arguments, 1 provided"));
        }
        filters.push((name.to_string(), arg));
    }
    Ok(FilterExpr { base, filters })
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    /// Parse nodes until one of `ends` (returns which one ended it).
    fn parse(&mut self, ends: &[&str]) -> Result<(Vec<Node>, Option<String>), TemplateError> {
        let mut nodes = Vec::new();
        while self.pos < self.toks.len() {
            let tok = self.toks[self.pos].clone();
            self.pos += 1;
            match tok {
                Tok::Text(t) => nodes.push(Node::Text(t)),
                Tok::Var(v) => nodes.push(Node::Var(parse_filter_expr(&v)?)),
                Tok::Block(b) => {
                    let words = smart_split(&b);
                    let Some(cmd) = words.first().map(String::as_str) else {
                        return Err(syntax("Empty block tag"));
                    };
                    if ends.contains(&cmd) {
                        return Ok((nodes, Some(b)));
                    }
                    match cmd {
                        "for" => nodes.push(self.parse_for(&words)?),
                        "if" => nodes.push(self.parse_if(&words)?),
                        _ => {
                            return Err(syntax(format!(
                                "Invalid block tag: '{cmd}'{}",
                                if ends.is_empty() {
                                    String::new()
                                } else {
                                    format!(", expected {}", ends.join(" or "))
                                }
                            )))
                        }
                    }
                }
            }
        }
        if ends.is_empty() {
            Ok((nodes, None))
        } else {
            Err(syntax(format!(
                "Unclosed tag: expected {}",
                ends.join(" or ")
            )))
        }
    }

    fn parse_for(&mut self, words: &[String]) -> Result<Node, TemplateError> {
        let reversed = words.last().map(String::as_str) == Some("reversed");
        let n = words.len() - usize::from(reversed);
        if n != 4 || words[2] != "in" || words[1].contains(',') {
            return Err(syntax(format!(
                "'for' statements should look like 'for x in y': {}",
                words.join(" ")
            )));
        }
        let seq = parse_filter_expr(&words[3])?;
        let (body, end) = self.parse(&["empty", "endfor"])?;
        let empty = if end.as_deref() == Some("empty") {
            self.parse(&["endfor"])?.0
        } else {
            Vec::new()
        };
        Ok(Node::For {
            var: words[1].clone(),
            seq,
            reversed,
            body,
            empty,
        })
    }

    fn parse_if(&mut self, words: &[String]) -> Result<Node, TemplateError> {
        let mut branches = Vec::new();
        let mut cond = parse_cond(&words[1..])?;
        loop {
            let (body, end) = self.parse(&["elif", "else", "endif"])?;
            branches.push((cond, body));
            let end = end.unwrap_or_default();
            let w = smart_split(&end);
            match w.first().map(String::as_str) {
                Some("elif") => cond = parse_cond(&w[1..])?,
                Some("else") => {
                    let (otherwise, _) = self.parse(&["endif"])?;
                    return Ok(Node::If {
                        branches,
                        otherwise,
                    });
                }
                _ => {
                    return Ok(Node::If {
                        branches,
                        otherwise: Vec::new(),
                    })
                }
            }
        }
    }
}

fn parse_cond(words: &[String]) -> Result<Cond, TemplateError> {
    if words.is_empty() {
        return Err(syntax("Unexpected end of expression in if tag."));
    }
    let mut pos = 0;
    let c = parse_or(words, &mut pos)?;
    if pos != words.len() {
        return Err(syntax(format!(
            "Unused '{}' at end of if expression.",
            words[pos]
        )));
    }
    Ok(c)
}

fn parse_or(w: &[String], pos: &mut usize) -> Result<Cond, TemplateError> {
    let mut left = parse_and(w, pos)?;
    while w.get(*pos).map(String::as_str) == Some("or") {
        *pos += 1;
        let right = parse_and(w, pos)?;
        left = Cond::Or(Box::new(left), Box::new(right));
    }
    Ok(left)
}

fn parse_and(w: &[String], pos: &mut usize) -> Result<Cond, TemplateError> {
    let mut left = parse_not(w, pos)?;
    while w.get(*pos).map(String::as_str) == Some("and") {
        *pos += 1;
        let right = parse_not(w, pos)?;
        left = Cond::And(Box::new(left), Box::new(right));
    }
    Ok(left)
}

fn parse_not(w: &[String], pos: &mut usize) -> Result<Cond, TemplateError> {
    if w.get(*pos).map(String::as_str) == Some("not") {
        *pos += 1;
        return Ok(Cond::Not(Box::new(parse_not(w, pos)?)));
    }
    let operand = |pos: &mut usize| -> Result<FilterExpr, TemplateError> {
        let t = w
            .get(*pos)
            .ok_or_else(|| syntax("Unexpected end of expression in if tag."))?;
        if ["and", "or", "not", "in", "==", "!=", "<", ">", "<=", ">="].contains(&t.as_str()) {
            return Err(syntax(format!(
                "Not expecting '{t}' in this position in if tag."
            )));
        }
        *pos += 1;
        parse_filter_expr(t)
    };
    let left = operand(pos)?;
    let op = match w.get(*pos).map(String::as_str) {
        Some(op @ ("==" | "!=" | "<" | ">" | "<=" | ">=" | "in")) => op.to_string(),
        Some("not") if w.get(*pos + 1).map(String::as_str) == Some("in") => {
            *pos += 1;
            "not in".to_string()
        }
        _ => return Ok(Cond::Val(left)),
    };
    *pos += 1;
    let right = operand(pos)?;
    Ok(Cond::Cmp(left, op, right))
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    nodes: Vec<Node>,
}

impl Template {
    /// Compile a template source. Errors are `TemplateSyntaxError`.
    pub fn parse(src: &str) -> Result<Template, TemplateError> {
        let mut p = Parser {
            toks: tokenize(src),
            pos: 0,
        };
        let (nodes, _) = p.parse(&[])?;
        Ok(Template { nodes })
    }

    /// Render against a context. ORM lookups run real queries through `orm`.
    pub fn render<O: Observer<DjangoEvent>>(
        &self,
        ctx: &mut Context,
        orm: &mut Orm,
        obs: &mut O,
    ) -> Result<String, TemplateError> {
        let mut r = Renderer { ctx, orm, obs };
        let mut out = String::new();
        r.nodes(&self.nodes, &mut out)?;
        Ok(out)
    }
}

struct Renderer<'a, O> {
    ctx: &'a mut Context,
    orm: &'a mut Orm,
    obs: &'a mut O,
}

fn orm_err(msg: String) -> TemplateError {
    TemplateError {
        exc: msg
            .split(':')
            .next()
            .unwrap_or("OperationalError")
            .to_string(),
        msg,
    }
}

/// Django's `escape()`.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#x27;"),
            c => o.push(c),
        }
    }
    o
}

fn py_repr_str(s: &str) -> String {
    if s.contains('\'') && !s.contains('"') {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

impl<O: Observer<DjangoEvent>> Renderer<'_, O> {
    fn nodes(&mut self, nodes: &[Node], out: &mut String) -> Result<(), TemplateError> {
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Var(e) => {
                    let v = self.eval(e)?;
                    match v {
                        TValue::Safe(s) => out.push_str(&s),
                        other => {
                            let s = self.display(&other)?;
                            out.push_str(&escape(&s));
                        }
                    }
                }
                Node::For {
                    var,
                    seq,
                    reversed,
                    body,
                    empty,
                } => {
                    let v = self.eval(seq)?;
                    let mut items = self.iterate(v)?;
                    if *reversed {
                        items.reverse();
                    }
                    if items.is_empty() {
                        self.nodes(empty, out)?;
                        continue;
                    }
                    let len = items.len() as i64;
                    for (i, item) in items.into_iter().enumerate() {
                        let i = i as i64;
                        let forloop = TValue::Map(vec![
                            ("counter".into(), TValue::Int(i + 1)),
                            ("counter0".into(), TValue::Int(i)),
                            ("revcounter".into(), TValue::Int(len - i)),
                            ("revcounter0".into(), TValue::Int(len - i - 1)),
                            ("first".into(), TValue::Bool(i == 0)),
                            ("last".into(), TValue::Bool(i == len - 1)),
                        ]);
                        self.ctx
                            .scopes
                            .push(vec![("forloop".into(), forloop), (var.clone(), item)]);
                        let r = self.nodes(body, out);
                        self.ctx.scopes.pop();
                        r?;
                    }
                }
                Node::If {
                    branches,
                    otherwise,
                } => {
                    let mut done = false;
                    for (c, body) in branches {
                        if self.cond(c)? {
                            self.nodes(body, out)?;
                            done = true;
                            break;
                        }
                    }
                    if !done {
                        self.nodes(otherwise, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn cond(&mut self, c: &Cond) -> Result<bool, TemplateError> {
        Ok(match c {
            Cond::Or(a, b) => self.cond(a)? || self.cond(b)?,
            Cond::And(a, b) => self.cond(a)? && self.cond(b)?,
            Cond::Not(a) => !self.cond(a)?,
            Cond::Val(e) => {
                let v = self.eval(e)?;
                self.truthy(&v)?
            }
            Cond::Cmp(a, op, b) => {
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                let (x, y) = (plain(x), plain(y));
                match op.as_str() {
                    "==" => x == y,
                    "!=" => x != y,
                    "in" | "not in" => {
                        let found = match (&x, &y) {
                            (TValue::Str(a), TValue::Str(b)) => b.contains(a.as_str()),
                            (_, TValue::List(l)) => l.iter().any(|e| plain(e.clone()) == x),
                            (TValue::Str(a), TValue::Map(m)) => m.iter().any(|(k, _)| k == a),
                            _ => false,
                        };
                        found == (op == "in")
                    }
                    _ => {
                        let ord = match (&x, &y) {
                            (TValue::Int(a), TValue::Int(b)) => Some(a.cmp(b)),
                            (TValue::Str(a), TValue::Str(b)) => Some(a.cmp(b)),
                            _ => None,
                        };
                        match (ord, op.as_str()) {
                            (Some(o), "<") => o.is_lt(),
                            (Some(o), ">") => o.is_gt(),
                            (Some(o), "<=") => o.is_le(),
                            (Some(o), ">=") => o.is_ge(),
                            _ => false,
                        }
                    }
                }
            }
        })
    }

    fn truthy(&mut self, v: &TValue) -> Result<bool, TemplateError> {
        Ok(match v {
            TValue::None | TValue::Invalid => false,
            TValue::Bool(b) => *b,
            TValue::Int(i) => *i != 0,
            TValue::Str(s) | TValue::Safe(s) => !s.is_empty(),
            TValue::List(l) => !l.is_empty(),
            TValue::Map(m) => !m.is_empty(),
            TValue::Obj { .. } => true,
            TValue::QuerySet(i) => !self.evaluate(*i)?.is_empty(),
        })
    }

    fn evaluate(&mut self, qs: usize) -> Result<Vec<TValue>, TemplateError> {
        let q = &mut self.ctx.store[qs];
        self.orm.fetch_all(self.obs, q).map_err(orm_err)?;
        let n = q.cache.as_ref().map(Vec::len).unwrap_or(0);
        Ok((0..n)
            .map(|row| TValue::Obj {
                qs,
                row,
                author: false,
            })
            .collect())
    }

    fn iterate(&mut self, v: TValue) -> Result<Vec<TValue>, TemplateError> {
        Ok(match v {
            TValue::List(l) => l,
            TValue::Map(m) => m.into_iter().map(|(k, _)| TValue::Str(k)).collect(),
            TValue::Str(s) | TValue::Safe(s) => {
                s.chars().map(|c| TValue::Str(c.to_string())).collect()
            }
            TValue::QuerySet(i) => self.evaluate(i)?,
            _ => Vec::new(),
        })
    }

    fn literal(tok: &str) -> Option<TValue> {
        let q = tok.len() >= 2
            && ((tok.starts_with('"') && tok.ends_with('"'))
                || (tok.starts_with('\'') && tok.ends_with('\'')));
        if q {
            return Some(TValue::Safe(tok[1..tok.len() - 1].to_string()));
        }
        if let Ok(i) = tok.parse::<i64>() {
            return Some(TValue::Int(i));
        }
        match tok {
            "True" => Some(TValue::Bool(true)),
            "False" => Some(TValue::Bool(false)),
            "None" => Some(TValue::None),
            _ => None,
        }
    }

    fn eval(&mut self, e: &FilterExpr) -> Result<TValue, TemplateError> {
        let mut v = match Self::literal(&e.base) {
            Some(v) => v,
            None => {
                let mut parts = e.base.split('.');
                let first = parts.next().unwrap_or_default();
                let mut v = self.ctx.lookup(first);
                for p in parts {
                    v = self.attr(v, p)?;
                }
                v
            }
        };
        for (name, arg) in &e.filters {
            v = match name.as_str() {
                "length" => match &v {
                    TValue::List(l) => TValue::Int(l.len() as i64),
                    TValue::Map(m) => TValue::Int(m.len() as i64),
                    TValue::Str(s) | TValue::Safe(s) => TValue::Int(s.chars().count() as i64),
                    TValue::QuerySet(i) => TValue::Int(self.evaluate(*i)?.len() as i64),
                    _ => TValue::Int(0),
                },
                "upper" | "lower" => {
                    let s = self.display(&v)?;
                    let s = if name == "upper" {
                        s.to_uppercase()
                    } else {
                        s.to_lowercase()
                    };
                    match v {
                        TValue::Safe(_) => TValue::Safe(s),
                        _ => TValue::Str(s),
                    }
                }
                "default" => {
                    if self.truthy(&v)? {
                        v
                    } else {
                        let a = arg.clone().unwrap_or_default();
                        Self::literal(&a).unwrap_or_else(|| {
                            let mut parts = a.split('.');
                            let first = parts.next().unwrap_or_default();
                            self.ctx.lookup(first)
                        })
                    }
                }
                "safe" => TValue::Safe(self.display(&v)?),
                _ => v,
            };
        }
        Ok(v)
    }

    fn attr(&mut self, v: TValue, name: &str) -> Result<TValue, TemplateError> {
        Ok(match v {
            TValue::Map(m) => m
                .into_iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v)
                .unwrap_or(TValue::Invalid),
            TValue::List(l) => name
                .parse::<usize>()
                .ok()
                .and_then(|i| l.into_iter().nth(i))
                .unwrap_or(TValue::Invalid),
            TValue::QuerySet(i) => match name {
                "count" => {
                    let q = &self.ctx.store[i];
                    TValue::Int(self.orm.count(self.obs, q).map_err(orm_err)? as i64)
                }
                "all" => TValue::QuerySet(i),
                _ => TValue::Invalid,
            },
            TValue::Obj { qs, row, author } => {
                let Some(r) = self.ctx.store[qs]
                    .cache
                    .as_mut()
                    .and_then(|c| c.get_mut(row))
                else {
                    return Ok(TValue::Invalid);
                };
                match (r, author) {
                    (Row::Book(b), true) => match (&b.author, name) {
                        (Some(a), "id" | "pk") => TValue::Int(a.id),
                        (Some(a), "name") => TValue::Str(a.name.clone()),
                        _ => TValue::Invalid,
                    },
                    (Row::Book(b), false) => match name {
                        "id" | "pk" => TValue::Int(b.id),
                        "title" => TValue::Str(b.title.clone()),
                        "author_id" => TValue::Int(b.author_id),
                        "author" => {
                            self.orm.author_of(self.obs, b).map_err(orm_err)?;
                            TValue::Obj {
                                qs,
                                row,
                                author: true,
                            }
                        }
                        _ => TValue::Invalid,
                    },
                    (Row::Author(a), _) => match name {
                        "id" | "pk" => TValue::Int(a.id),
                        "name" => TValue::Str(a.name.clone()),
                        _ => TValue::Invalid,
                    },
                }
            }
            _ => TValue::Invalid,
        })
    }

    fn display(&mut self, v: &TValue) -> Result<String, TemplateError> {
        Ok(match v {
            TValue::None => "None".into(),
            TValue::Invalid => String::new(),
            TValue::Bool(b) => if *b { "True" } else { "False" }.into(),
            TValue::Int(i) => i.to_string(),
            TValue::Str(s) | TValue::Safe(s) => s.clone(),
            TValue::List(l) => {
                let mut parts = Vec::new();
                for e in l {
                    parts.push(self.repr(e)?);
                }
                format!("[{}]", parts.join(", "))
            }
            TValue::Map(m) => {
                let mut parts = Vec::new();
                for (k, e) in m {
                    parts.push(format!("{}: {}", py_repr_str(k), self.repr(e)?));
                }
                format!("{{{}}}", parts.join(", "))
            }
            TValue::QuerySet(i) => {
                let n = self.evaluate(*i)?.len();
                format!("<QuerySet ({n} objects)>")
            }
            TValue::Obj { qs, row, author } => {
                let r = self.ctx.store[*qs].cache.as_ref().and_then(|c| c.get(*row));
                match (r, author) {
                    (Some(Row::Book(b)), true) => match &b.author {
                        Some(a) => format!("Author object ({})", a.id),
                        None => String::new(),
                    },
                    (Some(Row::Book(b)), false) => format!("Book object ({})", b.id),
                    (Some(Row::Author(a)), _) => format!("Author object ({})", a.id),
                    _ => String::new(),
                }
            }
        })
    }

    fn repr(&mut self, v: &TValue) -> Result<String, TemplateError> {
        Ok(match v {
            TValue::Str(s) | TValue::Safe(s) => py_repr_str(s),
            other => self.display(other)?,
        })
    }
}

fn plain(v: TValue) -> TValue {
    match v {
        TValue::Safe(s) => TValue::Str(s),
        TValue::Invalid => TValue::None,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::trace::NoTrace;

    fn r(src: &str, vars: Vec<(&str, TValue)>) -> String {
        let mut ctx = Context::new(vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
        let mut orm = Orm::new(1, 0).unwrap();
        Template::parse(src)
            .unwrap()
            .render(&mut ctx, &mut orm, &mut NoTrace)
            .unwrap()
    }

    #[test]
    fn variables_escape_and_lookup() {
        let m = TValue::Map(vec![("b".into(), TValue::Str("<x & 'y'>".into()))]);
        assert_eq!(
            r("{{ a.b }}!", vec![("a", m)]),
            "&lt;x &amp; &#x27;y&#x27;&gt;!"
        );
        assert_eq!(r("[{{ missing.x }}]", vec![]), "[]");
        assert_eq!(
            r("{{ s|safe }}", vec![("s", TValue::Str("<b>".into()))]),
            "<b>"
        );
        assert_eq!(r("{{ n }}{# c #}", vec![("n", TValue::Int(7))]), "7");
    }

    #[test]
    fn for_and_if() {
        let l = TValue::List(vec![TValue::Str("a".into()), TValue::Str("b".into())]);
        assert_eq!(
            r(
                "{% for x in l %}{{ forloop.counter }}{{ x }}{% if not forloop.last %},{% endif %}{% empty %}none{% endfor %}",
                vec![("l", l)]
            ),
            "1a,2b"
        );
        assert_eq!(
            r("{% for x in l %}x{% empty %}none{% endfor %}", vec![]),
            "none"
        );
        assert_eq!(
            r(
                "{% if a == 1 and not b %}y{% elif b %}z{% else %}n{% endif %}",
                vec![("a", TValue::Int(1))]
            ),
            "y"
        );
    }

    #[test]
    fn syntax_errors() {
        assert!(Template::parse("{% for x in %}{% endfor %}").is_err());
        assert!(Template::parse("{% if x %}").is_err());
        assert!(Template::parse("{% bogus %}").is_err());
        assert!(Template::parse("{{ x|nosuch }}").is_err());
        // An unterminated tag is just text.
        assert_eq!(r("{{ x\n}}", vec![]), "{{ x\n}}");
    }
}
