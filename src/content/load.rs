//! Loading notes: the embedded defaults, or the user's files and folders.
//!
//! Loading never stops on a bad note. Each file is read, decoded (lossily, with a
//! warning, when it is not UTF-8), split into front matter and body, parsed and
//! cut into topics; every problem becomes a [`Diagnostic`] naming the file and
//! line, and the other notes load regardless. Folder scans follow no symlink loop
//! and descend at most [`MAX_DIR_DEPTH`] levels.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::frontmatter::{self, FrontMatter};
use super::markdown::{self, Item};
use super::model::{plain, Block, Diagnostic, Library, Note, Severity, SimOrigin, Topic, TopicId};
use super::sanitize::cleaned;

/// Notes larger than this are refused with a diagnostic.
pub const MAX_NOTE_BYTES: usize = 64 * 1024 * 1024;
/// How deep a folder scan descends.
pub const MAX_DIR_DEPTH: usize = 32;

/// Whether a path names a note by its extension (folder scans only).
pub fn is_note_path(p: &Path) -> bool {
    matches!(
        p.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("md" | "markdown")
    )
}

/// A note parsed on its own, ready to be added to a [`Library`].
#[derive(Clone, Debug)]
pub struct ParsedNote {
    /// Display path.
    pub path: String,
    /// Front matter.
    pub meta: FrontMatter,
    /// Whether decoding was lossy.
    pub lossy: bool,
    /// Topics with note-local indices (0 = root; parents and children local too).
    pub topics: Vec<Topic>,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
}

fn diag(
    file: &str,
    line: Option<usize>,
    severity: Severity,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line,
        severity,
        message: message.into(),
    }
}

fn file_stem(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = name
        .rsplit_once('.')
        .map_or(name, |(s, _)| if s.is_empty() { name } else { s });
    if stem.is_empty() {
        "note".into()
    } else {
        stem.to_string()
    }
}

/// Parse one note from its bytes. Returns `None` (with diagnostics) when the file
/// cannot be a note at all: empty, binary, or too large.
pub fn parse_note(path: &str, bytes: &[u8]) -> (Option<ParsedNote>, Vec<Diagnostic>) {
    let path = cleaned(path);
    let mut diags = Vec::new();
    if bytes.len() > MAX_NOTE_BYTES {
        diags.push(diag(
            &path,
            None,
            Severity::Error,
            format!(
            "file is {} MiB, larger than the {} MiB limit for a note; split it into smaller notes",
            bytes.len() >> 20, MAX_NOTE_BYTES >> 20),
        ));
        return (None, diags);
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        diags.push(diag(&path, None, Severity::Warning, "empty note, skipped"));
        return (None, diags);
    }
    if let Some(pos) = bytes.iter().take(8192).position(|&b| b == 0) {
        let line = bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1;
        diags.push(diag(
            &path,
            Some(line),
            Severity::Error,
            "binary data (a NUL byte): this does not look like a Markdown note, skipped",
        ));
        return (None, diags);
    }
    let (text, lossy) = match std::str::from_utf8(bytes) {
        Ok(t) => (std::borrow::Cow::Borrowed(t), false),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            diags.push(diag(
                &path,
                Some(line),
                Severity::Warning,
                "not valid UTF-8: invalid bytes are shown as �; save the file as UTF-8 to fix",
            ));
            (String::from_utf8_lossy(bytes), true)
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);

    let split = frontmatter::split(text);
    let mut meta = FrontMatter::default();
    if split.unterminated {
        diags.push(diag(
            &path,
            Some(1),
            Severity::Error,
            "front matter starts with `---` but has no closing `---` line; it is read as text",
        ));
    }
    if let Some(yaml) = split.yaml {
        match frontmatter::parse_front_matter(yaml) {
            Ok(fm) => meta = fm,
            Err(e) => diags.push(diag(
                &path,
                Some(e.line.map_or(1, |l| l + 1)),
                Severity::Error,
                format!("invalid front matter, ignored: {}", cleaned(&e.message)),
            )),
        }
    }

    let parsed = markdown::parse(split.body, split.body_line_offset);
    for issue in parsed.issues {
        diags.push(diag(
            &path,
            Some(issue.line),
            Severity::Warning,
            issue.message,
        ));
    }
    let total_lines = text.lines().count().max(1);
    let mut topics = build_topics(&path, &meta, parsed.items, total_lines, &mut diags);
    // Lists grown while parsing keep up to twice the room they need; a note
    // lives as long as the library, so give the room back now.
    for t in &mut topics {
        t.compact();
    }
    let note = ParsedNote {
        path,
        meta,
        lossy,
        topics,
        diagnostics: Vec::new(),
    };
    (Some(note), diags)
}

