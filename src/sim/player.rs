//! The timeline of a running simulation: steps, snapshots, seeking, marks.
//!
//! A [`Player`] owns a [`Session`] and every [`Step`] it produced. The picture
//! at step `k` is the simulation's [`Picture`] with the first `k` steps applied
//! (from a cached snapshot every [`SNAPSHOT_EVERY`] steps), so stepping back is
//! as cheap as stepping forward and every frame can be reproduced. Lines typed
//! by the learner go to the same session (the same language as `tuitor sim`),
//! plus a few meta-commands ([`Player::submit`]); a refused command changes
//! nothing. The terminal UI and `tuitor sim --picture` both drive a player.

use crate::i18n::Lang;

use super::{split_commands, CmdError, Picture, Preset, Session, SimInfo, Step};

/// A snapshot of the picture is kept every this many steps.
pub const SNAPSHOT_EVERY: usize = 64;
/// Past this many steps the player takes no more commands (memory stays
/// bounded; each engine also caps what one command may do).
pub const MAX_STEPS: usize = 200_000;

/// A scenario that replaces a preset: its config and its commands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scenario {
    /// The config (YAML) the session starts from.
    pub config: Option<String>,
    /// The commands it runs, in order.
    pub commands: Vec<String>,
}

/// What a typed line did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Submitted {
    /// Nothing (an empty line).
    Nothing,
    /// Moved to a step.
    Seeked,
    /// Started over (another seed or preset).
    Restarted,
    /// Ran commands; the player now shows their last step.
    Ran,
}

/// The timeline of one simulation.
pub struct Player {
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
    picture: Box<dyn Picture>,
    snapshots: Vec<(usize, Box<dyn Picture>)>,
    custom: Option<Scenario>,
    /// A command of the preset or scenario that was refused while starting.
    pub warning: Option<String>,
}

impl Player {
    /// Open simulation `name` (or alias) at `preset` (default: its first).
    pub fn open(name: &str, preset: Option<&str>, seed: u64) -> Result<Player, CmdError> {
        let info = super::lookup(name)?;
        let idx = match preset {
            Some(p) => preset_index(info, info.preset(p)?),
            None => 0,
        };
        Self::start(info, idx, seed, None)
    }

    /// Open simulation `name` at a scenario of its own.
    pub fn scenario(name: &str, seed: u64, scenario: Scenario) -> Result<Player, CmdError> {
        Self::start(super::lookup(name)?, 0, seed, Some(scenario))
    }

    fn start(
        info: &'static SimInfo,
        preset: usize,
        seed: u64,
        custom: Option<Scenario>,
    ) -> Result<Player, CmdError> {
        let p = info.presets.get(preset);
        let config = match &custom {
            Some(s) => s.config.as_deref(),
            None => p.and_then(|p| p.config),
        };
        let session = (info.factory)(config, seed)?;
        let mut pl = Player {
            info,
            preset,
            seed,
            session,
            steps: Vec::new(),
            step_cmd: Vec::new(),
            commands: Vec::new(),
            pos: 0,
            picture: (info.picture)(),
            snapshots: Vec::new(),
            custom: None,
            warning: None,
        };
        let script = match &custom {
            Some(s) => s.commands.clone(),
            None => p.map(|p| split_commands(p.script)).unwrap_or_default(),
        };
        pl.custom = custom;
        for line in script {
            if let Err(e) = pl.run_command(&line) {
                pl.warning = Some(format!("{line}: {e}"));
            }
        }
        pl.seek(0);
        Ok(pl)
    }

