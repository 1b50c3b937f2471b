//! Languages: which ones veille knows, how each is analysed, and how an
//! article's language is detected.
//!
//! whatlang is kept behind this module's own [`Language`] type so that the
//! rest of the crate speaks ISO codes and never depends on the detector.
//! Every language that whatlang detects and Snowball stems gets its own
//! analysis chain (and index fields); the others are indexed with the
//! language-neutral chain only.

use frostem::Algorithm;
use tantivy::tokenizer::Language as StopLang;
use whatlang::Lang;

/// A language veille knows about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Language {
    /// ISO 639-1 code where one exists (`fr`, `en`), else ISO 639-3.
    pub code: &'static str,
    /// English name.
    pub name: &'static str,
    /// The whatlang language, when whatlang can detect it.
    pub detect: Option<Lang>,
    /// The Snowball stemmer, when one exists.
    pub stemmer: Option<Algorithm>,
    /// The stop-word list shipped by tantivy, when one exists.
    pub stopwords: Option<StopLang>,
}

impl Language {
    /// True when this language has its own analysis chain and fields.
    pub fn has_chain(&self) -> bool {
        self.stemmer.is_some()
    }
}

macro_rules! languages {
    ($( $code:literal, $name:literal, $wl:ident, $stem:expr, $stop:expr; )*) => {
        /// Every language whatlang detects, with its analysis resources.
        pub const LANGUAGES: &[Language] = &[
            $( Language { code: $code, name: $name, detect: Some(Lang::$wl), stemmer: $stem, stopwords: $stop }, )*
        ];
    };
}

languages! {
    "fr", "French", Fra, Some(Algorithm::French), Some(StopLang::French);
    "en", "English", Eng, Some(Algorithm::English), Some(StopLang::English);
    "de", "German", Deu, Some(Algorithm::German), Some(StopLang::German);
    "es", "Spanish", Spa, Some(Algorithm::Spanish), Some(StopLang::Spanish);
    "it", "Italian", Ita, Some(Algorithm::Italian), Some(StopLang::Italian);
    "pt", "Portuguese", Por, Some(Algorithm::Portuguese), Some(StopLang::Portuguese);
    "nl", "Dutch", Nld, Some(Algorithm::Dutch), Some(StopLang::Dutch);
    "da", "Danish", Dan, Some(Algorithm::Danish), Some(StopLang::Danish);
    "sv", "Swedish", Swe, Some(Algorithm::Swedish), Some(StopLang::Swedish);
    "nb", "Norwegian", Nob, Some(Algorithm::Norwegian), Some(StopLang::Norwegian);
    "fi", "Finnish", Fin, Some(Algorithm::Finnish), Some(StopLang::Finnish);
    "hu", "Hungarian", Hun, Some(Algorithm::Hungarian), Some(StopLang::Hungarian);
    "ru", "Russian", Rus, Some(Algorithm::Russian), Some(StopLang::Russian);
    "tr", "Turkish", Tur, Some(Algorithm::Turkish), None;
    "ro", "Romanian", Ron, Some(Algorithm::Romanian), None;
    "pl", "Polish", Pol, Some(Algorithm::Polish), None;
    "cs", "Czech", Ces, Some(Algorithm::Czech), None;
    "el", "Greek", Ell, Some(Algorithm::Greek), None;
    "lt", "Lithuanian", Lit, Some(Algorithm::Lithuanian), None;
    "et", "Estonian", Est, Some(Algorithm::Estonian), None;
    "ca", "Catalan", Cat, Some(Algorithm::Catalan), None;
    "sr", "Serbian", Srp, Some(Algorithm::Serbian), None;
    "id", "Indonesian", Ind, Some(Algorithm::Indonesian), None;
    "ar", "Arabic", Ara, Some(Algorithm::Arabic), None;
    "fa", "Persian", Pes, Some(Algorithm::Persian), None;
    "hi", "Hindi", Hin, Some(Algorithm::Hindi), None;
    "ne", "Nepali", Nep, Some(Algorithm::Nepali), None;
    "ta", "Tamil", Tam, Some(Algorithm::Tamil), None;
    "hy", "Armenian", Hye, Some(Algorithm::Armenian), None;
    "eo", "Esperanto", Epo, Some(Algorithm::Esperanto), None;
    "yi", "Yiddish", Yid, Some(Algorithm::Yiddish), None;
    "zh", "Chinese", Cmn, None, None;
    "ja", "Japanese", Jpn, None, None;
    "ko", "Korean", Kor, None, None;
    "uk", "Ukrainian", Ukr, None, None;
    "bg", "Bulgarian", Bul, None, None;
    "be", "Belarusian", Bel, None, None;
    "mk", "Macedonian", Mkd, None, None;
    "hr", "Croatian", Hrv, None, None;
    "sl", "Slovenian", Slv, None, None;
    "sk", "Slovak", Slk, None, None;
    "lv", "Latvian", Lav, None, None;
    "he", "Hebrew", Heb, None, None;
    "bn", "Bengali", Ben, None, None;
    "ka", "Georgian", Kat, None, None;
    "am", "Amharic", Amh, None, None;
    "jv", "Javanese", Jav, None, None;
    "mr", "Marathi", Mar, None, None;
    "kn", "Kannada", Kan, None, None;
    "vi", "Vietnamese", Vie, None, None;
    "ur", "Urdu", Urd, None, None;
    "th", "Thai", Tha, None, None;
    "gu", "Gujarati", Guj, None, None;
    "uz", "Uzbek", Uzb, None, None;
    "pa", "Punjabi", Pan, None, None;
    "az", "Azerbaijani", Aze, None, None;
    "te", "Telugu", Tel, None, None;
    "ml", "Malayalam", Mal, None, None;
    "or", "Oriya", Ori, None, None;
    "my", "Burmese", Mya, None, None;
    "si", "Sinhala", Sin, None, None;
    "km", "Khmer", Khm, None, None;
    "tk", "Turkmen", Tuk, None, None;
    "ak", "Akan", Aka, None, None;
    "zu", "Zulu", Zul, None, None;
    "sn", "Shona", Sna, None, None;
    "af", "Afrikaans", Afr, None, None;
    "la", "Latin", Lat, None, None;
    "tl", "Tagalog", Tgl, None, None;
    "cy", "Welsh", Cym, None, None;
}