fn build_topics(
    path: &str,
    meta: &FrontMatter,
    mut items: Vec<Item>,
    total_lines: usize,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Topic> {
    let levels: Vec<u8> = items
        .iter()
        .filter_map(|i| match i {
            Item::Heading { level, .. } => Some(*level),
            Item::Block(_) => None,
        })
        .collect();
    let min = levels.iter().copied().min();
    // A single top heading that opens the note is the note's own title.
    let mut root_title = meta.title.clone();
    if let Some(m) = min {
        let first_heading = items.iter().position(|i| matches!(i, Item::Heading { .. }));
        let only_one = levels.iter().filter(|&&l| l == m).count() == 1;
        if let (Some(pos), true) = (first_heading, only_one) {
            if let Item::Heading { level, text, .. } = &items[pos] {
                let before_is_empty =
                    items[..pos].iter().all(|i| matches!(i, Item::Block(_))) && pos == 0;
                if *level == m && before_is_empty {
                    if root_title.is_none() {
                        root_title = Some(plain(text));
                    }
                    items.remove(pos);
                }
            }
        }
    }
    let root_title = root_title
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| file_stem(path));

    let mut topics = vec![Topic {
        note: 0,
        title: root_title,
        depth: 0,
        heading_level: None,
        parent: None,
        children: Vec::new(),
        blocks: Vec::new(),
        lines: 1..total_lines + 1,
        sims: Vec::new(),
        ordinal: 0,
    }];
    // (heading level, topic index)
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut cur = 0usize;
    for item in items {
        match item {
            Item::Heading { level, text, line } => {
                while stack.last().is_some_and(|&(l, _)| l >= level) {
                    stack.pop();
                }
                let parent = stack.last().map_or(0, |&(_, t)| t);
                let id = topics.len();
                let mut title = plain(&text).trim().to_string();
                if title.is_empty() {
                    title = format!("(untitled, line {line})");
                    diags.push(diag(path, Some(line), Severity::Warning, "empty heading"));
                }
                topics[cur].lines.end = topics[cur].lines.end.min(line);
                topics.push(Topic {
                    note: 0,
                    title,
                    depth: topics[parent].depth + 1,
                    heading_level: Some(level),
                    parent: Some(parent),
                    children: Vec::new(),
                    blocks: Vec::new(),
                    lines: line..total_lines + 1,
                    sims: Vec::new(),
                    ordinal: id,
                });
                topics[parent].children.push(id);
                stack.push((level, id));
                cur = id;
            }
            Item::Block(b) => {
                if let Block::Sim(s) = &b.block {
                    if !topics[cur].sims.iter().any(|x| x == s) {
                        topics[cur].sims.push(s.clone());
                    }
                }
                topics[cur].blocks.push(b);
            }
        }
    }
    topics
}

impl Library {
    /// Add a parsed note, giving it a unique key.
    pub fn push(&mut self, note: ParsedNote, diagnostics: Vec<Diagnostic>) {
        self.diagnostics.extend(diagnostics);
        let n = self.notes.len();
        let base = self.topics.len();
        let stem: String = file_stem(&note.path)
            .chars()
            .map(|c| {
                if c == ':' || c.is_whitespace() {
                    '-'
                } else {
                    c
                }
            })
            .collect();
        let mut key = stem.clone();
        let mut k = 2;
        while self.keys.contains(&key) {
            key = format!("{stem}-{k}");
            k += 1;
        }
        self.keys.insert(key.clone());
        let count = note.topics.len();
        for mut t in note.topics {
            t.note = n;
            t.parent = t.parent.map(|p| p + base);
            for c in &mut t.children {
                *c += base;
            }
            self.topics.push(t);
        }
        self.notes.push(Note {
            path: note.path,
            key,
            meta: note.meta,
            root: base,
            topics: base..base + count,
            lossy: note.lossy,
        });
    }

    /// Every topic in tree order (depth first), starting from the roots.
    pub fn preorder(&self) -> Vec<TopicId> {
        let mut out = Vec::with_capacity(self.topics.len());
        let mut stack: Vec<TopicId> = self.roots().collect();
        stack.reverse();
        while let Some(t) = stack.pop() {
            out.push(t);
            stack.extend(self.topics[t].children.iter().rev());
        }
        out
    }

