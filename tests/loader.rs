//! Loading real and hostile notes: everything loads or is reported with its
//! file and line, and one bad note never stops the others.

mod common;

use std::path::PathBuf;

use tuitor::content::{self, Block, Library, Severity};

fn load(paths: &[PathBuf]) -> Library {
    tuitor::sim::paired(content::load_paths(paths))
}

fn titles(lib: &Library) -> Vec<String> {
    lib.preorder()
        .iter()
        .map(|&t| lib.topics[t].title.clone())
        .collect()
}

#[test]
fn seed_note_loads_with_its_own_numbering_and_pairings() {
    let Some(seed) = common::seed_note() else {
        eprintln!("seed note not present; skipped");
        return;
    };
    let lib = load(&[seed]);
    assert!(!lib.has_errors(), "{:?}", lib.diagnostics);
    assert_eq!(lib.notes.len(), 1);
    let root = &lib.topics[lib.notes[0].root];
    assert_eq!(root.title, "教发项目总结（更新中）");
    assert_eq!(lib.notes[0].meta.tags, vec!["python", "Django", "项目"]);
    let chapters: Vec<&str> = root
        .children
        .iter()
        .map(|&c| lib.topics[c].title.as_str())
        .collect();
    assert_eq!(
        chapters,
        vec![
            "1. 介绍一下项目",
            "2. Django",
            "3. Docker",
            "4. Redis",
            "5. Nginx",
            "6. 遇到的困难"
        ]
    );
    let t = titles(&lib);
    for s in [
        "4.5 字典",
        "4.6 跳跃表",
        "5.2 Nginx的负载均衡算法",
        "5.13 平滑升级",
        "2.7 什么是wsgi、uwsgi、uWSGI",
    ] {
        assert!(t.iter().any(|x| x == s), "missing {s}");
    }
    let sims_of = |title: &str| -> Vec<String> {
        let id = lib.topics.iter().position(|x| x.title == title).unwrap();
        lib.topics[id].sims.iter().map(|s| s.name.clone()).collect()
    };
    assert_eq!(sims_of("4.5 字典"), vec!["redis-dict"]);
    assert_eq!(sims_of("4.6 跳跃表"), vec!["redis-zset"]);
    assert_eq!(sims_of("5.2 Nginx的负载均衡算法"), vec!["nginx-upstream"]);
    assert_eq!(sims_of("2.3 Django 请求的生命周期"), vec!["django"]);
    assert_eq!(sims_of("2.4 ORM"), vec!["django-orm"]);
    assert!(sims_of("4.7 事务").is_empty());
    // line ranges point into the file
    let dict = lib.topics.iter().find(|x| x.title == "4.5 字典").unwrap();
    assert_eq!(dict.lines.start, 176);
    assert_eq!(dict.lines.end, 190);
}

#[test]
fn embedded_notes_cover_every_topic_of_the_seed() {
    let lib = content::load_embedded();
    assert!(!lib.has_errors(), "{:?}", lib.diagnostics);
    assert_eq!(lib.notes.len(), 6);
    let all = titles(&lib).join("\n");
    for needle in [
        "MVC",
        "MTV",
        "生命周期",
        "ORM",
        "中间件",
        "QuerySet",
        "WSGI",
        "Docker",
        "虚拟机",
        "底层",
        "过期",
        "NoSQL",
        "字典",
        "跳跃表",
        "事务",
        "负载均衡",
        "惊群",
        "事件驱动",
        "master",
        "内存池",
        "多线程",
        "正向代理",
        "反向代理",
        "动静分离",
        "平滑升级",
        "定时任务",
        "短链",
    ] {
        assert!(
            all.to_lowercase().contains(&needle.to_lowercase()),
            "no topic about {needle}"
        );
    }
    // every embedded sim block names a known simulation once the engines are in
    let embedded: usize = lib
        .topics
        .iter()
        .map(|t| {
            t.sims
                .iter()
                .filter(|s| s.origin == content::SimOrigin::Embedded)
                .count()
        })
        .sum();
    assert!(embedded >= 15, "{embedded}");
}

