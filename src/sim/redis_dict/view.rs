//! What a dict animation shows, rebuilt from the events alone: both tables with
//! their chains, `rehashidx` and the bucket being moved.

use serde::Serialize;

use super::*;

/// One table as drawn: each bucket's chain, head first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TableView {
    /// Bucket by bucket, the keys of its chain from head to tail.
    pub buckets: Vec<Vec<String>>,
    /// Keys in this table.
    pub used: usize,
}

/// What a dict animation draws: both tables with their chains, `rehashidx`, and
/// the bucket being moved. Rebuilt from [`DictEvent`]s by [`DictView::apply`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DictView {
    /// `ht[0]`, and `ht[1]` while rehashing. Empty before the first key.
    pub tables: Vec<TableView>,
    /// Next `ht[0]` bucket to move, or -1.
    pub rehashidx: i64,
    /// The `ht[0]` bucket whose chain is moving right now (between its first
    /// [`DictEvent::Moved`] and its [`DictEvent::BucketDone`]).
    pub moving: Option<usize>,
}

impl Default for DictView {
    fn default() -> Self {
        DictView {
            tables: Vec::new(),
            rehashidx: -1,
            moving: None,
        }
    }
}

impl DictView {
    /// Apply one event.
    pub fn apply(&mut self, ev: &DictEvent) {
        match ev {
            DictEvent::TableCreated { size } => {
                self.tables = vec![TableView {
                    buckets: vec![Vec::new(); *size],
                    used: 0,
                }];
                self.rehashidx = -1;
            }
            DictEvent::ResizeStarted { to, .. } => {
                self.tables.truncate(1);
                self.tables.push(TableView {
                    buckets: vec![Vec::new(); *to],
                    used: 0,
                });
                self.rehashidx = 0;
            }
            DictEvent::Inserted { key, table, bucket } => {
                if let Some(chain) = self.chain_mut(*table, *bucket) {
                    chain.insert(0, key.clone());
                    self.tables[*table].used += 1;
                }
            }
            DictEvent::Deleted { key, table, bucket } => {
                if let Some(chain) = self.chain_mut(*table, *bucket) {
                    if let Some(p) = chain.iter().position(|k| k == key) {
                        chain.remove(p);
                        self.tables[*table].used -= 1;
                    }
                }
            }
            DictEvent::SkippedEmpty { idx } => self.rehashidx = *idx as i64 + 1,
            DictEvent::Moved { key, from, to } => {
                self.moving = Some(*from);
                let removed = self.chain_mut(0, *from).and_then(|chain| {
                    let p = chain.iter().position(|k| k == key)?;
                    Some(chain.remove(p))
                });
                if let Some(k) = removed {
                    self.tables[0].used -= 1;
                    if let Some(chain) = self.chain_mut(1, *to) {
                        chain.insert(0, k);
                        self.tables[1].used += 1;
                    }
                }
            }
            DictEvent::BucketDone { idx } => {
                self.rehashidx = *idx as i64 + 1;
                self.moving = None;
            }
            DictEvent::RehashDone { .. } => {
                if self.tables.len() == 2 {
                    self.tables.remove(0);
                }
                self.rehashidx = -1;
                self.moving = None;
            }
            DictEvent::Reset { .. } => *self = DictView::default(),
            DictEvent::GrowDeferred { .. }
            | DictEvent::Updated { .. }
            | DictEvent::Found { .. }
            | DictEvent::Missed { .. }
            | DictEvent::GaveUp { .. }
            | DictEvent::Frozen { .. }
            | DictEvent::ScanBucket { .. }
            | DictEvent::PolicyChanged { .. }
            | DictEvent::CronTick { .. } => {}
        }
    }

    fn chain_mut(&mut self, t: usize, b: usize) -> Option<&mut Vec<String>> {
        self.tables.get_mut(t)?.buckets.get_mut(b)
    }

    /// The view of a dict as it is now.
    pub fn of<K: AsRef<[u8]> + Eq, V, O: Observer<DictEvent>>(d: &Dict<K, V, O>) -> Self {
        let n = if d.is_rehashing() {
            2
        } else if d.table_size(0) > 0 {
            1
        } else {
            0
        };
        let tables = (0..n)
            .map(|t| TableView {
                buckets: d
                    .chains(t)
                    .into_iter()
                    .map(|c| c.into_iter().map(|k| show_key(k.as_ref())).collect())
                    .collect(),
                used: d.table_used(t),
            })
            .collect();
        DictView {
            tables,
            rehashidx: d.rehashidx(),
            moving: None,
        }
    }
}

impl<K: AsRef<[u8]> + Eq, V, O: Observer<DictEvent>> From<&Dict<K, V, O>> for DictView {
    fn from(d: &Dict<K, V, O>) -> Self {
        DictView::of(d)
    }
}
