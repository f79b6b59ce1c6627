//! Questions a simulation asks: templates that run the real engine.
//!
//! A [`Template`] draws fresh parameters from a seed at every review (weights,
//! keys, scores, middleware stacks, dataset sizes), runs the real engine through
//! its command language ([`crate::sim::Session`]) and takes the right answer
//! from what the engine did. Wrong options are never random: each comes from a
//! plausible *wrong model* of the system (plain weighted round robin instead of
//! the smooth one, responses not reversed on the way out of the middleware
//! onion, rehashing everything at once, 1-based ranks, …), and any that happens
//! to equal the right answer is dropped. Every generated question carries its
//! [`Scenario`] (simulation, config, seed, commands) so the simulation screen
//! can open at that very point.
//!
//! Each simulation keeps its templates in its own `quiz.rs` and lists them in
//! its [`crate::sim::SimInfo::quiz`]; the quiz (`crate::quiz::gen`) turns every
//! registered template into a card.

use crate::question::{Kind, Question, Scenario};
use crate::sim::trace::Rng;
use crate::sim::Outcome;

/// A question generator.
#[derive(Debug)]
pub struct Template {
    /// Stable id (part of the card id), e.g. `lb-swrr`.
    pub id: &'static str,
    /// The simulation it runs (canonical name).
    pub sim: &'static str,
    /// A short title in Chinese, for lists and stats.
    pub title: &'static str,
    /// Draws a question from a seed.
    pub make: fn(u64) -> Result<Question, String>,
    /// The right answer (as [`Kind::answer_text`] shows it) read off a run of
    /// the question's scenario; `make` uses it, and the tests replay every
    /// scenario through it.
    pub answer: fn(&Run) -> Result<String, String>,
}

/// A finished engine run: what was asked of it and what it said.
pub struct Run {
    /// The simulation, config, seed and commands.
    pub scenario: Scenario,
    /// One outcome per command.
    pub outcomes: Vec<Outcome>,
}

impl Run {
    /// The outcome of command `i`.
    pub fn at(&self, i: usize) -> Result<&Outcome, String> {
        self.outcomes
            .get(i)
            .ok_or_else(|| format!("no outcome for command {i}"))
    }

    /// The last outcome.
    pub fn last(&self) -> Result<&Outcome, String> {
        self.outcomes.last().ok_or_else(|| "no command ran".into())
    }
}

/// Run a scenario again (what the simulation screen does to open it).
pub fn replay(sc: &Scenario) -> Result<Run, String> {
    run(&sc.sim, sc.config.clone(), sc.seed, sc.commands.clone())
}

/// Run `commands` on a fresh session of `sim`.
pub fn run(
    sim: &str,
    config: Option<String>,
    seed: u64,
    commands: Vec<String>,
) -> Result<Run, String> {
    let info = crate::sim::find(sim).ok_or_else(|| format!("no simulation {sim}"))?;
    let mut s = (info.factory)(config.as_deref(), seed).map_err(|e| format!("{sim}: {e}"))?;
    let mut outcomes = Vec::with_capacity(commands.len());
    for c in &commands {
        outcomes.push(s.run(c).map_err(|e| format!("{sim}: {c}: {e}"))?);
    }
    Ok(Run {
        scenario: Scenario {
            sim: info.name.to_string(),
            config,
            seed,
            commands,
        },
        outcomes,
    })
}

/// A choice between the right answer and the wrong models' answers: repeats
/// and anything equal to the right answer are dropped, at most `max_wrong`
/// are kept, and the right answer goes to a seeded position.
pub fn choice(
    rng: &mut Rng,
    answer: String,
    wrong: Vec<String>,
    max_wrong: usize,
) -> Result<Kind, String> {
    let mut options: Vec<String> = Vec::new();
    for w in wrong {
        if w != answer && !options.contains(&w) && options.len() < max_wrong {
            options.push(w);
        }
    }
    if options.is_empty() {
        return Err("every wrong model agreed with the engine".into());
    }
    let at = rng.below(options.len() as u64 + 1) as usize;
    options.insert(at, answer);
    Ok(Kind::Choice {
        options,
        correct: at,
    })
}

/// A number in `lo..=hi`.
pub fn range(rng: &mut Rng, lo: u64, hi: u64) -> u64 {
    lo + rng.below(hi - lo + 1)
}

/// Seeded Fisher–Yates shuffle.
pub fn shuffle<T>(rng: &mut Rng, v: &mut [T]) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
}

/// Draw questions until one succeeds (a few draws make degenerate parameters,
/// e.g. every wrong model agreeing with the engine); the scenario's seed is
/// the draw that worked.
pub fn retry(
    seed: u64,
    f: impl Fn(&mut Rng, u64) -> Result<Question, String>,
) -> Result<Question, String> {
    let mut last = String::new();
    for k in 0..16u64 {
        let s = seed.wrapping_add(k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut rng = Rng::new(s);
        match f(&mut rng, s) {
            Ok(q) => return Ok(q),
            Err(e) => last = e,
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choice_drops_repeats_and_the_answer() {
        let mut rng = Rng::new(3);
        let k = choice(
            &mut rng,
            "a".into(),
            vec!["b".into(), "a".into(), "b".into(), "c".into()],
            3,
        )
        .expect("two wrong models differ");
        let Kind::Choice { options, correct } = k else {
            panic!("a choice")
        };
        assert_eq!(options.len(), 3);
        assert_eq!(options[correct], "a");
        assert!(choice(&mut rng, "a".into(), vec!["a".into()], 3).is_err());
    }

    #[test]
    fn shuffle_is_a_seeded_permutation() {
        let mut a: Vec<u32> = (0..20).collect();
        let mut b = a.clone();
        shuffle(&mut Rng::new(9), &mut a);
        shuffle(&mut Rng::new(9), &mut b);
        assert_eq!(a, b);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>());
        assert_ne!(
            a, sorted,
            "twenty items stay in order only by a broken shuffle"
        );
    }
}
