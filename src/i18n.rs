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
    ("app.note_one", "1 篇笔记", "1 note"),
    (
        "app.indexing",
        "{n} 篇笔记 · 正在建立索引",
        "{n} notes · indexing",
    ),
    (
        "app.loading",
        "正在加载 {i}/{n} 篇笔记",
        "loading {i}/{n} notes",
    ),
    (
        "app.diagnostics",
        "{n} 个问题（{key:diagnostics} 查看）",
        "{n} problems ({key:diagnostics} to view)",
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
    ("app.not_saving", "⚠ 进度未保存", "⚠ not saving progress"),
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
        "{key:help} 帮助  {key:finder} 查找  {key:search} 搜索  {key:quit} 退出",
        "{key:help} help  {key:finder} find  {key:search} search  {key:quit} quit",
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
    (
        "help.title",
        "按键帮助（{key:list.cancel} 关闭）",
        "Keys ({key:list.cancel} to close)",
    ),
    ("outline.title", "本篇大纲", "Outline"),
    (
        "bookmarks.title",
        "书签（{key:list.delete} 删除）",
        "Bookmarks ({key:list.delete} to delete)",
    ),
    (
        "bookmarks.empty",
        "还没有书签：在某一节按 {key:browse.bookmark} 添加",
        "No bookmarks yet: press {key:browse.bookmark} on a topic",
    ),
    ("diagnostics.title", "加载问题", "Loading problems"),
    ("diagnostics.none", "没有问题", "No problems"),
    ("ctx.global", "全局", "Everywhere"),
    ("ctx.browse", "浏览", "Browsing"),
    ("ctx.list", "列表与查找", "Lists and finder"),
    ("ctx.sim", "模拟", "Simulation"),
    ("ctx.quiz", "测验与统计", "Quiz and stats"),
    (
        "ctx.edit",
        "输入行（查找、搜索、命令、填空）",
        "Input lines (finder, search, command, fill-in)",
    ),
    ("action.submit", "提交", "Submit"),
    ("action.delete_back", "删除前一个字", "Delete the character before"),
    ("action.delete_word", "删除前一个词", "Delete the word before"),
    ("action.clear_line", "清空整行", "Clear the line"),
    (
        "sim.step0",
        "（第 0 步：按 {key:step_forward} 前进，{key:play} 播放）",
        "(step 0: press {key:step_forward} to step, {key:play} to play)",
    ),
    (
        "sim.hint",
        " {key:step_back}{key:step_forward} 单步  {key:play} {play} ({speed}ms, {key:faster}/{key:slower})  {key:top}/{key:bottom}  {key:next_mark}/{key:prev_mark} 标记  {key:command} 命令  {key:next_preset} 预设  {key:reseed} 种子  {key:reset} 重来  {key:pane} 面板  {key:close} 后退",
        " {key:step_back}{key:step_forward} step  {key:play} {play} ({speed}ms, {key:faster}/{key:slower})  {key:top}/{key:bottom}  {key:next_mark}/{key:prev_mark} marks  {key:command} command  {key:next_preset} preset  {key:reseed} seed  {key:reset} reset  {key:pane} pane  {key:close} back",
    ),
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
    ("action.quiz", "测验（当前主题）", "Quiz (current topic)"),
    ("action.stats", "学习统计", "Progress stats"),
    ("action.reveal", "显示答案", "Reveal the answer"),
    ("action.undo", "撤销上一次评分", "Undo the last grade"),
    ("action.redo", "重做答错的题", "Redo the missed cards"),
    (
        "action.open_note",
        "打开笔记中的对应小节",
        "Open the note section",
    ),
    (
        "action.open_sim",
        "在模拟中打开这个场景",
        "Open this scenario in the simulation",
    ),
    (
        "action.move_item_up",
        "把选中的步骤上移",
        "Move the selected step up",
    ),
    (
        "action.move_item_down",
        "把选中的步骤下移",
        "Move the selected step down",
    ),
    ("quiz.title", "测验", "Quiz"),
    ("quiz.progress", "第 {i}/{n} 题", "card {i}/{n}"),
    ("quiz.round", "重做第 {r} 轮", "redo round {r}"),
    ("quiz.recall", "回忆", "recall"),
    ("quiz.choice", "单选", "single choice"),
    ("quiz.multi", "多选", "multiple choice"),
    ("quiz.fill", "填空", "fill in"),
    ("quiz.order", "排序", "order"),
    (
        "quiz.generated",
        "由模拟生成",
        "generated by the simulation",
    ),
    (
        "quiz.hint_recall",
        "先回忆，再按 {key:reveal} 看答案",
        "Recall, then press {key:reveal} to see the answer",
    ),
    (
        "quiz.hint_choice",
        "按数字选择（或 {key:down}/{key:up} 移动、{key:open} 确认）",
        "Press a number (or {key:down}/{key:up} and {key:open})",
    ),
    (
        "quiz.hint_multi",
        "按数字勾选，{key:open} 提交",
        "Numbers toggle, {key:open} submits",
    ),
    (
        "quiz.hint_fill",
        "输入答案，{key:edit.submit} 提交",
        "Type the answer, {key:edit.submit} submits",
    ),
    (
        "quiz.hint_order",
        "{key:down}/{key:up} 选择，{key:move_item_down}/{key:move_item_up} 移动，{key:open} 提交",
        "{key:down}/{key:up} select, {key:move_item_down}/{key:move_item_up} move, {key:open} submits",
    ),
    ("quiz.answer", "答案", "Answer"),
    ("quiz.your_answer", "你的答案", "Your answer"),
    ("quiz.correct", "✓ 正确", "✓ Correct"),
    ("quiz.wrong", "✗ 不对", "✗ Wrong"),
    ("quiz.explain", "解析", "Why"),
    (
        "quiz.diff",
        "对照（[-缺少-] {+多余+}）",
        "Diff ([-missing-] {+extra+})",
    ),
    (
        "quiz.grade_hint",
        "1 重来 · 2 困难 · 3 良好 · 4 简单 · {key:open} → {g}",
        "1 Again · 2 Hard · 3 Good · 4 Easy · {key:open} → {g}",
    ),
    ("quiz.again", "重来", "Again"),
    ("quiz.hard", "困难", "Hard"),
    ("quiz.good", "良好", "Good"),
    ("quiz.easy", "简单", "Easy"),
    (
        "quiz.keys_after",
        "{key:open_note} 笔记 · {key:open_sim} 模拟 · {key:undo} 撤销 · {key:cancel} 返回",
        "{key:open_note} note · {key:open_sim} simulation · {key:undo} undo · {key:cancel} back",
    ),
    (
        "quiz.keys",
        "{key:undo} 撤销 · {key:cancel} 返回",
        "{key:undo} undo · {key:cancel} back",
    ),
    (
        "quiz.done",
        "本轮完成：{n} 题，答错 {m} 题。",
        "Round done: {n} cards, {m} missed.",
    ),
    (
        "quiz.done_keys",
        "{key:redo} 重做答错的题 · {key:stats} 统计 · {key:undo} 撤销 · {key:cancel} 返回",
        "{key:redo} redo the missed · {key:stats} stats · {key:undo} undo · {key:cancel} back",
    ),
    (
        "quiz.empty",
        "没有到期的卡片。可以用 tuitor quiz --cram 复习全部。",
        "Nothing is due. Use tuitor quiz --cram to review everything.",
    ),
    (
        "quiz.not_saved",
        "进度不会保存：{e}",
        "Progress is not saved: {e}",
    ),
    (
        "quiz.card_error",
        "这张卡片无法生成：{e}",
        "This card could not be drawn: {e}",
    ),
    (
        "quiz.sim_hint",
        "模拟场景（按 {key:open_sim} 打开）：{name}，seed {seed}",
        "Scenario ({key:open_sim} opens it): {name}, seed {seed}",
    ),
    ("quiz.sim_config", "配置：", "Config:"),
    ("quiz.sim_cmds", "命令：{cmds}", "Commands: {cmds}"),
    (
        "quiz.sim_requested",
        "打开模拟 {name}：seed {seed}，命令 {cmds}",
        "Open simulation {name}: seed {seed}, commands {cmds}",
    ),
    (
        "quiz.no_note",
        "这张卡片没有对应的笔记小节",
        "This card has no note section",
    ),
    (
        "quiz.no_sim",
        "这张卡片不是由模拟生成的",
        "This card is not from a simulation",
    ),
    ("quiz.undone", "已撤销上一次评分", "Last grade undone"),
    (
        "quiz.nothing_to_undo",
        "本轮没有可撤销的评分",
        "Nothing to undo in this round",
    ),
    (
        "quiz.no_missed",
        "这一轮没有答错的题",
        "Nothing was missed in this round",
    ),
    ("stats.title", "学习统计", "Progress"),
    ("stats.topic", "主题", "Topic"),
    ("stats.new", "新卡", "New"),
    ("stats.learning", "学习中", "Learning"),
    ("stats.due", "到期", "Due"),
    ("stats.mastered", "已掌握", "Mastered"),
    ("stats.total", "合计", "Total"),
    (
        "stats.per_day",
        "每天复习数（近 14 天）",
        "Reviews per day (last 14 days)",
    ),
    ("stats.retention", "记住的比例（%）", "Retention (%)"),
    (
        "stats.summary",
        "共复习 {n} 次 · 记住 {r} · 连续 {s} 天",
        "{n} reviews · retention {r} · streak {s} days",
    ),
    (
        "stats.keys",
        "{key:quiz} 开始测验 · {key:cancel} 返回",
        "{key:quiz} start a quiz · {key:cancel} back",
    ),
    ("stats.where", "进度保存在 {p}", "Progress is kept in {p}"),
    (
        "stats.memory_only",
        "进度只在内存中，不会保存",
        "Progress is in memory only, not saved",
    ),
];

/// Every string: (key, Chinese, English). Strings that name keys say
/// `{key:ACTION}` and are filled from the live keymap by the terminal UI.
pub fn entries() -> &'static [(&'static str, &'static str, &'static str)] {
    TABLE
}

/// The string for `key` in `lang` (`?` when missing).
pub fn tr(lang: Lang, key: &str) -> &'static str {
    TABLE
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, zh, en)| lang.pick(zh, en))
        .unwrap_or("?")
}

/// [`tr`] with `{name}` placeholders filled in.
pub fn trf(lang: Lang, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    fill(tr(lang, key), args)
}

/// `text` with each `{name}` of `args` replaced by its value.
pub fn fill(text: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut s = text.to_string();
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
