//! The fast path of [`Index::search`]: the same hits as scoring every entry,
//! with most entries never scored.
//!
//! Each entry carries three 64-bit character masks, computed over its text, its
//! full pinyin and its initials (`Meta`): which characters occur at all, which
//! occur right after a separator or as a camelCase hump (where Skim gives a
//! bonus), and which start one of those texts (a double bonus). From the masks:
//!
//! - an entry whose mask lacks a query character cannot match and is dropped;
//! - an upper bound on the entry's Skim score follows from the scoring rules:
//!   every matched character earns 16, the first one at most 16 more at the
//!   start of a text and 8 elsewhere, each later one at most 8 at a bonus
//!   position and 4 otherwise (the consecutive bonus), gaps only cost.
//!
//! Entries are grouped by their bound and scored best group first, by
//! fuzzy-matcher itself, on two threads; once the list of `limit` hits is full,
//! a group whose bound cannot beat the worst kept hit is skipped. Ties are broken
//! by entry order, as in the reference scorer, so the result is identical.
//!
//! [`Searcher`] keeps the candidates of the previous query: when the query grows
//! (the old one is a subsequence of the new one) only those are looked at again.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use pinyin::ToPinyin;

use super::{Hit, Index, Kind, Scorer};

/// The mask bit of a character, after ASCII case folding: letters and digits
/// have a bit each, other characters share 27 bits by hash. The last bit is
/// never a character's ([`TITLE`]).
fn bit(c: char) -> u64 {
    let c = c.to_ascii_lowercase();
    let n = match c {
        'a'..='z' => c as u32 - 'a' as u32,
        '0'..='9' => 26 + c as u32 - '0' as u32,
        _ => 36 + (c as u32).wrapping_mul(0x9E37_79B1) % 27,
    };
    1u64 << n
}

/// Set in [`Meta::first`] for titles.
const TITLE: u64 = 1 << 63;

/// Skim's character classes, for where its position bonuses fall.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Empty,
    Upper,
    Lower,
    Number,
    HardSep,
    SoftSep,
}

fn class(c: char) -> Class {
    match c {
        '\0' => Class::Empty,
        ' ' | '/' | '\\' | '|' | '(' | ')' | '[' | ']' | '{' | '}' => Class::HardSep,
        '!'..='\'' | '*'..='.' | ':'..='@' | '^'..='`' | '~' => Class::SoftSep,
        '0'..='9' => Class::Number,
        'A'..='Z' => Class::Upper,
        _ => Class::Lower,
    }
}

/// Skim's position bonus for a character after `prev`: 8 at the start of a
/// word, 7 after punctuation, 6 on a camelCase hump.
fn bonus(prev: Class, cur: Class) -> i64 {
    match (prev, cur) {
        (Class::Empty | Class::HardSep, _) => 8,
        (Class::SoftSep, _) => 7,
        (Class::Lower | Class::Number, Class::Upper) => 6,
        _ => 0,
    }
}

/// Whether Skim gives a character after `prev` a position bonus.
fn bonus_after(prev: Class, cur: Class) -> bool {
    bonus(prev, cur) > 0
}

/// A tighter upper bound of Skim's score of `q` (ASCII-folded characters) in
/// `hay`, from one pass over it: the first query character earns at most
/// 15 + its best position bonus; each later one at most 16 + max(bonus, 4)
/// where it directly follows the previous query character, and 16 + bonus - 4
/// after a gap; 2 less when the case differs from `raw`, the query as typed.
/// `None` when some query character does not occur.
fn refined_bound(hay: &str, q: &[char], raw: &[char], qmask: u64) -> Option<i64> {
    let mut best = [i64::MIN; super::MAX_QUERY_CHARS];
    let mut prev = '\0';
    let mut prev_class = Class::Empty;
    for (j, c) in hay.chars().enumerate() {
        let cl = class(c);
        if qmask & bit(c) != 0 {
            let b = if j == 0 { 16 } else { bonus(prev_class, cl) };
            let cf = c.to_ascii_lowercase();
            let pf = prev.to_ascii_lowercase();
            for (i, &qc) in q.iter().enumerate() {
                if qc != cf {
                    continue;
                }
                let s = if raw.get(i) == Some(&c) { 16 } else { 14 };
                let v = if i == 0 {
                    s - 1 + b
                } else if j == 0 {
                    continue;
                } else if q[i - 1] == pf {
                    s + b.max(4)
                } else {
                    s - 4 + b
                };
                if let Some(slot) = best.get_mut(i) {
                    *slot = (*slot).max(v);
                }
            }
        }
        prev = c;
        prev_class = cl;
    }
    best.iter()
        .take(q.len())
        .try_fold(0i64, |acc, &v| (v > i64::MIN).then_some(acc + v))
}

