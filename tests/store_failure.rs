//! Progress under a full disk and a read-only data folder, end to end: the
//! real binary in a pseudo-terminal, started under a file-size limit (writes
//! past it fail the way they fail on a full disk) or as an unprivileged user,
//! with the database checked afterwards.

#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};

use common::pty::Session;
use common::{quiz_args, quiz_notes};

/// A program on `PATH`, when installed.
fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// Rows in `reviews` and the result of `PRAGMA integrity_check`, read from
/// the file without changing it.
fn inspect(dir: &Path) -> (i64, String) {
    let conn = rusqlite::Connection::open_with_flags(
        dir.join("progress.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open the database");
    let n = conn
        .query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))
        .expect("count reviews");
    let ok = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity check");
    (n, ok)
}

/// Answer whatever card is showing and grade it Good; the screen after.
fn answer_and_grade(s: &mut Session) -> String {
    common::answer_shown_card(s, "/3");
    s.send("3");
    std::thread::sleep(std::time::Duration::from_millis(300));
    s.screen()
}

/// A command line that runs the rest of its arguments with every file limited
/// to `bytes` (`prlimit --fsize`) and SIGXFSZ ignored (the ignored disposition
/// survives `exec`), so a write past the limit fails with EFBIG, as a write
/// to a full disk fails with ENOSPC, instead of killing the process.
fn file_size_limit(bytes: u64) -> Option<Vec<String>> {
    let Some(prlimit) = which("prlimit") else {
        eprintln!("prlimit (util-linux) is not installed: the full-disk test is skipped");
        return None;
    };
    Some(vec![
        "sh".into(),
        "-c".into(),
        "trap '' XFSZ; exec \"$@\"".into(),
        "sh".into(),
        prlimit.display().to_string(),
        format!("--fsize={bytes}"),
        "--".into(),
    ])
}

/// The limit for the full-disk runs: the database's shared-memory index
/// (32 KiB) still fits, so the store opens normally, and the write-ahead log
/// has room for the first review's pages (five of 4 KiB) but not the second's.
const ROOM_FOR_ONE_REVIEW: u64 = 40_000;

/// The warning the quiz shows when progress cannot be saved.
const NOT_SAVED: &str = "进度无法保存";
/// The mark that stays on the status line while progress is not saved.
const NOT_SAVING: &str = "进度未保存";

#[test]
fn a_disk_that_fills_mid_session_warns_once_and_keeps_the_session_and_the_saved_reviews() {
    let Some(wrapper) = file_size_limit(ROOM_FOR_ONE_REVIEW) else {
        return;
    };
    let wrapper: Vec<&str> = wrapper.iter().map(String::as_str).collect();
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_path_buf();
    // The database exists from an earlier run.
    drop(tuitor::store::Store::open(Some(&dir)));
    let notes = quiz_notes();
    let args = quiz_args(&notes);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut s = Session::start_wrapped(&wrapper, &args, 120, 30, &[], data);

    // Grade cards until a write fails; the ones before it were saved.
    let mut saved = 0;
    let warning = loop {
        let screen = answer_and_grade(&mut s);
        if let Some(line) = screen.lines().find(|l| l.contains(NOT_SAVED)) {
            break line.to_string();
        }
        saved += 1;
        assert!(saved < 3, "no write failed under the limit:\n{screen}");
    };
    assert!(saved >= 1, "even the first review did not fit: {warning}");
    assert!(warning.contains("disk I/O error"), "{warning}");
    assert!(warning.contains("kept in memory"), "{warning}");
    // The session goes on; later grades are kept in memory without a new
    // warning.
    for _ in saved + 1..3 {
        let screen = answer_and_grade(&mut s);
        assert!(!screen.contains(NOT_SAVED), "warned twice:\n{screen}");
        // The full warning went by once; the short mark stays.
        assert!(screen.contains(NOT_SAVING), "no lasting mark:\n{screen}");
    }
    let screen = s.wait_for("本轮完成：3 题");
    assert!(screen.contains(NOT_SAVING), "{screen}");
    // Every grade of this run counts, also those the disk refused.
    s.send("S");
    let screen = s.wait_for("学习统计");
    assert!(screen.contains("共复习 3 次"), "{screen}");
    s.send("\x1b");
    let screen = s.wait_for("目录");
    assert!(
        screen.contains(NOT_SAVING),
        "the browser says it too:\n{screen}"
    );
    s.send("q");
    let st = s.wait_exit();
    assert!(st.success(), "{st:?}");
    s.assert_restored();

    // The file holds exactly the reviews committed before the disk filled,
    // and it is sound.
    assert_eq!(inspect(&dir), (saved, "ok".to_string()));
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains("corrupt")),
        "nothing was taken for corrupt: {names:?}"
    );

    // With space again the next run saves normally: the saved cards are not
    // due, the refused ones are asked again.
    let mut s2 = Session::start(
        &args,
        120,
        30,
        &[("TUITOR_DATA_DIR", dir.to_str().unwrap())],
    );
    let screen = s2.wait_for("第 1/");
    assert!(!screen.contains(NOT_SAVED), "{screen}");
    assert!(!screen.contains(NOT_SAVING), "{screen}");
    let screen = answer_and_grade(&mut s2);
    assert!(!screen.contains(NOT_SAVED), "{screen}");
    s2.send("\x1b");
    s2.wait_for("目录");
    s2.send("q");
    assert!(s2.wait_exit().success());
    assert_eq!(inspect(&dir), (saved + 1, "ok".to_string()));
}