    /// Warn about the simulation blocks in notes `notes` that name no known
    /// simulation: `unknown` says what is wrong with a name, or `None` when it
    /// is known. The loader does not know the simulations; the layer that
    /// does passes them in (`sim::check_notes`).
    pub fn check_sims(
        &mut self,
        notes: std::ops::Range<usize>,
        unknown: impl Fn(&str) -> Option<String>,
    ) {
        let mut found = Vec::new();
        for note in &self.notes[notes] {
            for t in &self.topics[note.topics.clone()] {
                for b in &t.blocks {
                    if let Block::Sim(s) = &b.block {
                        if let Some(why) = unknown(&s.name) {
                            found.push(diag(&note.path, Some(b.line), Severity::Warning, why));
                        }
                    }
                }
            }
        }
        self.diagnostics.extend(found);
    }

    /// Whether any topic offers an embedded simulation.
    pub fn has_embedded_sims(&self) -> bool {
        self.topics
            .iter()
            .any(|t| t.sims.iter().any(|s| s.origin == SimOrigin::Embedded))
    }
}

/// Load the notes embedded in the binary (simulations are offered to their
/// topics by `sim::attach`, which knows the simulations).
pub fn load_embedded() -> Library {
    let mut lib = Library::default();
    for (n, diags) in embedded_parsed() {
        lib.push(n, diags);
    }
    lib
}

/// The embedded notes, parsed, in order.
pub fn embedded_parsed() -> Vec<(ParsedNote, Vec<Diagnostic>)> {
    super::embedded::files()
        .iter()
        .filter(|(path, _)| is_note_path(Path::new(path)))
        .filter_map(|(path, text)| {
            let (note, diags) = parse_note(path, text.as_bytes());
            note.map(|n| (n, diags))
        })
        .collect()
}

/// Collect note files from the given paths: files as named (any extension),
/// folders recursively for `*.md` / `*.markdown`, sorted, without symlink loops.
pub fn discover(paths: &[PathBuf], diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut seen_dirs = HashSet::new();
    for p in paths {
        let shown = cleaned(&p.display().to_string());
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => scan_dir(p, 0, &mut seen_dirs, &mut out, diags),
            Ok(m) if m.is_file() => out.push(p.clone()),
            Ok(_) => diags.push(not_regular(&shown)),
            Err(e) => diags.push(diag(
                &shown,
                None,
                Severity::Error,
                format!("cannot read: {e}"),
            )),
        }
    }
    out
}

fn scan_dir(
    dir: &Path,
    depth: usize,
    seen: &mut HashSet<PathBuf>,
    out: &mut Vec<PathBuf>,
    diags: &mut Vec<Diagnostic>,
) {
    let shown = cleaned(&dir.display().to_string());
    if depth > MAX_DIR_DEPTH {
        diags.push(diag(
            &shown,
            None,
            Severity::Warning,
            format!("folders nested deeper than {MAX_DIR_DEPTH} levels are not read"),
        ));
        return;
    }
    let Ok(canon) = std::fs::canonicalize(dir) else {
        diags.push(diag(&shown, None, Severity::Error, "cannot resolve folder"));
        return;
    };
    if !seen.insert(canon) {
        return; // already read: a symlink loop or a repeated path
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(diag(
                &shown,
                None,
                Severity::Error,
                format!("cannot read folder: {e}"),
            ));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "node_modules" {
            continue;
        }
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => scan_dir(&p, depth + 1, seen, out, diags),
            Ok(m) if m.is_file() && is_note_path(&p) => out.push(p),
            Ok(_) if is_note_path(&p) => {
                diags.push(not_regular(&cleaned(&p.display().to_string())))
            }
            Ok(_) => {}
            Err(e) => diags.push(diag(
                &cleaned(&p.display().to_string()),
                None,
                Severity::Error,
                format!("cannot read: {e}"),
            )),
        }
    }
}

/// A pipe, socket or device: reading it could block forever or never end.
fn not_regular(shown: &str) -> Diagnostic {
    diag(
        shown,
        None,
        Severity::Error,
        "not a regular file (a pipe, socket or device), skipped; name a Markdown file",
    )
}

/// Open `p` for reading if it is a regular file. The file is opened without
/// blocking (opening a pipe for reading otherwise waits for a writer) and
/// checked on the open descriptor, so a file swapped for a pipe or a device
/// between a check and the open cannot block or be read either.
fn open_regular(p: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(p)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(
            "not a regular file (a pipe, socket or device)",
        ));
    }
    Ok(file)
}

