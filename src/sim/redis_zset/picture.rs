//! The `redis-zset` picture: the skiplist's levels as rows and its nodes as
//! columns, with spans, ranks and the last search path, rebuilt from
//! [`KeyedEvent`]s.

use crate::i18n::Lang;
use crate::render::{truncate, width, Line, Role};
use crate::sim::picture::{line, span, text, Picture};
use crate::sim::Step;

use super::{format_score, KeyedEvent, ZsetView};

/// The drawable state of a `redis-zset` session.
#[derive(Clone, Debug, Default)]
pub struct ZsetPicture {
    /// The sorted sets as the events left them.
    pub view: ZsetView,
}

impl Picture for ZsetPicture {
    fn apply(&mut self, step: &Step) {
        if let Some(e) = step.event_as::<KeyedEvent>() {
            self.view.apply(e);
        }
    }

    fn summary(&self) -> String {
        self.view
            .keys
            .iter()
            .map(|(k, l)| format!("{k}: {} members, {} levels", l.nodes.len(), l.level()))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    fn lines(&self, lang: Lang, width: usize, _height: usize) -> Vec<Line> {
        zset_lines(&self.view, lang, width.max(10))
    }

    fn boxed(&self) -> Box<dyn Picture> {
        Box::new(self.clone())
    }
}

fn zset_lines(v: &ZsetView, lang: Lang, w: usize) -> Vec<Line> {
    let mut out = Vec::new();
    let dim = Role::Dim;
    let hot = Role::Current;
    let lit = Role::Found;
    if v.keys.is_empty() {
        out.push(text(
            lang.pick(
                "（还没有有序集合：ZADD 会创建一个）",
                "(no sorted set yet: ZADD creates one)",
            ),
            dim,
        ));
        return out;
    }
    // Show the key of the last search, else the first key.
    let key = v
        .path
        .as_ref()
        .map(|p| p.key.clone())
        .filter(|k| v.keys.contains_key(k))
        .or_else(|| v.keys.keys().next().cloned())
        .unwrap_or_default();
    let Some(list) = v.keys.get(&key) else {
        return out;
    };
    out.push(line(vec![
        span(format!("key {key}  "), Role::Title),
        span(
            format!(
                "{} members, level {}, encoding {:?}",
                list.nodes.len(),
                list.level(),
                list.encoding
            )
            .to_lowercase(),
            dim,
        ),
    ]));
    // Column layout: header then each node, as wide as its label.
    let labels: Vec<String> = list
        .nodes
        .iter()
        .map(|n| format!("{}:{}", truncate(&n.member, 6), format_score(n.score.0)))
        .collect();
    let col_w: Vec<usize> = labels.iter().map(|l| width(l).max(3) + 2).collect();
    let head_w = 4;
    // How many nodes fit (leaving room for the ` …` that says more follow).
    let mut fit = 0;
    let mut used = head_w;
    for cw in &col_w {
        if used + cw > w {
            break;
        }
        used += cw;
        fit += 1;
    }
    while fit > 0 && fit < col_w.len() && used + 2 > w {
        fit -= 1;
        used -= col_w[fit];
    }
    let path = v.path.as_ref().filter(|p| p.key == key);
    // Which (level, node index) cells were visited by the search.
    let visited = |level: usize, node: Option<usize>| -> Option<bool> {
        let p = path?;
        let name = node.map(|i| list.nodes[i].member.clone());
        let last = p.steps.last();
        p.steps
            .iter()
            .find(|st| st.level == level && st.at == name)
            .map(|st| last.is_some_and(|l| l.level == st.level && l.at == st.at))
    };
    for level in (1..=list.level()).rev() {
        let mut spans = Vec::new();
        let hspan = list.header.get(level - 1).copied().unwrap_or(0);
        let hstyle = match visited(level, None) {
            Some(true) => hot,
            Some(false) => lit,
            None => Role::Marker,
        };
        spans.push(span(format!("L{level:<2}"), dim));
        spans.push(span("H", hstyle));
        // Each link is drawn as dashes with its span written at its start.
        let mut pending = (hspan > 0).then_some(hspan);
        let dashes = |n: usize, label: Option<u64>| -> String {
            match label {
                Some(sp) => {
                    let l = sp.to_string();
                    if width(&l) < n {
                        format!("{l}{}", "─".repeat(n - width(&l)))
                    } else {
                        "─".repeat(n)
                    }
                }
                None => "─".repeat(n),
            }
        };
        for (i, node) in list.nodes.iter().enumerate().take(fit) {
            let cw = col_w[i];
            if node.spans.len() >= level {
                let style = match visited(level, Some(i)) {
                    Some(true) => hot,
                    Some(false) => lit,
                    None => Role::Sim,
                };
                spans.push(span(dashes(cw.saturating_sub(1), pending.take()), dim));
                spans.push(span("●", style));
                let sp = node.spans[level - 1];
                pending = (sp > 0).then_some(sp);
            } else {
                spans.push(span(dashes(cw, pending.take()), dim));
            }
        }
        if list.nodes.len() > fit {
            spans.push(span(" …", dim));
        }
        out.push(line(spans));
    }
    // Labels row.
    let mut spans = vec![span(" ".repeat(head_w), dim)];
    for (i, l) in labels.iter().enumerate().take(fit) {
        let pad = col_w[i].saturating_sub(width(l));
        spans.push(span(format!("{}{}", " ".repeat(pad), l), Role::Body));
    }
    out.push(line(spans));
    // Ranks row.
    let mut spans = vec![span("rank", dim)];
    for (i, cw) in col_w.iter().enumerate().take(fit) {
        let r = format!("{}", i + 1);
        spans.push(span(
            format!("{}{}", " ".repeat(cw.saturating_sub(width(&r))), r),
            dim,
        ));
    }
    out.push(line(spans));
    if let Some(p) = path {
        out.push(Line::default());
        out.push(text(
            format!("{:?} {}", p.op, p.target).to_lowercase(),
            Role::Heading(3),
        ));
        for st in &p.steps {
            let at = st.at.clone().unwrap_or_else(|| "header".into());
            let what = if st.advance {
                format!("L{}: → {at}  (rank {})", st.level, st.rank)
            } else {
                let by = st
                    .stopped_by
                    .clone()
                    .map(|b| format!(", next is {b}"))
                    .unwrap_or_default();
                format!("L{}: ↓ at {at}{by}  (rank {})", st.level, st.rank)
            };
            out.push(text(truncate(&what, w), Role::Body));
        }
        if let Some((m, rank)) = &p.found {
            let found = match m {
                Some(m) => format!("{} {m}, rank {rank}", lang.pick("找到", "found")),
                None => format!("{}; rank {rank}", lang.pick("没有找到", "not found")),
            };
            out.push(text(found, hot));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::sim::picture::drawn;

    #[test]
    fn nodes_are_columns_in_score_order_with_ranks() {
        let (pic, l) = drawn(&super::super::INFO, &["ZADD z 3 c 1 a 2 b"], None, 80);
        assert!(l[0].starts_with("key z  3 members"), "{l:?}");
        let labels = l.iter().find(|x| x.contains("a:1")).unwrap();
        let pos = |m: &str| labels.find(m).unwrap();
        assert!(pos("a:1") < pos("b:2") && pos("b:2") < pos("c:3"));
        let ranks = l.iter().find(|x| x.starts_with("rank")).unwrap();
        assert_eq!(
            ranks.split_whitespace().collect::<Vec<_>>(),
            ["rank", "1", "2", "3"]
        );
        // Level 1 links every node: one ● per member.
        let l1 = l.iter().find(|x| x.starts_with("L1")).unwrap();
        assert_eq!(l1.matches('●').count(), 3, "{l1}");
        assert!(pic.summary().starts_with("z: 3 members"));
    }

    #[test]
    fn a_search_lists_its_path_and_what_it_found() {
        let (_, l) = drawn(
            &super::super::INFO,
            &["ZADD z 1 a 2 b 3 c", "search z 2"],
            None,
            80,
        );
        assert!(l.iter().any(|x| x.starts_with("L1: ")), "{l:?}");
        assert_eq!(
            l.last().map(String::as_str),
            Some("found b, rank 2"),
            "{l:?}"
        );
    }

    #[test]
    fn columns_that_do_not_fit_are_elided() {
        let members: Vec<String> = (0..40).map(|i| format!("{i} m{i}")).collect();
        let cmd = format!("ZADD z {}", members.join(" "));
        let (_, l) = drawn(&super::super::INFO, &[cmd.as_str()], None, 40);
        let l1 = l.iter().find(|x| x.starts_with("L1")).unwrap();
        assert!(l1.ends_with(" …"), "{l1}");
    }
}
