//! Wrapping styled ratatui lines by display width, CJK-aware: Latin words break
//! at spaces, Chinese text between any two characters, and a line's leading
//! indentation is repeated on its continuation lines. (ratatui's own wrapping
//! breaks only at spaces, which leaves Chinese sentences as one long "word".)

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

fn breakable(c: char) -> bool {
    c == ' ' || c.width() == Some(2)
}

/// Wrap each line to `width` columns.
pub fn wrap_lines(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(4);
    let mut out = Vec::new();
    for line in lines {
        let base = line.style;
        let chars: Vec<(char, Style)> = line
            .spans
            .iter()
            .flat_map(|s| {
                let st = base.patch(s.style);
                s.content.chars().map(move |c| (c, st))
            })
            .collect();
        let indent = chars
            .iter()
            .take_while(|(c, _)| *c == ' ')
            .count()
            .min(width / 2);
        let mut rows: Vec<Vec<(char, Style)>> = Vec::new();
        let mut cur: Vec<(char, Style)> = Vec::new();
        let mut used = 0;
        let mut i = 0;
        while i < chars.len() {
            // The next token: one breakable char, or a run of non-breakable ones.
            let start = i;
            if breakable(chars[i].0) {
                i += 1;
            } else {
                while i < chars.len() && !breakable(chars[i].0) {
                    i += 1;
                }
            }
            let tok = &chars[start..i];
            let tw: usize = tok.iter().map(|(c, _)| c.width().unwrap_or(0)).sum();
            if used + tw > width && used > indent {
                rows.push(std::mem::take(&mut cur));
                cur.extend(std::iter::repeat_n((' ', Style::default()), indent));
                used = indent;
                if tok.len() == 1 && tok[0].0 == ' ' {
                    continue;
                }
            }
            if used + tw <= width {
                cur.extend_from_slice(tok);
                used += tw;
            } else {
                for &(c, st) in tok {
                    let cw = c.width().unwrap_or(0);
                    if used + cw > width && used > indent {
                        rows.push(std::mem::take(&mut cur));
                        cur.extend(std::iter::repeat_n((' ', Style::default()), indent));
                        used = indent;
                    }
                    cur.push((c, st));
                    used += cw;
                }
            }
        }
        rows.push(cur);
        for row in rows {
            let mut spans: Vec<Span<'static>> = Vec::new();
            let mut text = String::new();
            let mut style = None;
            for (c, st) in row {
                if style.is_some_and(|s| s != st) {
                    spans.push(Span::styled(
                        std::mem::take(&mut text),
                        style.unwrap_or_default(),
                    ));
                }
                style = Some(st);
                text.push(c);
            }
            if !text.is_empty() {
                spans.push(Span::styled(text, style.unwrap_or_default()));
            }
            out.push(Line::from(spans));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(v: Vec<Line<'static>>) -> Vec<String> {
        v.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn chinese_breaks_anywhere_and_keeps_indent() {
        let l = vec![Line::from("  优点：自带 ORM、迁移、Admin、Auth、表单")];
        let t = texts(wrap_lines(l, 12));
        assert_eq!(t[0], "  优点：自带");
        assert!(
            t.iter()
                .all(|s| unicode_width::UnicodeWidthStr::width(s.as_str()) <= 12),
            "{t:?}"
        );
        assert!(t[1].starts_with("  "), "{t:?}");
        assert_eq!(
            t.concat().replace(' ', ""),
            "优点：自带ORM、迁移、Admin、Auth、表单"
        );
    }

    #[test]
    fn latin_breaks_at_spaces() {
        let t = texts(wrap_lines(vec![Line::from("hello brave new world")], 11));
        assert_eq!(t, vec!["hello brave", "new world"]);
    }
}