#[test]
fn a_disk_full_at_start_leaves_the_file_untouched_and_the_app_works_in_memory() {
    // Too little room even for the shared-memory index: the database cannot
    // be opened for writing at all.
    let Some(wrapper) = file_size_limit(16 * 1024) else {
        return;
    };
    let wrapper: Vec<&str> = wrapper.iter().map(String::as_str).collect();
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_path_buf();
    // One saved review from an earlier run.
    save_one_review(&dir, "earlier");
    let before = std::fs::read(dir.join("progress.db")).unwrap();
    let notes = quiz_notes();
    let args = quiz_args(&notes);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut s = Session::start_wrapped(&wrapper, &args, 120, 30, &[], data);
    // Said at once, on the quiz screen and again on the notes screen.
    let screen = s.wait_for("第 1/3 题");
    let line = screen.lines().find(|l| l.contains(NOT_SAVED));
    let line = line.unwrap_or_else(|| panic!("no warning:\n{screen}"));
    assert!(line.contains("cannot write"), "{line}");
    assert!(line.contains("disk I/O error"), "{line}");
    // The quiz works in memory.
    let screen = answer_and_grade(&mut s);
    assert!(screen.contains("第 2/3 题"), "{screen}");
    s.send("\x1b");
    let screen = s.wait_for("目录");
    assert!(screen.contains(NOT_SAVED), "{screen}");
    s.send("q");
    assert!(s.wait_exit().success());
    s.assert_restored();
    assert_eq!(
        std::fs::read(dir.join("progress.db")).unwrap(),
        before,
        "the database file is unchanged"
    );
    assert_eq!(inspect(&dir), (1, "ok".to_string()));
}

/// Store one review of card `card` in the database in `dir`, as a run would.
fn save_one_review(dir: &Path, card: &str) {
    let mut store = tuitor::store::Store::open(Some(dir));
    let now = chrono::Utc::now();
    let m = tuitor::quiz::schedule::new_memory(now);
    store
        .record(&tuitor::store::db::NewReview {
            card,
            topic: "测验夹具",
            question: "q?",
            at: now.timestamp(),
            rating: 3,
            correct: None,
            answer: None,
            memory: &m,
        })
        .expect("saved");
}

/// Root writes anywhere, so as root the binary runs as an unprivileged user
/// (`setpriv`, see `common::unprivileged`).
#[test]
fn a_read_only_data_folder_shows_saved_progress_warns_once_and_writes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let Some(wrapper) = common::unprivileged() else {
        return;
    };
    let wrapper: Vec<&str> = wrapper.iter().map(String::as_str).collect();
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_path_buf();
    save_one_review(&dir, "earlier");
    let before = std::fs::read(dir.join("progress.db")).unwrap();
    // Readable and searchable by anyone, writable by no one but root.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let notes = quiz_notes();
    let args = quiz_args(&notes);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut s = Session::start_wrapped(&wrapper, &args, 160, 30, &[], data);
    let screen = s.wait_for("第 1/3 题");
    let line = screen.lines().find(|l| l.contains(NOT_SAVED));
    let line = line.unwrap_or_else(|| panic!("no warning:\n{screen}"));
    assert!(line.contains("cannot write"), "{line}");
    assert!(line.contains("your saved progress is shown"), "{line}");
    // Grades work (in memory) without another warning.
    for _ in 0..3 {
        let screen = answer_and_grade(&mut s);
        assert!(!screen.contains(NOT_SAVED), "{screen}");
    }
    s.wait_for("本轮完成：3 题");
    // The saved review and this run's are all counted.
    s.send("S");
    let screen = s.wait_for("学习统计");
    assert!(screen.contains("共复习 4 次"), "{screen}");
    s.send("\x1b");
    let screen = s.wait_for("目录");
    assert!(screen.contains(NOT_SAVED), "{screen}");
    s.send("q");
    assert!(s.wait_exit().success());
    s.assert_restored();
    assert_eq!(std::fs::read(dir.join("progress.db")).unwrap(), before);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["progress.db".to_string()], "nothing written");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
}
