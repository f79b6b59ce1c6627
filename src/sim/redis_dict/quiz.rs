//! `redis-dict` questions: table sizes and `rehashidx` while growing, how many
//! commands finish a rehash, and the size a shrink goes to.

use serde_json::Value;

use crate::question::Question;
use crate::sim::quiz::{choice, range, retry, run, Run, Template};

const SIM: &str = "redis-dict";
const CONFIG: &str = "activerehashing: false\n";

/// Sizes and `rehashidx` after `fill N`.
pub const GROW: Template = Template {
    id: "dict-grow",
    sim: SIM,
    title: "字典扩容：fill N 之后两张表和 rehashidx",
    make: grow,
    answer: grow_answer,
};

/// How many GETs finish a running rehash.
pub const STEPS: Template = Template {
    id: "dict-steps",
    sim: SIM,
    title: "渐进式 rehash：还要几条命令才搬完",
    make: steps,
    answer: steps_answer,
};

/// The size a shrink goes to.
pub const SHRINK: Template = Template {
    id: "dict-shrink",
    sim: SIM,
    title: "字典缩容：cron 把表缩到多大",
    make: shrink,
    answer: shrink_answer,
};

/// `(size, used)` of each table and `rehashidx`, from the engine's state.
fn tables(state: &Value) -> (Vec<(u64, u64)>, i64) {
    let t = state["tables"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| {
                    (
                        t["size"].as_u64().unwrap_or(0),
                        t["used"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (t, state["rehashidx"].as_i64().unwrap_or(-1))
}

fn describe(t: &[(u64, u64)], idx: i64) -> String {
    match t {
        [a, b] => format!("ht[0] {} 个桶，ht[1] {} 个桶，rehashidx = {idx}", a.0, b.0),
        [a] => format!("只有 ht[0]，{} 个桶，rehashidx = {idx}", a.0),
        _ => "空表".to_string(),
    }
}

fn grow_answer(r: &Run) -> Result<String, String> {
    let (t, idx) = tables(&r.last()?.state);
    Ok(describe(&t, idx))
}

/// The number of trailing `get` commands, checked to be the fewest that end
/// the rehash.
fn steps_answer(r: &Run) -> Result<String, String> {
    let gets = r
        .scenario
        .commands
        .iter()
        .rev()
        .take_while(|c| c.starts_with("get "))
        .count();
    let n = r.outcomes.len();
    let idx = |i: usize| r.at(i).map(|o| tables(&o.state).1);
    if gets == 0 || idx(n - 1)? != -1 || idx(n - 2)? == -1 {
        return Err("the scenario does not end exactly when the rehash does".into());
    }
    Ok(gets.to_string())
}

fn shrink_answer(r: &Run) -> Result<String, String> {
    let (t, _) = tables(&r.last()?.state);
    Ok(t.last().map_or(0, |x| x.0).to_string())
}

/// `fill N` for an N just past a growth point (5, 9, 17 or 33 keys, from
/// `2^min_exp + 1` up), chosen so that a rehash is still running afterwards: a
/// few keys later it may already be done, so the nearest counts are tried.
fn fill_while_rehashing(
    rng: &mut crate::sim::trace::Rng,
    seed: u64,
    min_exp: u64,
) -> Result<(u64, Run), String> {
    let first = (1u64 << range(rng, min_exp, 5)) + 1;
    let preferred = first + range(rng, 0, 2);
    for n in [preferred, first, first + 1] {
        let r = run(SIM, Some(CONFIG.into()), seed, vec![format!("fill {n}")])?;
        let (t, idx) = tables(&r.last()?.state);
        if t.len() == 2 && idx >= 0 {
            return Ok((n, r));
        }
    }
    Err("not rehashing".into())
}

fn grow(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let (n, r) = fill_while_rehashing(rng, s, 2)?;
        let cmds = vec![format!("fill {n}")];
        let (t, _) = tables(&r.last()?.state);
        let answer = grow_answer(&r)?;
        // Wrong model 1: the whole table is copied at once.
        let mut all = cmds.clone();
        all.push("step 1000".into());
        let done = run(SIM, Some(CONFIG.into()), s, all)?;
        let (ta, ia) = tables(&done.last()?.state);
        // Wrong model 2: a rehash that starts moves nothing until asked.
        let lazy = describe(&t, 0);
        // Wrong model 3: the step runs after the insert, not before it.
        let mut after = cmds.clone();
        after.push("step 1".into());
        let late = run(SIM, Some(CONFIG.into()), s, after)?;
        let (tl, il) = tables(&late.last()?.state);
        Ok(Question {
            prompt: format!(
                "Redis 7.0 字典，关闭 activerehashing（没有 cron 帮忙搬），从空表开始依次 SET k1 … k{n}（`fill {n}`）。之后字典是什么状态？"
            ),
            kind: choice(
                rng,
                answer,
                vec![describe(&ta, ia), lazy, describe(&tl, il)],
                3,
            )?,
            explain: "插入前若 used >= size 就开始扩容到 >= used+1 的最小 2 的幂；之后每次增删查先做一步 rehash（搬一个非空桶），新键只进 ht[1]。所以扩容后的几次 SET 已经搬了几个桶。".into(),
            scenario: Some(r.scenario),
        })
    })
}

fn steps(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let (n, r0) = fill_while_rehashing(rng, s, 3)?;
        let mut cmds = vec![format!("fill {n}")];
        let (t, idx) = tables(&r0.last()?.state);
        let mut count = 0u32;
        loop {
            cmds.push("get k1".into());
            count += 1;
            let r = run(SIM, Some(CONFIG.into()), s, cmds.clone())?;
            let (_, i) = tables(&r.last()?.state);
            if i < 0 {
                break;
            }
            if count > 200 {
                return Err("rehash did not finish".into());
            }
        }
        let r = run(SIM, Some(CONFIG.into()), s, cmds)?;
        let (size0, used0) = t[0];
        let wrong = vec![
            "1".to_string(),                         // all at once
            used0.to_string(),                       // one key per step
            (size0 as i64 - idx).max(1).to_string(), // one bucket per step, empty ones too
        ];
        Ok(Question {
            prompt: format!(
                "Redis 7.0 字典，关闭 activerehashing。`fill {n}` 之后：ht[0] {size0} 个桶里还剩 {used0} 个键，ht[1] {} 个桶，rehashidx = {idx}。接着只执行 GET k1，至少要几条 GET，rehash 才结束（rehashidx 回到 -1）？",
                t[1].0
            ),
            kind: choice(rng, steps_answer(&r)?, wrong, 3)?,
            explain: "每条 GET 先做一步 rehash：从 rehashidx 起跳过空桶，把下一个非空桶的整条链搬到 ht[1]（一步最多看 10 个空桶）。所以条数等于还没搬的非空桶数，而不是键数或桶数。".into(),
            scenario: Some(r.scenario),
        })
    })
}

