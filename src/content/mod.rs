//! Notes → [`Library`]: front matter, Markdown, the topic tree and pairing.

pub mod background;
pub mod embedded;
pub mod frontmatter;
pub mod load;
pub mod markdown;
pub mod model;
pub mod pairing;
pub mod sanitize;

pub use load::{load_embedded, load_paths};
pub use model::*;
