//! The headless command line, run as a real process.

mod common;

use std::process::{Command, Output};

fn tuitor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tuitor"))
        .args(args)
        .env(
            "TUITOR_DATA_DIR",
            std::env::temp_dir().join("tuitor-cli-test"),
        )
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("tuitor-cli-test-config"),
        )
        .output()
        .expect("run tuitor")
}

fn fixtures() -> String {
    common::fixtures().join("notes").display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

#[test]
fn list_json_has_the_documented_shape() {
    let o = tuitor(&["--notes", &fixtures(), "list", "--json"]);
    assert!(o.status.success(), "{o:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    let dict = arr.iter().find(|t| t["title"] == "1. 字典").unwrap();
    assert_eq!(dict["level"], 1);
    assert_eq!(dict["path"], serde_json::json!(["Redis 基础"]));
    assert!(dict["file"].as_str().unwrap().ends_with("redis-basics.md"));
    assert_eq!(dict["line"], 12);
    assert_eq!(dict["id"], "redis-basics:1");
    assert_eq!(
        dict["sims"],
        serde_json::json!(["redis-dict"]),
        "paired by the 字典 rule"
    );
    for t in arr {
        for k in ["id", "title", "level", "path", "file", "line", "sims"] {
            assert!(t.get(k).is_some(), "{k} missing in {t}");
        }
    }
}

#[test]
fn seed_list_reports_paired_sims() {
    let Some(seed) = common::seed_note() else {
        return;
    };
    let o = tuitor(&["--notes", seed.to_str().unwrap(), "list", "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let sims = |title: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|t| t["title"] == title)
            .unwrap()["sims"]
            .clone()
    };
    assert_eq!(sims("4.5 字典"), serde_json::json!(["redis-dict"]));
    assert_eq!(sims("4.6 跳跃表"), serde_json::json!(["redis-zset"]));
    assert_eq!(
        sims("5.2 Nginx的负载均衡算法"),
        serde_json::json!(["nginx-upstream"])
    );
    assert_eq!(
        sims("2.3 Django 请求的生命周期"),
        serde_json::json!(["django"])
    );
    assert_eq!(sims("2.4 ORM"), serde_json::json!(["django-orm"]));
}

#[test]
fn search_by_pinyin_initials_and_json() {
    let o = tuitor(&[
        "--notes",
        &fixtures(),
        "search",
        "tyb",
        "--json",
        "--limit",
        "3",
    ]);
    assert!(o.status.success(), "{o:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let first = &v[0];
    assert_eq!(first["title"], "2. 跳跃表");
    assert_eq!(first["id"], "redis-basics:2");
    assert!(first["score"].as_i64().unwrap() > 0);
    assert_eq!(first["line"], 26);
    assert!(first["snippet"].is_string());
    // nothing found: exit status 1, empty array
    let o = tuitor(&["--notes", &fixtures(), "search", "zzzzqqqq", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).trim(), "[]");
}

#[test]
fn show_by_id_and_by_query_wraps_at_width() {
    let o = tuitor(&[
        "--notes",
        &fixtures(),
        "show",
        "redis-basics:1",
        "--width",
        "30",
    ]);
    assert!(o.status.success(), "{o:?}");
    let text = stdout(&o);
    assert!(text.starts_with("1. 字典\n"), "{text}");
    assert!(text.contains("│ rehashid │ 下一个要 │    8 │"), "{text}");
    for l in text.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(l) <= 30, "{l:?}");
    }
    let o = tuitor(&["--notes", &fixtures(), "show", "pinghuashengji"]);
    assert!(stdout(&o).starts_with("平滑升级\n"), "{}", stdout(&o));
    let o = tuitor(&["--notes", &fixtures(), "show", "no-such-topic-xyzq"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no topic matches"));
}

#[test]
fn check_reports_file_line_and_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.md"), "# fine\n").unwrap();
    let o = tuitor(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    std::fs::write(dir.path().join("bad.md"), "---\ntitle: [x\n---\n# b\n").unwrap();
    let o = tuitor(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let line = out.lines().next().unwrap();
    assert!(
        line.contains("bad.md:") && line.contains(": error: invalid front matter"),
        "{line}"
    );
}

#[test]
fn check_warns_about_a_simulation_block_naming_no_simulation() {
    let dir = tempfile::tempdir().unwrap();
    let note = "# a\n\ntext\n\n```sim\nredis-dcit\n```\n\n```sim\nrehash preset=grow-from-4\n```\n";
    std::fs::write(dir.path().join("s.md"), note).unwrap();
    let o = tuitor(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "a warning is no error: {o:?}");
    let out = stdout(&o);
    let warn: Vec<&str> = out.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warn.len(), 1, "{out}");
    assert!(warn[0].contains("s.md:5:"), "{out}");
    assert!(
        warn[0].contains("unknown simulation `redis-dcit`; known: redis-dict"),
        "{out}"
    );
}

/// Whether `bytes` carry anything a terminal would interpret: C0 controls
/// other than newline (ESC, BEL, …), DEL, or a C1 control (U+0080–U+009F, e.g.
/// U+009B, the one-character CSI).
fn unsafe_for_terminal(bytes: &[u8]) -> Option<char> {
    String::from_utf8_lossy(bytes).chars().find(|&c| {
        let u = c as u32;
        (u < 0x20 && c != '\n') || (0x7f..=0x9f).contains(&u)
    })
}

#[test]
fn cli_output_never_carries_raw_escapes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("e\x1b[31m\u{9b}.md"),
        "---\ntitle: \"\\e]0;fm\\a\"\ntags: [\"\\x9b31m\"]\n---\n# t\x1b]0;x\x07itle\n\n\x1b]52;c;aGVsbG8=\x07 body \x1b[?1049l \u{9b}2J \x7f\n\n```sim\nredis-dict\x1b]0;x\x07 preset=\x1b[2J\n```\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bad.md"),
        "---\nk: [\x1b]0;x\x07\n---\n# b\n",
    )
    .unwrap();
    let config = dir.path().join("cfg.yaml");
    std::fs::write(&config, "\x1b]0;cfg\x07: \u{9b}1\n").unwrap();
    let script = dir.path().join("script.txt");
    std::fs::write(
        &script,
        "set \"\\x1b]0;s\\x07\" \"\u{9b}v\"\nget \"\\x1b]0;s\\x07\"\n",
    )
    .unwrap();
    let n = dir.path().to_str().unwrap();
    let cfg = config.to_str().unwrap();
    let scr = script.to_str().unwrap();
    let esc_name = "redis\x1b]0;x\x07\u{9b}";
    let zadd = "ZADD z 1 \"\x1b]0;x\x07\" 2 \"\\x1b[?1049l\" 3 \"\u{9b}31m\"";
    for args in [
        vec!["--notes", n, "list"],
        vec!["--notes", n, "list", "--json"],
        vec!["--notes", n, "show", "t"],
        vec!["--notes", n, "show", "\x1b]0;x\x07nothing-matches"],
        vec!["--notes", n, "search", "body"],
        vec!["--notes", n, "search", "body", "--json"],
        vec!["check", n],
        vec!["sim", "redis-zset", "--cmd", zadd, "--cmd", "ZRANGE z 0 -1"],
        vec![
            "sim",
            "redis-zset",
            "--json",
            "--cmd",
            zadd,
            "--cmd",
            "ZRANGE z 0 -1",
        ],
        vec!["sim", "redis-dict", "--script", scr],
        vec!["sim", "redis-dict", "--json", "--script", scr],
        vec!["sim", "redis-dict", "--cmd", "\x1b]0;bad\x07 \u{9b}"],
        vec![
            "sim",
            "redis-dict",
            "--json",
            "--cmd",
            "\x1b]0;bad\x07 \u{9b}",
        ],
        vec![
            "sim",
            "nginx-upstream",
            "--cmd",
            "req uri=/\x1b]0;u\x07 ip=\u{9b}",
        ],
        vec![
            "sim",
            "nginx-upstream",
            "--json",
            "--cmd",
            "down \x1b]0;n\x07",
        ],
        vec!["sim", "django", "--cmd", "GET /\x1b]0;p\x07\u{9b}/"],
        vec![
            "sim",
            "django-orm",
            "--json",
            "--cmd",
            "let \x1b]0;q\x07 = Book.objects.all()",
        ],
        vec!["sim", "redis-dict", "--config", cfg, "--cmd", "get k"],
        vec!["sim", "nginx-upstream", "--config", cfg, "--cmd", "req"],
        vec!["sim", esc_name, "--cmd", "get k"],
        vec!["sim", "redis-dict", "--script", "/no/such\x1b]0;x\x07"],
        vec!["sim", "redis-dict", "--preset", "\x1b]0;x\x07"],
        vec!["\x1b]0;x\x07\u{9b}"],
        vec!["show", "--width", "\x1b]0;x\x07", "t"],
        vec!["--lang", "\u{9b}31m", "list"],
    ] {
        let o = tuitor(&args);
        for stream in [&o.stdout, &o.stderr] {
            if let Some(c) = unsafe_for_terminal(stream) {
                panic!(
                    "{args:?}: {c:?} reached the terminal in {}",
                    String::from_utf8_lossy(stream)
                );
            }
        }
    }
}

#[test]
fn help_version_and_usage_errors() {
    let o = tuitor(&["--help"]);
    assert!(o.status.success());
    let h = stdout(&o);
    for w in [
        "list", "show", "search", "check", "sim", "--notes", "--lang",
    ] {
        assert!(h.contains(w), "{w} not in help");
    }
    let o = tuitor(&["--version"]);
    assert!(stdout(&o).starts_with("tuitor "));
    let o = tuitor(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let o = tuitor(&["sim", "no-such-sim", "--cmd", "x"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown simulation"));
}

#[test]
fn tui_refuses_without_a_terminal() {
    let o = tuitor(&["--notes", &fixtures()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs an interactive terminal"));
}

/// `tuitor sim NAME --picture …`, checked to succeed; its stdout.
fn picture(args: &[&str]) -> String {
    let mut all = vec!["sim"];
    all.extend_from_slice(args);
    all.push("--picture");
    let o = tuitor(&all);
    assert!(o.status.success(), "{args:?}: {o:?}");
    stdout(&o)
}

#[test]
fn picture_of_every_simulation_is_drawn_from_its_run() {
    // redis-dict: the first SET creates ht[0] with 4 buckets and puts the key in one.
    let p = picture(&["redis-dict", "--cmd", "set a 1"]);
    assert!(p.contains("ht[0]  size 4  used 1"), "{p}");
    assert!(p.contains("rehashidx = -1"), "{p}");
    assert_eq!(p.lines().filter(|l| l.contains('│')).count(), 4, "{p}");
    // redis-zset: members in score order with their ranks.
    let p = picture(&["redis-zset", "--cmd", "ZADD z 3 c 1 a 2 b"]);
    assert!(p.contains("key z  3 members"), "{p}");
    let labels = p.lines().find(|l| l.contains("a:1")).unwrap_or_default();
    let (a, b, c) = (
        labels.find("a:1").unwrap(),
        labels.find("b:2").unwrap(),
        labels.find("c:3").unwrap(),
    );
    assert!(a < b && b < c, "{labels}");
    // nginx-upstream: smooth weighted round robin over 5:1:1.
    let p = picture(&["lb", "--preset", "swrr-5-1-1"]);
    let stream = p
        .lines()
        .skip_while(|l| !l.starts_with("requests"))
        .nth(1)
        .unwrap_or_default();
    assert!(stream.trim().starts_with("a a b a c a a"), "{p}");
    // django: a request that went in and came out of every middleware.
    let p = picture(&["django", "--cmd", "GET /hello/"]);
    assert!(p.contains("GET /hello/  status 200"), "{p}");
    assert!(p.contains("→← SecurityMiddleware"), "{p}");
    // a short circuit: the Gate answers 403, the view is never reached.
    let p = picture(&["django", "--cmd", "GET /private/"]);
    assert!(p.contains("status 403"), "{p}");
    let view = p.lines().find(|l| l.ends_with(" view")).unwrap_or_default();
    assert!(!view.contains('→'), "{p}");
    // django-orm: N+1 queries, one per book plus the list.
    let p = picture(&["orm", "--preset", "n-plus-one"]);
    assert!(p.contains("SQL of this command: 11"), "{p}");
}

#[test]
fn every_registered_simulation_draws_every_preset_step_by_step() {
    // What a new simulation gets without writing a test: each preset's run
    // prints one picture per step, numbered 0..=N, and the run changes it.
    for info in tuitor::sim::REGISTRY {
        for preset in info.presets {
            let args = [info.name, "--preset", preset.name, "--step", "all"];
            let p = picture(&args);
            let blocks: Vec<&str> = p.split(&"─".repeat(100)).map(str::trim).collect();
            let head = format!("{} · step 0/", info.name);
            let total: usize = blocks[0]
                .strip_prefix(&head)
                .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{args:?}: no step count in {:?}", blocks[0]));
            assert!(total > 0, "{args:?}: the preset made no steps");
            assert_eq!(blocks.len(), total + 1, "{args:?}: one picture per step");
            for (k, b) in blocks.iter().enumerate() {
                let want = format!("{} · step {k}/{total}", info.name);
                assert!(b.starts_with(&want), "{args:?}: block {k} starts {b:?}");
            }
            let body = |b: &str| b.lines().skip(1).collect::<Vec<_>>().join("\n");
            assert_ne!(
                body(blocks[0]),
                body(blocks[total]),
                "{args:?}: the run left the picture blank"
            );
        }
    }
}

#[test]
fn picture_steps_and_width() {
    // Step 0 is the blank picture; a step past the end is refused.
    let p = picture(&["redis-dict", "--cmd", "set a 1", "--step", "0"]);
    assert!(p.starts_with("redis-dict · step 0/"), "{p}");
    assert!(p.contains("no table yet"), "{p}");
    let o = tuitor(&[
        "sim",
        "redis-dict",
        "--cmd",
        "set a 1",
        "--picture",
        "--step",
        "999",
    ]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("past the end"),
        "{o:?}"
    );
    // --step all draws steps 0..=n, separated by rule lines.
    let p = picture(&["lb", "--cmd", "reqs 2", "--step", "all", "--width", "60"]);
    let n: usize = p
        .lines()
        .next()
        .and_then(|l| l.split("step 0/").nth(1))
        .and_then(|s| s.trim().parse().ok())
        .expect("a step count");
    let rule = "─".repeat(60);
    assert_eq!(p.lines().filter(|l| *l == rule).count(), n, "{p}");
    assert_eq!(p.matches(" · step ").count(), n + 1);
    // Every line fits the width asked for, at every simulation's first preset.
    for sim in [
        "redis-dict",
        "redis-zset",
        "nginx-upstream",
        "django",
        "django-orm",
    ] {
        for w in ["30", "80"] {
            let p = picture(&[sim, "--preset", first_preset(sim).as_str(), "--width", w]);
            let w: usize = w.parse().unwrap();
            for l in p.lines() {
                assert!(
                    unicode_width::UnicodeWidthStr::width(l) <= w,
                    "{sim} at {w}: {l:?}"
                );
            }
        }
    }
    // --step needs --picture; a bad step is a usage error.
    let o = tuitor(&["sim", "redis-dict", "--step", "3"]);
    assert_eq!(o.status.code(), Some(2));
    let o = tuitor(&["sim", "redis-dict", "--picture", "--step", "many"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("whole number or `all`"));
}

fn first_preset(sim: &str) -> String {
    let o = tuitor(&["sim", "--list"]);
    let list = stdout(&o);
    list.lines()
        .skip_while(|l| !l.starts_with(sim) || l.starts_with(&format!("{sim}-")))
        .nth(1)
        .and_then(|l| l.trim().strip_prefix("preset "))
        .and_then(|l| l.split_whitespace().next())
        .expect("a preset")
        .to_string()
}
