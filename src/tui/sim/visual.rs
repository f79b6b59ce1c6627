//! What each simulation draws, rebuilt from its event log.
//!
//! A [`Visual`] wraps the engine's own view type (`DictView`, `ZsetView`,
//! `UpstreamView`, `LifecycleView`, `OrmView`); [`Visual::apply`] feeds it one
//! recorded event (the JSON in [`Step::event`](crate::sim::Step)), and
//! [`Visual::lines`] lays the view out as styled text for a pane. Nothing here is
//! scripted: every mark on screen comes from an event the real engine emitted.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use serde_json::Value;

use crate::i18n::Lang;
use crate::render::{truncate, width};
use crate::sim::django::{DjangoEvent, LifecycleView, OrmView};
use crate::sim::nginx_upstream::{UpstreamEvent, UpstreamView};
use crate::sim::redis_dict::{DictEvent, DictView};
use crate::sim::redis_zset::{format_score, KeyedEvent, ZsetView};

use super::super::theme::Theme;

/// Which way a middleware was last crossed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pass {
    In,
    Out,
}

/// The Django onion plus which layers the request has crossed, and how.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Onion {
    /// The engine's view.
    pub view: LifecycleView,
    /// Per layer: crossed going in, crossed coming out.
    crossed: Vec<(bool, bool)>,
    last: Option<(usize, Pass)>,
}

impl Onion {
    fn apply(&mut self, e: &DjangoEvent) {
        self.view.apply(e);
        if self.crossed.len() != self.view.layers.len() {
            self.crossed = vec![(false, false); self.view.layers.len()];
        }
        let hook = self.view.hook.clone().unwrap_or_default();
        if hook.starts_with("wsgi.call") {
            self.crossed.iter_mut().for_each(|c| *c = (false, false));
            self.last = None;
        }
        if let Some(cur) = self.view.current {
            let pass = if hook.contains(".response(") || hook.starts_with("wsgi.start_response") {
                Pass::Out
            } else {
                Pass::In
            };
            if let Some(c) = self.crossed.get_mut(cur) {
                match pass {
                    Pass::In => c.0 = true,
                    Pass::Out => c.1 = true,
                }
            }
            self.last = Some((cur, pass));
        }
    }
}

/// The drawable state of one simulation.
#[derive(Clone, Debug)]
pub enum Visual {
    /// `redis-dict`
    Dict(DictView),
    /// `redis-zset`
    Zset(ZsetView),
    /// `nginx-upstream`
    Upstream(Box<UpstreamView>),
    /// `django`
    Lifecycle(Box<Onion>),
    /// `django-orm`
    Orm(OrmView),
}

impl Visual {
    /// A blank visual for a simulation, by canonical name.
    pub fn new(name: &str) -> Option<Visual> {
        Some(match name {
            "redis-dict" => Visual::Dict(DictView::default()),
            "redis-zset" => Visual::Zset(ZsetView::default()),
            "nginx-upstream" => Visual::Upstream(Box::default()),
            "django" => Visual::Lifecycle(Box::default()),
            "django-orm" => Visual::Orm(OrmView::default()),
            _ => return None,
        })
    }

    /// Apply one recorded event; events of another engine are ignored.
    pub fn apply(&mut self, ev: &Value) {
        /// Read the event straight from the JSON (no copy of the value).
        fn read<T: serde::de::DeserializeOwned>(ev: &Value) -> Option<T> {
            T::deserialize(ev).ok()
        }
        match self {
            Visual::Dict(v) => read::<DictEvent>(ev).iter().for_each(|e| v.apply(e)),
            Visual::Zset(v) => read::<KeyedEvent>(ev).iter().for_each(|e| v.apply(e)),
            Visual::Upstream(v) => read::<UpstreamEvent>(ev).iter().for_each(|e| v.apply(e)),
            Visual::Lifecycle(v) => read::<DjangoEvent>(ev).iter().for_each(|e| v.apply(e)),
            Visual::Orm(v) => read::<DjangoEvent>(ev).iter().for_each(|e| v.apply(e)),
        }
    }

