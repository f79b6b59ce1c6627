//! End-to-end: the real binary in a pseudo-terminal, driven by keys, read back
//! through a terminal emulator (vt100), exactly as a person would see it.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, PtySize};

const TIMEOUT: Duration = Duration::from_secs(20);

struct Session {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    _data: tempfile::TempDir,
}

impl Session {
    fn start(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Session {
        let data = tempfile::tempdir().unwrap();
        Self::start_in(args, cols, rows, env, data)
    }

    fn start_in(
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
        data: tempfile::TempDir,
    ) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_tuitor"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("TUITOR_DATA_DIR", data.path());
        cmd.env("XDG_CONFIG_HOME", data.path().join("config"));
        cmd.env("LANG", "zh_CN.UTF-8");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn tuitor");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p2, r2) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let _master = pair.master; // keep the pty open while reading
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        p2.lock().unwrap().process(&buf[..n]);
                        r2.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        Session {
            child,
            writer,
            parser,
            raw,
            _data: data,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out waiting for {text:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Let each key be processed and drawn before the next arrives.
        std::thread::sleep(Duration::from_millis(60));
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                // let the reader drain what is left
                std::thread::sleep(Duration::from_millis(200));
                return st;
            }
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!("tuitor did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// The terminal is back to normal: alternate screen left (after it was
    /// entered), cursor shown, mouse reporting off.
    fn assert_restored(&self) {
        let raw = self.raw();
        let find = |pat: &[u8]| raw.windows(pat.len()).rposition(|w| w == pat);
        let enter = find(b"\x1b[?1049h").expect("entered the alternate screen");
        let leave = find(b"\x1b[?1049l").expect("left the alternate screen");
        assert!(leave > enter);
        assert!(
            find(b"\x1b[?25h").is_some_and(|p| p > enter),
            "cursor shown again"
        );
        assert!(
            find(b"\x1b[?1000l").is_some_and(|p| p > enter),
            "mouse capture off"
        );
        let p = self.parser.lock().unwrap();
        assert!(
            !p.screen().alternate_screen(),
            "still in the alternate screen"
        );
        assert!(!p.screen().hide_cursor(), "cursor still hidden");
    }
}

fn fixtures() -> String {
    common::fixtures().join("notes").display().to_string()
}

#[test]
fn browse_search_by_pinyin_jump_and_quit() {
    let mut s = Session::start(&["--notes", &fixtures()], 100, 30, &[]);
    s.wait_for("Nginx 笔记");
    s.wait_for("目录");
    // move down the tree to "1. 字典" and read its table
    for _ in 0..4 {
        s.send("j");
    }
    let screen = s.wait_for("Redis 基础 › 1. 字典");
    assert!(screen.contains("rehashidx"), "{screen}");
    // global finder by pinyin initials
    s.send("f");
    s.wait_for("查找");
    s.send("tyb");
    s.wait_for("§ 2. 跳跃表");
    s.send("\r");
    let screen = s.wait_for("Redis 基础 › 2. 跳跃表");
    assert!(screen.contains("多层链表"), "{screen}");
    // help from the keymap
    s.send("?");
    s.wait_for("按键帮助");
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(100));
    s.send("q");
    let st = s.wait_exit();
    assert!(st.success(), "{st:?}");
    s.assert_restored();
}

#[test]
fn seed_note_opens_and_finds_the_dict_section() {
    let Some(seed) = common::seed_note() else {
        return;
    };
    let mut s = Session::start(
        &["--notes", seed.to_str().unwrap()],
        120,
        40,
        &[("LANG", "en_US.UTF-8")],
    );
    s.wait_for("教发项目总结");
    s.send("f");
    s.send("zidian");
    s.wait_for("4.5 字典");
    s.send("\r");
    let screen = s.wait_for("4. Redis › 4.5 字典");
    assert!(
        screen.contains("redis-dict"),
        "paired simulation card shown:\n{screen}"
    );
    s.send("q");
    s.wait_exit();
    s.assert_restored();
}

#[test]
fn resume_where_the_user_left_off() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_path_buf();
    let mut s = Session::start_in(&["--notes", &fixtures()], 100, 30, &[], data);
    s.wait_for("目录");
    for _ in 0..5 {
        s.send("j");
    }
    s.wait_for("› 2. 跳跃表");
    s.send("m"); // bookmark it
    s.send("q");
    s.wait_exit();
    let state = std::fs::read_to_string(dir.join("state.json")).unwrap();
    assert!(state.contains("2. 跳跃表"), "{state}");
    // a second run starts there
    let mut s2 = Session::start(
        &["--notes", &fixtures()],
        100,
        30,
        &[("TUITOR_DATA_DIR", dir.to_str().unwrap())],
    );
    s2.wait_for("Redis 基础 › 2. 跳跃表");
    s2.send("'");
    s2.wait_for("★ Redis 基础 › 2. 跳跃表");
    s2.send("\x1b");
    s2.send("q");
    s2.wait_exit();
    s2.assert_restored();
}

#[cfg(unix)]
#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for sig in ["-TERM", "-HUP"] {
        let mut s = Session::start(&["--notes", &fixtures()], 80, 24, &[]);
        s.wait_for("目录");
        let pid = s.child.process_id().unwrap();
        let st = std::process::Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        s.wait_exit();
        s.assert_restored();
    }
}

