//! Drawing the browse screen. Everything here reads [`App`] and writes only to
//! the frame.

use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::i18n::{tr, trf};
use crate::render::{self, truncate, width, Role};
use crate::search::Kind;

use super::app::{App, Focus, Mode, Screen, MIN_H, MIN_W};
use super::keymap::{Action, Ctx};

/// Draw the whole screen.
pub fn view(app: &App, f: &mut Frame) {
    match &app.screen {
        Screen::Browse => browse(app, f),
        Screen::Sim(st) => super::sim::view::draw(st, &app.theme, app.lang, &app.keymap, f),
        Screen::Quiz(q) => super::quiz::draw(
            q,
            app.lang,
            &app.theme,
            &app.keymap,
            !app.store.not_saving(),
            f,
        ),
        Screen::Stats(s) => super::stats::draw(s, app.lang, &app.theme, &app.keymap, f),
    }
}

/// Draw the browse screen: tree, note, status line and overlays.
fn browse(app: &App, f: &mut Frame) {
    let area = f.area();
    let Some(l) = app.layout() else {
        let msg = trf(
            app.lang,
            "app.too_small",
            &[
                ("w", &MIN_W),
                ("h", &MIN_H),
                ("cw", &area.width),
                ("ch", &area.height),
            ],
        );
        // Lay the message out ourselves: a terminal can be narrower than one
        // wide character, and nothing may be drawn outside it.
        let runs = [(msg, render::Look::of(render::Role::Body))];
        let lines = render::wrap(&runs, area.width as usize, &[], &[]);
        let top = (area.height as usize).saturating_sub(lines.len()) / 2;
        for (i, line) in lines.iter().enumerate().take(area.height as usize) {
            let text = line.text();
            let pad = (area.width as usize).saturating_sub(width(&text)) / 2;
            f.buffer_mut().set_stringn(
                area.x + pad as u16,
                area.y + (top + i) as u16,
                &text,
                (area.width as usize).saturating_sub(pad),
                Style::default(),
            );
        }
        return;
    };
    if app.lib.topics.is_empty() {
        let text = match app.loading {
            Some((done, total)) => trf(app.lang, "app.loading", &[("i", &done), ("n", &total)]),
            None => tr(app.lang, "app.no_notes").to_string(),
        };
        let p = Paragraph::new(text).alignment(Alignment::Center);
        f.render_widget(p, Rect::new(0, area.height / 2, area.width, 1));
        draw_status(app, f, l.status);
        return;
    }
    if l.tree.width > 0 {
        draw_tree(app, f, l.tree);
    }
    if l.content.width > 0 {
        draw_content(app, f, l.content);
    }
    draw_status(app, f, l.status);
    match &app.mode {
        Mode::Finder(_) => draw_finder(app, f, area),
        Mode::Help(_) => draw_help(app, f, area),
        Mode::Outline(_) => draw_outline(app, f, area),
        Mode::Bookmarks(_) => draw_bookmarks(app, f, area),
        Mode::Diagnostics(_) => draw_diagnostics(app, f, area),
        _ => {}
    }
}

fn pane(app: &App, title: String, focused: bool) -> Block<'static> {
    let st = app
        .theme
        .style(if focused { Role::PaneFocus } else { Role::Pane });
    Block::default()
        .borders(Borders::ALL)
        .border_style(st)
        .title(Span::styled(title, app.theme.style(Role::Title)))
}

