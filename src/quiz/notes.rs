//! Cards made from any notes, the user's own included.
//!
//! * **Recall** from headings: every section with text becomes a card whose
//!   prompt is the heading (interview notes are often written as questions —
//!   为什么…, 什么是…, 如何…) and whose reference answer is the section's text.
//! * **Cloze** from `term：definition` lines (full-width or ASCII colon, in
//!   paragraphs and list items): the term is hidden and typed back.
//! * **Order** from short ordered lists (3–8 steps): put the steps back in order.
//!
//! A reference section (参考资料, References, 延伸阅读…, see
//! [`is_reference_section`]) and everything under it makes no cards: a list
//! of sources is not something to recall.

use super::{fixed_card, Card, Kind, Origin, Question};
use crate::content::{plain, Block, Library};

/// Longest reference answer kept for a heading card, in characters.
pub const MAX_ANSWER_CHARS: usize = 1200;
/// Longest term a cloze card hides, in characters.
pub const MAX_TERM_CHARS: usize = 24;

/// Whether a heading reads as a question.
pub fn is_question(title: &str) -> bool {
    let t = title.trim();
    [
        "为什么",
        "什么是",
        "如何",
        "怎么",
        "怎样",
        "是什么",
        "为何",
        "哪些",
        "what",
        "why",
        "how",
    ]
    .iter()
    .any(|w| t.to_lowercase().contains(w))
        || t.ends_with('?')
        || t.ends_with('？')
}

/// Whether a heading names a list of sources rather than content: 参考资料,
/// 参考文献, 参考链接, 延伸阅读, References, Further reading… (numbering
/// such as `7.` or `附录：` in front is ignored).
pub fn is_reference_section(title: &str) -> bool {
    let t = title
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c.is_whitespace())
        .trim_start_matches("附录：")
        .trim_start_matches("附录:")
        .trim()
        .to_lowercase();
    [
        "参考",
        "参考资料",
        "参考文献",
        "参考链接",
        "参考来源",
        "资料来源",
        "延伸阅读",
        "扩展阅读",
        "相关阅读",
        "references",
        "reference",
        "sources",
        "further reading",
        "see also",
        "bibliography",
    ]
    .contains(&t.as_str())
}

/// Whether topic `t` is a reference section or lies inside one.
fn in_reference_section(lib: &Library, t: usize) -> bool {
    let mut cur = Some(t);
    while let Some(i) = cur {
        if is_reference_section(&lib.topics[i].title) {
            return true;
        }
        cur = lib.topics[i].parent;
    }
    false
}

/// The plain text of some blocks, one line per paragraph or list item.
pub fn blocks_text(blocks: &[Block], out: &mut String, indent: usize) {
    for b in blocks {
        match b {
            Block::Paragraph(i) | Block::Heading(_, i) => {
                out.push_str(&" ".repeat(indent));
                out.push_str(plain(i).trim());
                out.push('\n');
            }
            Block::List { start, items } => {
                for (k, item) in items.iter().enumerate() {
                    let mark = match start {
                        Some(s) => format!("{}. ", s + k as u64),
                        None => "- ".to_string(),
                    };
                    let mut inner = String::new();
                    blocks_text(item, &mut inner, 0);
                    let mut lines = inner.lines();
                    if let Some(first) = lines.next() {
                        out.push_str(&" ".repeat(indent));
                        out.push_str(&mark);
                        out.push_str(first);
                        out.push('\n');
                    }
                    for l in lines {
                        out.push_str(&" ".repeat(indent + 2));
                        out.push_str(l);
                        out.push('\n');
                    }
                }
            }
            Block::Quote(inner) => blocks_text(inner, out, indent),
            Block::Code { text, .. } => {
                for l in text.lines() {
                    out.push_str(&" ".repeat(indent + 4));
                    out.push_str(l);
                    out.push('\n');
                }
            }
            Block::Table { header, rows, .. } => {
                let row = |cells: &[crate::content::model::Inlines]| {
                    cells
                        .iter()
                        .map(|c| plain(c))
                        .collect::<Vec<_>>()
                        .join(" | ")
                };
                out.push_str(&row(header));
                out.push('\n');
                for r in rows {
                    out.push_str(&row(r));
                    out.push('\n');
                }
            }
            Block::Rule | Block::Html(_) | Block::Sim(_) => {}
        }
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max).collect();
    t.push('…');
    t
}

/// Split a `term：definition` line, when it is one.
pub fn split_term(line: &str) -> Option<(&str, &str)> {
    let line = line.trim().trim_start_matches(['-', '*']).trim();
    let (term, def) = line.split_once('：').or_else(|| line.split_once(": "))?;
    let term = term.trim();
    let def = def.trim();
    let n = term.chars().count();
    let ok_term = (1..=MAX_TERM_CHARS).contains(&n)
        && !term.contains(['。', '，', ',', '(', '（'])
        && !term.starts_with("http");
    (ok_term && def.chars().count() >= 4).then_some((term, def))
}

fn cloze_lines(blocks: &[Block], out: &mut Vec<String>) {
    for b in blocks {
        match b {
            Block::Paragraph(i) => out.extend(plain(i).lines().map(str::to_string)),
            Block::List { items, .. } => items.iter().for_each(|it| cloze_lines(it, out)),
            Block::Quote(inner) => cloze_lines(inner, out),
            _ => {}
        }
    }
}

