//! Progress figures: per-topic counts, reviews per day, retention, streak.
//!
//! Days are UTC calendar days, so the figures do not depend on the machine's
//! time zone (a review just after local midnight may count for the previous
//! UTC day).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::schedule::{status, Memory, Status};
use super::Deck;

/// One stored review, as the statistics need it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReviewRow {
    /// The card's id.
    pub card: String,
    /// Its topic at the time.
    pub topic: String,
    /// When (unix seconds).
    pub at: i64,
    /// 1 Again, 2 Hard, 3 Good, 4 Easy.
    pub rating: u8,
}

/// Card counts of one topic.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TopicCounts {
    /// The topic.
    pub topic: String,
    /// Never reviewed.
    pub new: usize,
    /// Being learnt.
    pub learning: usize,
    /// Due now.
    pub due: usize,
    /// Long intervals.
    pub mastered: usize,
}

impl TopicCounts {
    /// All cards of the topic.
    pub fn total(&self) -> usize {
        self.new + self.learning + self.due + self.mastered
    }
}

/// One day of reviews.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Day {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    /// Reviews that day.
    pub reviews: usize,
    /// Share of them not graded Again (0–1), `None` with no reviews.
    pub retention: Option<f64>,
}

/// Everything the stats screen and `tuitor stats` show.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Per topic, in deck order.
    pub topics: Vec<TopicCounts>,
    /// Sums over all topics.
    pub total: TopicCounts,
    /// The last [`DAYS`] days, oldest first.
    pub days: Vec<Day>,
    /// All reviews ever stored (orphans included).
    pub reviews: usize,
    /// Share of all reviews not graded Again.
    pub retention: Option<f64>,
    /// Consecutive days with reviews, ending today (or yesterday, if none yet
    /// today).
    pub streak: usize,
}

/// How many days the per-day figures cover.
pub const DAYS: usize = 14;

fn day_of(t: i64) -> i64 {
    t.div_euclid(86_400)
}

fn date_of(day: i64) -> String {
    DateTime::from_timestamp(day * 86_400, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Compute the figures.
pub fn compute(
    deck: &Deck,
    memory: &HashMap<String, Memory>,
    reviews: &[ReviewRow],
    now: DateTime<Utc>,
) -> Stats {
    let mut stats = Stats {
        total: TopicCounts {
            topic: "total".into(),
            ..TopicCounts::default()
        },
        ..Stats::default()
    };
    let mut idx: HashMap<&str, usize> = HashMap::new();
    for c in &deck.cards {
        let i = *idx.entry(c.group.as_str()).or_insert_with(|| {
            stats.topics.push(TopicCounts {
                topic: c.group.clone(),
                ..TopicCounts::default()
            });
            stats.topics.len() - 1
        });
        let t = &mut stats.topics[i];
        let slot = match status(memory.get(&c.id), now) {
            Status::New => (&mut t.new, &mut stats.total.new),
            Status::Learning => (&mut t.learning, &mut stats.total.learning),
            Status::Due => (&mut t.due, &mut stats.total.due),
            Status::Mastered => (&mut t.mastered, &mut stats.total.mastered),
        };
        *slot.0 += 1;
        *slot.1 += 1;
    }
    let today = day_of(now.timestamp());
    let mut per_day: BTreeMap<i64, (usize, usize)> = BTreeMap::new();
    for r in reviews {
        let e = per_day.entry(day_of(r.at)).or_default();
        e.0 += 1;
        if r.rating > 1 {
            e.1 += 1;
        }
    }
    stats.reviews = reviews.len();
    let kept = reviews.iter().filter(|r| r.rating > 1).count();
    stats.retention = (!reviews.is_empty()).then(|| kept as f64 / reviews.len() as f64);
    for d in (today - DAYS as i64 + 1)..=today {
        let (n, k) = per_day.get(&d).copied().unwrap_or_default();
        stats.days.push(Day {
            date: date_of(d),
            reviews: n,
            retention: (n > 0).then(|| k as f64 / n as f64),
        });
    }
    let mut d = if per_day.contains_key(&today) {
        today
    } else {
        today - 1
    };
    while per_day.contains_key(&d) {
        stats.streak += 1;
        d -= 1;
    }
    stats
}

/// A share as a whole percentage, `–` when there is none.
pub fn percent(r: Option<f64>) -> String {
    r.map_or_else(|| "–".into(), |r| format!("{:.0}%", r * 100.0))
}

impl Stats {
    /// The figures as text, as `tuitor stats` prints them.
    pub fn to_text(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::{tr, trf};
        use crate::render::{truncate, width};
        let w = self
            .topics
            .iter()
            .map(|t| width(&t.topic))
            .chain(std::iter::once(width(tr(lang, "stats.topic"))))
            .max()
            .unwrap_or(8)
            .clamp(8, 48);
        let pad = |t: &str| {
            let t = truncate(t, w);
            let fill = w.saturating_sub(width(&t));
            format!("{t}{}", " ".repeat(fill))
        };
        let line = |name: &str,
                    a: &dyn std::fmt::Display,
                    b: &dyn std::fmt::Display,
                    c: &dyn std::fmt::Display,
                    d: &dyn std::fmt::Display| {
            format!("{}  {a:>8} {b:>8} {c:>8} {d:>8}\n", pad(name))
        };
        let mut out = line(
            tr(lang, "stats.topic"),
            &tr(lang, "stats.new"),
            &tr(lang, "stats.learning"),
            &tr(lang, "stats.due"),
            &tr(lang, "stats.mastered"),
        );
        for t in &self.topics {
            out.push_str(&line(&t.topic, &t.new, &t.learning, &t.due, &t.mastered));
        }
        let t = &self.total;
        out.push_str(&line(
            tr(lang, "stats.total"),
            &t.new,
            &t.learning,
            &t.due,
            &t.mastered,
        ));
        out.push('\n');
        out.push_str(&trf(
            lang,
            "stats.summary",
            &[
                ("n", &self.reviews),
                ("r", &percent(self.retention)),
                ("s", &self.streak),
            ],
        ));
        out.push_str("\n\n");
        out.push_str(tr(lang, "stats.per_day"));
        out.push('\n');
        for d in &self.days {
            out.push_str(&format!(
                "{}  {:>4}  {:>5}\n",
                d.date,
                d.reviews,
                percent(d.retention)
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_retention_and_streak() {
        let now = DateTime::from_timestamp(20_000 * 86_400 + 3600, 0).expect("time");
        let at = |day: i64, rating| ReviewRow {
            card: "c".into(),
            topic: "t".into(),
            at: day * 86_400 + 100,
            rating,
        };
        // yesterday, the day before, and four days ago; none today.
        let rows = vec![at(19_999, 3), at(19_999, 1), at(19_998, 4), at(19_996, 3)];
        let s = compute(&Deck::default(), &HashMap::new(), &rows, now);
        assert_eq!(s.streak, 2);
        assert_eq!(s.reviews, 4);
        assert_eq!(s.retention, Some(0.75));
        assert_eq!(s.days.len(), DAYS);
        let y = &s.days[DAYS - 2];
        assert_eq!((y.reviews, y.retention), (2, Some(0.5)));
        assert_eq!(s.days[DAYS - 1].reviews, 0);
        let s2 = compute(&Deck::default(), &HashMap::new(), &[at(20_000, 3)], now);
        assert_eq!(s2.streak, 1);
    }
}
