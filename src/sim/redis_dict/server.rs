//! The keyspace layer of redis-server: commands with their real number of dict
//! operations, the cron, and the fork-time resize policy.

use serde_json::{json, Value};

use super::*;

/// A byte string, the keyspace's key and value type.
pub type Bytes = Vec<u8>;

/// A RESP2 reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// `+status`.
    Status(String),
    /// `-ERR ...`.
    Error(String),
    /// `:n`.
    Int(i64),
    /// `$bulk`.
    Bulk(Bytes),
    /// `$-1`.
    Nil,
    /// `*array`.
    Array(Vec<Reply>),
}

impl Reply {
    /// The CLI's JSON encoding: integer → number, bulk → string, nil → null,
    /// array → array, status → `{"status": ..}`, error → `{"error": ..}`.
    pub fn to_json(&self) -> Value {
        match self {
            Reply::Status(s) => json!({ "status": s }),
            Reply::Error(s) => json!({ "error": s }),
            Reply::Int(n) => json!(n),
            Reply::Bulk(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
            Reply::Nil => Value::Null,
            Reply::Array(items) => Value::Array(items.iter().map(Reply::to_json).collect()),
        }
    }
}

/// The part of redis-server that drives one database's keyspace dict: commands
/// with their real number of dict operations, the cron, and the fork-time resize
/// policy.
#[derive(Clone, Debug)]
pub struct Server<O: Observer<DictEvent> = NoTrace> {
    /// The keyspace (db 0).
    pub db: Dict<Bytes, Bytes, O>,
    child: bool,
    activerehashing: bool,
    cron_batches: usize,
    seed: u64,
}

impl<O: Observer<DictEvent>> Server<O> {
    /// A server with an empty keyspace hashed with the key of `seed`.
    pub fn new(seed: u64, obs: O) -> Self {
        Server {
            db: Dict::with_observer(seed, obs),
            child: false,
            activerehashing: true,
            cron_batches: 1,
            seed,
        }
    }
    /// Whether a background save child exists.
    pub fn has_child(&self) -> bool {
        self.child
    }
    /// `activerehashing`.
    pub fn activerehashing(&self) -> bool {
        self.activerehashing
    }
    /// Set `activerehashing`.
    pub fn set_activerehashing(&mut self, on: bool) {
        self.activerehashing = on;
    }
    /// Batches of 100 steps one cron tick may run (stands for the 1 ms budget).
    pub fn set_cron_batches(&mut self, k: usize) {
        self.cron_batches = k.max(1);
    }
    /// The seed of the current hash key.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// `SET k v`: `lookupKeyWrite` (find), then `dbAdd` (add) or `dbOverwrite`
    /// (find), then `removeExpire`'s assertion (find). Three dict operations.
    pub fn set(&mut self, key: &[u8], value: &[u8]) -> Reply {
        let found = self.db.get(key).is_some();
        if found {
            let _ = self.db.get(key);
            self.db.set_value(key, value.to_vec());
        } else {
            let _ = self.db.add(key.to_vec(), value.to_vec());
        }
        let _ = self.db.get(key);
        Reply::Status("OK".into())
    }
    /// `GET k`: one find.
    pub fn get(&mut self, key: &[u8]) -> Reply {
        match self.db.get(key) {
            Some(v) => Reply::Bulk(v.clone()),
            None => Reply::Nil,
        }
    }
    /// `EXISTS k...`: one find per key.
    pub fn exists(&mut self, keys: &[Bytes]) -> Reply {
        let n = keys
            .iter()
            .filter(|k| self.db.contains_key(k.as_slice()))
            .count();
        Reply::Int(n as i64)
    }
    /// `DEL k...`: one delete per key. Never shrinks (that is the cron's job).
    pub fn del(&mut self, keys: &[Bytes]) -> Reply {
        let n = keys
            .iter()
            .filter(|k| self.db.remove(k.as_slice()).is_some())
            .count();
        Reply::Int(n as i64)
    }
    /// `DBSIZE`: no dict operation.
    pub fn dbsize(&self) -> Reply {
        Reply::Int(self.db.len() as i64)
    }
    /// `BGSAVE`: a child appears, the policy becomes [`ResizePolicy::Avoid`].
    pub fn bgsave(&mut self) -> Reply {
        if self.child {
            return Reply::Error("ERR Background save already in progress".into());
        }
        self.child = true;
        self.db.set_policy(ResizePolicy::Avoid);
        emit!(
            self.db.obs,
            DictEvent::PolicyChanged {
                policy: ResizePolicy::Avoid
            }
        );
        Reply::Status("Background saving started".into())
    }
    /// The child exited: the policy is [`ResizePolicy::Enable`] again. Returns
    /// false if there was no child.
    pub fn bgsave_done(&mut self) -> bool {
        if !self.child {
            return false;
        }
        self.child = false;
        self.db.set_policy(ResizePolicy::Enable);
        emit!(
            self.db.obs,
            DictEvent::PolicyChanged {
                policy: ResizePolicy::Enable
            }
        );
        true
    }
    /// One `serverCron` tick's `databasesCron` part: without a child, the shrink
    /// check (always), then the active rehash (if `activerehashing`).
    pub fn cron_tick(&mut self) {
        let slots = self.db.slots();
        let fill_percent = (self.db.len() * 100).checked_div(slots).unwrap_or(0);
        emit!(
            self.db.obs,
            DictEvent::CronTick {
                child: self.child,
                fill_percent,
                active: self.activerehashing && !self.child
            }
        );
        if self.child {
            return;
        }
        if self.db.needs_shrink() {
            self.db.shrink();
        }
        if self.activerehashing && self.db.is_rehashing() {
            self.db.rehash_batches(self.cron_batches);
        }
    }
    /// `SCAN cursor COUNT count` over the keyspace: `dictScan` calls until
    /// `count` keys are gathered, the cursor is 0, or `count * 10` calls are made.
    pub fn scan(&mut self, cursor: u64, count: usize) -> (u64, Vec<Bytes>) {
        let mut keys = Vec::new();
        let mut cursor = cursor;
        let mut max_iter = count.saturating_mul(10);
        loop {
            cursor = self.db.scan(cursor, |k, _| keys.push(k.clone()));
            if cursor == 0 || max_iter == 0 || keys.len() >= count {
                break;
            }
            max_iter -= 1;
        }
        (cursor, keys)
    }
    /// Restart with another hash seed and reload the same keys, as after a restart
    /// that loads an RDB file: the new table is presized to the key count and the
    /// keys are added in the order the old table stored them. The child (if any)
    /// is gone; `activerehashing` is kept.
    pub fn reseed(&mut self, seed: u64) {
        let items: Vec<(Bytes, Bytes)> = self
            .db
            .iter_table_order()
            .into_iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if self.child {
            self.bgsave_done();
        }
        self.db.clear();
        self.db.reseed_empty(seed);
        self.seed = seed;
        emit!(self.db.obs, DictEvent::Reset { seed });
        if !items.is_empty() {
            self.db.expand(items.len());
        }
        for (k, v) in items {
            let _ = self.db.add(k, v);
        }
    }
    /// `{"tables": [{"size", "used"}, ..], "rehashidx"}`.
    pub fn state(&self) -> Value {
        let n = if self.db.is_rehashing() { 2 } else { 1 };
        let tables: Vec<Value> = (0..n)
            .map(|t| json!({ "size": self.db.table_size(t), "used": self.db.table_used(t) }))
            .collect();
        json!({ "tables": tables, "rehashidx": self.db.rehashidx() })
    }
}
