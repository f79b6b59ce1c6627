//! The simulation screen: a real engine's event log, stepped forward and back.
//!
//! [`SimState`] owns a running [`Session`] and the [`Step`]s it produced. The
//! picture at step `k` is the engine's view rebuilt from the first `k` events
//! (from a cached snapshot every [`SNAPSHOT_EVERY`] steps), so stepping back is
//! as cheap as stepping forward and every frame can be reproduced. Commands typed
//! on the input line go to the same session (the same language as `tuitor sim`);
//! a refused command shows its error and changes nothing.

pub mod view;
pub mod visual;

use std::time::Duration;

use crate::i18n::Lang;
use crate::sim::{self, Session, SimInfo, Step};

use visual::Visual;

/// A snapshot of the visual is kept every this many steps.
pub const SNAPSHOT_EVERY: usize = 64;
/// Playback speeds: milliseconds per step.
pub const SPEEDS: &[u64] = &[1200, 700, 400, 200, 100, 40];
/// Past this many steps the screen takes no more commands (memory stays bounded;
/// each engine also caps what one command may do).
pub const MAX_STEPS: usize = 200_000;

/// What the main pane shows when the terminal is too narrow for all three.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    /// The picture.
    Visual,
    /// The engine's source at the current line.
    Source,
    /// The event log.
    Log,
}

/// The simulation screen's state.
pub struct SimState {
    /// Which simulation.
    pub info: &'static SimInfo,
    /// Index of the preset in `info.presets`.
    pub preset: usize,
    /// The seed everything random is drawn from.
    pub seed: u64,
    session: Box<dyn Session>,
    /// Every step so far, oldest first.
    pub steps: Vec<Step>,
    /// For each step, the index of the command that caused it.
    pub step_cmd: Vec<usize>,
    /// The commands run, in order.
    pub commands: Vec<String>,
    /// How many steps are applied (0 = before the first event).
    pub pos: usize,
    /// The picture at `pos`.
    pub visual: Visual,
    snapshots: Vec<(usize, Visual)>,
    /// Whether playback is running.
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// The input line, while typing a command.
    pub input: Option<String>,
    /// The last error (a refused command), shown until the next key.
    pub error: Option<String>,
    /// The main pane in narrow layouts.
    pub pane: Pane,
    /// First line shown in the event log (None: follow the current step).
    pub log_offset: Option<usize>,
    /// A scenario that replaces the preset (config and commands), e.g. from a
    /// quiz question.
    custom: Option<(Option<String>, Vec<String>)>,
}

impl SimState {
    /// Open simulation `name` (or alias) at `preset` (default: its first).
    pub fn open(name: &str, preset: Option<&str>, seed: u64) -> Result<SimState, String> {
        let info = sim::find(name).ok_or_else(|| {
            format!(
                "unknown simulation {name:?}; known: {}",
                sim::known_names().join(", ")
            )
        })?;
        let idx = match preset {
            Some(p) => info
                .presets
                .iter()
                .position(|x| x.name == p)
                .ok_or_else(|| format!("{} has no preset {p:?}", info.name))?,
            None => 0,
        };
        Self::start(info, idx, seed)
    }

    /// Open simulation `name` at a scenario: its config and commands.
    pub fn scenario(
        name: &str,
        config: Option<String>,
        seed: u64,
        commands: Vec<String>,
    ) -> Result<SimState, String> {
        let info = sim::find(name).ok_or_else(|| format!("unknown simulation {name:?}"))?;
        Self::start_with(info, 0, seed, Some((config, commands)))
    }

    fn start(info: &'static SimInfo, preset: usize, seed: u64) -> Result<SimState, String> {
        Self::start_with(info, preset, seed, None)
    }

    fn start_with(
        info: &'static SimInfo,
        preset: usize,
        seed: u64,
        custom: Option<(Option<String>, Vec<String>)>,
    ) -> Result<SimState, String> {
        let p = info.presets.get(preset);
        let config = match &custom {
            Some((c, _)) => c.as_deref(),
            None => p.and_then(|p| p.config),
        };
        let session = (info.factory)(config, seed).map_err(|e| e.0)?;
        let visual =
            Visual::new(info.name).ok_or_else(|| format!("no picture for {}", info.name))?;
        let mut st = SimState {
            info,
            preset,
            seed,
            session,
            steps: Vec::new(),
            step_cmd: Vec::new(),
            commands: Vec::new(),
            pos: 0,
            visual,
            snapshots: Vec::new(),
            playing: false,
            speed: 2,
            input: None,
            error: None,
            pane: Pane::Visual,
            log_offset: None,
            custom: None,
        };
        let script: Vec<String> = match &custom {
            Some((_, cmds)) => cmds.clone(),
            None => p
                .map(|p| crate::cli::split_commands(p.script))
                .unwrap_or_default(),
        };
        st.custom = custom;
        for line in script {
            if let Err(e) = st.run_command(&line) {
                st.error = Some(format!("{line}: {e}"));
            }
        }
        st.seek(0);
        Ok(st)
    }