/// Whether `q` (ASCII-folded) is a subsequence of `hay`, ignoring ASCII case:
/// Skim scores nothing else.
fn is_subsequence(hay: &str, q: &[char]) -> bool {
    let mut want = q.iter();
    let Some(mut w) = want.next() else {
        return true;
    };
    for c in hay.chars() {
        if c.to_ascii_lowercase() == *w {
            match want.next() {
                Some(n) => w = n,
                None => return true,
            }
        }
    }
    false
}

/// Far below any real score, far above overflow.
const NEG: i64 = -(1 << 40);

/// Skim's score of `q` in `hay` by its own recurrence, without the matrix
/// and positions fuzzy-matcher keeps: with `b` the position bonus and `s` 16
/// (14 when the case differs from `raw`),
/// `M[i][j] = s + max(M[i-1][j-1] + max(b, 4), P[i-1][j-1] + b)` where the
/// characters match, `P[i][j] = max(M[i][j-1] - 4, P[i][j-1] - 1)`, and row 0
/// has `P = -1`. Used only as a bound to skip entries; the scores shown come
/// from fuzzy-matcher. `None` when `q` is not a subsequence of `hay`.
///
/// Columns whose character is not in the query only let the gaps grow, so runs
/// of them are applied at once: after `k` such columns
/// `P = max(M - 3 - k, P - k)` and `M` is unreachable.
fn dp_bound(
    hay: &str,
    q: &[char],
    raw: &[char],
    qmask: u64,
    rows: &mut Vec<(i64, i64)>,
) -> Option<i64> {
    let m = q.len();
    let first = *q.first()?;
    rows.clear();
    rows.resize(m + 1, (NEG, NEG));
    if let Some(r0) = rows.first_mut() {
        *r0 = (NEG, -1);
    }
    let mut best = NEG;
    let mut prev_class = Class::Empty;
    let mut started = false;
    let mut gap: i64 = 0;
    for (pos, c) in hay.chars().enumerate() {
        let cl = class(c);
        let cf = c.to_ascii_lowercase();
        if !started && cf == first {
            started = true;
        }
        if started && qmask & bit(c) == 0 {
            gap += 1;
        } else if started {
            if gap > 0 {
                for r in rows.iter_mut().skip(1) {
                    *r = (NEG, (r.0 - 3 - gap).max(r.1 - gap).max(NEG));
                }
                gap = 0;
            }
            let b = if pos == 0 { 16 } else { bonus(prev_class, cl) };
            // rows hold column pos-1; update from the bottom so row i-1 is
            // still the previous column when row i reads it
            for i in (1..=m).rev() {
                let (pm, pp) = rows[i - 1];
                let (m_last, p_last) = rows[i];
                let new_m = if q[i - 1] == cf {
                    let s = if raw.get(i - 1) == Some(&c) { 16 } else { 14 };
                    s + (pm + b.max(4)).max(pp + b)
                } else {
                    NEG
                };
                let new_p = (m_last - 4).max(p_last - 1);
                rows[i] = (new_m.max(NEG), new_p.max(NEG));
            }
            if let Some(&(mm, _)) = rows.get(m) {
                best = best.max(mm);
            }
        }
        prev_class = cl;
    }
    (best > NEG / 2).then_some(best)
}

/// Masks of one text.
#[derive(Default)]
struct Masks {
    all: u64,
    sep: u64,
    camel: u64,
    first: u64,
    prev: Option<Class>,
}

