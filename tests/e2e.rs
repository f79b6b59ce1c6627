//! End-to-end: the real binary in a pseudo-terminal, driven by keys, read back
//! through a terminal emulator (vt100), exactly as a person would see it.

mod common;

use std::time::Duration;

use common::pty::Session;

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
    let saved = tuitor::store::Store::open(Some(&dir));
    assert!(
        saved
            .state
            .bookmarks
            .iter()
            .any(|k| k.path.last().map(String::as_str) == Some("2. 跳跃表")),
        "{:?}",
        saved.state
    );
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

/// The `k / n` counter on the simulation timeline.
fn timeline(screen: &str) -> Option<(usize, usize)> {
    screen.lines().find_map(|l| {
        let t = l.trim_start();
        let (a, rest) = t.split_once(" / ")?;
        let b: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        Some((a.trim().parse().ok()?, b.parse().ok()?))
    })
}

#[test]
fn seed_dict_section_simulation_steps_through_a_rehash() {
    let Some(seed) = common::seed_note() else {
        return;
    };
    let mut s = Session::start(&["--notes", seed.to_str().unwrap()], 120, 40, &[]);
    s.wait_for("教发项目总结");
    s.send("f");
    s.send("zidian");
    s.wait_for("4.5 字典");
    s.send("\r");
    s.wait_for("4. Redis › 4.5 字典");
    s.send("c"); // select the simulation card
    s.send("\r");
    s.wait_for("▶ redis-dict");
    // step until the rehash starts
    let mut screen = s.screen();
    for _ in 0..200 {
        if screen.contains("正在 rehash") {
            break;
        }
        s.send("l");
        screen = s.screen();
    }
    assert!(screen.contains("正在 rehash"), "{screen}");
    assert!(
        screen.contains("ht[0]") && screen.contains("ht[1]"),
        "both tables:\n{screen}"
    );
    assert!(
        screen.contains("rehashidx = 0") || screen.contains("rehashidx = 1"),
        "{screen}"
    );
    let (k, n) = timeline(&screen).expect("timeline");
    // one step back
    s.send("h");
    let back = s.wait_for(&format!(" {} / {n}", k - 1));
    assert!(back.contains(&format!("{} / {n}", k - 1)));
    // play to the end, fast
    for _ in 0..5 {
        s.send("+");
    }
    s.send(" ");
    let end = s.wait_for(&format!(" {n} / {n}"));
    assert!(end.contains("没有在 rehash"), "{end}");
    s.send("\x1b");
    s.wait_for("4.5 字典");
    s.send("q");
    s.wait_exit();
    s.assert_restored();
}

#[test]
fn upstream_simulation_reqs_7_with_weights_5_1_1() {
    let mut s = Session::start(
        &["--notes", &fixtures()],
        120,
        40,
        &[("LANG", "en_US.UTF-8")],
    );
    s.wait_for("Topics");
    s.send("f");
    s.send("fuzai");
    s.wait_for("§ 负载均衡");
    s.send("\r");
    s.send("c");
    s.send("\r");
    s.wait_for("▶ nginx-upstream · swrr-5-1-1");
    s.send(":");
    s.send("reqs 7");
    s.send("\r");
    let screen = s.wait_for("distribution of requests: 21");
    let stream = screen
        .lines()
        .skip_while(|l| !l.contains("requests (oldest → newest):"))
        .nth(1)
        .unwrap_or_default()
        .to_string();
    // three SWRR cycles of 7: the preset's 14 requests and the 7 just typed
    assert!(
        stream.contains("│a a b a c a a a a b a c a a a a b a c a a "),
        "{stream}\n{screen}"
    );
    // a bad command shows an error and changes nothing
    s.send(":");
    s.send("down nosuch");
    s.send("\r");
    let screen = s.wait_for("✗");
    assert!(screen.contains("distribution of requests: 21"), "{screen}");
    s.send("q");
    s.wait_for("Topics");
    s.send("q");
    s.wait_exit();
    s.assert_restored();
}

#[test]
fn django_short_circuit_passes_back_through_outer_middleware_only() {
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
    s.send("shengmingzhouqi");
    s.wait_for("2.3 Django 请求的生命周期");
    s.send("\r");
    s.send("c");
    s.send("\r");
    s.wait_for("▶ django");
    s.send(":");
    s.send("GET /private/");
    s.send("\r");
    let screen = s.wait_for("GET /private/  status 403");
    let line = |name: &str| {
        screen
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_default()
            .to_string()
    };
    // Gate short-circuits: it and every layer outside it are crossed both ways…
    for outer in ["SecurityMiddleware", "SessionMiddleware", "Timing", "Gate"] {
        assert!(
            line(outer).contains("→←"),
            "{outer}: {}\n{screen}",
            line(outer)
        );
    }
    // …and nothing inside it is reached.
    for inner in ["URL resolver", "view", "template"] {
        let l = line(inner);
        assert!(
            !l.contains('→') && !l.contains('←'),
            "{inner}: {l}\n{screen}"
        );
    }
    s.send("q");
    s.send("q");
    s.wait_exit();
    s.assert_restored();
}
