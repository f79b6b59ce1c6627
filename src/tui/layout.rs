//! Where the browse screen's panes go for a terminal size: the topic tree and
//! the note side by side, or one at a time on a narrow terminal.

use ratatui::layout::Rect;

/// Smallest usable terminal.
pub const MIN_W: u16 = 40;
/// Smallest usable terminal.
pub const MIN_H: u16 = 10;

/// Which pane has the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// The topic tree.
    Tree,
    /// The note text.
    Content,
}

/// Pane rectangles for a terminal size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The tree pane (zero width when hidden).
    pub tree: Rect,
    /// The note pane (zero width when hidden).
    pub content: Rect,
    /// The status line.
    pub status: Rect,
}

impl Layout {
    /// Text rows inside the note pane.
    pub fn content_rows(&self) -> usize {
        self.content.height.saturating_sub(2) as usize
    }
    /// Text columns inside the note pane (one column of margin).
    pub fn content_cols(&self) -> usize {
        self.content.width.saturating_sub(3) as usize
    }
    /// Rows inside the tree pane.
    pub fn tree_rows(&self) -> usize {
        self.tree.height.saturating_sub(2) as usize
    }
}

/// Compute the layout; `None` when the terminal is too small.
pub fn layout(w: u16, h: u16, focus: Focus) -> Option<Layout> {
    if w < MIN_W || h < MIN_H {
        return None;
    }
    let body_h = h - 1;
    let status = Rect::new(0, h - 1, w, 1);
    if w < 70 {
        // Narrow: one pane at a time.
        let full = Rect::new(0, 0, w, body_h);
        let none = Rect::new(0, 0, 0, body_h);
        return Some(match focus {
            Focus::Tree => Layout {
                tree: full,
                content: none,
                status,
            },
            Focus::Content => Layout {
                tree: none,
                content: full,
                status,
            },
        });
    }
    let tree_w = if w >= 120 {
        38
    } else {
        (w * 3 / 10).clamp(24, 34)
    };
    Some(Layout {
        tree: Rect::new(0, 0, tree_w, body_h),
        content: Rect::new(tree_w, 0, w - tree_w, body_h),
        status,
    })
}
