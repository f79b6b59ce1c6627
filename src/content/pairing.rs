//! Attaching simulations to topics of plain notes.
//!
//! Notes written without tuitor markup (no `sim` blocks) still get simulations:
//! a [`Rule`] `{sim, preset, keywords}` offers its simulation to every topic
//! whose heading contains one of its keywords (case-insensitive). This module
//! knows no simulation: each simulation's default keywords are in its registry
//! entry, and `sim::attach` applies them.

use serde::Deserialize;

use super::model::{Library, SimOrigin, SimRef};

/// One pairing rule.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Rule {
    /// The simulation's name.
    pub sim: String,
    /// The preset to open with.
    #[serde(default)]
    pub preset: Option<String>,
    /// Substrings of heading titles that select this rule.
    pub keywords: Vec<String>,
}

/// Parse a rules file.
pub fn parse_rules(yaml: &str) -> Result<Vec<Rule>, crate::yaml::YamlError> {
    crate::yaml::parse(yaml)
}

/// Whether `kw` occurs in `hay` (both lowercase). A keyword that starts with a
/// Latin letter or digit must start a word, and a short one (acronyms such as
/// `orm`) must also end one, so `orm` matches "ORM 查询" but not "performance" or
/// "format", while `load balanc` still matches "load balancing".
fn contains_keyword(hay: &str, kw: &str) -> bool {
    if kw.is_empty() {
        return false;
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let first_is_word = word(kw.chars().next());
    let last_is_word = word(kw.chars().last()) && kw.chars().count() <= 4;
    hay.match_indices(kw).any(|(i, m)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + m.len()..].chars().next();
        let glued_before = first_is_word && word(before);
        let glued_after = last_is_word && word(after);
        !glued_before && !glued_after
    })
}

/// The simulations a heading title pairs with, in rule order, without repeats.
pub fn match_title(rules: &[Rule], title: &str) -> Vec<SimRef> {
    let lower = title.to_lowercase();
    let mut out: Vec<SimRef> = Vec::new();
    for r in rules {
        if r.keywords
            .iter()
            .any(|k| contains_keyword(&lower, &k.to_lowercase()))
            && !out.iter().any(|s| s.name == r.sim)
        {
            out.push(SimRef {
                name: r.sim.clone(),
                preset: r.preset.clone(),
                origin: SimOrigin::Paired,
            });
        }
    }
    out
}

/// Apply rules to every note of `lib` that has no embedded simulation.
pub fn apply(lib: &mut Library, rules: &[Rule]) {
    apply_notes(lib, 0..lib.notes.len(), rules);
}

/// Apply rules to the notes in `notes` (indices into `lib.notes`) that have no
/// embedded simulation.
pub fn apply_notes(lib: &mut Library, notes: std::ops::Range<usize>, rules: &[Rule]) {
    for n in notes {
        let range = lib.notes[n].topics.clone();
        if lib.topics[range.clone()]
            .iter()
            .any(|t| t.sims.iter().any(|s| s.origin == SimOrigin::Embedded))
        {
            continue;
        }
        for t in range {
            if lib.topics[t].sims.is_empty() {
                lib.topics[t].sims = match_title(rules, &lib.topics[t].title);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_case_insensitively_once_per_sim() {
        let rules = parse_rules(
            "- sim: redis-dict\n  preset: grow-from-4\n  keywords: [字典, Rehash]\n- sim: redis-dict\n  keywords: [dict]\n- sim: nginx-upstream\n  keywords: [负载均衡]\n",
        )
        .unwrap();
        let m = match_title(&rules, "4.5 字典 与 REHASH dict");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].preset.as_deref(), Some("grow-from-4"));
        assert_eq!(
            match_title(&rules, "5.2 Nginx的负载均衡算法")[0].name,
            "nginx-upstream"
        );
        assert!(match_title(&rules, "4.7 事务").is_empty());
        let orm = parse_rules("- sim: django-orm\n  keywords: [ORM, load balanc]\n").unwrap();
        assert_eq!(match_title(&orm, "2.4 ORM").len(), 1);
        assert_eq!(match_title(&orm, "Django的ORM查询").len(), 1);
        assert!(match_title(&orm, "performance tuning").is_empty());
        assert!(match_title(&orm, "format").is_empty());
        assert_eq!(
            match_title(&orm, "Load balancing").len(),
            1,
            "prefix keywords may run on"
        );
    }
}
