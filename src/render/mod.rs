//! Laying out a topic as lines of styled text for a given width.
//!
//! This is terminal-agnostic: it produces [`Line`]s of [`Span`]s tagged with a
//! [`Look`]; the TUI maps looks to colours through its theme, and `tuitor show`
//! prints the text as is. Widths are display widths (CJK characters take two
//! cells), so wrapping, tables and indentation line up with Chinese text.
//! Latin words wrap at spaces; CJK text may break between any two characters.
//!
//! [`text`] holds the styled text and its wrapping, `table` the tables, and
//! this module the layout of a topic's blocks: paragraphs, lists, quotes,
//! code, simulation cards, sub-topics.

mod table;
pub mod text;

pub use text::*;

use unicode_width::UnicodeWidthStr;

use crate::content::{Align, Block, Inline, Library, SimRef, TopicId};
use table::render_table;

/// A topic laid out for one width.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The lines.
    pub lines: Vec<Line>,
    /// For each block: its topic, its index in that topic, and its first line.
    pub block_lines: Vec<(TopicId, usize, usize)>,
    /// The first line of the topic and of each sub-topic, in order.
    pub topic_lines: Vec<(usize, TopicId)>,
    /// Simulation cards: first line, last line (inclusive) and the simulation.
    pub sims: Vec<(usize, usize, SimRef)>,
}

pub(crate) fn runs(inlines: &[Inline], role: Role) -> Vec<(String, Look)> {
    inlines
        .iter()
        .map(|i| {
            (
                i.text.clone(),
                Look {
                    role,
                    style: i.style,
                },
            )
        })
        .collect()
}

fn span(text: &str, role: Role) -> Span {
    Span {
        text: text.to_string(),
        look: Look::of(role),
    }
}

pub(crate) struct Ctx<'a> {
    out: &'a mut Rendered,
    width: usize,
    sim_about: &'a dyn Fn(&SimRef) -> String,
}

fn prefixed(prefix: &[Span], extra: Span) -> Vec<Span> {
    let mut v = prefix.to_vec();
    v.push(extra);
    v
}

fn render_blocks(cx: &mut Ctx<'_>, blocks: &[Block], first: &[Span], rest: &[Span]) {
    for (i, b) in blocks.iter().enumerate() {
        if i > 0 {
            cx.out.lines.push(Line {
                spans: rest.to_vec(),
            });
        }
        let pre = if i == 0 { first } else { rest };
        render_block(cx, b, pre, rest);
    }
}

