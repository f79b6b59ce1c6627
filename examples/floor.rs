//! The floor for start-up benchmarks: the smallest useful ratatui program. It
//! enters the alternate screen, draws one bordered line, and quits on any key.
//! `scripts/bench-startup` measures tuitor against it in the same run.

use crossterm::event::{self, Event};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Terminal;

fn main() -> std::io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(std::io::stdout(), EnterAlternateScreen, cursor::Hide)?;
    let mut term = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    term.draw(|f| {
        let p = Paragraph::new("floor ready").block(Block::default().borders(Borders::ALL));
        f.render_widget(p, f.area());
    })?;
    loop {
        if let Event::Key(_) = event::read()? {
            break;
        }
    }
    execute!(std::io::stdout(), LeaveAlternateScreen, cursor::Show)?;
    terminal::disable_raw_mode()
}
