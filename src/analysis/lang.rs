//! Languages: which ones veille knows, what is known about each, and how
//! an article's language is detected.
//!
//! Each language is described once, in [`LANGUAGES`]: its codes and name,
//! its whatlang detector, its Snowball stemmer, its stop words, the articles
//! it elides, and the OpenSearch names that rebuild its chain. The analysis
//! chains and the OpenSearch export both read that entry, so adding a
//! language is adding one entry.
//!
//! whatlang is kept behind this module's own [`Language`] type so that the
//! rest of the crate speaks ISO codes and never depends on the detector.
//! Every language that whatlang detects and Snowball stems gets its own
//! analysis chain (and index fields); the others are indexed with the
//! language-neutral chain only.
//!
//! Detection first asks a cheap vote of stop words ([`vote`]), and calls
//! whatlang only when the vote is not clear.

pub mod vote;

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
    /// The whatlang language that detects it.
    pub detect: Lang,
    /// Other tags that name it (`no` for Norwegian Bokmål, the bibliographic
    /// `fre` and `ger`), besides its code, its whatlang code and its name.
    pub aliases: &'static [&'static str],
    /// The Snowball stemmer, when one exists: the language then has its own
    /// analysis chain.
    pub stemmer: Option<Algorithm>,
    /// The stop-word list shipped by tantivy (taken from Snowball), when
    /// the chain removes stop words.
    pub stopwords: Option<StopLang>,
    /// The articles and pronouns its chain strips when an apostrophe glues
    /// them to the next word (`l’avion`), lowercase and without the
    /// apostrophe; empty for the languages that do not elide.
    pub elisions: &'static [&'static str],
    /// How OpenSearch rebuilds its chain.
    pub opensearch: OpenSearchNames,
}

/// The names under which OpenSearch (and Elasticsearch) know a language's
/// built-in analysis parts, for the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OpenSearchNames {
    /// The stemmer, `None` when OpenSearch ships none (the export then does
    /// without stemming).
    pub stemmer: Option<OpenSearchStemmer>,
    /// The predefined stop-word list matching [`Language::stopwords`]
    /// (`_french_`).
    pub stop_words: Option<&'static str>,
    /// The `language` of a `lowercase` filter of its own, for a stemmer that
    /// needs it (Greek: Lucene's Greek lowercasing also drops the tonos).
    pub lowercase: Option<&'static str>,
}

/// An OpenSearch stemmer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpenSearchStemmer {
    /// The `snowball` filter with this `language`: the same algorithm as
    /// veille's (Lucene's generated copy of it).
    Snowball(&'static str),
    /// The `stemmer` filter with this `language`: a Lucene stemmer that is
    /// not Snowball's algorithm.
    Lucene(&'static str),
}

impl Language {
    /// True when this language has its own analysis chain and fields.
    pub fn has_chain(&self) -> bool {
        self.stemmer.is_some()
    }

    /// A language that whatlang detects, analysed by the neutral chain
    /// until it gets a stemmer.
    const fn new(code: &'static str, name: &'static str, detect: Lang) -> Language {
        Language {
            code,
            name,
            detect,
            aliases: &[],
            stemmer: None,
            stopwords: None,
            elisions: &[],
            opensearch: OpenSearchNames {
                stemmer: None,
                stop_words: None,
                lowercase: None,
            },
        }
    }

    /// Stemmed by Snowball's `algorithm` in veille and by `opensearch`
    /// there.
    const fn stemmed(
        mut self,
        algorithm: Algorithm,
        opensearch: Option<OpenSearchStemmer>,
    ) -> Self {
        self.stemmer = Some(algorithm);
        self.opensearch.stemmer = opensearch;
        self
    }

    /// Stop words removed: tantivy's `list` in veille, the predefined
    /// `opensearch` list (the same Snowball list) there.
    const fn stop_words(mut self, list: StopLang, opensearch: &'static str) -> Self {
        self.stopwords = Some(list);
        self.opensearch.stop_words = Some(opensearch);
        self
    }

    const fn elides(mut self, articles: &'static [&'static str]) -> Self {
        self.elisions = articles;
        self
    }

    const fn opensearch_lowercase(mut self, language: &'static str) -> Self {
        self.opensearch.lowercase = Some(language);
        self
    }

    const fn aliases(mut self, tags: &'static [&'static str]) -> Self {
        self.aliases = tags;
        self
    }
}

