//! SIGINT and SIGTERM: an interrupted run ends without leaving a plausible partial
//! output file, or a temporary one. The first signal asks the run to stop: bulk work
//! checks [`check`] between chunks and returns [`Error::Interrupted`], so the command
//! prints its counts and drops its unfinished outputs (removing their temporary files)
//! as on any fatal error. A run that cannot stop there (blocked on a read, inside a
//! model fit) is ended by the handler after a grace period, or at a second signal, once
//! it has removed the temporary files itself ([`crate::output::remove_pending`]).
//! Exit codes follow the shell's: 130 for SIGINT, 143 for SIGTERM.

use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::error::{Error, Result};

/// The signal received, or 0.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// How long a run may take to stop by itself after the first signal.
const GRACE: Duration = Duration::from_secs(3);

/// Installs the handler (once, at the start of a command that writes files).
pub fn install() -> Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM]).map_err(|source| Error::Io {
        path: "<signal handler>".into(),
        source,
    })?;
    std::thread::spawn(move || {
        let Some(first) = signals.forever().next() else {
            return;
        };
        RECEIVED.store(first, Ordering::SeqCst);
        // A second signal, or the end of the grace period, ends the run from here.
        let start = Instant::now();
        while start.elapsed() < GRACE && signals.pending().next().is_none() {
            std::thread::sleep(Duration::from_millis(50));
        }
        crate::output::remove_pending();
        eprintln!(
            "lurescan: interrupted ({}); no output file written",
            name(first)
        );
        std::process::exit(exit_code(first).into());
    });
    Ok(())
}

/// `Err(Error::Interrupted)` once a signal has arrived.
pub fn check() -> Result<()> {
    match RECEIVED.load(Ordering::Relaxed) {
        0 => Ok(()),
        signal => Err(Error::Interrupted {
            signal: name(signal),
            code: exit_code(signal),
        }),
    }
}

fn name(signal: i32) -> &'static str {
    if signal == SIGTERM {
        "SIGTERM"
    } else {
        "SIGINT"
    }
}

/// 128 + the signal number, as shells report a process a signal ended.
fn exit_code(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(130)
}
