//! Drawing the simulation screen: picture, source, event log, narration and
//! timeline. The layout is a pure function of the terminal size ([`layout`]), so
//! mouse clicks map to the same rectangles that were drawn.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::i18n::Lang;
use crate::render::{self, truncate, width, Role};

use super::super::keymap::{Action, Ctx, Keymap};
use super::super::theme::Theme;
use super::{Pane, SimScreen, SPEEDS};

/// Where each part of the screen goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SimLayout {
    /// The title line.
    pub title: Rect,
    /// The picture (zero width when another pane is shown instead).
    pub visual: Rect,
    /// The source pane (zero width when hidden).
    pub source: Rect,
    /// The event log (zero width when hidden).
    pub log: Rect,
    /// The narration of the current step.
    pub narration: Rect,
    /// The timeline bar.
    pub timeline: Rect,
    /// Keys, input line or error.
    pub status: Rect,
}

/// Compute the layout; `None` when the terminal is too small.
pub fn layout(w: u16, h: u16, pane: Pane) -> Option<SimLayout> {
    if w < 40 || h < 12 {
        return None;
    }
    let title = Rect::new(0, 0, w, 1);
    let status = Rect::new(0, h - 1, w, 1);
    let timeline = Rect::new(0, h - 2, w, 1);
    let narr_h = if h >= 30 { 4 } else { 3 };
    let narration = Rect::new(0, h - 2 - narr_h, w, narr_h);
    let body_h = h - 3 - narr_h;
    let body = Rect::new(0, 1, w, body_h);
    let zero = Rect::new(0, 1, 0, body_h);
    if w >= 110 {
        let vw = w * 11 / 20;
        let rw = w - vw;
        let src_h = body_h / 2;
        Some(SimLayout {
            title,
            visual: Rect::new(0, 1, vw, body_h),
            source: Rect::new(vw, 1, rw, src_h),
            log: Rect::new(vw, 1 + src_h, rw, body_h - src_h),
            narration,
            timeline,
            status,
        })
    } else {
        let (visual, source, log) = match pane {
            Pane::Visual => (body, zero, zero),
            Pane::Source => (zero, body, zero),
            Pane::Log => (zero, zero, body),
        };
        Some(SimLayout {
            title,
            visual,
            source,
            log,
            narration,
            timeline,
            status,
        })
    }
}

fn pane_block(theme: &Theme, title: String, focused: bool) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(if focused { Role::PaneFocus } else { Role::Pane }))
        .title(Span::styled(title, theme.style(Role::Title)))
}

