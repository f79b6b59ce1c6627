//! The simulation screen: a [`Player`]'s timeline on a terminal.
//!
//! Everything about the simulation itself — its steps, snapshots, seeking,
//! presets and the picture — is the core's [`Player`]; this screen adds only
//! what a terminal needs: playback on a timer, the input line, which pane is
//! shown on a narrow terminal and how far the event log is scrolled. It names
//! no simulation: any entry of the registry opens here.

pub mod view;

use std::time::Duration;

use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use crate::sim::player::{Player, Submitted};

use super::edit::Edited;
use super::keymap::{Action, Ctx, Key, Keymap};

/// Playback speeds: milliseconds per step.
pub const SPEEDS: &[u64] = &[1200, 700, 400, 200, 100, 40];
/// The longest input line, in characters.
const MAX_INPUT: usize = 4096;

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

/// What a key on the simulation screen asks of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Nothing beyond redrawing.
    None,
    /// Close the screen (back where it was opened from).
    Close,
    /// Quit tuitor.
    Quit,
}

/// The simulation screen's state.
pub struct SimScreen {
    /// The timeline.
    pub player: Player,
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
}

impl std::fmt::Debug for SimScreen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SimScreen({} {} at {}/{})",
            self.player.info.name,
            self.player.preset_name(),
            self.player.pos,
            self.player.steps.len()
        )
    }
}

impl SimScreen {
    /// A screen on `player`, paused at its start; a command its preset refused
    /// shows as the error.
    pub fn new(player: Player) -> SimScreen {
        SimScreen {
            error: player.warning.clone(),
            player,
            playing: false,
            speed: 2,
            input: None,
            pane: Pane::Visual,
            log_offset: None,
        }
    }

    /// The interval between steps while playing.
    pub fn tick(&self) -> Option<Duration> {
        self.playing
            .then(|| Duration::from_millis(SPEEDS[self.speed.min(SPEEDS.len() - 1)]))
    }

    /// Advance one step of playback.
    pub fn on_tick(&mut self) {
        if self.playing {
            self.seek_by(1);
            self.playing = !self.player.at_end();
        }
    }

    /// Start or pause playback (from the start when at the end).
    pub fn toggle_play(&mut self) {
        if self.playing {
            self.playing = false;
        } else {
            if self.player.at_end() {
                self.seek(0);
            }
            self.playing = !self.player.steps.is_empty();
        }
    }

    fn seek(&mut self, pos: usize) {
        self.player.seek(pos);
        self.log_offset = None;
    }

    fn seek_by(&mut self, delta: isize) {
        self.player.step(delta);
        self.log_offset = None;
    }

    /// Restart the player with `f` (a reset, a reseed, another preset),
    /// keeping the speed and the pane.
    fn restart(
        &mut self,
        f: impl FnOnce(&mut Player) -> Result<(), crate::sim::CmdError>,
    ) -> Result<(), String> {
        self.playing = false;
        self.log_offset = None;
        f(&mut self.player).map_err(|e| e.0)?;
        self.error = self.player.warning.clone();
        Ok(())
    }

    /// Handle a key. `size` is the terminal's, for scrolling the log by its
    /// visible height.
    pub fn key(&mut self, k: &KeyEvent, keymap: &Keymap, size: (u16, u16)) -> Effect {
        if self.input.is_some() {
            self.input_key(k, keymap);
            return Effect::None;
        }
        self.error = None;
        let Some(a) = keymap.lookup(Ctx::Sim, Key::from_event(k)) else {
            return Effect::None;
        };
        let result = match a {
            Action::StepForward | Action::StepBack => {
                self.playing = false;
                self.seek_by(if a == Action::StepForward { 1 } else { -1 });
                Ok(())
            }
            Action::Play => {
                self.toggle_play();
                Ok(())
            }
            Action::Faster => {
                self.speed = (self.speed + 1).min(SPEEDS.len() - 1);
                Ok(())
            }
            Action::Slower => {
                self.speed = self.speed.saturating_sub(1);
                Ok(())
            }
            Action::Top | Action::Bottom => {
                self.playing = false;
                self.seek(if a == Action::Top {
                    0
                } else {
                    self.player.steps.len()
                });
                Ok(())
            }
            Action::NextMark | Action::PrevMark => {
                self.playing = false;
                self.player.jump_mark(a == Action::NextMark);
                self.log_offset = None;
                Ok(())
            }
            Action::Reset => self.restart(Player::reset),
            Action::NextPreset => self.restart(|p| p.switch_preset(1)),
            Action::PrevPreset => self.restart(|p| p.switch_preset(-1)),
            Action::Reseed => self.restart(|p| p.reseed(p.seed.wrapping_add(1))),
            Action::Command => {
                self.playing = false;
                self.input = Some(String::new());
                Ok(())
            }
            Action::Pane => {
                self.pane = match self.pane {
                    Pane::Visual => Pane::Source,
                    Pane::Source => Pane::Log,
                    Pane::Log => Pane::Visual,
                };
                Ok(())
            }
            Action::Up | Action::Down => {
                let rows = view::layout(size.0, size.1, self.pane)
                    .map_or(10, |l| l.log.height.saturating_sub(2) as usize);
                self.scroll_log(rows, if a == Action::Up { -1 } else { 1 });
                Ok(())
            }
            Action::Close => return Effect::Close,
            Action::Quit => return Effect::Quit,
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.error = Some(e);
        }
        Effect::None
    }

