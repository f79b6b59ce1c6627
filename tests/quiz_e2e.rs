//! End-to-end quiz sessions: the real binary in a pseudo-terminal, driven by
//! keys and read back through vt100, with progress checked in the store.

mod common;

use std::path::Path;

use common::pty::Session;
use common::{quiz_args, quiz_notes};

fn reviews_in(dir: &Path) -> usize {
    tuitor::store::Store::open(Some(dir))
        .reviews()
        .expect("reviews readable")
        .len()
}

/// The number shown before `text` in an option line (`>2. text` → 2).
fn option_number(screen: &str, text: &str) -> char {
    for line in screen.lines() {
        if let Some(i) = line.find(&format!(". {text}")) {
            let head = line[..i].trim_start_matches([' ', '>', '│']);
            if let Some(c) = head.chars().last() {
                return c;
            }
        }
    }
    panic!("no option {text:?} on screen:\n{screen}")
}

/// Answer the choice card (6379) and grade it Good.
fn answer_choice(s: &mut Session) {
    let screen = s.wait_for("Redis 的默认端口是？");
    let n = option_number(&screen, "6379");
    s.send(&n.to_string());
    s.wait_for("✓ 正确");
    s.wait_for("6379 是 Redis 的默认端口");
    s.send("3");
}

/// Answer the fill card with a typed answer and accept the suggested grade.
fn answer_fill(s: &mut Session) {
    s.wait_for("Redis 7.0 的 List 编码是");
    s.send("QuickList");
    s.send("\r");
    s.wait_for("✓ 正确");
    s.send("\r");
}

/// Put the steps in order by moving items, then grade Easy.
fn answer_order(s: &mut Session) {
    let want = ["解析 URL", "调用视图", "渲染模板"];
    let screen = s.wait_for("把请求处理的步骤排好");
    let row_of = |screen: &str, step: &str| -> usize {
        option_number(screen, step)
            .to_digit(10)
            .expect("a row number") as usize
            - 1
    };
    let mut screen = screen;
    let mut cursor = 0usize;
    for (target, step) in want.iter().enumerate() {
        let at = row_of(&screen, step);
        // walk the cursor to the step, then move it up to its place
        while cursor < at {
            s.send("j");
            cursor += 1;
        }
        while cursor > at {
            s.send("k");
            cursor -= 1;
        }
        while cursor > target {
            s.send("K");
            cursor -= 1;
        }
        screen = s.screen();
    }
    s.send("\r");
    s.wait_for("✓ 正确");
    s.send("4");
}

#[test]
fn a_full_session_choice_typed_order_grades_and_stats() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_path_buf();
    let notes = quiz_notes();
    let args = quiz_args(&notes);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut s = Session::start_in(&args, 100, 30, &[], data);
    answer_choice(&mut s);
    answer_fill(&mut s);
    answer_order(&mut s);
    s.wait_for("本轮完成：3 题，答错 0 题");
    s.send("S");
    let screen = s.wait_for("学习统计");
    assert!(screen.contains("测验夹具"), "{screen}");
    assert!(screen.contains("共复习 3 次"), "{screen}");
    s.send("\x1b");
    s.wait_for("目录");
    s.send("q");
    let st = s.wait_exit();
    assert!(st.success(), "{st:?}");
    s.assert_restored();
    assert_eq!(reviews_in(&dir), 3);
}

#[test]
fn a_wrong_typed_answer_shows_a_diff_and_undo_takes_a_grade_back() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_path_buf();
    let notes = quiz_notes();
    let args = quiz_args(&notes);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut s = Session::start_in(&args, 100, 30, &[], data);
    answer_choice(&mut s);
    s.wait_for("Redis 7.0 的 List 编码是");
    s.send("quiklists");
    s.send("\r");
    let screen = s.wait_for("✗ 不对");
    assert!(screen.contains("qui[-c-]klist{+s+}"), "{screen}");
    s.send("1");
    answer_order(&mut s);
    s.wait_for("答错 1 题");
    s.send("u"); // take back the order card's grade
    s.wait_for("把请求处理的步骤排好");
    s.send("\x1b");
    s.wait_for("目录");
    s.send("q");
    s.wait_exit();
    assert_eq!(reviews_in(&dir), 2);
}

#[test]
fn killed_mid_session_keeps_every_answered_review() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_path_buf();
    let notes = quiz_notes();
    let args = quiz_args(&notes);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut s = Session::start_in(&args, 100, 30, &[], data);
    answer_choice(&mut s);
    answer_fill(&mut s);
    s.wait_for("把请求处理的步骤排好");
    let pid = s.child.process_id().expect("a pid");
    let st = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(st.success());
    s.wait_exit();
    assert_eq!(reviews_in(&dir), 2, "both answered reviews survive SIGKILL");
    // A restarted session goes on from there: the two graded cards are not
    // due, so the order card comes first.
    let mut s2 = Session::start(
        &args,
        100,
        30,
        &[("TUITOR_DATA_DIR", dir.to_str().unwrap())],
    );
    s2.wait_for("把请求处理的步骤排好");
    s2.send("\x1b");
    s2.wait_for("目录");
    s2.send("q");
    s2.wait_exit();
    assert_eq!(reviews_in(&dir), 2);
}

#[test]
fn a_corrupt_database_is_moved_aside_and_the_app_starts() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_path_buf();
    std::fs::write(
        dir.join("progress.db"),
        b"this is not a database, just text\n".repeat(200),
    )
    .unwrap();
    let notes = quiz_notes();
    let mut s = Session::start_in(&["--notes", &notes], 120, 30, &[], data);
    let screen = s.wait_for("moved to");
    assert!(screen.contains("目录"), "{screen}");
    s.send("q");
    let st = s.wait_exit();
    assert!(st.success());
    let aside = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("progress.db.corrupt-")
        });
    assert!(aside, "the bad file is kept beside the new database");
    assert_eq!(reviews_in(&dir), 0);
}

/// Answer whatever card is showing (right or wrong does not matter) and send
/// the grade key last, returning the screen just before the grade.
fn answer_any(s: &mut Session) -> String {
    common::answer_shown_card(s, "第 1/")
}

#[test]
fn repeated_kills_at_varied_moments_never_lose_a_committed_review() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_path_buf();
    let notes = quiz_notes();
    let mut args = quiz_args(&notes);
    args.push("--cram".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut at_least = 0;
    for delay_ms in [0u64, 2, 5, 10, 20, 40, 80, 160] {
        let before = reviews_in(&dir);
        let mut s = Session::start(
            &args,
            100,
            30,
            &[("TUITOR_DATA_DIR", dir.to_str().unwrap())],
        );
        answer_any(&mut s);
        // Grade, then kill after `delay_ms`: sometimes before the review is
        // written, sometimes after.
        s.send_now("3");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let next_card_shown = s.screen().contains("第 2/");
        let pid = s.child.process_id().expect("a pid");
        let st = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(st.success());
        s.wait_exit();
        let after = reviews_in(&dir);
        // Each answer is committed before the next card shows: if the next card
        // was on screen, the review is there; either way nothing older is lost.
        if next_card_shown {
            assert_eq!(after, before + 1, "delay {delay_ms} ms");
        } else {
            assert!(
                after == before || after == before + 1,
                "delay {delay_ms} ms: {before} → {after}"
            );
        }
        at_least += usize::from(next_card_shown);
        assert!(after >= at_least);
    }
    assert!(
        reviews_in(&dir) >= 1,
        "at least the slow kills happened after a commit"
    );
}
