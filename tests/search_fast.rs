//! The fast search path returns exactly the hits of the reference scorer
//! (every entry scored), on generated mixed Chinese/English notes and on the
//! fixture notes, for whole queries and for queries typed one key at a time.

mod common;
#[path = "../benches/support/corpus.rs"]
mod corpus;

use tuitor::content::load::parse_note;
use tuitor::content::Library;
use tuitor::search::{Index, Searcher};

fn generated(n: usize) -> Library {
    let mut lib = Library::default();
    for i in 0..n {
        let text = corpus::generate(7, i, 3000);
        let (note, diags) = parse_note(&corpus::file_name(i), text.as_bytes());
        lib.push(note.expect("generated notes parse"), diags);
    }
    lib
}

const QUERIES: &[&str] = &[
    "r",
    "re",
    "redis",
    "Redis",
    "REDIS",
    "hashmap",
    "HashMap",
    "conc",
    "jvm gc",
    "g1",
    "跳",
    "跳跃表",
    "线程池",
    "索引",
    "tiaoyue",
    "tyb",
    "xianchengchi",
    "xcc",
    "suoyin",
    "sy",
    "b+tree",
    "select_related",
    "least_conn",
    "4.5",
    "1.2",
    "`",
    "ooo",
    "zz",
    "数据 redis",
    "q",
    "x",
    "疯狂",
    "qqqq",
    "ae",
    "sql",
    "Spring Boot",
    "mvcc",
    "哈希 hash",
];

fn same_as_reference(index: &Index, q: &str, limit: usize) {
    let fast = index.search(q, limit);
    let slow = index.search_exhaustive(q, limit);
    assert_eq!(fast, slow, "query {q:?}, limit {limit}");
}

#[test]
fn whole_queries_match_the_reference() {
    let lib = generated(40);
    let index = Index::build(&lib);
    assert!(index.entries.len() > 1000);
    for q in QUERIES {
        for limit in [1, 10, 200] {
            same_as_reference(&index, q, limit);
        }
    }
}

#[test]
fn typing_key_by_key_matches_the_reference() {
    let lib = generated(25);
    let index = Index::build(&lib);
    let mut s = Searcher::new();
    for q in QUERIES {
        let mut typed = String::new();
        for c in q.chars() {
            typed.push(c);
            let hits = s.search(&index, &typed, 50);
            assert_eq!(hits, index.search_exhaustive(&typed, 50), "typed {typed:?}");
        }
        // deleting a character widens the search again
        typed.pop();
        if !typed.is_empty() {
            let hits = s.search(&index, &typed, 50);
            assert_eq!(
                hits,
                index.search_exhaustive(&typed, 50),
                "back to {typed:?}"
            );
        }
    }
}

#[test]
fn a_searcher_starts_over_on_a_new_index() {
    let a = Index::build(&generated(5));
    let fixtures = tuitor::content::load_paths(&[common::fixtures().join("notes")]);
    let b = Index::build(&fixtures);
    let mut s = Searcher::new();
    let _ = s.search(&a, "re", 20);
    for q in ["red", "redi", "redis", "字典", "zidian"] {
        assert_eq!(s.search(&b, q, 20), b.search_exhaustive(q, 20), "{q}");
    }
}

#[test]
fn fixture_notes_match_the_reference() {
    let lib = tuitor::content::load_paths(&[common::fixtures().join("notes")]);
    let index = Index::build(&lib);
    for q in QUERIES {
        same_as_reference(&index, q, 20);
    }
}