    /// The preset's name (`scenario` for a custom scenario).
    pub fn preset_name(&self) -> &str {
        if self.custom.is_some() {
            return "scenario";
        }
        self.info.presets.get(self.preset).map_or("", |p| p.name)
    }

    /// The preset's description in `lang`.
    pub fn preset_about(&self, lang: Lang) -> &str {
        self.info
            .presets
            .get(self.preset)
            .map_or(self.info.about, |p| lang.pick(p.zh, p.en))
    }

    /// Run one command at the end of the timeline; the steps are appended.
    fn run_command(&mut self, line: &str) -> Result<usize, String> {
        if self.steps.len() >= MAX_STEPS {
            return Err(format!(
                "the timeline is full ({} steps); press r to start over",
                self.steps.len()
            ));
        }
        let out = self.session.run(line).map_err(|e| e.0)?;
        let first = self.steps.len();
        let idx = self.commands.len();
        self.commands.push(line.to_string());
        let n = out.steps.len();
        self.steps.extend(out.steps);
        self.step_cmd.extend(std::iter::repeat_n(idx, n));
        self.rebuild_snapshots_from(first);
        Ok(n)
    }

    fn rebuild_snapshots_from(&mut self, from: usize) {
        self.snapshots.retain(|(k, _)| *k <= from);
        let (mut k, mut v) = match self.snapshots.last() {
            Some((k, v)) => (*k, v.clone()),
            None => match Visual::new(self.info.name) {
                Some(v) => (0, v),
                None => return,
            },
        };
        while k < self.steps.len() {
            v.apply(&self.steps[k].event);
            k += 1;
            if k % SNAPSHOT_EVERY == 0 {
                self.snapshots.push((k, v.clone()));
            }
        }
    }

    /// Show the picture after `pos` steps (clamped).
    pub fn seek(&mut self, pos: usize) {
        let pos = pos.min(self.steps.len());
        let (k, v) = self
            .snapshots
            .iter()
            .rev()
            .find(|(k, _)| *k <= pos)
            .map(|(k, v)| (*k, v.clone()))
            .unwrap_or_else(|| {
                (
                    0,
                    Visual::new(self.info.name).unwrap_or_else(|| self.visual.clone()),
                )
            });
        let mut v = v;
        for st in &self.steps[k..pos] {
            v.apply(&st.event);
        }
        self.visual = v;
        self.pos = pos;
        self.log_offset = None;
    }

    /// The step whose effect is shown (the last one applied).
    pub fn current(&self) -> Option<&Step> {
        self.pos.checked_sub(1).and_then(|i| self.steps.get(i))
    }

    /// Step by `delta` (negative: back).
    pub fn step(&mut self, delta: isize) {
        let target = self.pos.saturating_add_signed(delta);
        self.seek(target);
        if self.pos == self.steps.len() {
            self.playing = false;
        }
    }

    /// Jump to the next (or previous) notable event or command start.
    pub fn jump_mark(&mut self, forward: bool) {
        let is_mark = |i: usize, st: &SimState| {
            st.steps[i].notable || (i > 0 && st.step_cmd[i] != st.step_cmd[i - 1])
        };
        if forward {
            if let Some(i) = (self.pos..self.steps.len()).find(|&i| is_mark(i, self)) {
                self.seek(i + 1);
            } else {
                self.seek(self.steps.len());
            }
        } else if let Some(i) = (0..self.pos.saturating_sub(1))
            .rev()
            .find(|&i| is_mark(i, self))
        {
            self.seek(i + 1);
        } else {
            self.seek(0);
        }
    }

    /// Start over with the current preset and seed.
    pub fn reset(&mut self) -> Result<(), String> {
        let fresh = Self::start_with(self.info, self.preset, self.seed, self.custom.clone())?;
        let (speed, pane) = (self.speed, self.pane);
        *self = fresh;
        self.speed = speed;
        self.pane = pane;
        Ok(())
    }

    /// Switch preset by `delta` and start over.
    pub fn switch_preset(&mut self, delta: isize) -> Result<(), String> {
        let n = self.info.presets.len().max(1) as isize;
        self.preset = (self.preset as isize + delta).rem_euclid(n) as usize;
        self.custom = None;
        self.reset()
    }

    /// Use another seed and start over.
    pub fn reseed(&mut self, seed: u64) -> Result<(), String> {
        self.seed = seed;
        self.reset()
    }

