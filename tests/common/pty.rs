//! A pseudo-terminal session for end-to-end tests: start the real binary, send
//! keys, read the screen through a terminal emulator, and check the raw bytes.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, PtySize};

/// How long to wait for something to appear before failing.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The real binary running in a pseudo-terminal, its screen read through vt100.
pub struct Session {
    /// The process.
    pub child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    _data: tempfile::TempDir,
}

impl Session {
    pub fn start(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Session {
        let data = tempfile::tempdir().unwrap();
        Self::start_in(args, cols, rows, env, data)
    }

    pub fn start_in(
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
        data: tempfile::TempDir,
    ) -> Session {
        Self::start_wrapped(&[], args, cols, rows, env, data)
    }

    /// Start the binary through `wrapper` (a command that runs the command
    /// line after it, such as `setpriv …` or `prlimit …`; empty: directly).
    pub fn start_wrapped(
        wrapper: &[&str],
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
        data: tempfile::TempDir,
    ) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let bin = env!("CARGO_BIN_EXE_tuitor");
        let mut cmd = match wrapper.split_first() {
            Some((first, rest)) => {
                let mut c = CommandBuilder::new(first);
                c.args(rest);
                c.arg(bin);
                c
            }
            None => CommandBuilder::new(bin),
        };
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("TUITOR_DATA_DIR", data.path());
        cmd.env("XDG_CONFIG_HOME", data.path().join("config"));
        cmd.env("LANG", "zh_CN.UTF-8");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn tuitor");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p2, r2) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let _master = pair.master; // keep the pty open while reading
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        p2.lock().unwrap().process(&buf[..n]);
                        r2.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        Session {
            child,
            writer,
            parser,
            raw,
            _data: data,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out waiting for {text:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Send keys without waiting afterwards.
    pub fn send_now(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Let each key be processed and drawn before the next arrives.
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                // let the reader drain what is left
                std::thread::sleep(Duration::from_millis(200));
                return st;
            }
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!("tuitor did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// The terminal is back to normal: alternate screen left (after it was
    /// entered), cursor shown, mouse reporting off.
    pub fn assert_restored(&self) {
        let raw = self.raw();
        let find = |pat: &[u8]| raw.windows(pat.len()).rposition(|w| w == pat);
        let enter = find(b"\x1b[?1049h").expect("entered the alternate screen");
        let leave = find(b"\x1b[?1049l").expect("left the alternate screen");
        assert!(leave > enter);
        assert!(
            find(b"\x1b[?25h").is_some_and(|p| p > enter),
            "cursor shown again"
        );
        assert!(
            find(b"\x1b[?1000l").is_some_and(|p| p > enter),
            "mouse capture off"
        );
        let p = self.parser.lock().unwrap();
        assert!(
            !p.screen().alternate_screen(),
            "still in the alternate screen"
        );
        assert!(!p.screen().hide_cursor(), "cursor still hidden");
    }
}