    /// A one-line summary of the state (for the live preview on note cards).
    pub fn summary(&self) -> String {
        match self {
            Visual::Dict(v) => {
                let tables: Vec<String> = v
                    .tables
                    .iter()
                    .enumerate()
                    .map(|(i, t)| format!("ht[{i}] {} buckets / {} keys", t.buckets.len(), t.used))
                    .collect();
                format!("{} · rehashidx {}", tables.join(", "), v.rehashidx)
            }
            Visual::Zset(v) => v
                .keys
                .iter()
                .map(|(k, l)| format!("{k}: {} members, {} levels", l.nodes.len(), l.level()))
                .collect::<Vec<_>>()
                .join(" · "),
            Visual::Upstream(v) => {
                let picks: Vec<String> = v
                    .requests
                    .iter()
                    .rev()
                    .take(12)
                    .rev()
                    .map(|r| r.server.clone().unwrap_or_else(|| "502".into()))
                    .collect();
                format!("{}: {}", v.method, picks.join(" "))
            }
            Visual::Lifecycle(o) => format!(
                "{} → {} · {} SQL",
                o.view.request.clone().unwrap_or_default(),
                o.view.status.map(|s| s.to_string()).unwrap_or_default(),
                o.view.query_count
            ),
            Visual::Orm(v) => format!(
                "{} queries · {}",
                v.total_queries,
                v.querysets.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        }
    }

    /// Lay the visual out for a pane `w` columns wide and `h` rows high.
    pub fn lines(&self, theme: &Theme, lang: Lang, w: usize, h: usize) -> Vec<Line<'static>> {
        let w = w.max(10);
        match self {
            Visual::Dict(v) => dict_lines(v, theme, lang, w, h),
            Visual::Zset(v) => zset_lines(v, theme, lang, w),
            Visual::Upstream(v) => upstream_lines(v, theme, lang, w),
            Visual::Lifecycle(v) => onion_lines(v, theme, lang, w),
            Visual::Orm(v) => orm_lines(v, theme, lang, w),
        }
    }
}

fn s(text: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(text.into(), style)
}

fn bar(n: i64, max: i64, cols: usize) -> String {
    if max <= 0 || n <= 0 {
        return String::new();
    }
    let full = (n as usize * cols).div_ceil(max as usize).min(cols);
    "█".repeat(full)
}

// ---------------------------------------------------------------------------
// redis-dict
// ---------------------------------------------------------------------------