fn render_block(cx: &mut Ctx<'_>, b: &Block, first: &[Span], rest: &[Span]) {
    let indent_w = prefix_width(first).max(prefix_width(rest));
    // Keep at least 12 columns of text however deep the nesting.
    let deep = indent_w + 12 > cx.width;
    match b {
        Block::Paragraph(inl) => {
            let lines = wrap(&runs(inl, Role::Body), cx.width, first, rest);
            cx.out.lines.extend(lines);
        }
        Block::Heading(level, inl) => {
            let lines = wrap(&runs(inl, Role::Heading(*level)), cx.width, first, rest);
            cx.out.lines.extend(lines);
        }
        Block::List { start, items } => {
            for (n, item) in items.iter().enumerate() {
                let marker = match start {
                    Some(s) => format!("{}. ", s.saturating_add(n as u64)),
                    None => "• ".to_string(),
                };
                let pre = if n == 0 { first } else { rest };
                let (f, r) = if deep {
                    (prefixed(pre, span(&marker, Role::Marker)), rest.to_vec())
                } else {
                    (
                        prefixed(pre, span(&marker, Role::Marker)),
                        prefixed(rest, span(&" ".repeat(marker.width()), Role::Marker)),
                    )
                };
                if item.is_empty() {
                    cx.out.lines.push(Line { spans: f });
                    continue;
                }
                // Items render tightly: no blank line between an item's paragraphs.
                for (k, blk) in item.iter().enumerate() {
                    render_block(cx, blk, if k == 0 { &f } else { &r }, &r);
                }
            }
        }
        Block::Quote(inner) => {
            let bar = span("│ ", Role::QuoteBar);
            let (f, r) = if deep {
                (first.to_vec(), rest.to_vec())
            } else {
                (prefixed(first, bar.clone()), prefixed(rest, bar))
            };
            render_blocks(cx, inner, &f, &r);
        }
        Block::Code { lang, text } => {
            let label = if lang.is_empty() {
                "code".to_string()
            } else {
                lang.clone()
            };
            let avail = cx.width.saturating_sub(indent_w).max(4);
            let frame_w = avail.min(label.width() + 44);
            let head = format!(
                "╭─ {} {}",
                label,
                "─".repeat(frame_w.saturating_sub(label.width() + 4))
            );
            let mut l = Line {
                spans: first.to_vec(),
            };
            l.push(&truncate(&head, avail), Look::of(Role::CodeFrame));
            cx.out.lines.push(l);
            let bar = span("│ ", Role::CodeFrame);
            let pre = prefixed(rest, bar);
            for code_line in text.split('\n') {
                let ls = wrap_hard(code_line, Look::of(Role::Code), cx.width, &pre);
                cx.out.lines.extend(ls);
            }
            let mut l = Line {
                spans: rest.to_vec(),
            };
            l.push(
                &format!("╰{}", "─".repeat(frame_w.saturating_sub(1))),
                Look::of(Role::CodeFrame),
            );
            cx.out.lines.push(l);
        }
        Block::Table {
            align,
            header,
            rows,
        } => render_table(cx, align, header, rows, first, rest),
        Block::Rule => {
            let avail = cx.width.saturating_sub(indent_w);
            let mut l = Line {
                spans: first.to_vec(),
            };
            l.push(&"─".repeat(avail), Look::of(Role::Border));
            cx.out.lines.push(l);
        }
        Block::Html(text) => {
            for h in text.split('\n') {
                let ls = wrap(
                    &[(h.to_string(), Look::of(Role::Html))],
                    cx.width,
                    first,
                    rest,
                );
                cx.out.lines.extend(ls);
            }
        }
        Block::Sim(s) => render_sim_card(cx, s, first, rest),
    }
}

fn render_sim_card(cx: &mut Ctx<'_>, s: &SimRef, first: &[Span], rest: &[Span]) {
    let indent_w = prefix_width(first).max(prefix_width(rest));
    let inner = cx.width.saturating_sub(indent_w + 2).clamp(8, 70);
    let start = cx.out.lines.len();
    let title = match &s.preset {
        Some(p) => format!(" ▶ {} · {} ", s.name, p),
        None => format!(" ▶ {} ", s.name),
    };
    let title = truncate(&title, inner.saturating_sub(1));
    let look = Look::of(Role::Sim);
    let mut top = Line {
        spans: first.to_vec(),
    };
    top.push(
        &format!(
            "╭─{}{}╮",
            title,
            "─".repeat(inner.saturating_sub(title.width() + 1))
        ),
        look,
    );
    cx.out.lines.push(top);
    // The card's text: one line, or two (description and live preview).
    for text in (cx.sim_about)(s).split('\n').take(2) {
        let about = truncate(text, inner.saturating_sub(2));
        let mut mid = Line {
            spans: rest.to_vec(),
        };
        mid.push(
            &format!("│ {} │", pad(&about, inner.saturating_sub(2), Align::Left)),
            look,
        );
        cx.out.lines.push(mid);
    }
    let mut bot = Line {
        spans: rest.to_vec(),
    };
    bot.push(&format!("╰{}╯", "─".repeat(inner)), look);
    cx.out.lines.push(bot);
    cx.out.sims.push((start, cx.out.lines.len() - 1, s.clone()));
}

/// Cut a line to `width` columns, ending it with `…` when something was cut.
fn clip_line(line: &mut Line, width: usize) {
    if line.width() <= width {
        return;
    }
    let mut spans = clip_spans(&line.spans, width.saturating_sub(1));
    let look = spans.last().map_or(Look::of(Role::Body), |s| s.look);
    spans.push(Span {
        text: "…".into(),
        look,
    });
    line.spans = spans;
}