    /// The preset's name (`scenario` for a scenario of its own).
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
            .map_or(self.info.about_in(lang), |p| lang.pick(p.zh, p.en))
    }

    /// The picture at the current step.
    pub fn picture(&self) -> &dyn Picture {
        self.picture.as_ref()
    }

    /// Run one command at the end of the timeline; its steps are appended and
    /// their number returned.
    pub fn run_command(&mut self, line: &str) -> Result<usize, CmdError> {
        if self.steps.len() >= MAX_STEPS {
            return Err(CmdError(format!(
                "the timeline is full ({} steps); start over to run more",
                self.steps.len()
            )));
        }
        let out = self.session.run(line)?;
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
        let (mut k, mut pic) = match self.snapshots.last() {
            Some((k, p)) => (*k, p.clone()),
            None => (0, (self.info.picture)()),
        };
        while k < self.steps.len() {
            pic.apply(&self.steps[k]);
            k += 1;
            if k % SNAPSHOT_EVERY == 0 {
                self.snapshots.push((k, pic.clone()));
            }
        }
    }

    /// Show the picture after `pos` steps (clamped to the timeline).
    pub fn seek(&mut self, pos: usize) {
        let pos = pos.min(self.steps.len());
        let (k, mut pic) = self
            .snapshots
            .iter()
            .rev()
            .find(|(k, _)| *k <= pos)
            .map_or_else(|| (0, (self.info.picture)()), |(k, p)| (*k, p.clone()));
        for st in &self.steps[k..pos] {
            pic.apply(st);
        }
        self.picture = pic;
        self.pos = pos;
    }

    /// Whether the last step is shown.
    pub fn at_end(&self) -> bool {
        self.pos >= self.steps.len()
    }

    /// The step whose effect is shown (the last one applied).
    pub fn current(&self) -> Option<&Step> {
        self.pos.checked_sub(1).and_then(|i| self.steps.get(i))
    }

    /// Step by `delta` (negative: back).
    pub fn step(&mut self, delta: isize) {
        self.seek(self.pos.saturating_add_signed(delta));
    }

    /// Whether step `i` is a mark: notable, or the first of a command.
    pub fn is_mark(&self, i: usize) -> bool {
        self.steps[i].notable || (i > 0 && self.step_cmd[i] != self.step_cmd[i - 1])
    }

    /// Jump to the next (or previous) mark.
    pub fn jump_mark(&mut self, forward: bool) {
        let target = if forward {
            (self.pos..self.steps.len())
                .find(|&i| self.is_mark(i))
                .map_or(self.steps.len(), |i| i + 1)
        } else {
            (0..self.pos.saturating_sub(1))
                .rev()
                .find(|&i| self.is_mark(i))
                .map_or(0, |i| i + 1)
        };
        self.seek(target);
    }

    /// Start over with the current preset (or scenario) and seed.
    pub fn reset(&mut self) -> Result<(), CmdError> {
        *self = Self::start(self.info, self.preset, self.seed, self.custom.clone())?;
        Ok(())
    }

    /// Switch preset by `delta` (wrapping) and start over.
    pub fn switch_preset(&mut self, delta: isize) -> Result<(), CmdError> {
        let n = self.info.presets.len().max(1) as isize;
        self.preset = (self.preset as isize + delta).rem_euclid(n) as usize;
        self.custom = None;
        self.reset()
    }

    /// Use another seed and start over.
    pub fn reseed(&mut self, seed: u64) -> Result<(), CmdError> {
        self.seed = seed;
        self.reset()
    }

    /// Handle a typed line. Besides the engine's commands (several may be
    /// separated by `;`) it accepts a step number (jump there), `seed N` and
    /// `preset NAME`. A refused command stops the line; the commands before it
    /// stay run.
    pub fn submit(&mut self, line: &str) -> Result<Submitted, CmdError> {
        let line = line.trim();
        if line.is_empty() {
            return Ok(Submitted::Nothing);
        }
        if let Ok(n) = line.parse::<usize>() {
            self.seek(n);
            return Ok(Submitted::Seeked);
        }
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some("seed"), Some(n), None) => {
                let seed = n
                    .parse::<u64>()
                    .map_err(|_| CmdError(format!("seed must be a whole number, not {n:?}")))?;
                self.reseed(seed)?;
                return Ok(Submitted::Restarted);
            }
            (Some("preset"), Some(p), None) => {
                self.preset = preset_index(self.info, self.info.preset(p)?);
                self.custom = None;
                self.reset()?;
                return Ok(Submitted::Restarted);
            }
            _ => {}
        }
        let before = self.steps.len();
        let mut result = Ok(());
        for cmd in split_commands(line) {
            if let Err(e) = self.run_command(&cmd) {
                result = Err(CmdError(format!("{cmd}: {e}")));
                break;
            }
        }
        if self.steps.len() > before {
            self.seek(self.steps.len());
        }
        result.map(|()| Submitted::Ran)
    }
}

fn preset_index(info: &SimInfo, p: &Preset) -> usize {
    info.presets
        .iter()
        .position(|x| std::ptr::eq(x, p))
        .unwrap_or(0)
}

