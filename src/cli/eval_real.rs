//! `lurescan eval-real [DIR]`: the model and lexicons measured on the shared real
//! development data (quoted lure texts and genuine board adverts), held out by source.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use lurescan::lure::Lexicon;
use lurescan::realeval::{self, Collection, Rate, RealDevData, RealReport};

use super::common::ModelArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shared data directory holding `real_lures_dev/` and `genuine_sea_dev/`.
    #[arg(default_value = "../shared/data")]
    dir: PathBuf,
    /// Score with every lexicon entry, including those chosen from a text's own source
    /// (an optimistic figure, for comparison with the held-out one).
    #[arg(long)]
    no_hold_out: bool,
    /// List texts: the lures missed and genuine texts flagged (`errors`), or every text (`all`).
    #[arg(long, value_name = "WHICH", value_parser = ["errors", "all"])]
    list: Option<String>,
    /// Print JSON (every figure and every text's result, with its quoted evidence) instead of a report.
    #[arg(long)]
    json: bool,
    /// Instead of measuring, fit the lure families' weights on every text (evidence held
    /// out by source) and write them as a family-fit table (`data/family_fit.tsv`; retrain
    /// the default model afterwards).
    #[arg(long, value_name = "FILE")]
    fit_families: Option<PathBuf>,
    #[command(flatten)]
    model: ModelArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let data = RealDevData::load(&args.dir).with_context(|| {
        format!(
            "reading the real development data under {} (real_lures_dev/texts.csv, genuine_sea_dev/ads.csv, genuine_sea_dev/excerpts.csv)",
            args.dir.display()
        )
    })?;
    let (model, _) = args.model.load()?;
    let sources = match &args.model.lexicons {
        Some(dir) => Lexicon::sources_with_overrides(dir)
            .with_context(|| format!("loading lexicons from {}", dir.display()))?,
        None => Lexicon::embedded_sources(),
    };
    if let Some(path) = &args.fit_families {
        let table = realeval::fit_families(&model, &sources, &data)?;
        std::fs::write(path, table).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote {}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let report = realeval::evaluate(&model, &sources, &data, !args.no_hold_out)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write_report(&mut out, &report, args.list.as_deref())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn rate(r: &Rate) -> String {
    format!(
        "{:>4} of {:>4} = {:5.1}%  (95% CI {:.1}–{:.1}%)",
        r.flagged,
        r.n,
        100.0 * r.rate,
        100.0 * r.low,
        100.0 * r.high
    )
}

fn write_report(out: &mut impl Write, r: &RealReport, list: Option<&str>) -> std::io::Result<()> {
    writeln!(
        out,
        "verdicts at the model's threshold {:.4} (prevalence {:.3}); lexicon entries {}",
        r.threshold,
        r.prevalence,
        if r.held_out_by_source {
            format!(
                "citing a text's source left out for it ({} sources cite-held); family weights refitted in {} folds grouped by source, each fold scored with weights fitted on the others",
                r.sources_with_held_out_entries,
                r.family_weights_by_fold.len()
            )
        } else {
            "all in and the model's own family weights (NOT held out: optimistic)".to_string()
        }
    )?;
    writeln!(out, "real lures caught:")?;
    writeln!(
        out,
        "  adverts and excerpts   {}",
        rate(&r.lure_adverts_and_excerpts)
    )?;
    for (lang, by) in &r.lure_adverts_and_excerpts_by_lang {
        writeln!(out, "    {lang:<4}                 {}", rate(by))?;
    }
    writeln!(out, "  phrases                {}", rate(&r.lure_phrases))?;
    writeln!(out, "genuine texts flagged (false alarms):")?;
    writeln!(out, "  quoted genuine texts   {}", rate(&r.genuine_quoted))?;
    writeln!(out, "  board adverts          {}", rate(&r.board_adverts))?;
    writeln!(
        out,
        "    with visa/flight/housing {}",
        rate(&r.board_adverts_with_travel)
    )?;
    writeln!(out, "  board excerpts         {}", rate(&r.board_excerpts))?;
    writeln!(
        out,
        "ranking (lure adverts and excerpts against genuine board text):"
    )?;
    writeln!(
        out,
        "  vs excerpts: PR-AUC {:.3} at prevalence {}, ROC-AUC {:.3} (length alone: {:.3})",
        r.pr_auc_vs_excerpts,
        realeval::BOARD_PREVALENCE,
        r.roc_auc_vs_excerpts,
        r.length_only_roc_auc_vs_excerpts
    )?;
    writeln!(
        out,
        "  vs adverts:  ROC-AUC {:.3} (length alone: {:.3})",
        r.roc_auc_vs_adverts, r.length_only_roc_auc_vs_adverts
    )?;
    if let Some(which) = list {
        writeln!(out, "texts:")?;
        for t in &r.texts {
            let wrong = t.flagged != t.label;
            if which == "all" || wrong {
                let collection = match t.collection {
                    Collection::QuotedTexts => "quoted",
                    Collection::BoardAdverts => "board",
                    Collection::BoardExcerpts => "excerpt",
                };
                writeln!(
                    out,
                    "  {:<32} {:<7} {:<8} {} {:.4} {}{}",
                    t.id,
                    collection,
                    format!("{:?}", t.kind).to_lowercase(),
                    if t.label { "lure " } else { "ok   " },
                    t.probability,
                    t.families.join(";"),
                    if t.held_out_entries > 0 {
                        format!("  ({} entries held out)", t.held_out_entries)
                    } else {
                        String::new()
                    }
                )?;
            }
        }
    }
    Ok(())
}
