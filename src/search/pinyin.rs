//! Pinyin keys for Chinese text, so people can type Chinese topics from an
//! English keyboard: `tiaoyue` and `tyb` both find 跳跃表.
//!
//! For a text, [`Keys`] holds its full pinyin (`tiaoyuebiao`) and its initials
//! (`tyb`), each with a map from every key character back to the text character
//! it came from, so a match in the pinyin highlights the right Chinese characters.
//! Characters without a reading (Latin, digits, punctuation) are kept as they are,
//! lowercased.

use pinyin::ToPinyin;

/// Pinyin renderings of a text, with maps back to the text's characters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keys {
    /// Full pinyin without tones, e.g. `tiaoyuebiao`.
    pub full: String,
    /// For each char of `full`, the index of the text char it came from.
    pub full_map: Vec<u32>,
    /// Initials, e.g. `tyb`.
    pub initials: String,
    /// For each char of `initials`, the index of the text char it came from.
    pub initials_map: Vec<u32>,
}

/// Whether a text has any character with a pinyin reading.
pub fn has_han(text: &str) -> bool {
    text.to_pinyin().any(|p| p.is_some())
}

/// Build the pinyin keys of `text`; `None` when it has no Chinese characters.
pub fn keys(text: &str) -> Option<Keys> {
    if !has_han(text) {
        return None;
    }
    let mut k = Keys::default();
    for (i, (c, p)) in text.chars().zip(text.to_pinyin()).enumerate() {
        let i = i as u32;
        match p {
            Some(p) => {
                let s = p.plain();
                for ch in s.chars() {
                    k.full.push(ch);
                    k.full_map.push(i);
                }
                if let Some(f) = s.chars().next() {
                    k.initials.push(f);
                    k.initials_map.push(i);
                }
            }
            None => {
                for lc in c.to_lowercase() {
                    k.full.push(lc);
                    k.full_map.push(i);
                    k.initials.push(lc);
                    k.initials_map.push(i);
                }
            }
        }
    }
    Some(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_and_initials_map_back() {
        let k = keys("跳跃表").unwrap();
        assert_eq!(k.full, "tiaoyuebiao");
        assert_eq!(k.initials, "tyb");
        assert_eq!(k.initials_map, vec![0, 1, 2]);
        assert_eq!(k.full_map[4], 1); // 'y' of yue
        let k = keys("Redis 字典").unwrap();
        assert_eq!(k.full, "redis zidian");
        assert_eq!(k.initials, "redis zd");
        assert!(keys("plain ascii").is_none());
    }
}