/// What is laid out as one piece: a title or one block with the blank line
/// before it. A topic's layout is the concatenation of its units, so any part
/// of it can be laid out without the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    /// The opened topic's title and its underline.
    RootTitle(TopicId),
    /// A blank line, then a sub-topic's title.
    SubTitle(TopicId),
    /// A blank line, then block `b` of topic `t`.
    Block(TopicId, usize),
    /// A blank line, then the card of the paired simulation `k` of topic `t`
    /// (an index into the topic's `sims`).
    Card(TopicId, usize),
}

/// The units of topic `t` and its sub-topics, in reading order.
fn units_of(lib: &Library, t: TopicId) -> Vec<Unit> {
    let mut units = Vec::new();
    // Depth-first over the subtree, without recursion.
    let mut stack = vec![t];
    while let Some(cur) = stack.pop() {
        let topic = &lib.topics[cur];
        units.push(if cur == t {
            Unit::RootTitle(cur)
        } else {
            Unit::SubTitle(cur)
        });
        units.extend((0..topic.blocks.len()).map(|b| Unit::Block(cur, b)));
        // Paired simulations (not embedded as blocks) get a card after the body.
        units.extend(
            topic
                .sims
                .iter()
                .enumerate()
                .filter(|(_, s)| s.origin == crate::content::SimOrigin::Paired)
                .map(|(k, _)| Unit::Card(cur, k)),
        );
        stack.extend(topic.children.iter().rev());
    }
    units
}

/// Lay out one unit into `out`, whose line numbers then start at 0.
fn lay_out_unit(
    lib: &Library,
    unit: Unit,
    width: usize,
    sim_about: &dyn Fn(&SimRef) -> String,
    out: &mut Rendered,
) {
    let mut cx = Ctx {
        out,
        width,
        sim_about,
    };
    match unit {
        Unit::RootTitle(t) | Unit::SubTitle(t) => {
            let topic = &lib.topics[t];
            let root = matches!(unit, Unit::RootTitle(_));
            if !root {
                cx.out.lines.push(Line::default());
            }
            cx.out.topic_lines.push((cx.out.lines.len(), t));
            let level = topic.heading_level.unwrap_or(1);
            let title_runs = vec![(topic.title.clone(), Look::of(Role::Heading(level)))];
            cx.out.lines.extend(wrap(&title_runs, width, &[], &[]));
            if root {
                let underline = if level <= 2 { "━" } else { "─" };
                cx.out.lines.push(Line {
                    spans: vec![span(
                        &underline.repeat(topic.title.width().min(width)),
                        Role::Heading(level),
                    )],
                });
            }
        }
        Unit::Block(t, b) => {
            cx.out.lines.push(Line::default());
            let start = cx.out.lines.len();
            cx.out.block_lines.push((t, b, start));
            if let Some(block) = lib.topics[t].blocks.get(b) {
                render_block(&mut cx, &block.block, &[], &[]);
            }
        }
        Unit::Card(t, k) => {
            cx.out.lines.push(Line::default());
            if let Some(s) = lib.topics[t].sims.get(k) {
                render_sim_card(&mut cx, s, &[], &[]);
            }
        }
    }
    // The blocks keep to the width; this guarantees it for frames and borders
    // drawn inside deep nesting on a narrow screen.
    for line in &mut cx.out.lines {
        clip_line(line, width);
    }
}

/// Move `part`'s positions (blocks, sub-topics, cards) `base` lines down into
/// `out`; `part`'s lines are left where they are.
fn append_positions(out: &mut Rendered, part: &mut Rendered, base: usize) {
    out.block_lines
        .extend(part.block_lines.drain(..).map(|(t, b, l)| (t, b, l + base)));
    out.topic_lines
        .extend(part.topic_lines.drain(..).map(|(l, t)| (l + base, t)));
    out.sims
        .extend(part.sims.drain(..).map(|(a, b, s)| (a + base, b + base, s)));
}

/// Lay out topic `t` of `lib` for `width` columns: its title and body, then each
/// sub-topic in order (heading and body), so opening a section reads the whole
/// section. `sim_about` gives the one-line text of a simulation card.
///
/// This lays out everything at once; [`Doc`] lays out the same lines on demand.
pub fn render_topic(
    lib: &Library,
    t: TopicId,
    width: usize,
    sim_about: &dyn Fn(&SimRef) -> String,
) -> Rendered {
    let width = width.max(8);
    let mut out = Rendered::default();
    let mut part = Rendered::default();
    for unit in units_of(lib, t) {
        lay_out_unit(lib, unit, width, sim_about, &mut part);
        let base = out.lines.len();
        append_positions(&mut out, &mut part, base);
        out.lines.append(&mut part.lines);
    }
    out
}

