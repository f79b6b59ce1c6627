//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod pty;

use std::path::{Path, PathBuf};

/// Options for an app built in a test: `lang`, the dark theme, the source
/// name `test`, and `keys` (keymap overrides in `config.yaml`'s `keys:` form,
/// empty for the defaults).
pub fn options(lang: tuitor::i18n::Lang, keys: &str) -> tuitor::tui::Options {
    tuitor::tui::Options {
        lang,
        theme: "dark".into(),
        source: "test".into(),
        keys: if keys.is_empty() {
            Default::default()
        } else {
            tuitor::yaml::parse(keys).expect("keymap yaml")
        },
        ..Default::default()
    }
}

/// The test fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The notes of the quiz fixture.
pub fn quiz_notes() -> String {
    fixtures().join("quiz").display().to_string()
}

/// Arguments for a three-card quiz over the quiz fixture's topic, seed 1.
pub fn quiz_args(notes: &str) -> Vec<String> {
    [
        "--notes",
        notes,
        "quiz",
        "--topic",
        "测验夹具",
        "--limit",
        "3",
        "--seed",
        "1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Once `ready` is on screen, answer whatever quiz card shows (right or
/// wrong does not matter) and wait for the grade keys; the screen then.
pub fn answer_shown_card(s: &mut pty::Session, ready: &str) -> String {
    let screen = s.wait_for(ready);
    if screen.contains("[单选]") || screen.contains("[多选]") {
        s.send("1");
        if screen.contains("[多选]") {
            s.send("\r");
        }
    } else if screen.contains("[填空]") {
        s.send("x\r");
    } else if screen.contains("[排序]") {
        s.send("\r");
    } else {
        s.send(" ");
    }
    s.wait_for("1 重来")
}

/// The user's original note, when `../shared` is present beside the checkout.
pub fn seed_note() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/000_d88024cde0396db5.txt");
    p.exists().then_some(p)
}

/// The public note corpus, when present.
pub fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/JavaGuide");
    p.exists().then_some(p)
}

/// The text of a ratatui buffer, one line per row, wide characters once.
pub fn buffer_text(buf: &ratatui::buffer::Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.y..area.y + area.height {
        let mut skip = 0;
        for x in area.x..area.x + area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

/// The user id the tests drop to when they run as root (`nobody`).
pub const UNPRIVILEGED_ID: u32 = 65534;

/// Set in a test run again as [`UNPRIVILEGED_ID`], so it does not try again.
pub const UNPRIVILEGED_ENV: &str = "TUITOR_TEST_UNPRIVILEGED";

/// Whether this process runs as root (permissions are not enforced on it).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

/// How to run a command without root's powers over files: nothing to add
/// when this process is not root; as root, `setpriv` to [`UNPRIVILEGED_ID`]
/// with no supplementary groups. `None` (with a message on stderr) when this
/// process is root and `setpriv` is not installed.
pub fn unprivileged() -> Option<Vec<String>> {
    if !is_root() {
        return Some(Vec::new());
    }
    let setpriv = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("setpriv"))
            .find(|p| p.is_file())
    });
    let Some(setpriv) = setpriv else {
        eprintln!(
            "running as root and setpriv (util-linux) is not installed: cannot drop privileges, permission checks skipped"
        );
        return None;
    };
    Some(vec![
        setpriv.display().to_string(),
        format!("--reuid={UNPRIVILEGED_ID}"),
        format!("--regid={UNPRIVILEGED_ID}"),
        "--clear-groups".into(),
    ])
}

/// When this process is root, run test `name` of this test binary again as
/// [`UNPRIVILEGED_ID`], check that it ran and passed, and return `true` (the
/// caller is done). `false` when not root: the caller runs the test itself.
/// Also `true`, with a message, when root cannot drop privileges here.
pub fn rerun_unprivileged(name: &str) -> bool {
    if !is_root() {
        return false;
    }
    assert!(
        std::env::var_os(UNPRIVILEGED_ENV).is_none(),
        "{name}: still root after dropping privileges"
    );
    let Some(prefix) = unprivileged() else {
        return true;
    };
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = std::process::Command::new(&prefix[0])
        .args(&prefix[1..])
        .arg(&exe)
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(UNPRIVILEGED_ENV, "1")
        .output()
        .expect("run the test binary as an unprivileged user");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} as uid {UNPRIVILEGED_ID}: {}\n{stdout}\n{stderr}",
        out.status
    );
    eprintln!("{name}: ran as uid {UNPRIVILEGED_ID}");
    true
}