/// Every language whatlang detects: first those with an analysis chain,
/// then those indexed with the neutral chain only.
pub const LANGUAGES: &[Language] = {
    // The table names every whatlang language: spelled out, the import
    // would repeat the table.
    #[allow(clippy::enum_glob_use)]
    use Lang::*;
    use OpenSearchStemmer::{Lucene, Snowball};
    &[
        Language::new("fr", "French", Fra)
            .aliases(&["fre"])
            .stemmed(Algorithm::French, Some(Snowball("French")))
            .stop_words(StopLang::French, "_french_")
            .elides(&[
                "l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu",
            ]),
        Language::new("en", "English", Eng)
            .stemmed(Algorithm::English, Some(Snowball("English")))
            .stop_words(StopLang::English, "_english_"),
        Language::new("de", "German", Deu)
            .aliases(&["ger"])
            .stemmed(Algorithm::German, Some(Snowball("German")))
            .stop_words(StopLang::German, "_german_"),
        Language::new("es", "Spanish", Spa)
            .stemmed(Algorithm::Spanish, Some(Snowball("Spanish")))
            .stop_words(StopLang::Spanish, "_spanish_"),
        Language::new("it", "Italian", Ita)
            .stemmed(Algorithm::Italian, Some(Snowball("Italian")))
            .stop_words(StopLang::Italian, "_italian_")
            .elides(&[
                "l", "un", "dell", "all", "dall", "nell", "sull", "coll", "d", "quest", "quell",
                "c", "n", "s", "m", "t", "v", "gl",
            ]),
        Language::new("pt", "Portuguese", Por)
            .stemmed(Algorithm::Portuguese, Some(Snowball("Portuguese")))
            .stop_words(StopLang::Portuguese, "_portuguese_"),
        Language::new("nl", "Dutch", Nld)
            .stemmed(Algorithm::Dutch, Some(Snowball("Dutch")))
            .stop_words(StopLang::Dutch, "_dutch_"),
        Language::new("da", "Danish", Dan)
            .stemmed(Algorithm::Danish, Some(Snowball("Danish")))
            .stop_words(StopLang::Danish, "_danish_"),
        Language::new("sv", "Swedish", Swe)
            .stemmed(Algorithm::Swedish, Some(Snowball("Swedish")))
            .stop_words(StopLang::Swedish, "_swedish_"),
        Language::new("nb", "Norwegian", Nob)
            .aliases(&["no"])
            .stemmed(Algorithm::Norwegian, Some(Snowball("Norwegian")))
            .stop_words(StopLang::Norwegian, "_norwegian_"),
        Language::new("fi", "Finnish", Fin)
            .stemmed(Algorithm::Finnish, Some(Snowball("Finnish")))
            .stop_words(StopLang::Finnish, "_finnish_"),
        Language::new("hu", "Hungarian", Hun)
            .stemmed(Algorithm::Hungarian, Some(Snowball("Hungarian")))
            .stop_words(StopLang::Hungarian, "_hungarian_"),
        Language::new("ru", "Russian", Rus)
            .stemmed(Algorithm::Russian, Some(Snowball("Russian")))
            .stop_words(StopLang::Russian, "_russian_"),
        Language::new("tr", "Turkish", Tur).stemmed(Algorithm::Turkish, Some(Snowball("Turkish"))),
        Language::new("ro", "Romanian", Ron)
            .stemmed(Algorithm::Romanian, Some(Snowball("Romanian"))),
        // OpenSearch stems Polish only with the stempel plugin.
        Language::new("pl", "Polish", Pol).stemmed(Algorithm::Polish, None),
        Language::new("cs", "Czech", Ces).stemmed(Algorithm::Czech, Some(Lucene("czech"))),
        Language::new("el", "Greek", Ell)
            .stemmed(Algorithm::Greek, Some(Lucene("greek")))
            .opensearch_lowercase("greek"),
        Language::new("lt", "Lithuanian", Lit)
            .stemmed(Algorithm::Lithuanian, Some(Snowball("Lithuanian"))),
        Language::new("et", "Estonian", Est)
            .stemmed(Algorithm::Estonian, Some(Snowball("Estonian"))),
        Language::new("ca", "Catalan", Cat)
            .stemmed(Algorithm::Catalan, Some(Snowball("Catalan")))
            .elides(&["l", "d", "s", "n", "m", "t"]),
        Language::new("sr", "Serbian", Srp).stemmed(Algorithm::Serbian, None),
        Language::new("id", "Indonesian", Ind)
            .stemmed(Algorithm::Indonesian, Some(Lucene("indonesian"))),
        Language::new("ar", "Arabic", Ara).stemmed(Algorithm::Arabic, Some(Snowball("Arabic"))),
        Language::new("fa", "Persian", Pes).stemmed(Algorithm::Persian, None),
        Language::new("hi", "Hindi", Hin).stemmed(Algorithm::Hindi, Some(Lucene("hindi"))),
        Language::new("ne", "Nepali", Nep).stemmed(Algorithm::Nepali, None),
        Language::new("ta", "Tamil", Tam).stemmed(Algorithm::Tamil, None),
        Language::new("hy", "Armenian", Hye)
            .stemmed(Algorithm::Armenian, Some(Snowball("Armenian"))),
        Language::new("eo", "Esperanto", Epo).stemmed(Algorithm::Esperanto, None),
        Language::new("yi", "Yiddish", Yid).stemmed(Algorithm::Yiddish, None),
        Language::new("zh", "Chinese", Cmn),
        Language::new("ja", "Japanese", Jpn),
        Language::new("ko", "Korean", Kor),
        Language::new("uk", "Ukrainian", Ukr),
        Language::new("bg", "Bulgarian", Bul),
        Language::new("be", "Belarusian", Bel),
        Language::new("mk", "Macedonian", Mkd),
        Language::new("hr", "Croatian", Hrv),
        Language::new("sl", "Slovenian", Slv),
        Language::new("sk", "Slovak", Slk),
        Language::new("lv", "Latvian", Lav),
        Language::new("he", "Hebrew", Heb),
        Language::new("bn", "Bengali", Ben),
        Language::new("ka", "Georgian", Kat),
        Language::new("am", "Amharic", Amh),
        Language::new("jv", "Javanese", Jav),
        Language::new("mr", "Marathi", Mar),
        Language::new("kn", "Kannada", Kan),
        Language::new("vi", "Vietnamese", Vie),
        Language::new("ur", "Urdu", Urd),
        Language::new("th", "Thai", Tha),
        Language::new("gu", "Gujarati", Guj),
        Language::new("uz", "Uzbek", Uzb),
        Language::new("pa", "Punjabi", Pan),
        Language::new("az", "Azerbaijani", Aze),
        Language::new("te", "Telugu", Tel),
        Language::new("ml", "Malayalam", Mal),
        Language::new("or", "Oriya", Ori),
        Language::new("my", "Burmese", Mya),
        Language::new("si", "Sinhala", Sin),
        Language::new("km", "Khmer", Khm),
        Language::new("tk", "Turkmen", Tuk),
        Language::new("ak", "Akan", Aka),
        Language::new("zu", "Zulu", Zul),
        Language::new("sn", "Shona", Sna),
        Language::new("af", "Afrikaans", Afr),
        Language::new("la", "Latin", Lat),
        Language::new("tl", "Tagalog", Tgl),
        Language::new("cy", "Welsh", Cym),
    ]
};

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
            || l.detect.code() == primary
            || l.aliases.contains(&primary.as_str())
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
    /// The stop-word vote or whatlang identified the language reliably.
    Detected,
    /// Text too short or detection unreliable: the language most articles
    /// of the same file or folder have (decided at indexing, where the
    /// neighbours are known).
    Majority,
    /// Text too short or detection unreliable, and no majority around it:
    /// the default language applies.
    Fallback,
}

