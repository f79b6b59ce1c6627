//! What a question is: its text, the shape of its answer with the right one,
//! and, for a question a simulation generated, the scenario it was drawn from.
//!
//! A leaf: the quiz (cards, grading, scheduling) and the simulations' question
//! templates (`sim::quiz`) both speak these types.

use serde::Serialize;

/// What kind of answer a question takes, with the right answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Kind {
    /// Self-graded: the learner recalls, reveals the reference answer, grades.
    Recall {
        /// The reference answer.
        answer: String,
    },
    /// One right option.
    Choice {
        /// The options, in the order shown.
        options: Vec<String>,
        /// Index of the right one.
        correct: usize,
    },
    /// Several right options.
    Multi {
        /// The options, in the order shown.
        options: Vec<String>,
        /// Indices of the right ones.
        correct: Vec<usize>,
    },
    /// Type the missing text.
    Fill {
        /// The expected answer.
        answer: String,
        /// Other accepted answers.
        accept: Vec<String>,
    },
    /// Put the steps in order.
    Order {
        /// The steps, in the right order.
        steps: Vec<String>,
    },
}

impl Kind {
    /// The short type name used in YAML and the UI (`recall`, `choice`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Recall { .. } => "recall",
            Kind::Choice { .. } => "choice",
            Kind::Multi { .. } => "multi",
            Kind::Fill { .. } => "fill",
            Kind::Order { .. } => "order",
        }
    }

    /// The right answer as one line of text (for reveal and reports).
    pub fn answer_text(&self) -> String {
        match self {
            Kind::Recall { answer } => answer.clone(),
            Kind::Choice { options, correct } => options.get(*correct).cloned().unwrap_or_default(),
            Kind::Multi { options, correct } => correct
                .iter()
                .filter_map(|&i| options.get(i).cloned())
                .collect::<Vec<_>>()
                .join("；"),
            Kind::Fill { answer, .. } => answer.clone(),
            Kind::Order { steps } => steps.join(" → "),
        }
    }
}

/// A simulation scenario a generated question was drawn from: enough to open
/// the simulation at that very point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Scenario {
    /// The simulation's canonical name (as the simulation registry names it).
    pub sim: String,
    /// The engine config (YAML), if any.
    pub config: Option<String>,
    /// The seed the session was built with.
    pub seed: u64,
    /// The commands run, in order.
    pub commands: Vec<String>,
}

/// One concrete question, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    /// The question text.
    pub prompt: String,
    /// Its answer shape and right answer.
    pub kind: Kind,
    /// Why the answer is what it is (may be empty).
    pub explain: String,
    /// For generated questions: the scenario to open in the simulation.
    pub scenario: Option<Scenario>,
}