/// Read a regular file of at most `limit` bytes as UTF-8 text (config files,
/// scripts). A pipe or device, a larger file or invalid UTF-8 is an error that
/// says so, so no such file can block or take unbounded memory.
pub fn read_text_limited(p: &Path, limit: usize) -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    open_regular(p)?
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(std::io::Error::other(format!(
            "larger than the {} KiB limit",
            limit / 1024
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8"))
}

/// Read at most [`MAX_NOTE_BYTES`] + 1 bytes of a regular file, so a file that
/// grows while it is read, or lies about its size, cannot take unbounded memory.
fn read_bounded(p: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = open_regular(p)?;
    let len = file.metadata()?.len();
    let limit = MAX_NOTE_BYTES as u64 + 1;
    let mut bytes = Vec::with_capacity(len.min(limit) as usize);
    file.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Read and parse one file. Only regular files are read, and at most
/// [`MAX_NOTE_BYTES`] + 1 bytes of them (a larger file is refused).
pub fn read_note(p: &Path) -> (Option<ParsedNote>, Vec<Diagnostic>) {
    let shown = p.display().to_string();
    match read_bounded(p) {
        Ok(bytes) => parse_note(&shown, &bytes),
        Err(e) => (
            None,
            vec![diag(
                &cleaned(&shown),
                None,
                Severity::Error,
                format!("cannot read: {e}"),
            )],
        ),
    }
}

/// Load the user's notes from files and folders (pair them with `sim::attach`).
pub fn load_paths(paths: &[PathBuf]) -> Library {
    let mut lib = Library::default();
    let files = discover(paths, &mut lib.diagnostics);
    for f in files {
        let (note, diags) = read_note(&f);
        match note {
            Some(n) => lib.push(n, diags),
            None => lib.diagnostics.extend(diags),
        }
    }
    lib
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A note path that turned into a pipe or a device after it was found is
    /// refused at once, without waiting for a writer or reading forever.
    #[cfg(unix)]
    #[test]
    fn a_pipe_or_device_read_as_a_note_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let fifo = dir.path().join("swapped.md");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("mkfifo is not available: pipe case not checked");
        } else {
            // No writer ever opens it: a blocking open would hang this test.
            let (note, diags) = read_note(&fifo);
            assert!(note.is_none());
            assert!(diags[0].message.contains("not a regular file"), "{diags:?}");
            let err = read_text_limited(&fifo, 1024).expect_err("a pipe is refused");
            assert!(err.to_string().contains("not a regular file"));
        }
        let (note, diags) = read_note(Path::new("/dev/zero"));
        assert!(note.is_none());
        assert!(diags[0].message.contains("not a regular file"), "{diags:?}");
    }
}

#[cfg(test)]
mod memory_tests {
    use super::*;
    use crate::content::Block;

    /// Parsed notes live as long as the library: their lists hold no spare
    /// room (growing them while parsing reserves up to twice what they need).
    #[test]
    fn a_parsed_note_keeps_no_spare_room_in_its_lists() {
        let md = "# t\n\n## a\n\nplain **bold** `code` *em* [link](u) more text ~~x~~ end\n\n\
                  - one **b**\n- two `c`\n  - three\n\n> quote **q** text\n\n\
                  | h1 | h2 |\n|---|---|\n| **a** | `b` |\n| c | d |\n";
        let (note, _) = parse_note("t.md", md.as_bytes());
        let note = note.expect("a note");
        let mut blocks: Vec<&Block> = Vec::new();
        for t in &note.topics {
            assert_eq!(t.blocks.capacity(), t.blocks.len());
            assert_eq!(t.children.capacity(), t.children.len());
            blocks.extend(t.blocks.iter().map(|b| &b.block));
        }
        let mut runs = 0;
        while let Some(b) = blocks.pop() {
            match b {
                Block::Paragraph(v) | Block::Heading(_, v) => {
                    runs += v.len();
                    assert_eq!(v.capacity(), v.len(), "{v:?}");
                }
                Block::List { items, .. } => {
                    assert_eq!(items.capacity(), items.len());
                    for it in items {
                        assert_eq!(it.capacity(), it.len());
                        blocks.extend(it);
                    }
                }
                Block::Quote(v) => blocks.extend(v),
                Block::Table { header, rows, .. } => {
                    for c in header.iter().chain(rows.iter().flatten()) {
                        runs += c.len();
                        assert_eq!(c.capacity(), c.len());
                    }
                }
                _ => {}
            }
        }
        assert!(runs > 12, "the note has many inline runs: {runs}");
    }
}
