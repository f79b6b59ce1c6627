//! The SQLite database that keeps progress: card memories, the review log,
//! bookmarks and resume positions.
//!
//! One file, `progress.db`, in the data directory. It runs in WAL mode with a
//! busy timeout, so a second tuitor running at the same time waits for the
//! first instead of failing or corrupting anything; every write is one
//! transaction (`BEGIN IMMEDIATE`), so a review is either fully stored or not
//! at all, whatever happens to the process.
//!
//! The schema is versioned (`schema_version`) and upgraded by the numbered
//! [`MIGRATIONS`]. Whatever goes wrong on open, tuitor still starts:
//! * a file that is not a database or is corrupt is moved aside
//!   (`progress.db.corrupt-<unix time>`) and a fresh one is created;
//! * a data directory (or file) that cannot be written is read once, if
//!   possible, into memory: everything works, nothing is saved, and the user is
//!   told;
//! * a database written by a newer tuitor is left untouched; this run keeps its
//!   progress in memory only;
//! * a write that fails later in a run (disk full, I/O error, file made
//!   read-only) is rolled back whole; the store then copies what is committed
//!   into memory ([`Db::to_memory`]) and carries on there, warning once
//!   (`Store::record`, `Store::save`), and the file is not written again
//!   that run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension};

use super::{Resume, TopicKey};
use crate::quiz::schedule::Memory;
use crate::quiz::stats::ReviewRow;

/// The database file's name in the data directory.
pub const FILE: &str = "progress.db";
/// How long a write waits for another tuitor holding the lock.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The schema, one migration per version (index 0 makes version 1).
pub const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE cards (
    id       TEXT PRIMARY KEY,
    topic    TEXT NOT NULL,
    question TEXT NOT NULL,
    memory   TEXT NOT NULL,
    due      INTEGER NOT NULL,
    state    INTEGER NOT NULL,
    updated  INTEGER NOT NULL
);
CREATE TABLE reviews (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    card     TEXT NOT NULL,
    topic    TEXT NOT NULL,
    question TEXT NOT NULL,
    at       INTEGER NOT NULL,
    rating   INTEGER NOT NULL,
    correct  INTEGER,
    answer   TEXT
);
CREATE INDEX reviews_at ON reviews(at);
CREATE TABLE bookmarks (
    pos  INTEGER NOT NULL,
    note TEXT NOT NULL,
    path TEXT NOT NULL,
    PRIMARY KEY (note, path)
);
CREATE TABLE resume (
    source TEXT PRIMARY KEY,
    pos    INTEGER NOT NULL,
    note   TEXT NOT NULL,
    path   TEXT NOT NULL,
    scroll INTEGER NOT NULL
);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#];

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// A database error with what was being done.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {source}")]
pub struct DbError {
    /// What tuitor was doing.
    pub what: String,
    /// SQLite's error.
    #[source]
    pub source: rusqlite::Error,
}

fn ctx(what: &str) -> impl FnOnce(rusqlite::Error) -> DbError + '_ {
    move |source| DbError {
        what: what.to_string(),
        source,
    }
}

/// One review to store.
#[derive(Clone, Debug)]
pub struct NewReview<'a> {
    /// The card's id.
    pub card: &'a str,
    /// Its topic.
    pub topic: &'a str,
    /// The question as shown.
    pub question: &'a str,
    /// When (unix seconds).
    pub at: i64,
    /// 1–4.
    pub rating: u8,
    /// Right or wrong, for auto-graded cards.
    pub correct: Option<bool>,
    /// What was answered (for the record).
    pub answer: Option<&'a str>,
    /// The card's memory after the grade.
    pub memory: &'a Memory,
}

