//! The quiz screen: its state, its key handling and its drawing.
//!
//! [`QuizScreen`] holds the session (queue, position, missed cards, undo log),
//! the cards' memories and the question on screen. Keys go through
//! [`QuizScreen::key`], which returns an [`Effect`] for the app to carry out
//! (leave, open a note section, open a simulation scenario, show stats). Every
//! grade is written to the store, in its own transaction, before the next card
//! is drawn.

use crate::render::{Line as RLine, Look, Role};
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::content::Library;
use crate::i18n::{tr, trf, Lang};
use crate::quiz::grade::{grade, DiffSeg, Response, Verdict};
use crate::quiz::schedule::{self, new_memory, rating_of, review, Graded, Memory, Rating};
use crate::quiz::{build_deck, card_id, Card, Deck, DeckOptions, Kind, Origin, Question, Scenario};
use crate::sim::trace::Rng;
use crate::store::db::NewReview;
use crate::store::Store;

use super::edit::Edited;
use super::keymap::{Action, Ctx, Key, Keymap};

/// The longest fill-in answer, in characters.
const MAX_ANSWER_CHARS: usize = 1024;
use super::theme::Theme;

/// What the app should do after a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Nothing beyond redrawing.
    None,
    /// Go back to browsing.
    Back,
    /// Quit tuitor.
    Quit,
    /// Open a note section (note path, heading path).
    OpenNote(String, Vec<String>),
    /// Open a simulation at a scenario.
    OpenSim(Scenario),
    /// Show the stats screen.
    Stats,
}

/// Where the learner is with the current card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Answering.
    Asking,
    /// Answered (or revealed), waiting for a grade.
    Answered {
        /// The result.
        verdict: Verdict,
        /// The grade Enter gives.
        suggested: u8,
    },
}

/// The card on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Current {
    /// Index into the deck.
    pub idx: usize,
    /// The question as drawn for this review.
    pub q: Question,
    /// Answering or answered.
    pub phase: Phase,
    /// Selected option or step.
    pub cursor: usize,
    /// Multi: which options are ticked.
    pub picked: Vec<bool>,
    /// Order: the arrangement, as indices into the right order.
    pub order: Vec<usize>,
    /// Fill: what was typed.
    pub input: String,
}

/// The quiz screen's state.
pub struct QuizScreen {
    /// All cards.
    pub deck: Arc<Deck>,
    /// How the session was chosen.
    pub opts: schedule::Options,
    /// This session.
    pub session: schedule::Session,
    /// Every card's memory (kept in step with the store).
    pub memory: HashMap<String, Memory>,
    /// The card on screen (`None`: the round is over).
    pub current: Option<Current>,
    /// Where generated questions draw their parameters from.
    pub seed: u64,
    /// A line for the status bar.
    pub message: Option<String>,
    /// A problem drawing a card (shown instead of it).
    pub error: Option<String>,
}

fn mix(a: u64, b: u64) -> u64 {
    let mut r = Rng::new(a ^ b.rotate_left(17));
    r.next_u64()
}

fn id_hash(id: &str) -> u64 {
    u64::from_str_radix(id, 16).unwrap_or_else(|_| {
        let h = card_id("", &[], id);
        u64::from_str_radix(&h, 16).unwrap_or(0)
    })
}

impl QuizScreen {
    /// Build the deck for `lib` and start a session.
    pub fn open(
        lib: &Library,
        store: &Store,
        opts: schedule::Options,
        now: DateTime<Utc>,
        seed: u64,
    ) -> QuizScreen {
        let deck = Arc::new(build_deck(lib, DeckOptions::default()));
        QuizScreen::with_deck(deck, store, opts, now, seed)
    }

    /// Start a session over an existing deck.
    pub fn with_deck(
        deck: Arc<Deck>,
        store: &Store,
        opts: schedule::Options,
        now: DateTime<Utc>,
        seed: u64,
    ) -> QuizScreen {
        let (memory, message) = match store.memories() {
            Ok(m) => (m, None),
            Err(e) => (HashMap::new(), Some(e)),
        };
        let queue = schedule::select(&deck, &memory, now, &opts);
        let mut q = QuizScreen {
            deck,
            opts,
            session: schedule::Session::new(queue),
            memory,
            current: None,
            seed,
            message,
            error: None,
        };
        q.draw_card();
        q
    }