#[test]
fn front_matter_forms_and_headings() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.md");
    std::fs::write(
        &a,
        "---\ntitle: 行内\ntags: [x, y]\ncategories: 分类\nextra_key: {nested: 1}\n---\n\nintro\n\nSetext 一\n=========\n\ntext\n\n#### skipped levels\n\n## back to two\n",
    )
    .unwrap();
    let lib = load(&[a]);
    assert!(lib.diagnostics.is_empty(), "{:?}", lib.diagnostics);
    let n = &lib.notes[0];
    assert_eq!(n.meta.tags, vec!["x", "y"]);
    assert_eq!(n.meta.categories, vec!["分类"]);
    assert!(n.meta.extra.contains_key("extra_key"));
    assert_eq!(
        titles(&lib),
        vec!["行内", "Setext 一", "skipped levels", "back to two"]
    );
    let root = &lib.topics[0];
    assert!(matches!(root.blocks[0].block, Block::Paragraph(_)));
    assert_eq!(
        lib.topics[2].parent,
        Some(1),
        "skipped level nests under the last heading"
    );
    assert_eq!(lib.topics[3].parent, Some(1), "h2 nests under the h1");
}

#[test]
fn a_note_without_headings_is_one_topic_named_by_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("plain-note.md");
    std::fs::write(&a, "just text\n").unwrap();
    let lib = load(&[a]);
    assert_eq!(titles(&lib), vec!["plain-note"]);
}

