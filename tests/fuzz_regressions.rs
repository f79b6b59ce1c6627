//! Inputs that once broke a fuzz target, replayed through the same checks the
//! fuzz targets run (`tests/fuzz_checks`). Each file lives in
//! `tests/fuzz-regressions/TARGET/`, named after what it broke.

mod fuzz_checks;

use std::path::Path;

fn replay(target: &str, check: impl Fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut n = 0;
    for e in entries.flatten() {
        let bytes = std::fs::read(e.path()).unwrap();
        eprintln!("{target}: {}", e.file_name().to_string_lossy());
        check(&bytes);
        n += 1;
    }
    n
}

#[test]
fn render_regressions_stay_fixed() {
    assert!(replay("render", fuzz_checks::render) > 0);
}

#[test]
fn loader_regressions_stay_fixed() {
    replay("loader", fuzz_checks::loader);
}

#[test]
fn yaml_regressions_stay_fixed() {
    replay("yaml", fuzz_checks::yaml);
}

#[test]
fn simulation_regressions_stay_fixed() {
    for (target, sim) in [
        ("sim_redis_dict", "redis-dict"),
        ("sim_redis_zset", "redis-zset"),
        ("sim_nginx_upstream", "nginx-upstream"),
        ("sim_django", "django"),
        ("sim_django_orm", "django-orm"),
    ] {
        replay(target, |b| fuzz_checks::sim_session(sim, b));
    }
}