    /// The card at the current position, drawn for this review.
    fn draw_card(&mut self) {
        self.error = None;
        self.current = None;
        let Some(idx) = self.session.current() else {
            return;
        };
        let card = &self.deck.cards[idx];
        let draw = mix(
            self.seed ^ id_hash(&card.id),
            ((self.session.round as u64) << 32) | self.session.pos as u64,
        );
        let mut q = match card.question(draw) {
            Ok(q) => q,
            Err(e) => {
                self.error = Some(e);
                // Still show something gradeable: the card's label as recall.
                Question {
                    prompt: card.label(),
                    kind: Kind::Recall {
                        answer: String::new(),
                    },
                    explain: String::new(),
                    scenario: None,
                }
            }
        };
        let mut rng = Rng::new(draw);
        // Authored options are often written with the right one first.
        if card.origin != Origin::Generated {
            shuffle_options(&mut q.kind, &mut rng);
        }
        let (picked, order) = match &q.kind {
            Kind::Multi { options, .. } => (vec![false; options.len()], Vec::new()),
            Kind::Order { steps } => {
                let mut o: Vec<usize> = (0..steps.len()).collect();
                crate::quiz::gen::shuffle(&mut rng, &mut o);
                if o.iter().enumerate().all(|(i, &s)| i == s) && o.len() > 1 {
                    o.swap(0, 1);
                }
                (Vec::new(), o)
            }
            _ => (Vec::new(), Vec::new()),
        };
        self.current = Some(Current {
            idx,
            q,
            phase: Phase::Asking,
            cursor: 0,
            picked,
            order,
            input: String::new(),
        });
    }

    /// The card on screen.
    pub fn card(&self) -> Option<&Card> {
        self.current.as_ref().map(|c| &self.deck.cards[c.idx])
    }

    fn answer(&mut self, resp: Response) {
        let Some(cur) = self.current.as_mut() else {
            return;
        };
        let verdict = grade(&cur.q.kind, &resp);
        let suggested = match verdict.correct {
            Some(false) => 1,
            _ => 3,
        };
        cur.phase = Phase::Answered { verdict, suggested };
    }

    /// Grade the current card, store the review, and move on. When the review
    /// cannot be saved the grade still counts for this run and the status line
    /// says why.
    pub fn grade(&mut self, rating: Rating, store: &mut Store, lang: Lang, now: DateTime<Utc>) {
        let Some(cur) = self.current.take() else {
            return;
        };
        let Phase::Answered { verdict, .. } = &cur.phase else {
            self.current = Some(cur);
            return;
        };
        let card = &self.deck.cards[cur.idx];
        let before = self.memory.get(&card.id).cloned();
        let start = before.clone().unwrap_or_else(|| new_memory(now));
        let after = review(&start, now, rating);
        let answer = match &cur.q.kind {
            Kind::Fill { .. } => Some(cur.input.clone()),
            _ => None,
        };
        let review_id = match store.record(&NewReview {
            card: &card.id,
            topic: &card.group,
            question: &cur.q.prompt,
            at: now.timestamp(),
            rating: rating as u8,
            correct: verdict.correct,
            answer: answer.as_deref(),
            memory: &after,
        }) {
            Ok(id) => id,
            Err(e) => {
                self.message = Some(trf(lang, "app.store_warning", &[("e", &e)]));
                None
            }
        };
        if let Some(w) = store.take_notice() {
            self.message = Some(trf(lang, "app.store_warning", &[("e", &w)]));
        }
        let missed = rating == Rating::Again || verdict.correct == Some(false);
        self.memory.insert(card.id.clone(), after);
        self.session.record(Graded {
            card: cur.idx,
            before,
            review_id,
            missed,
        });
        self.draw_card();
    }

    /// Take back the last grade of this round.
    pub fn undo(&mut self, store: &mut Store, lang: Lang) {
        let Some(g) = self.session.undo() else {
            self.message = Some(tr(lang, "quiz.nothing_to_undo").into());
            return;
        };
        let id = self.deck.cards[g.card].id.clone();
        match &g.before {
            Some(m) => {
                self.memory.insert(id.clone(), m.clone());
            }
            None => {
                self.memory.remove(&id);
            }
        }
        self.message = Some(tr(lang, "quiz.undone").into());
        if let Some(rid) = g.review_id {
            if let Err(e) = store.undo(rid, &id, g.before.as_ref()) {
                self.message = Some(trf(lang, "app.store_warning", &[("e", &e)]));
            }
        }
        self.draw_card();
    }

