//! The fuzzy finder over every note: titles, headings and body text.
//!
//! [`Index::build`] flattens a [`Library`] into entries (one per topic title and
//! one per line of body text). Every entry is scored with fuzzy-matcher's Skim
//! algorithm against the text itself and, for Chinese text, against its pinyin
//! and pinyin initials ([`pinyin`]), keeping the best score and the matched
//! character positions in the original text for highlighting.
//!
//! [`Index::search`] returns exactly what scoring every entry would
//! ([`Index::search_exhaustive`], the reference), but fast enough for typing
//! over tens of thousands of notes ([`fast`]): per-entry character masks reject
//! entries that cannot match, a cheap upper bound on each entry's score lets the
//! best entries be scored first and the rest be skipped once the result list is
//! full, and the scoring runs on two threads. [`Searcher`] also narrows the
//! previous query's candidates while the query grows.
//! This module is the only one that uses fuzzy-matcher.

pub mod fast;
pub mod pinyin;

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use serde::Serialize;

use crate::content::{plain, Block, Library, Topic, TopicId};

pub use fast::Searcher;

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
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// Per entry: character masks.
    meta: Vec<fast::Meta>,
    /// Per entry: where its pinyin keys are in `pinyin`.
    keys: Vec<fast::KeysAt>,
    /// Every entry's full pinyin followed by its initials, back to back.
    pinyin: String,
    /// Tells indexes apart, so a [`Searcher`] never narrows across two of them.
    id: u64,
}

/// The plain text of a block, one line per paragraph / item / code line / row.
pub fn text_of(b: &Block) -> String {
    let mut s = String::new();
    block_text(b, &mut s);
    s
}

fn block_text(b: &Block, out: &mut String) {
    match b {
        Block::Paragraph(i) | Block::Heading(_, i) => {
            for x in i {
                out.push_str(&x.text);
            }
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
                for (i, c) in row.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" | ");
                    }
                    out.push_str(&plain(c));
                }
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

/// `text` cut to [`MAX_ENTRY_CHARS`] characters, allocated at its exact size.
fn cut(text: &str) -> String {
    match text.char_indices().nth(MAX_ENTRY_CHARS) {
        Some((b, _)) => text[..b].to_string(),
        None => text.to_string(),
    }
}

/// Builds the entries of a run of topics, with their masks and pinyin.
#[derive(Clone, Debug, Default)]
struct Builder {
    entries: Vec<Entry>,
    meta: Vec<fast::Meta>,
    keys: Vec<fast::KeysAt>,
    pinyin: String,
    scratch: String,
}

impl Builder {
    fn push(
        &mut self,
        topic: TopicId,
        block: Option<usize>,
        line: usize,
        kind: Kind,
        text: String,
    ) {
        let (meta, keys) = fast::Meta::of(&text, kind, &mut self.pinyin, &mut self.scratch);
        self.meta.push(meta);
        self.keys.push(keys);
        self.entries.push(Entry {
            topic,
            block,
            line,
            kind,
            text,
        });
    }

    fn topics(&mut self, first: TopicId, topics: &[Topic]) {
        let mut text = String::new();
        for (i, topic) in topics.iter().enumerate() {
            let t = first + i;
            self.push(t, None, topic.lines.start, Kind::Title, cut(&topic.title));
            for (bi, b) in topic.blocks.iter().enumerate() {
                text.clear();
                block_text(&b.block, &mut text);
                // Code lines map to file lines one by one (after the fence).
                let start = if matches!(b.block, Block::Code { .. }) {
                    b.line + 1
                } else {
                    b.line
                };
                for (li, l) in text.lines().enumerate() {
                    let l = l.trim();
                    if !l.is_empty() {
                        self.push(t, Some(bi), start + li, Kind::Text, cut(l));
                    }
                }
            }
        }
    }
}

/// The entries of one note's topics, built where the note was parsed so a
/// large set of notes is indexed on the loading threads, as it arrives; see
/// [`Index::append`].
#[derive(Clone, Debug, Default)]
pub struct IndexPart(Builder);

impl IndexPart {
    /// Index `topics` (one note's, with note-local ids: 0 is its first topic).
    pub fn of(topics: &[Topic]) -> IndexPart {
        let mut b = Builder::default();
        b.topics(0, topics);
        b.scratch = String::new();
        IndexPart(b)
    }
}

