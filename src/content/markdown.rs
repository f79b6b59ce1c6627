//! Markdown → our [`Block`] model, through pulldown-cmark's event stream.
//!
//! The builder keeps an explicit stack of open containers (quotes, lists, items),
//! so nothing here recurses on input depth. Containers nested deeper than
//! [`MAX_DEPTH`] are flattened into the deepest allowed one, with a diagnostic:
//! their text is kept, only the extra indentation is lost.
//!
//! Top-level headings are returned as [`Item::Heading`] so the loader can split
//! the note into topics; headings inside quotes or list items stay blocks.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::model::{plain, Align, Block, BlockAt, Inline, InlineStyle, Inlines, SimOrigin, SimRef};
use super::sanitize::{clean_with, cleaned};

/// The deepest nesting of quotes and lists kept as structure.
pub const MAX_DEPTH: usize = 24;

/// A top-level piece of a note body.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A top-level heading (becomes a topic).
    Heading {
        /// 1–6.
        level: u8,
        /// Its text.
        text: Inlines,
        /// 1-based file line.
        line: usize,
    },
    /// Any other top-level block.
    Block(BlockAt),
}

/// A problem found while parsing, with its 1-based file line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// 1-based file line.
    pub line: usize,
    /// What happened.
    pub message: String,
}

/// The result of parsing one body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    /// Headings and blocks in order.
    pub items: Vec<Item>,
    /// Warnings.
    pub issues: Vec<Issue>,
}

/// Maps byte offsets to 1-based file lines.
struct Lines {
    starts: Vec<usize>,
    offset: usize,
}

impl Lines {
    fn new(text: &str, offset: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts, offset }
    }
    fn line(&self, byte: usize) -> usize {
        self.starts.partition_point(|&s| s <= byte) + self.offset
    }
}

/// Parse a `sim` block body: `NAME [preset=P]`.
pub fn parse_sim(body: &str) -> Option<SimRef> {
    let mut words = body.split_whitespace();
    let name = words.next()?;
    let mut preset = None;
    for w in words {
        if let Some(p) = w.strip_prefix("preset=") {
            preset = Some(cleaned(p));
        }
    }
    Some(SimRef {
        name: cleaned(name),
        preset,
        origin: SimOrigin::Embedded,
    })
}

enum Frame {
    Quote(Vec<Block>),
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Item(Vec<Block>),
    /// A container that was too deep: its contents go to the parent.
    Flattened,
}

#[derive(Default)]
struct TableState {
    align: Vec<Align>,
    header: Vec<Inlines>,
    rows: Vec<Vec<Inlines>>,
    row: Vec<Inlines>,
    in_head: bool,
}

#[derive(Default)]
struct Builder {
    items: Vec<Item>,
    issues: Vec<Issue>,
    stack: Vec<Frame>,
    depth: usize,
    flattened_reported: bool,
    /// Inline text being collected (paragraph, heading, cell).
    inl: Option<Inlines>,
    style: InlineStyle,
    bold: u32,
    italic: u32,
    strike: u32,
    link: u32,
    heading: Option<(u8, usize)>,
    code: Option<(String, String)>,
    html: Option<String>,
    table: Option<TableState>,
    image_depth: u32,
    block_line: usize,
    /// A soft line break after a wide character, resolved by the next text.
    soft_break: bool,
    /// Open links: their destination and where their text starts.
    links: Vec<(String, usize)>,
}

impl Builder {
    fn push_block(&mut self, block: Block, line: usize) {
        for frame in self.stack.iter_mut().rev() {
            match frame {
                Frame::Quote(v) | Frame::Item(v) => {
                    v.push(block);
                    return;
                }
                Frame::List { items, .. } => {
                    // Text directly in a list without an item: give it one.
                    items.push(vec![block]);
                    return;
                }
                Frame::Flattened => continue,
            }
        }
        self.items.push(Item::Block(BlockAt { line, block }));
    }

    fn text(&mut self, s: &str) {
        if std::mem::take(&mut self.soft_break) && !s.chars().next().is_some_and(is_wide) {
            self.text(" ");
        }
        let style = InlineStyle {
            bold: self.bold > 0,
            italic: self.italic > 0,
            strike: self.strike > 0,
            link: self.link > 0,
            code: self.style.code,
        };
        let text = cleaned(s);
        let inl = self.inl.get_or_insert_with(Vec::new);
        match inl.last_mut() {
            Some(last) if last.style == style => last.text.push_str(&text),
            _ => inl.push(Inline { text, style }),
        }
    }

