//! Authored questions: YAML written beside the notes.
//!
//! A note `NAME.md` may have a sibling `NAME.quiz.yaml` (a list of cards), and its
//! front matter may carry a `quiz:` list of the same shape. The built-in notes
//! keep theirs in `content/*.quiz.yaml`, embedded in the binary. Each card names
//! the heading it belongs to with `topic:`; the schema is in the README ("Quiz
//! cards"). A card that does not make sense (a choice whose answer is not among
//! its options, an unknown type, a topic the note lacks) is reported with its
//! file and line and skipped; the others load.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::{fixed_card, Card, Kind, Origin, Question};
use crate::content::embedded::file as embedded_file;
use crate::content::{Diagnostic, Library, Severity, TopicId};

/// One card as written in YAML.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawCard {
    /// The heading (without `#`) the card belongs to.
    pub topic: String,
    /// `recall`, `choice`, `multi`, `fill` or `order`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The question.
    pub q: String,
    /// The answer: text, or a list for `multi`.
    pub a: Value,
    /// Options of `choice` and `multi`.
    pub options: Vec<String>,
    /// Other accepted answers of `fill`.
    pub accept: Vec<String>,
    /// Steps of `order`, in the right order.
    pub steps: Vec<String>,
    /// Why.
    pub explain: String,
}

/// Turn a raw card into a question, or say what is wrong with it.
pub fn to_question(raw: &RawCard) -> Result<Question, String> {
    if raw.q.trim().is_empty() {
        return Err("the question `q` is empty".into());
    }
    let text_a = || -> Result<String, String> {
        match &raw.a {
            Value::String(s) if !s.trim().is_empty() => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            _ => Err(format!("a {} card needs a text answer `a`", raw.kind)),
        }
    };
    let kind = match raw.kind.as_str() {
        "recall" => Kind::Recall { answer: text_a()? },
        "choice" => {
            let a = text_a()?;
            if raw.options.len() < 2 {
                return Err("a choice card needs at least two `options`".into());
            }
            let correct = raw
                .options
                .iter()
                .position(|o| o.trim() == a.trim())
                .ok_or_else(|| format!("the answer {a:?} is not one of the options"))?;
            Kind::Choice {
                options: raw.options.clone(),
                correct,
            }
        }
        "multi" => {
            let Value::Array(items) = &raw.a else {
                return Err("a multi card needs a list of answers `a`".into());
            };
            if raw.options.len() < 2 {
                return Err("a multi card needs at least two `options`".into());
            }
            let mut correct = Vec::new();
            for it in items {
                let s = it.as_str().ok_or("every answer of a multi card is text")?;
                let i = raw
                    .options
                    .iter()
                    .position(|o| o.trim() == s.trim())
                    .ok_or_else(|| format!("the answer {s:?} is not one of the options"))?;
                correct.push(i);
            }
            if correct.is_empty() {
                return Err("a multi card needs at least one right answer".into());
            }
            correct.sort_unstable();
            correct.dedup();
            Kind::Multi {
                options: raw.options.clone(),
                correct,
            }
        }
        "fill" => Kind::Fill {
            answer: text_a()?,
            accept: raw.accept.clone(),
        },
        "order" => {
            if raw.steps.len() < 2 {
                return Err("an order card needs at least two `steps`".into());
            }
            Kind::Order {
                steps: raw.steps.clone(),
            }
        }
        other => {
            return Err(format!(
                "unknown type {other:?}: use recall, choice, multi, fill or order"
            ))
        }
    };
    Ok(Question {
        prompt: raw.q.trim().to_string(),
        kind,
        explain: raw.explain.trim().to_string(),
        scenario: None,
    })
}

fn strip_heading(s: &str) -> &str {
    s.trim().trim_start_matches('#').trim()
}

/// The topic of note `n` whose title is `title` (`#` marks ignored).
pub fn find_topic(lib: &Library, n: usize, title: &str) -> Option<TopicId> {
    let want = strip_heading(title);
    lib.notes[n]
        .topics
        .clone()
        .find(|&t| lib.topics[t].title.trim() == want)
}

/// 1-based line of each top-level `- ` item of a YAML list.
fn item_lines(yaml: &str) -> Vec<usize> {
    yaml.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("- ") || *l == "-")
        .map(|(i, _)| i + 1)
        .collect()
}

fn diag(file: &str, line: Option<usize>, severity: Severity, msg: String) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line,
        severity,
        message: msg,
    }
}

/// Cards from a list of raw cards for note `n`; `lines` gives each item's line.
fn add_cards(
    lib: &Library,
    n: usize,
    file: &str,
    raws: &[RawCard],
    lines: &[usize],
    out: &mut Vec<Card>,
    diags: &mut Vec<Diagnostic>,
) {
    for (i, raw) in raws.iter().enumerate() {
        let line = lines.get(i).copied();
        let q = match to_question(raw) {
            Ok(q) => q,
            Err(e) => {
                diags.push(diag(
                    file,
                    line,
                    Severity::Error,
                    format!("quiz card {}: {e}; the card is skipped", i + 1),
                ));
                continue;
            }
        };
        let topic = if raw.topic.trim().is_empty() {
            lib.notes[n].root
        } else if let Some(t) = find_topic(lib, n, &raw.topic) {
            t
        } else {
            diags.push(diag(
                file,
                line,
                Severity::Warning,
                format!(
                    "quiz card {}: the note has no heading {:?}; the card is counted under the note's title",
                    i + 1,
                    raw.topic
                ),
            ));
            lib.notes[n].root
        };
        out.push(fixed_card(lib, Some(topic), Origin::Authored, q));
    }
}

