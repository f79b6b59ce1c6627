//! Event tracing for the simulation engines.
//!
//! Every engine is a real data structure with a normal API. It is generic over an
//! [`Observer`] that receives the events it performs; the default observer,
//! [`NoTrace`], is disabled at compile time, so an untraced engine pays nothing
//! (event values are not even built: see [`emit!`](crate::emit)).
//!
//! A [`Recorder`] keeps the events with the source location that produced them, so
//! the simulation view can show the engine's own Rust source with the line that
//! ran highlighted, and step the animation forward and back.

use serde::Serialize;

/// Where in the engine's source an event was produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Loc {
    /// The source file, as `file!()` gives it (e.g. `src/sim/redis_dict.rs`).
    pub file: &'static str,
    /// The 1-based line in that file.
    pub line: u32,
}

/// The location of the macro call site, as a [`Loc`].
#[macro_export]
macro_rules! here {
    () => {
        $crate::sim::trace::Loc {
            file: file!(),
            line: line!(),
        }
    };
}

/// Send an event to an observer, building it only when the observer is enabled.
///
/// `emit!(self.obs, Event::Moved { .. })` expands to a branch on the observer's
/// `ENABLED` constant, so with [`NoTrace`] the event expression is dead code.
#[macro_export]
macro_rules! emit {
    ($obs:expr, $event:expr) => {
        if $crate::sim::trace::Observer::enabled(&$obs) {
            let loc = $crate::here!();
            // Build the event before borrowing the observer: events may read the engine.
            let event = $event;
            $crate::sim::trace::Observer::on(&mut $obs, loc, event);
        }
    };
}

/// Receives the events an engine performs.
pub trait Observer<E> {
    /// Whether events should be built at all. Constant for [`NoTrace`].
    fn enabled(&self) -> bool {
        true
    }
    /// One event, with the source location that produced it.
    fn on(&mut self, loc: Loc, event: E);
}

/// The no-op observer: tracing off, zero cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoTrace;

impl<E> Observer<E> for NoTrace {
    #[inline(always)]
    fn enabled(&self) -> bool {
        false
    }
    #[inline(always)]
    fn on(&mut self, _loc: Loc, _event: E) {}
}

/// One recorded event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Traced<E> {
    /// Where the engine produced it.
    pub loc: Loc,
    /// What happened.
    pub event: E,
}

/// An observer that records every event in order.
#[derive(Clone, Debug)]
pub struct Recorder<E> {
    /// The events so far, oldest first.
    pub events: Vec<Traced<E>>,
}

impl<E> Default for Recorder<E> {
    fn default() -> Self {
        Recorder { events: Vec::new() }
    }
}

impl<E> Recorder<E> {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }
    /// Take the recorded events, leaving the recorder empty.
    pub fn take(&mut self) -> Vec<Traced<E>> {
        std::mem::take(&mut self.events)
    }
}

impl<E> Observer<E> for Recorder<E> {
    fn on(&mut self, loc: Loc, event: E) {
        self.events.push(Traced { loc, event });
    }
}

/// What one event means, in words: the narration a [`Step`](crate::sim::Step)
/// carries. Every engine writes one `narrate` function from its event type to
/// this; [`steps`] turns a recorded trace into steps with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Narration {
    /// A short machine-readable kind, e.g. `rehash.move`.
    pub kind: &'static str,
    /// One sentence in Chinese saying what happened and why.
    pub zh: String,
    /// The same sentence in English.
    pub en: String,
    /// Whether the timeline marks it (an expansion, a failure).
    pub notable: bool,
}

impl From<(&'static str, String, String, bool)> for Narration {
    fn from((kind, zh, en, notable): (&'static str, String, String, bool)) -> Self {
        Narration {
            kind,
            zh,
            en,
            notable,
        }
    }
}

/// The one path from a recorded trace to the [`Step`](crate::sim::Step)s a
/// session reports: each event is narrated, serialized for the CLI's JSON and
/// kept typed for the simulation's picture.
pub fn steps<E, N>(
    events: Vec<Traced<E>>,
    mut narrate: impl FnMut(&E) -> N,
) -> Vec<crate::sim::Step>
where
    E: Serialize + Send + Sync + 'static,
    N: Into<Narration>,
{
    events
        .into_iter()
        .map(|t| {
            let n = narrate(&t.event).into();
            crate::sim::Step::new(t.loc, t.event, n)
        })
        .collect()
}

/// A small deterministic PRNG (SplitMix64) used for every random choice an
/// engine makes (skiplist levels, hash seeds, `random` balancing), so the same
/// seed and the same input always give the same trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A uniform number in `0..n` (`n > 0`), without modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "Rng::below(0)");
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_deterministic_and_bounded() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..1000 {
            let x = a.below(10);
            assert_eq!(x, b.below(10));
            assert!(x < 10);
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }

    fn count_built<O: Observer<i32>>(obs: &mut O) -> i32 {
        let mut built = 0;
        emit!(*obs, {
            built += 1;
            built
        });
        built
    }

    #[test]
    fn notrace_does_not_build_events() {
        assert_eq!(count_built(&mut NoTrace), 0);
        let mut rec: Recorder<i32> = Recorder::new();
        assert_eq!(count_built(&mut rec), 1);
        assert_eq!(rec.events.len(), 1);
        assert_eq!(rec.events[0].event, 1);
        assert!(rec.events[0].loc.file.ends_with("trace.rs"));
    }
}