fn draw_tree(app: &App, f: &mut Frame, r: Rect) {
    let focused =
        app.focus == Focus::Tree && matches!(app.mode, Mode::Normal | Mode::TopicSearch(_));
    let title = format!(" {} ", tr(app.lang, "app.topics"));
    let block = pane(
        app,
        truncate(&title, r.width.saturating_sub(2) as usize),
        focused,
    );
    let inner = block.inner(r);
    f.render_widget(block, r);
    let w = inner.width as usize;
    let mut lines = Vec::new();
    for (row, &t) in app
        .tree
        .rows
        .iter()
        .enumerate()
        .skip(app.tree.offset)
        .take(inner.height as usize)
    {
        let topic = &app.lib.topics[t];
        let indent = "  ".repeat(topic.depth.min(12));
        let marker = if topic.children.is_empty() {
            "  "
        } else if app.tree.expanded[t] {
            "▾ "
        } else {
            "▸ "
        };
        let mark = if app.is_bookmarked(t) { "★" } else { "" };
        let sims = if topic.sims.is_empty() { "" } else { " ▶" };
        let budget = w.saturating_sub(width(&indent) + width(marker) + width(mark) + width(sims));
        let text = format!(
            "{indent}{marker}{}{mark}{sims}",
            truncate(&topic.title, budget)
        );
        let pad = w.saturating_sub(width(&text));
        let mut style = if topic.depth == 0 {
            app.theme.style(Role::Title)
        } else {
            Style::default()
        };
        if row == app.tree.sel {
            style = app.theme.style(if focused {
                Role::Selected
            } else {
                Role::SelectedUnfocused
            });
        } else if Some(t) == app.current {
            style = style.add_modifier(Modifier::BOLD);
        }
        lines.push(Line::from(Span::styled(
            format!("{text}{}", " ".repeat(pad)),
            style,
        )));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// Split a rendered line into ratatui spans, applying search highlights.
fn styled_line(app: &App, idx: usize, line: &render::Line) -> Line<'static> {
    let hl: Vec<(usize, usize, bool)> = app
        .matches
        .as_ref()
        .map(|m| {
            m.hits
                .iter()
                .enumerate()
                .filter(|(_, h)| h.0 == idx)
                .map(|(i, h)| (h.1, h.2, i == m.current))
                .collect()
        })
        .unwrap_or_default();
    let flash = app.flash == Some(idx)
        || app
            .card
            .and_then(|c| app.rendered.cards().get(c))
            .is_some_and(|(a, b, _)| idx >= *a && idx <= *b);
    let mut spans = Vec::new();
    let mut pos = 0usize;
    for s in &line.spans {
        let base = app.theme.look(s.look);
        let base = if flash {
            base.patch(app.theme.style(Role::Flash))
        } else {
            base
        };
        if hl.is_empty() {
            spans.push(Span::styled(s.text.clone(), base));
            continue;
        }
        let mut buf = String::new();
        let mut cur_style = None;
        for c in s.text.chars() {
            let st = match hl.iter().find(|(a, b, _)| pos >= *a && pos < *b) {
                Some((_, _, true)) => app.theme.style(Role::Current),
                Some(_) => app.theme.style(Role::Found),
                None => base,
            };
            if cur_style != Some(st) && !buf.is_empty() {
                spans.push(Span::styled(
                    std::mem::take(&mut buf),
                    cur_style.unwrap_or(base),
                ));
            }
            cur_style = Some(st);
            buf.push(c);
            pos += 1;
        }
        if !buf.is_empty() {
            spans.push(Span::styled(buf, cur_style.unwrap_or(base)));
        }
    }
    Line::from(spans)
}

fn draw_content(app: &App, f: &mut Frame, r: Rect) {
    let focused =
        app.focus == Focus::Content && matches!(app.mode, Mode::Normal | Mode::TopicSearch(_));
    let title = match app.current {
        Some(t) => {
            // Name the sub-topic at the top of the view, not only the one opened.
            let shown = app.rendered.topic_at(app.scroll).unwrap_or(t);
            let mut path = app.lib.ancestors(shown);
            path.push(&app.lib.topics[shown].title);
            format!(" {} ", path.join(" › "))
        }
        None => format!(" {} ", tr(app.lang, "app.content")),
    };
    let block = pane(
        app,
        truncate(&title, r.width.saturating_sub(4) as usize),
        focused,
    );
    let inner = block.inner(r);
    f.render_widget(block, r);
    let text_area = Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(1),
        inner.height,
    );
    let lines: Vec<Line> = (app.scroll..app.scroll + text_area.height as usize)
        .map_while(|i| app.rendered.line(i).map(|l| styled_line(app, i, l)))
        .collect();
    f.render_widget(Paragraph::new(lines), text_area);
    // Scroll position on the right border (estimated until the whole topic
    // has been laid out).
    let total = app.rendered.total();
    let rows = inner.height as usize;
    if total > rows && rows > 0 {
        let pos = app.scroll * (rows - 1) / total.saturating_sub(rows).max(1);
        let y = inner.y + pos.min(rows - 1) as u16;
        f.render_widget(
            Paragraph::new("┃").style(app.theme.style(Role::PaneFocus)),
            Rect::new(r.x + r.width - 1, y, 1, 1),
        );
    }
}

