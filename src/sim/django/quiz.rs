//! `django` questions: the hooks a request passes through a middleware stack
//! with a short circuit, the full order when a view raises, and which
//! `process_exception` hooks run.

use crate::question::{Kind, Question};
use crate::sim::quiz::{choice, range, retry, run, shuffle, Run, Template};

const SIM: &str = "django";
const POOL: [&str; 6] = ["Auth", "Cors", "Gzip", "Timing", "Trace", "Locale"];

/// A short circuit in a request phase.
pub const SHORT_CIRCUIT: Template = Template {
    id: "mw-short-circuit",
    sim: SIM,
    title: "中间件短路：钩子的执行顺序",
    make: short_circuit,
    answer: hooks_answer,
};

/// Arrange the hooks of a request whose view raises.
pub const EXCEPTION_ORDER: Template = Template {
    id: "mw-exception-order",
    sim: SIM,
    title: "视图抛异常：把钩子排成执行顺序",
    make: exception_order,
    answer: hooks_answer,
};

/// Which process_exception hooks run.
pub const PROCESS_EXCEPTION: Template = Template {
    id: "mw-process-exception",
    sim: SIM,
    title: "process_exception：哪些钩子按什么顺序运行",
    make: process_exception,
    answer: exception_hooks_answer,
};

/// Middleware hooks and the view among a request's events (the WSGI, signal
/// and resolver events left out).
fn hook_events(r: &Run) -> Result<Vec<String>, String> {
    let events = r.last()?.reply["events"]
        .as_array()
        .ok_or("no events in the reply")?
        .iter()
        .filter_map(|e| e.as_str())
        .filter(|e| e.starts_with(|c: char| c.is_ascii_uppercase()) || e.starts_with("view."))
        .map(str::to_string)
        .collect();
    Ok(events)
}

fn hooks_answer(r: &Run) -> Result<String, String> {
    Ok(hook_events(r)?.join(" → "))
}

fn exception_hooks_answer(r: &Run) -> Result<String, String> {
    Ok(hook_events(r)?
        .into_iter()
        .filter(|e| e.contains(".process_exception"))
        .collect::<Vec<_>>()
        .join(" → "))
}

fn stack(rng: &mut crate::sim::trace::Rng, n: usize) -> Vec<&'static str> {
    let mut names = POOL.to_vec();
    shuffle(rng, &mut names);
    names.truncate(n);
    names
}

fn short_circuit(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let n = range(rng, 3, 4) as usize;
        let names = stack(rng, n);
        let k = range(rng, 1, n as u64 - 1) as usize;
        let mut config = String::from("middleware:\n");
        for (i, m) in names.iter().enumerate() {
            if i == k {
                config.push_str(&format!(
                    "  - {{name: {m}, style: new, hooks: [], respond_in_request: {{/x/: 403}}}}\n"
                ));
            } else {
                config.push_str(&format!("  - {{name: {m}, style: new, hooks: []}}\n"));
            }
        }
        config.push_str(
            "routes:\n  - {path: \"x/\", view: v, name: x}\nviews:\n  v: {returns: 200}\n",
        );
        let r = run(SIM, Some(config), s, vec!["GET /x/".into()])?;
        let answer = hooks_answer(&r)?;
        let req: Vec<String> = hook_events(&r)?
            .into_iter()
            .filter(|e| e.contains(".request"))
            .collect();
        let resp = |i: usize| format!("{}.response(403)", names[i]);
        // Wrong model 1: responses come back out in settings order.
        let mut forward = req.clone();
        forward.extend((0..k).map(resp));
        // Wrong model 2: the inner layers still run their response phase.
        let mut inner = req.clone();
        inner.extend((0..n).rev().filter(|&i| i != k).map(resp));
        // Wrong model 3: the short-circuiting layer sees its own response.
        let mut own = req.clone();
        own.extend((0..=k).rev().map(resp));
        Ok(Question {
            prompt: format!(
                "MIDDLEWARE = [{}]（都是新式中间件）。{} 在请求阶段对 /x/ 直接返回 403。GET /x/ 时，中间件钩子按什么顺序运行？",
                names.join(", "),
                names[k]
            ),
            kind: choice(
                rng,
                answer,
                vec![forward.join(" → "), inner.join(" → "), own.join(" → ")],
                3,
            )?,
            explain: "请求按 MIDDLEWARE 顺序向内走；短路的中间件不调用 get_response，内层、URL 解析和视图都不运行；响应从它外面一层开始按相反顺序向外返回，它自己的“响应阶段”就是它返回的那一刻。".into(),
            scenario: Some(r.scenario),
        })
    })
}

