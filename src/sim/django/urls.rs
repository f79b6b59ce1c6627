//! URL resolution the way Django's `path()` does it.
//!
//! A route such as `articles/<int:year>/` is split into literal pieces and
//! converter pieces. Django turns that into a regular expression anchored with
//! `^`; an endpoint (`path(route, view)`) also gets `\Z`, so the whole remainder
//! must match, while an `include()` prefix only has to match a prefix and hands
//! the rest to its children. Patterns are tried in list order and the FIRST match
//! wins, so `articles/2003/` listed before `articles/<int:year>/` takes
//! `/articles/2003/`.
//!
//! There is no regex engine here: each converter is a character class (`int` =
//! `[0-9]+`, `str` = `[^/]+`, `slug` = `[-a-zA-Z0-9_]+`, `path` = `.+`, `uuid` =
//! lower-case `8-4-4-4-12` hex) and the matcher backtracks greedily, longest
//! first, exactly as a regex engine would for these patterns.

use serde::Serialize;
use serde_json::Value;

/// A `path()` converter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Converter {
    /// `[0-9]+`, converted with `int()` (no sign, no upper bound).
    Int,
    /// `[^/]+`, the default.
    Str,
    /// `[-a-zA-Z0-9_]+`.
    Slug,
    /// Lower-case hex `8-4-4-4-12`.
    Uuid,
    /// `.+`: may contain `/`.
    Path,
}

impl Converter {
    fn parse(name: &str) -> Option<Converter> {
        Some(match name {
            "int" => Converter::Int,
            "str" => Converter::Str,
            "slug" => Converter::Slug,
            "uuid" => Converter::Uuid,
            "path" => Converter::Path,
            _ => return None,
        })
    }

    fn allows(self, c: char) -> bool {
        match self {
            Converter::Int => c.is_ascii_digit(),
            Converter::Str => c != '/',
            Converter::Slug => c.is_ascii_alphanumeric() || c == '-' || c == '_',
            Converter::Path => c != '\n',
            Converter::Uuid => c.is_ascii_digit() || ('a'..='f').contains(&c) || c == '-',
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Lit(String),
    Conv(Converter, String),
}

/// A compiled route (`RoutePattern`).
#[derive(Clone, Debug, PartialEq)]
pub struct RoutePattern {
    /// The route text as written, e.g. `articles/<int:year>/`.
    pub route: String,
    pieces: Vec<Piece>,
    /// Endpoints must consume the whole remainder; include prefixes need not.
    pub endpoint: bool,
}

/// A converted keyword argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KwArg {
    /// An `int` capture, as its decimal digits without leading zeros.
    Int(String),
    /// Any other capture (str, slug, uuid, path), as text.
    Str(String),
}

impl KwArg {
    /// JSON form: a number when it fits in an `i64`, else its digits as a string.
    pub fn to_json(&self) -> Value {
        match self {
            KwArg::Int(d) => d
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(d.clone())),
            KwArg::Str(s) => Value::String(s.clone()),
        }
    }
}