fn draw_status(app: &App, f: &mut Frame, r: Rect) {
    let st = app.theme.style(Role::Status);
    let left = match &app.mode {
        Mode::TopicSearch(q) => format!(" {}{}▏", tr(app.lang, "search.prompt"), q),
        _ => match &app.message {
            Some(m) => format!(" {m}"),
            None => format!(" {}", app.keymap.tr(app.lang, Ctx::Browse, "app.hint")),
        },
    };
    let mut right = String::new();
    if app.store.not_saving() {
        // Stays while progress is kept in memory only (the message said why).
        right.push_str(tr(app.lang, "app.not_saving"));
        right.push_str(" · ");
    }
    let problems = app.lib.diagnostics.len();
    if problems > 0 {
        right.push_str(&app.keymap.trf(
            app.lang,
            Ctx::Browse,
            "app.diagnostics",
            &[("n", &problems)],
        ));
        right.push_str(" · ");
    }
    right.push_str(&match (app.loading, app.lib.notes.len()) {
        (Some((done, total)), _) => trf(app.lang, "app.loading", &[("i", &done), ("n", &total)]),
        (None, n) if app.search.indexing => trf(app.lang, "app.indexing", &[("n", &n)]),
        (None, 1) => tr(app.lang, "app.note_one").to_string(),
        (None, n) => trf(app.lang, "app.notes", &[("n", &n)]),
    });
    let total = app.rendered.total();
    if total > 0 {
        let rows = app.layout().map_or(1, |l| l.content_rows()).max(1);
        let pct = if total <= rows {
            100
        } else {
            ((app.scroll + rows).min(total) * 100 / total).min(100)
        };
        right.push_str(&format!(" · {pct}% "));
    }
    let w = r.width as usize;
    let right = truncate(&right, w / 2);
    let left = truncate(&left, w.saturating_sub(width(&right) + 1));
    let gap = w.saturating_sub(width(&left) + width(&right));
    let key_st = app.theme.style(Role::StatusKey);
    let line = Line::from(vec![
        Span::styled(left, if app.message.is_some() { key_st } else { st }),
        Span::styled(" ".repeat(gap), st),
        Span::styled(right, st),
    ]);
    f.render_widget(Paragraph::new(line).style(st), r);
}

fn overlay_rect(area: Rect, max_w: u16) -> Rect {
    let w = (area.width.saturating_sub(4))
        .min(max_w)
        .max(10.min(area.width));
    let h = (area.height as u32 * 4 / 5) as u16;
    let h = h.max(5.min(area.height));
    Rect::new((area.width - w) / 2, (area.height - h) / 2, w, h)
}

fn list_block(app: &App, f: &mut Frame, title: &str, rect: Rect) -> Rect {
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.style(Role::PaneFocus))
        .title(Span::styled(
            format!(
                " {} ",
                truncate(title, rect.width.saturating_sub(4) as usize)
            ),
            app.theme.style(Role::Title),
        ));
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    inner
}