fn dict_lines(v: &DictView, t: &Theme, lang: Lang, w: usize, h: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let hot = t.get("match_current");
    let dim = t.get("dim");
    let head = t.get("heading3");
    if v.tables.is_empty() {
        out.push(Line::from(s(
            lang.pick(
                "（还没有哈希表：第一次 SET 会创建 4 个桶的 ht[0]）",
                "(no table yet: the first SET creates ht[0] with 4 buckets)",
            ),
            dim,
        )));
        return out;
    }
    let rehashing = v.rehashidx >= 0;
    let status = if rehashing {
        format!(
            "{} rehashidx = {}",
            lang.pick("正在 rehash：", "rehashing:"),
            v.rehashidx
        )
    } else {
        lang.pick(
            "没有在 rehash：rehashidx = -1",
            "not rehashing: rehashidx = -1",
        )
        .to_string()
    };
    out.push(Line::from(s(status, head)));
    if rehashing {
        let size0 = v.tables[0].buckets.len().max(1);
        let done = (v.rehashidx.max(0) as usize).min(size0);
        let cols = w.saturating_sub(16).clamp(4, 40);
        let filled = done * cols / size0;
        out.push(Line::from(vec![
            s(lang.pick("进度 ", "progress "), dim),
            s("█".repeat(filled), t.get("sim")),
            s("░".repeat(cols - filled), dim),
            s(format!(" {done}/{size0}"), dim),
        ]));
    }
    // Rows available per table.
    let tables = v.tables.len();
    let budget = h.saturating_sub(out.len() + 2 * tables).max(2 * tables) / tables;
    for (ti, table) in v.tables.iter().enumerate() {
        out.push(Line::from(s(
            format!(
                "ht[{ti}]  size {}  used {}",
                table.buckets.len(),
                table.used
            ),
            t.get("title"),
        )));
        let n = table.buckets.len();
        // Keep the interesting part in view: around rehashidx in ht[0].
        let focus = if ti == 0 && rehashing {
            v.rehashidx.max(0) as usize
        } else {
            0
        };
        let rows = budget.max(1);
        let start = if n <= rows {
            0
        } else {
            focus.saturating_sub(rows / 3).min(n - rows)
        };
        if start > 0 {
            out.push(Line::from(s(
                format!("   … {start} {}", lang.pick("个桶在上方", "buckets above")),
                dim,
            )));
        }
        for b in start..n.min(start + rows) {
            let chain = &table.buckets[b];
            let marker = if ti == 0 && rehashing && b as i64 == v.rehashidx {
                "▶"
            } else {
                " "
            };
            let moved = ti == 0 && rehashing && (b as i64) < v.rehashidx;
            let moving = ti == 0 && v.moving == Some(b);
            let label_style = if moving {
                hot
            } else if moved {
                dim
            } else {
                Style::default()
            };
            let mut spans = vec![
                s(
                    marker,
                    t.get("match_current").remove_modifier(Modifier::REVERSED),
                ),
                s(format!("{b:>4} │",), label_style),
            ];
            if chain.is_empty() {
                spans.push(s(
                    if moved {
                        lang.pick(" （已搬走）", " (moved)")
                    } else {
                        " ·"
                    },
                    dim,
                ));
            } else {
                let mut used = 7;
                for (i, k) in chain.iter().enumerate() {
                    let sep = if i == 0 { " " } else { " → " };
                    let key = truncate(k, 12);
                    if used + width(sep) + width(&key) + 2 > w {
                        spans.push(s(format!(" …+{}", chain.len() - i), dim));
                        break;
                    }
                    used += width(sep) + width(&key);
                    spans.push(s(sep, dim));
                    spans.push(s(key, if moving { hot } else { t.get("sim") }));
                }
            }
            out.push(Line::from(spans));
        }
        if start + rows < n {
            out.push(Line::from(s(
                format!(
                    "   … {} {}",
                    n - start - rows,
                    lang.pick("个桶在下方", "buckets below")
                ),
                dim,
            )));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// redis-zset
// ---------------------------------------------------------------------------

fn zset_lines(v: &ZsetView, t: &Theme, lang: Lang, w: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let dim = t.get("dim");
    let hot = t.get("match_current");
    let lit = t.get("match");
    if v.keys.is_empty() {
        out.push(Line::from(s(
            lang.pick(
                "（还没有有序集合：ZADD 会创建一个）",
                "(no sorted set yet: ZADD creates one)",
            ),
            dim,
        )));
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
    out.push(Line::from(vec![
        s(format!("key {key}  "), t.get("title")),
        s(
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
    // How many nodes fit.
    let mut fit = 0;
    let mut used = head_w;
    for cw in &col_w {
        if used + cw > w {
            break;
        }
        used += cw;
        fit += 1;
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
            None => t.get("marker"),
        };
        spans.push(s(format!("L{level:<2}"), dim));
        spans.push(s("H", hstyle));
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
                    None => t.get("sim"),
                };
                spans.push(s(dashes(cw.saturating_sub(1), pending.take()), dim));
                spans.push(s("●", style));
                let sp = node.spans[level - 1];
                pending = (sp > 0).then_some(sp);
            } else {
                spans.push(s(dashes(cw, pending.take()), dim));
            }
        }
        if list.nodes.len() > fit {
            spans.push(s(" …", dim));
        }
        out.push(Line::from(spans));
    }
    // Labels row.
    let mut spans = vec![s(" ".repeat(head_w), dim)];
    for (i, l) in labels.iter().enumerate().take(fit) {
        let pad = col_w[i].saturating_sub(width(l));
        spans.push(s(format!("{}{}", " ".repeat(pad), l), Style::default()));
    }
    out.push(Line::from(spans));
    // Ranks row.
    let mut spans = vec![s("rank", dim)];
    for (i, cw) in col_w.iter().enumerate().take(fit) {
        let r = format!("{}", i + 1);
        spans.push(s(
            format!("{}{}", " ".repeat(cw.saturating_sub(width(&r))), r),
            dim,
        ));
    }
    out.push(Line::from(spans));
    if let Some(p) = path {
        out.push(Line::default());
        out.push(Line::from(s(
            format!("{:?} {}", p.op, p.target).to_lowercase(),
            t.get("heading3"),
        )));
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
            out.push(Line::from(s(truncate(&what, w), Style::default())));
        }
        if let Some((m, rank)) = &p.found {
            let text = match m {
                Some(m) => format!("{} {m}, rank {rank}", lang.pick("找到", "found")),
                None => format!("{}; rank {rank}", lang.pick("没有找到", "not found")),
            };
            out.push(Line::from(s(text, hot)));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// nginx-upstream
// ---------------------------------------------------------------------------

fn upstream_lines(v: &UpstreamView, t: &Theme, lang: Lang, w: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let dim = t.get("dim");
    let hot = t.get("match_current");
    out.push(Line::from(vec![
        s(format!("method {}", v.method), t.get("heading3")),
        s(
            if v.key.is_empty() {
                format!("   clock {}s", v.now)
            } else {
                format!("   key {}   clock {}s", v.key, v.now)
            },
            dim,
        ),
    ]));
    let maxw = v
        .servers
        .iter()
        .map(|s| s.weight.max(s.effective_weight).max(s.current_weight.abs()))
        .max()
        .unwrap_or(1)
        .max(1);
    let bar_cols = (w.saturating_sub(36) / 2).clamp(3, 20);
    let current_server = v
        .current
        .and_then(|id| v.requests.iter().find(|r| r.id == id))
        .and_then(|r| r.server.clone());
    out.push(Line::from(s(
        format!(
            "{:<8} {:>3} {:<w$} {:<w$} conns fails",
            "server",
            "w",
            "effective",
            "current",
            w = bar_cols + 4
        ),
        dim,
    )));
    for sv in &v.servers {
        let mut marks = Vec::new();
        if sv.down {
            marks.push("down");
        }
        if sv.backup {
            marks.push("backup");
        }
        if sv.failing {
            marks.push("refusing");
        }
        if sv.disabled(v.now) {
            marks.push("failed");
        }
        let name_style = if current_server.as_deref() == Some(sv.name.as_str()) {
            hot
        } else if sv.down || sv.disabled(v.now) {
            t.get("error")
        } else {
            t.get("title")
        };
        let cw = if sv.current_weight < 0 {
            format!("-{}", bar(-sv.current_weight, maxw, bar_cols))
        } else {
            bar(sv.current_weight, maxw, bar_cols)
        };
        out.push(Line::from(vec![
            s(format!("{:<8}", truncate(&sv.name, 8)), name_style),
            s(format!(" {:>3} ", sv.weight), Style::default()),
            s(
                format!(
                    "{:<w$}",
                    format!(
                        "{} {}",
                        bar(sv.effective_weight, maxw, bar_cols),
                        sv.effective_weight
                    ),
                    w = bar_cols + 4
                ),
                t.get("sim"),
            ),
            s(
                format!(
                    " {:<w$}",
                    format!("{cw} {}", sv.current_weight),
                    w = bar_cols + 4
                ),
                t.get("marker"),
            ),
            s(
                format!(" {:>5} {:>2}/{}", sv.conns, sv.fails, sv.max_fails),
                Style::default(),
            ),
            s(
                if marks.is_empty() {
                    String::new()
                } else {
                    format!("  [{}]", marks.join(","))
                },
                t.get("warning"),
            ),
        ]));
    }
    // The request stream.
    out.push(Line::default());
    out.push(Line::from(s(
        lang.pick("请求（旧 → 新）：", "requests (oldest → newest):"),
        t.get("heading3"),
    )));
    let mut spans = Vec::new();
    let mut used = 0;
    let shown: Vec<_> = v.requests.iter().collect();
    let mut start = 0;
    // Keep the newest requests visible.
    let cell = |r: &crate::sim::nginx_upstream::RequestView| match &r.server {
        Some(sv) => sv.clone(),
        None => "502".to_string(),
    };
    let total: usize = shown.iter().map(|r| width(&cell(r)) + 1).sum();
    let mut excess = total.saturating_sub(w.saturating_sub(2));
    while excess > 0 && start < shown.len() {
        excess = excess.saturating_sub(width(&cell(shown[start])) + 1);
        start += 1;
    }
    if start > 0 {
        spans.push(s("… ", dim));
        used += 2;
    }
    for r in &shown[start..] {
        let c = cell(r);
        used += width(&c) + 1;
        if used > w {
            break;
        }
        let st = if r.server.is_none() {
            t.get("error")
        } else if Some(r.id) == v.current {
            hot
        } else if r.tried.len() > 1 {
            t.get("warning")
        } else {
            t.get("sim")
        };
        spans.push(s(c, st));
        spans.push(s(" ", dim));
    }
    out.push(Line::from(spans));
    if let Some(last) = v.requests.back() {
        if last.tried.len() > 1 {
            out.push(Line::from(s(
                format!(
                    "{} {}",
                    lang.pick("上一个请求依次尝试：", "last request tried:"),
                    last.tried.join(" → ")
                ),
                t.get("warning"),
            )));
        }
    }
    // Distribution.
    let total: u64 = v.distribution.values().sum::<u64>() + v.failures;
    if total > 0 {
        out.push(Line::default());
        out.push(Line::from(s(
            format!(
                "{} {total}",
                lang.pick("请求分布，共", "distribution of requests:")
            ),
            t.get("heading3"),
        )));
        let max = v
            .distribution
            .values()
            .copied()
            .max()
            .unwrap_or(1)
            .max(v.failures) as i64;
        let cols = w.saturating_sub(20).clamp(4, 40);
        for (name, n) in &v.distribution {
            out.push(Line::from(vec![
                s(format!("{:<8} ", truncate(name, 8)), Style::default()),
                s(bar(*n as i64, max, cols), t.get("sim")),
                s(format!(" {n}"), dim),
            ]));
        }
        if v.failures > 0 {
            out.push(Line::from(vec![
                s(format!("{:<8} ", "502"), t.get("error")),
                s(bar(v.failures as i64, max, cols), t.get("error")),
                s(format!(" {}", v.failures), dim),
            ]));
        }
    }
    // The ring for consistent hashing: points along [0, 2^32) and the key.
    if !v.ring.is_empty() {
        out.push(Line::default());
        out.push(Line::from(s(
            format!("hash ring: {} points", v.ring.len()),
            t.get("heading3"),
        )));
        let cols = w.saturating_sub(2).max(8);
        let mut cells: Vec<(char, Style)> = vec![('·', dim); cols];
        let servers: Vec<String> = {
            let mut names: Vec<String> = v.ring.iter().map(|p| p.server.clone()).collect();
            names.sort();
            names.dedup();
            names
        };
        let styles = [
            "sim",
            "marker",
            "heading3",
            "warning",
            "link",
            "table_header",
        ];
        for p in &v.ring {
            let x = ((p.hash as u64 * cols as u64) >> 32) as usize;
            let si = servers.iter().position(|n| *n == p.server).unwrap_or(0);
            let ch = p.server.chars().last().unwrap_or('?');
            cells[x.min(cols - 1)] = (ch, t.get(styles[si % styles.len()]));
        }
        let mut spans: Vec<Span> = cells.iter().map(|(c, st)| s(c.to_string(), *st)).collect();
        spans.insert(0, s("[", dim));
        spans.push(s(")", dim));
        out.push(Line::from(spans));
        if let Some(kp) = &v.key_position {
            let x = ((kp.hash as u64 * cols as u64) >> 32) as usize;
            out.push(Line::from(vec![
                s(" ".repeat(x + 1), dim),
                s("▲", hot),
                s(
                    format!(" key {} → crc32 {}", truncate(&kp.key, 20), kp.hash),
                    dim,
                ),
            ]));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// django
// ---------------------------------------------------------------------------

fn onion_lines(o: &Onion, t: &Theme, lang: Lang, w: usize) -> Vec<Line<'static>> {
    let v = &o.view;
    let mut out = Vec::new();
    let dim = t.get("dim");
    let hot = t.get("match_current");
    let req = v
        .request
        .clone()
        .unwrap_or_else(|| lang.pick("（还没有请求）", "(no request yet)").into());
    let status = v
        .status
        .map(|s| format!("  status {s}"))
        .unwrap_or_default();
    out.push(Line::from(vec![
        s(req, t.get("heading3")),
        s(status, t.get("title")),
    ]));
    if let Some(route) = &v.route {
        out.push(Line::from(s(
            format!(
                "route {route} → view {}",
                v.view.clone().unwrap_or_default()
            ),
            dim,
        )));
    }
    if v.layers.is_empty() {
        return out;
    }
    let depth_cap = (w.saturating_sub(30) / 2).max(1);
    for (i, layer) in v.layers.iter().enumerate() {
        let indent = "│ ".repeat(i.min(depth_cap));
        let (went_in, came_out) = o.crossed.get(i).copied().unwrap_or((false, false));
        let is_cur = v.current == Some(i);
        let arrow_in = if went_in { "→" } else { " " };
        let arrow_out = if came_out { "←" } else { " " };
        let name_style = if is_cur {
            hot
        } else if went_in || came_out {
            t.get("sim")
        } else {
            dim
        };
        let style = layer
            .style
            .as_ref()
            .map(|s| {
                format!(
                    " ({})",
                    serde_json::to_value(s)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default()
                )
            })
            .unwrap_or_default();
        let mut spans = vec![
            s(indent, dim),
            s(format!("{arrow_in}{arrow_out} "), t.get("marker")),
            s(truncate(&layer.name, 28), name_style),
            s(style, dim),
        ];
        if is_cur {
            if let Some(h) = &v.hook {
                spans.push(s(
                    format!("  {}", truncate(h, w.saturating_sub(40).max(10))),
                    hot,
                ));
            }
        }
        out.push(Line::from(spans));
    }
    out.push(Line::default());
    out.push(Line::from(s(
        format!("SQL: {} queries", v.query_count),
        t.get("heading3"),
    )));
    for (i, q) in v
        .sql
        .iter()
        .enumerate()
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        out.push(Line::from(s(
            truncate(&format!("{:>2}. {q}", i + 1), w),
            t.get("code"),
        )));
    }
    out
}

fn orm_lines(v: &OrmView, t: &Theme, lang: Lang, w: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let dim = t.get("dim");
    out.push(Line::from(vec![
        s(
            format!("{} authors, {} books", v.authors, v.books),
            t.get("heading3"),
        ),
        s(
            format!(
                "   queries this command {}, total {}",
                v.query_count, v.total_queries
            ),
            dim,
        ),
    ]));
    out.push(Line::default());
    if v.querysets.is_empty() {
        out.push(Line::from(s(
            lang.pick(
                "（还没有 QuerySet：`let qs = Book.objects.all()` 定义一个，但不执行）",
                "(no QuerySet yet: `let qs = Book.objects.all()` defines one, lazily)",
            ),
            dim,
        )));
    }
    for (name, qs) in &v.querysets {
        let cache = match qs.cached {
            Some(n) => format!("{} {n}", lang.pick("已缓存行数", "cached rows")),
            None => lang.pick("未求值", "not evaluated").into(),
        };
        out.push(Line::from(vec![
            s(format!("{name} = "), t.get("title")),
            s(
                truncate(&qs.chain, w.saturating_sub(width(name) + 22)),
                Style::default(),
            ),
            s(
                format!("  [{cache}]"),
                if qs.cached.is_some() {
                    t.get("sim")
                } else {
                    dim
                },
            ),
        ]));
    }
    out.push(Line::default());
    out.push(Line::from(s(
        format!("SQL of this command: {}", v.query_count),
        t.get("heading3"),
    )));
    for (i, q) in v.sql.iter().enumerate() {
        out.push(Line::from(s(
            truncate(&format!("{:>2}. {q}", i + 1), w),
            t.get("code"),
        )));
    }
    if let Some(h) = &v.hook {
        out.push(Line::default());
        out.push(Line::from(s(truncate(h, w), t.get("match_current"))));
    }
    out
}
