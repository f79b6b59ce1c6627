//! Styled text and its widths: the [`Role`]s and [`Look`]s of spans, [`Line`]s,
//! display widths (CJK characters take two cells), truncation, and wrapping:
//! Latin words wrap at spaces, CJK text may break between any two characters.
//! Everything that lays text out — notes, simulation pictures, the quiz — uses
//! these, so text wraps the same way everywhere.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::content::{Align, InlineStyle};

/// The role of a piece of text, which the theme turns into a colour.
///
/// Notes, simulation pictures and the UI's own chrome all name their styles by
/// role; each role is one entry of a theme file ([`Role::key`]), so a style
/// cannot be misspelt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Body text.
    Body,
    /// A heading of level 1–6 (topic title is its own level).
    Heading(u8),
    /// A code block's text.
    Code,
    /// A code block's language label and frame.
    CodeFrame,
    /// A block quote bar.
    QuoteBar,
    /// List bullets and numbers.
    Marker,
    /// Table borders.
    Border,
    /// Table header text.
    TableHeader,
    /// Raw HTML shown as text.
    Html,
    /// A simulation card; in a picture, the data structure's contents.
    Sim,
    /// Secondary text (sub-topic lists, notes).
    Dim,
    /// A name or label that heads something (a pane title, a table in a picture).
    Title,
    /// What is happening now: the current match, the bucket being moved.
    Current,
    /// What was found or visited: search matches, a search path.
    Found,
    /// A pointer at the current item (`▶`): the current style without reverse video.
    Pointer,
    /// Something to watch: a retried request, a failed peer.
    Warn,
    /// An error: a refused command, a 502.
    Error,
    /// A link.
    Link,
    /// A pane's border.
    Pane,
    /// The focused pane's border.
    PaneFocus,
    /// The selected row.
    Selected,
    /// The selected row of a pane without focus.
    SelectedUnfocused,
    /// The status bar.
    Status,
    /// A key named in the status bar.
    StatusKey,
    /// Matched characters in the finder's results.
    FinderMatch,
    /// A line flashed after a jump.
    Flash,
    /// A bookmark mark.
    Bookmark,
}

impl Role {
    /// Every role with its own theme entry (headings as levels 1–6).
    pub const ALL: &'static [Role] = &[
        Role::Body,
        Role::Heading(1),
        Role::Heading(2),
        Role::Heading(3),
        Role::Heading(4),
        Role::Heading(5),
        Role::Heading(6),
        Role::Code,
        Role::CodeFrame,
        Role::QuoteBar,
        Role::Marker,
        Role::Border,
        Role::TableHeader,
        Role::Html,
        Role::Sim,
        Role::Dim,
        Role::Title,
        Role::Current,
        Role::Found,
        Role::Warn,
        Role::Error,
        Role::Link,
        Role::Pane,
        Role::PaneFocus,
        Role::Selected,
        Role::SelectedUnfocused,
        Role::Status,
        Role::StatusKey,
        Role::FinderMatch,
        Role::Flash,
        Role::Bookmark,
    ];

    /// The role's entry in a theme file. [`Role::Pointer`] has none of its
    /// own: it is [`Role::Current`] without reverse video.
    pub fn key(self) -> &'static str {
        match self {
            Role::Body => "body",
            Role::Heading(1) => "heading1",
            Role::Heading(2) => "heading2",
            Role::Heading(3) => "heading3",
            Role::Heading(4) => "heading4",
            Role::Heading(5) => "heading5",
            Role::Heading(_) => "heading6",
            Role::Code => "code",
            Role::CodeFrame => "code_frame",
            Role::QuoteBar => "quote_bar",
            Role::Marker => "marker",
            Role::Border => "border",
            Role::TableHeader => "table_header",
            Role::Html => "html",
            Role::Sim => "sim",
            Role::Dim => "dim",
            Role::Title => "title",
            Role::Current | Role::Pointer => "match_current",
            Role::Found => "match",
            Role::Warn => "warning",
            Role::Error => "error",
            Role::Link => "link",
            Role::Pane => "pane",
            Role::PaneFocus => "pane_focus",
            Role::Selected => "selected",
            Role::SelectedUnfocused => "selected_unfocused",
            Role::Status => "status",
            Role::StatusKey => "status_key",
            Role::FinderMatch => "finder_match",
            Role::Flash => "flash",
            Role::Bookmark => "bookmark",
        }
    }
}

/// How a span looks: its role plus inline emphasis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Look {
    /// The role.
    pub role: Role,
    /// Inline emphasis.
    pub style: InlineStyle,
}

