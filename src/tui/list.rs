//! The selection and scroll of a list overlay (finder, outline, bookmarks,
//! help, loading problems).

/// A list overlay's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListState {
    /// Selected row.
    pub sel: usize,
    /// First row shown.
    pub offset: usize,
}
