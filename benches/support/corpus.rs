//! A deterministic generator of Markdown study notes for benchmarks.
//!
//! [`generate`] makes note `i` of a corpus from a seed: YAML front matter, a
//! title and 3–6 levels of headings, paragraphs mixing Chinese technical words
//! with English terms and inline code, nested lists, tables, fenced code, block
//! quotes, `::: tip` containers and HTML comments, in the proportions of public
//! interview-note repositories. The same (seed, index, size) always gives the
//! same bytes, so a corpus can be rebuilt anywhere instead of being stored.
//!
//! Shared by `examples/gen_corpus.rs` (the `scripts/gen-corpus` tool) and the
//! criterion benches, which include this file with `#[path]`.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

/// Chinese technical vocabulary the text is made of.
const ZH: &[&str] = &[
    "数据库",
    "索引",
    "事务",
    "隔离级别",
    "锁",
    "死锁",
    "缓存",
    "穿透",
    "雪崩",
    "击穿",
    "分布式",
    "一致性",
    "哈希",
    "跳跃表",
    "字典",
    "渐进式",
    "扩容",
    "内存",
    "持久化",
    "主从复制",
    "哨兵",
    "集群",
    "线程",
    "线程池",
    "进程",
    "协程",
    "并发",
    "并行",
    "同步",
    "异步",
    "阻塞",
    "非阻塞",
    "队列",
    "消息队列",
    "生产者",
    "消费者",
    "负载均衡",
    "轮询",
    "权重",
    "最少连接",
    "反向代理",
    "虚拟机",
    "垃圾回收",
    "堆",
    "栈",
    "方法区",
    "类加载",
    "双亲委派",
    "字节码",
    "编译",
    "接口",
    "抽象类",
    "继承",
    "多态",
    "封装",
    "泛型",
    "反射",
    "注解",
    "代理",
    "动态代理",
    "序列化",
    "网络",
    "协议",
    "三次握手",
    "四次挥手",
    "拥塞控制",
    "滑动窗口",
    "超时重传",
    "请求",
    "响应",
    "中间件",
    "会话",
    "模板",
    "路由",
    "视图",
    "模型",
    "查询",
    "优化",
    "执行计划",
    "回表",
    "覆盖索引",
    "最左前缀",
    "聚簇索引",
    "二级索引",
    "日志",
    "重做日志",
    "回滚日志",
    "快照",
    "版本链",
    "可见性",
    "乐观锁",
    "悲观锁",
    "自旋",
    "原子性",
    "可见性",
    "有序性",
    "内存屏障",
    "指令重排",
    "偏向锁",
    "轻量级锁",
    "的",
    "是",
    "在",
    "和",
    "与",
    "会",
    "可以",
    "需要",
    "通过",
    "使用",
    "如果",
    "那么",
    "因为",
    "所以",
    "但是",
    "时候",
    "问题",
    "原理",
    "实现",
    "场景",
    "面试",
    "常见",
    "总结",
    "对比",
    "区别",
    "流程",
    "步骤",
    "性能",
    "开销",
    "复杂度",
];

/// English terms mixed into the text.
const EN: &[&str] = &[
    "Redis",
    "MySQL",
    "InnoDB",
    "B+Tree",
    "HashMap",
    "ConcurrentHashMap",
    "ArrayList",
    "JVM",
    "GC",
    "G1",
    "CMS",
    "ZGC",
    "Spring",
    "Spring Boot",
    "MyBatis",
    "Kafka",
    "RocketMQ",
    "Nginx",
    "Django",
    "ORM",
    "TCP",
    "UDP",
    "HTTP",
    "HTTPS",
    "DNS",
    "Linux",
    "epoll",
    "select",
    "volatile",
    "synchronized",
    "ReentrantLock",
    "AQS",
    "CAS",
    "ThreadLocal",
    "zset",
    "skiplist",
    "rehash",
    "dict",
    "ziplist",
    "listpack",
    "upstream",
    "least_conn",
    "ip_hash",
    "middleware",
    "QuerySet",
    "select_related",
    "MVCC",
    "redo log",
    "undo log",
    "binlog",
    "Docker",
    "Kubernetes",
];