fn exception_config(names: &[&str], handler: usize) -> String {
    let mut config = String::from("middleware:\n");
    for (i, m) in names.iter().enumerate() {
        let extra = if i == handler {
            ", handle_exception: [/y/]"
        } else {
            ""
        };
        config.push_str(&format!(
            "  - {{name: {m}, style: new, hooks: [exception]{extra}}}\n"
        ));
    }
    config.push_str(
        "routes:\n  - {path: \"y/\", view: boom, name: y}\nviews:\n  boom: {raises: ValueError}\n",
    );
    config
}

fn exception_order(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let n = range(rng, 2, 3) as usize;
        let names = stack(rng, n);
        let h = rng.below(n as u64) as usize;
        let r = run(
            SIM,
            Some(exception_config(&names, h)),
            s,
            vec!["GET /y/".into()],
        )?;
        let steps = hook_events(&r)?;
        Ok(Question {
            prompt: format!(
                "MIDDLEWARE = [{}]（新式，都定义了 process_exception），只有 {} 的 process_exception 处理 ValueError 并返回 200。视图 boom 抛出 ValueError，把下面的钩子排成执行顺序。",
                names.join(", "),
                names[h]
            ),
            kind: Kind::Order { steps },
            explain: "请求阶段按设置顺序向内；视图抛异常后 process_exception 按相反顺序调用，第一个返回响应的生效，外面的不再调用；之后响应阶段从最内层向外返回。".into(),
            scenario: Some(r.scenario),
        })
    })
}

fn process_exception(seed: u64) -> Result<Question, String> {
    retry(seed, |rng, s| {
        let n = range(rng, 3, 4) as usize;
        let names = stack(rng, n);
        let h = range(rng, 0, n as u64 - 2) as usize;
        let r = run(
            SIM,
            Some(exception_config(&names, h)),
            s,
            vec!["GET /y/".into()],
        )?;
        let answer = exception_hooks_answer(&r)?;
        let handled = hook_events(&r)?
            .into_iter()
            .find(|e| e.starts_with(&format!("{}.process_exception", names[h])))
            .ok_or("the handler's hook did not run")?;
        let hook = |i: usize| {
            if i == h {
                handled.clone()
            } else {
                format!("{}.process_exception(ValueError) -> None", names[i])
            }
        };
        let join = |v: Vec<String>| v.join(" → ");
        let wrong = vec![
            join((0..=h).map(hook).collect()),      // settings order
            join((0..n).rev().map(hook).collect()), // every hook runs
            join(vec![hook(h)]),                    // only the one that handles it
        ];
        Ok(Question {
            prompt: format!(
                "MIDDLEWARE = [{}]，都定义了 process_exception，只有 {} 的会返回响应。视图抛出 ValueError 后，哪些 process_exception 按什么顺序被调用？",
                names.join(", "),
                names[h]
            ),
            kind: choice(rng, answer, wrong, 3)?,
            explain: "process_exception 按 MIDDLEWARE 的相反顺序调用（最内层先），第一个返回 HttpResponse 的胜出，更外层的不再被调用。".into(),
            scenario: Some(r.scenario),
        })
    })
}
