//! The language of articles too short to detect, taken from their
//! neighbours.
//!
//! An RSS item is often a title and one sentence, too little for the
//! detector to be trusted ("L'intelligence artificielle" is 27 bytes), and
//! such an item would be indexed without a language, so without stemming.
//! Its neighbours know better: the other items of its feed or dump, the
//! other files of its folder, which are nearly always in one language.
//!
//! So the language of an article is, in this order: what its source
//! declares (HTML `lang`, a feed's `<language>` or `xml:lang`, a JSON
//! `lang`), what detection finds, the language of the clear majority of
//! the other articles of its feed or dump, or for an article alone in its
//! file, of its folder; and only when none has one, `--default-lang` or
//! `und`.
//!
//! When too few items of a feed are detected to make a majority (a feed of
//! titles only: English titles of six words are rarely detected with
//! confidence), its undecided items are read together, as one text, and
//! take the language detected in it.
//!
//! A feed does not borrow its folder's language: one folder often holds
//! feeds in several languages, and the French majority of such a folder
//! made half the items of its English feeds of titles only French (a
//! measure with `cargo run --example short_items`). A feed whose items
//! are too short to show a majority keeps them `und`.
//!
//! A majority counts the articles whose language is their own, declared
//! or detected ([`is_own`]), whether their files are read in the same run
//! or already in the index (which records it with each article): an
//! article that took its neighbours' language does not vote, or the
//! majority a folder shows would depend on the order its files came in.
//! A folder counts the articles its files keep in the index, not the
//! records left out as repeats.
//!
//! A majority needs [`MIN_VOTES`] articles and a clear lead: at least
//! [`CLEAR_MAJORITY`] of those counted. A dump or folder that mixes
//! languages gives its short articles no language rather than its largest
//! one: in a dump of 63 % French and 37 % English articles, the English
//! items too short to detect were all made French (stemmed the French way,
//! missed by `--lang en`). Such a file's undecided items are read together
//! only when they outnumber its detected ones (a feed of titles); in a
//! mixed file of long articles they stay `und`, searched through the
//! language-neutral fields.
//!
//! The folder's majority can change after a file of one undecided article
//! took it (or found none): a later file of the same run, or of a later
//! run, tips it. The writer gives such files the folder's final majority
//! at the end of each run ([`Folders::lone_language`]), so that an index
//! built file by file ends as a rebuild of the same folder does.

use std::path::Path;

use rustc_hash::FxHashMap as HashMap;

use crate::analysis::lang::{self, Detection, DetectionMethod, Language};
use crate::index::document::Prepared;

/// A majority needs at least this many articles behind it.
pub(crate) const MIN_VOTES: u32 = 2;

/// A majority needs this share of the votes (as a fraction
/// `CLEAR_MAJORITY.0 / CLEAR_MAJORITY.1`): three in four leaves room for
/// the odd misdetected or foreign article of a one-language feed or
/// folder (one title in four of an English feed taken for French), and
/// none for a file that mixes languages in the proportions of a dump of
/// several sources.
pub(crate) const CLEAR_MAJORITY: (u32, u32) = (3, 4);

