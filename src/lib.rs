//! tuitor: a terminal study guide.
//!
//! The core (content, search, simulations) knows nothing of the terminal; the
//! `tui` module draws it.

pub mod content;
pub mod render;
pub mod search;
pub mod sim;