impl Masks {
    fn add(&mut self, c: char) {
        let b = bit(c);
        let cl = class(c);
        match self.prev {
            None => self.first |= b,
            Some(Class::Empty | Class::HardSep | Class::SoftSep) => self.sep |= b,
            Some(p) if bonus_after(p, cl) => self.camel |= b,
            Some(_) => {}
        }
        self.all |= b;
        self.prev = Some(cl);
    }

    /// The entry masks these character masks make.
    fn meta(&self) -> Meta {
        Meta {
            all: self.all,
            sep: self.sep,
            camel: self.camel,
            first: self.first,
        }
    }

    fn or(&self, o: &Masks) -> Masks {
        Masks {
            all: self.all | o.all,
            sep: self.sep | o.sep,
            camel: self.camel | o.camel,
            first: self.first | o.first,
            prev: None,
        }
    }
}

/// What the fast path knows about one entry: 32 bytes, read for every
/// candidate of every query.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Meta {
    /// Characters occurring anywhere in the text or its pinyin keys.
    all: u64,
    /// Characters right after a separator (a word start, after punctuation).
    sep: u64,
    /// Characters on a camelCase hump (an upper case letter after a lower
    /// case one, a digit or a Chinese character).
    camel: u64,
    /// The first characters of the text and of its pinyin; [`TITLE`] for titles.
    first: u64,
}

/// Where an entry's pinyin keys are in the index's pinyin text.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct KeysAt {
    /// Where the keys start.
    start: u32,
    /// Length in bytes of the full pinyin (0: no Chinese, no keys).
    full_len: u16,
    /// Length in bytes of the initials.
    initials_len: u16,
}

impl Meta {
    /// The masks of `text`, appending its pinyin keys (full, then initials) to
    /// `arena` when it has Chinese. `scratch` is reused between calls.
    pub(crate) fn of(
        text: &str,
        kind: Kind,
        arena: &mut String,
        scratch: &mut String,
    ) -> (Meta, KeysAt) {
        let (mut m, k) = Meta::of_text(text, arena, scratch);
        if kind == Kind::Title {
            m.first |= TITLE;
        }
        (m, k)
    }

    fn is_title(&self) -> bool {
        self.first & TITLE != 0
    }

    fn of_text(text: &str, arena: &mut String, scratch: &mut String) -> (Meta, KeysAt) {
        let mut t = Masks::default();
        if text.is_ascii() {
            // No Chinese, so no pinyin keys: the text's own masks are all.
            text.bytes().for_each(|b| t.add(char::from(b)));
            return (t.meta(), KeysAt::default());
        }
        let mut full = Masks::default();
        let mut ini = Masks::default();
        let start = arena.len();
        scratch.clear();
        let mut han = false;
        for c in text.chars() {
            t.add(c);
            match c.to_pinyin() {
                Some(p) => {
                    han = true;
                    let s = p.plain();
                    arena.push_str(s);
                    let mut letters = s.chars();
                    if let Some(f) = letters.next() {
                        full.add(f);
                        scratch.push(f);
                        ini.add(f);
                    }
                    if s.bytes().all(|b| b.is_ascii_lowercase()) {
                        // After the syllable's first letter, lower case letters
                        // after lower case ones: no position bonus, only bits.
                        full.all |= letters.fold(0, |m, ch| m | bit(ch));
                    } else {
                        letters.for_each(|ch| full.add(ch));
                    }
                }
                None => {
                    for lc in c.to_lowercase() {
                        arena.push(lc);
                        scratch.push(lc);
                        full.add(lc);
                        ini.add(lc);
                    }
                }
            }
        }
        let full_len = arena.len() - start;
        let fits = u32::try_from(start).is_ok()
            && u16::try_from(full_len).is_ok()
            && u16::try_from(scratch.len()).is_ok();
        if !han || !fits {
            arena.truncate(start);
            return (t.meta(), KeysAt::default());
        }
        arena.push_str(scratch);
        let m = t.or(&full).or(&ini).meta();
        let k = KeysAt {
            start: start as u32,
            full_len: full_len as u16,
            initials_len: scratch.len() as u16,
        };
        (m, k)
    }
}

