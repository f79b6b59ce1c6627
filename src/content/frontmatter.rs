//! YAML front matter (parsed with [`crate::yaml`]).
//!
//! Front matter is the Hexo/Jekyll/Hugo kind: a block between `---`
//! lines at the very top of a note. `title`, `date`, `tags` and `categories` are
//! understood (a single string or a list, block or inline form); every other key is
//! kept as JSON so nothing the author wrote is rejected or lost.

use serde_json::{Map, Value};

use super::sanitize::cleaned;
use crate::yaml::{parse, YamlError};

/// The largest front matter block parsed; larger ones are reported, not parsed.
pub const MAX_FRONT_MATTER: usize = 64 * 1024;

/// What a note's front matter says.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct FrontMatter {
    /// `title:`
    pub title: Option<String>,
    /// `date:` as written.
    pub date: Option<String>,
    /// `tags:` (a string or a list).
    pub tags: Vec<String>,
    /// `categories:` (a string or a list; nested lists are flattened).
    pub categories: Vec<String>,
    /// Every other key, kept as written.
    pub extra: Map<String, Value>,
}

/// The front matter block split off a note's text.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences (`None` when the note has no front matter).
    pub yaml: Option<&'a str>,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// How many lines precede `body` (so body line 1 is file line `offset + 1`).
    pub body_line_offset: usize,
    /// True when an opening fence had no closing fence.
    pub unterminated: bool,
}

/// Split front matter from the body. The text must start with a `---` line; the
/// block ends at the next line that is exactly `---` or `...`.
pub fn split(text: &str) -> Split<'_> {
    let no_fm = Split {
        yaml: None,
        body: text,
        body_line_offset: 0,
        unterminated: false,
    };
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return no_fm;
    }
    let mut pos = (first_end + 1).min(text.len());
    let yaml_start = pos;
    let mut line_no = 1;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        line_no += 1;
        if line == "---" || line == "..." {
            let body_start = (end + 1).min(text.len());
            return Split {
                yaml: Some(&text[yaml_start..pos]),
                body: &text[body_start..],
                body_line_offset: line_no,
                unterminated: false,
            };
        }
        pos = end + 1;
    }
    Split {
        unterminated: true,
        ..no_fm
    }
}

fn scalar_to_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(cleaned(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn string_list(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| string_list(i, out)),
        other => out.extend(scalar_to_string(other)),
    }
}

/// Parse a front matter block. An empty block is empty front matter; a block that
/// is not a mapping is an error.
pub fn parse_front_matter(yaml: &str) -> Result<FrontMatter, YamlError> {
    if yaml.len() > MAX_FRONT_MATTER {
        return Err(YamlError {
            line: None,
            message: format!(
                "front matter is {} bytes, larger than the {} byte limit",
                yaml.len(),
                MAX_FRONT_MATTER
            ),
        });
    }
    if yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    let value: Value = parse(yaml)?;
    let Value::Object(mut map) = value else {
        if value.is_null() {
            return Ok(FrontMatter::default());
        }
        return Err(YamlError {
            line: Some(1),
            message: "front matter is not a mapping of keys to values".into(),
        });
    };
    let mut fm = FrontMatter::default();
    if let Some(v) = map.remove("title") {
        fm.title = scalar_to_string(&v).filter(|t| !t.trim().is_empty());
    }
    if let Some(v) = map.remove("date") {
        fm.date = scalar_to_string(&v);
    }
    if let Some(v) = map.remove("tags") {
        string_list(&v, &mut fm.tags);
    }
    if let Some(v) = map.remove("categories").or_else(|| map.remove("category")) {
        string_list(&v, &mut fm.categories);
    }
    fm.extra = map;
    Ok(fm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_block_front_matter() {
        let s = split("---\ntitle: 标题\ntags:\n  - a\n---\n# H\n");
        assert_eq!(s.yaml, Some("title: 标题\ntags:\n  - a\n"));
        assert_eq!(s.body, "# H\n");
        assert_eq!(s.body_line_offset, 5);
        assert!(!s.unterminated);
    }

    #[test]
    fn no_front_matter_and_unterminated() {
        let s = split("# H\n---\n");
        assert_eq!(s.yaml, None);
        let s = split("---\ntitle: x\n# no end\n");
        assert!(s.unterminated);
        assert_eq!(s.yaml, None);
        let s = split("---\r\ntitle: x\r\n---\r\nbody");
        assert_eq!(s.yaml, Some("title: x\r\n"));
        assert_eq!(s.body, "body");
    }

    #[test]
    fn understands_hexo_keys_in_both_forms() {
        let fm = parse_front_matter(
            "title: 教发项目总结\ndate: 2021-03-05 22:55:16\ntags:\n    - python\n    - Django\ncategories: [项目相关]\nauthor: me\n",
        )
        .unwrap();
        assert_eq!(fm.title.as_deref(), Some("教发项目总结"));
        assert_eq!(fm.date.as_deref(), Some("2021-03-05 22:55:16"));
        assert_eq!(fm.tags, vec!["python", "Django"]);
        assert_eq!(fm.categories, vec!["项目相关"]);
        assert_eq!(fm.extra.get("author"), Some(&Value::String("me".into())));
        let fm = parse_front_matter("tags: solo\ncategories:\n  - [a, b]\n").unwrap();
        assert_eq!(fm.tags, vec!["solo"]);
        assert_eq!(fm.categories, vec!["a", "b"]);
    }

    #[test]
    fn errors_carry_a_line() {
        let e = parse_front_matter("title: ok\ntags: [unclosed\n").unwrap_err();
        assert!(e.line.is_some(), "{e:?}");
        let e = parse_front_matter("- just\n- a list\n").unwrap_err();
        assert!(e.message.contains("mapping"));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut y = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("b{}", i - 1)
            };
            y.push_str(&format!(
                "b{i}: &b{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        assert!(parse_front_matter(&y).is_err());
    }

    #[test]
    fn titles_are_sanitised() {
        let fm = parse_front_matter("title: \"evil\\e]0;pwned\\a\"\n").unwrap();
        assert_eq!(fm.title.as_deref(), Some("evil␛]0;pwned␇"));
    }
}