/// Recall, cloze and order cards for every section of every note.
pub fn cards(lib: &Library) -> Vec<Card> {
    let mut out = Vec::new();
    for (t, topic) in lib.topics.iter().enumerate() {
        if topic.parent.is_none() || in_reference_section(lib, t) {
            continue;
        }
        let blocks: Vec<Block> = topic.blocks.iter().map(|b| b.block.clone()).collect();
        let mut text = String::new();
        blocks_text(&blocks, &mut text, 0);
        let text = text.trim_end();
        let answer = if text.trim().is_empty() {
            let kids: Vec<&str> = topic
                .children
                .iter()
                .map(|&c| lib.topics[c].title.as_str())
                .collect();
            kids.join("\n")
        } else {
            truncate(text, MAX_ANSWER_CHARS)
        };
        if !answer.trim().is_empty() {
            out.push(fixed_card(
                lib,
                Some(t),
                Origin::Heading,
                Question {
                    prompt: topic.title.clone(),
                    kind: Kind::Recall { answer },
                    explain: String::new(),
                    scenario: None,
                },
            ));
        }
        let mut lines = Vec::new();
        cloze_lines(&blocks, &mut lines);
        for line in lines {
            if let Some((term, def)) = split_term(&line) {
                out.push(fixed_card(
                    lib,
                    Some(t),
                    Origin::Cloze,
                    Question {
                        prompt: format!("____：{def}"),
                        kind: Kind::Fill {
                            answer: term.to_string(),
                            accept: Vec::new(),
                        },
                        explain: format!("{term}：{def}"),
                        scenario: None,
                    },
                ));
            }
        }
        for b in &blocks {
            if let Block::List {
                start: Some(_),
                items,
            } = b
            {
                let steps: Vec<String> = items
                    .iter()
                    .map(|it| {
                        let mut s = String::new();
                        blocks_text(it, &mut s, 0);
                        s.lines().next().unwrap_or("").trim().to_string()
                    })
                    .collect();
                let short = steps
                    .iter()
                    .all(|s| !s.is_empty() && s.chars().count() <= 60);
                let distinct = {
                    let mut v = steps.clone();
                    v.sort();
                    v.dedup();
                    v.len() == steps.len()
                };
                if (3..=8).contains(&steps.len()) && short && distinct {
                    out.push(fixed_card(
                        lib,
                        Some(t),
                        Origin::Cloze,
                        Question {
                            prompt: format!("按顺序排列：{}", topic.title),
                            kind: Kind::Order { steps },
                            explain: String::new(),
                            scenario: None,
                        },
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_sections_are_recognised_whatever_their_numbering() {
        for t in [
            "参考资料",
            "7. 参考资料",
            " References ",
            "延伸阅读",
            "附录：参考文献",
            "See also",
        ] {
            assert!(is_reference_section(t), "{t}");
        }
        for t in ["参考答案", "Redis 参考手册的用法", "引用计数", "4.5 字典"] {
            assert!(!is_reference_section(t), "{t}");
        }
    }

    #[test]
    fn a_reference_section_makes_no_cards() {
        let mut lib = Library::default();
        let md = "# N\n\n## 什么是 SDS？\n\nSDS：简单动态字符串\n\n## 参考资料\n\n- sds.c：sdsnewlen\n- object.c：createStringObject\n\n### 源码\n\n1. a\n2. b\n3. c\n";
        let (n, d) = crate::content::load::parse_note("n.md", md.as_bytes());
        lib.push(n.expect("parses"), d);
        let cards = cards(&lib);
        assert!(!cards.is_empty());
        for c in &cards {
            assert!(
                !c.section.iter().any(|s| is_reference_section(s)),
                "a card from a reference section: {:?}",
                c.label()
            );
        }
    }
    use crate::content::load::parse_note;

    fn lib(text: &str) -> Library {
        let mut lib = Library::default();
        let (note, d) = parse_note("mine.md", text.as_bytes());
        lib.push(note.expect("parses"), d);
        lib
    }

    #[test]
    fn headings_become_recall_cards_with_the_section_as_answer() {
        let l = lib("# 面试\n\n## 为什么 Redis 快？\n\n内存操作，单线程没有锁竞争。\n\n## 空的\n\n### 子节\n\n文字\n");
        let cards = cards(&l);
        let q = cards[0].question(0).expect("fixed");
        assert_eq!(q.prompt, "为什么 Redis 快？");
        assert_eq!(
            q.kind,
            Kind::Recall {
                answer: "内存操作，单线程没有锁竞争。".into()
            }
        );
        assert_eq!(cards[0].section, vec!["面试", "为什么 Redis 快？"]);
        // A heading with no text of its own is answered by its sub-headings.
        let empty = cards.iter().find(|c| c.label() == "空的").expect("card");
        assert_eq!(
            empty.question(0).expect("fixed").kind,
            Kind::Recall {
                answer: "子节".into()
            }
        );
        assert!(is_question("什么是 WSGI"));
        assert!(!is_question("4.5 字典"));
    }

    #[test]
    fn term_lines_and_ordered_lists() {
        let l = lib("# T\n\n## 术语\n\n- **WSGI**：Python Web 服务器与应用之间的接口规范\n- 没有冒号的一行\n\n1. 解析 URL\n2. 调用视图\n3. 渲染模板\n");
        let cards = cards(&l);
        let fill = cards
            .iter()
            .find(|c| matches!(c.question(0).map(|q| q.kind), Ok(Kind::Fill { .. })))
            .expect("a cloze card");
        let q = fill.question(0).expect("fixed");
        assert_eq!(q.prompt, "____：Python Web 服务器与应用之间的接口规范");
        assert_eq!(q.kind.answer_text(), "WSGI");
        let order = cards
            .iter()
            .find(|c| matches!(c.question(0).map(|q| q.kind), Ok(Kind::Order { .. })))
            .expect("an order card");
        assert_eq!(
            order.question(0).expect("fixed").kind,
            Kind::Order {
                steps: vec!["解析 URL".into(), "调用视图".into(), "渲染模板".into()]
            }
        );
        assert_eq!(split_term("说明。这里：不是术语定义"), None);
    }
}