/// The live preview of a note's simulation card: the summary of the picture
/// its preset's run ends with.
pub fn preview(name: &str, preset: Option<&str>) -> Option<String> {
    let mut pl = Player::open(name, preset, 1).ok()?;
    pl.seek(pl.steps.len());
    Some(pl.picture().summary())
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
    use crate::sim::picture::plain;

    fn shown(pl: &Player) -> String {
        plain(&pl.picture().lines(Lang::En, 100, 40), 100)
    }

    #[test]
    fn every_preset_of_every_simulation_opens_and_every_step_replays() {
        for info in crate::sim::REGISTRY {
            for p in info.presets {
                let mut pl = Player::open(info.name, Some(p.name), 1).unwrap();
                assert!(
                    pl.warning.is_none(),
                    "{} {}: {:?}",
                    info.name,
                    p.name,
                    pl.warning
                );
                assert!(!pl.steps.is_empty(), "{} {}", info.name, p.name);
                // walking forward one step at a time equals seeking there
                let n = pl.steps.len();
                for k in [0, 1, n / 2, n.saturating_sub(1), n] {
                    pl.seek(k);
                    let a = shown(&pl);
                    pl.seek(0);
                    for _ in 0..k {
                        pl.step(1);
                    }
                    assert_eq!(a, shown(&pl), "{} {} at {k}", info.name, p.name);
                }
            }
        }
    }

    #[test]
    fn seeking_past_a_snapshot_and_back_draws_the_same_picture() {
        let mut pl = Player::open("redis-dict", Some("grow-from-4"), 1).unwrap();
        pl.submit("fill 200").unwrap();
        assert!(pl.steps.len() > 2 * SNAPSHOT_EVERY);
        let k = SNAPSHOT_EVERY + 3;
        pl.seek(k);
        let a = shown(&pl);
        pl.seek(pl.steps.len());
        pl.seek(k);
        assert_eq!(a, shown(&pl));
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
        let mut pl = Player::open("lb", None, 1).unwrap();
        let n = pl.steps.len();
        let pos = pl.pos;
        assert!(pl.submit("reqs banana").is_err());
        assert_eq!(pl.steps.len(), n);
        assert_eq!(pl.pos, pos);
        assert_eq!(pl.submit("reqs 7").unwrap(), Submitted::Ran);
        assert!(pl.at_end());
        assert!(pl.steps.len() > n);
    }

    #[test]
    fn meta_commands_jump_reseed_and_switch_presets() {
        let mut pl = Player::open("redis-dict", Some("grow-from-4"), 1).unwrap();
        assert_eq!(pl.submit("3").unwrap(), Submitted::Seeked);
        assert_eq!(pl.pos, 3);
        assert_eq!(pl.submit("seed 9").unwrap(), Submitted::Restarted);
        assert_eq!(pl.seed, 9);
        assert_eq!(pl.pos, 0);
        pl.submit("preset shrink-after-deletes").unwrap();
        assert_eq!(pl.preset_name(), "shrink-after-deletes");
        let e = pl.submit("preset nope").unwrap_err();
        assert!(e.0.contains("grow-from-4"), "{e}");
        assert!(pl.submit("seed x").is_err());
        pl.switch_preset(-1).unwrap();
        assert_eq!(pl.preset_name(), "grow-from-4");
    }

    #[test]
    fn marks_are_notable_steps_and_command_starts() {
        let mut pl = Player::open("redis-dict", Some("grow-from-4"), 1).unwrap();
        let marks: Vec<usize> = (0..pl.steps.len()).filter(|&i| pl.is_mark(i)).collect();
        assert!(!marks.is_empty());
        pl.jump_mark(true);
        assert_eq!(pl.pos, marks[0] + 1);
        pl.jump_mark(false);
        assert_eq!(pl.pos, 0);
    }

    #[test]
    fn a_scenario_replaces_the_preset() {
        let pl = Player::scenario(
            "redis-dict",
            1,
            Scenario {
                config: None,
                commands: vec!["set a 1".into(), "set b 2".into()],
            },
        )
        .unwrap();
        assert_eq!(pl.preset_name(), "scenario");
        assert_eq!(pl.commands, ["set a 1", "set b 2"]);
    }
}