fn shrink(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let n = range(rng, 17, 60);
        let mut cmds = vec![format!("fill {n}"), "step 1000".into()];
        let r0 = run(SIM, Some(CONFIG.into()), s, cmds.clone())?;
        let (t, _) = tables(&r0.last()?.state);
        let size = t.first().map_or(0, |x| x.0);
        // Below 10 % fill: used * 100 / size < 10.
        let max_left = (size * 10).div_ceil(100).saturating_sub(1).max(1);
        let left = range(rng, 1, max_left);
        let dels: Vec<String> = (1..=n - left).map(|i| format!("k{i}")).collect();
        cmds.push(format!("del {}", dels.join(" ")));
        cmds.push("cron".into());
        let r = run(SIM, Some(CONFIG.into()), s, cmds)?;
        let (t2, _) = tables(&r.last()?.state);
        if t2.last().map_or(0, |x| x.0) == size {
            return Err("no shrink".into());
        }
        let wrong = vec![
            (size / 2).to_string(),                     // halve, as growth doubles
            size.to_string(),                           // deletes never shrink
            left.next_power_of_two().to_string(),       // forget the minimum of 4
            (2 * left).next_power_of_two().to_string(), // keep the fill at 50 %
        ];
        Ok(Question {
            prompt: format!(
                "Redis 7.0 字典，关闭 activerehashing。`fill {n}` 并搬完后表有 {size} 个桶；接着删掉 {} 个键，只剩 {left} 个，然后 serverCron 跑一次（`cron`）。缩容的目标表有多少个桶？",
                n - left
            ),
            kind: choice(rng, shrink_answer(&r)?, wrong, 3)?,
            explain: "删除本身不缩容；serverCron 发现 used*100/size < 10 且 size > 4 时，开始 rehash 到 >= max(used, 4) 的最小 2 的幂。".into(),
            scenario: Some(r.scenario),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grow_answer_is_the_engine_state() {
        let q = grow(7).expect("draws");
        let sc = q.scenario.expect("scenario");
        let r = run(SIM, sc.config, sc.seed, sc.commands).expect("runs");
        let (t, i) = tables(&r.last().expect("ran").state);
        assert_eq!(q.kind.answer_text(), describe(&t, i));
        assert!(
            matches!(q.kind, crate::question::Kind::Choice { ref options, .. } if options.len() >= 2)
        );
    }
}