impl KeysAt {
    /// The same entry with its keys moved `base` bytes further in the arena.
    pub(crate) fn shifted(mut self, base: usize) -> KeysAt {
        match u32::try_from(self.start as usize + base) {
            Ok(s) => self.start = s,
            Err(_) => {
                self.full_len = 0;
                self.initials_len = 0;
            }
        }
        self
    }

    /// The full pinyin and initials, when the entry has them.
    pub(crate) fn keys<'a>(&self, arena: &'a str) -> Option<(&'a str, &'a str)> {
        if self.full_len == 0 {
            return None;
        }
        let a = self.start as usize;
        let b = a + self.full_len as usize;
        let c = b + self.initials_len as usize;
        Some((arena.get(a..b)?, arena.get(b..c)?))
    }
}

/// The query as masks and bounds.
struct Query {
    /// Bits of every query character.
    mask: u64,
    /// Bit of the first query character.
    first: u64,
    /// Bits of later characters that follow a separator in the query (they
    /// can earn the word-start bonus while consecutive); layer `k` holds the
    /// bits occurring more than `k` times.
    sep_layers: Vec<u64>,
    /// Bits of later letters that can sit on a camelCase hump, in layers.
    camel_layers: Vec<u64>,
    /// The query characters, ASCII-folded.
    chars: Vec<char>,
    /// The query characters as typed.
    raw: Vec<char>,
    /// Number of characters.
    len: usize,
}

fn add_layered(layers: &mut Vec<u64>, b: u64) {
    for l in layers.iter_mut() {
        if *l & b == 0 {
            *l |= b;
            return;
        }
    }
    layers.push(b);
}

impl Query {
    fn new(q: &str) -> Query {
        let chars: Vec<char> = q.chars().collect();
        let mut sep_layers = Vec::new();
        let mut camel_layers = Vec::new();
        for w in chars.windows(2) {
            let (p, c) = (w[0], w[1]);
            match class(p) {
                Class::HardSep | Class::SoftSep | Class::Empty => {
                    add_layered(&mut sep_layers, bit(c))
                }
                // in the text the previous character may be lower case, a digit
                // or Chinese, and this one an upper case letter
                _ if c.is_ascii_alphabetic() => add_layered(&mut camel_layers, bit(c)),
                _ => {}
            }
        }
        Query {
            mask: chars.iter().fold(0, |a, &c| a | bit(c)),
            first: chars.first().map_or(0, |&c| bit(c)),
            sep_layers,
            camel_layers,
            len: chars.len(),
            chars: chars.iter().map(|c| c.to_ascii_lowercase()).collect(),
            raw: chars,
        }
    }

    /// How many bound groups there are: (first-character class 0..3) x
    /// (bonus characters 0..len) x (title or not).
    fn groups(&self) -> usize {
        6 * self.len.max(1)
    }

    /// The upper bound of the scores in group `g` (see [`Query::group`]).
    ///
    /// The first character earns 16 - 1 plus its position bonus: 16 at the
    /// start of a text, at most 8 elsewhere. Each later one earns at most
    /// 16 + 4, or 16 + 8 when it directly follows the previous query character
    /// on a bonus position (which needs that character to be a separator, or
    /// this one to be a camelCase hump); after a gap it earns at most 16 + 8 - 4.
    /// Titles get their bonus on top.
    fn group_bound(&self, g: usize) -> i64 {
        let len = self.len.max(1);
        let title = g >= 3 * len;
        let g = g % (3 * len);
        let (class0, heads) = (g / len, g % len);
        let first = [0, 8, 16][class0.min(2)];
        let ub = 15 + first + 20 * (len as i64 - 1) + 4 * heads as i64;
        if title {
            ub + ub / 2 + 10
        } else {
            ub
        }
    }

    /// The bound group of an entry: which class of position its first
    /// character can take, and how many later characters can earn a bonus.
    fn group(&self, m: &Meta) -> usize {
        let class0 = if m.first & self.first != 0 {
            2
        } else if (m.sep | m.camel) & self.first != 0 {
            1
        } else {
            0
        };
        let mut heads = 0;
        for l in &self.sep_layers {
            heads += (m.sep & l).count_ones() as usize;
        }
        for l in &self.camel_layers {
            heads += (m.camel & l).count_ones() as usize;
        }
        let len = self.len.max(1);
        let group = class0 * len + heads.min(len - 1);
        if m.is_title() {
            group + 3 * len
        } else {
            group
        }
    }

