//! Embeds every file under `content/` into the binary, so `tuitor` works with no
//! arguments, and the simulation engines' sources, so the simulation screen can
//! show the code that ran. Generates `$OUT_DIR/embedded.rs` with sorted lists of
//! `(path, text)` pairs.

use std::path::Path;

fn walk(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if let Some(s) = p.to_str() {
            out.push(s.replace('\\', "/"));
        }
    }
}

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let content = Path::new(&root).join("content");
    println!("cargo:rerun-if-changed=content");
    let mut files = Vec::new();
    walk(&content, &mut files);
    files.sort();
    let mut code = String::from("/// Files under `content/`, embedded at build time.\npub static EMBEDDED: &[(&str, &str)] = &[\n");
    for f in &files {
        let rel = f
            .strip_prefix(&format!("{}/", root.replace('\\', "/")))
            .unwrap_or(f);
        println!("cargo:rerun-if-changed={f}");
        code.push_str(&format!("    ({rel:?}, include_str!({f:?})),\n"));
    }
    code.push_str("];\n");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("embedded.rs"), code).expect("write embedded.rs");

    // The simulation engines' own source, so the simulation screen can show the
    // line that produced each event. Keys match `file!()` (`src/sim/...`).
    let mut sources = Vec::new();
    walk(&Path::new(&root).join("src/sim"), &mut sources);
    sources.retain(|f| f.ends_with(".rs"));
    sources.sort();
    let mut code = String::new();
    code.push_str("/// The simulation engines' source files, embedded at build time.\npub static SIM_SOURCES: &[(&str, &str)] = &[\n");
    for f in &sources {
        let rel = f
            .strip_prefix(&format!("{}/", root.replace('\\', "/")))
            .unwrap_or(f);
        println!("cargo:rerun-if-changed={f}");
        code.push_str(&format!("    ({rel:?}, include_str!({f:?})),\n"));
    }
    code.push_str("];\n");
    std::fs::write(out.join("sim_sources.rs"), code).expect("write sim_sources.rs");
}