/// The progress database.
#[derive(Debug)]
pub struct Db {
    conn: Connection,
    path: Option<PathBuf>,
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl DbError {
    /// Whether the write failed only because another tuitor held the database
    /// for longer than [`BUSY_TIMEOUT`] (trying again later may work); any
    /// other failure (disk full, read-only, I/O error) is about the file.
    pub fn is_busy(&self) -> bool {
        matches!(
            self.source.sqlite_error_code(),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
        )
    }

    /// Whether SQLite reported the disk (or the database's size limit) full.
    pub fn is_full(&self) -> bool {
        self.source.sqlite_error_code() == Some(ErrorCode::DiskFull)
    }
}

fn is_corrupt(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// Why a database file could not be used for writing.
enum OpenFail {
    Corrupt(String),
    Newer(i64),
    Unwritable(String),
}

impl Db {
    /// A database in memory: everything works, nothing is saved. Fails only
    /// when SQLite cannot allocate memory.
    pub fn memory() -> Result<Db, DbError> {
        let conn = Connection::open_in_memory().map_err(ctx("opening a database in memory"))?;
        let mut db = Db { conn, path: None };
        db.migrate().map_err(|e| match e {
            MigrateError::Db(e) => e,
            MigrateError::Newer(_) => DbError {
                what: "creating the schema in memory".into(),
                source: rusqlite::Error::InvalidQuery,
            },
        })?;
        Ok(db)
    }

    /// Where the database lives (`None`: in memory, not saved).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether writes reach the disk.
    pub fn persistent(&self) -> bool {
        self.path.is_some()
    }

    /// Open (or create) `dir/progress.db`. Whatever is wrong with the file, a
    /// usable database comes back (in memory when the file cannot be used; an
    /// error only when not even that can be allocated); the message says what
    /// went wrong and what tuitor did about it.
    pub fn open(dir: &Path) -> (Result<Db, DbError>, Option<String>) {
        let path = dir.join(FILE);
        if let Err(e) = std::fs::create_dir_all(dir) {
            return (
                Db::memory(),
                Some(format!(
                    "cannot create the data folder {} ({e}); progress will not be saved this time (use --data-dir to choose another folder)",
                    dir.display()
                )),
            );
        }
        match Db::open_rw(&path) {
            Ok(db) => (Ok(db), None),
            Err(OpenFail::Corrupt(e)) => {
                let aside = dir.join(format!("{FILE}.corrupt-{}", unix_now()));
                let moved = std::fs::rename(&path, &aside).is_ok();
                for ext in ["-wal", "-shm"] {
                    let side = dir.join(format!("{FILE}{ext}"));
                    let _ = std::fs::rename(
                        &side,
                        dir.join(format!(
                            "{}{ext}",
                            aside.file_name().and_then(|n| n.to_str()).unwrap_or(FILE)
                        )),
                    );
                }
                let what = if moved {
                    format!("it was moved to {}", aside.display())
                } else {
                    "it could not be moved aside".to_string()
                };
                match (moved, Db::open_rw(&path)) {
                    (true, Ok(db)) => (
                        Ok(db),
                        Some(format!(
                            "{} could not be read ({e}); {what} and progress starts afresh",
                            path.display()
                        )),
                    ),
                    _ => (
                        Db::memory(),
                        Some(format!(
                            "{} could not be read ({e}); {what}; progress will not be saved this time",
                            path.display()
                        )),
                    ),
                }
            }
            Err(OpenFail::Newer(v)) => (
                Db::memory(),
                Some(format!(
                    "{} was written by a newer tuitor (schema version {v}, this one knows {}); it is left untouched and progress will not be saved this time — update tuitor",
                    path.display(),
                    schema_version()
                )),
            ),
            Err(OpenFail::Unwritable(e)) => {
                let db = Db::memory();
                let copied = match &db {
                    Ok(db) => path.exists() && db.copy_from(&path).is_ok(),
                    Err(_) => false,
                };
                (
                    db,
                    Some(format!(
                        "cannot write {} ({e}); {}progress will not be saved this time (make the folder writable or use --data-dir)",
                        path.display(),
                        if copied { "your saved progress is shown, but " } else { "" }
                    )),
                )
            }
        }
    }

    fn open_rw(path: &Path) -> Result<Db, OpenFail> {
        let classify = |e: rusqlite::Error| {
            if is_corrupt(&e) {
                OpenFail::Corrupt(e.to_string())
            } else {
                OpenFail::Unwritable(e.to_string())
            }
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(classify)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(classify)?;
        if conn.is_readonly("main").unwrap_or(false) {
            return Err(OpenFail::Unwritable("the file is read-only".into()));
        }
        // Reading the header here turns a foreign file into NotADatabase.
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(classify)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(OpenFail::Unwritable(format!(
                "cannot switch to WAL mode (got {mode})"
            )));
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(classify)?;
        let mut db = Db {
            conn,
            path: Some(path.to_path_buf()),
        };
        match db.version() {
            Ok(v) if v > schema_version() => return Err(OpenFail::Newer(v)),
            Ok(_) => {}
            Err(e) => return Err(classify(e.source)),
        }
        let quick: String = db
            .conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(classify)?;
        if quick != "ok" {
            return Err(OpenFail::Corrupt(quick));
        }
        db.migrate().map_err(|e| match e {
            MigrateError::Newer(v) => OpenFail::Newer(v),
            MigrateError::Db(e) => classify(e.source),
        })?;
        Ok(db)
    }

    /// The schema version stored (0 for an empty database).
    pub fn version(&self) -> Result<i64, DbError> {
        let has: bool = self
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_version'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(ctx("reading the schema"))?;
        if !has {
            return Ok(0);
        }
        self.conn
            .query_row("SELECT max(version) FROM schema_version", [], |r| {
                r.get::<_, Option<i64>>(0)
            })
            .map(|v| v.unwrap_or(0))
            .map_err(ctx("reading the schema version"))
    }

    fn migrate(&mut self) -> Result<(), MigrateError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(ctx("starting the schema upgrade"))?;
        tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            .map_err(ctx("creating the schema table"))?;
        let v: i64 = tx
            .query_row(
                "SELECT coalesce(max(version), 0) FROM schema_version",
                [],
                |r| r.get(0),
            )
            .map_err(ctx("reading the schema version"))?;
        if v > schema_version() {
            return Err(MigrateError::Newer(v));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(v as usize) {
            tx.execute_batch(sql).map_err(ctx("upgrading the schema"))?;
            tx.execute(
                "INSERT INTO schema_version (version) VALUES (?1)",
                [i as i64 + 1],
            )
            .map_err(ctx("recording the schema version"))?;
        }
        tx.commit().map_err(ctx("committing the schema upgrade"))?;
        Ok(())
    }

    /// Copy every table of a database file (read without writing anything,
    /// not even a lock file) into this one.
    fn copy_from(&self, path: &Path) -> Result<(), DbError> {
        let src = Db {
            conn: Connection::open_with_flags(
                format!("file:{}?immutable=1", path.display()),
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
            )
            .map_err(ctx("opening the saved progress read-only"))?,
            path: None,
        };
        self.copy_tables(&src)
    }

    /// A copy of this database in memory (everything committed so far, also
    /// what is still in the write-ahead log), for carrying on without writing
    /// to the file once a write to it has failed. Reads only.
    pub fn to_memory(&self) -> Result<Db, DbError> {
        let mem = Db::memory()?;
        mem.copy_tables(self)?;
        Ok(mem)
    }

    /// Copy the cards, reviews, resume positions and bookmarks of `src` into
    /// this database (nothing when `src` has another schema version).
    fn copy_tables(&self, src: &Db) -> Result<(), DbError> {
        if src.version()? != schema_version() {
            return Ok(());
        }
        let tables: [(&str, &str); 2] = [
            ("cards", "id, topic, question, memory, due, state, updated"),
            (
                "reviews",
                "id, card, topic, question, at, rating, correct, answer",
            ),
        ];
        for (table, cols) in tables {
            let n = cols.split(',').count();
            let mut st = src
                .conn
                .prepare(&format!("SELECT {cols} FROM {table}"))
                .map_err(ctx("reading the saved progress"))?;
            let mut rows = st.query([]).map_err(ctx("reading the saved progress"))?;
            let marks = (1..=n)
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let insert = format!("INSERT OR REPLACE INTO {table} ({cols}) VALUES ({marks})");
            while let Some(row) = rows.next().map_err(ctx("reading the saved progress"))? {
                let vals: Vec<rusqlite::types::Value> = (0..n)
                    .map(|i| row.get(i))
                    .collect::<Result<_, _>>()
                    .map_err(ctx("reading the saved progress"))?;
                self.conn
                    .execute(&insert, rusqlite::params_from_iter(vals))
                    .map_err(ctx("copying the saved progress"))?;
            }
        }
        let (resume, bookmarks) = src.load_browse()?;
        self.save_browse_conn(&resume, &bookmarks)
    }

    /// Every card's memory, by card id (orphans included).
    pub fn memories(&self) -> Result<HashMap<String, Memory>, DbError> {
        let mut st = self
            .conn
            .prepare("SELECT id, memory FROM cards")
            .map_err(ctx("reading card progress"))?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(ctx("reading card progress"))?;
        let mut out = HashMap::new();
        for r in rows {
            let (id, text) = r.map_err(ctx("reading card progress"))?;
            // A memory this build cannot read is treated as a new card.
            if let Ok(m) = serde_json::from_str::<Memory>(&text) {
                out.insert(id, m);
            }
        }
        Ok(out)
    }

    /// Store one review and the card's new memory, in one transaction.
    /// Returns the review's row id.
    pub fn record(&mut self, r: &NewReview<'_>) -> Result<i64, DbError> {
        let memory = serde_json::to_string(r.memory).map_err(|e| DbError {
            what: "encoding the card's memory".into(),
            source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
        })?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(ctx("starting to save a review"))?;
        tx.execute(
            "INSERT INTO reviews (card, topic, question, at, rating, correct, answer) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![r.card, r.topic, r.question, r.at, r.rating, r.correct, r.answer],
        )
        .map_err(ctx("saving a review"))?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO cards (id, topic, question, memory, due, state, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(id) DO UPDATE SET topic=excluded.topic, question=excluded.question, memory=excluded.memory, due=excluded.due, state=excluded.state, updated=excluded.updated",
            params![
                r.card,
                r.topic,
                r.question,
                memory,
                r.memory.due.timestamp(),
                r.memory.state as i64,
                r.at
            ],
        )
        .map_err(ctx("saving the card's progress"))?;
        tx.commit().map_err(ctx("committing a review"))?;
        Ok(id)
    }

    /// Take back review `review_id` and put the card's memory back to `before`
    /// (`None`: the card becomes new again), in one transaction.
    pub fn undo(
        &mut self,
        review_id: i64,
        card: &str,
        before: Option<&Memory>,
    ) -> Result<(), DbError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(ctx("starting to undo a review"))?;
        tx.execute("DELETE FROM reviews WHERE id = ?1", [review_id])
            .map_err(ctx("removing the review"))?;
        match before {
            None => {
                tx.execute("DELETE FROM cards WHERE id = ?1", [card])
                    .map_err(ctx("resetting the card"))?;
            }
            Some(m) => {
                let text = serde_json::to_string(m).map_err(|e| DbError {
                    what: "encoding the card's memory".into(),
                    source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
                })?;
                tx.execute(
                    "UPDATE cards SET memory = ?2, due = ?3, state = ?4 WHERE id = ?1",
                    params![card, text, m.due.timestamp(), m.state as i64],
                )
                .map_err(ctx("restoring the card"))?;
            }
        }
        tx.commit().map_err(ctx("committing the undo"))
    }

    /// Every stored review, oldest first.
    pub fn reviews(&self) -> Result<Vec<ReviewRow>, DbError> {
        let mut st = self
            .conn
            .prepare("SELECT card, topic, at, rating FROM reviews ORDER BY id")
            .map_err(ctx("reading reviews"))?;
        let rows = st
            .query_map([], |r| {
                Ok(ReviewRow {
                    card: r.get(0)?,
                    topic: r.get(1)?,
                    at: r.get(2)?,
                    rating: r.get::<_, i64>(3)?.clamp(1, 4) as u8,
                })
            })
            .map_err(ctx("reading reviews"))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(ctx("reading reviews"))
    }

    /// A value from the `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>, DbError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(ctx("reading settings"))
    }

    /// Set a value in the `meta` table.
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), DbError> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .map(|_| ())
            .map_err(ctx("saving settings"))
    }

    /// Resume positions (most recent first) and bookmarks (in order).
    pub fn load_browse(&self) -> Result<(Vec<Resume>, Vec<TopicKey>), DbError> {
        let key = |note: String, path: String| TopicKey {
            note,
            path: serde_json::from_str(&path).unwrap_or_default(),
        };
        let mut st = self
            .conn
            .prepare("SELECT source, note, path, scroll FROM resume ORDER BY pos")
            .map_err(ctx("reading resume positions"))?;
        let resume = st
            .query_map([], |r| {
                Ok(Resume {
                    source: r.get(0)?,
                    topic: key(r.get(1)?, r.get(2)?),
                    scroll: r.get::<_, i64>(3)?.max(0) as usize,
                })
            })
            .map_err(ctx("reading resume positions"))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(ctx("reading resume positions"))?;
        let mut st = self
            .conn
            .prepare("SELECT note, path FROM bookmarks ORDER BY pos")
            .map_err(ctx("reading bookmarks"))?;
        let bookmarks = st
            .query_map([], |r| Ok(key(r.get(0)?, r.get(1)?)))
            .map_err(ctx("reading bookmarks"))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(ctx("reading bookmarks"))?;
        Ok((resume, bookmarks))
    }

    /// Replace the resume positions and bookmarks, in one transaction.
    pub fn save_browse(
        &mut self,
        resume: &[Resume],
        bookmarks: &[TopicKey],
    ) -> Result<(), DbError> {
        self.save_browse_conn(resume, bookmarks)
    }

    fn save_browse_conn(&self, resume: &[Resume], bookmarks: &[TopicKey]) -> Result<(), DbError> {
        let path = |k: &TopicKey| serde_json::to_string(&k.path).unwrap_or_else(|_| "[]".into());
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(ctx("starting to save bookmarks"))?;
        let result = (|| {
            self.conn
                .execute("DELETE FROM resume", [])
                .map_err(ctx("saving resume positions"))?;
            for (i, r) in resume.iter().enumerate() {
                self.conn
                    .execute(
                        "INSERT OR REPLACE INTO resume (source, pos, note, path, scroll) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![r.source, i as i64, r.topic.note, path(&r.topic), r.scroll as i64],
                    )
                    .map_err(ctx("saving resume positions"))?;
            }
            self.conn
                .execute("DELETE FROM bookmarks", [])
                .map_err(ctx("saving bookmarks"))?;
            for (i, k) in bookmarks.iter().enumerate() {
                self.conn
                    .execute(
                        "INSERT OR REPLACE INTO bookmarks (pos, note, path) VALUES (?1, ?2, ?3)",
                        params![i as i64, k.note, path(k)],
                    )
                    .map_err(ctx("saving bookmarks"))?;
            }
            Ok(())
        })();
        match result {
            Ok(()) => self
                .conn
                .execute_batch("COMMIT")
                .map_err(ctx("committing bookmarks")),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

#[cfg(test)]
impl Db {
    /// Make the database full: no page may be added beyond those it has
    /// (`PRAGMA max_page_count`, this connection only). Returns the page count.
    pub(crate) fn fill_up(&self) -> i64 {
        let pages: i64 = self
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .expect("page count");
        let max: i64 = self
            .conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                r.get(0)
            })
            .expect("max page count");
        assert_eq!(max, pages);
        pages
    }

    /// `PRAGMA integrity_check` of the file.
    pub(crate) fn integrity(&self) -> String {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity check")
    }
}