    /// Handle a key.
    pub fn key(
        &mut self,
        k: &KeyEvent,
        keymap: &Keymap,
        store: &mut Store,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> Effect {
        let key = Key::from_event(k);
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && k.code == KeyCode::Char('c') {
            return Effect::Quit;
        }
        self.message = None;
        // Typing a fill-in answer: the line editor's keys; cancelling the line
        // is the quiz's own cancel.
        if let Some(cur) = self.current.as_mut() {
            if matches!(cur.q.kind, Kind::Fill { .. }) && cur.phase == Phase::Asking {
                match super::edit::key(&mut cur.input, k, keymap, MAX_ANSWER_CHARS) {
                    Edited::Text => return Effect::None,
                    Edited::Submit => {
                        let r = Response::Text(cur.input.clone());
                        self.answer(r);
                        return Effect::None;
                    }
                    Edited::Cancel => return Effect::Back,
                    Edited::Pass => {}
                }
            }
        }
        let action = keymap.lookup(Ctx::Quiz, key);
        let digit = match k.code {
            KeyCode::Char(c) if !ctrl => c.to_digit(10).map(|d| d as usize),
            _ => None,
        };
        match action {
            Some(Action::Cancel) => return Effect::Back,
            Some(Action::Quit) => return Effect::Quit,
            Some(Action::Undo) => {
                self.undo(store, lang);
                return Effect::None;
            }
            Some(Action::Stats) => return Effect::Stats,
            _ => {}
        }
        let Some(cur) = self.current.as_mut() else {
            if action == Some(Action::Redo) {
                if !self.session.redo_missed() {
                    self.message = Some(tr(lang, "quiz.no_missed").into());
                }
                self.draw_card();
            }
            return Effect::None;
        };
        match &cur.phase {
            Phase::Answered { suggested, .. } => {
                let rating = match (digit, action) {
                    (Some(d @ 1..=4), _) => rating_of(d as u8),
                    (_, Some(Action::Open)) => rating_of(*suggested),
                    _ => None,
                };
                if let Some(r) = rating {
                    self.grade(r, store, lang, now);
                    return Effect::None;
                }
                let card = &self.deck.cards[cur.idx];
                match action {
                    Some(Action::OpenNote) if !card.note.is_empty() => {
                        return Effect::OpenNote(card.note.clone(), card.section.clone())
                    }
                    Some(Action::OpenNote) => {
                        self.message = Some(tr(lang, "quiz.no_note").into());
                    }
                    Some(Action::OpenSim) => match &cur.q.scenario {
                        Some(sc) => return Effect::OpenSim(sc.clone()),
                        None => self.message = Some(tr(lang, "quiz.no_sim").into()),
                    },
                    _ => {}
                }
                Effect::None
            }
            Phase::Asking => {
                let n = match &cur.q.kind {
                    Kind::Choice { options, .. } | Kind::Multi { options, .. } => options.len(),
                    Kind::Order { steps } => steps.len(),
                    _ => 0,
                };
                match (&cur.q.kind, digit, action) {
                    (Kind::Recall { .. }, _, Some(Action::Reveal | Action::Open)) => {
                        self.answer(Response::Revealed)
                    }
                    (Kind::Choice { .. }, Some(d), _) if (1..=n).contains(&d) => {
                        self.answer(Response::Choice(d - 1))
                    }
                    (Kind::Choice { .. }, _, Some(Action::Open)) => {
                        let c = cur.cursor;
                        self.answer(Response::Choice(c))
                    }
                    (Kind::Multi { .. }, Some(d), _) if (1..=n).contains(&d) => {
                        cur.picked[d - 1] = !cur.picked[d - 1];
                        cur.cursor = d - 1;
                    }
                    (Kind::Multi { .. }, _, Some(Action::Reveal)) => {
                        let c = cur.cursor;
                        if let Some(p) = cur.picked.get_mut(c) {
                            *p = !*p;
                        }
                    }
                    (Kind::Multi { .. }, _, Some(Action::Open)) => {
                        let picks = cur
                            .picked
                            .iter()
                            .enumerate()
                            .filter(|(_, p)| **p)
                            .map(|(i, _)| i)
                            .collect();
                        self.answer(Response::Multi(picks))
                    }
                    (Kind::Order { .. }, _, Some(Action::Open)) => {
                        let o = cur.order.clone();
                        self.answer(Response::Order(o))
                    }
                    (Kind::Order { .. }, _, Some(Action::MoveItemUp)) if cur.cursor > 0 => {
                        cur.order.swap(cur.cursor, cur.cursor - 1);
                        cur.cursor -= 1;
                    }
                    (Kind::Order { .. }, _, Some(Action::MoveItemDown)) if cur.cursor + 1 < n => {
                        cur.order.swap(cur.cursor, cur.cursor + 1);
                        cur.cursor += 1;
                    }
                    (_, _, Some(Action::Up)) => cur.cursor = cur.cursor.saturating_sub(1),
                    (_, _, Some(Action::Down)) if cur.cursor + 1 < n => cur.cursor += 1,
                    _ => {}
                }
                Effect::None
            }
        }
    }
}

/// Shuffle the options of a choice or multi question, keeping the answer.
pub fn shuffle_options(kind: &mut Kind, rng: &mut Rng) {
    let (options, right): (&mut Vec<String>, Vec<usize>) = match kind {
        Kind::Choice { options, correct } => (options, vec![*correct]),
        Kind::Multi { options, correct } => (options, correct.clone()),
        _ => return,
    };
    let mut perm: Vec<usize> = (0..options.len()).collect();
    crate::quiz::gen::shuffle(rng, &mut perm);
    let new: Vec<String> = perm.iter().map(|&i| options[i].clone()).collect();
    let pos = |old: usize| perm.iter().position(|&p| p == old).unwrap_or(old);
    *options = new;
    match kind {
        Kind::Choice { correct, .. } => *correct = pos(right[0]),
        Kind::Multi { correct, .. } => {
            let mut c: Vec<usize> = right.iter().map(|&r| pos(r)).collect();
            c.sort_unstable();
            *correct = c;
        }
        _ => {}
    }
}

fn kind_label(kind: &Kind) -> &'static str {
    match kind {
        Kind::Recall { .. } => "quiz.recall",
        Kind::Choice { .. } => "quiz.choice",
        Kind::Multi { .. } => "quiz.multi",
        Kind::Fill { .. } => "quiz.fill",
        Kind::Order { .. } => "quiz.order",
    }
}

