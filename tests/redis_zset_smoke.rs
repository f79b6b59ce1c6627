//! Runs every redis-zset preset through the registered session and checks that
//! each line succeeds and the invariants hold.

use tuitor::sim::redis_zset::ZsetSession;
use tuitor::sim::{find, Session};

#[test]
fn presets_run_cleanly() {
    let info = find("skiplist").expect("registered under its alias");
    assert_eq!(info.name, "redis-zset");
    for p in info.presets {
        let mut s = ZsetSession::new(7);
        for line in p.script.lines() {
            let out = s
                .run(line)
                .unwrap_or_else(|e| panic!("{}: {line}: {e}", p.name));
            if std::env::var("ZSET_SHOW").is_ok() {
                println!(
                    "[{}] {line}\n  -> {}\n  state {}",
                    p.name, out.reply, out.state
                );
                for st in &out.steps {
                    println!("     {:16} {}", st.kind, st.en);
                }
            }
            s.check_invariants().unwrap();
        }
    }
}