/// Parse one quiz YAML text for note `n` into cards.
pub fn parse_file(lib: &Library, n: usize, file: &str, yaml: &str) -> (Vec<Card>, Vec<Diagnostic>) {
    let mut cards = Vec::new();
    let mut diags = Vec::new();
    if yaml.trim().is_empty() {
        return (cards, diags);
    }
    match crate::yaml::parse::<Vec<RawCard>>(yaml) {
        Ok(raws) => add_cards(
            lib,
            n,
            file,
            &raws,
            &item_lines(yaml),
            &mut cards,
            &mut diags,
        ),
        Err(e) => diags.push(diag(
            file,
            e.line,
            Severity::Error,
            format!(
                "cannot read the quiz cards: {}; fix the YAML (schema in the README, \"Quiz cards\")",
                e.message
            ),
        )),
    }
    (cards, diags)
}

/// The sibling quiz file of a note path: `a/b.md` → `a/b.quiz.yaml`.
pub fn sibling_path(note: &str) -> String {
    let (dir, name) = match note.rfind(['/', '\\']) {
        Some(i) => (&note[..=i], &note[i + 1..]),
        None => ("", note),
    };
    let stem = match name.rfind('.') {
        Some(0) | None => name,
        Some(i) => &name[..i],
    };
    format!("{dir}{stem}.quiz.yaml")
}

/// Every authored card of the library: sibling files (embedded for the built-in
/// notes, read from disk for the user's) and front matter `quiz:` lists.
pub fn load(lib: &Library) -> (Vec<Card>, Vec<Diagnostic>) {
    let mut cards = Vec::new();
    let mut diags = Vec::new();
    for (n, note) in lib.notes.iter().enumerate() {
        let sib = sibling_path(&note.path);
        let text = match embedded_file(&note.path) {
            Some(_) => embedded_file(&sib).map(str::to_string),
            None => match std::fs::read(Path::new(&sib)) {
                Ok(b) => Some(String::from_utf8_lossy(&b).into_owned()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    diags.push(diag(
                        &sib,
                        None,
                        Severity::Error,
                        format!("cannot read the quiz cards: {e}"),
                    ));
                    None
                }
            },
        };
        if let Some(text) = text {
            let (c, d) = parse_file(lib, n, &sib, &text);
            cards.extend(c);
            diags.extend(d);
        }
        if let Some(v) = note.meta.extra.get("quiz") {
            match serde_json::from_value::<Vec<RawCard>>(v.clone()) {
                Ok(raws) => add_cards(lib, n, &note.path, &raws, &[], &mut cards, &mut diags),
                Err(e) => diags.push(diag(
                    &note.path,
                    Some(1),
                    Severity::Error,
                    format!("front matter `quiz:` is not a list of quiz cards: {e}"),
                )),
            }
        }
    }
    (cards, diags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::load::{load_embedded, parse_note};

    #[test]
    fn sibling_paths() {
        assert_eq!(
            sibling_path("content/03-redis.md"),
            "content/03-redis.quiz.yaml"
        );
        assert_eq!(
            sibling_path("/x/y.notes/a.markdown"),
            "/x/y.notes/a.quiz.yaml"
        );
        assert_eq!(sibling_path("plain"), "plain.quiz.yaml");
    }

    #[test]
    fn every_embedded_card_loads_under_an_existing_heading() {
        let lib = load_embedded();
        let (cards, diags) = load(&lib);
        assert!(diags.is_empty(), "{diags:#?}");
        assert!(cards.len() >= 80, "{} authored cards", cards.len());
        for c in &cards {
            assert!(
                c.section.len() >= 2,
                "{} is under a real heading",
                c.label()
            );
        }
    }

    #[test]
    fn bad_cards_are_reported_with_their_line_and_skipped() {
        let mut lib = Library::default();
        let (note, d) = parse_note("n.md", "# Root\n\n## A\n\ntext\n".as_bytes());
        lib.push(note.expect("parses"), d);
        let yaml = "- topic: A\n  type: choice\n  q: x?\n  options: [a, b]\n  a: c\n- topic: A\n  type: fill\n  q: y?\n  a: z\n- topic: Nope\n  type: recall\n  q: w?\n  a: v\n";
        let (cards, diags) = parse_file(&lib, 0, "n.quiz.yaml", yaml);
        assert_eq!(cards.len(), 2);
        assert_eq!(diags[0].line, Some(1));
        assert!(diags[0].message.contains("not one of the options"));
        assert_eq!(diags[1].line, Some(10));
        assert_eq!(cards[0].section, vec!["Root", "A"]);
        assert_eq!(cards[1].section, vec!["Root"]);
    }

    #[test]
    fn front_matter_quiz_list() {
        let mut lib = Library::default();
        let text = "---\ntitle: T\nquiz:\n  - topic: A\n    type: fill\n    q: 2+2=?\n    a: \"4\"\n---\n# T\n\n## A\n\nx\n";
        let (note, d) = parse_note("/tmp/does-not-exist/t.md", text.as_bytes());
        lib.push(note.expect("parses"), d);
        let (cards, diags) = load(&lib);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(cards.len(), 1);
        assert_eq!(cards[0].section.last().map(String::as_str), Some("A"));
    }
}
