//! The `redis-dict` picture: both hash tables with their chains, `rehashidx`
//! and the bucket being moved, rebuilt from [`DictEvent`]s.

use crate::i18n::Lang;
use crate::render::{truncate, width, Line, Role};
use crate::sim::picture::{line, span, text, Picture};
use crate::sim::Step;

use super::{DictEvent, DictView};

/// The drawable state of a `redis-dict` session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DictPicture {
    /// The tables as the events left them.
    pub view: DictView,
}

impl Picture for DictPicture {
    fn apply(&mut self, step: &Step) {
        if let Some(e) = step.event_as::<DictEvent>() {
            self.view.apply(e);
        }
    }

    fn summary(&self) -> String {
        let v = &self.view;
        let tables: Vec<String> = v
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| format!("ht[{i}] {} buckets / {} keys", t.buckets.len(), t.used))
            .collect();
        format!("{} · rehashidx {}", tables.join(", "), v.rehashidx)
    }

    fn lines(&self, lang: Lang, width: usize, height: usize) -> Vec<Line> {
        dict_lines(&self.view, lang, width.max(10), height)
    }

    fn boxed(&self) -> Box<dyn Picture> {
        Box::new(self.clone())
    }
}

fn dict_lines(v: &DictView, lang: Lang, w: usize, h: usize) -> Vec<Line> {
    let mut out = Vec::new();
    let hot = Role::Current;
    let dim = Role::Dim;
    let head = Role::Heading(3);
    if v.tables.is_empty() {
        out.push(text(
            lang.pick(
                "（还没有哈希表：第一次 SET 会创建 4 个桶的 ht[0]）",
                "(no table yet: the first SET creates ht[0] with 4 buckets)",
            ),
            dim,
        ));
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
    out.push(text(status, head));
    if rehashing {
        let size0 = v.tables[0].buckets.len().max(1);
        let done = (v.rehashidx.max(0) as usize).min(size0);
        let cols = w.saturating_sub(16).clamp(4, 40);
        let filled = done * cols / size0;
        out.push(line(vec![
            span(lang.pick("进度 ", "progress "), dim),
            span("█".repeat(filled), Role::Sim),
            span("░".repeat(cols - filled), dim),
            span(format!(" {done}/{size0}"), dim),
        ]));
    }
    // Rows available per table.
    let tables = v.tables.len();
    let budget = h.saturating_sub(out.len() + 2 * tables).max(2 * tables) / tables;
    for (ti, table) in v.tables.iter().enumerate() {
        out.push(text(
            format!(
                "ht[{ti}]  size {}  used {}",
                table.buckets.len(),
                table.used
            ),
            Role::Title,
        ));
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
            out.push(text(
                format!("   … {start} {}", lang.pick("个桶在上方", "buckets above")),
                dim,
            ));
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
                Role::Body
            };
            let mut spans = vec![
                span(marker, Role::Pointer),
                span(format!("{b:>4} │",), label_style),
            ];
            if chain.is_empty() {
                spans.push(span(
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
                        spans.push(span(format!(" …+{}", chain.len() - i), dim));
                        break;
                    }
                    used += width(sep) + width(&key);
                    spans.push(span(sep, dim));
                    spans.push(span(key, if moving { hot } else { Role::Sim }));
                }
            }
            out.push(line(spans));
        }
        if start + rows < n {
            out.push(text(
                format!(
                    "   … {} {}",
                    n - start - rows,
                    lang.pick("个桶在下方", "buckets below")
                ),
                dim,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::sim::picture::drawn;

    #[test]
    fn a_blank_dict_says_the_first_set_creates_the_table() {
        let (_, l) = drawn(&super::super::INFO, &[], None, 80);
        assert_eq!(l.len(), 1);
        assert!(l[0].contains("no table yet"), "{l:?}");
    }

    #[test]
    fn every_key_is_in_exactly_one_bucket_of_the_table() {
        let (pic, l) = drawn(
            &super::super::INFO,
            &["set a 1", "set b 2", "set c 3"],
            None,
            80,
        );
        assert_eq!(l[0], "not rehashing: rehashidx = -1");
        assert_eq!(l[1], "ht[0]  size 4  used 3");
        let buckets: Vec<&String> = l.iter().filter(|x| x.contains('│')).collect();
        assert_eq!(buckets.len(), 4);
        for k in ["a", "b", "c"] {
            let n = buckets
                .iter()
                .filter(|b| b.split(['│', ' ', '→']).any(|w| w == k))
                .count();
            assert_eq!(n, 1, "{k}: {l:?}");
        }
        assert!(pic.summary().contains("ht[0] 4 buckets / 3 keys"));
    }

    #[test]
    fn a_rehash_shows_both_tables_its_progress_and_moved_buckets() {
        // The fifth key makes used/size reach 1: ht[1] of 8 buckets appears and
        // each later command moves one bucket.
        let cmds = ["set k1 1", "set k2 1", "set k3 1", "set k4 1", "set k5 1"];
        let (_, l) = drawn(&super::super::INFO, &cmds, None, 80);
        assert!(l[0].starts_with("rehashing: rehashidx = "), "{l:?}");
        assert!(l[1].starts_with("progress "), "{l:?}");
        assert!(l.iter().any(|x| x.starts_with("ht[1]  size 8")), "{l:?}");
        assert!(
            l.iter().any(|x| x.starts_with('▶')),
            "the bucket to move next is pointed at"
        );
    }
}