    /// Whether the query is a subsequence of a text the entry is scored
    /// against (the initials are a subsequence of the full pinyin).
    fn can_match(&self, text: &str, keys: Option<(&str, &str)>, ascii: bool) -> bool {
        is_subsequence(text, &self.chars)
            || (ascii && keys.is_some_and(|(full, _)| is_subsequence(full, &self.chars)))
    }

    /// [`refined_bound`] over the texts the entry is scored against, title
    /// bonus included.
    fn refined(
        &self,
        text: &str,
        keys: Option<(&str, &str)>,
        ascii: bool,
        kind: Kind,
    ) -> Option<i64> {
        let mut ub = refined_bound(text, &self.chars, &self.raw, self.mask);
        if ascii {
            if let Some((full, initials)) = keys {
                for k in [full, initials] {
                    ub = ub.max(refined_bound(k, &self.chars, &self.chars, self.mask));
                }
            }
        }
        ub.map(|ub| {
            if kind == Kind::Title {
                ub + ub / 2 + 10
            } else {
                ub
            }
        })
    }

    /// [`dp_bound`] over the texts the entry is scored against, title bonus
    /// included.
    fn exact(
        &self,
        text: &str,
        keys: Option<(&str, &str)>,
        ascii: bool,
        kind: Kind,
        rows: &mut Vec<(i64, i64)>,
    ) -> Option<i64> {
        let mut ub = dp_bound(text, &self.chars, &self.raw, self.mask, rows);
        if ascii {
            if let Some((full, initials)) = keys {
                for k in [full, initials] {
                    ub = ub.max(dp_bound(k, &self.chars, &self.chars, self.mask, rows));
                }
            }
        }
        ub.map(|ub| {
            if kind == Kind::Title {
                ub + ub / 2 + 10
            } else {
                ub
            }
        })
    }
}

/// One bound group: how many candidates have this bound, and the first of them.
#[derive(Clone, Copy, Debug)]
struct Group {
    id: u16,
    bound: i64,
    count: usize,
    first: u32,
}

/// Marks a candidate the masks rule out.
const NONE: u16 = u16::MAX;
/// Entries scored per grab; small enough that pruning reacts quickly.
const CHUNK: usize = 256;
/// Below this many entries one thread does the work.
const PARALLEL_MIN: usize = 16_384;

/// A sort key: higher score first, then lower entry.
fn key(score: i64, entry: u32) -> i64 {
    (score << 32) | (u32::MAX - entry) as i64
}

fn entry_of(key: i64) -> usize {
    (u32::MAX - (key & 0xFFFF_FFFF) as u32) as usize
}

fn threads_for(work: usize) -> usize {
    if work < PARALLEL_MIN {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    }
}

/// Run `f` over `0..n` cut into one contiguous run per thread, in order.
fn split<T: Send>(n: usize, f: impl Fn(usize, usize) -> T + Sync) -> Vec<T> {
    let threads = threads_for(n);
    if threads <= 1 {
        return vec![f(0, n)];
    }
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = (1..threads)
            .map(|t| s.spawn(move || f(n * t / threads, n * (t + 1) / threads)))
            .collect();
        let mut out = vec![f(0, n / threads)];
        for (t, h) in handles.into_iter().enumerate() {
            let (a, b) = (n * (t + 1) / threads, n * (t + 2) / threads);
            out.push(h.join().unwrap_or_else(|_| f(a, b)));
        }
        out
    })
}

