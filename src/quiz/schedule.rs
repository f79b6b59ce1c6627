//! Scheduling: FSRS intervals, which cards a session shows, and the session's
//! own bookkeeping (redo the missed ones, undo the last grade).
//!
//! The memory model is FSRS (the `rs-fsrs` crate with its default parameters,
//! 90 % requested retention, no fuzz so a review is reproducible): each card
//! keeps a stability and a difficulty, and each grade — Again, Hard, Good,
//! Easy — gives the next due time. Nothing here touches storage: the caller
//! saves the new state (see [`crate::store`]) before showing the next card.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
pub use rs_fsrs::{Card as Memory, Rating, State};

use super::gen::shuffle;
use super::Deck;
use crate::sim::trace::Rng;

/// Days of interval from which a card counts as mastered.
pub const MASTERED_DAYS: i64 = 21;
/// New cards per session unless told otherwise.
pub const DEFAULT_NEW_LIMIT: usize = 20;

/// The FSRS state of a card that was never reviewed.
pub fn new_memory(now: DateTime<Utc>) -> Memory {
    Memory {
        due: now,
        last_review: now,
        ..Memory::default()
    }
}

/// The state after grading `m` with `rating` at `now`.
pub fn review(m: &Memory, now: DateTime<Utc>, rating: Rating) -> Memory {
    rs_fsrs::FSRS::default().next(m.clone(), now, rating).card
}

/// The grade for a number key 1–4.
pub fn rating_of(n: u8) -> Option<Rating> {
    match n {
        1 => Some(Rating::Again),
        2 => Some(Rating::Hard),
        3 => Some(Rating::Good),
        4 => Some(Rating::Easy),
        _ => None,
    }
}

/// Where a card stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Never reviewed.
    New,
    /// Being learnt: short intervals, or relearning after a lapse.
    Learning,
    /// Due now.
    Due,
    /// Interval of [`MASTERED_DAYS`] or more, not due.
    Mastered,
}

/// The status of a card with memory `m` at `now`.
pub fn status(m: Option<&Memory>, now: DateTime<Utc>) -> Status {
    match m {
        None => Status::New,
        Some(m) if m.state == State::New => Status::New,
        Some(m) if m.due <= now => Status::Due,
        Some(m) if m.state == State::Review && m.scheduled_days >= MASTERED_DAYS => {
            Status::Mastered
        }
        Some(_) => Status::Learning,
    }
}

/// How to pick the cards of a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Only cards matching this topic filter ([`super::Card::matches_topic`]).
    pub topic: Option<String>,
    /// At most this many cards.
    pub limit: Option<usize>,
    /// Review every matching card, due or not (progress is still recorded).
    pub cram: bool,
    /// Shuffle with this seed (otherwise: due first by due time, then new).
    pub shuffle: Option<u64>,
    /// At most this many never-seen cards (ignored when cramming).
    pub new_limit: usize,
    /// The seed generated questions draw their parameters from (default: the
    /// clock, so every session draws afresh).
    pub seed: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            topic: None,
            limit: None,
            cram: false,
            shuffle: None,
            new_limit: DEFAULT_NEW_LIMIT,
            seed: None,
        }
    }
}

/// The cards (indices into `deck.cards`) a session shows, in order.
pub fn select(
    deck: &Deck,
    memory: &HashMap<String, Memory>,
    now: DateTime<Utc>,
    opts: &Options,
) -> Vec<usize> {
    let matching = deck
        .cards
        .iter()
        .enumerate()
        .filter(|(_, c)| opts.topic.as_deref().is_none_or(|t| c.matches_topic(t)));
    let mut out: Vec<usize> = if opts.cram {
        matching.map(|(i, _)| i).collect()
    } else {
        let mut due: Vec<(DateTime<Utc>, usize)> = Vec::new();
        let mut new = Vec::new();
        for (i, c) in matching {
            match memory.get(&c.id) {
                Some(m) if m.state != State::New => {
                    if m.due <= now {
                        due.push((m.due, i));
                    }
                }
                _ => new.push(i),
            }
        }
        due.sort();
        new.truncate(opts.new_limit);
        due.into_iter().map(|(_, i)| i).chain(new).collect()
    };
    if let Some(seed) = opts.shuffle {
        shuffle(&mut Rng::new(seed), &mut out);
    }
    if let Some(n) = opts.limit {
        out.truncate(n);
    }
    out
}

/// A graded card, remembered so it can be undone.
#[derive(Clone, Debug, PartialEq)]
pub struct Graded {
    /// Index into the deck.
    pub card: usize,
    /// The card's memory before the grade (`None`: it was new).
    pub before: Option<Memory>,
    /// The stored review's row id, when it was saved.
    pub review_id: Option<i64>,
    /// Whether it counts as missed (wrong, or graded Again).
    pub missed: bool,
}

/// One quiz session: the queue, the position, the missed cards, the log.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Session {
    /// Cards to show, in order.
    pub queue: Vec<usize>,
    /// Index of the current card in `queue`.
    pub pos: usize,
    /// Cards missed in this round, in order.
    pub missed: Vec<usize>,
    /// Grades of this round, oldest first.
    pub log: Vec<Graded>,
    /// 0 for the first pass, then one more per redo of the missed cards.
    pub round: usize,
}

impl Session {
    /// A session over `queue`.
    pub fn new(queue: Vec<usize>) -> Session {
        Session {
            queue,
            ..Session::default()
        }
    }