/// How many articles have each language (by code).
pub(crate) type Votes = Vec<(&'static str, u32)>;

/// The votes of each folder, and what each of its files gave.
#[derive(Debug, Default)]
pub(crate) struct Folders {
    folders: HashMap<String, HashMap<&'static str, u32>>,
    /// The votes each file gave its folder, taken back when it changes.
    files: HashMap<String, Votes>,
}

impl Folders {
    /// Counts `votes` for the file at `key` (an absolute path) in its
    /// folder, in place of what it counted before.
    pub(crate) fn set_file(&mut self, key: &str, votes: Votes) {
        self.remove_file(key);
        if !votes.is_empty() {
            let folder = self.folders.entry(folder_of(key).to_string()).or_default();
            for &(code, n) in &votes {
                *folder.entry(code).or_default() += n;
            }
        }
        self.files.insert(key.to_string(), votes);
    }

    /// Takes back the votes of the file at `key`.
    pub(crate) fn remove_file(&mut self, key: &str) {
        let Some(votes) = self.files.remove(key) else {
            return;
        };
        let folder_key = folder_of(key);
        if let Some(folder) = self.folders.get_mut(folder_key) {
            for (code, n) in votes {
                if let Some(count) = folder.get_mut(code) {
                    *count = count.saturating_sub(n);
                }
            }
            folder.retain(|_, n| *n > 0);
            if folder.is_empty() {
                self.folders.remove(folder_key);
            }
        }
    }

    /// The majority language of the folder of the file at `key`.
    pub(crate) fn majority(&self, key: &str) -> Option<&'static Language> {
        let folder = self.folders.get(folder_of(key))?;
        winner(folder.iter().map(|(code, n)| (*code, *n)))
    }

    /// The language [`settle`] gives a file at `key` whose one article is
    /// undecided: its folder's majority, else the fallback's `default`.
    pub(crate) fn lone_language(
        &self,
        key: &str,
        default: Option<&'static Language>,
    ) -> Option<&'static Language> {
        self.majority(key).or(default)
    }
}

/// The folder of the file at `key` (a `&str`, so its folder is one too).
fn folder_of(key: &str) -> &str {
    Path::new(key)
        .parent()
        .and_then(Path::to_str)
        .unwrap_or_default()
}

/// Counts languages given one by one.
pub(crate) fn count(languages: impl IntoIterator<Item = &'static Language>) -> Votes {
    let mut votes: Votes = Vec::new();
    for language in languages {
        tally(&mut votes, language);
    }
    votes
}

fn tally(votes: &mut Votes, language: &'static Language) {
    match votes.iter_mut().find(|(code, _)| *code == language.code) {
        Some((_, n)) => *n += 1,
        None => votes.push((language.code, 1)),
    }
}

/// The votes of a file's articles: those whose language was declared or
/// detected.
pub(crate) fn votes(prepared: &[Prepared]) -> Votes {
    let mut votes = Votes::new();
    for p in prepared {
        vote(&mut votes, p);
    }
    votes
}

/// Counts the vote of one article, if its language is its own.
pub(crate) fn vote(votes: &mut Votes, p: &Prepared) {
    if let Some(language) = p.detection.language.filter(|_| is_own(&p.detection)) {
        tally(votes, language);
    }
}

/// Whether an article's language is its own: declared by its source or
/// detected in its text, not taken from its neighbours nor the default.
pub(crate) fn is_own(detection: &Detection) -> bool {
    detection.language.is_some()
        && match detection.method {
            DetectionMethod::Declared | DetectionMethod::Detected => true,
            DetectionMethod::Majority | DetectionMethod::Fallback => false,
        }
}

/// Gives the articles of one file whose language is undecided the majority
/// language of the file, or for the one article of a file, `folder`'s.
/// Their confidence stays the detector's (low) one.
pub(crate) fn settle(prepared: &mut [Prepared], folder: Option<&'static Language>) {
    let votes = votes(prepared);
    let articles = prepared.len();
    settle_counted(prepared, articles, &votes, folder);
}

/// [`settle`] for a file read in parts (a dump): `undecided` holds some of
/// its articles, and the file has `articles` in all, whose `votes` are
/// given.
pub(crate) fn settle_counted(
    undecided: &mut [Prepared],
    articles: usize,
    votes: &Votes,
    folder: Option<&'static Language>,
) {
    let prepared = undecided;
    if !prepared
        .iter()
        .any(|p| p.detection.method == DetectionMethod::Fallback)
    {
        return;
    }
    let language = match articles {
        1 => folder,
        _ => winner(votes.iter().copied()).or_else(|| {
            // Read together only where the undecided are most of the file:
            // in a mixed file of detected articles they stay undecided.
            let detected: u32 = votes.iter().map(|(_, n)| n).sum();
            ((2 * detected as usize) < articles)
                .then(|| together(prepared))
                .flatten()
        }),
    };
    let Some(language) = language else {
        return;
    };
    for p in prepared
        .iter_mut()
        .filter(|p| p.detection.method == DetectionMethod::Fallback)
    {
        p.detection = Detection {
            language: Some(language),
            method: DetectionMethod::Majority,
            ..p.detection
        };
        p.others.retain(|other| *other != language);
    }
}