/// The languages that have their own analysis chain, in table order.
pub fn chained() -> impl Iterator<Item = &'static Language> {
    LANGUAGES.iter().filter(|l| l.has_chain())
}

/// Finds a language by ISO 639-1 or 639-3 code, a regional tag (`fr-FR`,
/// `en_GB`) or its English name, case-insensitively.
pub fn lookup(tag: &str) -> Option<&'static Language> {
    let tag = tag.trim();
    let primary = tag
        .split(['-', '_'])
        .next()
        .unwrap_or(tag)
        .to_ascii_lowercase();
    if primary.is_empty() {
        return None;
    }
    LANGUAGES.iter().find(|l| {
        l.code == primary
            || l.name.eq_ignore_ascii_case(tag)
            || l.detect.is_some_and(|w| w.code() == primary)
            || (primary == "no" && l.code == "nb")
            || (primary == "fra" && l.code == "fr")
            || (primary == "fre" && l.code == "fr")
            || (primary == "ger" && l.code == "de")
    })
}

/// Minimum bytes of text for detection to be attempted; shorter text is too
/// ambiguous (the same choice as sonic and charabia make).
pub const MIN_DETECT_BYTES: usize = 20;
/// Detection reads at most this many bytes of title and body: trigram
/// statistics settle long before, and a bound keeps huge articles cheap.
pub const DETECT_SAMPLE_BYTES: usize = 1024;

/// Lowest detector confidence accepted. whatlang's own `is_reliable` asks
/// for more than 0.9, which rejects many genuine but short news texts; below
/// this bound the default language applies.
pub const MIN_CONFIDENCE: f64 = 0.5;

/// The outcome of language identification for one article.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// The language chosen, `None` for language-neutral analysis.
    pub language: Option<&'static Language>,
    /// Detector confidence in 0..=1; 1.0 when the source declared the language,
    /// 0.0 when the text was too short to try, and the detector's (low)
    /// confidence when it was not trusted.
    pub confidence: f64,
    /// How the language was decided.
    pub method: DetectionMethod,
}

/// How a [`Detection`] was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetectionMethod {
    /// The source declared a language that veille knows.
    Declared,
    /// whatlang identified the language reliably.
    Detected,
    /// Text too short or detection unreliable: the default language applies.
    Fallback,
}

impl Detection {
    /// The stored language code: the language's code, or `und` (undetermined).
    pub fn code(&self) -> &'static str {
        self.language.map_or("und", |l| l.code)
    }
}

/// Decides the language of an article from its declared language (which
/// wins when veille knows it) or from a bounded sample of its text.
pub fn detect(
    declared: Option<&str>,
    title: &str,
    body: &str,
    default: Option<&'static Language>,
) -> Detection {
    if let Some(lang) = declared.and_then(lookup) {
        return Detection {
            language: Some(lang),
            confidence: 1.0,
            method: DetectionMethod::Declared,
        };
    }
    let mut sample = String::with_capacity(DETECT_SAMPLE_BYTES + 1);
    sample.push_str(truncate_at_char(title, DETECT_SAMPLE_BYTES / 4));
    sample.push('\n');
    let room = DETECT_SAMPLE_BYTES.saturating_sub(sample.len());
    sample.push_str(truncate_at_char(body, room));
    let fallback = Detection {
        language: default,
        confidence: 0.0,
        method: DetectionMethod::Fallback,
    };
    if sample.trim().len() < MIN_DETECT_BYTES {
        return fallback;
    }
    let Some(info) = whatlang::detect(&sample) else {
        return fallback;
    };
    let language = LANGUAGES.iter().find(|l| l.detect == Some(info.lang()));
    match language {
        Some(language) if info.confidence() >= MIN_CONFIDENCE => Detection {
            language: Some(language),
            confidence: info.confidence(),
            method: DetectionMethod::Detected,
        },
        _ => Detection {
            confidence: info.confidence(),
            ..fallback
        },
    }
}

