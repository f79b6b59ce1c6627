//! Where tuitor keeps what the user did: quiz progress and the review log,
//! resume positions and bookmarks.
//!
//! Everything lives in one SQLite database, [`db::FILE`], in the data directory
//! (`--data-dir`, else `TUITOR_DATA_DIR`, else `$XDG_DATA_HOME/tuitor`, else
//! `~/.local/share/tuitor`); [`db`] says how it is kept safe. A `state.json`
//! left by an older tuitor (resume positions and bookmarks) is imported once.
//!
//! Topics are remembered by a [`TopicKey`] (note path + heading path), not by
//! index, so edits to a note don't send the user to the wrong place.

pub mod db;

use std::collections::HashMap;
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

/// The version of the old `state.json` document this build can import.
pub const VERSION: u32 = 1;

/// The `meta` key set once `state.json` has been imported.
const IMPORTED: &str = "state_json_imported";

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

/// The progress database and the browsing state read from it.
#[derive(Debug)]
pub struct Store {
    db: Option<db::Db>,
    /// Resume positions and bookmarks (written back by [`Store::save`]).
    pub state: State,
    /// A problem to tell the user about (open or save failed), if any.
    pub warning: Option<String>,
    /// A warning raised by a write that succeeded only in memory, not shown
    /// yet (see [`Store::take_notice`]).
    notice: Option<String>,
}

impl Store {
    /// A store that never saves.
    pub fn memory() -> Store {
        let (db, warning) = match db::Db::memory() {
            Ok(db) => (Some(db), None),
            Err(e) => (None, Some(format!("no progress store: {e}"))),
        };
        Store {
            db,
            state: State::default(),
            warning,
            notice: None,
        }
    }

    /// Open the store in `dir` (created when missing). Never fails: problems
    /// end up in `warning` and the store then works without saving.
    pub fn open(dir: Option<&Path>) -> Store {
        let Some(dir) = dir else {
            return Store {
                warning: Some(
                    "no data directory (set TUITOR_DATA_DIR or HOME); progress will not be saved"
                        .into(),
                ),
                ..Store::memory()
            };
        };
        let (db, warning) = db::Db::open(dir);
        let mut store = Store {
            db: None,
            state: State::default(),
            warning,
            notice: None,
        };
        match db {
            Ok(db) => store.db = Some(db),
            Err(e) => {
                store.warn(format!("no progress store: {e}"));
                return store;
            }
        }
        if let Some(db) = &store.db {
            match db.load_browse() {
                Ok((resume, bookmarks)) => {
                    store.state.resume = resume;
                    store.state.bookmarks = bookmarks;
                }
                Err(e) => store.warn(e.to_string()),
            }
        }
        store.import_state_json(dir);
        store
    }

    fn warn(&mut self, w: String) {
        self.warning = Some(match self.warning.take() {
            Some(old) => format!("{old}; {w}"),
            None => w,
        });
    }

    /// Import `dir/state.json` (from an older tuitor) once.
    fn import_state_json(&mut self, dir: &Path) {
        let path = dir.join("state.json");
        let Some(db) = &self.db else { return };
        if !matches!(db.meta(IMPORTED), Ok(None)) {
            return;
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(e) => return self.warn(format!("cannot read {}: {e}", path.display())),
        };
        match serde_json::from_slice::<State>(&bytes) {
            Ok(s) if s.version <= VERSION => {
                for b in s.bookmarks {
                    if !self.state.bookmarks.contains(&b) {
                        self.state.bookmarks.push(b);
                    }
                }
                for r in s.resume {
                    if self.resume(&r.source).is_none() {
                        self.state.resume.push(r);
                    }
                }
                let saved = self.save();
                if let (Ok(()), Some(db)) = (saved, self.db.as_mut()) {
                    let _ = db.set_meta(IMPORTED, "1");
                }
            }
            Ok(s) => self.warn(format!(
                "{} was written by a newer tuitor (version {}); it is left untouched and not imported",
                path.display(),
                s.version
            )),
            Err(e) => {
                let stamp = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                let aside = dir.join(format!("state.json.corrupt-{stamp}"));
                let moved = std::fs::rename(&path, &aside).is_ok();
                self.warn(format!(
                    "{} could not be read ({e}); {}",
                    path.display(),
                    if moved {
                        format!("it was moved to {}", aside.display())
                    } else {
                        "it was not imported".to_string()
                    }
                ));
            }
        }
    }

    /// Whether progress reaches the disk.
    pub fn persistent(&self) -> bool {
        self.db.as_ref().is_some_and(db::Db::persistent)
    }

    /// Whether progress should reach the disk but does not (the store could
    /// not be opened or written; `warning` says why). A store made with
    /// [`Store::memory`] on purpose is not such a case.
    pub fn not_saving(&self) -> bool {
        !self.persistent() && self.warning.is_some()
    }

