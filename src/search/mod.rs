//! The fuzzy finder over every note: titles, headings and body text.
//!
//! [`Index::build`] flattens a [`Library`] into entries (one per topic title and
//! one per line of body text). [`Index::search`] scores each entry with
//! fuzzy-matcher's Skim algorithm against the text itself and, for Chinese text,
//! against its pinyin and pinyin initials ([`pinyin`]), keeping the best score and
//! the matched character positions in the original text for highlighting.
//! This module is the only one that uses fuzzy-matcher.

pub mod pinyin;

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use serde::Serialize;

use crate::content::{plain, Block, Library, TopicId};

/// Entries longer than this (in chars) are cut for matching.
pub const MAX_ENTRY_CHARS: usize = 240;
/// Queries longer than this (in chars) are cut.
pub const MAX_QUERY_CHARS: usize = 64;

/// What an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A topic title (a heading, or a note's title).
    Title,
    /// A line of body text.
    Text,
}

/// One searchable line.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The topic it belongs to.
    pub topic: TopicId,
    /// Index of the block within the topic (`None` for titles).
    pub block: Option<usize>,
    /// 1-based file line.
    pub line: usize,
    /// Title or text.
    pub kind: Kind,
    /// The text matched against.
    pub text: String,
    /// Pinyin keys when the text has Chinese.
    pub pinyin: Option<pinyin::Keys>,
}

/// A search result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hit {
    /// Index into [`Index::entries`].
    pub entry: usize,
    /// Higher is better.
    pub score: i64,
    /// Matched character positions in the entry's text.
    pub positions: Vec<usize>,
}

/// The search index.
#[derive(Debug, Default)]
pub struct Index {
    /// All entries.
    pub entries: Vec<Entry>,
}

fn push_lines(
    out: &mut Vec<(Option<usize>, usize, String)>,
    block: Option<usize>,
    line: usize,
    text: &str,
) {
    for (i, l) in text.lines().enumerate() {
        let l = l.trim();
        if !l.is_empty() {
            let cut: String = l.chars().take(MAX_ENTRY_CHARS).collect();
            out.push((block, line + i, cut));
        }
    }
}

fn block_text(b: &Block, out: &mut String) {
    match b {
        Block::Paragraph(i) | Block::Heading(_, i) => {
            out.push_str(&plain(i));
            out.push('\n');
        }
        Block::List { items, .. } => {
            for it in items {
                for b in it {
                    block_text(b, out);
                }
            }
        }
        Block::Quote(v) => v.iter().for_each(|b| block_text(b, out)),
        Block::Code { text, .. } | Block::Html(text) => {
            out.push_str(text);
            out.push('\n');
        }
        Block::Table { header, rows, .. } => {
            for row in std::iter::once(header).chain(rows.iter()) {
                let cells: Vec<String> = row.iter().map(|c| plain(c)).collect();
                out.push_str(&cells.join(" | "));
                out.push('\n');
            }
        }
        Block::Rule => {}
        Block::Sim(s) => {
            out.push_str(&s.name);
            out.push('\n');
        }
    }
}

/// The plain text of a block, one line per paragraph / item / code line / row.
pub fn text_of(b: &Block) -> String {
    let mut s = String::new();
    block_text(b, &mut s);
    s
}

impl Index {
    /// Index every topic of `lib`.
    pub fn build(lib: &Library) -> Index {
        let mut entries = Vec::new();
        for (t, topic) in lib.topics.iter().enumerate() {
            entries.push(Entry {
                topic: t,
                block: None,
                line: topic.lines.start,
                kind: Kind::Title,
                pinyin: pinyin::keys(&topic.title),
                text: topic.title.chars().take(MAX_ENTRY_CHARS).collect(),
            });
            let mut lines = Vec::new();
            for (bi, b) in topic.blocks.iter().enumerate() {
                let text = text_of(&b.block);
                // Code lines map to file lines one by one (after the fence).
                let first = if matches!(b.block, Block::Code { .. }) {
                    b.line + 1
                } else {
                    b.line
                };
                push_lines(&mut lines, Some(bi), first, &text);
            }
            for (block, line, text) in lines {
                entries.push(Entry {
                    topic: t,
                    block,
                    line,
                    kind: Kind::Text,
                    pinyin: pinyin::keys(&text),
                    text,
                });
            }
        }
        Index { entries }
    }