#[test]
fn ctrl_c_quits_and_restores() {
    let mut s = Session::start(&["--notes", &fixtures()], 80, 24, &[]);
    s.wait_for("目录");
    s.send("\x03");
    s.wait_exit();
    s.assert_restored();
}

#[test]
fn a_panic_restores_the_terminal_then_reports() {
    let mut s = Session::start(
        &["--notes", &fixtures()],
        80,
        24,
        &[("TUITOR_TEST_PANIC_KEY", "Z")],
    );
    s.wait_for("目录");
    s.send("Z");
    let st = s.wait_exit();
    assert!(!st.success());
    s.assert_restored();
    let raw = String::from_utf8_lossy(&s.raw()).into_owned();
    let leave = raw.rfind("\x1b[?1049l").unwrap();
    let report = raw.rfind("tuitor crashed").expect("a crash report");
    assert!(report > leave, "the report is printed after the restore");
    assert!(
        s.screen().contains("test panic requested"),
        "{}",
        s.screen()
    );
}

#[test]
fn hostile_note_bytes_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "# 标题 \x1b]0;PWNED-TITLE\x07 end\n\n正文 \x1b]52;c;SGVsbG8=\x07 \x1b[?1049l \x1b[2J \u{9b}31m 结束\n\n## 小节\x1b[31m红\n";
    std::fs::write(dir.path().join("evil\x1b[7m.md"), evil).unwrap();
    let mut s = Session::start(&["--notes", dir.path().to_str().unwrap()], 100, 30, &[]);
    s.wait_for("PWNED-TITLE");
    s.send("f");
    s.send("PWNED");
    s.wait_for("PWNED-TITLE");
    s.send("\r");
    s.send("/");
    s.send("52");
    s.send("\r");
    s.send("q");
    s.wait_exit();
    let raw = s.raw();
    let count = |pat: &[u8]| raw.windows(pat.len()).filter(|w| *w == pat).count();
    assert_eq!(
        count(b"\x1b]0;"),
        0,
        "OSC 0 from the note reached the terminal"
    );
    assert_eq!(
        count(b"\x1b]52;"),
        0,
        "OSC 52 from the note reached the terminal"
    );
    assert_eq!(
        count(b"\x1b[?1049l"),
        1,
        "only tuitor's own exit leaves the alternate screen"
    );
    assert_eq!(count(b"\x1b[7m.md"), 0);
    assert_eq!(count("\u{9b}".as_bytes()), 0);
    s.assert_restored();
}

/// Every way a byte stream could command the terminal that tuitor itself never
/// uses: OSC (window title, clipboard), DCS, APC, PM, SOS, a reset, BEL, DEL, C1
/// controls (U+0080–U+009F; U+009B is the one-character CSI) and leaving the
/// alternate screen more than once (only tuitor's own exit does).
fn assert_no_foreign_controls(raw: &[u8]) {
    let count = |pat: &[u8]| raw.windows(pat.len()).filter(|w| *w == pat).count();
    for (pat, what) in [
        (&b"\x1b]"[..], "OSC (title, clipboard)"),
        (b"\x1bP", "DCS"),
        (b"\x1b_", "APC"),
        (b"\x1b^", "PM"),
        (b"\x1bX", "SOS"),
        (b"\x1bc", "terminal reset"),
        (b"\x07", "BEL"),
        (b"\x7f", "DEL"),
    ] {
        assert_eq!(count(pat), 0, "{what} from a note reached the terminal");
    }
    assert_eq!(
        count(b"\x1b[?1049l"),
        1,
        "only tuitor's own exit leaves the alternate screen"
    );
    let text = String::from_utf8_lossy(raw);
    let c1: Vec<char> = text
        .chars()
        .filter(|&c| (0x80..=0x9f).contains(&(c as u32)))
        .collect();
    assert!(c1.is_empty(), "C1 controls reached the terminal: {c1:?}");
}