/// Draw the simulation screen.
pub fn draw(st: &SimScreen, theme: &Theme, lang: Lang, keys: &Keymap, f: &mut Frame) {
    let area = f.area();
    let Some(l) = layout(area.width, area.height, st.pane) else {
        let msg = lang.pick(
            "终端太小，无法显示模拟（至少 40×12）",
            "Terminal too small for the simulation (need 40×12)",
        );
        let lines = render::wrap(
            &[(msg.to_string(), render::Look::of(render::Role::Body))],
            area.width as usize,
            &[],
            &[],
        );
        for (i, line) in lines.iter().enumerate().take(area.height as usize) {
            f.buffer_mut().set_stringn(
                0,
                i as u16,
                line.text(),
                area.width as usize,
                Style::default(),
            );
        }
        return;
    };
    draw_title(st, theme, lang, f, l.title);
    if l.visual.width > 0 {
        let title = format!(" {} ", lang.pick("演示", "Picture"));
        let block = pane_block(theme, title, st.pane == Pane::Visual);
        let inner = block.inner(l.visual);
        f.render_widget(block, l.visual);
        let mut lines: Vec<Line> = st
            .player
            .picture()
            .lines(lang, inner.width as usize, inner.height as usize)
            .iter()
            .map(|l| theme.line(l))
            .collect();
        if st.player.pos == 0 {
            lines.insert(
                0,
                Line::from(Span::styled(
                    keys.tr(lang, Ctx::Sim, "sim.step0"),
                    theme.style(Role::Dim),
                )),
            );
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
    if l.source.width > 0 {
        draw_source(st, theme, lang, f, l.source);
    }
    if l.log.width > 0 {
        draw_log(st, theme, lang, f, l.log);
    }
    draw_narration(st, theme, lang, f, l.narration);
    draw_timeline(st, theme, f, l.timeline);
    draw_status(st, theme, lang, keys, f, l.status);
}

fn draw_title(st: &SimScreen, theme: &Theme, lang: Lang, f: &mut Frame, r: Rect) {
    let left = format!(
        " ▶ {} · {} · seed {} ",
        st.player.info.name,
        st.player.preset_name(),
        st.player.seed
    );
    let about = st.player.preset_about(lang);
    let w = r.width as usize;
    let left = truncate(&left, w);
    let about = truncate(about, w.saturating_sub(width(&left)));
    let line = Line::from(vec![
        Span::styled(left, theme.style(Role::Sim)),
        Span::styled(about, theme.style(Role::Dim)),
    ]);
    f.render_widget(Paragraph::new(line), r);
}

fn draw_source(st: &SimScreen, theme: &Theme, lang: Lang, f: &mut Frame, r: Rect) {
    let cur = st.player.current();
    let title = match cur {
        Some(s) => format!(" {}:{} ", s.loc.file, s.loc.line),
        None => format!(" {} ", lang.pick("源码", "Source")),
    };
    let block = pane_block(
        theme,
        truncate(&title, r.width.saturating_sub(4) as usize),
        st.pane == Pane::Source,
    );
    let inner = block.inner(r);
    f.render_widget(block, r);
    let Some(step) = cur else {
        f.render_widget(
            Paragraph::new(lang.pick(
                "每一步都会在这里显示产生它的那行 Rust 代码。",
                "Each step shows the line of Rust that produced it here.",
            ))
            .style(theme.style(Role::Dim)),
            inner,
        );
        return;
    };
    let Some(text) = crate::sim::source(step.loc.file) else {
        f.render_widget(
            Paragraph::new(step.loc.file).style(theme.style(Role::Dim)),
            inner,
        );
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    let target = (step.loc.line as usize).saturating_sub(1);
    let h = inner.height as usize;
    let start = target
        .saturating_sub(h / 2)
        .min(lines.len().saturating_sub(h));
    let w = inner.width as usize;
    let out: Vec<Line> = lines
        .iter()
        .enumerate()
        .skip(start)
        .take(h)
        .map(|(i, l)| {
            let num = format!("{:>5} ", i + 1);
            let code = truncate(&crate::content::sanitize::cleaned(l), w.saturating_sub(6));
            if i == target {
                let pad = w.saturating_sub(width(&num) + width(&code));
                Line::from(vec![
                    Span::styled(num, theme.style(Role::Current)),
                    Span::styled(
                        format!("{code}{}", " ".repeat(pad)),
                        theme.style(Role::Found),
                    ),
                ])
            } else {
                Line::from(vec![
                    Span::styled(num, theme.style(Role::Dim)),
                    Span::styled(code, theme.style(Role::Code)),
                ])
            }
        })
        .collect();
    f.render_widget(Paragraph::new(out), inner);
}

/// The first log row shown for a log pane of `rows` rows.
pub fn log_start(st: &SimScreen, rows: usize) -> usize {
    match st.log_offset {
        Some(o) => o.min(st.player.steps.len().saturating_sub(1)),
        None => st
            .player
            .pos
            .saturating_sub(rows.saturating_sub(rows / 3))
            .min(st.player.steps.len().saturating_sub(rows.max(1))),
    }
}

fn draw_log(st: &SimScreen, theme: &Theme, lang: Lang, f: &mut Frame, r: Rect) {
    let title = format!(" {} ", lang.pick("事件记录", "Event log"));
    let block = pane_block(theme, title, st.pane == Pane::Log);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let rows = inner.height as usize;
    let start = log_start(st, rows);
    let w = inner.width as usize;
    let mut out = Vec::new();
    for i in start..st.player.steps.len().min(start + rows) {
        let s = &st.player.steps[i];
        let first_of_cmd = i == 0 || st.player.step_cmd[i] != st.player.step_cmd[i - 1];
        let mark = if s.notable {
            "★"
        } else if first_of_cmd {
            "›"
        } else {
            " "
        };
        let text = format!("{:>4} {mark} {}", i + 1, lang.pick(&s.zh, &s.en));
        let text = truncate(&crate::content::sanitize::cleaned(&text), w);
        let style = if i + 1 == st.player.pos {
            theme.style(Role::Selected)
        } else if i + 1 > st.player.pos {
            theme.style(Role::Dim)
        } else if s.notable {
            theme.style(Role::Warn)
        } else {
            Style::default()
        };
        out.push(Line::from(Span::styled(text, style)));
    }
    f.render_widget(Paragraph::new(out), inner);
}

fn draw_narration(st: &SimScreen, theme: &Theme, lang: Lang, f: &mut Frame, r: Rect) {
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.style(Role::Pane));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let text = match st.player.current() {
        Some(s) => {
            let cmd = st
                .player
                .commands
                .get(st.player.step_cmd[st.player.pos - 1])
                .cloned()
                .unwrap_or_default();
            format!("› {}  ·  {}", cmd, lang.pick(&s.zh, &s.en))
        }
        None => st.player.preset_about(lang).to_string(),
    };
    let text = crate::content::sanitize::cleaned(&text);
    let lines = render::wrap(
        &[(text, render::Look::of(render::Role::Body))],
        inner.width as usize,
        &[],
        &[],
    );
    let out: Vec<Line> = lines
        .iter()
        .take(inner.height as usize)
        .map(|l| {
            Line::from(Span::styled(
                l.text(),
                if st.player.current().is_some_and(|s| s.notable) {
                    theme.style(Role::Warn)
                } else {
                    Style::default()
                },
            ))
        })
        .collect();
    f.render_widget(Paragraph::new(out), inner);
}

/// The columns of the timeline bar: `(first column, width)`.
pub fn timeline_bar(r: Rect) -> (u16, u16) {
    let label = 16u16.min(r.width / 3);
    (r.x + label, r.width.saturating_sub(label + 1))
}

/// The step a click at column `x` on the timeline means.
pub fn step_at(st: &SimScreen, r: Rect, x: u16) -> Option<usize> {
    let (x0, bw) = timeline_bar(r);
    if bw == 0 || x < x0 || x >= x0 + bw {
        return None;
    }
    let n = st.player.steps.len();
    Some(((x - x0) as usize * n + (bw as usize - 1)) / (bw as usize).max(1)).map(|k| k.min(n))
}

fn draw_timeline(st: &SimScreen, theme: &Theme, f: &mut Frame, r: Rect) {
    let (x0, bw) = timeline_bar(r);
    let n = st.player.steps.len();
    let label = format!(" {} / {}", st.player.pos, n);
    f.render_widget(
        Paragraph::new(truncate(&label, (x0 - r.x) as usize)).style(theme.style(Role::Title)),
        Rect::new(r.x, r.y, x0 - r.x, 1),
    );
    if bw == 0 {
        return;
    }
    let cols = bw as usize;
    let mut cells: Vec<(char, Style)> = vec![('─', theme.style(Role::Dim)); cols];
    let col_of = |k: usize| {
        if n == 0 {
            0
        } else {
            (k * (cols - 1)) / n.max(1)
        }
    };
    for (i, s) in st.player.steps.iter().enumerate() {
        if s.notable {
            cells[col_of(i + 1)] = ('◆', theme.style(Role::Warn));
        }
    }
    for c in cells.iter_mut().take(col_of(st.player.pos)) {
        if c.0 == '─' {
            *c = ('━', theme.style(Role::Sim));
        }
    }
    cells[col_of(st.player.pos)] = ('▲', theme.style(Role::Current));
    let spans: Vec<Span> = cells
        .into_iter()
        .map(|(c, s)| Span::styled(c.to_string(), s))
        .collect();
    f.render_widget(Paragraph::new(Line::from(spans)), Rect::new(x0, r.y, bw, 1));
}

fn draw_status(st: &SimScreen, theme: &Theme, lang: Lang, keys: &Keymap, f: &mut Frame, r: Rect) {
    let w = r.width as usize;
    let (text, style) = if let Some(input) = &st.input {
        // The prompt is the key that opened the line (`:` unless rebound).
        let prompt = keys
            .first_key(Ctx::Sim, Action::Command)
            .unwrap_or_else(|| ":".into());
        (format!(" {prompt}{input}▏"), theme.style(Role::StatusKey))
    } else if let Some(e) = &st.error {
        (
            format!(" ✗ {}", crate::content::sanitize::cleaned(e)),
            theme.style(Role::Error),
        )
    } else {
        let play = if st.playing {
            lang.pick("暂停", "pause")
        } else {
            lang.pick("播放", "play")
        };
        let speed = SPEEDS[st.speed.min(SPEEDS.len() - 1)];
        (
            keys.trf(
                lang,
                Ctx::Sim,
                "sim.hint",
                &[("play", &play), ("speed", &speed)],
            ),
            theme.style(Role::Status),
        )
    };
    let text = truncate(&text, w);
    let pad = w.saturating_sub(width(&text));
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(
            format!("{text}{}", " ".repeat(pad)),
            style,
        ))),
        r,
    );
}