/// A topic laid out on demand: the lines of [`render_topic`], but only the
/// ones asked for are kept.
///
/// Opening a topic costs nothing; [`Doc::prepare`] lays out the units up to
/// the end of a window, remembering only how many lines each took (and where
/// blocks, sub-topics and cards start), and keeps the lines of the units that
/// overlap the window. So a 20 MB note opens at its top with one screen of
/// work, and memory holds one screen of lines whatever the note's size.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    topic: TopicId,
    width: usize,
    units: Vec<Unit>,
    /// First line of each measured unit (`units[..starts.len()]`).
    starts: Vec<usize>,
    /// Lines of all measured units.
    measured: usize,
    /// Where blocks, sub-topics and cards of the measured units start.
    pos: Rendered,
    /// Units laid out for the window: index, first line, lines.
    window: Vec<(usize, usize, Vec<Line>)>,
    /// Whether any unit shows a simulation card.
    has_cards: bool,
}

/// Whether `b` or a block inside it is a simulation card.
fn has_sim(b: &Block) -> bool {
    let mut stack = vec![b];
    while let Some(b) = stack.pop() {
        match b {
            Block::Sim(_) => return true,
            Block::List { items, .. } => stack.extend(items.iter().flatten()),
            Block::Quote(v) => stack.extend(v),
            _ => {}
        }
    }
    false
}

impl Doc {
    /// Topic `t` of `lib` for `width` columns (at least 8); nothing laid out yet.
    pub fn new(lib: &Library, t: TopicId, width: usize) -> Doc {
        let units = units_of(lib, t);
        let has_cards = units.iter().any(|&u| match u {
            Unit::Card(..) => true,
            Unit::Block(t, b) => lib.topics[t]
                .blocks
                .get(b)
                .is_some_and(|x| has_sim(&x.block)),
            Unit::RootTitle(_) | Unit::SubTitle(_) => false,
        });
        Doc {
            topic: t,
            width: width.max(8),
            units,
            has_cards,
            ..Doc::default()
        }
    }

    /// The topic shown.
    pub fn topic(&self) -> TopicId {
        self.topic
    }

    /// Whether every unit has been measured, so [`Doc::total`] is exact.
    pub fn complete(&self) -> bool {
        self.starts.len() == self.units.len()
    }

    /// Number of lines: exact once [`Doc::complete`], else the lines measured
    /// so far plus an estimate for the rest.
    pub fn total(&self) -> usize {
        let done = self.starts.len();
        let left = self.units.len() - done;
        if left == 0 || done == 0 {
            return self.measured + left;
        }
        self.measured + left * self.measured.div_ceil(done)
    }

    /// Lay out the next unit to learn its size; `false` when all are measured.
    fn measure_next(&mut self, lib: &Library, about: &dyn Fn(&SimRef) -> String) -> bool {
        let Some(&unit) = self.units.get(self.starts.len()) else {
            return false;
        };
        let mut part = Rendered::default();
        lay_out_unit(lib, unit, self.width, about, &mut part);
        self.starts.push(self.measured);
        append_positions(&mut self.pos, &mut part, self.measured);
        self.measured += part.lines.len();
        true
    }

    /// Measure units until line `line` is measured or none are left.
    pub fn measure_to(&mut self, lib: &Library, about: &dyn Fn(&SimRef) -> String, line: usize) {
        while self.measured <= line && self.measure_next(lib, about) {}
    }

    /// Measure every unit (the exact [`Doc::total`], every card and block).
    pub fn measure_all(&mut self, lib: &Library, about: &dyn Fn(&SimRef) -> String) {
        while self.measure_next(lib, about) {}
    }

