//! `lurescan check [TEXT]`: one advert (argument or stdin) → a readable report, or JSON.

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::Context;

use lurescan::ad::Ad;
use lurescan::explain::{Explanation, Scorer};

use super::common::{ModelArgs, for_terminal};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The advert's text (read from stdin when absent).
    text: Option<String>,
    /// Print JSON instead of a report.
    #[arg(long)]
    json: bool,
    /// Largest accepted advert in bytes; a larger one is refused (as `score` rejects a
    /// larger field).
    #[arg(long, value_name = "BYTES", default_value_t = lurescan::input::DEFAULT_MAX_FIELD_BYTES)]
    max_field_bytes: usize,
    #[command(flatten)]
    model: ModelArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let limit = args.max_field_bytes;
    let too_long = || {
        anyhow::anyhow!(
            "the advert is over the {limit}-byte limit (--max-field-bytes); it is not cut \
             short, as a cut advert would be judged on text nobody reviewed"
        )
    };
    let text = match args.text {
        Some(t) if t.len() > limit => return Err(too_long()),
        Some(t) => t,
        None => {
            // One byte past the limit tells "over" from "at": stdin is never read whole.
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(limit as u64 + 1)
                .read_to_end(&mut bytes)
                .context("reading the advert from stdin")?;
            if bytes.len() > limit {
                return Err(too_long());
            }
            String::from_utf8(bytes).context("reading the advert from stdin")?
        }
    };
    if text.trim().is_empty() {
        anyhow::bail!("the advert is empty: give its text as an argument or on stdin");
    }
    let (model, lexicon) = args.model.load()?;
    let scorer = Scorer::new(&model, lexicon.get());
    let why = scorer.explain(&Ad::from_text("text", text));
    let mut out = std::io::stdout().lock();
    if args.json {
        out.write_all(why.to_check_json().as_bytes())?;
    } else {
        write_report(&mut out, &why)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Evidence lines the report prints at most: a reader stops long before, and an advert
/// repeating one phrase a thousand times would otherwise print a thousand lines.
const MAX_REPORTED_LURES: usize = 100;

fn write_report(out: &mut impl Write, why: &Explanation) -> std::io::Result<()> {
    let verdict = match why.verdict {
        lurescan::model::Verdict::Lure => "LURE",
        lurescan::model::Verdict::Ok => "ok",
    };
    writeln!(
        out,
        "verdict: {verdict}   probability {:.3} (threshold {:.3}, assuming {:.1}% of adverts are lures)",
        why.probability,
        why.threshold,
        why.prevalence * 100.0
    )?;
    writeln!(out, "language: {}", why.lang.unwrap_or("unknown"))?;
    if why.lures.is_empty() {
        writeln!(out, "\nno lure evidence found")?;
    } else {
        writeln!(out, "\nevidence:")?;
        for l in why.lures.iter().take(MAX_REPORTED_LURES) {
            match (l.field, &l.text, l.start, l.end) {
                (Some(f), Some(text), Some(start), Some(end)) => write!(
                    out,
                    "  {:<15} \"{}\"  ({} {start}..{end}; {})",
                    l.family.id(),
                    for_terminal(text),
                    f.name(),
                    l.matched_by
                )?,
                _ => write!(
                    out,
                    "  {:<15} (whole advert; {})",
                    l.family.id(),
                    l.matched_by
                )?,
            }
            if let Some(d) = &l.detail {
                write!(out, "\n  {:<15} {}", "", for_terminal(d))?;
            }
            writeln!(out)?;
        }
        if why.lures.len() > MAX_REPORTED_LURES {
            writeln!(
                out,
                "  … and {} more (--json lists them all)",
                why.lures.len() - MAX_REPORTED_LURES
            )?;
        }
    }
    writeln!(
        out,
        "\nwhat moved the score (log-odds, before calibration):"
    )?;
    for f in &why.families {
        writeln!(
            out,
            "  {:<15} {:+.2}  (expert prior {:+.2}, EMSCAD {:+.2}, real lures {:+.2}) {}",
            f.family.id(),
            f.total(),
            f.prior,
            f.fitted,
            f.real,
            f.family.describe()
        )?;
    }
    // The default model gives metadata no weight; a retrained one may.
    if why.metadata_part != 0.0 {
        writeln!(out, "  {:<15} {:+.2}", "metadata", why.metadata_part)?;
    }
    writeln!(
        out,
        "  {:<15} {:+.2}  (against an advert whose words the model does not know)",
        "text", why.text_part
    )?;
    if !why.top_terms.is_empty() {
        let terms: Vec<String> = why
            .top_terms
            .iter()
            .map(|t| format!("{} {:+.2}", for_terminal(&t.term), t.weight))
            .collect();
        writeln!(out, "  top terms: {}", terms.join(", "))?;
    }
    Ok(())
}
