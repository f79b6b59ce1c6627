//! The built-in notes state numbers the simulations also know: thresholds,
//! defaults, growth rules, the smooth round-robin sequence. Each is read off
//! the engine here (a constant, or what a run does) and looked for in the
//! note's text, so a note and its simulation cannot drift apart.

use tuitor::sim::{self, Session};

const REDIS: &str = include_str!("../content/03-redis.md");
const NGINX: &str = include_str!("../content/04-nginx.md");

fn session(name: &str) -> Box<dyn Session> {
    let info = sim::find(name).expect("registered");
    (info.factory)(None, 1).expect("session")
}

fn says(note: &str, what: &str) {
    assert!(note.contains(what), "the note does not say {what:?}");
}

#[test]
fn the_redis_note_states_the_dict_rules_the_engine_runs() {
    use tuitor::sim::redis_dict::{CRON_BATCH, FORCE_RESIZE_RATIO, INITIAL_SIZE, MIN_FILL_PERCENT};
    says(REDIS, &format!("`used / size > {FORCE_RESIZE_RATIO}`"));
    says(REDIS, &format!("负载因子低于 {MIN_FILL_PERCENT}%"));
    says(REDIS, &format!("总桶数大于 {INITIAL_SIZE}"));
    says(REDIS, &format!("每批 {CRON_BATCH} 步"));
    // The forced growth example: what the engine does during a BGSAVE.
    let player =
        sim::Player::open("redis-dict", Some("forced-grow-during-bgsave"), 1).expect("preset");
    let forced = player
        .steps
        .iter()
        .find(|s| s.event["type"] == "resize_started" && s.event["reason"] == "forced")
        .expect("the preset forces a growth");
    let n = |k: &str| forced.event[k].as_u64().expect("a size");
    let (from, to, used) = (n("from"), n("to"), n("used"));
    says(
        REDIS,
        &format!(
            "第 {} 个键时 `{used} / {from} = {} > {FORCE_RESIZE_RATIO}`，直接扩到 {to} 桶",
            used + 1,
            used / from
        ),
    );
}

#[test]
fn the_redis_note_states_the_sorted_set_limits_the_engine_uses() {
    use tuitor::sim::redis_zset::skiplist::{MAX_LEVEL, P};
    says(REDIS, &format!("最多 {MAX_LEVEL} 层"));
    says(
        REDIS,
        &format!("每次以 {}% 的概率加一层", (P * 100.0).round()),
    );
    // The listpack limits, found by pushing the engine over them.
    let encoding = |s: &mut Box<dyn Session>| {
        let o = s.run("OBJECT ENCODING z").expect("runs");
        o.reply.as_str().unwrap_or_default().to_string()
    };
    let mut s = session("redis-zset");
    let mut entries = 0;
    while encoding(&mut s) != "skiplist" {
        entries += 1;
        s.run(&format!("ZADD z {entries} m{entries}"))
            .expect("adds");
        assert!(entries < 10_000, "never converted");
    }
    says(
        REDIS,
        &format!("`zset-max-listpack-entries {}`", entries - 1),
    );
    let mut len = 0;
    loop {
        let mut s = session("redis-zset");
        len += 1;
        s.run(&format!("ZADD z 1 {}", "x".repeat(len)))
            .expect("adds");
        if encoding(&mut s) == "skiplist" {
            break;
        }
        assert!(len < 10_000, "never converted");
    }
    says(REDIS, &format!("`zset-max-listpack-value {}`", len - 1));
}

#[test]
fn the_nginx_note_states_the_sequence_and_ring_the_engine_computes() {
    let mut s = session("nginx-upstream");
    let out = s.run("reqs 7").expect("runs");
    let picks: Vec<&str> = out
        .reply
        .as_array()
        .expect("one reply per request")
        .iter()
        .map(|r| r["server"].as_str().unwrap_or("?"))
        .collect();
    says(NGINX, &format!("选择顺序是 **{}**", picks.join(" ")));
    says(
        NGINX,
        &format!(
            "{}×weight 个虚拟节点",
            tuitor::sim::nginx_upstream::POINTS_PER_WEIGHT
        ),
    );
}