    fn flush_paragraph(&mut self) {
        self.soft_break = false;
        if self.table.is_some() {
            return;
        }
        if let Some(inl) = self.inl.take() {
            if !inl.iter().all(|i| i.text.trim().is_empty()) {
                let line = self.block_line;
                self.push_block(Block::Paragraph(inl), line);
            }
        }
    }

    fn open(&mut self, frame: Frame) {
        self.flush_paragraph();
        if self.depth >= MAX_DEPTH {
            if !self.flattened_reported {
                self.flattened_reported = true;
                self.issues.push(Issue {
                    line: self.block_line,
                    message: format!(
                        "lists or quotes nested deeper than {MAX_DEPTH} levels are shown flattened"
                    ),
                });
            }
            self.stack.push(Frame::Flattened);
        } else {
            self.depth += 1;
            self.stack.push(frame);
        }
    }

    fn close(&mut self) -> Option<Frame> {
        self.flush_paragraph();
        let frame = self.stack.pop()?;
        if !matches!(frame, Frame::Flattened) {
            self.depth -= 1;
        }
        Some(frame)
    }

    fn start(&mut self, tag: Tag<'_>, line: usize) {
        match tag {
            Tag::Paragraph => {
                self.flush_paragraph();
                self.block_line = line;
            }
            Tag::Heading { level, .. } => {
                self.flush_paragraph();
                self.block_line = line;
                self.heading = Some((heading_level(level), line));
                self.inl = Some(Vec::new());
            }
            Tag::BlockQuote(_) => {
                self.block_line = line;
                self.open(Frame::Quote(Vec::new()));
            }
            Tag::CodeBlock(kind) => {
                self.flush_paragraph();
                self.block_line = line;
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .map(cleaned)
                        .unwrap_or_default(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Tag::HtmlBlock => {
                self.flush_paragraph();
                self.block_line = line;
                self.html = Some(String::new());
            }
            Tag::List(start) => {
                self.block_line = line;
                self.open(Frame::List {
                    start,
                    items: Vec::new(),
                });
            }
            Tag::Item => self.open(Frame::Item(Vec::new())),
            Tag::Table(align) => {
                self.flush_paragraph();
                self.block_line = line;
                self.table = Some(TableState {
                    align: align.iter().map(|a| convert_align(*a)).collect(),
                    ..TableState::default()
                });
            }
            Tag::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = true;
                }
            }
            Tag::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    t.row.clear();
                }
            }
            Tag::TableCell => self.inl = Some(Vec::new()),
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Strikethrough => self.strike += 1,
            Tag::Link { dest_url, .. } => {
                self.link += 1;
                let at = self.inl.as_ref().map_or(0, |v| plain(v).len());
                self.links.push((cleaned(&dest_url), at));
            }
            Tag::Image { .. } => {
                self.image_depth += 1;
                self.text("[图: ");
            }
            Tag::FootnoteDefinition(label) => {
                self.flush_paragraph();
                self.block_line = line;
                self.text(&format!("[^{label}]: "));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush_paragraph(),
            TagEnd::Heading(_) => {
                let text = self.inl.take().unwrap_or_default();
                if let Some((level, line)) = self.heading.take() {
                    if self.stack.is_empty() {
                        self.items.push(Item::Heading { level, text, line });
                    } else {
                        self.push_block(Block::Heading(level, text), line);
                    }
                }
            }
            TagEnd::BlockQuote(_) => {
                if let Some(Frame::Quote(blocks)) = self.close() {
                    let line = self.block_line;
                    self.push_block(Block::Quote(blocks), line);
                }
            }
            TagEnd::CodeBlock => {
                if let Some((lang, text)) = self.code.take() {
                    let line = self.block_line;
                    let block = if lang == "sim" {
                        match parse_sim(&text) {
                            Some(s) => Block::Sim(s),
                            None => {
                                self.issues.push(Issue {
                                    line,
                                    message: "empty `sim` block: write a simulation name, e.g. `redis-dict preset=grow-from-4`".into(),
                                });
                                return;
                            }
                        }
                    } else {
                        let text = clean_with(text.trim_end_matches('\n'), 4, true).into_owned();
                        Block::Code { lang, text }
                    };
                    self.push_block(block, line);
                }
            }
            TagEnd::HtmlBlock => {
                if let Some(html) = self.html.take() {
                    let text = clean_with(html.trim_end(), 4, true).into_owned();
                    if !text.trim().is_empty() {
                        let line = self.block_line;
                        self.push_block(Block::Html(text), line);
                    }
                }
            }
            TagEnd::List(_) => {
                if let Some(Frame::List { start, items }) = self.close() {
                    let line = self.block_line;
                    self.push_block(Block::List { start, items }, line);
                }
            }
            TagEnd::Item => {
                if let Some(Frame::Item(blocks)) = self.close() {
                    if let Some(Frame::List { items, .. }) = self.stack.last_mut() {
                        items.push(blocks);
                    } else {
                        let line = self.block_line;
                        for b in blocks {
                            self.push_block(b, line);
                        }
                    }
                }
            }
            TagEnd::TableCell => {
                let cell = self.inl.take().unwrap_or_default();
                if let Some(t) = self.table.as_mut() {
                    t.row.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.header = std::mem::take(&mut t.row);
                    t.in_head = false;
                }
            }
            TagEnd::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    let line = self.block_line;
                    self.push_block(
                        Block::Table {
                            align: t.align,
                            header: t.header,
                            rows: t.rows,
                        },
                        line,
                    );
                }
            }
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            TagEnd::Link => {
                // Show where a link goes, unless its text already says so.
                if let Some((dest, at)) = self.links.pop() {
                    let text = self.inl.as_ref().map(|v| plain(v)).unwrap_or_default();
                    let shown = text.get(at..).unwrap_or("");
                    let worth = !dest.is_empty() && !dest.starts_with('#') && shown.trim() != dest;
                    if worth {
                        let dest: String = if dest.chars().count() > 60 {
                            dest.chars().take(59).chain(std::iter::once('…')).collect()
                        } else {
                            dest
                        };
                        self.text(&format!(" ({dest})"));
                    }
                }
                self.link = self.link.saturating_sub(1);
            }
            TagEnd::Image => {
                self.image_depth = self.image_depth.saturating_sub(1);
                self.text("]");
            }
            TagEnd::FootnoteDefinition => self.flush_paragraph(),
            _ => {}
        }
    }

    fn event(&mut self, ev: Event<'_>, line: usize) {
        match ev {
            Event::Start(tag) => self.start(tag, line),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if let Some((_, code)) = self.code.as_mut() {
                    code.push_str(&t);
                } else if let Some(h) = self.html.as_mut() {
                    h.push_str(&t);
                } else {
                    if self.inl.is_none() {
                        self.block_line = line;
                    }
                    self.text(&t);
                }
            }
            Event::Code(t) => {
                if self.inl.is_none() {
                    self.block_line = line;
                }
                self.style.code = true;
                self.text(&t);
                self.style.code = false;
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
            Event::Html(t) => {
                if let Some(h) = self.html.as_mut() {
                    h.push_str(&t);
                } else {
                    self.flush_paragraph();
                    let text = clean_with(t.trim_end(), 4, true).into_owned();
                    if !text.trim().is_empty() {
                        self.push_block(Block::Html(text), line);
                    }
                }
            }
            Event::InlineHtml(t) => self.text(&t),
            Event::FootnoteReference(l) => self.text(&format!("[^{l}]")),
            Event::SoftBreak => {
                // Between two CJK characters a line break is no space at all.
                let last_wide = self
                    .inl
                    .as_ref()
                    .and_then(|v| v.last())
                    .and_then(|i| i.text.chars().last())
                    .is_some_and(is_wide);
                if last_wide {
                    self.soft_break = true;
                } else {
                    self.text(" ");
                }
            }
            Event::HardBreak => self.text("\n"),
            Event::Rule => {
                self.flush_paragraph();
                self.push_block(Block::Rule, line);
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
        }
    }
}