impl Detection {
    /// The stored language code: the language's code, or `und` (undetermined).
    pub fn code(&self) -> &'static str {
        code_of(self.language)
    }
}

/// The code the index and the reports give a language: its own, or `und`
/// (undetermined) for none.
pub fn code_of(language: Option<&'static Language>) -> &'static str {
    language.map_or("und", |l| l.code)
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
    let sample = sample(title, body);
    let fallback = Detection {
        language: default,
        confidence: 0.0,
        method: DetectionMethod::Fallback,
    };
    if sample.trim().len() < MIN_DETECT_BYTES {
        return fallback;
    }
    detect_sample(&sample, fallback)
}

/// The text detection reads: the title (at most a quarter of
/// [`DETECT_SAMPLE_BYTES`]), a newline, and the start of the body.
pub fn sample(title: &str, body: &str) -> String {
    let mut sample = String::with_capacity(DETECT_SAMPLE_BYTES + 1);
    sample.push_str(truncate_at_char(title, DETECT_SAMPLE_BYTES / 4));
    sample.push('\n');
    let room = DETECT_SAMPLE_BYTES.saturating_sub(sample.len());
    sample.push_str(truncate_at_char(body, room));
    sample
}

/// Detects the language of a sample long enough to try: the stop-word vote
/// when it is clear, else whatlang; `fallback` when neither is trusted.
fn detect_sample(sample: &str, fallback: Detection) -> Detection {
    let tally = vote::tally(sample);
    if let Some(language) = tally.winner() {
        return Detection {
            language: Some(language),
            confidence: tally.confidence(),
            method: DetectionMethod::Detected,
        };
    }
    let Some(info) = whatlang::detect(sample) else {
        return fallback;
    };
    let language = LANGUAGES.iter().find(|l| l.detect == info.lang());
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
/// their own (a paragraph clearly in one language costs only the stop-word
/// vote); only languages with an analysis chain count.
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
        assert_eq!(lookup("fre").unwrap().code, "fr");
        assert_eq!(lookup("ger").unwrap().code, "de");
        assert!(lookup("xx").is_none());
        assert!(lookup("").is_none());
    }

    #[test]
    fn chained_languages_come_first() {
        assert!(chained().count() >= 30);
        let first_unchained = LANGUAGES.iter().position(|l| !l.has_chain()).unwrap();
        assert!(LANGUAGES[first_unchained..].iter().all(|l| !l.has_chain()));
    }

    #[test]
    fn what_only_a_chain_uses_belongs_to_chained_languages() {
        for l in LANGUAGES.iter().filter(|l| !l.has_chain()) {
            assert!(l.stopwords.is_none() && l.elisions.is_empty(), "{}", l.code);
            assert_eq!(l.opensearch.lowercase, None, "{}", l.code);
        }
    }

    #[test]
    fn every_stop_list_is_shipped_by_tantivy() {
        for l in LANGUAGES {
            if let Some(list) = l.stopwords {
                let filter = tantivy::tokenizer::StopWordFilter::new(list);
                assert!(filter.is_some(), "{}", l.code);
            }
        }
    }

    #[test]
    fn codes_whatlang_codes_and_aliases_name_one_language_each() {
        let mut tags: Vec<&str> = LANGUAGES
            .iter()
            .flat_map(|l| {
                [l.code, l.detect.code()]
                    .into_iter()
                    .chain(l.aliases.iter().copied())
            })
            .collect();
        let count = tags.len();
        tags.sort_unstable();
        tags.dedup();
        assert_eq!(tags.len(), count);
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