    fn input_key(&mut self, k: &KeyEvent, keys: &Keymap) {
        let Some(input) = self.input.as_mut() else {
            return;
        };
        match super::edit::key(input, k, keys, MAX_INPUT) {
            Edited::Submit => {
                let line = self.input.take().unwrap_or_default();
                self.playing = false;
                match self.player.submit(&line) {
                    Ok(Submitted::Nothing) => {}
                    Ok(_) => self.error = self.player.warning.take(),
                    Err(e) => self.error = Some(e.0),
                }
                self.log_offset = None;
            }
            Edited::Cancel => self.input = None,
            Edited::Text | Edited::Pass => {}
        }
    }

    fn scroll_log(&mut self, rows: usize, delta: isize) {
        let start = view::log_start(self, rows);
        self.log_offset = Some(
            start
                .saturating_add_signed(delta)
                .min(self.player.steps.len().saturating_sub(1)),
        );
    }

    /// Handle a mouse event on a terminal of `size`.
    pub fn mouse(&mut self, m: &MouseEvent, size: (u16, u16)) {
        let Some(l) = view::layout(size.0, size.1, self.pane) else {
            return;
        };
        let inside = |r: Rect| {
            m.column >= r.x && m.column < r.x + r.width && m.row >= r.y && m.row < r.y + r.height
        };
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) if inside(l.timeline) => {
                if let Some(k) = view::step_at(self, l.timeline, m.column) {
                    self.playing = false;
                    self.seek(k);
                }
            }
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown if inside(l.log) => {
                let rows = l.log.height.saturating_sub(2) as usize;
                let d = if m.kind == MouseEventKind::ScrollUp {
                    -3
                } else {
                    3
                };
                self.scroll_log(rows, d);
            }
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
                self.playing = false;
                self.seek_by(if m.kind == MouseEventKind::ScrollUp {
                    -1
                } else {
                    1
                });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn press(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn keys_step_play_and_type_commands_through_the_keymap() {
        let km = Keymap::default_map();
        let mut s = SimScreen::new(Player::open("lb", None, 1).unwrap());
        let n = s.player.steps.len();
        assert_eq!(s.key(&press(KeyCode::Right), &km, (120, 40)), Effect::None);
        assert_eq!(s.player.pos, 1);
        s.key(&press(KeyCode::Char(':')), &km, (120, 40));
        for c in "reqs 3".chars() {
            s.key(&press(KeyCode::Char(c)), &km, (120, 40));
        }
        s.key(&press(KeyCode::Enter), &km, (120, 40));
        assert!(s.error.is_none(), "{:?}", s.error);
        assert!(s.player.steps.len() > n);
        assert!(s.player.at_end());
        s.key(&press(KeyCode::Char(':')), &km, (120, 40));
        for c in "reqs banana".chars() {
            s.key(&press(KeyCode::Char(c)), &km, (120, 40));
        }
        s.key(&press(KeyCode::Enter), &km, (120, 40));
        assert!(s.error.is_some());
        s.toggle_play();
        assert!(s.playing && s.player.pos == 0);
        assert_eq!(s.key(&press(KeyCode::Esc), &km, (120, 40)), Effect::Close);
    }
}