fn list_lines(
    app: &App,
    rows: Vec<Line<'static>>,
    sel: usize,
    offset: usize,
    inner: Rect,
) -> Vec<Line<'static>> {
    rows.into_iter()
        .enumerate()
        .skip(offset)
        .take(inner.height as usize)
        .map(|(i, l)| {
            if i == sel {
                let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
                let pad = (inner.width as usize).saturating_sub(width(&text));
                Line::from(Span::styled(
                    format!("{text}{}", " ".repeat(pad)),
                    app.theme.style(Role::Selected),
                ))
            } else {
                l
            }
        })
        .collect()
}

fn draw_finder(app: &App, f: &mut Frame, area: Rect) {
    let Mode::Finder(fd) = &app.mode else { return };
    let rect = overlay_rect(area, 100);
    let inner = list_block(app, f, tr(app.lang, "finder.title"), rect);
    if inner.height < 2 {
        return;
    }
    let input = format!("› {}▏", fd.query);
    f.render_widget(
        Paragraph::new(truncate(&input, inner.width as usize)).style(app.theme.style(Role::Title)),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    let list_area = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1);
    if fd.hits.is_empty() {
        let msg = if app.search.indexing {
            "finder.indexing"
        } else if fd.query.trim().is_empty() {
            "finder.empty"
        } else {
            "finder.none"
        };
        f.render_widget(
            Paragraph::new(tr(app.lang, msg)).style(app.theme.style(Role::Dim)),
            list_area,
        );
        return;
    }
    let w = list_area.width as usize;
    let rows: Vec<Line<'static>> = fd
        .hits
        .iter()
        .zip(&fd.entries)
        .filter(|(_, e)| e.topic < app.lib.topics.len())
        .map(|(h, e)| {
            let topic = &app.lib.topics[e.topic];
            let (prefix, ctx) = match e.kind {
                Kind::Title => (
                    "§ ",
                    app.lib
                        .ancestors(e.topic)
                        .last()
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                ),
                Kind::Text => ("  ", topic.title.clone()),
            };
            let ctx = truncate(&ctx, w / 3);
            let budget = w.saturating_sub(width(prefix) + width(&ctx) + 3);
            let mut spans = vec![Span::raw(prefix.to_string())];
            let mut used = 0;
            let mut buf = String::new();
            let mut in_match = false;
            for (i, c) in e.text.chars().enumerate() {
                let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                if used + cw > budget {
                    break;
                }
                let m = h.positions.contains(&i);
                if m != in_match && !buf.is_empty() {
                    let st = if in_match {
                        app.theme.style(Role::FinderMatch)
                    } else {
                        Style::default()
                    };
                    spans.push(Span::styled(std::mem::take(&mut buf), st));
                }
                in_match = m;
                buf.push(c);
                used += cw;
            }
            if !buf.is_empty() {
                let st = if in_match {
                    app.theme.style(Role::FinderMatch)
                } else {
                    Style::default()
                };
                spans.push(Span::styled(buf, st));
            }
            let gap = w.saturating_sub(width(prefix) + used + width(&ctx));
            spans.push(Span::raw(" ".repeat(gap)));
            spans.push(Span::styled(ctx, app.theme.style(Role::Dim)));
            Line::from(spans)
        })
        .collect();
    let lines = list_lines(app, rows, fd.list.sel, fd.list.offset, list_area);
    f.render_widget(Paragraph::new(lines), list_area);
}