#[test]
fn hostile_text_on_every_screen_never_reaches_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let evil = concat!(
        "---\n",
        "title: \"HOSTILE \\e]0;FM-TITLE\\a \\x9b2J\"\n",
        "tags: [\"\\e]52;c;dGFn\\a\", \"\\x9b31m\"]\n",
        "---\n",
        "## PWNED \x1b]0;H1\x07 one \u{9b}31m\n\n",
        "PWNED body \x1b]52;c;SGVsbG8=\x07 \x1b[?1049l \x1bP1$r\x1b\\ \x1b_apc\x1b\\ \x7f \u{202e}rev \u{9b}2J end\n\n",
        "| PWNED \x1b]0;th\x07 | b |\n|---|---|\n| \x1b[?1049l | \u{9b}c |\n\n",
        "```sim\nredis-dict\x1b]0;sim\x07 preset=\x1b]0;p\x07\n```\n\n",
        "## PWNED two \x1bc\n\nmore \x07 text\n",
    );
    std::fs::write(dir.path().join("evil\x1b]0;file\x07.md"), evil).unwrap();
    std::fs::write(
        dir.path().join("broken\x1b[7m.md"),
        "---\nkey: [\x1b]0;yaml\x07\n---\n# b \x1b]0;x\x07\n\n```sim\nnope\x1b]0;s\x07\n```\n",
    )
    .unwrap();
    let mut s = Session::start(&["--notes", dir.path().to_str().unwrap()], 100, 30, &[]);
    s.wait_for("HOSTILE");
    // Browse: expand everything, walk the tree.
    s.send("e");
    s.send("jjjjk");
    // Finder results, then open the best hit and scroll through it.
    s.send("f");
    s.send("PWNED");
    s.wait_for("PWNED two");
    s.send("\r");
    s.wait_for("PWNED body");
    s.send("\t");
    s.send("jjjjjjjjjj");
    s.send("g");
    // In-topic search, next and previous hit.
    s.send("/");
    s.send("PWNED");
    s.send("\r");
    s.send("n");
    s.send("N");
    // Help, outline, bookmarks, diagnostics.
    s.send("?");
    s.wait_for("按键帮助");
    s.send("\x1b");
    s.send("o");
    s.wait_for("本篇大纲");
    s.send("\x1b");
    s.send("m");
    s.send("'");
    s.wait_for("PWNED");
    s.send("\x1b");
    s.send("D");
    s.wait_for("加载问题");
    s.wait_for("broken");
    s.send("\x1b");
    s.send("q");
    s.wait_exit();
    assert_no_foreign_controls(&s.raw());
    s.assert_restored();
}

#[test]
fn usage_errors_on_a_terminal_show_no_escapes_from_the_arguments() {
    // On a terminal clap colours its messages, so it would pass escapes on.
    let mut s = Session::start(&["\x1b]0;PWNED\x07\u{9b}2J"], 80, 24, &[]);
    let st = s.wait_exit();
    assert_eq!(st.exit_code(), 2);
    let raw = s.raw();
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("2J"), "the argument is quoted: {text}");
    assert!(!raw.windows(2).any(|w| w == b"\x1b]"), "{text:?}");
    assert!(!raw.contains(&0x07), "{text:?}");
    assert!(!text.contains('\u{9b}'), "{text:?}");
}

#[test]
fn tiny_and_huge_terminals_never_panic() {
    for (cols, rows) in [(20u16, 5u16), (40, 10), (250, 80)] {
        let mut s = Session::start(&["--notes", &fixtures()], cols, rows, &[]);
        if cols < 40 {
            s.wait_for("终端太小");
        } else {
            s.wait_for("Nginx");
        }
        s.send("jjjlf表\r");
        s.send("q");
        let st = s.wait_exit();
        assert!(st.success(), "{cols}x{rows}: {st:?}\n{}", s.screen());
        s.assert_restored();
    }
}
