//! `django-orm` questions: the query count of a loop over related objects with
//! and without `select_related` / `prefetch_related`, and what the result cache
//! saves.

use crate::question::Question;
use crate::sim::quiz::{choice, range, retry, run, Run, Template};

const SIM: &str = "django-orm";

/// Queries of `for b in books: b.author.name`.
pub const LOOP: Template = Template {
    id: "orm-loop",
    sim: SIM,
    title: "N+1：循环访问 book.author 要几条查询",
    make: forward_loop,
    answer: total_queries,
};

/// Queries of a sequence of count / exists / list / len.
pub const CACHE: Template = Template {
    id: "orm-cache",
    sim: SIM,
    title: "QuerySet 缓存：一串操作共执行几条 SQL",
    make: cache,
    answer: total_queries,
};

/// Queries of `for a in authors: a.book_set.all()`.
pub const REVERSE: Template = Template {
    id: "orm-reverse",
    sim: SIM,
    title: "反向关系：循环访问 author.book_set 要几条查询",
    make: reverse_loop,
    answer: total_queries,
};

/// Queries run by the whole scenario.
fn total_queries(r: &Run) -> Result<String, String> {
    let mut n = 0;
    for o in &r.outcomes {
        n += o.reply["queries"]
            .as_u64()
            .ok_or("reply without a query count")?;
    }
    Ok(n.to_string())
}

fn config(a: u64, b: u64) -> String {
    format!("authors: {a}\nbooks: {b}\n")
}

fn forward_loop(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let a = range(rng, 2, 5);
        let b = range(rng, a + 1, 10);
        let chain = [
            "Book.objects.all()",
            "Book.objects.select_related('author')",
            "Book.objects.prefetch_related('author')",
        ][rng.below(3) as usize];
        let cmds = vec![format!("let qs = {chain}"), "list qs .author.name".into()];
        let r = run(SIM, Some(config(a, b)), s, cmds)?;
        let wrong = vec![
            (1 + b).to_string(), // N+1 whatever the chain says
            (1 + a).to_string(), // authors cached across instances
            "1".to_string(),     // everything in one query
            "2".to_string(),     // one query per model
        ];
        Ok(Question {
            prompt: format!(
                "库里有 {a} 位作者、{b} 本书（每本书一个作者）。`qs = {chain}`，然后 `for book in qs: print(book.author.name)`。一共执行几条 SQL？"
            ),
            kind: choice(rng, total_queries(&r)?, wrong, 3)?,
            explain: "普通 QuerySet 取书 1 条，之后每个 book.author 各查 1 次（只缓存在那个实例上）：N+1。select_related 用 JOIN 一条取回；prefetch_related 先取书，再用一条 IN 查询取所有作者，共 2 条。".into(),
            scenario: Some(r.scenario),
        })
    })
}

fn reverse_loop(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let a = range(rng, 2, 6);
        let b = range(rng, a, 12);
        let chain = [
            "Author.objects.all()",
            "Author.objects.prefetch_related('book_set')",
        ][rng.below(2) as usize];
        let cmds = vec![format!("let qs = {chain}"), "list qs .book_set".into()];
        let r = run(SIM, Some(config(a, b)), s, cmds)?;
        let wrong = vec![
            (1 + a).to_string(),
            (1 + b).to_string(),
            "1".to_string(),
            "2".to_string(),
        ];
        Ok(Question {
            prompt: format!(
                "库里有 {a} 位作者、{b} 本书。`qs = {chain}`，然后 `for author in qs: list(author.book_set.all())`。一共执行几条 SQL？"
            ),
            kind: choice(rng, total_queries(&r)?, wrong, 3)?,
            explain: "反向的一对多关系不能 JOIN 成一行（select_related 不支持）；不预取时每个作者各查一次书，prefetch_related('book_set') 则用一条 IN 查询取回全部，共 2 条。".into(),
            scenario: Some(r.scenario),
        })
    })
}

fn cache(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let n = range(rng, 3, 4) as usize;
        let pool = ["count", "exists", "list", "len"];
        let ops: Vec<&str> = (0..n).map(|_| pool[rng.below(4) as usize]).collect();
        let mut cmds = vec!["let qs = Book.objects.filter(author__name='Ada')".to_string()];
        cmds.extend(ops.iter().map(|o| format!("{o} qs")));
        let r = run(SIM, None, s, cmds)?;
        let evaluates = |o: &&str| *o == "list" || *o == "len";
        let first_eval = ops.iter().position(evaluates);
        let wrong = vec![
            n.to_string(),   // nothing is cached
            "1".to_string(), // everything after the first is cached
            // count()/exists() never look at the cache
            (ops.iter().filter(|o| !evaluates(o)).count() + usize::from(first_eval.is_some()))
                .to_string(),
        ];
        let py: Vec<String> = ops
            .iter()
            .map(|o| match *o {
                "count" => "qs.count()".to_string(),
                "exists" => "qs.exists()".to_string(),
                "list" => "list(qs)".to_string(),
                _ => "len(qs)".to_string(),
            })
            .collect();
        Ok(Question {
            prompt: format!(
                "`qs = Book.objects.filter(author__name='Ada')`，然后依次执行：{}。一共执行几条 SQL？",
                py.join("；")
            ),
            kind: choice(rng, total_queries(&r)?, wrong, 3)?,
            explain: "list() 和 len() 求值 QuerySet，执行一条 SELECT 并填充结果缓存；之后的 count()、exists()、len() 都直接用缓存。还没求值时 count() 和 exists() 每次各执行自己的 SQL，而且不填缓存。".into(),
            scenario: Some(r.scenario),
        })
    })
}