fn draw_help(app: &App, f: &mut Frame, area: Rect) {
    let Mode::Help(ls) = &app.mode else { return };
    let rect = overlay_rect(area, 72);
    let inner = list_block(
        app,
        f,
        &app.keymap.tr(app.lang, Ctx::List, "help.title"),
        rect,
    );
    let mut rows = Vec::new();
    let mut last_ctx: Option<Ctx> = None;
    for b in &app.keymap.bindings {
        if last_ctx != Some(b.ctx) {
            last_ctx = Some(b.ctx);
            rows.push(Line::from(Span::styled(
                format!("── {} ──", tr(app.lang, b.ctx.label_key())),
                app.theme.style(Role::Heading(3)),
            )));
        }
        let keys: Vec<String> = b.keys.iter().map(|k| k.label()).collect();
        let keys = truncate(&keys.join(" "), 18);
        let pad = 20usize.saturating_sub(width(&keys));
        rows.push(Line::from(vec![
            Span::styled(
                format!("  {keys}{}", " ".repeat(pad)),
                app.theme
                    .style(Role::StatusKey)
                    .bg(ratatui::style::Color::Reset),
            ),
            Span::raw(tr(app.lang, &b.action.desc_key()).to_string()),
        ]));
    }
    let offset = ls
        .offset
        .min(rows.len().saturating_sub(inner.height as usize));
    let lines: Vec<Line> = rows
        .into_iter()
        .skip(offset)
        .take(inner.height as usize)
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

fn draw_outline(app: &App, f: &mut Frame, area: Rect) {
    let Mode::Outline(ls) = &app.mode else { return };
    let rect = overlay_rect(area, 80);
    let inner = list_block(app, f, tr(app.lang, "outline.title"), rect);
    let rows: Vec<Line<'static>> = app
        .outline()
        .into_iter()
        .map(|t| {
            let topic = &app.lib.topics[t];
            let indent = "  ".repeat(topic.depth.min(12));
            Line::from(truncate(
                &format!("{indent}{}", topic.title),
                inner.width as usize,
            ))
        })
        .collect();
    let lines = list_lines(app, rows, ls.sel, ls.offset, inner);
    f.render_widget(Paragraph::new(lines), inner);
}

fn draw_bookmarks(app: &App, f: &mut Frame, area: Rect) {
    let Mode::Bookmarks(ls) = &app.mode else {
        return;
    };
    let rect = overlay_rect(area, 80);
    let inner = list_block(
        app,
        f,
        &app.keymap.tr(app.lang, Ctx::List, "bookmarks.title"),
        rect,
    );
    let marks = app.bookmark_topics();
    if marks.is_empty() {
        f.render_widget(
            Paragraph::new(app.keymap.tr(app.lang, Ctx::List, "bookmarks.empty"))
                .style(app.theme.style(Role::Dim)),
            inner,
        );
        return;
    }
    let rows: Vec<Line<'static>> = marks
        .iter()
        .map(|(i, t)| {
            let key = &app.store.state.bookmarks[*i];
            let text = format!("★ {}", key.path.join(" › "));
            let st = if t.is_some() {
                Style::default()
            } else {
                app.theme.style(Role::Dim)
            };
            Line::from(Span::styled(truncate(&text, inner.width as usize), st))
        })
        .collect();
    let lines = list_lines(app, rows, ls.sel, ls.offset, inner);
    f.render_widget(Paragraph::new(lines), inner);
}

fn draw_diagnostics(app: &App, f: &mut Frame, area: Rect) {
    let Mode::Diagnostics(ls) = &app.mode else {
        return;
    };
    let rect = overlay_rect(area, 110);
    let inner = list_block(app, f, tr(app.lang, "diagnostics.title"), rect);
    if app.lib.diagnostics.is_empty() {
        f.render_widget(
            Paragraph::new(tr(app.lang, "diagnostics.none")).style(app.theme.style(Role::Dim)),
            inner,
        );
        return;
    }
    let rows: Vec<Line<'static>> = app
        .lib
        .diagnostics
        .iter()
        .map(|d| {
            let st = app.theme.style(match d.severity {
                crate::content::Severity::Error => Role::Error,
                crate::content::Severity::Warning => Role::Warn,
            });
            Line::from(Span::styled(
                truncate(&d.to_string(), inner.width as usize),
                st,
            ))
        })
        .collect();
    let lines = list_lines(app, rows, ls.sel, ls.offset, inner);
    f.render_widget(Paragraph::new(lines), inner);
}

/// The key hint for an action, for messages.
pub fn hint(app: &App, a: Action) -> String {
    app.keymap.first_key(Ctx::Browse, a).unwrap_or_default()
}