    /// Handle a line typed at `:`. Besides the engine's commands it accepts a
    /// step number (jump), `seed N` and `preset NAME`.
    pub fn submit(&mut self, line: &str) -> Result<(), String> {
        let line = line.trim();
        if line.is_empty() {
            return Ok(());
        }
        if let Ok(n) = line.parse::<usize>() {
            self.playing = false;
            self.seek(n);
            return Ok(());
        }
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some("seed"), Some(n), None) => {
                let seed = n
                    .parse::<u64>()
                    .map_err(|_| format!("seed must be a whole number, not {n:?}"))?;
                return self.reseed(seed);
            }
            (Some("preset"), Some(p), None) => {
                let i = self
                    .info
                    .presets
                    .iter()
                    .position(|x| x.name == p)
                    .ok_or_else(|| {
                        let names: Vec<_> = self.info.presets.iter().map(|x| x.name).collect();
                        format!("no preset {p:?}; presets: {}", names.join(", "))
                    })?;
                self.preset = i;
                self.custom = None;
                return self.reset();
            }
            _ => {}
        }
        let mut all = Vec::new();
        for cmd in crate::cli::split_commands(line) {
            all.push(cmd);
        }
        let before = self.steps.len();
        for cmd in all {
            self.run_command(&cmd).map_err(|e| format!("{cmd}: {e}"))?;
        }
        if self.steps.len() > before {
            self.playing = false;
            self.seek(self.steps.len());
        }
        Ok(())
    }

    /// The interval between steps while playing.
    pub fn tick(&self) -> Option<Duration> {
        self.playing
            .then(|| Duration::from_millis(SPEEDS[self.speed.min(SPEEDS.len() - 1)]))
    }

    /// Advance one step of playback.
    pub fn on_tick(&mut self) {
        if self.playing {
            if self.pos >= self.steps.len() {
                self.playing = false;
            } else {
                self.step(1);
            }
        }
    }

    /// Start or pause playback (from the start when at the end).
    pub fn toggle_play(&mut self) {
        if self.playing {
            self.playing = false;
        } else {
            if self.pos >= self.steps.len() {
                self.seek(0);
            }
            self.playing = !self.steps.is_empty();
        }
    }
}

/// The live preview of a card: what the preset's run ends with.
pub fn preview(name: &str, preset: Option<&str>) -> Option<String> {
    let mut st = SimState::open(name, preset, 1).ok()?;
    let n = st.steps.len();
    st.seek(n);
    Some(st.visual.summary())
}

/// Previews for every simulation card in a library, keyed by (name, preset).
pub fn previews(lib: &crate::content::Library) -> Previews {
    let mut out = Previews::new();
    for t in &lib.topics {
        for s in &t.sims {
            let key = (s.name.clone(), s.preset.clone());
            if let std::collections::hash_map::Entry::Vacant(slot) = out.entry(key) {
                if let Some(p) = preview(&s.name, s.preset.as_deref()) {
                    slot.insert(p);
                }
            }
        }
    }
    out
}

/// Card previews by (simulation name, preset).
pub type Previews = std::collections::HashMap<(String, Option<String>), String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_of_every_simulation_opens_and_every_step_replays() {
        for info in sim::REGISTRY {
            for p in info.presets {
                let mut st = SimState::open(info.name, Some(p.name), 1).unwrap();
                assert!(
                    st.error.is_none(),
                    "{} {}: {:?}",
                    info.name,
                    p.name,
                    st.error
                );
                assert!(!st.steps.is_empty(), "{} {}", info.name, p.name);
                // walking forward one step at a time equals seeking there
                let n = st.steps.len();
                for k in [0, 1, n / 2, n] {
                    st.seek(k);
                    let theme = crate::tui::theme::Theme::named("dark", false);
                    let a: Vec<String> = st
                        .visual
                        .lines(&theme, Lang::En, 100, 40)
                        .iter()
                        .map(|l| l.to_string())
                        .collect();
                    st.seek(0);
                    for _ in 0..k {
                        st.step(1);
                    }
                    let b: Vec<String> = st
                        .visual
                        .lines(&theme, Lang::En, 100, 40)
                        .iter()
                        .map(|l| l.to_string())
                        .collect();
                    assert_eq!(a, b, "{} {} at {k}", info.name, p.name);
                }
            }
        }
    }

    #[test]
    fn previews_come_from_running_the_preset() {
        let p = preview("nginx-upstream", Some("swrr-5-1-1")).unwrap();
        assert!(p.contains("a a b a c a a"), "{p}");
        let p = preview("redis-dict", Some("grow-from-4")).unwrap();
        assert!(p.contains("rehashidx"), "{p}");
        assert!(preview("nope", None).is_none());
    }

    #[test]
    fn a_bad_command_changes_nothing() {
        let mut st = SimState::open("lb", None, 1).unwrap();
        let n = st.steps.len();
        let pos = st.pos;
        assert!(st.submit("reqs banana").is_err());
        assert_eq!(st.steps.len(), n);
        assert_eq!(st.pos, pos);
        st.submit("reqs 7").unwrap();
        assert_eq!(st.pos, st.steps.len());
        assert!(st.steps.len() > n);
    }

    #[test]
    fn meta_commands_jump_reseed_and_switch_presets() {
        let mut st = SimState::open("redis-dict", Some("grow-from-4"), 1).unwrap();
        st.submit("3").unwrap();
        assert_eq!(st.pos, 3);
        st.submit("seed 9").unwrap();
        assert_eq!(st.seed, 9);
        assert_eq!(st.pos, 0);
        st.submit("preset shrink-after-deletes").unwrap();
        assert_eq!(st.preset_name(), "shrink-after-deletes");
        assert!(st.submit("preset nope").is_err());
        assert!(st.submit("seed x").is_err());
    }
}