const CODE_LANGS: &[&str] = &["java", "python", "sql", "bash", "c", "yaml", ""];

const CODE_LINES: &[&str] = &[
    "public class Node<K, V> { K key; V value; Node<K, V> next; }",
    "Map<String, Integer> counts = new HashMap<>(16);",
    "synchronized (lock) { count++; }",
    "for (int i = 0; i < n; i++) { sum += a[i]; }",
    "SELECT id, name FROM user WHERE age > 18 ORDER BY id LIMIT 10;",
    "EXPLAIN SELECT * FROM orders WHERE user_id = 42;",
    "redis-cli ZADD board 100 alice 90 bob",
    "def get_queryset(self): return Book.objects.select_related('author')",
    "upstream backend { least_conn; server 10.0.0.1 weight=3; }",
    "static int dictExpand(dict *d, unsigned long size);",
    "executor.submit(() -> process(task));",
    "    if (node == null) return defaultValue;",
    "}",
];

/// A tiny deterministic PRNG (SplitMix64).
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p` percent.
    pub fn pct(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    /// One element of `xs`.
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

fn sentence(r: &mut Rng, out: &mut String) {
    let words = r.range(6, 22);
    for w in 0..words {
        if r.pct(22) {
            let term = r.pick(EN);
            if w > 0 && !out.ends_with(' ') {
                out.push(' ');
            }
            if r.pct(15) {
                let _ = write!(out, "`{term}`");
            } else if r.pct(8) {
                let _ = write!(out, "**{term}**");
            } else {
                out.push_str(term);
            }
            out.push(' ');
        } else {
            out.push_str(r.pick(ZH));
        }
        if w + 1 < words && r.pct(10) {
            out.push('，');
        }
    }
    out.push(if r.pct(85) { '。' } else { '？' });
}

fn paragraph(r: &mut Rng, out: &mut String) {
    for _ in 0..r.range(1, 4) {
        sentence(r, out);
    }
    out.push_str("\n\n");
}

fn heading_text(r: &mut Rng, out: &mut String, n: &[usize]) {
    let nums: Vec<String> = n.iter().map(|x| x.to_string()).collect();
    let _ = write!(out, "{} ", nums.join("."));
    if r.pct(50) {
        let _ = write!(out, "{} ", r.pick(EN));
    }
    for _ in 0..r.range(1, 3) {
        out.push_str(r.pick(ZH));
    }
    if r.pct(25) {
        out.push_str(r.pick(&["？", "原理", "详解", "与区别"]));
    }
}

fn list(r: &mut Rng, out: &mut String, depth: usize) {
    let ordered = r.pct(40);
    for i in 0..r.range(2, 6) {
        let indent = "  ".repeat(depth);
        if ordered {
            let _ = write!(out, "{indent}{}. ", i + 1);
        } else {
            let _ = write!(out, "{indent}- ");
        }
        if r.pct(10) {
            out.push_str(if r.pct(50) { "[x] " } else { "[ ] " });
        }
        sentence(r, out);
        out.push('\n');
        if depth < 2 && r.pct(15) {
            list(r, out, depth + 1);
        }
    }
    out.push('\n');
}

fn table(r: &mut Rng, out: &mut String) {
    let cols = r.range(2, 5);
    let mut head = Vec::new();
    for c in 0..cols {
        head.push(if c == 0 {
            "对比项".to_string()
        } else {
            r.pick(EN).to_string()
        });
    }
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let seps: Vec<&str> = (0..cols)
        .map(|_| {
            *[":--", ":-:", "--:", "---"]
                .get(r.below(4))
                .unwrap_or(&"---")
        })
        .collect();
    let _ = writeln!(out, "| {} |", seps.join(" | "));
    for _ in 0..r.range(2, 7) {
        let cells: Vec<String> = (0..cols)
            .map(|_| {
                let mut s = String::new();
                for _ in 0..r.range(1, 3) {
                    s.push_str(r.pick(ZH));
                }
                if r.pct(30) {
                    s.push(' ');
                    s.push_str(r.pick(EN));
                }
                s
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

fn code(r: &mut Rng, out: &mut String) {
    let _ = writeln!(out, "```{}", r.pick(CODE_LANGS));
    for _ in 0..r.range(3, 14) {
        out.push_str(r.pick(CODE_LINES));
        if r.pct(30) {
            let _ = write!(out, " // {}{}", r.pick(ZH), r.pick(ZH));
        }
        out.push('\n');
    }
    out.push_str("```\n\n");
}