    /// The best `limit` hits for `query`, best first. An empty query finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let query: String = query.trim().chars().take(MAX_QUERY_CHARS).collect();
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let matcher = SkimMatcherV2::default().ignore_case();
        let ascii_query = query.is_ascii();
        let lower_query = query.to_lowercase();
        let mut hits: Vec<Hit> = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            let mut best: Option<(i64, Vec<usize>)> = matcher.fuzzy_indices(&e.text, &query);
            if ascii_query {
                if let Some(k) = &e.pinyin {
                    let qlen = lower_query.chars().count();
                    for (key, map, initials) in [
                        (&k.full, &k.full_map, false),
                        (&k.initials, &k.initials_map, true),
                    ] {
                        if let Some((s, p)) = matcher.fuzzy_indices(key, &lower_query) {
                            // Initials scattered over a long line are noise, not a match.
                            let span = p.last().zip(p.first()).map_or(0, |(l, f)| l - f + 1);
                            if initials && span > qlen * 2 {
                                continue;
                            }
                            if best.as_ref().is_none_or(|(b, _)| s > *b) {
                                let mut pos: Vec<usize> = p
                                    .iter()
                                    .filter_map(|&j| map.get(j).map(|&c| c as usize))
                                    .collect();
                                pos.dedup();
                                best = Some((s, pos));
                            }
                        }
                    }
                }
            }
            if let Some((mut score, positions)) = best {
                if e.kind == Kind::Title {
                    score += score / 2 + 10;
                }
                hits.push(Hit {
                    entry: i,
                    score,
                    positions,
                });
            }
        }
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.entry.cmp(&b.entry)));
        hits.truncate(limit);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::load::parse_note;

    fn lib(md: &str) -> Library {
        let mut lib = Library::default();
        let (n, d) = parse_note("t.md", md.as_bytes());
        lib.push(n.unwrap(), d);
        lib
    }

    #[test]
    fn finds_chinese_by_characters_pinyin_and_initials() {
        let l = lib(
            "# 笔记\n\n## 4.6 跳跃表\n\n跳跃表是有序集合的底层实现。\n\n## 4.5 字典\n\n哈希表。\n",
        );
        let idx = Index::build(&l);
        for q in ["跳跃", "tiaoyue", "tyb", "tiaoyuebiao"] {
            let hits = idx.search(q, 5);
            assert!(!hits.is_empty(), "{q}");
            let e = &idx.entries[hits[0].entry];
            assert_eq!(l.topics[e.topic].title, "4.6 跳跃表", "{q}");
            assert_eq!(e.kind, Kind::Title, "{q}");
        }
        let hits = idx.search("tyb", 10);
        assert_eq!(hits[0].positions, vec![4, 5, 6]);
        // the body line has 跳跃表 too; nothing matches by initials scattered far apart
        assert!(hits.len() <= 2, "{hits:?}");
        let hits = idx.search("有序集合", 3);
        let e = &idx.entries[hits[0].entry];
        assert_eq!(e.kind, Kind::Text);
        assert_eq!(e.line, 5);
    }

    #[test]
    fn empty_and_huge_queries() {
        let l = lib("# a\n\ntext\n");
        let idx = Index::build(&l);
        assert!(idx.search("", 10).is_empty());
        assert!(idx.search("   ", 10).is_empty());
        let long = "x".repeat(1000);
        assert!(idx.search(&long, 10).is_empty());
    }
}
