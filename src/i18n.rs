//! User-facing strings in Chinese and English, in one table.
//!
//! `--lang` picks the language; otherwise `LC_ALL`, `LC_MESSAGES` or `LANG`
//! starting with `zh` selects Chinese, and anything else English.

/// A UI language.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// 中文
    Zh,
    /// English
    #[default]
    En,
}

impl Lang {
    /// The language the environment asks for.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var) {
                if v.is_empty() {
                    continue;
                }
                return if v.to_ascii_lowercase().starts_with("zh") {
                    Lang::Zh
                } else {
                    Lang::En
                };
            }
        }
        Lang::En
    }

    /// Pick between a Chinese and an English text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// (key, Chinese, English)
const TABLE: &[(&str, &str, &str)] = &[
    ("app.topics", "目录", "Topics"),
    ("app.content", "内容", "Note"),
    (
        "app.too_small",
        "终端太小：至少需要 {w}×{h}，现在是 {cw}×{ch}",
        "Terminal too small: need at least {w}×{h}, have {cw}×{ch}",
    ),
    ("app.notes", "{n} 篇笔记", "{n} notes"),
    (
        "app.diagnostics",
        "{n} 个问题（D 查看）",
        "{n} problems (D to view)",
    ),
    (
        "app.no_notes",
        "没有可显示的笔记。用 --notes 指定文件或文件夹。",
        "No notes to show. Pass files or folders with --notes.",
    ),
    ("app.bookmarked", "已加书签", "Bookmarked"),
    ("app.unbookmarked", "已取消书签", "Bookmark removed"),
    ("app.no_more_history", "没有更多历史", "No more history"),
    ("app.not_found", "未找到：{q}", "Not found: {q}"),
    ("app.match_count", "{i}/{n} 处匹配", "match {i}/{n}"),
    (
        "app.store_warning",
        "进度无法保存：{e}",
        "Progress cannot be saved: {e}",
    ),
    (
        "app.sim_unavailable",
        "模拟 {name} 尚不可用",
        "Simulation {name} is not available yet",
    ),
    (
        "app.hint",
        "? 帮助  f 查找  / 搜索  q 退出",
        "? help  f find  / search  q quit",
    ),
    (
        "finder.title",
        "查找（标题、正文、拼音）",
        "Find (titles, text, pinyin)",
    ),
    (
        "finder.empty",
        "输入以搜索全部笔记",
        "Type to search all notes",
    ),
    ("finder.none", "没有结果", "No results"),
    ("finder.indexing", "正在建立索引……", "Indexing…"),
    ("search.prompt", "搜索本节：", "Search topic: "),
    ("help.title", "按键帮助（Esc 关闭）", "Keys (Esc to close)"),
    ("outline.title", "本篇大纲", "Outline"),
    (
        "bookmarks.title",
        "书签（d 删除）",
        "Bookmarks (d to delete)",
    ),
    (
        "bookmarks.empty",
        "还没有书签：在某一节按 m 添加",
        "No bookmarks yet: press m on a topic",
    ),
    ("diagnostics.title", "加载问题", "Loading problems"),
    ("diagnostics.none", "没有问题", "No problems"),
    ("ctx.global", "全局", "Everywhere"),
    ("ctx.browse", "浏览", "Browsing"),
    ("ctx.list", "列表与查找", "Lists and finder"),
    ("ctx.sim", "模拟", "Simulation"),
    ("action.quit", "退出", "Quit"),
    ("action.help", "显示帮助", "Show this help"),
    (
        "action.finder",
        "全局模糊查找（支持拼音）",
        "Find anywhere (fuzzy, pinyin)",
    ),
    ("action.search", "在本节中搜索", "Search in this topic"),
    ("action.next_match", "下一个匹配", "Next match"),
    ("action.prev_match", "上一个匹配", "Previous match"),
    (
        "action.focus",
        "切换目录/内容焦点",
        "Switch focus tree/note",
    ),
    ("action.up", "上移 / 向上滚动", "Up / scroll up"),
    ("action.down", "下移 / 向下滚动", "Down / scroll down"),
    ("action.left", "折叠 / 回到上级", "Collapse / go to parent"),
    ("action.right", "展开 / 打开", "Expand / open"),
    (
        "action.open",
        "打开（目录项或模拟卡片）",
        "Open (topic or simulation card)",
    ),
    ("action.page_up", "向上翻页", "Page up"),
    ("action.page_down", "向下翻页", "Page down"),
    ("action.top", "到顶部", "Go to top"),
    ("action.bottom", "到底部", "Go to bottom"),
    ("action.next_topic", "下一节", "Next topic"),
    ("action.prev_topic", "上一节", "Previous topic"),
    ("action.outline", "本篇大纲跳转", "Outline of this note"),
    ("action.back", "后退", "Back"),
    ("action.forward", "前进", "Forward"),
    ("action.bookmark", "添加/取消书签", "Toggle bookmark"),
    ("action.bookmarks", "书签列表", "Bookmarks"),
    (
        "action.diagnostics",
        "查看加载问题",
        "Show loading problems",
    ),
    ("action.expand_all", "全部展开/折叠", "Expand/collapse all"),
    ("action.cancel", "取消 / 关闭", "Cancel / close"),
    ("action.delete", "删除所选", "Delete selected"),
    (
        "action.next_card",
        "选中下一个模拟卡片",
        "Select the next simulation card",
    ),
    ("action.step_forward", "前进一步", "Step forward"),
    ("action.step_back", "后退一步", "Step back"),
    ("action.play", "播放 / 暂停", "Play / pause"),
    ("action.faster", "加快播放", "Play faster"),
    ("action.slower", "减慢播放", "Play slower"),
    (
        "action.next_mark",
        "跳到下一个标记（重要事件或命令）",
        "Next mark (notable event or command)",
    ),
    ("action.prev_mark", "跳到上一个标记", "Previous mark"),
    ("action.reset", "从头重来", "Start over"),
    ("action.next_preset", "下一个预设场景", "Next preset"),
    ("action.prev_preset", "上一个预设场景", "Previous preset"),
    ("action.reseed", "换一个随机种子", "Use another seed"),
    (
        "action.command",
        "输入命令（或步数、seed N、preset 名称）",
        "Type a command (or a step number, seed N, preset NAME)",
    ),
    (
        "action.pane",
        "切换面板（演示 / 源码 / 事件）",
        "Switch pane (picture / source / events)",
    ),
    ("action.close", "返回笔记", "Back to the notes"),
    (
        "app.sim_error",
        "无法打开模拟：{e}",
        "Cannot open the simulation: {e}",
    ),
];

/// The string for `key` in `lang` (the key itself when missing).
pub fn tr(lang: Lang, key: &str) -> &'static str {
    TABLE
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, zh, en)| lang.pick(zh, en))
        .unwrap_or("?")
}

/// [`tr`] with `{name}` placeholders filled in.
pub fn trf(lang: Lang, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut s = tr(lang, key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), &value.to_string());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages() {
        for (k, zh, en) in TABLE {
            assert!(!zh.is_empty() && !en.is_empty(), "{k}");
            assert_eq!(
                TABLE.iter().filter(|(x, _, _)| x == k).count(),
                1,
                "duplicate {k}"
            );
        }
        assert_eq!(trf(Lang::En, "app.notes", &[("n", &3)]), "3 notes");
        assert_eq!(trf(Lang::Zh, "app.notes", &[("n", &3)]), "3 篇笔记");
    }
}