impl Look {
    /// A plain look of a role.
    pub const fn of(role: Role) -> Look {
        Look {
            role,
            style: InlineStyle {
                bold: false,
                italic: false,
                code: false,
                strike: false,
                link: false,
            },
        }
    }
}

/// A run of text with one look.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// The text (never contains control characters).
    pub text: String,
    /// How it looks.
    pub look: Look,
}

/// One screen line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    /// Its spans.
    pub spans: Vec<Span>,
}

impl Line {
    /// The line's plain text.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
    /// Its display width.
    pub fn width(&self) -> usize {
        self.spans.iter().map(|s| s.text.width()).sum()
    }
    /// Append `text` in `look`, joining the last span when it looks the same.
    pub fn push(&mut self, text: &str, look: Look) {
        if text.is_empty() {
            return;
        }
        match self.spans.last_mut() {
            Some(last) if last.look == look => last.text.push_str(text),
            _ => self.spans.push(Span {
                text: text.to_string(),
                look,
            }),
        }
    }
}

/// Display width of a string.
pub fn width(s: &str) -> usize {
    s.width()
}

/// Cut `s` to at most `max` display columns, ending with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > max - 1 {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// Pad `s` with spaces to `w` columns according to `align`.
pub(crate) fn pad(s: &str, w: usize, align: Align) -> String {
    let sw = s.width();
    if sw >= w {
        return s.to_string();
    }
    let gap = w - sw;
    match align {
        Align::Right => format!("{}{}", " ".repeat(gap), s),
        Align::Center => format!("{}{}{}", " ".repeat(gap / 2), s, " ".repeat(gap - gap / 2)),
        _ => format!("{}{}", s, " ".repeat(gap)),
    }
}

fn is_cjk_breakable(c: char) -> bool {
    c.width() == Some(2)
}

/// Word-wrap styled runs into lines of at most `width` columns, each line starting
/// with `first` (the first line) or `rest` (the others) as prefix spans.
pub fn wrap(runs: &[(String, Look)], width: usize, first: &[Span], rest: &[Span]) -> Vec<Line> {
    // However deep the nesting, leave two columns for the text itself.
    let (first, rest) = (
        &clip_spans(first, width.saturating_sub(2))[..],
        &clip_spans(rest, width.saturating_sub(2))[..],
    );
    let prefix_w = |p: &[Span]| p.iter().map(|s| s.text.width()).sum::<usize>();
    let mut lines = Vec::new();
    let mut line = Line {
        spans: first.to_vec(),
    };
    let mut used = prefix_w(first);
    let mut avail = width.max(used + 1);
    // Tokens: a word (no spaces, no CJK), one CJK char, spaces, or a newline.
    let mut tokens: Vec<(String, Look)> = Vec::new();
    for (text, look) in runs {
        let mut cur = String::new();
        let flush = |cur: &mut String, tokens: &mut Vec<(String, Look)>| {
            if !cur.is_empty() {
                tokens.push((std::mem::take(cur), *look));
            }
        };
        for c in text.chars() {
            if c == '\n' || c == ' ' || is_cjk_breakable(c) {
                flush(&mut cur, &mut tokens);
                tokens.push((c.to_string(), *look));
            } else {
                cur.push(c);
            }
        }
        flush(&mut cur, &mut tokens);
    }
    let mut at_line_start = true;
    let new_line = |lines: &mut Vec<Line>, line: &mut Line, used: &mut usize, avail: &mut usize| {
        lines.push(std::mem::replace(
            line,
            Line {
                spans: rest.to_vec(),
            },
        ));
        *used = prefix_w(rest);
        *avail = width.max(*used + 1);
    };
    for (tok, look) in tokens {
        if tok == "\n" {
            new_line(&mut lines, &mut line, &mut used, &mut avail);
            at_line_start = true;
            continue;
        }
        if tok == " " {
            if at_line_start {
                continue;
            }
            if used < avail {
                line.push(" ", look);
                used += 1;
            }
            continue;
        }
        let tw = tok.width();
        if used + tw > avail && !at_line_start {
            // Drop trailing spaces before breaking.
            if let Some(last) = line.spans.last_mut() {
                let trimmed = last.text.trim_end_matches(' ').len();
                last.text.truncate(trimmed);
            }
            new_line(&mut lines, &mut line, &mut used, &mut avail);
        }
        if used + tw <= avail {
            line.push(&tok, look);
            used += tw;
        } else {
            // A word longer than a whole line: break it by characters.
            for c in tok.chars() {
                let cw = c.width().unwrap_or(0);
                if used + cw > avail && used > prefix_w(rest) {
                    new_line(&mut lines, &mut line, &mut used, &mut avail);
                }
                let mut b = [0u8; 4];
                line.push(c.encode_utf8(&mut b), look);
                used += cw;
            }
        }
        at_line_start = false;
    }
    lines.push(line);
    lines
}