/// Write each hostile input next to one good note; the good note must load and
/// every hostile one must be reported or loaded lossily.
#[test]
fn hostile_notes_are_reported_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let write = |name: &str, bytes: &[u8]| std::fs::write(d.join(name), bytes).unwrap();
    write("00-good.md", "# 好笔记\n\n正常内容。\n".as_bytes());
    write(
        "bad-yaml.md",
        b"---\ntitle: x\ntags: [unclosed\n---\n# ok body\n",
    );
    write("unterminated.md", b"---\ntitle: never closed\n# body\n");
    let mut bomb = String::from(
        "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 0..9 {
        let p = if i == 0 {
            "a".to_string()
        } else {
            format!("b{}", i - 1)
        };
        bomb.push_str(&format!(
            "b{i}: &b{i} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    bomb.push_str("---\n# body\n");
    write("bomb.md", bomb.as_bytes());
    let deep_yaml = format!(
        "---\nx: {}{}\n---\n# body\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    write("deep-yaml.md", deep_yaml.as_bytes());
    write("latin1.md", b"# caf\xe9\n\nna\xefve\n");
    write("binary.md", b"\x7fELF\x02\x01\x01\x00\x00\x00binary");
    write("empty.md", b"");
    write("blank.md", b"  \n\n\t\n");
    write(
        "deep-list.md",
        format!("{}deep\n", "- ".repeat(10_000)).as_bytes(),
    );
    write(
        "deep-ordered.md",
        format!("{}deep\n", "1. ".repeat(10_000)).as_bytes(),
    );
    write(
        "deep-quote.md",
        format!("{}deep\n", "> ".repeat(10_000)).as_bytes(),
    );
    write(
        "long-line.md",
        format!("# long\n\n{}\n", "长".repeat(5 * 1024 * 1024 / 3)).as_bytes(),
    );
    write("crlf.md", b"# CRLF\r\n\r\ntext\r\n## two\r\nmore\r\n");
    write("lone-cr.md", b"# CR\r\rtext\rmore\r");
    write("bom.md", "\u{feff}---\ntitle: 有BOM\n---\n# x\n".as_bytes());
    write(
        "escapes.md",
        b"# evil \x1b]0;pwned\x07 title\n\n\x1b[2J\x1b[?1049l text \x9b31m\n",
    );
    write(
        "many-headings.md",
        (0..5000)
            .map(|i| format!("## h{i}\n\nbody {i}\n"))
            .collect::<String>()
            .as_bytes(),
    );
    write("evil\x1b[31mname\n.md", b"# named badly\n");

    let lib = load(&[d.to_path_buf()]);
    let by_file = |name: &str| {
        lib.diagnostics
            .iter()
            .filter(move |x| x.file.ends_with(name))
            .collect::<Vec<_>>()
    };

    assert!(lib
        .notes
        .iter()
        .any(|n| n.meta.title.is_none() && lib.topics[n.root].title == "好笔记"));
    let e = by_file("bad-yaml.md");
    // the line points into the front matter (where the parser noticed the problem)
    assert!(
        e.iter()
            .any(|x| x.severity == Severity::Error && matches!(x.line, Some(2..=4))),
        "{e:?}"
    );
    assert!(by_file("unterminated.md").iter().any(|x| x.line == Some(1)));
    assert!(by_file("bomb.md")
        .iter()
        .any(|x| x.severity == Severity::Error));
    assert!(by_file("deep-yaml.md")
        .iter()
        .any(|x| x.severity == Severity::Error));
    let latin = lib
        .notes
        .iter()
        .find(|n| n.path.ends_with("latin1.md"))
        .unwrap();
    assert!(latin.lossy);
    assert_eq!(lib.topics[latin.root].title, "caf�");
    assert!(by_file("latin1.md").iter().any(|x| x.line == Some(1)));
    assert!(by_file("binary.md")
        .iter()
        .any(|x| x.message.contains("binary")));
    assert!(!lib.notes.iter().any(|n| n.path.ends_with("binary.md")));
    assert!(by_file("empty.md")
        .iter()
        .any(|x| x.message.contains("empty")));
    assert!(by_file("blank.md")
        .iter()
        .any(|x| x.message.contains("empty")));
    assert!(by_file("deep-list.md")
        .iter()
        .any(|x| x.message.contains("nested")));
    assert!(by_file("deep-ordered.md")
        .iter()
        .any(|x| x.message.contains("nested")));
    assert!(by_file("deep-quote.md")
        .iter()
        .any(|x| x.message.contains("nested")));
    assert!(lib.notes.iter().any(|n| n.path.ends_with("long-line.md")));
    let crlf = lib
        .notes
        .iter()
        .find(|n| n.path.ends_with("crlf.md"))
        .unwrap();
    assert_eq!(lib.topics[crlf.root].title, "CRLF");
    assert_eq!(lib.topics[crlf.root + 1].title, "two");
    assert!(lib.notes.iter().any(|n| n.path.ends_with("lone-cr.md")));
    let bom = lib
        .notes
        .iter()
        .find(|n| n.path.ends_with("bom.md"))
        .unwrap();
    assert_eq!(bom.meta.title.as_deref(), Some("有BOM"));
    let many = lib
        .notes
        .iter()
        .find(|n| n.path.ends_with("many-headings.md"))
        .unwrap();
    assert_eq!(many.topics.len(), 5001);
    // nothing in the model carries a raw control character
    let dump = serde_json::to_string(&lib).unwrap();
    assert!(
        !dump.contains("\\u001b") && !dump.contains("\\u0007") && !dump.contains("\\u009b"),
        "raw escape in model"
    );
    assert!(lib
        .notes
        .iter()
        .any(|n| n.path.contains("evil␛[31mname␊.md")));
    let esc = lib
        .notes
        .iter()
        .find(|n| n.path.ends_with("escapes.md"))
        .unwrap();
    assert_eq!(lib.topics[esc.root].title, "evil ␛]0;pwned␇ title");
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_missing_paths() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/a.md"), "# a\n").unwrap();
    std::os::unix::fs::symlink(d, d.join("sub/loop")).unwrap();
    let lib = load(&[d.to_path_buf(), d.join("missing.md")]);
    assert_eq!(lib.notes.len(), 1);
    assert!(lib
        .diagnostics
        .iter()
        .any(|x| x.file.ends_with("missing.md") && x.severity == Severity::Error));
}

#[test]
fn explicit_files_load_whatever_their_extension_and_folders_only_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.md"), "# a\n").unwrap();
    std::fs::write(d.join("b.markdown"), "# b\n").unwrap();
    std::fs::write(d.join("c.txt"), "# c\n").unwrap();
    let lib = load(&[d.to_path_buf()]);
    assert_eq!(titles(&lib), vec!["a", "b"]);
    let lib = load(&[d.join("c.txt")]);
    assert_eq!(titles(&lib), vec!["c"]);
}

#[test]
fn the_public_corpus_loads_without_errors() {
    let Some(corpus) = common::corpus() else {
        eprintln!("corpus not present; skipped");
        return;
    };
    let lib = load(&[corpus]);
    assert!(lib.notes.len() > 400, "{}", lib.notes.len());
    let errors: Vec<_> = lib
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.len() < 5, "{errors:#?}");
}
