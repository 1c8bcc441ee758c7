//! `lurescan campaigns [FILE...]`: a feed of adverts → one row per advert in a campaign of
//! two or more (linked by shared contacts or near-duplicate text), and optionally one row
//! per campaign (`--summary`); `read N, scored M, rejected K` and the campaign count at
//! the end. Reads input exactly as `score` does.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use lurescan::bulk::{BulkOptions, Tally};
use lurescan::campaigns::{Campaign, CampaignBuilder, CampaignParams, Campaigns, SourceColumns};
use lurescan::explain::Scorer;
use lurescan::input::{self, Records};

use lurescan::output::{NamedPath, refuse_overlaps};

use super::common::{InputArgs, ModelArgs, Output, for_terminal, report_rejection, scoring_inputs};
use super::score::commit_errors;
use lurescan::output::spreadsheet_safe;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Input files (CSV with a header, or JSONL; `.gz` is read transparently). Stdin
    /// when none, or for `-`.
    files: Vec<PathBuf>,
    /// Write the advert rows here instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Output format (of the advert rows and the summary).
    #[arg(long, value_enum, default_value = "csv")]
    output_format: OutputFormat,
    /// Also write one row per campaign here: size, contacts with counts, families,
    /// probabilities, first and last date, a representative advert.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Estimated text similarity (Jaccard of shingles, 0-1) at which two adverts are one
    /// template.
    #[arg(long, value_name = "J", default_value_t = 0.5)]
    threshold: f64,
    /// Link by shared contacts only (no near-duplicate text).
    #[arg(long, conflicts_with = "no_contacts")]
    no_templates: bool,
    /// Link by near-duplicate text only (no shared contacts).
    #[arg(long)]
    no_contacts: bool,
    /// A contact in more than this share of the feed's adverts (and more than 50) is a
    /// hub and links nothing.
    #[arg(long, value_name = "SHARE", default_value_t = 0.01)]
    max_contact_share: f64,
    /// Column with the advert's country (ISO code or name), used for national phone
    /// numbers (default: `country` when the feed has it; else the location is read).
    #[arg(long, value_name = "COL")]
    country_col: Option<String>,
    /// Column with the advert's date, for a campaign's first and last date (compared as
    /// text: ISO 8601 sorts right; default: `date` when the feed has it).
    #[arg(long, value_name = "COL")]
    date_col: Option<String>,
    /// Write rejected records as CSV `record,line,id,reason` (default: report on stderr).
    #[arg(long, value_name = "FILE")]
    errors: Option<PathBuf>,
    /// Words per shingle (tuning).
    #[arg(long, default_value_t = CampaignParams::default().word_shingle, hide = true)]
    word_shingle: usize,
    /// Characters per shingle in unspaced scripts (tuning).
    #[arg(long, default_value_t = CampaignParams::default().char_shingle, hide = true)]
    char_shingle: usize,
    /// LSH bands (tuning; divides 128).
    #[arg(long, default_value_t = CampaignParams::default().bands, hide = true)]
    bands: usize,
    /// Records per parallel chunk.
    #[arg(long, default_value_t = lurescan::bulk::DEFAULT_CHUNK, hide = true)]
    chunk: usize,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    model: ModelArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    Csv,
    Jsonl,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let params = CampaignParams {
        threshold: args.threshold,
        link_templates: !args.no_templates,
        link_contacts: !args.no_contacts,
        max_contact_share: args.max_contact_share,
        word_shingle: args.word_shingle,
        char_shingle: args.char_shingle,
        bands: args.bands,
        ..CampaignParams::default()
    };
    let mut builder = CampaignBuilder::new(params).context("campaign settings")?;
    let (model, lexicon) = args.model.load()?;
    let scorer = Scorer::new(&model, lexicon.get());
    let files = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    // No output may be an input or another output (as in `score`).
    let inputs = scoring_inputs(&files, &args.model);
    let outputs: Vec<NamedPath> = [
        ("-o", &args.output),
        ("--summary", &args.summary),
        ("--errors", &args.errors),
    ]
    .into_iter()
    .filter_map(|(role, p)| p.as_deref().map(|path| NamedPath { role, path }))
    .collect();
    refuse_overlaps(&inputs, &outputs)?;
    // Every input is opened before anything is written, as in `score`.
    for path in files.iter().filter(|p| p.as_os_str() != "-") {
        std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    }
    let mut out = Output::open(args.output.as_deref())?;
    let summary = match &args.summary {
        Some(p) => Some(Output::open(Some(p))?),
        None => None,
    };
    let mut errors = match &args.errors {
        Some(p) => {
            let mut w = csv::Writer::from_writer(Output::open(Some(p))?);
            w.write_record(["record", "line", "id", "reason"])?;
            Some(w)
        }
        None => None,
    };
    // The country and date columns ride along as kept values; a column the feed lacks
    // reads as empty, which is "not known".
    let country_col = args.country_col.clone().unwrap_or_else(|| "country".into());
    let date_col = args.date_col.clone().unwrap_or_else(|| "date".into());
    let keep = vec![country_col.clone(), date_col.clone()];
    let columns = SourceColumns {
        country: Some(0),
        date: Some(1),
    };
    let opts = BulkOptions {
        chunk: args.chunk,
        explain: false,
        strict: false,
    };
    let mut tally = Tally::default();
    for path in &files {
        let mut mapping = args.input.mapping();
        mapping.keep_cols = keep.clone();
        let format = args
            .input
            .format()
            .unwrap_or_else(|| input::Format::from_path(path));
        let name = if path.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let records = Records::new(input::open(path)?, format, mapping, &name)
            .with_context(|| format!("reading {name}"))?;
        if let Records::Csv(csv) = &records {
            for (flag, col, given) in [
                ("--country-col", &country_col, args.country_col.is_some()),
                ("--date-col", &date_col, args.date_col.is_some()),
            ] {
                if given && !csv.headers().contains(col) {
                    anyhow::bail!("{name}: the header has no {flag} column {col:?}");
                }
            }
        }
        let label = (files.len() > 1).then_some(name.as_str());
        builder
            .add_source(records, &scorer, columns, opts, &mut tally, |r| {
                report_rejection(&mut errors, r, label)
            })
            .with_context(|| format!("reading {name}"))?;
    }
    let found = builder.finish();
    write_rows(&mut out, &found, args.output_format)?;
    out.commit()?;
    if let Some(mut s) = summary {
        write_summary(&mut s, &found, args.output_format)?;
        s.commit()?;
    }
    commit_errors(errors)?;
    let in_campaigns: usize = found.campaigns.iter().map(|c| c.members.len()).sum();
    eprintln!(
        "read {}, scored {}, rejected {}",
        tally.read, tally.scored, tally.rejected
    );
    eprintln!(
        "{} campaigns of 2 or more adverts, {in_campaigns} adverts in them{}",
        found.campaigns.len(),
        if found.hubs.is_empty() {
            String::new()
        } else {
            format!(
                "; {} hub contacts linked nothing (in more than {:.0}% of adverts): {}",
                found.hubs.len(),
                args.max_contact_share * 100.0,
                for_terminal(
                    &found
                        .hubs
                        .iter()
                        .take(5)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            )
        }
    );
    Ok(if tally.rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn families(c: &Campaign) -> Vec<&'static str> {
    c.families.iter().map(|f| f.id()).collect()
}

fn contacts(c: &Campaign) -> Vec<&str> {
    c.contacts.iter().map(|(name, _)| name.as_str()).collect()
}

fn round4(p: f64) -> f64 {
    (p * 1e4).round() / 1e4
}

/// One row per advert in a campaign: campaign by campaign, adverts in feed order.
fn write_rows(out: &mut dyn Write, found: &Campaigns, format: OutputFormat) -> anyhow::Result<()> {
    match format {
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "campaign",
                "id",
                "size",
                "contacts",
                "families",
                "mean_probability",
                "max_probability",
            ])?;
            for c in &found.campaigns {
                let contacts = spreadsheet_safe(&contacts(c).join(";")).into_owned();
                let families = families(c).join(";");
                let (mean, max) = (
                    format!("{:.4}", c.mean_probability),
                    format!("{:.4}", c.max_probability),
                );
                for m in &c.members {
                    w.write_record([
                        c.number.to_string().as_str(),
                        &spreadsheet_safe(&m.id),
                        &c.members.len().to_string(),
                        &contacts,
                        &families,
                        &mean,
                        &max,
                    ])?;
                }
            }
            w.flush()?;
        }
        OutputFormat::Jsonl => {
            for c in &found.campaigns {
                for m in &c.members {
                    let row = serde_json::json!({
                        "campaign": c.number,
                        "id": m.id,
                        "size": c.members.len(),
                        "contacts": contacts(c),
                        "families": families(c),
                        "mean_probability": round4(c.mean_probability),
                        "max_probability": round4(c.max_probability),
                    });
                    writeln!(out, "{row}")?;
                }
            }
        }
    }
    Ok(())
}

