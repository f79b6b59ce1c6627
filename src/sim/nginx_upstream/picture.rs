//! The `nginx-upstream` picture: each peer's weights, connections and failures,
//! the stream of requests, their distribution and the hash ring, rebuilt from
//! [`UpstreamEvent`]s.

use crate::i18n::Lang;
use crate::render::{truncate, width, Line, Role, Span};
use crate::sim::picture::{bar, line, span, text, Picture};
use crate::sim::Step;

use super::{RequestView, UpstreamEvent, UpstreamView};

/// The drawable state of an `nginx-upstream` session.
#[derive(Clone, Debug, Default)]
pub struct UpstreamPicture {
    /// The upstream as the events left it.
    pub view: UpstreamView,
}

impl Picture for UpstreamPicture {
    fn apply(&mut self, step: &Step) {
        if let Some(e) = step.event_as::<UpstreamEvent>() {
            self.view.apply(e);
        }
    }

    fn summary(&self) -> String {
        let v = &self.view;
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

    fn lines(&self, lang: Lang, width: usize, _height: usize) -> Vec<Line> {
        upstream_lines(&self.view, lang, width.max(10))
    }

    fn boxed(&self) -> Box<dyn Picture> {
        Box::new(self.clone())
    }
}

fn upstream_lines(v: &UpstreamView, lang: Lang, w: usize) -> Vec<Line> {
    let mut out = Vec::new();
    let dim = Role::Dim;
    let hot = Role::Current;
    out.push(line(vec![
        span(format!("method {}", v.method), Role::Heading(3)),
        span(
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
    out.push(text(
        format!(
            "{:<8} {:>3} {:<w$} {:<w$} conns fails",
            "server",
            "w",
            "effective",
            "current",
            w = bar_cols + 4
        ),
        dim,
    ));
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
            Role::Error
        } else {
            Role::Title
        };
        let cw = if sv.current_weight < 0 {
            format!("-{}", bar(-sv.current_weight, maxw, bar_cols))
        } else {
            bar(sv.current_weight, maxw, bar_cols)
        };
        out.push(line(vec![
            span(format!("{:<8}", truncate(&sv.name, 8)), name_style),
            span(format!(" {:>3} ", sv.weight), Role::Body),
            span(
                format!(
                    "{:<w$}",
                    format!(
                        "{} {}",
                        bar(sv.effective_weight, maxw, bar_cols),
                        sv.effective_weight
                    ),
                    w = bar_cols + 4
                ),
                Role::Sim,
            ),
            span(
                format!(
                    " {:<w$}",
                    format!("{cw} {}", sv.current_weight),
                    w = bar_cols + 4
                ),
                Role::Marker,
            ),
            span(
                format!(" {:>5} {:>2}/{}", sv.conns, sv.fails, sv.max_fails),
                Role::Body,
            ),
            span(
                if marks.is_empty() {
                    String::new()
                } else {
                    format!("  [{}]", marks.join(","))
                },
                Role::Warn,
            ),
        ]));
    }
    // The request stream.
    out.push(Line::default());
    out.push(text(
        lang.pick("请求（旧 → 新）：", "requests (oldest → newest):"),
        Role::Heading(3),
    ));
    let mut spans = Vec::new();
    let mut used = 0;
    let shown: Vec<_> = v.requests.iter().collect();
    let mut start = 0;
    // Keep the newest requests visible.
    let cell = |r: &RequestView| match &r.server {
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
        spans.push(span("… ", dim));
        used += 2;
    }
    for r in &shown[start..] {
        let c = cell(r);
        used += width(&c) + 1;
        if used > w {
            break;
        }
        let st = if r.server.is_none() {
            Role::Error
        } else if Some(r.id) == v.current {
            hot
        } else if r.tried.len() > 1 {
            Role::Warn
        } else {
            Role::Sim
        };
        spans.push(span(c, st));
        spans.push(span(" ", dim));
    }
    out.push(line(spans));
    if let Some(last) = v.requests.back() {
        if last.tried.len() > 1 {
            out.push(text(
                format!(
                    "{} {}",
                    lang.pick("上一个请求依次尝试：", "last request tried:"),
                    last.tried.join(" → ")
                ),
                Role::Warn,
            ));
        }
    }
    // Distribution.
    let total: u64 = v.distribution.values().sum::<u64>() + v.failures;
    if total > 0 {
        out.push(Line::default());
        out.push(text(
            format!(
                "{} {total}",
                lang.pick("请求分布，共", "distribution of requests:")
            ),
            Role::Heading(3),
        ));
        let max = v
            .distribution
            .values()
            .copied()
            .max()
            .unwrap_or(1)
            .max(v.failures) as i64;
        let cols = w.saturating_sub(20).clamp(4, 40);
        for (name, n) in &v.distribution {
            out.push(line(vec![
                span(format!("{:<8} ", truncate(name, 8)), Role::Body),
                span(bar(*n as i64, max, cols), Role::Sim),
                span(format!(" {n}"), dim),
            ]));
        }
        if v.failures > 0 {
            out.push(line(vec![
                span(format!("{:<8} ", "502"), Role::Error),
                span(bar(v.failures as i64, max, cols), Role::Error),
                span(format!(" {}", v.failures), dim),
            ]));
        }
    }
    // The ring for consistent hashing: points along [0, 2^32) and the key.
    if !v.ring.is_empty() {
        out.push(Line::default());
        out.push(text(
            format!("hash ring: {} points", v.ring.len()),
            Role::Heading(3),
        ));
        let cols = w.saturating_sub(2).max(8);
        let mut cells: Vec<(char, Role)> = vec![('·', dim); cols];
        let servers: Vec<String> = {
            let mut names: Vec<String> = v.ring.iter().map(|p| p.server.clone()).collect();
            names.sort();
            names.dedup();
            names
        };
        let styles = [
            Role::Sim,
            Role::Marker,
            Role::Heading(3),
            Role::Warn,
            Role::Link,
            Role::TableHeader,
        ];
        for p in &v.ring {
            let x = ((p.hash as u64 * cols as u64) >> 32) as usize;
            let si = servers.iter().position(|n| *n == p.server).unwrap_or(0);
            let ch = p.server.chars().last().unwrap_or('?');
            cells[x.min(cols - 1)] = (ch, styles[si % styles.len()]);
        }
        let mut spans: Vec<Span> = cells
            .iter()
            .map(|(c, st)| span(c.to_string(), *st))
            .collect();
        spans.insert(0, span("[", dim));
        spans.push(span(")", dim));
        out.push(line(spans));
        if let Some(kp) = &v.key_position {
            let x = ((kp.hash as u64 * cols as u64) >> 32) as usize;
            out.push(line(vec![
                span(" ".repeat(x + 1), dim),
                span("▲", hot),
                span(
                    format!(" key {} → crc32 {}", truncate(&kp.key, 20), kp.hash),
                    dim,
                ),
            ]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::sim::picture::drawn;

    #[test]
    fn smooth_round_robin_shows_weights_and_the_request_stream() {
        let (pic, l) = drawn(&super::super::INFO, &["reqs 7"], None, 100);
        assert!(l[0].starts_with("method round_robin"), "{l:?}");
        let stream = l
            .iter()
            .skip_while(|x| !x.starts_with("requests"))
            .nth(1)
            .unwrap();
        assert_eq!(stream.trim(), "a a b a c a a");
        assert!(
            pic.summary().ends_with("a a b a c a a"),
            "{}",
            pic.summary()
        );
        // The distribution counts each server's picks.
        let a = l.iter().rfind(|x| x.starts_with("a ")).unwrap();
        assert!(a.ends_with(" 5"), "{a}");
    }

    #[test]
    fn a_failed_peer_is_marked_and_a_retried_request_names_its_tries() {
        let (_, l) = drawn(&super::super::INFO, &["fail a", "req"], None, 100);
        let a = l.iter().find(|x| x.starts_with("a ")).unwrap();
        assert!(a.contains("[refusing"), "{a}");
        assert!(
            l.iter().any(|x| x.starts_with("last request tried: a → ")),
            "{l:?}"
        );
    }

    #[test]
    fn before_any_request_the_stream_is_empty() {
        let (_, l) = drawn(&super::super::INFO, &["reqs 3"], Some(0), 100);
        let stream = l.iter().skip_while(|x| !x.starts_with("requests")).nth(1);
        assert_eq!(stream.map(String::as_str), Some(""), "{l:?}");
        assert!(!l.iter().any(|x| x.contains("distribution")), "{l:?}");
    }
}