    /// The current card, `None` when the round is over.
    pub fn current(&self) -> Option<usize> {
        self.queue.get(self.pos).copied()
    }

    /// Record a grade for the current card and move on.
    pub fn record(&mut self, g: Graded) {
        if g.missed {
            self.missed.push(g.card);
        }
        self.log.push(g);
        self.pos += 1;
    }

    /// Take back the last grade of this round: the card becomes current again.
    /// The caller restores `before` in the store.
    pub fn undo(&mut self) -> Option<Graded> {
        let g = self.log.pop()?;
        if g.missed {
            if let Some(i) = self.missed.iter().rposition(|&c| c == g.card) {
                self.missed.remove(i);
            }
        }
        self.pos = self.pos.saturating_sub(1);
        Some(g)
    }

    /// Start a new round with the missed cards. False when none were missed.
    pub fn redo_missed(&mut self) -> bool {
        if self.missed.is_empty() {
            return false;
        }
        self.queue = std::mem::take(&mut self.missed);
        self.pos = 0;
        self.log.clear();
        self.round += 1;
        true
    }

    /// Cards left in this round, the current one included.
    pub fn remaining(&self) -> usize {
        self.queue.len().saturating_sub(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::{fixed_card, Kind, Origin, Question};
    use chrono::Duration;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).expect("valid time")
    }

    #[test]
    fn good_grades_lengthen_intervals_and_again_resets() {
        let now = t0();
        let m = new_memory(now);
        let g1 = review(&m, now, Rating::Good);
        assert!(g1.due > now);
        let later = g1.due;
        let g2 = review(&g1, later, Rating::Good);
        let g3 = review(&g2, g2.due, Rating::Good);
        let i2 = g2.due - later;
        let i3 = g3.due - g2.due;
        assert!(i3 > i2, "intervals grow: {i2:?} then {i3:?}");
        let easy = review(&g2, g2.due, Rating::Easy);
        assert!(easy.due > g3.due, "Easy schedules later than Good");
        let lapse = review(&g3, g3.due, Rating::Again);
        assert_eq!(lapse.lapses, 1);
        assert!(lapse.due - g3.due < Duration::days(1));
        assert_eq!(status(Some(&lapse), g3.due), Status::Learning);
    }

    #[test]
    fn status_buckets() {
        let now = t0();
        assert_eq!(status(None, now), Status::New);
        let mut m = review(&new_memory(now), now, Rating::Good);
        assert_eq!(status(Some(&m), now), Status::Learning);
        assert_eq!(status(Some(&m), m.due), Status::Due);
        m.state = State::Review;
        m.scheduled_days = 30;
        m.due = now + Duration::days(30);
        assert_eq!(status(Some(&m), now), Status::Mastered);
    }

    fn deck(n: usize) -> Deck {
        let lib = crate::content::Library::default();
        Deck {
            cards: (0..n)
                .map(|i| {
                    fixed_card(
                        &lib,
                        None,
                        Origin::Authored,
                        Question {
                            prompt: format!("q{i}"),
                            kind: Kind::Recall { answer: "a".into() },
                            explain: String::new(),
                            scenario: None,
                        },
                    )
                })
                .collect(),
            diagnostics: Vec::new(),
        }
    }

    #[test]
    fn selection_due_first_then_new_up_to_the_limit() {
        let d = deck(6);
        let now = t0();
        let mut mem = HashMap::new();
        // card 3 due an hour ago, card 1 due a day ago, card 5 due tomorrow.
        for (i, off) in [(3, -1), (1, -24), (5, 24)] {
            let mut m = review(&new_memory(now), now, Rating::Good);
            m.due = now + Duration::hours(off);
            mem.insert(d.cards[i].id.clone(), m);
        }
        let opts = Options {
            new_limit: 2,
            ..Options::default()
        };
        assert_eq!(select(&d, &mem, now, &opts), vec![1, 3, 0, 2]);
        let cram = Options {
            cram: true,
            ..Options::default()
        };
        assert_eq!(select(&d, &mem, now, &cram).len(), 6);
        let lim = Options {
            limit: Some(1),
            ..Options::default()
        };
        assert_eq!(select(&d, &mem, now, &lim), vec![1]);
        let sh = Options {
            cram: true,
            shuffle: Some(9),
            ..Options::default()
        };
        let a = select(&d, &mem, now, &sh);
        assert_eq!(
            a,
            select(&d, &mem, now, &sh),
            "the same seed, the same order"
        );
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, vec![0, 1, 2, 3, 4, 5]);
        let topic = Options {
            topic: Some("nothing-matches".into()),
            ..Options::default()
        };
        assert!(select(&d, &mem, now, &topic).is_empty());
    }

    #[test]
    fn undo_and_redo_missed() {
        let mut s = Session::new(vec![4, 7, 9]);
        let g = |card, missed| Graded {
            card,
            before: None,
            review_id: None,
            missed,
        };
        s.record(g(4, true));
        s.record(g(7, false));
        assert_eq!(s.current(), Some(9));
        let undone = s.undo().expect("something to undo");
        assert_eq!(undone.card, 7);
        assert_eq!(s.current(), Some(7));
        s.record(g(7, true));
        s.record(g(9, false));
        assert_eq!(s.current(), None);
        assert!(s.redo_missed());
        assert_eq!(s.queue, vec![4, 7]);
        assert_eq!(s.round, 1);
        s.record(g(4, false));
        s.record(g(7, false));
        assert!(!s.redo_missed());
    }
}