/// One row per campaign.
fn write_summary(
    out: &mut dyn Write,
    found: &Campaigns,
    format: OutputFormat,
) -> anyhow::Result<()> {
    let with_counts = |c: &Campaign| -> Vec<String> {
        c.contacts
            .iter()
            .map(|(name, n)| format!("{name} ({n})"))
            .collect()
    };
    match format {
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "campaign",
                "size",
                "contacts",
                "families",
                "mean_probability",
                "max_probability",
                "first_date",
                "last_date",
                "representative_id",
                "representative",
            ])?;
            for c in &found.campaigns {
                let rep = &c.members[c.representative];
                w.write_record([
                    c.number.to_string().as_str(),
                    &c.members.len().to_string(),
                    &spreadsheet_safe(&with_counts(c).join(";")),
                    &families(c).join(";"),
                    &format!("{:.4}", c.mean_probability),
                    &format!("{:.4}", c.max_probability),
                    c.first_date.as_deref().unwrap_or_default(),
                    c.last_date.as_deref().unwrap_or_default(),
                    &spreadsheet_safe(&rep.id),
                    &spreadsheet_safe(&c.representative_snippet),
                ])?;
            }
            w.flush()?;
        }
        OutputFormat::Jsonl => {
            for c in &found.campaigns {
                let rep = &c.members[c.representative];
                let row = serde_json::json!({
                    "campaign": c.number,
                    "size": c.members.len(),
                    "contacts": c.contacts.iter().map(|(name, n)| serde_json::json!({"contact": name, "adverts": n})).collect::<Vec<_>>(),
                    "families": families(c),
                    "mean_probability": round4(c.mean_probability),
                    "max_probability": round4(c.max_probability),
                    "first_date": c.first_date,
                    "last_date": c.last_date,
                    "representative_id": rep.id,
                    "representative": c.representative_snippet,
                });
                writeln!(out, "{row}")?;
            }
        }
    }
    Ok(())
}
