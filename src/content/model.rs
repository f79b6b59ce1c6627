//! The content model every consumer reads: notes, topics and blocks.
//!
//! A [`Library`] holds notes; each note is split by its headings into a tree of
//! [`Topic`]s. A topic owns the [`Block`]s between its heading and the next
//! heading. The renderer, search and quiz all read this model, never Markdown.

use serde::Serialize;
use std::ops::Range;

use super::frontmatter::FrontMatter;

/// Inline style flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct InlineStyle {
    /// `**strong**`
    pub bold: bool,
    /// `*emphasis*`
    pub italic: bool,
    /// `` `code` ``
    pub code: bool,
    /// `~~strike~~`
    pub strike: bool,
    /// Inside a link.
    pub link: bool,
}

/// A run of text with one style.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Inline {
    /// The text, already sanitised.
    pub text: String,
    /// Its style.
    pub style: InlineStyle,
}

/// Text made of styled runs.
pub type Inlines = Vec<Inline>;

/// The plain text of some inlines.
pub fn plain(inlines: &[Inline]) -> String {
    inlines.iter().map(|i| i.text.as_str()).collect()
}

/// Column alignment in a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Align {
    /// No alignment given.
    None,
    /// `:--`
    Left,
    /// `:-:`
    Center,
    /// `--:`
    Right,
}

/// A reference to a simulation at a point in a note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SimRef {
    /// The simulation's name as written (e.g. `redis-dict`).
    pub name: String,
    /// The preset, when given (`preset=grow-from-4`).
    pub preset: Option<String>,
    /// Where it came from.
    pub origin: SimOrigin,
}

/// How a simulation got attached to a topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SimOrigin {
    /// A fenced `sim` block in the note.
    Embedded,
    /// A pairing rule matched the heading.
    Paired,
}

/// One block of a topic's body.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Block {
    /// A paragraph (also the text of a tight list item).
    Paragraph(Inlines),
    /// A heading inside a block container (quotes, list items); top-level headings
    /// become topics instead.
    Heading(u8, Inlines),
    /// A list; `start` is the first number of an ordered list.
    List {
        /// First number of an ordered list, `None` for bullets.
        start: Option<u64>,
        /// Each item's blocks; a task item starts with its checkbox text.
        items: Vec<Vec<Block>>,
    },
    /// A block quote.
    Quote(Vec<Block>),
    /// A code block with its language (empty when none).
    Code {
        /// The info string's first word.
        lang: String,
        /// The code, sanitised, newlines kept.
        text: String,
    },
    /// A table.
    Table {
        /// Per-column alignment.
        align: Vec<Align>,
        /// Header cells.
        header: Vec<Inlines>,
        /// Body rows.
        rows: Vec<Vec<Inlines>>,
    },
    /// A thematic break.
    Rule,
    /// Raw HTML, shown as plain text.
    Html(String),
    /// An embedded simulation.
    Sim(SimRef),
}

/// A top-level block with the 1-based file line it starts on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockAt {
    /// 1-based line in the source file.
    pub line: usize,
    /// The block.
    pub block: Block,
}

/// Index of a topic in [`Library::topics`].
pub type TopicId = usize;

/// A section of a note: a heading and what follows it up to the next heading.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Topic {
    /// The index of its note in [`Library::notes`].
    pub note: usize,
    /// The heading text (sanitised), numbering kept as written.
    pub title: String,
    /// Depth in the tree: 0 for a note's root topic.
    pub depth: usize,
    /// The Markdown heading level (1–6), `None` for a root topic.
    pub heading_level: Option<u8>,
    /// Parent topic.
    pub parent: Option<TopicId>,
    /// Child topics, in order.
    pub children: Vec<TopicId>,
    /// The body.
    pub blocks: Vec<BlockAt>,
    /// 1-based file lines of the topic's own text: from its heading line up to
    /// (not including) the next heading of any level.
    pub lines: Range<usize>,
    /// Simulations offered here (embedded blocks and pairing rules).
    pub sims: Vec<SimRef>,
    /// Position of this topic within its note (0 = root); with the note's key it
    /// forms the topic's id.
    pub ordinal: usize,
}