/// The bound group of every candidate ([`NONE`] when its masks rule it out),
/// and the groups, best bound first.
fn group(index: &Index, q: &Query, cands: Option<&[u32]>) -> (Vec<u16>, Vec<Group>) {
    let n = cands.map_or(index.entries.len(), <[u32]>::len);
    let groups_len = q.groups();
    let parts = split(n, |from, to| {
        let mut ids = vec![NONE; to - from];
        let mut count = vec![0usize; groups_len];
        let mut first = vec![u32::MAX; groups_len];
        let mut visit = |slot: &mut u16, i: u32, m: &Meta| {
            if m.all & q.mask == q.mask {
                let g = q.group(m);
                if let (Some(c), Some(f)) = (count.get_mut(g), first.get_mut(g)) {
                    if *c == 0 {
                        *f = i;
                    }
                    *c += 1;
                    *slot = g as u16;
                }
            }
        };
        match cands {
            None => {
                let metas = index.meta.get(from..to).unwrap_or_default();
                for ((slot, m), i) in ids.iter_mut().zip(metas).zip(from as u32..) {
                    visit(slot, i, m);
                }
            }
            Some(c) => {
                for (slot, &i) in ids.iter_mut().zip(&c[from..to]) {
                    if let Some(m) = index.meta.get(i as usize) {
                        visit(slot, i, m);
                    }
                }
            }
        }
        let groups: Vec<Group> = (0..groups_len)
            .map(|g| Group {
                id: g as u16,
                bound: q.group_bound(g),
                count: count[g],
                first: first[g],
            })
            .collect();
        (ids, groups)
    });
    let mut parts = parts.into_iter();
    let (mut ids, mut groups) = parts.next().unwrap_or_default();
    for (more_ids, more) in parts {
        ids.extend(more_ids);
        for (g, m) in groups.iter_mut().zip(more) {
            g.count += m.count;
            g.first = g.first.min(m.first);
        }
    }
    groups.retain(|g| g.count > 0);
    groups.sort_by_key(|g| Reverse(g.bound));
    (ids, groups)
}

/// The best `limit` keys among `entries` and what `heaps` already hold.
struct Top<'a> {
    index: &'a Index,
    scorer: &'a Scorer,
    q: &'a Query,
    limit: usize,
    threshold: AtomicI64,
}

impl Top<'_> {
    /// Score `entries` (one group, in entry order) into `heap`, taking chunks
    /// from `next` until the group is done or cannot improve the top.
    fn work(
        &self,
        entries: &[u32],
        bound: i64,
        next: &AtomicUsize,
        heap: &mut BinaryHeap<Reverse<i64>>,
    ) {
        let mut rows = Vec::new();
        loop {
            let c = next.fetch_add(1, Ordering::Relaxed);
            let Some(chunk) = entries.get(c.saturating_mul(CHUNK)..) else {
                return;
            };
            let chunk = &chunk[..chunk.len().min(CHUNK)];
            let Some(&first) = chunk.first() else {
                return;
            };
            // Entries come in order: nothing later in this group can do better.
            if key(bound, first) <= self.threshold.load(Ordering::Relaxed) {
                return;
            }
            for &i in chunk {
                let t = self.threshold.load(Ordering::Relaxed);
                if key(bound, i) <= t {
                    return;
                }
                let e = &self.index.entries[i as usize];
                let keys = self.index.pinyin_keys(i as usize);
                if !self.q.can_match(&e.text, keys, self.scorer.ascii) {
                    continue;
                }
                let Some(rb) = self.q.refined(&e.text, keys, self.scorer.ascii, e.kind) else {
                    continue;
                };
                if key(rb, i) <= t {
                    continue;
                }
                let Some(xb) = self
                    .q
                    .exact(&e.text, keys, self.scorer.ascii, e.kind, &mut rows)
                else {
                    continue;
                };
                if key(xb, i) <= t {
                    continue;
                }
                let Some((score, _, _)) = self.scorer.score(e.kind, &e.text, keys) else {
                    continue;
                };
                let k = key(score, i);
                if heap.len() < self.limit {
                    heap.push(Reverse(k));
                } else if heap.peek().is_some_and(|r| k > r.0) {
                    heap.pop();
                    heap.push(Reverse(k));
                } else {
                    continue;
                }
                if heap.len() == self.limit {
                    if let Some(r) = heap.peek() {
                        self.threshold.fetch_max(r.0, Ordering::Relaxed);
                    }
                }
            }
        }
    }
}

