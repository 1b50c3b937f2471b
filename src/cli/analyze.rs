//! `veille analyze`: the tokens an analysis chain makes of a text, to see
//! why a word does or does not match; with `--translate`, what a query's
//! words are also searched as in other languages.

use std::io::{self, BufRead, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use veille::analysis;
use veille::analysis::lang;
use veille::search::query;
use veille::search::translate::{self, Vocabulary};

use super::Outcome;

/// `--lang` for the language-neutral chain.
const NEUTRAL: &str = "neutral";
/// `--lang` for the exact chain (tech names kept whole), as queries run it.
const EXACT: &str = "exact";

/// The chain `--lang` asks for.
#[derive(Debug, Clone, Copy)]
enum Forced {
    /// A language's chain; `None` for the neutral one.
    Language(Option<&'static lang::Language>),
    Exact,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Use this chain: a language's (its ISO code), `neutral`, or `exact`
    /// (tech names kept whole) [default: the detected language's].
    #[arg(long, value_name = "CHAIN")]
    pub lang: Option<String>,
    /// Also detect the language and show the confidence.
    #[arg(long)]
    pub detect: bool,
    /// One JSON object per input.
    #[arg(long)]
    pub json: bool,
    /// Show what the text, read as a query, is also searched as: the
    /// translations of its words and phrases.
    #[arg(long, conflicts_with_all = ["lang", "detect"])]
    pub translate: bool,
    /// With --translate, also translate with the terms of FILE.
    #[arg(long, value_name = "FILE", requires = "translate")]
    pub glossary: Option<PathBuf>,
    /// The text; `-` reads one text per line from standard input.
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
}

pub fn run(args: AnalyzeArgs) -> anyhow::Result<Outcome> {
    let forced = match args.lang.as_deref().map(str::trim) {
        Some(name) if name.eq_ignore_ascii_case(EXACT) => Some(Forced::Exact),
        Some(name) if name.eq_ignore_ascii_case(NEUTRAL) || name == "und" => {
            Some(Forced::Language(None))
        }
        Some(code) => {
            let language = lang::lookup(code).with_context(|| {
                let chains: Vec<&str> = lang::chained().map(|l| l.code).collect();
                format!(
                    "--lang: unknown chain {code:?}; the chains are {}, {NEUTRAL} and {EXACT}",
                    chains.join(", ")
                )
            })?;
            Some(Forced::Language(Some(language)))
        }
        None => None,
    };
    let inputs: Vec<String> = if args.text.len() == 1 && args.text[0] == "-" {
        io::stdin()
            .lock()
            .lines()
            .collect::<Result<_, _>>()
            .context("reading standard input")?
    } else {
        vec![args.text.join(" ")]
    };
    let mut out = io::stdout().lock();
    if args.translate {
        let vocabulary = match &args.glossary {
            Some(path) => Vocabulary::builtin()
                .with_glossary(path)
                .context("--glossary")?,
            None => Vocabulary::builtin().as_ref().clone(),
        };
        for text in inputs {
            let spans = vocabulary.expand(&query::parse(&text), &|_, _| true);
            let terms = translate::translated(&spans);
            if args.json {
                let value = serde_json::json!({ "query": text, "translated": terms });
                serde_json::to_writer(&mut out, &value)?;
                writeln!(out)?;
            } else if terms.is_empty() {
                writeln!(out, "{text:?}: no translation")?;
            } else {
                for t in &terms {
                    let note = if t.ambiguous { ", ambiguous" } else { "" };
                    writeln!(out, "{} → {} ({}{note})", t.from, t.to, t.lang)?;
                }
            }
        }
        return Ok(Outcome::Done);
    }
    for text in inputs {
        let detection = lang::detect(None, "", &text, None);
        let language = match forced {
            Some(Forced::Language(l)) => l,
            _ => detection.language,
        };
        let chain = language.filter(|l| l.has_chain());
        let (chain_code, chain_label, mut analyzer) = match forced {
            Some(Forced::Exact) => (EXACT.to_string(), EXACT.to_string(), analysis::exact()),
            _ => (
                chain.map_or(NEUTRAL.to_string(), |l| l.code.to_string()),
                chain.map_or(NEUTRAL.to_string(), |l| format!("{} ({})", l.code, l.name)),
                analysis::analyzer(chain),
            ),
        };
        let tokens = analysis::analyze(&mut analyzer, &text);
        let show_detection = args.detect || forced.is_none();
        if args.json {
            let value = serde_json::json!({
                "lang": lang::code_of(language),
                "confidence": if show_detection { Some(detection.confidence) } else { None },
                "detected": if show_detection { Some(detection.code()) } else { None },
                "chain": chain_code,
                "tokens": tokens.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
            });
            serde_json::to_writer(&mut out, &value)?;
            writeln!(out)?;
        } else {
            if show_detection {
                writeln!(
                    out,
                    "detected: {} (confidence {:.2})",
                    detection.code(),
                    detection.confidence
                )?;
            }
            writeln!(out, "chain: {chain_label}")?;
            for t in &tokens {
                writeln!(
                    out,
                    "{:>4}  {:<24} {}..{}  {}",
                    t.position,
                    t.text,
                    t.offset_from,
                    t.offset_to,
                    &text[t.offset_from..t.offset_to]
                )?;
            }
        }
    }
    Ok(Outcome::Done)
}