    /// Make lines `start..start + rows` available through [`Doc::line`],
    /// laying out what they need; lines already laid out are reused.
    pub fn prepare(
        &mut self,
        lib: &Library,
        about: &dyn Fn(&SimRef) -> String,
        start: usize,
        rows: usize,
    ) {
        let end = start.saturating_add(rows);
        self.measure_to(lib, about, end);
        let first = self
            .starts
            .partition_point(|&s| s <= start)
            .saturating_sub(1);
        let last = self.starts.partition_point(|&s| s < end);
        let mut window = Vec::with_capacity(last.saturating_sub(first));
        let mut old = std::mem::take(&mut self.window);
        for u in first..last {
            if let Some(i) = old.iter().position(|w| w.0 == u) {
                window.push(old.swap_remove(i));
                continue;
            }
            let mut part = Rendered::default();
            lay_out_unit(lib, self.units[u], self.width, about, &mut part);
            window.push((u, self.starts[u], part.lines));
        }
        self.window = window;
    }

    /// Line `i`, when it was laid out by the last [`Doc::prepare`].
    pub fn line(&self, i: usize) -> Option<&Line> {
        let w = self.window.iter().rev().find(|w| w.1 <= i)?;
        w.2.get(i - w.1)
    }

    /// Call `f` with every line and its number, in order, until it returns
    /// `false`, laying out unit after unit (the lines are not kept).
    pub fn for_each_line(
        &mut self,
        lib: &Library,
        about: &dyn Fn(&SimRef) -> String,
        mut f: impl FnMut(usize, &Line) -> bool,
    ) {
        for u in 0..self.units.len() {
            let mut part = Rendered::default();
            lay_out_unit(lib, self.units[u], self.width, about, &mut part);
            let base = match self.starts.get(u) {
                Some(&s) => s,
                None => {
                    // Units are measured in order, so this is the next one.
                    let s = self.measured;
                    self.starts.push(s);
                    append_positions(&mut self.pos, &mut part, s);
                    self.measured += part.lines.len();
                    s
                }
            };
            for (k, l) in part.lines.iter().enumerate() {
                if !f(base + k, l) {
                    return;
                }
            }
        }
    }

    /// The lines of block `b` of topic `t` (start inclusive, end exclusive),
    /// measuring up to it when needed.
    pub fn block_span(
        &mut self,
        lib: &Library,
        about: &dyn Fn(&SimRef) -> String,
        t: TopicId,
        b: usize,
    ) -> Option<(usize, usize)> {
        let u = self.units.iter().position(|&x| x == Unit::Block(t, b))?;
        while self.starts.len() <= u + 1 && self.measure_next(lib, about) {}
        let start = *self.starts.get(u)? + 1;
        let end = self.starts.get(u + 1).copied().unwrap_or(self.measured);
        Some((start, end))
    }

    /// Measure until at least `n` simulation cards are known or none are left;
    /// the cards known.
    pub fn cards_through(
        &mut self,
        lib: &Library,
        about: &dyn Fn(&SimRef) -> String,
        n: usize,
    ) -> &[(usize, usize, SimRef)] {
        while self.has_cards && self.pos.sims.len() < n && self.measure_next(lib, about) {}
        &self.pos.sims
    }

    /// Simulation cards measured so far: first line, last line and simulation.
    pub fn cards(&self) -> &[(usize, usize, SimRef)] {
        &self.pos.sims
    }

    /// The (sub-)topic shown at `line`, among those measured.
    pub fn topic_at(&self, line: usize) -> Option<TopicId> {
        self.pos.topic_at(line)
    }
}