/// A number no other index in this process has.
fn next_id() -> u64 {
    static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// How an entry is scored: the same for the reference and the fast path.
pub(crate) struct Scorer {
    /// The query, trimmed and cut.
    pub(crate) query: String,
    /// Lowercased, for the pinyin keys.
    lower: String,
    /// Pinyin keys are tried only for ASCII queries.
    pub(crate) ascii: bool,
    qlen: usize,
}

/// Which text of an entry scored best.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    Text,
    Full,
    Initials,
}

impl Scorer {
    /// `None` when the query is empty after trimming.
    pub(crate) fn new(query: &str) -> Option<Scorer> {
        let query: String = query.trim().chars().take(MAX_QUERY_CHARS).collect();
        if query.is_empty() {
            return None;
        }
        Some(Scorer {
            lower: query.to_lowercase(),
            ascii: query.is_ascii(),
            qlen: query.chars().count(),
            query,
        })
    }

    /// The best score of an entry (title bonus included), which text gave it and
    /// the matched positions in that text.
    pub(crate) fn score(
        &self,
        kind: Kind,
        text: &str,
        keys: Option<(&str, &str)>,
    ) -> Option<(i64, Source, Vec<usize>)> {
        // A fresh matcher per entry: Skim reuses its score matrix between calls
        // and reads bonuses left in it by earlier lines, so a shared matcher
        // would make a line's score depend on which lines were scored before.
        let matcher = SkimMatcherV2::default().ignore_case();
        let mut best: Option<(i64, Source, Vec<usize>)> = matcher
            .fuzzy_indices(text, &self.query)
            .map(|(s, p)| (s, Source::Text, p));
        if self.ascii {
            if let Some((full, initials)) = keys {
                for (key, src) in [(full, Source::Full), (initials, Source::Initials)] {
                    if let Some((s, p)) = matcher.fuzzy_indices(key, &self.lower) {
                        // Pinyin letters scattered over a long line are noise, not
                        // a match: `tiaoyuebiao` should not find 调…遵…标 far apart.
                        let span = p.last().zip(p.first()).map_or(0, |(l, f)| l - f + 1);
                        if span > self.qlen * 2 {
                            continue;
                        }
                        if best.as_ref().is_none_or(|(b, _, _)| s > *b) {
                            best = Some((s, src, p));
                        }
                    }
                }
            }
        }
        best.map(|(mut score, src, p)| {
            if kind == Kind::Title {
                score += score / 2 + 10;
            }
            (score, src, p)
        })
    }

    /// The hit for entry `i` with positions mapped back to its text.
    pub(crate) fn hit(&self, i: usize, e: &Entry) -> Option<Hit> {
        let keys = pinyin::keys(&e.text);
        let pair = keys
            .as_ref()
            .map(|k| (k.full.as_str(), k.initials.as_str()));
        let (score, src, p) = self.score(e.kind, &e.text, pair)?;
        let positions = match (src, &keys) {
            (Source::Text, _) | (_, None) => p,
            (Source::Full | Source::Initials, Some(k)) => {
                let map = if src == Source::Full {
                    &k.full_map
                } else {
                    &k.initials_map
                };
                let mut pos: Vec<usize> = p
                    .iter()
                    .filter_map(|&j| map.get(j).map(|&c| c as usize))
                    .collect();
                pos.dedup();
                pos
            }
        };
        Some(Hit {
            entry: i,
            score,
            positions,
        })
    }
}

impl Index {
    /// Index every topic of `lib`, on two threads when there is enough to do.
    pub fn build(lib: &Library) -> Index {
        Index::build_topics(&lib.topics)
    }