fn quote(r: &mut Rng, out: &mut String) {
    for _ in 0..r.range(1, 3) {
        out.push_str("> ");
        sentence(r, out);
        out.push('\n');
    }
    out.push('\n');
}

fn front_matter(r: &mut Rng, out: &mut String, title: &str) {
    out.push_str("---\n");
    let _ = writeln!(out, "title: {title}");
    let _ = writeln!(out, "category: {}", r.pick(ZH));
    out.push_str("tag:\n");
    for _ in 0..r.range(1, 4) {
        let _ = writeln!(out, "  - {}", r.pick(EN));
    }
    let _ = writeln!(
        out,
        "date: 2024-{:02}-{:02}",
        r.range(1, 12),
        r.range(1, 28)
    );
    out.push_str("---\n\n");
}

/// Note `index` of the corpus `seed`, about `target_bytes` long (at least one
/// section is always written).
pub fn generate(seed: u64, index: usize, target_bytes: usize) -> String {
    let mut r = Rng::new(seed ^ (index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    // Sizes vary around the target, as real notes do.
    let target = target_bytes / 2 + r.below(target_bytes.max(2));
    let mut out = String::with_capacity(target + 1024);
    let mut title = String::new();
    let _ = write!(title, "{} ", r.pick(EN));
    for _ in 0..r.range(2, 3) {
        title.push_str(r.pick(ZH));
    }
    if r.pct(97) {
        front_matter(&mut r, &mut out, &title);
    }
    let _ = writeln!(out, "# {title}\n");
    if r.pct(30) {
        out.push_str("<!-- @include: @small-advertisement.snippet.md -->\n\n");
    }
    paragraph(&mut r, &mut out);
    let depth = r.range(3, 6); // deepest heading level used, 3..=6
    let mut nums = [0usize; 6];
    let mut level = 2usize;
    while out.len() < target {
        // Move to a sibling, a child or back up, within 2..=depth.
        level = match r.below(3) {
            0 if level < depth => level + 1,
            1 if level > 2 => level - 1,
            _ => level,
        };
        for n in nums.iter_mut().take(level - 2) {
            *n = (*n).max(1);
        }
        nums[level - 2] += 1;
        for n in nums.iter_mut().skip(level - 1) {
            *n = 0;
        }
        let _ = write!(out, "{} ", "#".repeat(level));
        heading_text(&mut r, &mut out, &nums[..level - 1]);
        out.push_str("\n\n");
        for _ in 0..r.range(1, 4) {
            match r.below(12) {
                0..=4 => paragraph(&mut r, &mut out),
                5 | 6 => list(&mut r, &mut out, 0),
                7 => table(&mut r, &mut out),
                8 | 9 => code(&mut r, &mut out),
                10 => quote(&mut r, &mut out),
                _ => {
                    out.push_str("::: tip\n\n");
                    paragraph(&mut r, &mut out);
                    out.push_str(":::\n\n");
                }
            }
        }
    }
    out
}

/// The file name of note `index` (spread over sub-folders of 100 notes).
pub fn file_name(index: usize) -> String {
    format!("part-{:03}/note-{index:05}.md", index / 100)
}

/// Write `n` notes of about `bytes_per_note` bytes into `dir`; returns the
/// total bytes written.
pub fn write_corpus(
    dir: &Path,
    n: usize,
    seed: u64,
    bytes_per_note: usize,
) -> std::io::Result<u64> {
    let mut total = 0u64;
    for i in 0..n {
        let p = dir.join(file_name(i));
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let text = generate(seed, i, bytes_per_note);
        total += text.len() as u64;
        std::fs::write(&p, text)?;
    }
    Ok(total)
}