enum MigrateError {
    Newer(i64),
    Db(DbError),
}

impl From<DbError> for MigrateError {
    fn from(e: DbError) -> Self {
        MigrateError::Db(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::schedule::{new_memory, review, Rating};
    use chrono::{DateTime, Utc};

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).expect("time")
    }

    /// A "good" review of `card` now.
    fn good<'a>(card: &'a str, m: &'a Memory) -> NewReview<'a> {
        NewReview {
            card,
            topic: "T",
            question: "q?",
            at: now().timestamp(),
            rating: 3,
            correct: None,
            answer: None,
            memory: m,
        }
    }

    fn add(db: &mut Db, card: &str, m: &Memory) -> i64 {
        db.record(&NewReview {
            correct: Some(true),
            ..good(card, m)
        })
        .expect("recorded")
    }

    #[test]
    fn reviews_and_memories_survive_reopening_and_undo_restores() {
        let dir = tempfile::tempdir().unwrap();
        let (db, w) = Db::open(dir.path());
        assert!(w.is_none(), "{w:?}");
        let mut db = db.unwrap();
        assert_eq!(db.version().unwrap(), schema_version());
        let m1 = review(&new_memory(now()), now(), Rating::Good);
        let r1 = add(&mut db, "c1", &m1);
        let m2 = review(&m1, m1.due, Rating::Good);
        let r2 = add(&mut db, "c1", &m2);
        drop(db);
        let (db, _) = Db::open(dir.path());
        let mut db = db.unwrap();
        assert_eq!(db.memories().unwrap()["c1"], m2);
        assert_eq!(db.reviews().unwrap().len(), 2);
        db.undo(r2, "c1", Some(&m1)).unwrap();
        assert_eq!(db.memories().unwrap()["c1"], m1);
        db.undo(r1, "c1", None).unwrap();
        assert!(db.memories().unwrap().is_empty());
        assert!(db.reviews().unwrap().is_empty());
    }