    /// The database file, when progress is saved.
    pub fn path(&self) -> Option<&Path> {
        self.db.as_ref().and_then(db::Db::path)
    }

    /// Write the resume positions and bookmarks. Errors are returned and also
    /// kept in `warning`; after a failed write to the file they are kept in
    /// memory for the rest of the run (see [`Store::record`]) and the error is
    /// returned once.
    pub fn save(&mut self) -> Result<(), String> {
        let Some(db) = self.db.as_mut() else {
            return Ok(());
        };
        let Err(e) = db.save_browse(&self.state.resume, &self.state.bookmarks) else {
            return Ok(());
        };
        let msg = match self.write_failed(e) {
            Ok(msg) => {
                if let Some(db) = self.db.as_mut() {
                    let _ = db.save_browse(&self.state.resume, &self.state.bookmarks);
                }
                msg
            }
            Err(msg) => msg,
        };
        self.warning = Some(msg.clone());
        Err(msg)
    }

    /// A write to the database file failed with `e`. Unless another tuitor
    /// only held the lock too long, the store carries on in memory: everything
    /// committed so far is copied there, later writes go there, and the file is
    /// not written again this run, so a full disk or a folder made read-only
    /// cannot leave it half-written and nothing done since is lost until exit.
    /// `Ok(message)` when the store now works in memory (the caller repeats
    /// the write there), `Err(message)` when it could not switch; either way
    /// the message says what happened and what to do.
    fn write_failed(&mut self, e: db::DbError) -> Result<String, String> {
        let Some(db) = self.db.as_ref() else {
            return Err(e.to_string());
        };
        let Some(path) = db.path().filter(|_| !e.is_busy()) else {
            return Err(e.to_string());
        };
        let path = path.display().to_string();
        let what = if e.is_full() {
            "free some disk space"
        } else {
            "free some disk space or make the folder writable"
        };
        match db.to_memory() {
            Ok(mem) => {
                self.db = Some(mem);
                let msg = format!(
                    "{e}; from now on progress is kept in memory only and will not be saved this time, what was saved before is intact in {path} ({what}, then start tuitor again)"
                );
                self.warn(msg.clone());
                Ok(msg)
            }
            Err(copy) => Err(format!(
                "{e} ({path}); this change is not saved, and progress cannot be kept in memory either ({copy})"
            )),
        }
    }

