//! The finder and the search index behind it.
//!
//! [`Search`] owns the index and everything about building it and asking it:
//! while notes load in the background, the index grows with each note's
//! entries, either here or on the run loop's search thread, and finder
//! queries go to that thread, numbered by generation, so typing never waits
//! and a stale answer is never shown.
//! [`Finder`] is the overlay's own state: the query, the hits on screen and
//! the selection.

use std::sync::mpsc;
use std::sync::Arc;

use crate::content::TopicId;
use crate::search::{Entry, Hit, Index, IndexPart};

use super::list::ListState;

/// The most finder results shown.
pub const FINDER_LIMIT: usize = 200;

/// The global finder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Finder {
    /// What was typed.
    pub query: String,
    /// Current results.
    pub hits: Vec<Hit>,
    /// The entry of each hit (the index that found them may still be growing,
    /// so the results carry what they show).
    pub entries: Vec<Entry>,
    /// Selection.
    pub list: ListState,
}

impl Finder {
    /// Show `hits` from `index`.
    pub fn show(&mut self, index: &Index, hits: Vec<Hit>) {
        self.entries = index.entries_of(&hits);
        self.hits = hits;
        self.list = ListState::default();
    }
}

/// Work for the finder's search thread.
#[derive(Debug)]
pub enum Work {
    /// Search for this query (generation, text); only the newest pending one
    /// runs.
    Query(u64, String),
    /// The search entries of the next note, whose topics start at this id:
    /// the thread's index grows with the notes, and searches made while they
    /// load cover the notes in so far.
    Part(IndexPart, TopicId),
    /// Every note is in: the grown index is complete.
    Finish,
    /// The complete index, built elsewhere.
    Ready(Arc<Index>),
}

/// The search index, and the bookkeeping of building and querying it.
#[derive(Debug)]
pub struct Search {
    /// The index (empty until the complete one arrives).
    pub index: Arc<Index>,
    /// Whether the index is still being built.
    pub indexing: bool,
    /// The index of the notes loading in the background, built here as they
    /// arrive, with the number of topics it covers (`None`: build it whole
    /// once they are in).
    building: Option<(Index, usize)>,
    /// The index built here while loading, once every note is in.
    pub built: Option<Arc<Index>>,
    /// While notes load: the search thread grows the index (see
    /// [`Work::Part`]); the number of topics it covers.
    feeding: Option<usize>,
    /// The search thread completed the index itself (nothing to build).
    pub fed: bool,
    /// Where finder queries go when a search thread runs (the TUI); tests and
    /// headless use search on the spot.
    worker: Option<mpsc::Sender<Work>>,
    /// The generation of the latest finder query.
    asked: u64,
    /// The generation of the finder results on screen.
    shown: u64,
}

impl Default for Search {
    fn default() -> Self {
        Search {
            index: Arc::new(Index::default()),
            indexing: true,
            building: None,
            built: None,
            feeding: None,
            fed: false,
            worker: None,
            asked: 0,
            shown: 0,
        }
    }
}

impl Search {
    /// Background work started: queries go to `worker` if there is one, and
    /// when notes are `loading` the index grows with them (on the worker, or
    /// here without one).
    pub fn started(&mut self, worker: Option<mpsc::Sender<Work>>, loading: bool) {
        if loading {
            match worker {
                Some(_) => self.feeding = Some(0),
                None => self.building = Some((Index::empty(), 0)),
            }
        }
        self.worker = worker;
    }

    /// A note's search entries arrived, for topics `base..after`: they join
    /// the growing index if it covers every topic before them; otherwise the
    /// index is built whole once the notes are in.
    pub fn note_loaded(&mut self, part: IndexPart, base: usize, after: usize) {
        match (&mut self.building, &mut self.feeding, &self.worker) {
            (Some((index, covered)), _, _) if *covered == base => {
                index.append(part, base);
                *covered = after;
            }
            (_, Some(covered), Some(tx)) if *covered == base => {
                let _ = tx.send(Work::Part(part, base));
                *covered = after;
            }
            _ => {
                self.building = None;
                self.feeding = None;
            }
        }
    }

    /// Every note is in; the library has `topics` topics.
    pub fn loading_done(&mut self, topics: usize) {
        self.built = match self.building.take() {
            Some((mut index, covered)) if covered == topics => {
                index.shrink_to_fit();
                Some(Arc::new(index))
            }
            _ => None,
        };
        if let (Some(covered), Some(tx)) = (self.feeding.take(), &self.worker) {
            self.fed = covered == topics && tx.send(Work::Finish).is_ok();
        }
    }

    /// The complete index arrived. Returns whether the finder must be
    /// answered here (no search thread does it).
    pub fn indexed(&mut self, index: Arc<Index>) -> bool {
        self.index = index;
        self.indexing = false;
        self.worker.is_none()
    }

    /// Ask for `f`'s query: sent to the search thread (its answer arrives
    /// later, for [`Search::found`]), or answered on the spot without one.
    pub fn ask(&mut self, f: &mut Finder) {
        match &self.worker {
            // The search thread answers later; typing never waits for it.
            Some(tx) => {
                self.asked += 1;
                let _ = tx.send(Work::Query(self.asked, f.query.clone()));
            }
            None => self.answer_here(f),
        }
    }

    /// Answer `f`'s query here, with the index as it is.
    pub fn answer_here(&mut self, f: &mut Finder) {
        let hits = self.index.search(&f.query, FINDER_LIMIT);
        f.show(&self.index, hits);
        self.shown = self.asked;
    }

    /// Before acting on the finder's results: if the search thread has not
    /// answered the latest query yet, answer it here rather than use stale
    /// hits.
    pub fn catch_up(&mut self, f: &mut Finder) {
        if self.shown != self.asked && !self.indexing {
            self.answer_here(f);
        }
    }

    /// Show results for the query of generation `gen` in `f`, unless a newer
    /// query was asked since. Returns whether they were shown.
    pub fn found(&mut self, f: &mut Finder, gen: u64, hits: Vec<Hit>, entries: Vec<Entry>) -> bool {
        if gen != self.asked {
            return false;
        }
        // The same query answered again over more notes keeps the selection
        // where it was.
        let list = if gen == self.shown {
            let mut l = f.list.clone();
            l.sel = l.sel.min(hits.len().saturating_sub(1));
            l.offset = l.offset.min(l.sel);
            l
        } else {
            ListState::default()
        };
        f.hits = hits;
        f.entries = entries;
        f.list = list;
        self.shown = gen;
        true
    }
}
