//! `nginx-upstream` questions: the picks of smooth weighted round robin, which
//! clients `ip_hash` keeps together, and what moves when a node leaves a
//! consistent-hash ring.

use serde_json::Value;

use crate::question::{Kind, Question};
use crate::sim::quiz::{choice, range, retry, run, shuffle, Run, Template};

const SIM: &str = "nginx-upstream";

/// The next picks of smooth weighted round robin.
pub const SWRR: Template = Template {
    id: "lb-swrr",
    sim: SIM,
    title: "平滑加权轮询：接下来的分配顺序",
    make: swrr,
    answer: swrr_answer,
};

/// Which clients ip_hash sends to the same server.
pub const IP_HASH: Template = Template {
    id: "lb-ip-hash",
    sim: SIM,
    title: "ip_hash：哪些客户端落在同一台服务器",
    make: ip_hash,
    answer: ip_hash_answer,
};

/// What moves when a node leaves a consistent-hash ring.
pub const CONSISTENT: Template = Template {
    id: "lb-consistent",
    sim: SIM,
    title: "一致性哈希：移除节点后哪些请求换了服务器",
    make: consistent,
    answer: consistent_answer,
};

/// The server of one `req` reply (or each of a `reqs` reply).
fn servers(reply: &Value) -> Vec<String> {
    let one = |v: &Value| v["server"].as_str().unwrap_or("-").to_string();
    match reply {
        Value::Array(a) => a.iter().map(one).collect(),
        v => vec![one(v)],
    }
}

fn swrr_answer(r: &Run) -> Result<String, String> {
    Ok(servers(&r.last()?.reply).join(" "))
}

fn swrr(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let w: Vec<u64> = (0..3).map(|_| range(rng, 1, 5)).collect();
        if w.iter().all(|&x| x == w[0]) || w.iter().sum::<u64>() > 10 {
            return Err("weights".into());
        }
        let total: u64 = w.iter().sum();
        let names = ["a", "b", "c"];
        let config = format!(
            "method: round_robin\nservers:\n{}",
            (0..3)
                .map(|i| format!("  - {{name: {}, weight: {}}}\n", names[i], w[i]))
                .collect::<String>()
        );
        let r = run(SIM, Some(config), s, vec![format!("reqs {total}")])?;
        let answer = swrr_answer(&r)?;
        // Wrong model 1: plain weighted round robin, each server `weight` times in a row.
        let plain: Vec<&str> = (0..3)
            .flat_map(|i| std::iter::repeat_n(names[i], w[i] as usize))
            .collect();
        // Wrong model 2: weights ignored.
        let rr: Vec<&str> = (0..total as usize).map(|i| names[i % 3]).collect();
        // Wrong model 3: the chosen peer's current_weight is never lowered by the total.
        let heaviest = (0..3).max_by_key(|&i| (w[i], 3 - i)).unwrap_or(0);
        let stuck: Vec<&str> = (0..total as usize).map(|_| names[heaviest]).collect();
        Ok(Question {
            prompt: format!(
                "nginx upstream（默认的加权轮询）：server a weight={}；server b weight={}；server c weight={}。前 {total} 个请求依次分给谁？",
                w[0], w[1], w[2]
            ),
            kind: choice(
                rng,
                answer,
                vec![plain.join(" "), rr.join(" "), stuck.join(" ")],
                3,
            )?,
            explain: "平滑加权轮询：每次给每台的 current_weight 加上自己的 weight，选 current_weight 最大的（相同时选配置里靠前的），再把它减去权重总和。这样高权重的服务器被均匀地穿插，而不是连续拿到一串请求。".into(),
            scenario: Some(r.scenario),
        })
    })
}

fn ip_of(cmd: &str) -> &str {
    cmd.split_whitespace()
        .find_map(|a| a.strip_prefix("ip="))
        .unwrap_or("")
}

/// The candidate clients (commands 1..) that land where the first one did.
fn ip_hash_answer(r: &Run) -> Result<String, String> {
    let first = servers(&r.at(0)?.reply);
    let mut same = Vec::new();
    for (i, c) in r.scenario.commands.iter().enumerate().skip(1) {
        if servers(&r.at(i)?.reply) == first {
            same.push(ip_of(c).to_string());
        }
    }
    Ok(same.join("；"))
}

