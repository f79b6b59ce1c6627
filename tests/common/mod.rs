//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod pty;

use std::path::{Path, PathBuf};

/// The test fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The user's original note, when `../shared` is present beside the checkout.
pub fn seed_note() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/000_d88024cde0396db5.txt");
    p.exists().then_some(p)
}

/// The public note corpus, when present.
pub fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/JavaGuide");
    p.exists().then_some(p)
}

/// The text of a ratatui buffer, one line per row, wide characters once.
pub fn buffer_text(buf: &ratatui::buffer::Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.y..area.y + area.height {
        let mut skip = 0;
        for x in area.x..area.x + area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}
