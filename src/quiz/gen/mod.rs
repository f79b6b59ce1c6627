//! Cards from the questions the simulations generate.
//!
//! The templates themselves live with their simulations (`src/sim/<name>/quiz.rs`,
//! listed in each [`crate::sim::SimInfo::quiz`]; the machinery is
//! [`crate::sim::quiz`]). This module puts one card per registered template in
//! the deck, under the first topic its simulation is paired with.

pub use crate::sim::quiz::{choice, range, replay, retry, run, shuffle, Run, Template};

use super::{card_id, group_of, section_of, Card, Content, Origin};
use crate::content::Library;

/// Every simulation's templates, in registry order.
pub fn templates() -> impl Iterator<Item = &'static Template> {
    crate::sim::REGISTRY.iter().flat_map(|s| s.quiz.iter())
}

/// One card per template, placed under the first topic the simulation is
/// paired with (else under no topic, counted under the simulation's name).
pub fn cards(lib: &Library) -> Vec<Card> {
    templates()
        .map(|t| {
            let topic = lib
                .topics
                .iter()
                .position(|tp| tp.sims.iter().any(|s| s.name == t.sim));
            let (note, section, group) = match topic {
                Some(i) => (
                    lib.notes[lib.topics[i].note].path.clone(),
                    section_of(lib, i),
                    group_of(lib, i),
                ),
                None => (String::new(), Vec::new(), t.sim.to_string()),
            };
            Card {
                id: card_id(&note, &section, &format!("gen:{}", t.id)),
                note,
                section,
                group,
                origin: Origin::Generated,
                content: Content::Generated(t),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_least_three_templates_per_simulation() {
        for info in crate::sim::REGISTRY {
            assert!(
                info.quiz.len() >= 3,
                "{} has {} templates",
                info.name,
                info.quiz.len()
            );
            for t in info.quiz {
                assert_eq!(
                    t.sim, info.name,
                    "{} is listed under the wrong simulation",
                    t.id
                );
            }
        }
    }

    #[test]
    fn template_ids_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for t in templates() {
            assert!(seen.insert(t.id), "two templates are called {}", t.id);
        }
    }

    #[test]
    fn templates_draw_different_parameters_from_different_seeds() {
        for t in templates() {
            let prompts: std::collections::HashSet<String> = (0..8)
                .map(|s| (t.make)(s).map(|q| format!("{}{:?}", q.prompt, q.kind)))
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("{}: {e}", t.id));
            assert!(prompts.len() > 1, "{} always asks the same", t.id);
        }
    }
}