/// One note file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Note {
    /// The path it was loaded from (for embedded notes, `content/NAME`).
    pub path: String,
    /// A short key unique in the library, used in topic ids (the file stem).
    pub key: String,
    /// Its front matter.
    pub meta: FrontMatter,
    /// The root topic.
    pub root: TopicId,
    /// All its topics, root first, in document order.
    pub topics: Range<TopicId>,
    /// True when the file was not valid UTF-8 and was decoded lossily.
    pub lossy: bool,
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Loaded, but something was odd.
    Warning,
    /// Part or all of the file could not be loaded.
    Error,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A problem found while loading, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file (sanitised for display).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// How bad.
    pub severity: Severity,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(
                f,
                "{}:{}: {}: {}",
                self.file, l, self.severity, self.message
            ),
            None => write!(f, "{}: {}: {}", self.file, self.severity, self.message),
        }
    }
}

impl Block {
    /// Give back the room reserved but not used by this block's lists
    /// (inline runs, items, rows), all the way down.
    pub fn compact(&mut self) {
        // An explicit stack: blocks nest as deep as the input does.
        let mut stack: Vec<&mut Block> = vec![self];
        while let Some(b) = stack.pop() {
            match b {
                Block::Paragraph(v) | Block::Heading(_, v) => v.shrink_to_fit(),
                Block::List { items, .. } => {
                    items.shrink_to_fit();
                    for it in items.iter_mut() {
                        it.shrink_to_fit();
                        stack.extend(it.iter_mut());
                    }
                }
                Block::Quote(v) => {
                    v.shrink_to_fit();
                    stack.extend(v.iter_mut());
                }
                Block::Table {
                    align,
                    header,
                    rows,
                } => {
                    align.shrink_to_fit();
                    header.shrink_to_fit();
                    header.iter_mut().for_each(Vec::shrink_to_fit);
                    rows.shrink_to_fit();
                    for r in rows.iter_mut() {
                        r.shrink_to_fit();
                        r.iter_mut().for_each(Vec::shrink_to_fit);
                    }
                }
                Block::Code { .. } | Block::Html(_) | Block::Rule | Block::Sim(_) => {}
            }
        }
    }
}

impl Topic {
    /// Give back the room reserved but not used by this topic's lists and
    /// its blocks' (see [`Block::compact`]).
    pub fn compact(&mut self) {
        self.children.shrink_to_fit();
        self.blocks.shrink_to_fit();
        self.sims.shrink_to_fit();
        for b in &mut self.blocks {
            b.block.compact();
        }
    }
}

/// All loaded notes.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Library {
    /// Notes in load order.
    pub notes: Vec<Note>,
    /// Every topic of every note; a note's topics are contiguous.
    pub topics: Vec<Topic>,
    /// Problems found while loading.
    pub diagnostics: Vec<Diagnostic>,
    /// The note keys given out by [`Library::push`], to keep them unique
    /// without comparing with every note.
    #[serde(skip)]
    pub(crate) keys: std::collections::HashSet<String>,
}

impl Library {
    /// The stable id of a topic: `NOTEKEY:ORDINAL`.
    pub fn topic_id(&self, t: TopicId) -> String {
        let topic = &self.topics[t];
        format!("{}:{}", self.notes[topic.note].key, topic.ordinal)
    }

    /// Find a topic by its id string.
    pub fn find_id(&self, id: &str) -> Option<TopicId> {
        let (key, ord) = id.rsplit_once(':')?;
        let ord: usize = ord.parse().ok()?;
        let note = self.notes.iter().find(|n| n.key == key)?;
        let t = note.topics.start.checked_add(ord)?;
        note.topics.contains(&t).then_some(t)
    }

    /// Titles from the root down to `t`'s parent.
    pub fn ancestors(&self, t: TopicId) -> Vec<&str> {
        let mut path = Vec::new();
        let mut cur = self.topics[t].parent;
        while let Some(p) = cur {
            path.push(self.topics[p].title.as_str());
            cur = self.topics[p].parent;
        }
        path.reverse();
        path
    }

    /// The root topics (one per note), in order.
    pub fn roots(&self) -> impl Iterator<Item = TopicId> + '_ {
        self.notes.iter().map(|n| n.root)
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}