    /// Index a run of topics (their ids are their positions in `topics`).
    pub fn build_topics(topics: &[Topic]) -> Index {
        let id = next_id();
        let weight = |t: &Topic| t.blocks.len() + 1;
        let total: usize = topics.iter().map(weight).sum();
        let threads = if total < 4096 {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
        };
        // Cut the topics into runs of about equal work, kept in order.
        let mut cuts = vec![0];
        let mut acc = 0;
        for (i, t) in topics.iter().enumerate() {
            acc += weight(t);
            if acc * threads >= total * cuts.len() && cuts.len() < threads {
                cuts.push(i + 1);
            }
        }
        cuts.push(topics.len());
        cuts.dedup();
        let parts: Vec<Builder> = std::thread::scope(|s| {
            let handles: Vec<_> = cuts
                .windows(2)
                .map(|w| {
                    let (a, b) = (w[0], w[1]);
                    s.spawn(move || {
                        let mut builder = Builder::default();
                        builder.topics(a, &topics[a..b]);
                        builder
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        let mut index = Index {
            id,
            ..Index::default()
        };
        index
            .entries
            .reserve_exact(parts.iter().map(|p| p.entries.len()).sum());
        index.meta.reserve_exact(index.entries.capacity());
        index.keys.reserve_exact(index.entries.capacity());
        index
            .pinyin
            .reserve_exact(parts.iter().map(|p| p.pinyin.len()).sum());
        for part in parts {
            index.append(IndexPart(part), 0);
        }
        index
    }

    /// An index with no entries, to [`Index::append`] notes to as they arrive.
    pub fn empty() -> Index {
        Index {
            id: next_id(),
            ..Index::default()
        }
    }

    /// Add the entries of `part`, whose topic ids start at `first_topic`.
    pub fn append(&mut self, part: IndexPart, first_topic: TopicId) {
        // Different entries, a different index (for `Searcher`).
        self.id = next_id();
        let part = part.0;
        let base = self.pinyin.len();
        self.pinyin.push_str(&part.pinyin);
        self.entries.extend(part.entries.into_iter().map(|mut e| {
            e.topic += first_topic;
            e
        }));
        self.meta.extend(part.meta);
        self.keys
            .extend(part.keys.into_iter().map(|k| k.shifted(base)));
    }

    /// Give back the room reserved for entries that were never added.
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
        self.meta.shrink_to_fit();
        self.keys.shrink_to_fit();
        self.pinyin.shrink_to_fit();
    }

    /// The entry of each hit, in order (hits of another index are skipped).
    pub fn entries_of(&self, hits: &[Hit]) -> Vec<Entry> {
        hits.iter()
            .filter_map(|h| self.entries.get(h.entry).cloned())
            .collect()
    }

    /// The full pinyin and initials of entry `i`, when its text has Chinese.
    pub fn pinyin_keys(&self, i: usize) -> Option<(&str, &str)> {
        self.keys.get(i)?.keys(&self.pinyin)
    }

    /// The best `limit` hits for `query`, best first (ties: earlier entry
    /// first). An empty query finds nothing. Same results as
    /// [`Index::search_exhaustive`], found without scoring every entry.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        fast::search(self, query, None, limit).0
    }

    /// The reference scorer: scores every entry and keeps the best `limit`.
    /// Slow on big indexes; [`Index::search`] gives the same hits.
    pub fn search_exhaustive(&self, query: &str, limit: usize) -> Vec<Hit> {
        let Some(scorer) = Scorer::new(query) else {
            return Vec::new();
        };
        if limit == 0 {
            return Vec::new();
        }
        let mut hits: Vec<Hit> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| scorer.hit(i, e))
            .collect();
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
    fn scattered_pinyin_letters_do_not_match() {
        let l = lib("# 笔记\n\n## Tools 注册与调用遵循什么标准格式？\n\n## 跳跃表\n");
        let idx = Index::build(&l);
        let hits = idx.search("tiaoyuebiao", 10);
        let titles: Vec<&str> = hits
            .iter()
            .map(|h| l.topics[idx.entries[h.entry].topic].title.as_str())
            .collect();
        assert_eq!(titles, vec!["跳跃表"], "{hits:?}");
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

    #[test]
    fn stored_pinyin_keys_are_the_ones_highlights_map_back_from() {
        let l = lib("# 跳跃表 Redis\n\n跳跃表是 ZSet 的底层实现，Ä ü。\n\nplain ascii line\n");
        let idx = Index::build(&l);
        for (i, e) in idx.entries.iter().enumerate() {
            let k = pinyin::keys(&e.text);
            let stored = idx.pinyin_keys(i);
            assert_eq!(
                stored,
                k.as_ref().map(|k| (k.full.as_str(), k.initials.as_str())),
                "{}",
                e.text
            );
        }
        assert!(idx.pinyin_keys(idx.entries.len()).is_none());
    }
}
