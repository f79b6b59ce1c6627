//! tuitor: a terminal study guide.
//!
//! The core (content, search, rendering to text, simulations, storage) knows
//! nothing of the terminal; only [`tui`] draws with ratatui and crossterm.

pub mod cli;
pub mod config;
pub mod content;
pub mod i18n;
pub mod question;
pub mod quiz;
pub mod render;
pub mod search;
pub mod sim;
pub mod store;
pub mod tui;
pub mod yaml;
