//! Loading a large set of notes without making anyone wait.
//!
//! [`load_in_background`] finds the files, parses them on several threads and
//! hands the parsed notes over in file order, in batches, with a running count,
//! so a screen can show the tree filling in while the rest still loads. Work
//! that belongs to each note (such as its search entries) can be done on the
//! loading threads too, right after the note is parsed.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use super::load::{discover, read_note, ParsedNote};
use super::model::Diagnostic;

/// A parsed note with the problems found in its file and what the caller's
/// `prepare` made of it.
pub type Loaded<X = ()> = (ParsedNote, Vec<Diagnostic>, X);

/// What the loader reports.
#[derive(Clone, Debug)]
pub enum LoadEvent<X = ()> {
    /// The next notes, in file order, with how many files are done of how many.
    Notes(Vec<Loaded<X>>, usize, usize),
    /// Problems with files that could not be loaded at all.
    Problems(Vec<Diagnostic>),
    /// Every file has been read.
    Done,
}

/// Notes per batch, at most.
const BATCH: usize = 128;
/// A batch is sent at least this often while notes are arriving.
const FLUSH: Duration = Duration::from_millis(30);

/// Load `paths` on `threads` threads (at least one), calling `prepare` on each
/// parsed note on the thread that parsed it and `send` with each event until
/// it returns `false` (the receiver is gone) or loading is done.
pub fn load_in_background<X: Send + 'static>(
    paths: Vec<PathBuf>,
    threads: usize,
    prepare: impl Fn(&ParsedNote) -> X + Send + Sync + 'static,
    send: impl Fn(LoadEvent<X>) -> bool + Send + 'static,
) {
    std::thread::spawn(move || {
        let mut problems = Vec::new();
        let files = Arc::new(discover(&paths, &mut problems));
        if !problems.is_empty() && !send(LoadEvent::Problems(problems)) {
            return;
        }
        let total = files.len();
        let next = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = mpsc::channel::<(usize, Option<Loaded<X>>, Vec<Diagnostic>)>();
        let prepare = Arc::new(prepare);
        for _ in 0..threads.max(1) {
            let (files, next, tx) = (files.clone(), next.clone(), tx.clone());
            let prepare = prepare.clone();
            std::thread::spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else { break };
                let (note, diags) = read_note(path);
                let result = match note {
                    Some(n) => {
                        let x = prepare(&n);
                        (i, Some((n, diags, x)), Vec::new())
                    }
                    None => (i, None, diags),
                };
                if tx.send(result).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        // Hand notes over in file order, whatever order they were parsed in.
        let mut waiting: BTreeMap<usize, (Option<Loaded<X>>, Vec<Diagnostic>)> = BTreeMap::new();
        let mut expected = 0;
        let mut batch = Vec::new();
        let mut lost = Vec::new();
        let mut last = Instant::now();
        for (i, note, diags) in rx {
            waiting.insert(i, (note, diags));
            while let Some((note, diags)) = waiting.remove(&expected) {
                expected += 1;
                match note {
                    Some(n) => batch.push(n),
                    None => lost.extend(diags),
                }
            }
            if batch.len() >= BATCH || (!batch.is_empty() && last.elapsed() >= FLUSH) {
                if !send(LoadEvent::Notes(
                    std::mem::take(&mut batch),
                    expected,
                    total,
                )) {
                    return;
                }
                last = Instant::now();
            }
        }
        if !batch.is_empty() && !send(LoadEvent::Notes(batch, expected, total)) {
            return;
        }
        if !lost.is_empty() && !send(LoadEvent::Problems(lost)) {
            return;
        }
        send(LoadEvent::Done);
    });
}

/// Parse the notes embedded in the binary on a background thread (calling
/// `prepare` on each) and report them as one batch, then [`LoadEvent::Done`].
pub fn load_embedded_in_background<X: Send + 'static>(
    prepare: impl Fn(&ParsedNote) -> X + Send + 'static,
    send: impl Fn(LoadEvent<X>) -> bool + Send + 'static,
) {
    std::thread::spawn(move || {
        let notes: Vec<Loaded<X>> = super::load::embedded_parsed()
            .into_iter()
            .map(|(n, d)| {
                let x = prepare(&n);
                (n, d, x)
            })
            .collect();
        let total = notes.len();
        if send(LoadEvent::Notes(notes, total, total)) {
            send(LoadEvent::Done);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{load_paths, Library};

    #[test]
    fn background_loading_gives_the_same_library_in_the_same_order() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..300 {
            std::fs::write(
                dir.path().join(format!("n{i:03}.md")),
                format!("# 第 {i} 篇\n\n## 小节\n\n正文 {i}\n"),
            )
            .unwrap();
        }
        std::fs::write(dir.path().join("bad.md"), b"\0binary").unwrap();
        let (tx, rx) = mpsc::channel();
        load_in_background(
            vec![dir.path().to_path_buf()],
            2,
            |n| n.topics.len(),
            move |e| tx.send(e).is_ok(),
        );
        let mut lib = Library::default();
        let mut counts = Vec::new();
        for e in rx {
            match e {
                LoadEvent::Notes(notes, done, total) => {
                    counts.push((done, total));
                    for (n, d, topics) in notes {
                        assert_eq!(n.topics.len(), topics, "prepared from its own note");
                        lib.push(n, d);
                    }
                }
                LoadEvent::Problems(p) => lib.diagnostics.extend(p),
                LoadEvent::Done => break,
            }
        }
        let all = load_paths(&[dir.path().to_path_buf()]);
        let titles = |l: &Library| l.topics.iter().map(|t| t.title.clone()).collect::<Vec<_>>();
        assert_eq!(titles(&lib), titles(&all));
        assert_eq!(lib.diagnostics.len(), all.diagnostics.len());
        assert_eq!(counts.last(), Some(&(301, 301)));
        assert!(counts.windows(2).all(|w| w[0].0 <= w[1].0));
    }
}
