//! Where tuitor keeps what the user did: resume position, bookmarks, history.
//!
//! The state is one small JSON document in the data directory
//! (`--data-dir`, else `TUITOR_DATA_DIR`, else `$XDG_DATA_HOME/tuitor`, else
//! `~/.local/share/tuitor`). Every save writes a temporary file, syncs it and
//! renames it over the old one, so a crash at any moment leaves either the old or
//! the new state, never a torn file. A state file that cannot be parsed is moved
//! aside (`state.json.corrupt-<time>`) and tuitor starts fresh.
//!
//! Topics are remembered by a [`TopicKey`] (note path + heading path), not by
//! index, so edits to a note don't send the user to the wrong place.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::content::{Library, TopicId};

/// A topic's identity across runs: its note's path and its heading path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TopicKey {
    /// The note's path.
    pub note: String,
    /// Titles from the root topic down to this one.
    pub path: Vec<String>,
}

impl TopicKey {
    /// The key of topic `t`.
    pub fn of(lib: &Library, t: TopicId) -> TopicKey {
        let mut path: Vec<String> = lib.ancestors(t).into_iter().map(String::from).collect();
        path.push(lib.topics[t].title.clone());
        TopicKey {
            note: lib.notes[lib.topics[t].note].path.clone(),
            path,
        }
    }

    /// Find the topic in `lib`.
    pub fn find(&self, lib: &Library) -> Option<TopicId> {
        let note = lib.notes.iter().find(|n| n.path == self.note)?;
        note.topics.clone().find(|&t| {
            let k = TopicKey::of(lib, t);
            k.path == self.path
        })
    }
}

/// Everything remembered between runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// Schema version of this document.
    pub version: u32,
    /// Last topic open, per set of notes (key: the notes' source description).
    pub resume: Vec<Resume>,
    /// Bookmarked topics.
    pub bookmarks: Vec<TopicKey>,
}

/// Where the user was in one set of notes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resume {
    /// Which notes (e.g. `embedded` or the `--notes` paths).
    pub source: String,
    /// The topic.
    pub topic: TopicKey,
    /// Scroll offset in the topic.
    pub scroll: usize,
}

/// The current state document version.
pub const VERSION: u32 = 1;

/// The data directory to use.
pub fn data_dir(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("TUITOR_DATA_DIR").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    if let Some(p) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p).join("tuitor"));
    }
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(|h| PathBuf::from(h).join(".local/share/tuitor"))
}

/// The state file and its contents.
#[derive(Debug)]
pub struct Store {
    path: Option<PathBuf>,
    /// The state.
    pub state: State,
    /// A problem to tell the user about (load or save failed), if any.
    pub warning: Option<String>,
}

impl Store {
    /// A store that never saves (no data directory).
    pub fn memory() -> Store {
        Store {
            path: None,
            state: State::default(),
            warning: None,
        }
    }

    /// Open the state in `dir` (created when missing).
    pub fn open(dir: Option<&Path>) -> Store {
        let Some(dir) = dir else {
            return Store {
                warning: Some("no data directory (set TUITOR_DATA_DIR or HOME)".into()),
                ..Store::memory()
            };
        };
        let path = dir.join("state.json");
        let mut store = Store {
            path: Some(path.clone()),
            state: State::default(),
            warning: None,
        };
        match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice::<State>(&bytes) {
                Ok(s) if s.version <= VERSION => store.state = s,
                Ok(s) => {
                    store.warning = Some(format!(
                        "{} was written by a newer tuitor (version {}); it is left untouched and nothing will be saved",
                        path.display(),
                        s.version
                    ));
                    store.path = None;
                }
                Err(e) => {
                    let stamp = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_secs())
                        .unwrap_or(0);
                    let aside = dir.join(format!("state.json.corrupt-{stamp}"));
                    let moved = std::fs::rename(&path, &aside).is_ok();
                    store.warning = Some(format!(
                        "{} could not be read ({e}); {}",
                        path.display(),
                        if moved {
                            format!("it was moved to {}", aside.display())
                        } else {
                            "starting fresh".to_string()
                        }
                    ));
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => store.warning = Some(format!("cannot read {}: {e}", path.display())),
        }
        store
    }

    /// Write the state atomically. Errors are returned and also kept in `warning`.
    pub fn save(&mut self) -> Result<(), String> {
        let Some(path) = self.path.clone() else {
            return Ok(());
        };
        self.state.version = VERSION;
        let result = write_atomic(&path, &self.state);
        if let Err(e) = &result {
            self.warning = Some(e.clone());
        }
        result
    }

    /// The resume entry for `source`.
    pub fn resume(&self, source: &str) -> Option<&Resume> {
        self.state.resume.iter().find(|r| r.source == source)
    }

    /// Remember where the user is in `source`.
    pub fn set_resume(&mut self, source: &str, topic: TopicKey, scroll: usize) {
        self.state.resume.retain(|r| r.source != source);
        self.state.resume.insert(
            0,
            Resume {
                source: source.to_string(),
                topic,
                scroll,
            },
        );
        self.state.resume.truncate(32);
    }
}

fn write_atomic(path: &Path, state: &State) -> Result<(), String> {
    use std::io::Write;
    let dir = path.parent().ok_or("state path has no folder")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let tmp = dir.join(format!(".state.json.tmp-{}", std::process::id()));
    let data = serde_json::to_vec_pretty(state).map_err(|e| e.to_string())?;
    let mut f =
        std::fs::File::create(&tmp).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    f.write_all(&data)
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot replace {}: {e}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_corrupt_file_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(Some(dir.path()));
        assert!(s.warning.is_none());
        s.set_resume(
            "embedded",
            TopicKey {
                note: "a.md".into(),
                path: vec!["A".into()],
            },
            7,
        );
        s.save().unwrap();
        let s2 = Store::open(Some(dir.path()));
        assert_eq!(s2.resume("embedded").unwrap().scroll, 7);
        std::fs::write(dir.path().join("state.json"), b"{not json").unwrap();
        let s3 = Store::open(Some(dir.path()));
        assert!(s3.warning.as_deref().unwrap().contains("moved"));
        assert!(std::fs::read_dir(dir.path()).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("state.json.corrupt-")));
    }

    #[test]
    fn newer_version_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("state.json"), br#"{"version": 99}"#).unwrap();
        let mut s = Store::open(Some(dir.path()));
        assert!(s.warning.is_some());
        s.save().unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("state.json")).unwrap(),
            br#"{"version": 99}"#
        );
    }
}