    #[test]
    fn a_corrupt_file_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), vec![0x5a; 8192]).unwrap();
        let (db, w) = Db::open(dir.path());
        let w = w.expect("a warning");
        assert!(w.contains("moved to"), "{w}");
        assert!(db.unwrap().persistent());
        let aside = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("progress.db.corrupt-")
            });
        assert!(aside);
    }

    #[test]
    fn a_newer_schema_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (db, _) = Db::open(dir.path());
            let db = db.unwrap();
            db.conn
                .execute("INSERT INTO schema_version (version) VALUES (99)", [])
                .unwrap();
        }
        let before = std::fs::read(dir.path().join(FILE)).unwrap();
        let (db, w) = Db::open(dir.path());
        assert!(w.expect("warning").contains("newer tuitor"));
        let mut db = db.unwrap();
        assert!(!db.persistent());
        add(&mut db, "c", &new_memory(now()));
        assert_eq!(std::fs::read(dir.path().join(FILE)).unwrap(), before);
    }

    #[test]
    fn two_connections_writing_at_once_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let _ = Db::open(&path).0.unwrap();
        let threads: Vec<_> = (0..2)
            .map(|t| {
                let p = path.clone();
                std::thread::spawn(move || {
                    let mut db = Db::open(&p).0.unwrap();
                    let m = new_memory(now());
                    for i in 0..50 {
                        add(&mut db, &format!("t{t}-{i}"), &m);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let db = Db::open(&path).0.unwrap();
        assert_eq!(db.reviews().unwrap().len(), 100);
        assert_eq!(db.memories().unwrap().len(), 100);
    }

    #[test]
    fn a_full_database_refuses_a_review_whole_and_keeps_every_committed_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(dir.path()).0.unwrap();
        let m = new_memory(now());
        add(&mut db, "before", &m);
        let pages = db.fill_up();
        // Reviews fill the pages there are; then a page is needed and SQLite
        // reports the database full.
        let mut stored = 1;
        let err = loop {
            let card = format!("card-{stored:04}-{}", "x".repeat(200));
            match db.record(&good(&card, &m)) {
                Ok(_) => stored += 1,
                Err(e) => break e,
            }
            assert!(stored < 10_000, "the database never became full");
        };
        assert!(err.is_full(), "{err}");
        assert!(!err.is_busy());
        let text = err.to_string();
        assert!(text.contains("database or disk is full"), "{text}");
        assert!(
            text.starts_with("saving"),
            "says what was being saved: {text}"
        );
        // The refused review left nothing behind: no review row without its
        // card, nothing half-written.
        assert_eq!(db.reviews().unwrap().len(), stored);
        assert_eq!(db.memories().unwrap().len(), stored);
        assert_eq!(db.integrity(), "ok");
        // Still full for this connection, still consistent.
        let again = format!("again-{}", "x".repeat(200));
        assert!(db.record(&good(&again, &m)).is_err_and(|e| e.is_full()));
        drop(db);
        // With room again (a new connection has no page limit), the next run
        // finds every committed review and stores new ones.
        let (db, w) = Db::open(dir.path());
        assert!(w.is_none(), "{w:?}");
        let mut db = db.unwrap();
        assert_eq!(db.reviews().unwrap().len(), stored);
        add(&mut db, &again, &m);
        assert_eq!(db.reviews().unwrap().len(), stored + 1);
        assert_eq!(db.integrity(), "ok");
        let pages_now: i64 = db
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        assert!(pages_now > pages);
    }

    #[test]
    fn an_unopenable_file_warns_and_keeps_working_in_memory() {
        // A folder where the database file should be cannot be opened by
        // anyone, root included.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(FILE)).unwrap();
        let (db, w) = Db::open(dir.path());
        let w = w.expect("a warning");
        assert!(w.contains("will not be saved"), "{w}");
        let mut db = db.unwrap();
        assert!(!db.persistent());
        add(&mut db, "new", &new_memory(now()));
        assert_eq!(db.reviews().unwrap().len(), 1);
    }

    /// Whether this process runs with root's effective user id.
    #[cfg(unix)]
    fn is_root() -> bool {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("Uid:"))
                    .map(|l| l.split_whitespace().nth(2) == Some("0"))
            })
            .unwrap_or(false)
    }

    /// Set in a test run again without root's powers, so it does not try again.
    #[cfg(unix)]
    const UNPRIVILEGED_ENV: &str = "TUITOR_TEST_UNPRIVILEGED";

    /// Root writes anywhere, so as root, run test `name` of this test binary
    /// again as user 65534 (`nobody`) through `setpriv` and check that it ran
    /// and passed; `true` then (the caller is done). `false` when not root:
    /// the caller runs the test itself. Also `true`, with a message, when root
    /// cannot drop privileges because `setpriv` is not installed.
    #[cfg(unix)]
    fn rerun_unprivileged(name: &str) -> bool {
        if !is_root() {
            return false;
        }
        assert!(
            std::env::var_os(UNPRIVILEGED_ENV).is_none(),
            "{name}: still root after dropping privileges"
        );
        let setpriv = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("setpriv"))
                .find(|p| p.is_file())
        });
        let Some(setpriv) = setpriv else {
            eprintln!("{name}: running as root without setpriv (util-linux): cannot drop privileges, skipped");
            return true;
        };
        let out = std::process::Command::new(setpriv)
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(std::env::current_exe().expect("the test binary"))
            .args(["--exact", name, "--nocapture", "--test-threads=1"])
            .env(UNPRIVILEGED_ENV, "1")
            .output()
            .expect("run the test binary as an unprivileged user");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{name} as uid 65534: {}\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!("{name}: ran as uid 65534");
        true
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_folder_warns_and_keeps_working_in_memory() {
        use std::os::unix::fs::PermissionsExt;
        if rerun_unprivileged(
            "store::db::tests::a_read_only_folder_warns_and_keeps_working_in_memory",
        ) {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        {
            let mut db = Db::open(dir.path()).0.unwrap();
            add(&mut db, "saved", &new_memory(now()));
        }
        // Leave no WAL behind, as a clean exit does.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
        let probe = dir.path().join("probe");
        assert!(
            std::fs::write(&probe, b"x").is_err(),
            "a read-only folder could be written: permissions are not enforced here"
        );
        let before = std::fs::read(dir.path().join(FILE)).unwrap();
        let (db, w) = Db::open(dir.path());
        let w = w.expect("a warning");
        assert!(w.contains("will not be saved"), "{w}");
        assert!(w.contains("make the folder writable"), "{w}");
        let mut db = db.unwrap();
        assert!(!db.persistent());
        assert!(db.memories().unwrap().contains_key("saved"));
        add(&mut db, "new", &new_memory(now()));
        assert_eq!(db.reviews().unwrap().len(), 2);
        drop(db);
        assert_eq!(std::fs::read(dir.path().join(FILE)).unwrap(), before);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(FILE)]);
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}