impl RoutePattern {
    /// Compile a route. Errors name the problem (unknown converter, bad `<...>`).
    pub fn new(route: &str, endpoint: bool) -> Result<RoutePattern, String> {
        let mut pieces = Vec::new();
        let mut rest = route;
        let mut names: Vec<String> = Vec::new();
        while let Some(open) = rest.find('<') {
            if open > 0 {
                pieces.push(Piece::Lit(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = after
                .find('>')
                .ok_or_else(|| format!("route {route:?}: '<' without a closing '>'"))?;
            let inner = &after[..close];
            let (conv, name) = match inner.split_once(':') {
                Some((c, n)) => (c, n),
                None => ("str", inner),
            };
            let conv = Converter::parse(conv).ok_or_else(|| {
                format!("route {route:?}: unknown converter {conv:?} (int, str, slug, uuid, path)")
            })?;
            let ident_ok = !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ident_ok {
                return Err(format!(
                    "route {route:?}: {name:?} is not a Python identifier"
                ));
            }
            if names.iter().any(|n| n == name) {
                return Err(format!("route {route:?}: the name {name:?} is used twice"));
            }
            names.push(name.to_string());
            pieces.push(Piece::Conv(conv, name.to_string()));
            rest = &after[close + 1..];
        }
        if rest.contains('>') {
            return Err(format!("route {route:?}: '>' without an opening '<'"));
        }
        if !rest.is_empty() {
            pieces.push(Piece::Lit(rest.to_string()));
        }
        Ok(RoutePattern {
            route: route.to_string(),
            pieces,
            endpoint,
        })
    }

    /// Match at the start of `path`. Returns the remainder and the converted kwargs.
    pub fn matches<'p>(&self, path: &'p str) -> Option<(&'p str, Vec<(String, KwArg)>)> {
        let mut caps = Vec::new();
        let end = match_from(&self.pieces, path, 0, self.endpoint, &mut caps)?;
        let kwargs = caps
            .into_iter()
            .map(|(conv, name, text)| {
                let v = match conv {
                    Converter::Int => {
                        let t = text.trim_start_matches('0');
                        KwArg::Int(if t.is_empty() {
                            "0".to_string()
                        } else {
                            t.to_string()
                        })
                    }
                    _ => KwArg::Str(text),
                };
                (name, v)
            })
            .collect();
        Some((&path[end..], kwargs))
    }
}

type Capture = (Converter, String, String);

fn match_from(
    pieces: &[Piece],
    s: &str,
    pos: usize,
    endpoint: bool,
    caps: &mut Vec<Capture>,
) -> Option<usize> {
    let Some(first) = pieces.first() else {
        return (!endpoint || pos == s.len()).then_some(pos);
    };
    match first {
        Piece::Lit(l) => {
            if s[pos..].starts_with(l.as_str()) {
                match_from(&pieces[1..], s, pos + l.len(), endpoint, caps)
            } else {
                None
            }
        }
        Piece::Conv(conv, name) => {
            let candidates: Vec<usize> = if *conv == Converter::Uuid {
                let t = &s[pos..];
                if t.len() >= 36 && is_uuid(&t[..36]) {
                    vec![pos + 36]
                } else {
                    vec![]
                }
            } else {
                let mut ends = Vec::new();
                for (i, c) in s[pos..].char_indices() {
                    if !conv.allows(c) {
                        break;
                    }
                    ends.push(pos + i + c.len_utf8());
                }
                ends
            };
            for end in candidates.into_iter().rev() {
                caps.push((*conv, name.clone(), s[pos..end].to_string()));
                if let Some(done) = match_from(&pieces[1..], s, end, endpoint, caps) {
                    return Some(done);
                }
                caps.pop();
            }
            None
        }
    }
}

fn is_uuid(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == b'-'
            } else {
                c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
            }
        })
}

/// One entry of a urlconf: `path(route, view, name=...)` or `path(prefix, include([...]))`.
#[derive(Clone, Debug, PartialEq)]
pub enum UrlEntry {
    /// A `URLPattern`: an endpoint bound to a view.
    Pattern {
        /// The compiled route.
        pattern: RoutePattern,
        /// The view's name.
        view: String,
        /// The URL name, if any.
        name: Option<String>,
    },
    /// A `URLResolver`: a prefix and its children.
    Include {
        /// The compiled prefix (not an endpoint).
        pattern: RoutePattern,
        /// The included patterns, tried in order.
        children: Vec<UrlEntry>,
    },
}

/// The result of a successful resolution (`ResolverMatch`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolverMatch {
    /// The view it points to.
    pub view: String,
    /// `url_name`.
    pub url_name: Option<String>,
    /// The full route, include prefixes joined with the endpoint route.
    pub route: String,
    /// Captured keyword arguments; inner values win over include-prefix values.
    pub kwargs: Vec<(String, KwArg)>,
}

impl ResolverMatch {
    /// `{url_name, route, kwargs}` as JSON.
    pub fn to_json(&self) -> Value {
        let mut kw = serde_json::Map::new();
        for (k, v) in &self.kwargs {
            kw.insert(k.clone(), v.to_json());
        }
        serde_json::json!({"url_name": self.url_name, "route": self.route, "kwargs": kw, "view": self.view})
    }
}

