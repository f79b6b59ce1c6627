//! The stats screen: per-topic progress, reviews per day, retention, streak.

use crate::render::Role;
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Direction, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Row, Sparkline, Table};
use ratatui::Frame;

use crate::content::Library;
use crate::i18n::{tr, trf, Lang};
use crate::quiz::stats::{compute, percent, Stats};
use crate::quiz::{build_deck, DeckOptions};
use crate::render::truncate;
use crate::store::Store;

use super::keymap::{Action, Ctx, Key, Keymap};
use super::theme::Theme;

/// What a key on the stats screen asks of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Stay.
    None,
    /// Close the screen.
    Back,
    /// Quit tuitor.
    Quit,
    /// Start a quiz.
    Quiz,
}

/// The stats screen's state: the figures, computed when it opens.
#[derive(Clone, Debug, PartialEq)]
pub struct StatsScreen {
    /// The figures.
    pub stats: Stats,
    /// Where progress is kept (`None`: in memory only).
    pub path: Option<String>,
    /// A problem reading the store.
    pub error: Option<String>,
}

impl StatsScreen {
    /// Handle a key (Ctrl-C always quits).
    pub fn key(&self, k: &KeyEvent, keymap: &Keymap) -> Effect {
        if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
            return Effect::Quit;
        }
        match keymap.lookup(Ctx::Quiz, Key::from_event(k)) {
            Some(Action::Cancel) => Effect::Back,
            Some(Action::Quit) => Effect::Quit,
            Some(Action::Quiz) => Effect::Quiz,
            _ => Effect::None,
        }
    }

    /// Compute the figures for `lib` from the store.
    pub fn open(lib: &Library, store: &Store, now: DateTime<Utc>) -> StatsScreen {
        let deck = build_deck(lib, DeckOptions::default());
        let mut error = None;
        let memory = store.memories().unwrap_or_else(|e| {
            error = Some(e);
            Default::default()
        });
        let reviews = store.reviews().unwrap_or_else(|e| {
            error = Some(e);
            Vec::new()
        });
        StatsScreen {
            stats: compute(&deck, &memory, &reviews, now),
            path: store.path().map(|p| p.display().to_string()),
            error,
        }
    }
}

/// Draw the stats screen.
pub fn draw(s: &StatsScreen, lang: Lang, theme: &Theme, keys: &Keymap, f: &mut Frame) {
    let area = f.area();
    let n_topics = s.stats.topics.len() as u16;
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(n_topics + 4),
            Constraint::Min(6),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .split(area);
    let head = Style::default().add_modifier(Modifier::BOLD);
    let topic_w = rows[0].width.saturating_sub(2 + 4 * 9).max(8) as usize;
    let row = |t: &crate::quiz::stats::TopicCounts, name: String| {
        Row::new(vec![
            truncate(&name, topic_w),
            t.new.to_string(),
            t.learning.to_string(),
            t.due.to_string(),
            t.mastered.to_string(),
        ])
    };
    let mut body: Vec<Row> = s
        .stats
        .topics
        .iter()
        .map(|t| row(t, t.topic.clone()))
        .collect();
    body.push(row(&s.stats.total, tr(lang, "stats.total").to_string()).style(head));
    let table = Table::new(
        body,
        [
            Constraint::Min(8),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(8),
        ],
    )
    .header(
        Row::new(vec![
            tr(lang, "stats.topic"),
            tr(lang, "stats.new"),
            tr(lang, "stats.learning"),
            tr(lang, "stats.due"),
            tr(lang, "stats.mastered"),
        ])
        .style(head),
    )
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" {} ", tr(lang, "stats.title"))),
    );
    f.render_widget(table, rows[0]);

    let charts = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(60), Constraint::Percentage(40)])
        .split(rows[1]);
    let bars: Vec<Bar> = s
        .stats
        .days
        .iter()
        .map(|d| {
            Bar::default()
                .value(d.reviews as u64)
                .label(Line::from(d.date.get(8..).unwrap_or("").to_string()))
        })
        .collect();
    let chart = BarChart::default()
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", tr(lang, "stats.per_day"))),
        )
        .data(BarGroup::default().bars(&bars))
        .bar_width(2)
        .bar_gap(1)
        .bar_style(theme.style(Role::Sim));
    f.render_widget(chart, charts[0]);
    let retention: Vec<Option<u64>> = s
        .stats
        .days
        .iter()
        .map(|d| d.retention.map(|r| (r * 100.0).round() as u64))
        .collect();
    let spark = Sparkline::default()
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", tr(lang, "stats.retention"))),
        )
        .data(retention.iter().map(|v| match v {
            Some(x) => ratatui::widgets::SparklineBar::from(*x),
            None => ratatui::widgets::SparklineBar::from(None::<u64>),
        }))
        .max(100)
        .style(theme.style(Role::Sim));
    f.render_widget(spark, charts[1]);
    let summary = trf(
        lang,
        "stats.summary",
        &[
            ("n", &s.stats.reviews),
            ("r", &percent(s.stats.retention)),
            ("s", &s.stats.streak),
        ],
    );
    let where_ = match (&s.error, &s.path) {
        (Some(e), _) => e.clone(),
        (None, Some(p)) => trf(lang, "stats.where", &[("p", p)]),
        (None, None) => tr(lang, "stats.memory_only").to_string(),
    };
    f.render_widget(Paragraph::new(format!("{summary} · {where_}")), rows[2]);
    f.render_widget(
        Paragraph::new(Line::styled(
            keys.tr(lang, Ctx::Quiz, "stats.keys"),
            Style::default().add_modifier(Modifier::DIM),
        )),
        rows[3],
    );
}
