//! The node pool of the skiplist: every node one block of words.
//!
//! Every node, the header included, is one contiguous block of 8-byte words in
//! a single byte pool, addressed by [`NodeId`] (the word index of the block's
//! score word):
//!
//! ```text
//! [member bytes, padded to 8] [len | height] [score] [back] [link 0] … [link h-1]
//!                                             ^ NodeId
//! link = [score of the target] [first 8 member bytes of the target] [target | span]
//! ```
//!
//! So one node is one block: its member, score and all its levels sit side by
//! side. Each link caches the score of the node it points to and the first
//! eight bytes of its member (big-endian, zero padded), so a descent compares
//! without leaving the current node, and only reads the next node when it moves
//! onto it or when both the scores and the member prefixes tie. A deleted
//! node's block is kept on a free list by size and reused by the next node
//! that needs a block of the same size.

use std::collections::BTreeMap;

pub(super) const NIL: u32 = u32::MAX;
/// The header's block: no member bytes, one `len | height` word, then its id.
pub(super) const HEAD: u32 = 1;

/// A handle on a node of one skiplist; valid until that node is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeId(pub(super) u32);

/// One forward link as stored: the target, the span, and the target's score
/// and member prefix (both meaningless when the target is nil).
#[derive(Clone, Copy, Debug)]
pub(super) struct Link {
    pub(super) score: f64,
    pub(super) prefix: u64,
    pub(super) fwd: u32,
    pub(super) span: u32,
}

/// The first 8 bytes of a member as a big-endian number, zero padded. When two
/// prefixes differ, the members compare as their prefixes do (a shorter member
/// that is padded is a prefix of the other, so it sorts first either way); when
/// they are equal the whole members must be compared.
#[inline]
pub(super) fn prefix(m: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    let n = m.len().min(8);
    b[..n].copy_from_slice(&m[..n]);
    u64::from_be_bytes(b)
}

/// A `(score, member)` looked for, with its member prefix computed once.
#[derive(Clone, Copy)]
pub(super) struct Key<'a> {
    pub(super) score: f64,
    pub(super) member: &'a [u8],
    pub(super) prefix: u64,
}

impl<'a> Key<'a> {
    pub(super) fn new(score: f64, member: &'a [u8]) -> Self {
        Key {
            score,
            member,
            prefix: prefix(member),
        }
    }
}

/// Words before a node's id: its member bytes (rounded up to whole words) and
/// the `len | height` word.
#[inline]
pub(super) fn words_before(len: usize) -> usize {
    len.div_ceil(8) + 1
}

/// Block size in words of a node with a member of `len` bytes and `h` levels.
#[inline]
pub(super) fn block_words(len: usize, h: usize) -> usize {
    words_before(len) + 2 + 3 * h
}

/// The node pool (see the module docs for the block layout).
#[derive(Clone, Debug)]
pub(super) struct Arena {
    pub(super) pool: Vec<u8>,
    /// Free blocks by size in words: the word index where each block starts.
    pub(super) free: BTreeMap<usize, Vec<usize>>,
}

impl Arena {
    /// A pool holding only the header, with `head_levels` links.
    pub(super) fn new(head_levels: usize) -> Self {
        let mut a = Arena {
            pool: Vec::new(),
            free: BTreeMap::new(),
        };
        let head = a.alloc(0.0, &[], head_levels);
        debug_assert_eq!(head, HEAD);
        a
    }

