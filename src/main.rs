//! The `tuitor` binary: parse the command line and dispatch.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use tuitor::cli::{self, Cli, Command};
use tuitor::i18n::Lang;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`tuitor list | head`) is the reader's choice, not an error.
            let broken_pipe = e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            tuitor::tui::restore();
            // Errors can quote a file name or a config text: show no escapes.
            let msg = format!("{e:#}");
            eprintln!(
                "tuitor: {}",
                tuitor::content::sanitize::clean_with(&msg, 4, true)
            );
            ExitCode::from(1)
        }
    }
}

fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// Open the TUI (in quiz mode when `quiz` is given).
fn run_tui(
    args: &Cli,
    config: tuitor::config::Config,
    config_problem: Option<String>,
    lang: Lang,
    quiz: Option<tuitor::quiz::schedule::Options>,
    open_sim: Option<(String, Option<String>, u64)>,
) -> anyhow::Result<()> {
    // Browsing the user's notes starts at once and loads them in the
    // background; a quiz or a simulation needs them all first.
    let background = quiz.is_none() && open_sim.is_none();
    let (lib, pending) = if background {
        (tuitor::content::Library::default(), args.notes.clone())
    } else {
        (cli::load_library(&args.notes, false), Vec::new())
    };
    let embedded_later = background && args.notes.is_empty();
    let dir = tuitor::store::data_dir(args.data_dir.as_deref());
    let store = tuitor::store::Store::open(dir.as_deref());
    tuitor::tui::run(
        lib,
        pending,
        store,
        tuitor::tui::Options {
            lang,
            theme: args
                .theme
                .clone()
                .or(config.theme)
                .unwrap_or_else(|| "dark".into()),
            source: cli::source_name(&args.notes),
            keys: config.keys,
            message: config_problem,
            quiz,
            open_sim,
            embedded_later,
        },
    )
}

fn run() -> anyhow::Result<ExitCode> {
    let args = Cli::try_parse().unwrap_or_else(|e| {
        use clap::error::ErrorKind;
        if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
            e.exit();
        }
        // A usage error quotes the arguments: show no escapes from them.
        let msg = e.to_string();
        eprint!("{}", tuitor::content::sanitize::clean_with(&msg, 4, true));
        std::process::exit(2);
    });
    let (config, config_problem) = tuitor::config::load();
    let lang = args.lang.or(config.lang).unwrap_or_else(Lang::from_env);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let ok = |b: bool| {
        if b {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    };
    match args.command {
        None => {
            drop(out);
            run_tui(&args, config, config_problem, lang, None, None)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Quiz {
            ref topic,
            limit,
            cram,
            shuffle,
            new_limit,
            seed,
        }) => {
            drop(out);
            let opts = tuitor::quiz::schedule::Options {
                topic: topic.clone(),
                limit,
                cram,
                shuffle: shuffle.then(|| seed.unwrap_or_else(clock_seed)),
                new_limit,
                seed,
            };
            run_tui(&args, config, config_problem, lang, Some(opts), None)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Stats { json }) => {
            let lib = cli::load_library(&args.notes, false);
            let dir = tuitor::store::data_dir(args.data_dir.as_deref());
            let store = tuitor::store::Store::open(dir.as_deref());
            cli::stats_cmd(&lib, &store, json, lang, &mut out)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::List { json }) => {
            let lib = cli::load_library(&args.notes, true);
            cli::list(&lib, json, &mut out)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Show { topic, width }) => {
            let lib = cli::load_library(&args.notes, true);
            cli::show(&lib, &topic, width, &mut out)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Search { query, json, limit }) => {
            let lib = cli::load_library(&args.notes, true);
            let n = cli::search_cmd(&lib, &query, json, limit, &mut out)?;
            Ok(ok(n > 0))
        }
        Some(Command::Check { paths }) => {
            let errors = cli::check(&paths, &mut out)?;
            Ok(ok(!errors))
        }
        Some(Command::Sim { list: true, .. }) => {
            cli::sim_list(&mut out)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Sim {
            name: Some(ref name),
            ref preset,
            seed,
            tui: true,
            list: false,
            ..
        }) => {
            let (name, preset) = (name.clone(), preset.clone());
            tuitor::sim::find(&name).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown simulation {:?}; known: {}",
                    tuitor::content::sanitize::cleaned(&name),
                    tuitor::sim::known_names().join(", ")
                )
            })?;
            drop(out);
            run_tui(
                &args,
                config,
                config_problem,
                lang,
                None,
                Some((name, preset, seed)),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Sim {
            name,
            config: cfg,
            cmd,
            script,
            seed,
            json,
            preset,
            list: false,
            picture,
            step,
            width,
            height,
            ..
        }) => {
            let name = name.unwrap_or_default();
            let info = tuitor::sim::find(&name);
            let mut commands = Vec::new();
            let mut config_text = match &cfg {
                Some(p) => Some(
                    tuitor::content::load::read_text_limited(p, 1024 * 1024)
                        .map_err(|e| anyhow::anyhow!("cannot read config {}: {e}", p.display()))?,
                ),
                None => None,
            };
            if let (Some(p), Some(info)) = (&preset, info) {
                let pr = info.preset(p)?;
                if config_text.is_none() {
                    config_text = pr.config.map(String::from);
                }
                commands.extend(tuitor::sim::split_commands(pr.script));
            }
            for c in &cmd {
                commands.extend(tuitor::sim::split_commands(c));
            }
            if let Some(s) = &script {
                commands.extend(cli::read_script(s)?);
            }
            let sim_args = cli::SimArgs {
                name: &name,
                config: config_text,
                commands,
                seed,
                json,
                lang,
            };
            let all_ok = if picture {
                let pic = cli::PictureArgs {
                    step,
                    width,
                    height,
                };
                cli::sim_picture(sim_args, pic, &mut out)?
            } else {
                cli::sim_cmd(sim_args, &mut out)?
            };
            out.flush()?;
            Ok(ok(all_ok))
        }
    }
}