/// The language detected in the undecided articles of a file read as one
/// text (a bounded sample of each: detection reads no more than
/// [`lang::DETECT_SAMPLE_BYTES`]).
fn together(prepared: &[Prepared]) -> Option<&'static Language> {
    let mut sample = String::new();
    let undecided = prepared
        .iter()
        .filter(|p| p.detection.method == DetectionMethod::Fallback);
    for p in undecided {
        if sample.len() >= lang::DETECT_SAMPLE_BYTES {
            break;
        }
        let a = &p.article;
        for part in [a.title.as_deref(), a.lead.as_deref(), Some(a.body.as_str())]
            .into_iter()
            .flatten()
        {
            sample.push_str(lang::truncate_at_char(part.trim(), 200));
            sample.push('\n');
        }
    }
    let detection = lang::detect(None, "", &sample, None);
    match detection.method {
        DetectionMethod::Detected => detection.language,
        _ => None,
    }
}

/// The language of at least [`CLEAR_MAJORITY`] of the votes, with at least
/// [`MIN_VOTES`].
fn winner(votes: impl Iterator<Item = (&'static str, u32)>) -> Option<&'static Language> {
    let mut total = 0;
    let mut best: Option<(&'static str, u32)> = None;
    for (code, n) in votes {
        total += n;
        if best.is_none_or(|(_, most)| n > most) {
            best = Some((code, n));
        }
    }
    let (code, n) = best?;
    let (share, of) = CLEAR_MAJORITY;
    (n >= MIN_VOTES && n * of >= total * share)
        .then(|| lang::lookup(code))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::dedup::Fingerprint;
    use crate::ingest::article::Article;

    fn article(code: Option<&str>, method: DetectionMethod) -> Prepared {
        Prepared {
            article: Article::default(),
            detection: Detection {
                language: code.and_then(lang::lookup),
                confidence: 0.1,
                method,
            },
            others: Vec::new(),
            text_hash: 0,
            fingerprint: Fingerprint::NONE,
        }
    }

    fn codes(prepared: &[Prepared]) -> Vec<&'static str> {
        prepared.iter().map(|p| p.detection.code()).collect()
    }

    use DetectionMethod::{Declared, Detected, Fallback};

    #[test]
    fn a_files_majority_decides_for_its_articles() {
        let mut file = vec![
            article(Some("fr"), Detected),
            article(Some("fr"), Declared),
            article(Some("fr"), Detected),
            article(Some("en"), Detected),
            article(None, Fallback),
        ];
        settle(&mut file, lang::lookup("de"));
        assert_eq!(codes(&file), ["fr", "fr", "fr", "en", "fr"]);
        assert_eq!(file[4].detection.method, DetectionMethod::Majority);
        assert_eq!(file[4].detection.confidence, 0.1);
    }

    #[test]
    fn a_file_mixing_languages_gives_its_short_articles_none() {
        // Three French articles in five is the largest share, not a clear
        // majority: the short one stays undecided rather than French.
        let mut file = vec![
            article(Some("fr"), Detected),
            article(Some("fr"), Detected),
            article(Some("fr"), Detected),
            article(Some("en"), Detected),
            article(Some("en"), Detected),
            article(None, Fallback),
        ];
        settle(&mut file, lang::lookup("fr"));
        assert_eq!(codes(&file), ["fr", "fr", "fr", "en", "en", "und"]);
        assert_eq!(file[5].detection.method, DetectionMethod::Fallback);
    }

    #[test]
    fn undecided_items_that_are_most_of_a_feed_are_read_together() {
        let titled = |title: &str| {
            let mut p = article(None, Fallback);
            p.article.title = Some(title.to_string());
            p
        };
        let mut file = vec![
            article(Some("fr"), Detected),
            titled("Le gouvernement veut relancer la filière des semi-conducteurs"),
            titled("La fibre optique arrive dans les villages de montagne"),
            titled("Les opérateurs se disputent les fréquences de la 5G"),
        ];
        settle(&mut file, None);
        assert_eq!(codes(&file), ["fr", "fr", "fr", "fr"]);
        assert_eq!(file[1].detection.method, DetectionMethod::Majority);
    }

    #[test]
    fn without_a_clear_majority_a_feed_decides_nothing() {
        // One vote is not enough; a tie is no majority; the folder's
        // language is not a feed's.
        for mut file in [
            vec![article(Some("fr"), Detected), article(None, Fallback)],
            vec![
                article(Some("fr"), Detected),
                article(Some("fr"), Detected),
                article(Some("en"), Detected),
                article(Some("en"), Detected),
                article(None, Fallback),
            ],
        ] {
            let last = file.len() - 1;
            settle(&mut file, lang::lookup("en"));
            assert_eq!(file[last].detection.code(), "und");
        }
    }

    #[test]
    fn the_one_article_of_a_file_takes_its_folders_language() {
        let mut file = vec![article(None, Fallback)];
        settle(&mut file, None);
        assert_eq!(codes(&file), ["und"]);
        settle(&mut file, lang::lookup("en"));
        assert_eq!(codes(&file), ["en"]);
        // The default language a fallback carries gives way too.
        let mut file = vec![article(Some("de"), Fallback)];
        settle(&mut file, lang::lookup("fr"));
        assert_eq!(codes(&file), ["fr"]);
    }

    #[test]
    fn folders_count_their_files_and_forget_them() {
        let fr = || lang::lookup("fr").unwrap();
        let en = || lang::lookup("en").unwrap();
        let mut folders = Folders::default();
        folders.set_file("/news/a.xml", count([fr(), fr(), fr()]));
        folders.set_file("/news/b.xml", count([en()]));
        folders.set_file("/other/c.txt", count([en(), en()]));
        assert_eq!(
            folders.majority("/news/new.txt").map(|l| l.code),
            Some("fr")
        );
        assert_eq!(folders.majority("/other/d.txt").map(|l| l.code), Some("en"));
        assert_eq!(folders.majority("/elsewhere/e.txt"), None);
        // A file counted again replaces its votes: 2 fr against 1 en is
        // no clear majority.
        folders.set_file("/news/a.xml", count([fr(), fr()]));
        assert_eq!(folders.majority("/news/new.txt"), None);
        folders.set_file("/news/b.xml", count([fr(), fr()]));
        assert_eq!(
            folders.majority("/news/new.txt").map(|l| l.code),
            Some("fr")
        );
        folders.remove_file("/news/a.xml");
        folders.remove_file("/news/b.xml");
        assert_eq!(folders.majority("/news/new.txt"), None);
        assert!(!folders.folders.contains_key("/news"));
    }

    #[test]
    fn the_one_article_of_a_file_takes_its_folders_majority_else_the_default() {
        let (fr, de) = (lang::lookup("fr"), lang::lookup("de"));
        let code = |l: Option<&'static Language>| l.map(|l| l.code);
        let mut folders = Folders::default();
        // A file without votes (its one article undecided) counts nothing.
        folders.set_file("/news/short.txt", Votes::new());
        assert!(folders.folders.is_empty());
        assert_eq!(
            code(folders.lone_language("/news/short.txt", de)),
            Some("de")
        );
        assert_eq!(folders.lone_language("/news/short.txt", None), None);
        folders.set_file("/news/a.xml", count([fr.unwrap(), fr.unwrap()]));
        assert_eq!(
            code(folders.lone_language("/news/short.txt", de)),
            Some("fr")
        );
    }

    #[test]
    fn only_declared_or_detected_languages_are_their_own() {
        let own = |code, method| is_own(&article(code, method).detection);
        assert!(own(Some("fr"), Declared));
        assert!(own(Some("fr"), Detected));
        assert!(!own(Some("fr"), DetectionMethod::Majority));
        assert!(!own(Some("de"), Fallback));
        assert!(!own(None, Fallback));
    }
}
