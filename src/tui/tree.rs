//! The topic tree of the browse screen: which topics are expanded, the rows
//! that shows, the selected row and the first row on screen.

use crate::content::{Library, TopicId};

/// The tree's state. Rows are topic ids in display order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    /// Expanded state per topic.
    pub expanded: Vec<bool>,
    /// The rows shown: every root and the children of expanded topics.
    pub rows: Vec<TopicId>,
    /// The selected row.
    pub sel: usize,
    /// The first row on screen.
    pub offset: usize,
}

impl Tree {
    /// A tree over `lib` with its roots expanded.
    pub fn new(lib: &Library) -> Tree {
        let mut t = Tree {
            expanded: vec![false; lib.topics.len()],
            ..Tree::default()
        };
        for r in lib.roots() {
            t.expanded[r] = true;
        }
        t
    }

    /// The selected topic.
    pub fn selected(&self) -> Option<TopicId> {
        self.rows.get(self.sel).copied()
    }

    /// Recompute the rows from the expanded state.
    pub fn rebuild(&mut self, lib: &Library) {
        let mut out = Vec::new();
        for r in lib.roots() {
            self.rows_of(lib, r, &mut out);
        }
        self.rows = out;
    }

    /// Append the rows of `root` and its expanded descendants to `out`.
    fn rows_of(&self, lib: &Library, root: TopicId, out: &mut Vec<TopicId>) {
        let mut stack = vec![root];
        while let Some(t) = stack.pop() {
            out.push(t);
            if self.expanded.get(t).copied().unwrap_or(false) {
                stack.extend(lib.topics[t].children.iter().rev());
            }
        }
    }

    /// Notes were added to `lib` with these roots: they come expanded, after
    /// every row shown.
    pub fn add_notes(&mut self, lib: &Library, roots: &[TopicId]) {
        self.expanded.resize(lib.topics.len(), false);
        for &r in roots {
            self.expanded[r] = true;
        }
        let mut rows = std::mem::take(&mut self.rows);
        for &r in roots {
            self.rows_of(lib, r, &mut rows);
        }
        self.rows = rows;
    }

    /// Expand every ancestor of `t`, so it has a row.
    pub fn reveal(&mut self, lib: &Library, t: TopicId) {
        let mut cur = lib.topics[t].parent;
        while let Some(p) = cur {
            self.expanded[p] = true;
            cur = lib.topics[p].parent;
        }
        self.rebuild(lib);
    }

    /// Select the row of `t`, if it has one.
    pub fn select(&mut self, t: TopicId) {
        if let Some(i) = self.rows.iter().position(|&v| v == t) {
            self.sel = i;
        }
    }

    /// Move the selection by `delta` rows (clamped); the topic selected.
    pub fn move_by(&mut self, delta: isize) -> Option<TopicId> {
        if self.rows.is_empty() {
            return None;
        }
        let max = self.rows.len() as isize - 1;
        self.sel = (self.sel as isize + delta).clamp(0, max) as usize;
        self.selected()
    }

    /// Expand (`true`) or collapse `t` and keep it selected. Returns whether
    /// anything changed (a leaf, or a topic already so, changes nothing).
    pub fn set_expanded(&mut self, lib: &Library, t: TopicId, open: bool) -> bool {
        if lib.topics[t].children.is_empty() || self.expanded[t] == open {
            return false;
        }
        self.expanded[t] = open;
        self.rebuild(lib);
        self.select(t);
        true
    }

    /// Expand everything, or, when everything is already expanded, collapse
    /// all but the roots.
    pub fn toggle_all(&mut self, lib: &Library) {
        let any_collapsed = lib
            .topics
            .iter()
            .enumerate()
            .any(|(i, t)| !t.children.is_empty() && !self.expanded[i]);
        for (i, t) in lib.topics.iter().enumerate() {
            self.expanded[i] = any_collapsed || t.parent.is_none();
        }
        self.rebuild(lib);
    }

    /// Keep the selection in range and on screen, `rows` rows high.
    pub fn fit(&mut self, lib: &Library, rows: usize) {
        if self.rows.is_empty() && !lib.topics.is_empty() {
            self.rebuild(lib);
        }
        self.sel = self.sel.min(self.rows.len().saturating_sub(1));
        if self.sel < self.offset {
            self.offset = self.sel;
        } else if self.sel >= self.offset + rows {
            self.offset = self.sel + 1 - rows;
        }
        self.offset = self.offset.min(self.rows.len().saturating_sub(rows));
    }

    /// Scroll by `delta` rows, keeping `rows` rows filled.
    pub fn scroll(&mut self, delta: isize, rows: usize) {
        let max = self.rows.len().saturating_sub(rows);
        self.offset = self.offset.saturating_add_signed(delta).min(max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::load::parse_note;

    fn lib() -> Library {
        let mut lib = Library::default();
        let md = "# A\n\n## A1\n\n### A1a\n\n## A2\n\n# B\n\n## B1\n";
        let (n, d) = parse_note("t.md", md.as_bytes());
        lib.push(n.expect("parses"), d);
        lib
    }

    fn titles(lib: &Library, t: &Tree) -> Vec<String> {
        t.rows
            .iter()
            .map(|&i| lib.topics[i].title.clone())
            .collect()
    }

    #[test]
    fn rows_follow_expansion_and_the_selection_stays_put() {
        let lib = lib();
        let mut t = Tree::new(&lib);
        t.rebuild(&lib);
        let top = titles(&lib, &t);
        assert_eq!(top.len(), lib.roots().count() + 2, "{top:?}");
        let a1 = lib.topics.iter().position(|x| x.title == "A1").unwrap();
        t.reveal(&lib, a1);
        assert!(titles(&lib, &t).contains(&"A1".to_string()));
        assert!(!titles(&lib, &t).contains(&"A1a".to_string()));
        assert!(t.set_expanded(&lib, a1, true));
        assert!(titles(&lib, &t).contains(&"A1a".to_string()));
        assert_eq!(t.selected(), Some(a1));
        assert!(!t.set_expanded(&lib, a1, true), "already open");
        t.toggle_all(&lib);
        assert_eq!(t.rows.len(), lib.topics.len(), "everything is open");
        // Everything open: collapse all but the roots, whose children show.
        t.toggle_all(&lib);
        assert!(t.rows.len() < lib.topics.len());
        assert!(t.rows.iter().all(|&i| lib.topics[i]
            .parent
            .is_none_or(|p| lib.topics[p].parent.is_none())));
        let a1a = lib.topics.iter().position(|x| x.title == "A1a").unwrap();
        t.reveal(&lib, a1a);
        t.select(a1a);
        assert_eq!(t.selected(), Some(a1a));
    }

    #[test]
    fn the_selection_stays_on_screen() {
        let lib = lib();
        let mut t = Tree::new(&lib);
        t.toggle_all(&lib);
        assert_eq!(t.move_by(100), t.rows.last().copied());
        t.fit(&lib, 2);
        assert_eq!(t.offset, t.rows.len() - 2);
        assert_eq!(t.move_by(-100), t.rows.first().copied());
        t.fit(&lib, 2);
        assert_eq!(t.offset, 0);
        t.scroll(50, 2);
        assert_eq!(t.offset, t.rows.len() - 2);
    }
}