/// The language of an article: declared, or detected from its title and
/// body (its lead when the body is empty).
pub fn detect_article(article: &crate::Article, default: Option<&'static Language>) -> Detection {
    let title = article.title.as_deref().unwrap_or("");
    let text = if article.body.trim().is_empty() {
        article.lead.as_deref().unwrap_or("")
    } else {
        &article.body
    };
    detect(article.lang.as_deref(), title, text, default)
}

/// Paragraphs sampled to find the other languages of a mixed article.
const PARAGRAPH_SAMPLES: usize = 4;
/// Shortest paragraph worth a detection of its own, in bytes.
const MIN_PARAGRAPH_BYTES: usize = 100;
/// Bytes of each sampled paragraph given to the detector.
const PARAGRAPH_SAMPLE_BYTES: usize = 384;

/// Languages other than `main` in which whole paragraphs of `body` are
/// written (an interview quoted in English inside a French story). Up to
/// [`PARAGRAPH_SAMPLES`] paragraphs, spread over the text, are detected on
/// their own; only languages with an analysis chain count.
pub fn other_languages(body: &str, main: Option<&'static Language>) -> Vec<&'static Language> {
    let paragraphs: Vec<&str> = body
        .split("\n\n")
        .flat_map(|p| p.split('\n'))
        .map(str::trim)
        .filter(|p| p.len() >= MIN_PARAGRAPH_BYTES)
        .collect();
    let mut out: Vec<&'static Language> = Vec::new();
    if paragraphs.len() < 2 && main.is_some() {
        return out;
    }
    let step = paragraphs.len().div_ceil(PARAGRAPH_SAMPLES).max(1);
    for p in paragraphs.iter().step_by(step) {
        let d = detect(None, "", truncate_at_char(p, PARAGRAPH_SAMPLE_BYTES), None);
        if let Some(l) = d.language {
            if l.has_chain() && Some(l) != main && !out.contains(&l) {
                out.push(l);
            }
        }
    }
    out
}

/// The longest prefix of `text` of at most `max` bytes that ends on a char boundary.
pub fn truncate_at_char(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_accepts_codes_tags_and_names() {
        assert_eq!(lookup("fr").unwrap().code, "fr");
        assert_eq!(lookup("fr-FR").unwrap().code, "fr");
        assert_eq!(lookup("en_GB").unwrap().code, "en");
        assert_eq!(lookup("fra").unwrap().code, "fr");
        assert_eq!(lookup("German").unwrap().code, "de");
        assert_eq!(lookup("no").unwrap().code, "nb");
        assert!(lookup("xx").is_none());
        assert!(lookup("").is_none());
    }

    #[test]
    fn every_chained_language_is_detectable_and_stems() {
        assert!(chained().count() >= 30);
        for l in chained() {
            assert!(l.detect.is_some() && l.stemmer.is_some(), "{}", l.code);
        }
    }

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = LANGUAGES.iter().map(|l| l.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), LANGUAGES.len());
    }

    #[test]
    fn detects_french_and_english_and_falls_back_on_short_text() {
        let fr = detect(
            None,
            "",
            "Le gouvernement a annoncé hier une nouvelle stratégie pour l’intelligence artificielle.",
            None,
        );
        assert_eq!(fr.code(), "fr");
        assert_eq!(fr.method, DetectionMethod::Detected);
        let en = detect(
            None,
            "",
            "The company said on Tuesday that its new chips would ship to customers next year.",
            None,
        );
        assert_eq!(en.code(), "en");
        let short = detect(None, "", "OK", None);
        assert_eq!(short.code(), "und");
        assert_eq!(short.method, DetectionMethod::Fallback);
        let declared = detect(Some("de-DE"), "", "whatever text", None);
        assert_eq!(declared.code(), "de");
        assert_eq!(declared.confidence, 1.0);
    }

    #[test]
    fn other_languages_of_a_mixed_article() {
        let fr = "Le gouvernement a présenté mardi une feuille de route pour les centres de données, avec des aides à la rénovation des réseaux de chaleur et un calendrier précis.";
        let en = "The minister told reporters that the companies building data centres would have to publish their energy consumption every year, starting next spring.";
        let body = format!("{fr}\n\n{en}\n\n{fr}");
        let main = lookup("fr");
        let others: Vec<_> = other_languages(&body, main)
            .iter()
            .map(|l| l.code)
            .collect();
        assert_eq!(others, vec!["en"]);
        let only_fr = format!("{fr}\n\n{fr}");
        assert!(other_languages(&only_fr, main).is_empty());
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        assert_eq!(truncate_at_char("é", 1), "");
        assert_eq!(truncate_at_char("abc", 10), "abc");
    }
}