fn rating_name(lang: Lang, r: u8) -> &'static str {
    tr(
        lang,
        match r {
            1 => "quiz.again",
            2 => "quiz.hard",
            4 => "quiz.easy",
            _ => "quiz.good",
        },
    )
}

/// Draw the quiz screen.
/// Draw the quiz screen; `saving` is false while progress is kept in memory
/// only, which the status line then says for as long as it lasts.
pub fn draw(q: &QuizScreen, lang: Lang, theme: &Theme, keys: &Keymap, saving: bool, f: &mut Frame) {
    let area = f.area();
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Min(3), Constraint::Length(1)])
        .split(area);
    let body = rows[0];
    let status = rows[1];
    // The body is laid out by `render` (wrapped CJK-aware) and coloured by the
    // theme; only the status line below is drawn directly.
    let body_look = Look::of(Role::Body);
    let mut accent = body_look;
    accent.style.bold = true;
    let dim = Look::of(Role::Dim);
    let good = Look::of(Role::Sim);
    let bad = Look::of(Role::Error);

    let mut title = format!(" {} ", tr(lang, "quiz.title"));
    if let Some(t) = &q.opts.topic {
        title.push_str(&format!("· {t} "));
    }
    let total = q.session.queue.len();
    if q.current.is_some() {
        title.push_str(&format!(
            "· {} ",
            trf(
                lang,
                "quiz.progress",
                &[("i", &(q.session.pos + 1)), ("n", &total)]
            )
        ));
    }
    if q.session.round > 0 {
        title.push_str(&format!(
            "· {} ",
            trf(lang, "quiz.round", &[("r", &q.session.round)])
        ));
    }
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(body);
    f.render_widget(block, body);

    let mut lines: Vec<RLine> = Vec::new();
    let hint: String;
    match &q.current {
        None => {
            let missed = q.session.missed.len();
            if total == 0 {
                lines.push(rl_body(tr(lang, "quiz.empty")));
            } else {
                lines.push(rl_body(trf(
                    lang,
                    "quiz.done",
                    &[("n", &total), ("m", &missed)],
                )));
            }
            hint = keys.tr(lang, Ctx::Quiz, "quiz.done_keys");
        }
        Some(cur) => {
            let card = &q.deck.cards[cur.idx];
            let mut head = vec![rs(
                format!("[{}]", tr(lang, kind_label(&cur.q.kind))),
                accent,
            )];
            if card.origin == Origin::Generated {
                head.push(rs(format!(" [{}]", tr(lang, "quiz.generated")), dim));
            }
            if let Some(s) = card.section.last() {
                head.push(rs(format!(" {s}"), dim));
            }
            lines.push(RLine { spans: head });
            lines.push(RLine::default());
            if let Some(e) = &q.error {
                lines.push(rl(trf(lang, "quiz.card_error", &[("e", e)]), bad));
            }
            for l in cur.q.prompt.lines() {
                lines.push(rl(l.to_string(), accent));
            }
            lines.push(RLine::default());
            let answered = matches!(cur.phase, Phase::Answered { .. });
            match &cur.q.kind {
                Kind::Choice { options, correct } => {
                    for (i, o) in options.iter().enumerate() {
                        let mark = if !answered && i == cur.cursor {
                            ">"
                        } else {
                            " "
                        };
                        let style = if answered && i == *correct {
                            good
                        } else {
                            body_look
                        };
                        lines.push(rl(format!("{mark}{}. {o}", i + 1), style));
                    }
                }
                Kind::Multi { options, correct } => {
                    for (i, o) in options.iter().enumerate() {
                        let mark = if !answered && i == cur.cursor {
                            ">"
                        } else {
                            " "
                        };
                        let tick = if cur.picked.get(i).copied().unwrap_or(false) {
                            "[x]"
                        } else {
                            "[ ]"
                        };
                        let style = if answered && correct.contains(&i) {
                            good
                        } else {
                            body_look
                        };
                        lines.push(rl(format!("{mark}{tick} {}. {o}", i + 1), style));
                    }
                }
                Kind::Order { steps } => {
                    for (row, &s) in cur.order.iter().enumerate() {
                        let mark = if !answered && row == cur.cursor {
                            ">"
                        } else {
                            " "
                        };
                        let style = if answered && s == row {
                            good
                        } else if answered {
                            bad
                        } else if row == cur.cursor {
                            accent
                        } else {
                            body_look
                        };
                        lines.push(rl(
                            format!("{mark}{}. {}", row + 1, steps.get(s).map_or("", |x| x)),
                            style,
                        ));
                    }
                }
                Kind::Fill { .. } => {
                    let cursor = if answered { "" } else { "▏" };
                    lines.push(RLine {
                        spans: vec![
                            rs(format!("{}: ", tr(lang, "quiz.your_answer")), dim),
                            rs(format!("{}{cursor}", cur.input), body_look),
                        ],
                    });
                }
                Kind::Recall { .. } => {}
            }
            match &cur.phase {
                Phase::Asking => {
                    hint = format!(
                        "{} · {}",
                        keys.tr(
                            lang,
                            Ctx::Quiz,
                            match cur.q.kind {
                                Kind::Recall { .. } => "quiz.hint_recall",
                                Kind::Choice { .. } => "quiz.hint_choice",
                                Kind::Multi { .. } => "quiz.hint_multi",
                                Kind::Fill { .. } => "quiz.hint_fill",
                                Kind::Order { .. } => "quiz.hint_order",
                            }
                        ),
                        keys.tr(lang, Ctx::Quiz, "quiz.keys")
                    );
                }
                Phase::Answered { verdict, suggested } => {
                    lines.push(RLine::default());
                    match verdict.correct {
                        Some(true) => lines.push(rl(tr(lang, "quiz.correct"), good)),
                        Some(false) => lines.push(rl(tr(lang, "quiz.wrong"), bad)),
                        None => {}
                    }
                    let show_answer = verdict.correct != Some(true)
                        || matches!(cur.q.kind, Kind::Recall { .. } | Kind::Fill { .. });
                    if show_answer {
                        lines.push(rl(format!("{}:", tr(lang, "quiz.answer")), accent));
                        for l in cur.q.kind.answer_text().lines() {
                            lines.push(rl_body(format!("  {l}")));
                        }
                    }
                    if let Some(d) = &verdict.diff {
                        lines.push(rl(tr(lang, "quiz.diff").to_string(), dim));
                        let spans: Vec<crate::render::Span> = std::iter::once(rs("  ", body_look))
                            .chain(d.iter().map(|seg| match seg {
                                DiffSeg::Same(s) => rs(s.clone(), body_look),
                                DiffSeg::Missing(s) => rs(format!("[-{s}-]"), good),
                                DiffSeg::Extra(s) => rs(format!("{{+{s}+}}"), bad),
                            }))
                            .collect();
                        lines.push(RLine { spans });
                    }
                    if !cur.q.explain.is_empty() {
                        lines.push(rl(format!("{}:", tr(lang, "quiz.explain")), accent));
                        for l in cur.q.explain.lines() {
                            lines.push(rl_body(format!("  {l}")));
                        }
                    }
                    if let Some(sc) = &cur.q.scenario {
                        lines.push(rl(
                            keys.trf(
                                lang,
                                Ctx::Quiz,
                                "quiz.sim_hint",
                                &[("name", &sc.sim), ("seed", &sc.seed)],
                            ),
                            dim,
                        ));
                        if let Some(c) = &sc.config {
                            lines.push(rl(format!("  {}", tr(lang, "quiz.sim_config")), dim));
                            for l in c.lines() {
                                lines.push(rl(format!("    {l}"), dim));
                            }
                        }
                        lines.push(rl(
                            format!(
                                "  {}",
                                trf(lang, "quiz.sim_cmds", &[("cmds", &sc.commands.join("; "))])
                            ),
                            dim,
                        ));
                    }
                    hint = format!(
                        "{} · {}",
                        keys.trf(
                            lang,
                            Ctx::Quiz,
                            "quiz.grade_hint",
                            &[("g", &rating_name(lang, *suggested))]
                        ),
                        keys.tr(lang, Ctx::Quiz, "quiz.keys_after")
                    );
                }
            }
        }
    }
    let area = pad(inner);
    let lines: Vec<Line> = crate::render::wrap_lines(&lines, area.width as usize)
        .iter()
        .map(|l| theme.line(l))
        .collect();
    f.render_widget(Paragraph::new(lines), area);
    let status_text = q.message.clone().unwrap_or(hint);
    let mut spans = Vec::new();
    let mut room = status.width as usize;
    if !saving {
        let mark = format!(" {} ", tr(lang, "app.not_saving"));
        room = room.saturating_sub(crate::render::width(&mark) + 1);
        spans.push(Span::styled(mark, theme.style(Role::Error)));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        crate::render::truncate(&status_text, room),
        Style::default().add_modifier(Modifier::DIM),
    ));
    f.render_widget(Paragraph::new(Line::from(spans)), status);
}

/// One column of margin inside the frame.
fn pad(r: Rect) -> Rect {
    Rect {
        x: r.x.saturating_add(1),
        width: r.width.saturating_sub(2),
        ..r
    }
}

/// Right answers in the theme's `sim` style (green), wrong ones in `error`.
/// A body line of the quiz in one look.
fn rl(text: impl Into<String>, look: Look) -> RLine {
    RLine {
        spans: vec![rs(text, look)],
    }
}

/// A body line of plain text.
fn rl_body(text: impl Into<String>) -> RLine {
    rl(text, Look::of(Role::Body))
}

/// A span of the quiz body.
fn rs(text: impl Into<String>, look: Look) -> crate::render::Span {
    crate::render::Span {
        text: text.into(),
        look,
    }
}

impl std::fmt::Debug for QuizScreen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuizScreen")
            .field("cards", &self.deck.cards.len())
            .field("session", &self.session)
            .field("current", &self.current)
            .finish()
    }
}

pub(super) fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}
