//! Markdown tables at a width: ruled columns sized to their content, or, when
//! they cannot fit, one record per row with each cell under its header's name.

use unicode_width::UnicodeWidthStr;

use super::text::{prefix_width, wrap, Line, Look, Role, Span};
use super::{runs, Ctx};
use crate::content::{plain, Align, Inline};

pub(super) fn render_table(
    cx: &mut Ctx<'_>,
    align: &[Align],
    header: &[Vec<Inline>],
    rows: &[Vec<Vec<Inline>>],
    first: &[Span],
    rest: &[Span],
) {
    let ncols = header
        .len()
        .max(rows.iter().map(Vec::len).max().unwrap_or(0));
    if ncols == 0 {
        return;
    }
    let text = |row: &[Vec<Inline>], c: usize| row.get(c).map(|i| plain(i)).unwrap_or_default();
    let mut widths: Vec<usize> = (0..ncols)
        .map(|c| {
            std::iter::once(header)
                .chain(rows.iter().map(Vec::as_slice))
                .map(|r| text(r, c).width())
                .max()
                .unwrap_or(0)
                .max(1)
        })
        .collect();
    let indent_w = prefix_width(first).max(prefix_width(rest));
    let avail = cx.width.saturating_sub(indent_w + 1 + 3 * ncols);
    while widths.iter().sum::<usize>() > avail {
        let (i, &w) = widths
            .iter()
            .enumerate()
            .max_by_key(|(_, &w)| w)
            .unwrap_or((0, &0));
        if w <= 3 {
            break;
        }
        widths[i] = w - 1;
    }
    if widths.iter().sum::<usize>() > avail {
        // Too many columns for the width even at their narrowest: show each row
        // as `header: value` lines instead of a grid.
        render_table_stacked(cx, header, rows, ncols, first, rest);
        return;
    }
    let border = |l: &str, m: &str, r: &str| -> String {
        let mut s = String::from(l);
        for (i, w) in widths.iter().enumerate() {
            s.push_str(&"─".repeat(w + 2));
            s.push_str(if i + 1 == ncols { r } else { m });
        }
        s
    };
    let b = Look::of(Role::Border);
    let push_border = |cx: &mut Ctx<'_>, pre: &[Span], s: String| {
        let mut l = Line {
            spans: pre.to_vec(),
        };
        l.push(&s, b);
        cx.out.lines.push(l);
    };
    push_border(cx, first, border("┌", "┬", "┐"));
    let emit_row = |cx: &mut Ctx<'_>, row: &[Vec<Inline>], role: Role| {
        let cells: Vec<Vec<Line>> = (0..ncols)
            .map(|c| {
                let r = row.get(c).map(|i| runs(i, role)).unwrap_or_default();
                wrap(&r, widths[c], &[], &[])
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let mut l = Line {
                spans: rest.to_vec(),
            };
            l.push("│", b);
            for (c, cell) in cells.iter().enumerate() {
                l.push(" ", b);
                let empty = Line::default();
                let cl = cell.get(k).unwrap_or(&empty);
                let cw = cl.width();
                let gap = widths[c].saturating_sub(cw);
                let a = align.get(c).copied().unwrap_or(Align::None);
                let (lpad, rpad) = match a {
                    Align::Right => (gap, 0),
                    Align::Center => (gap / 2, gap - gap / 2),
                    _ => (0, gap),
                };
                l.push(&" ".repeat(lpad), Look::of(role));
                for s in &cl.spans {
                    l.push(&s.text, s.look);
                }
                l.push(&" ".repeat(rpad), Look::of(role));
                l.push(" │", b);
            }
            cx.out.lines.push(l);
        }
    };
    emit_row(cx, header, Role::TableHeader);
    push_border(cx, rest, border("├", "┼", "┤"));
    for r in rows {
        emit_row(cx, r, Role::Body);
    }
    push_border(cx, rest, border("└", "┴", "┘"));
}

fn render_table_stacked(
    cx: &mut Ctx<'_>,
    header: &[Vec<Inline>],
    rows: &[Vec<Vec<Inline>>],
    ncols: usize,
    first: &[Span],
    rest: &[Span],
) {
    let indent_w = prefix_width(first).max(prefix_width(rest));
    let rule = "─".repeat(cx.width.saturating_sub(indent_w).max(1));
    let b = Look::of(Role::Border);
    let mut l = Line {
        spans: first.to_vec(),
    };
    l.push(&rule, b);
    cx.out.lines.push(l);
    for row in rows {
        for c in 0..ncols {
            let cell = row.get(c).map(Vec::as_slice).unwrap_or(&[]);
            if cell.iter().all(|i| i.text.trim().is_empty()) {
                continue;
            }
            let name = header.get(c).map(|h| plain(h)).unwrap_or_default();
            let mut r = vec![(format!("{name}: "), Look::of(Role::TableHeader))];
            r.extend(runs(cell, Role::Body));
            cx.out.lines.extend(wrap(&r, cx.width, rest, rest));
        }
        let mut l = Line {
            spans: rest.to_vec(),
        };
        l.push(&rule, b);
        cx.out.lines.push(l);
    }
}