impl Rendered {
    /// The (sub-)topic shown at `line`.
    pub fn topic_at(&self, line: usize) -> Option<TopicId> {
        self.topic_lines
            .iter()
            .take_while(|x| x.0 <= line)
            .last()
            .map(|x| x.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::load::parse_note;
    use proptest::prelude::*;

    fn lib(md: &str) -> Library {
        let mut lib = Library::default();
        let (n, d) = parse_note("t.md", md.as_bytes());
        lib.push(n.unwrap(), d);
        lib
    }

    fn text(lib: &Library, t: TopicId, w: usize) -> Vec<String> {
        render_topic(lib, t, w, &|s| s.name.clone())
            .lines
            .iter()
            .map(Line::text)
            .collect()
    }

    #[test]
    fn wraps_chinese_by_width() {
        let l = lib("# 标题\n\n一二三四五六七八九十\n");
        let lines = text(&l, 0, 10);
        assert!(lines.contains(&"一二三四五".to_string()), "{lines:?}");
        assert!(lines.contains(&"六七八九十".to_string()));
    }

    #[test]
    fn wraps_words_at_spaces() {
        let l = lib("# t\n\nhello world again\n");
        let lines = text(&l, 0, 11);
        assert!(lines.contains(&"hello world".to_string()), "{lines:?}");
        assert!(lines.contains(&"again".to_string()));
    }

    #[test]
    fn table_aligns_by_display_width() {
        let l = lib("# t\n\n| 名称 | n |\n|--|--:|\n| 跳跃表 | 12 |\n| ab | 3 |\n");
        let lines = text(&l, 0, 40);
        let rows: Vec<&String> = lines.iter().filter(|s| s.starts_with('│')).collect();
        assert_eq!(rows.len(), 3);
        let w: Vec<usize> = rows.iter().map(|r| width(r)).collect();
        assert!(w.iter().all(|&x| x == w[0]), "{rows:?}");
        assert!(rows[2].contains("│ ab     │  3 │"), "{rows:?}");
    }

    #[test]
    fn nested_lists_indent() {
        let l = lib("# t\n\n1. 一\n   - 二\n2. 三\n");
        let lines = text(&l, 0, 30);
        assert!(lines.contains(&"1. 一".to_string()), "{lines:?}");
        assert!(lines.contains(&"   • 二".to_string()));
        assert!(lines.contains(&"2. 三".to_string()));
    }

    #[test]
    fn code_keeps_its_indentation_and_breaks_exactly() {
        let l = lib("# t\n\n```nginx\nupstream b {\n    server a weight=5;\n}\n```\n");
        let lines = text(&l, 0, 20);
        assert!(
            lines.contains(&"│     server a weigh".to_string()),
            "{lines:?}"
        );
        assert!(lines.contains(&"│ t=5;".to_string()), "{lines:?}");
    }

    #[test]
    fn truncate_with_ellipsis() {
        assert_eq!(truncate("跳跃表结构", 7), "跳跃表…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
    }

    #[test]
    fn tables_too_wide_for_the_screen_show_rows_as_header_value_lines() {
        let head: Vec<String> = (0..100).map(|c| format!("h{c}")).collect();
        let cells: Vec<String> = (0..100).map(|c| format!("v{c}")).collect();
        let md = format!(
            "# t\n\n| {} |\n|{}\n| {} |\n",
            head.join(" | "),
            "---|".repeat(100),
            cells.join(" | ")
        );
        let l = lib(&md);
        let lines = text(&l, 0, 40);
        assert!(lines.iter().all(|x| width(x) <= 40), "{lines:?}");
        assert!(lines.contains(&"h0: v0".to_string()), "{lines:?}");
        assert!(lines.contains(&"h99: v99".to_string()), "{lines:?}");
    }

    #[test]
    fn deep_nesting_on_a_narrow_screen_keeps_the_text_and_the_width() {
        let md = format!(
            "# t\n\n{}deep text\n\n{}quoted\n",
            "- ".repeat(30),
            "> ".repeat(30)
        );
        let l = lib(&md);
        for w in [8, 20, 40] {
            let lines = text(&l, 0, w);
            assert!(lines.iter().all(|x| width(x) <= w), "{w}: {lines:?}");
            // Words may break across lines at these widths; no letter is lost.
            let all: String = lines.concat().split_whitespace().collect();
            assert!(
                all.contains("deeptext") && all.contains("quoted"),
                "{w}: {lines:?}"
            );
        }
    }

    /// A note with sub-topics, every kind of block and simulation cards.
    fn mixed_note(parts: &[(u8, String)]) -> String {
        let mut md = String::from("# 根\n\nintro 文字\n");
        for (i, (kind, words)) in parts.iter().enumerate() {
            md.push_str(&match kind % 7 {
                0 => format!("\n## 节 {i}\n\n{words}\n"),
                1 => format!("\n- {words}\n- {words}\n  - nested {i}\n"),
                2 => format!("\n> {words}\n"),
                3 => format!("\n```rust\nlet x = {i}; // {words}\n```\n"),
                4 => format!("\n| a | b |\n|---|---|\n| {words} | {i} |\n"),
                5 => "\n```sim\nredis-dict preset=grow-from-4\n```\n".to_string(),
                _ => format!("\n### 小节 {i}\n\n{words}\n"),
            });
        }
        md
    }

    #[test]
    fn a_doc_opens_without_laying_out_the_whole_topic() {
        let parts: Vec<(u8, String)> = (0..400)
            .map(|i| ((i % 7) as u8, "词 word ".repeat(20)))
            .collect();
        let l = lib(&mixed_note(&parts));
        let about = |s: &SimRef| s.name.clone();
        let mut doc = Doc::new(&l, 0, 60);
        doc.prepare(&l, &about, 0, 20);
        assert!(
            !doc.complete(),
            "one screen should not measure 400 sections"
        );
        assert!(doc.line(0).is_some() && doc.line(19).is_some());
        let all = render_topic(&l, 0, 60, &about);
        assert!(doc.total() > 20);
        // Going to the end measures everything and gives the exact total.
        doc.prepare(&l, &about, usize::MAX, 20);
        assert!(doc.complete());
        assert_eq!(doc.total(), all.lines.len());
        assert!(!all.sims.is_empty());
        assert_eq!(doc.cards(), &all.sims[..]);
    }

    #[test]
    fn looking_for_cards_in_a_topic_without_any_lays_out_nothing_more() {
        let parts: Vec<(u8, String)> = (0..300)
            .map(|i| ([0, 1, 2, 3, 4, 6][i % 6], "词 word ".repeat(10)))
            .collect();
        let l = lib(&mixed_note(&parts));
        let about = |s: &SimRef| s.name.clone();
        let mut doc = Doc::new(&l, 0, 60);
        doc.prepare(&l, &about, 0, 20);
        assert!(doc.cards_through(&l, &about, 1).is_empty());
        assert!(
            !doc.complete(),
            "no card to find, so nothing measured for it"
        );
    }

    proptest! {
        #[test]
        fn a_doc_shows_exactly_the_lines_of_the_whole_layout(
            parts in proptest::collection::vec((0u8..7, "[a-z]{1,12}( [a-z]{1,8}){0,8}|[一-龥]{1,30}"), 0..25),
            w in 8usize..90,
            windows in proptest::collection::vec((0usize..400, 1usize..50), 1..6),
        ) {
            let l = lib(&mixed_note(&parts));
            let about = |s: &SimRef| format!("{} about\n▸ preview", s.name);
            let all = render_topic(&l, 0, w, &about);
            let mut doc = Doc::new(&l, 0, w);
            for (start, rows) in windows {
                doc.prepare(&l, &about, start, rows);
                for i in start..start + rows {
                    prop_assert_eq!(doc.line(i), all.lines.get(i), "line {}", i);
                }
                if let Some(t) = all.topic_at(start) {
                    if start < all.lines.len() {
                        prop_assert_eq!(doc.topic_at(start), Some(t));
                    }
                }
            }
            let mut seen = Vec::new();
            doc.for_each_line(&l, &about, |i, line| {
                seen.push((i, line.clone()));
                true
            });
            prop_assert_eq!(seen.len(), all.lines.len());
            prop_assert!(seen.iter().all(|(i, line)| all.lines.get(*i) == Some(line)));
            prop_assert!(doc.complete());
            prop_assert_eq!(doc.total(), all.lines.len());
            prop_assert_eq!(doc.cards(), &all.sims[..]);
            for &(t, b, start) in &all.block_lines {
                let span = doc.block_span(&l, &about, t, b);
                prop_assert_eq!(span.map(|s| s.0), Some(start));
            }
        }

        #[test]
        fn no_line_exceeds_width(words in proptest::collection::vec("[a-z]{1,15}|[一-龥]{1,6}| ", 0..60), w in 8usize..60) {
            let md = format!("# t\n\n{}\n\n> {}\n\n- {}\n", words.concat(), words.concat(), words.concat());
            let l = lib(&md);
            for line in render_topic(&l, 0, w, &|_| String::new()).lines {
                prop_assert!(line.width() <= w, "{:?} > {}", line.text(), w);
            }
        }
    }
}
