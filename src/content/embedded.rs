//! The files of `content/` built into the binary: the built-in notes and their
//! authored cards. A leaf: the loader and the quiz read from here, and this
//! reads nothing of theirs.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Every embedded file as (path under the crate, text), in path order.
pub fn files() -> &'static [(&'static str, &'static str)] {
    EMBEDDED
}

/// The text of an embedded file, by its path under the crate (`content/...`).
pub fn file(path: &str) -> Option<&'static str> {
    EMBEDDED.iter().find(|(p, _)| *p == path).map(|(_, t)| *t)
}