    #[inline]
    pub(super) fn word(&self, w: usize) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.pool[w * 8..w * 8 + 8]);
        u64::from_le_bytes(b)
    }

    #[inline]
    pub(super) fn set_word(&mut self, w: usize, v: u64) {
        self.pool[w * 8..w * 8 + 8].copy_from_slice(&v.to_le_bytes());
    }

    #[inline]
    pub(super) fn link_word(x: u32, i: usize) -> usize {
        x as usize + 2 + 3 * i
    }

    /// `x`'s link on 0-based level `i`.
    #[inline]
    pub(super) fn link(&self, x: u32, i: usize) -> Link {
        let w = Self::link_word(x, i);
        let v = self.word(w + 2);
        Link {
            score: f64::from_bits(self.word(w)),
            prefix: self.word(w + 1),
            fwd: v as u32,
            span: (v >> 32) as u32,
        }
    }

    #[inline]
    pub(super) fn set_link(&mut self, x: u32, i: usize, l: Link) {
        let w = Self::link_word(x, i);
        self.set_word(w, l.score.to_bits());
        self.set_word(w + 1, l.prefix);
        self.set_word(w + 2, u64::from(l.fwd) | u64::from(l.span) << 32);
    }

    /// Point `x`'s level-`i` link at `fwd`, whose score is `score` and member
    /// prefix `prefix`.
    #[inline]
    pub(super) fn set_fwd(&mut self, x: u32, i: usize, fwd: u32, score: f64, prefix: u64) {
        let l = self.link(x, i);
        self.set_link(
            x,
            i,
            Link {
                score,
                prefix,
                fwd,
                ..l
            },
        );
    }

    #[inline]
    pub(super) fn set_span(&mut self, x: u32, i: usize, span: u64) {
        let l = self.link(x, i);
        // Spans never exceed the length, and ids are u32 word indexes of blocks
        // of at least five words, so the length fits in 32 bits.
        debug_assert!(span <= u64::from(u32::MAX));
        self.set_link(
            x,
            i,
            Link {
                span: span as u32,
                ..l
            },
        );
    }

    #[inline]
    pub(super) fn score(&self, x: u32) -> f64 {
        f64::from_bits(self.word(x as usize))
    }

    #[inline]
    pub(super) fn set_score(&mut self, x: u32, score: f64) {
        self.set_word(x as usize, score.to_bits());
    }

    #[inline]
    pub(super) fn back(&self, x: u32) -> u32 {
        self.word(x as usize + 1) as u32
    }

    #[inline]
    pub(super) fn set_back(&mut self, x: u32, back: u32) {
        self.set_word(x as usize + 1, u64::from(back));
    }

    /// `(member length, height)` of `x`.
    #[inline]
    pub(super) fn shape(&self, x: u32) -> (usize, usize) {
        let v = self.word(x as usize - 1);
        ((v as u32) as usize, (v >> 32) as usize)
    }

    #[inline]
    pub(super) fn height(&self, x: u32) -> usize {
        self.shape(x).1
    }

    #[inline]
    pub(super) fn member(&self, x: u32) -> &[u8] {
        let (len, _) = self.shape(x);
        let start = (x as usize - words_before(len)) * 8;
        &self.pool[start..start + len]
    }

    /// Whether the target of `l` sorts before `k`.
    #[inline]
    pub(super) fn before(&self, l: Link, k: &Key) -> bool {
        l.score < k.score
            || (l.score == k.score
                && (l.prefix < k.prefix || (l.prefix == k.prefix && self.member(l.fwd) < k.member)))
    }

    /// Whether the target of `l` sorts at or before `k`.
    #[inline]
    pub(super) fn not_after(&self, l: Link, k: &Key) -> bool {
        l.score < k.score
            || (l.score == k.score
                && (l.prefix < k.prefix
                    || (l.prefix == k.prefix && self.member(l.fwd) <= k.member)))
    }

    /// A new block for a node of `h` levels: links to nil with span 0, no
    /// backward pointer.
    pub(super) fn alloc(&mut self, score: f64, member: &[u8], h: usize) -> u32 {
        let len = member.len();
        assert!(
            u32::try_from(len).is_ok(),
            "skiplist member of {len} bytes: at most 4 GiB per member"
        );
        let size = block_words(len, h);
        let start = match self.free.get_mut(&size).and_then(Vec::pop) {
            Some(s) => s,
            None => {
                let s = self.pool.len() / 8;
                assert!(
                    s + size < NIL as usize,
                    "skiplist pool full: more than 2^32 words of nodes"
                );
                self.pool.resize((s + size) * 8, 0);
                s
            }
        };
        let x = (start + words_before(len)) as u32;
        self.pool[start * 8..start * 8 + len].copy_from_slice(member);
        self.set_word(x as usize - 1, len as u64 | (h as u64) << 32);
        self.set_score(x, score);
        self.set_back(x, NIL);
        for i in 0..h {
            self.set_link(
                x,
                i,
                Link {
                    score: 0.0,
                    prefix: 0,
                    fwd: NIL,
                    span: 0,
                },
            );
        }
        x
    }

    /// Put `x`'s block on the free list.
    pub(super) fn release(&mut self, x: u32) {
        let (len, h) = self.shape(x);
        let start = x as usize - words_before(len);
        self.free
            .entry(block_words(len, h))
            .or_default()
            .push(start);
    }
}
