//! Grading answers: exact for choices and orderings, normalised for typed text.
//!
//! Typed answers are compared after [`normalise`]: full-width forms become their
//! half-width ASCII counterparts (`ＡＢＣ１２３` → `abc123`, the ideographic
//! space → a space), every whitespace character is dropped and letters are
//! lower-cased. A wrong typed answer comes with a character [`diff`] against the
//! expected answer so the learner sees exactly what was missing or extra.

use serde::Serialize;

use super::Kind;

/// Map full-width forms to half-width, drop whitespace, lower-case.
pub fn normalise(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// One run of a character diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum DiffSeg {
    /// Text both have.
    Same(String),
    /// Text the expected answer has and the given one lacks.
    Missing(String),
    /// Text the given answer has and the expected one lacks.
    Extra(String),
}

/// A character diff (longest common subsequence) from `given` to `expected`.
/// Both are compared as written; callers pass normalised text.
pub fn diff(given: &str, expected: &str) -> Vec<DiffSeg> {
    let a: Vec<char> = given.chars().collect();
    let b: Vec<char> = expected.chars().collect();
    // Typed answers are short; cap the table so a pasted essay stays cheap.
    if a.len() * b.len() > 1_000_000 {
        return vec![
            DiffSeg::Extra(given.into()),
            DiffSeg::Missing(expected.into()),
        ];
    }
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if a[i] == b[j] {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let mut out: Vec<DiffSeg> = Vec::new();
    let mut push = |seg: DiffSeg| {
        match (out.last_mut(), &seg) {
            (Some(DiffSeg::Same(s)), DiffSeg::Same(t))
            | (Some(DiffSeg::Missing(s)), DiffSeg::Missing(t))
            | (Some(DiffSeg::Extra(s)), DiffSeg::Extra(t)) => s.push_str(t),
            _ => out.push(seg),
        };
    };
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            push(DiffSeg::Same(a[i].to_string()));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[at(i, j + 1)] >= lcs[at(i + 1, j)]) {
            push(DiffSeg::Missing(b[j].to_string()));
            j += 1;
        } else {
            push(DiffSeg::Extra(a[i].to_string()));
            i += 1;
        }
    }
    out
}

/// What the learner answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Response {
    /// A recall card was revealed (the learner grades themself).
    Revealed,
    /// The index of the chosen option.
    Choice(usize),
    /// The indices of the chosen options, any order.
    Multi(Vec<usize>),
    /// Typed text.
    Text(String),
    /// The steps as arranged: indices into the card's correct order.
    Order(Vec<usize>),
}

/// The result of grading one response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Right or wrong; `None` for a self-graded recall card.
    pub correct: Option<bool>,
    /// For a wrong typed answer: the diff against the expected answer.
    pub diff: Option<Vec<DiffSeg>>,
}

/// Grade `resp` against `kind`. A response of the wrong shape is wrong.
pub fn grade(kind: &Kind, resp: &Response) -> Verdict {
    let plain = |ok: bool| Verdict {
        correct: Some(ok),
        diff: None,
    };
    match (kind, resp) {
        (Kind::Recall { .. }, _) => Verdict {
            correct: None,
            diff: None,
        },
        (Kind::Choice { correct, .. }, Response::Choice(i)) => plain(i == correct),
        (Kind::Multi { correct, .. }, Response::Multi(given)) => {
            let mut g = given.clone();
            g.sort_unstable();
            g.dedup();
            let mut c = correct.clone();
            c.sort_unstable();
            plain(g == c)
        }
        (Kind::Fill { answer, accept }, Response::Text(t)) => {
            let given = normalise(t);
            let ok = std::iter::once(answer)
                .chain(accept.iter())
                .any(|a| normalise(a) == given);
            Verdict {
                correct: Some(ok),
                diff: (!ok).then(|| diff(&given, &normalise(answer))),
            }
        }
        (Kind::Order { steps }, Response::Order(order)) => {
            plain(order.len() == steps.len() && order.iter().enumerate().all(|(i, &s)| i == s))
        }
        _ => plain(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_width_space_case() {
        assert_eq!(normalise("ＱｕｉｃｋＬｉｓｔ　１"), "quicklist1");
        assert_eq!(
            normalise(" select_related ( 'author' ) "),
            "select_related('author')"
        );
        assert_eq!(normalise("快速 列表"), "快速列表");
    }

    #[test]
    fn fill_accepts_alternatives_and_diffs_wrong_answers() {
        let k = Kind::Fill {
            answer: "quicklist".into(),
            accept: vec!["快速列表".into()],
        };
        assert_eq!(
            grade(&k, &Response::Text("QuickList".into())).correct,
            Some(true)
        );
        assert_eq!(
            grade(&k, &Response::Text("快速列表".into())).correct,
            Some(true)
        );
        let v = grade(&k, &Response::Text("quiklists".into()));
        assert_eq!(v.correct, Some(false));
        assert_eq!(
            v.diff.unwrap(),
            vec![
                DiffSeg::Same("qui".into()),
                DiffSeg::Missing("c".into()),
                DiffSeg::Same("klist".into()),
                DiffSeg::Extra("s".into()),
            ]
        );
    }

    #[test]
    fn choices_and_orders_are_exact() {
        let c = Kind::Choice {
            options: vec!["a".into(), "b".into()],
            correct: 1,
        };
        assert_eq!(grade(&c, &Response::Choice(1)).correct, Some(true));
        assert_eq!(grade(&c, &Response::Choice(0)).correct, Some(false));
        assert_eq!(grade(&c, &Response::Text("b".into())).correct, Some(false));
        let m = Kind::Multi {
            options: vec!["a".into(), "b".into(), "c".into()],
            correct: vec![0, 2],
        };
        assert_eq!(grade(&m, &Response::Multi(vec![2, 0])).correct, Some(true));
        assert_eq!(grade(&m, &Response::Multi(vec![0])).correct, Some(false));
        assert_eq!(
            grade(&m, &Response::Multi(vec![0, 1, 2])).correct,
            Some(false)
        );
        let o = Kind::Order {
            steps: vec!["x".into(), "y".into(), "z".into()],
        };
        assert_eq!(
            grade(&o, &Response::Order(vec![0, 1, 2])).correct,
            Some(true)
        );
        assert_eq!(
            grade(&o, &Response::Order(vec![1, 0, 2])).correct,
            Some(false)
        );
        assert_eq!(grade(&o, &Response::Order(vec![0, 1])).correct, Some(false));
    }

    #[test]
    fn recall_is_self_graded() {
        let r = Kind::Recall { answer: "x".into() };
        assert_eq!(grade(&r, &Response::Revealed).correct, None);
    }
}