/// Score the groups best bound first, skipping what cannot enter the top
/// `limit`; returns the kept keys (unsorted).
fn score_groups(top: &Top, cands: Option<&[u32]>, ids: &[u16], groups: &[Group]) -> Vec<i64> {
    let threads = threads_for(ids.len()).max(1);
    let mut heaps: Vec<BinaryHeap<Reverse<i64>>> = (0..threads)
        .map(|_| BinaryHeap::with_capacity(top.limit + 1))
        .collect();
    // Groups are gathered in batches of about BATCH entries, one pass over
    // `ids` per batch, as most searches end within the first groups.
    const BATCH: usize = 32_768;
    let mut gathered: Vec<Vec<u32>> = vec![Vec::new(); groups.len()];
    let mut slot_of = vec![usize::MAX; top.q.groups()];
    let mut ready = 0;
    for (gi, g) in groups.iter().enumerate() {
        if key(g.bound, g.first) <= top.threshold.load(Ordering::Relaxed) {
            continue;
        }
        if gi >= ready {
            let mut size = 0;
            let start = gi;
            while ready < groups.len() && (ready == start || size < BATCH) {
                size += groups[ready].count;
                if let Some(s) = slot_of.get_mut(groups[ready].id as usize) {
                    *s = ready;
                }
                gathered[ready].reserve_exact(groups[ready].count);
                ready += 1;
            }
            for (k, &id) in ids.iter().enumerate() {
                if let Some(&s) = slot_of.get(id as usize) {
                    if s >= start && s < ready {
                        gathered[s].push(cands.map_or(k as u32, |c| c[k]));
                    }
                }
            }
        }
        let entries = std::mem::take(&mut gathered[gi]);
        let next = AtomicUsize::new(0);
        if entries.len() < CHUNK * 4 || heaps.len() == 1 {
            if let Some(h) = heaps.first_mut() {
                top.work(&entries, g.bound, &next, h);
            }
        } else {
            let entries = &entries;
            let next = &next;
            std::thread::scope(|s| {
                let mut it = heaps.iter_mut();
                let mine = it.next();
                for h in it {
                    s.spawn(move || top.work(entries, g.bound, next, h));
                }
                if let Some(h) = mine {
                    top.work(entries, g.bound, next, h);
                }
            });
        }
    }
    heaps
        .into_iter()
        .flat_map(|h| h.into_iter().map(|r| r.0))
        .collect()
}

/// Search `index` for `query` among `cands` (every entry when `None`); returns
/// the hits and, when the masks ruled out at least half of the candidates, the
/// ones left (for narrowing the next query).
pub(crate) fn search(
    index: &Index,
    query: &str,
    cands: Option<&[u32]>,
    limit: usize,
) -> (Vec<Hit>, Option<Vec<u32>>) {
    let Some(scorer) = Scorer::new(query) else {
        return (Vec::new(), None);
    };
    let q = Query::new(&scorer.query);
    let (ids, groups) = group(index, &q, cands);
    let left: usize = groups.iter().map(|g| g.count).sum();
    let narrowed = (left <= ids.len() / 2).then(|| {
        ids.iter()
            .enumerate()
            .filter(|&(_, &id)| id != NONE)
            .map(|(k, _)| cands.map_or(k as u32, |c| c[k]))
            .collect()
    });
    if limit == 0 {
        return (Vec::new(), narrowed);
    }
    let top = Top {
        index,
        scorer: &scorer,
        q: &q,
        limit,
        threshold: AtomicI64::new(i64::MIN),
    };
    let mut keys = score_groups(&top, cands, &ids, &groups);
    keys.sort_unstable_by(|a, b| b.cmp(a));
    keys.truncate(limit);
    let hits = keys
        .into_iter()
        .filter_map(|k| {
            let i = entry_of(k);
            scorer.hit(i, index.entries.get(i)?)
        })
        .collect();
    (hits, narrowed)
}

/// A finder's search state: the last query and the entries that could still
/// match it, so that typing one more character only re-examines those.
///
/// A `Searcher` may be used with different indexes; it notices the change and
/// starts over.
#[derive(Debug, Default)]
pub struct Searcher {
    index_id: u64,
    query: String,
    /// Entries that can still match `query` (`None`: all of them).
    candidates: Option<Vec<u32>>,
}