fn is_wide(c: char) -> bool {
    unicode_width::UnicodeWidthChar::width(c) == Some(2)
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn convert_align(a: Alignment) -> Align {
    match a {
        Alignment::None => Align::None,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

/// Parse a Markdown body. `line_offset` is the number of file lines before it
/// (the front matter), so reported lines are file lines.
pub fn parse(body: &str, line_offset: usize) -> Parsed {
    let lines = Lines::new(body, line_offset);
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut b = Builder::default();
    for (ev, range) in Parser::new_ext(body, opts).into_offset_iter() {
        let line = lines.line(range.start);
        b.event(ev, line);
    }
    b.flush_paragraph();
    while !b.stack.is_empty() {
        // Unbalanced input cannot happen with pulldown-cmark, but never lose text.
        let line = b.block_line;
        match b.close() {
            Some(Frame::Quote(v)) | Some(Frame::Item(v)) => {
                for blk in v {
                    b.push_block(blk, line);
                }
            }
            Some(Frame::List { start, items }) => b.push_block(Block::List { start, items }, line),
            _ => {}
        }
    }
    Parsed {
        items: b.items,
        issues: b.issues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::model::plain;

    fn blocks(md: &str) -> Vec<Block> {
        parse(md, 0)
            .items
            .into_iter()
            .filter_map(|i| match i {
                Item::Block(b) => Some(b.block),
                Item::Heading { .. } => None,
            })
            .collect()
    }

    #[test]
    fn headings_atx_and_setext_with_lines() {
        let p = parse("# 一\n\ntext\n\n二\n---\n\n#### 4.5 字典\n", 10);
        let hs: Vec<_> = p
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Heading { level, text, line } => Some((*level, plain(text), *line)),
                _ => None,
            })
            .collect();
        assert_eq!(
            hs,
            vec![
                (1, "一".to_string(), 11),
                (2, "二".to_string(), 15),
                (4, "4.5 字典".to_string(), 18)
            ]
        );
    }

    #[test]
    fn soft_breaks_between_cjk_add_no_space() {
        let b = blocks("第一行。\n第二行\nand english\ntext");
        let Block::Paragraph(p) = &b[0] else { panic!() };
        assert_eq!(plain(p), "第一行。第二行 and english text");
    }

    #[test]
    fn inline_styles() {
        let b = blocks("a **b** *c* `d` ~~e~~ [f](http://x)");
        let Block::Paragraph(inl) = &b[0] else {
            panic!()
        };
        let styled: Vec<_> = inl.iter().map(|i| (i.text.as_str(), i.style)).collect();
        assert!(styled.iter().any(|(t, s)| *t == "b" && s.bold));
        assert!(styled.iter().any(|(t, s)| *t == "c" && s.italic));
        assert!(styled.iter().any(|(t, s)| *t == "d" && s.code));
        assert!(styled.iter().any(|(t, s)| *t == "e" && s.strike));
        assert!(styled.iter().any(|(t, s)| *t == "f (http://x)" && s.link));
        let b = blocks("<http://y.z> and [same](same) and [anchor](#a)");
        let Block::Paragraph(inl) = &b[0] else {
            panic!()
        };
        assert_eq!(plain(inl), "http://y.z and same and anchor");
    }

    #[test]
    fn nested_numbered_lists_and_quotes() {
        let b = blocks("3. one\n   - inner\n4. two\n\n> quoted\n> > deeper\n");
        let Block::List { start, items } = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(*start, Some(3));
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0][1], Block::List { start: None, .. }));
        let Block::Quote(q) = &b[1] else { panic!() };
        assert!(matches!(q[1], Block::Quote(_)));
    }

    #[test]
    fn code_table_rule_html_image_sim() {
        let md = "```python\nprint(1)\n```\n\n| 名称 | 值 |\n|:--|--:|\n| 中 | 1 |\n\n---\n\n<div>x</div>\n\n![alt 文本](a.png)\n\n```sim\nredis-dict preset=grow-from-4\n```\n";
        let b = blocks(md);
        assert_eq!(
            b[0],
            Block::Code {
                lang: "python".into(),
                text: "print(1)".into()
            }
        );
        let Block::Table {
            align,
            header,
            rows,
        } = &b[1]
        else {
            panic!()
        };
        assert_eq!(align, &[Align::Left, Align::Right]);
        assert_eq!(plain(&header[0]), "名称");
        assert_eq!(plain(&rows[0][0]), "中");
        assert_eq!(b[2], Block::Rule);
        assert!(matches!(&b[3], Block::Html(h) if h == "<div>x</div>"));
        let Block::Paragraph(img) = &b[4] else {
            panic!()
        };
        assert_eq!(plain(img), "[图: alt 文本]");
        assert_eq!(
            b[5],
            Block::Sim(SimRef {
                name: "redis-dict".into(),
                preset: Some("grow-from-4".into()),
                origin: SimOrigin::Embedded
            })
        );
    }

    #[test]
    fn deep_nesting_is_bounded_and_keeps_text() {
        let md = format!("{}deep", "> ".repeat(5000));
        let p = parse(&md, 0);
        assert_eq!(p.issues.len(), 1);
        let mut depth = 0;
        let Item::Block(BlockAt { block, .. }) = &p.items[0] else {
            panic!()
        };
        let mut cur = block;
        loop {
            match cur {
                Block::Quote(v) => {
                    depth += 1;
                    cur = &v[0];
                }
                Block::Paragraph(t) => {
                    assert_eq!(plain(t), "deep");
                    break;
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(depth <= MAX_DEPTH);
    }

    #[test]
    fn escape_sequences_are_sanitised_everywhere() {
        let b = blocks("evil \x1b[31m red\n\n```\n\x1b]0;title\x07\n```\n");
        let Block::Paragraph(p) = &b[0] else { panic!() };
        assert!(plain(p).contains("␛[31m"));
        let Block::Code { text, .. } = &b[1] else {
            panic!()
        };
        assert_eq!(text, "␛]0;title␇");
    }
}