/// Resolve a request path (with its leading `/`) against the root urlconf.
///
/// Returns the match, or `Err(tried)` (a `Resolver404`) with how many patterns
/// were tried.
pub fn resolve(entries: &[UrlEntry], path: &str) -> Result<ResolverMatch, usize> {
    // The root resolver's pattern is "^/": it eats the leading slash.
    let Some(rest) = path.strip_prefix('/') else {
        return Err(0);
    };
    resolve_in(entries, rest)
}

fn resolve_in(entries: &[UrlEntry], rest: &str) -> Result<ResolverMatch, usize> {
    let mut tried = 0;
    for e in entries {
        match e {
            UrlEntry::Pattern {
                pattern,
                view,
                name,
            } => {
                if let Some((_, kwargs)) = pattern.matches(rest) {
                    return Ok(ResolverMatch {
                        view: view.clone(),
                        url_name: name.clone(),
                        route: pattern.route.clone(),
                        kwargs,
                    });
                }
                tried += 1;
            }
            UrlEntry::Include { pattern, children } => {
                let Some((sub, outer)) = pattern.matches(rest) else {
                    tried += 1;
                    continue;
                };
                match resolve_in(children, sub) {
                    Ok(m) => {
                        let mut kwargs = outer;
                        for (k, v) in m.kwargs {
                            if let Some(slot) = kwargs.iter_mut().find(|(n, _)| *n == k) {
                                slot.1 = v;
                            } else {
                                kwargs.push((k, v));
                            }
                        }
                        return Ok(ResolverMatch {
                            view: m.view,
                            url_name: m.url_name,
                            route: format!("{}{}", pattern.route, m.route),
                            kwargs,
                        });
                    }
                    Err(t) => tried += t.max(1),
                }
            }
        }
    }
    Err(tried)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(route: &str, view: &str) -> UrlEntry {
        UrlEntry::Pattern {
            pattern: RoutePattern::new(route, true).unwrap(),
            view: view.into(),
            name: None,
        }
    }

    #[test]
    fn converters_behave_like_django() {
        let urls = vec![
            pat("articles/2003/", "special"),
            pat("articles/<int:year>/", "year"),
            pat("blog/<int:pk>/", "pk"),
            pat("blog/<slug:slug>/", "slug"),
            pat("u/<uuid:id>/", "uuid"),
            pat("files/<path:p>", "file"),
            pat("s/<name>/", "str"),
        ];
        assert_eq!(resolve(&urls, "/articles/2003/").unwrap().view, "special");
        let m = resolve(&urls, "/articles/0007/").unwrap();
        assert_eq!(m.kwargs[0].1, KwArg::Int("7".into()));
        assert!(resolve(&urls, "/articles/-1/").is_err());
        assert_eq!(resolve(&urls, "/blog/42/").unwrap().view, "pk");
        assert_eq!(resolve(&urls, "/blog/4-2/").unwrap().view, "slug");
        assert!(resolve(&urls, "/blog/bad.slug/").is_err());
        assert!(resolve(&urls, "/u/12345678-1234-1234-1234-1234567890ab/").is_ok());
        assert!(resolve(&urls, "/u/12345678-1234-1234-1234-1234567890AB/").is_err());
        assert_eq!(
            resolve(&urls, "/files/a/b/").unwrap().kwargs[0].1,
            KwArg::Str("a/b/".into())
        );
        assert!(resolve(&urls, "/files/").is_err());
        assert!(resolve(&urls, "/s/café au lait/").is_ok());
        assert!(resolve(&urls, "//s/x/").is_err());
        assert!(resolve(&urls, "").is_err());
    }

    #[test]
    fn include_merges_kwargs_and_routes() {
        let urls = vec![UrlEntry::Include {
            pattern: RoutePattern::new("shop/<str:lang>/", false).unwrap(),
            children: vec![pat("items/<int:id>/", "item")],
        }];
        let m = resolve(&urls, "/shop/en/items/7/").unwrap();
        assert_eq!(m.route, "shop/<str:lang>/items/<int:id>/");
        assert_eq!(m.kwargs.len(), 2);
    }

    #[test]
    fn bad_routes_are_refused() {
        assert!(RoutePattern::new("a/<foo:x>/", true).is_err());
        assert!(RoutePattern::new("a/<int:x/", true).is_err());
        assert!(RoutePattern::new("a/<int:1x>/", true).is_err());
    }
}
