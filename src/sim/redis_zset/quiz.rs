//! `redis-zset` questions: the nodes a skiplist search passes, the rank
//! `ZRANK` finds among ties, and the encoding after a threshold is crossed.

use crate::question::Question;
use crate::sim::quiz::{choice, range, retry, run, shuffle, Run, Template};

const SIM: &str = "redis-zset";
const NAMES: [&str; 10] = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];

/// The path of a skiplist search.
pub const SEARCH: Template = Template {
    id: "zset-search",
    sim: SIM,
    title: "跳跃表查找：经过哪些节点",
    make: search,
    answer: search_answer,
};

/// ZRANK with equal scores.
pub const RANK: Template = Template {
    id: "zset-rank",
    sim: SIM,
    title: "ZRANK：同分成员的排名",
    make: rank,
    answer: last_reply,
};

/// The encoding after crossing `zset-max-listpack-entries`.
pub const ENCODING: Template = Template {
    id: "zset-encoding",
    sim: SIM,
    title: "有序集合的编码转换",
    make: encoding,
    answer: last_reply,
};

fn path_text(members: &[String]) -> String {
    if members.is_empty() {
        "不前进，直接从头结点逐层下降".into()
    } else {
        members.join(" → ")
    }
}

fn search_answer(r: &Run) -> Result<String, String> {
    let reply = &r.last()?.reply;
    let levels = reply["levels"]
        .as_array()
        .ok_or("search reply has no levels")?;
    let mut path = Vec::new();
    for l in levels {
        for m in l["advanced"].as_array().into_iter().flatten() {
            path.push(m.as_str().unwrap_or_default().to_string());
        }
    }
    Ok(path_text(&path))
}

fn last_reply(r: &Run) -> Result<String, String> {
    let reply = &r.last()?.reply;
    Ok(match reply {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn search(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let n = range(rng, 5, 10) as usize;
        let levels: Vec<u64> = (0..n).map(|_| range(rng, 1, 4)).collect();
        if levels.iter().all(|&l| l < 3) {
            return Err("too flat".into());
        }
        let target = range(rng, 3, n as u64) as usize;
        let zadd: Vec<String> = (0..n).map(|i| format!("{} {}", i + 1, NAMES[i])).collect();
        let cmds = vec![
            format!(
                "levels {}",
                levels
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            format!("ZADD zs {}", zadd.join(" ")),
            format!("search zs {target}"),
        ];
        let r = run(SIM, None, s, cmds)?;
        let answer = search_answer(&r)?;
        let before: Vec<String> = NAMES[..target - 1].iter().map(|x| x.to_string()).collect();
        let top = *levels.iter().max().unwrap_or(&1);
        let top_only: Vec<String> = (0..target - 1)
            .filter(|&i| levels[i] == top)
            .map(|i| NAMES[i].to_string())
            .collect();
        let mut with_target = r.last()?.reply["levels"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|l| l["advanced"].as_array().cloned().unwrap_or_default())
            .filter_map(|m| m.as_str().map(str::to_string))
            .collect::<Vec<_>>();
        with_target.push(NAMES[target - 1].to_string());
        let wrong = vec![
            path_text(&before),      // a linear scan of level 1
            path_text(&with_target), // advancing onto the target (<= instead of <)
            path_text(&top_only),    // staying on the top level
        ];
        let shape: Vec<String> = (0..n)
            .map(|i| format!("{}(score {}, {} 层)", NAMES[i], i + 1, levels[i]))
            .collect();
        Ok(Question {
            prompt: format!(
                "一个跳跃表按 score 排好：{}。查找 score = {target} 时，从头结点的最高层出发，依次“前进”经过哪些节点（不含头结点，也不含最后找到的节点）？",
                shape.join("，")
            ),
            kind: choice(rng, answer, wrong, 3)?,
            explain: "每一层上，只要下一个节点的 score 小于目标就前进，否则下降一层；到第 1 层后下一个节点就是目标。高层节点让查找跳过一段，平均 O(log N)。".into(),
            scenario: Some(r.scenario),
        })
    })
}

fn rank(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let n = range(rng, 5, 8) as usize;
        let mut names: Vec<&str> = NAMES[..n].to_vec();
        shuffle(rng, &mut names);
        let scores: Vec<u64> = (0..n).map(|_| range(rng, 1, 3)).collect();
        let ask = rng.below(n as u64) as usize;
        let pairs: Vec<String> = (0..n)
            .map(|i| format!("{} {}", scores[i], names[i]))
            .collect();
        let cmds = vec![
            format!("ZADD zs {}", pairs.join(" ")),
            format!("ZRANK zs {}", names[ask]),
        ];
        let r = run(SIM, None, s, cmds.clone())?;
        let answer = last_reply(&r)?;
        let rank: usize = answer.parse().map_err(|_| "rank is not a number")?;
        // Wrong model: equal scores keep insertion order.
        let by_insertion = (0..n)
            .filter(|&i| (scores[i], i) < (scores[ask], ask))
            .count();
        let wrong = vec![
            (rank + 1).to_string(),     // 1-based
            by_insertion.to_string(),   // ties by insertion order
            (n - 1 - rank).to_string(), // ZREVRANK
        ];
        Ok(Question {
            prompt: format!("执行 `{}` 之后，`{}` 返回什么？", cmds[0], cmds[1]),
            kind: choice(rng, answer, wrong, 3)?,
            explain: "ZRANK 从 0 开始，按 score 升序；score 相同时按成员的字节序（字典序）排，与插入顺序无关。".into(),
            scenario: Some(r.scenario),
        })
    })
}

fn encoding(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let k = range(rng, 3, 6) as usize;
        let n = range(rng, k as u64 - 1, k as u64 + 2) as usize;
        let pairs: Vec<String> = (0..n).map(|i| format!("{} {}", i + 1, NAMES[i])).collect();
        let mut cmds = vec![
            format!("config set zset-max-listpack-entries {k}"),
            format!("ZADD zs {}", pairs.join(" ")),
        ];
        let shrink = n > k && rng.below(2) == 0;
        if shrink {
            let gone: Vec<&str> = NAMES[..n - 1].to_vec();
            cmds.push(format!("ZREM zs {}", gone.join(" ")));
        }
        cmds.push("OBJECT ENCODING zs".into());
        let r = run(SIM, None, s, cmds.clone())?;
        let answer = last_reply(&r)?;
        let other = if answer == "listpack" {
            "skiplist"
        } else {
            "listpack"
        };
        let wrong = vec![
            other.to_string(),     // thresholds the other way round, or converting back
            "ziplist".to_string(), // the name before Redis 7.0
            "hashtable".to_string(),
        ];
        Ok(Question {
            prompt: format!(
                "Redis 7.0 依次执行：{}。最后一条返回什么？",
                cmds.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join("；")
            ),
            kind: choice(rng, answer, wrong, 3)?,
            explain: "元素个数超过 zset-max-listpack-entries（或成员超过 zset-max-listpack-value 字节）时由 listpack 转为 skiplist；转换是单向的，删到很少也不会转回。7.0 起不再叫 ziplist。".into(),
            scenario: Some(r.scenario),
        })
    })
}