fn ip_hash(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let config = "method: ip_hash\nservers:\n  - {name: a}\n  - {name: b}\n  - {name: c}\n";
        let (o1, o2, o3) = (range(rng, 1, 250), range(rng, 0, 250), range(rng, 1, 250));
        let client = format!("10.{o1}.{o2}.{o3}");
        let probe = |ip: &str| -> Result<String, String> {
            let r = run(SIM, Some(config.into()), s, vec![format!("req ip={ip}")])?;
            Ok(servers(&r.last()?.reply).join(""))
        };
        let home = probe(&client)?;
        // Same /24, other last octets.
        let mut cands: Vec<String> = vec![
            format!("10.{o1}.{o2}.{}", (o3 + 17) % 250 + 1),
            format!("10.{o1}.{o2}.{}", (o3 + 101) % 250 + 1),
        ];
        // The wrong model "the last octet decides": same last octet, another /24,
        // chosen where the engine sends it elsewhere.
        let mut others = 0;
        for k in 1..40 {
            let ip = format!("10.{o1}.{}.{o3}", (o2 + k) % 256);
            if probe(&ip)? != home {
                cands.push(ip);
                others += 1;
                if others == 2 {
                    break;
                }
            }
        }
        if others < 2 {
            return Err("no other /24 found".into());
        }
        shuffle(rng, &mut cands);
        let mut cmds = vec![format!("req ip={client}")];
        cmds.extend(cands.iter().map(|c| format!("req ip={c}")));
        let r = run(SIM, Some(config.into()), s, cmds)?;
        let first = servers(&r.at(0)?.reply);
        let mut correct = Vec::new();
        for i in 0..cands.len() {
            if servers(&r.at(i + 1)?.reply) == first {
                correct.push(i);
            }
        }
        Ok(Question {
            prompt: format!(
                "upstream 用 ip_hash，三台服务器 a、b、c 都正常。客户端 {client} 被分到了 {home}。下面哪些客户端也会被分到 {home}？"
            ),
            kind: Kind::Multi {
                options: cands,
                correct,
            },
            explain: "ip_hash 对 IPv4 只用前三个字节（/24 网段）算哈希，所以同一网段的客户端总落在同一台服务器；最后一个字节相同不说明什么。".into(),
            scenario: Some(r.scenario),
        })
    })
}

const URIS: usize = 6;

/// The URIs whose server differs before and after the `remove`.
fn consistent_answer(r: &Run) -> Result<String, String> {
    let cmds = &r.scenario.commands;
    let cut = cmds
        .iter()
        .position(|c| c.starts_with("remove "))
        .ok_or("no remove in the scenario")?;
    let mut moved = Vec::new();
    for (i, cmd) in cmds.iter().enumerate().take(cut) {
        if servers(&r.at(i)?.reply) != servers(&r.at(cut + 1 + i)?.reply) {
            moved.push(
                cmd.split_whitespace()
                    .find_map(|a| a.strip_prefix("uri="))
                    .unwrap_or("")
                    .to_string(),
            );
        }
    }
    Ok(moved.join("；"))
}

fn consistent(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let config = "method: hash_consistent\nkey: $request_uri\nservers:\n  - {name: a, addr: '127.0.0.1:19001'}\n  - {name: b, addr: '127.0.0.1:19002'}\n  - {name: c, addr: '127.0.0.1:19003'}\n  - {name: d, addr: '127.0.0.1:19004'}\n";
        let mut ids: Vec<u64> = (1..=60).collect();
        shuffle(rng, &mut ids);
        let uris: Vec<String> = ids[..URIS].iter().map(|i| format!("/item/{i}")).collect();
        let before: Vec<String> = uris.iter().map(|u| format!("req uri={u}")).collect();
        let r0 = run(SIM, Some(config.into()), s, before.clone())?;
        let homes: Vec<String> = r0
            .outcomes
            .iter()
            .map(|o| servers(&o.reply).join(""))
            .collect();
        let gone = homes[rng.below(URIS as u64) as usize].clone();
        if homes.iter().all(|h| *h == gone) {
            return Err("everything on one node".into());
        }
        let mut cmds = before.clone();
        cmds.push(format!("remove {gone}"));
        cmds.extend(before);
        let r = run(SIM, Some(config.into()), s, cmds)?;
        let mut correct = Vec::new();
        for i in 0..URIS {
            if servers(&r.at(i)?.reply) != servers(&r.at(URIS + 1 + i)?.reply) {
                correct.push(i);
            }
        }
        let mapping: Vec<String> = (0..URIS)
            .map(|i| format!("{} → {}", uris[i], homes[i]))
            .collect();
        Ok(Question {
            prompt: format!(
                "upstream 用 `hash $request_uri consistent`，四台服务器 a b c d。现在：{}。移除 {gone} 之后，哪些 URI 会换服务器？",
                mapping.join("，")
            ),
            kind: Kind::Multi {
                options: uris,
                correct,
            },
            explain: "一致性哈希把每台服务器放到环上的很多个点（按 weight 乘 160 个虚拟节点），请求顺时针找第一个点。移除一台只影响原来落在它上面的请求，其余不动；普通的取模哈希则几乎全部重新分配。".into(),
            scenario: Some(r.scenario),
        })
    })
}