    /// The warning raised by the last [`Store::record`] that was kept in
    /// memory because the file could not be written; `Some` once, then `None`.
    pub fn take_notice(&mut self) -> Option<String> {
        self.notice.take()
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

    /// Every card's memory, by card id.
    pub fn memories(&self) -> Result<HashMap<String, crate::quiz::schedule::Memory>, String> {
        match &self.db {
            Some(db) => db.memories().map_err(|e| e.to_string()),
            None => Ok(HashMap::new()),
        }
    }

    /// Store one review (committed before this returns). `None` when there is
    /// no store at all. When the file cannot be written the review is kept in
    /// memory instead, with a warning for [`Store::take_notice`] (given once:
    /// later reviews go to memory without one).
    pub fn record(&mut self, r: &db::NewReview<'_>) -> Result<Option<i64>, String> {
        let Some(db) = self.db.as_mut() else {
            return Ok(None);
        };
        let e = match db.record(r) {
            Ok(id) => return Ok(Some(id)),
            Err(e) => e,
        };
        self.notice = Some(self.write_failed(e)?);
        match self.db.as_mut() {
            Some(db) => db.record(r).map(Some).map_err(|e| e.to_string()),
            None => Ok(None),
        }
    }

    /// Take back a stored review and restore the card's previous memory.
    pub fn undo(
        &mut self,
        review_id: i64,
        card: &str,
        before: Option<&crate::quiz::schedule::Memory>,
    ) -> Result<(), String> {
        let Some(db) = self.db.as_mut() else {
            return Ok(());
        };
        let Err(e) = db.undo(review_id, card, before) else {
            return Ok(());
        };
        let msg = self.write_failed(e)?;
        if let Some(db) = self.db.as_mut() {
            let _ = db.undo(review_id, card, before);
        }
        Err(msg)
    }

    /// Every stored review, oldest first.
    pub fn reviews(&self) -> Result<Vec<crate::quiz::stats::ReviewRow>, String> {
        match &self.db {
            Some(db) => db.reviews().map_err(|e| e.to_string()),
            None => Ok(Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: &str) -> TopicKey {
        TopicKey {
            note: "a.md".into(),
            path: vec!["A".into(), n.into()],
        }
    }

    #[test]
    fn resume_and_bookmarks_round_trip_through_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(Some(dir.path()));
        assert!(s.warning.is_none(), "{:?}", s.warning);
        assert!(s.persistent());
        s.set_resume("embedded", key("x"), 7);
        s.state.bookmarks.push(key("b1"));
        s.state.bookmarks.push(key("b2"));
        s.save().unwrap();
        let s2 = Store::open(Some(dir.path()));
        assert_eq!(s2.resume("embedded").unwrap().scroll, 7);
        assert_eq!(s2.resume("embedded").unwrap().topic, key("x"));
        assert_eq!(s2.state.bookmarks, vec![key("b1"), key("b2")]);
        assert!(dir.path().join(db::FILE).exists());
    }

    #[test]
    fn a_write_failing_mid_session_keeps_progress_in_memory_warns_once_and_spares_the_file() {
        use crate::quiz::schedule::new_memory;
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time");
        let m = new_memory(now);
        let review = |s: &mut Store, card: &str| {
            s.record(&db::NewReview {
                card,
                topic: "T",
                question: "q?",
                at: now.timestamp(),
                rating: 3,
                correct: None,
                answer: None,
                memory: &m,
            })
        };
        let long = |i: usize| format!("card-{i:04}-{}", "x".repeat(200));
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(Some(dir.path()));
        let first = review(&mut s, "c0").unwrap().expect("stored");
        review(&mut s, "c1").unwrap();
        s.set_resume("embedded", key("x"), 1);
        s.save().unwrap();
        assert!(s.take_notice().is_none());

        // The disk fills up in the middle of the session.
        s.db.as_ref().expect("a database").fill_up();
        let mut committed = 2;
        let warning = loop {
            let id = review(&mut s, &long(committed)).expect("kept even when the file is full");
            assert!(id.is_some());
            if let Some(w) = s.take_notice() {
                break w;
            }
            committed += 1;
            assert!(committed < 10_000, "the database never became full");
        };
        assert!(warning.contains("database or disk is full"), "{warning}");
        assert!(warning.contains("kept in memory"), "{warning}");
        assert!(warning.contains("free some disk space"), "{warning}");
        assert!(
            warning.contains(&dir.path().join(db::FILE).display().to_string()),
            "{warning}"
        );
        assert!(!s.persistent());
        // The review whose write failed is kept, with everything before it.
        assert_eq!(s.reviews().unwrap().len(), committed + 1);
        assert_eq!(s.memories().unwrap().len(), committed + 1);
        // Warned once: later writes go to memory quietly.
        review(&mut s, "c-later").unwrap();
        assert!(s.take_notice().is_none());
        s.state.bookmarks.push(key("b"));
        s.save().unwrap();
        s.undo(first, "c0", None).unwrap();
        assert!(!s.memories().unwrap().contains_key("c0"));
        assert_eq!(s.reviews().unwrap().len(), committed + 1);
        assert!(s
            .warning
            .as_deref()
            .is_some_and(|w| w.contains("kept in memory")));
        drop(s);

        // The file holds exactly what was committed before the failure, intact.
        let (file, w) = db::Db::open(dir.path());
        assert!(w.is_none(), "{w:?}");
        let file = file.unwrap();
        assert_eq!(file.integrity(), "ok");
        assert_eq!(file.reviews().unwrap().len(), committed);
        assert!(file.memories().unwrap().contains_key("c0"));
        let (resume, bookmarks) = file.load_browse().unwrap();
        assert_eq!(resume.len(), 1);
        assert!(bookmarks.is_empty());
    }

    #[test]
    fn state_json_is_imported_once() {
        let dir = tempfile::tempdir().unwrap();
        let old = State {
            version: 1,
            resume: vec![Resume {
                source: "embedded".into(),
                topic: key("r"),
                scroll: 3,
            }],
            bookmarks: vec![key("b")],
        };
        std::fs::write(
            dir.path().join("state.json"),
            serde_json::to_vec(&old).unwrap(),
        )
        .unwrap();
        let mut s = Store::open(Some(dir.path()));
        assert_eq!(s.state.bookmarks, vec![key("b")]);
        assert_eq!(s.resume("embedded").unwrap().scroll, 3);
        s.state.bookmarks.clear();
        s.save().unwrap();
        // Not imported again: the removed bookmark stays removed.
        let s2 = Store::open(Some(dir.path()));
        assert!(s2.state.bookmarks.is_empty());
    }

    #[test]
    fn corrupt_state_json_moved_aside_and_newer_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("state.json"), b"{not json").unwrap();
        let s = Store::open(Some(dir.path()));
        assert!(s.warning.as_deref().unwrap().contains("moved"));
        let dir2 = tempfile::tempdir().unwrap();
        std::fs::write(dir2.path().join("state.json"), br#"{"version": 99}"#).unwrap();
        let s = Store::open(Some(dir2.path()));
        assert!(s.warning.as_deref().unwrap().contains("newer"));
        assert_eq!(
            std::fs::read(dir2.path().join("state.json")).unwrap(),
            br#"{"version": 99}"#
        );
    }
}