/// Whether `a` is a subsequence of `b`, ignoring ASCII case.
fn subsequence(a: &str, b: &str) -> bool {
    let mut b = b.chars();
    a.chars()
        .all(|x| b.by_ref().any(|y| x.eq_ignore_ascii_case(&y)))
}

impl Searcher {
    /// A searcher with no history.
    pub fn new() -> Searcher {
        Searcher::default()
    }

    /// The best `limit` hits for `query` in `index`, as [`Index::search`] would
    /// return them, reusing the previous query's candidates when `query`
    /// extends it.
    pub fn search(&mut self, index: &Index, query: &str, limit: usize) -> Vec<Hit> {
        let q: String = query.trim().chars().take(super::MAX_QUERY_CHARS).collect();
        let narrow = self.index_id == index.id
            && index.id != 0
            && !self.query.is_empty()
            && subsequence(&self.query, &q);
        if !narrow {
            self.candidates = None;
        }
        let (hits, kept) = search(index, &q, self.candidates.as_deref(), limit);
        self.index_id = index.id;
        self.query = q;
        // Fewer candidates, or the old ones: they still hold every entry that
        // can match the new query.
        if kept.is_some() {
            self.candidates = kept;
        }
        hits
    }

    /// How many entries the next, longer query will look at (`None`: all).
    pub fn candidates(&self) -> Option<usize> {
        self.candidates.as_ref().map(Vec::len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuzzy_matcher::skim::SkimMatcherV2;
    use fuzzy_matcher::FuzzyMatcher;

    const HAYS: &[&str] = &[
        "Redis 的跳跃表 ZSet",
        "redis",
        "MySQL InnoDB B+Tree 索引",
        "HashMap<String, Integer> counts",
        "tiaoyuebiao shi youxu jihe de diceng shixian",
        "a/b/c-d_e.f",
        "xooox Sooo ooo",
        "1000 10000",
        "ConcurrentHashMap",
        "jvm gc: G1 and CMS",
        "  leading spaces",
        "线程池 xianchengchi 线程池",
        "select_related() and prefetch_related()",
        "ABC abc aBc",
        "的Redis的redis",
    ];
    const QS: &[&str] = &[
        "r", "re", "redis", "REDIS", "Redis", "sql", "hm", "hashmap", "tyb", "oo", "ooo", "00",
        "jvm gc", "g1", "a/b", "abc", "ABC", "xcc", "线程", "的r", "b+t", "d_e", "10",
    ];

    #[test]
    fn the_bounds_never_undercut_fuzzy_matcher() {
        let mut rows = Vec::new();
        for h in HAYS {
            for q in QS {
                let raw: Vec<char> = q.chars().collect();
                let folded: Vec<char> = raw.iter().map(|c| c.to_ascii_lowercase()).collect();
                let skim = SkimMatcherV2::default()
                    .ignore_case()
                    .fuzzy_indices(h, q)
                    .map(|(s, _)| s);
                let exact = dp_bound(h, &folded, &raw, Query::new(q).mask, &mut rows);
                assert_eq!(exact, skim, "{q:?} in {h:?}");
                let refined = refined_bound(h, &folded, &raw, Query::new(q).mask);
                if let Some(s) = skim {
                    assert!(
                        refined.is_some_and(|r| r >= s),
                        "{q:?} in {h:?}: {refined:?} < {s}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_group_bound_covers_every_entry_of_the_group() {
        let mut arena = String::new();
        let mut scratch = String::new();
        for h in HAYS {
            for kind in [Kind::Title, Kind::Text] {
                let (m, k) = Meta::of(h, kind, &mut arena, &mut scratch);
                let keys = k.keys(&arena);
                for q in QS {
                    let scorer = super::super::Scorer::new(q).unwrap();
                    let query = Query::new(q);
                    let best = scorer.score(kind, h, keys).map(|(s, _, _)| s);
                    let masks_pass = m.all & query.mask == query.mask;
                    if let Some(s) = best {
                        assert!(masks_pass, "{q:?} in {h:?} ruled out");
                        let b = query.group_bound(query.group(&m));
                        assert!(b >= s, "{q:?} in {h:?} ({kind:?}): bound {b} < score {s}");
                    }
                }
            }
        }
    }
}