/// Wrap each of `lines` to `width` columns (at least 4) with [`wrap`],
/// repeating its leading indentation (up to half the width) on its
/// continuation lines: for text built line by line, such as the quiz.
pub fn wrap_lines(lines: &[Line], width: usize) -> Vec<Line> {
    let width = width.max(4);
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let indent = line
            .spans
            .iter()
            .flat_map(|s| s.text.chars())
            .take_while(|&c| c == ' ')
            .count()
            .min(width / 2);
        let mut skip = indent;
        let mut runs = Vec::with_capacity(line.spans.len());
        for s in &line.spans {
            let lead = s.text.len() - s.text.trim_start_matches(' ').len();
            let cut = lead.min(skip);
            skip -= cut;
            if cut < s.text.len() {
                runs.push((s.text[cut..].to_string(), s.look));
            }
        }
        let prefix = [Span {
            text: " ".repeat(indent),
            look: Look::of(Role::Body),
        }];
        let prefix: &[Span] = if indent > 0 { &prefix } else { &[] };
        out.extend(wrap(&runs, width, prefix, prefix));
    }
    out
}

/// Break `text` into lines of at most `width` columns (after `prefix`) exactly
/// where it runs out, keeping every space: for code, where indentation matters.
pub fn wrap_hard(text: &str, look: Look, width: usize, prefix: &[Span]) -> Vec<Line> {
    let pw = prefix_width(prefix);
    let avail = width.saturating_sub(pw).max(2);
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut used = 0;
    for c in text.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > avail && !cur.is_empty() {
            let mut l = Line {
                spans: prefix.to_vec(),
            };
            l.push(&std::mem::take(&mut cur), look);
            lines.push(l);
            used = 0;
        }
        cur.push(c);
        used += cw;
    }
    let mut l = Line {
        spans: prefix.to_vec(),
    };
    l.push(&cur, look);
    lines.push(l);
    lines
}

/// The spans cut to at most `max` display columns (whole characters only).
pub fn clip_spans(spans: &[Span], max: usize) -> Vec<Span> {
    let mut out = Vec::with_capacity(spans.len());
    let mut used = 0;
    for s in spans {
        let w = s.text.width();
        if used + w <= max {
            out.push(s.clone());
            used += w;
            continue;
        }
        let mut text = String::new();
        for c in s.text.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > max {
                break;
            }
            text.push(c);
            used += cw;
        }
        if !text.is_empty() {
            out.push(Span { text, look: s.look });
        }
        break;
    }
    out
}

pub(crate) fn prefix_width(p: &[Span]) -> usize {
    p.iter().map(|s| s.text.width()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[&str], width: usize) -> Vec<String> {
        let lines: Vec<Line> = lines
            .iter()
            .map(|t| Line {
                spans: vec![Span {
                    text: t.to_string(),
                    look: Look::of(Role::Body),
                }],
            })
            .collect();
        wrap_lines(&lines, width).iter().map(Line::text).collect()
    }

    #[test]
    fn chinese_breaks_anywhere_and_keeps_indent() {
        let t = texts(&["  优点：自带 ORM、迁移、Admin、Auth、表单"], 12);
        assert_eq!(t[0], "  优点：自带");
        assert!(t.iter().all(|s| width(s) <= 12), "{t:?}");
        assert!(t[1..].iter().all(|s| s.starts_with("  ")), "{t:?}");
        assert_eq!(
            t.concat().replace(' ', ""),
            "优点：自带ORM、迁移、Admin、Auth、表单"
        );
    }

    #[test]
    fn latin_breaks_at_spaces_and_empty_lines_stay() {
        assert_eq!(
            texts(&["hello brave new world", ""], 11),
            vec!["hello brave", "new world", ""]
        );
    }

    #[test]
    fn styles_survive_wrapping() {
        let bold = Look {
            role: Role::Error,
            style: InlineStyle {
                bold: true,
                ..InlineStyle::default()
            },
        };
        let line = Line {
            spans: vec![
                Span {
                    text: "plain words ".into(),
                    look: Look::of(Role::Body),
                },
                Span {
                    text: "红色的字".into(),
                    look: bold,
                },
            ],
        };
        let out = wrap_lines(&[line], 14);
        let last = out.last().expect("lines");
        assert!(
            last.spans
                .iter()
                .any(|s| s.look == bold && s.text.contains('字')),
            "{out:?}"
        );
    }
}
