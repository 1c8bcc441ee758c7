//! Lexicon files: the line format, the entries read from it, and where files come from.

use std::path::Path;

use regex::Regex;

use super::{EMBEDDED_LEXICONS, Family, Lexicon};
use crate::error::{Error, Result};

/// How an entry's pattern is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternKind {
    /// A literal phrase.
    Phrase,
    /// A regular expression (Rust `regex` syntax) over normalised text.
    Regex,
}

/// One lexicon line.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LexiconEntry {
    /// The family the entry is evidence for.
    pub family: Family,
    /// Language code (the lexicon file's stem).
    pub lang: String,
    /// Phrase or regex.
    pub kind: PatternKind,
    /// The pattern as written in the file.
    pub pattern: String,
    /// What the entry catches, and where the phrasing comes from.
    pub note: String,
    /// The log-odds a match carries on its own (the optional fifth column), when the
    /// entry is a stronger or weaker tell than its family's prior.
    pub strength: Option<f32>,
}

/// The largest override lexicon file read: the biggest built-in one is under 40 KB, so
/// this is room for any real list, and a huge file (or `/dev/zero` behind a link) is
/// refused by name in bounded memory instead of filling it.
pub const MAX_LEXICON_FILE_BYTES: usize = 4 << 20;
/// The most override lexicon text read from one directory, all files together.
pub const MAX_LEXICON_BYTES: usize = 16 << 20;

/// `path` as UTF-8 text, refused as a lexicon error once it passes `cap` bytes.
fn read_capped(path: &Path, cap: usize) -> Result<String> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(cap as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > cap {
        return Err(Error::Lexicon {
            file: path.display().to_string(),
            line: 0,
            reason: format!(
                "is over {cap} bytes (a lexicon file may hold {MAX_LEXICON_FILE_BYTES}, a directory {MAX_LEXICON_BYTES} in all): refused"
            ),
        });
    }
    String::from_utf8(bytes)
        .map_err(|e| io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

impl Lexicon {
    /// The embedded lexicon files as (file name, contents) pairs.
    pub fn embedded_sources() -> Vec<(String, String)> {
        EMBEDDED_LEXICONS
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect()
    }

    /// The embedded lexicon files with each `<lang>.tsv` in `dir` added or put in place
    /// of the embedded file of the same name, as (file name, contents) pairs.
    pub fn sources_with_overrides(dir: &Path) -> Result<Vec<(String, String)>> {
        let io = |source| Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut sources = Lexicon::embedded_sources();
        let (mut found, mut total) = (0, 0);
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().is_none_or(|x| x != "tsv") {
                continue;
            }
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let text = read_capped(&path, MAX_LEXICON_FILE_BYTES.min(MAX_LEXICON_BYTES - total))?;
            total += text.len();
            // An override with no entry would silently remove the built-in lexicon of
            // its language: refused, naming the file.
            let has_entry = text.lines().any(|l| {
                let l = l.trim();
                !l.is_empty() && !l.starts_with('#')
            });
            if !has_entry {
                return Err(Error::Lexicon {
                    file: path.display().to_string(),
                    line: 0,
                    reason: "has no entries: it would replace the built-in lexicon of its name with nothing (delete the file to keep the built-in one)".into(),
                });
            }
            sources.retain(|(n, _)| *n != name);
            sources.push((name, text));
            found += 1;
        }
        if found == 0 {
            return Err(Error::Lexicon {
                file: dir.display().to_string(),
                line: 0,
                reason: "no .tsv lexicon files in this directory".into(),
            });
        }
        Ok(sources)
    }

    pub(super) fn parse_sources(
        sources: impl IntoIterator<Item = (String, String)>,
        check_regexes: bool,
    ) -> Result<Vec<LexiconEntry>> {
        let mut entries = Vec::new();
        for (file, text) in sources {
            let lang = file.trim_end_matches(".tsv").to_string();
            parse_file(&file, &lang, &text, check_regexes, &mut entries)?;
        }
        Ok(entries)
    }
}

/// Reads one lexicon file into `entries`; `check_regexes` compiles each regex to report
/// a bad one with its line (the embedded files are checked by the tests instead).
pub(super) fn parse_file(
    file: &str,
    lang: &str,
    text: &str,
    check_regexes: bool,
    entries: &mut Vec<LexiconEntry>,
) -> Result<()> {
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let bad = |reason: String| Error::Lexicon {
            file: file.to_string(),
            line: n + 1,
            reason,
        };
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            return Err(bad(format!(
                "expected family<TAB>kind<TAB>pattern<TAB>note[<TAB>strength], got {} column(s)",
                cols.len()
            )));
        }
        let family = Family::from_id(cols[0].trim())
            .ok_or_else(|| bad(format!("unknown family {:?}", cols[0])))?;
        let kind = match cols[1].trim() {
            "phrase" => PatternKind::Phrase,
            "regex" => PatternKind::Regex,
            other => return Err(bad(format!("kind must be phrase or regex, not {other:?}"))),
        };
        let pattern = cols[2].trim();
        if pattern.is_empty() {
            return Err(bad("empty pattern".into()));
        }
        if check_regexes && kind == PatternKind::Regex {
            Regex::new(pattern).map_err(|e| bad(format!("bad regex: {e}")))?;
        }
        let strength = match cols.get(4).map(|s| s.trim()) {
            None | Some("") => None,
            Some(s) => Some(parse_strength(s).map_err(bad)?),
        };
        entries.push(LexiconEntry {
            family,
            lang: lang.to_string(),
            kind,
            pattern: pattern.to_string(),
            note: cols
                .get(3)
                .map(|s| s.trim().to_string())
                .unwrap_or_default(),
            strength,
        });
    }
    Ok(())
}

/// The largest strength an entry may carry, in log-odds: enough for one specific tell to
/// flag a short post alone, not enough to outweigh everything else in a long advert.
pub const MAX_STRENGTH: f32 = 6.0;

/// Parses an entry's strength column: a log-odds number within ±[`MAX_STRENGTH`].
fn parse_strength(s: &str) -> std::result::Result<f32, String> {
    let v: f32 = s
        .parse()
        .map_err(|_| format!("strength {s:?} is not a number"))?;
    if !v.is_finite() || v.abs() > MAX_STRENGTH {
        return Err(format!(
            "strength {s} must lie within -{MAX_STRENGTH}..={MAX_STRENGTH} (log-odds)"
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_name_file_and_line() {
        let err =
            Lexicon::from_sources([("xx.tsv".into(), "# c\nnofamily\tphrase\tx\tn\n".into())])
                .expect_err("unknown family");
        let msg = err.to_string();
        assert!(msg.contains("xx.tsv") && msg.contains("line 2"), "{msg}");
    }
}
