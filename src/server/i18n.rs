//! The languages of the web page's interface: English (the default) and
//! French, since most readers of a French "veille" tool read French.
//!
//! Every word the page shows is a [`Msg`] key, and each language has one
//! table, a `match` over every key, so that the compiler refuses a key
//! missing from either language. The few messages built around a number or
//! a name are methods of [`Ui`]. The language comes from the request's
//! `Accept-Language` ([`Ui::negotiate`]), unless the page's own switch
//! (`?ui=fr` or `?ui=en`) chose one; the JSON API and the feed stay
//! English.
//!
//! Dates and numbers are written as each language writes them (`2 April
//! 2025`, `33,412`; `2 avril 2025`, `33 412`).

use chrono::{DateTime, Datelike, Utc};

use super::params::{MAX_OFFSET, MAX_PAGE_LIMIT, MAX_QUERY_BYTES};
use crate::analysis::lang;

/// The query parameter that chooses the interface language.
pub const UI_PARAM: &str = "ui";

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ui {
    #[default]
    En,
    Fr,
}

/// Every fixed text of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    // The frame around every page.
    SearchPlaceholder,
    SearchLabel,
    SearchButton,
    FeedTitle,
    SwitchLabel,
    // The home page.
    Intro,
    IndexHeading,
    Articles,
    Languages,
    Published,
    LastUpdate,
    EmptyIndex,
    HowToHeading,
    TipEveryWord,
    TipPhrase,
    TipEither,
    TipWithout,
    TipFields,
    TipFuzzy,
    // Results.
    ResultOne,
    ResultMany,
    For,
    NoResults,
    NoneOnThisPage,
    DidYouMean,
    SortedBy,
    SortBy,
    Relevance,
    Date,
    RemoveFilter,
    Relaxed,
    Note,
    Previous,
    Next,
    PageWord,
    Of,
    Pages,
    FullText,
    SimilarOne,
    SimilarMany,
    // Saved searches, on the home page.
    SavedHeading,
    SavedNewOne,
    SavedNewMany,
    SavedUnavailable,
    SavedFeed,
    // Facets.
    Narrow,
    Filters,
    Language,
    Source,
    Month,
    Undetermined,
    // The article page.
    ReadOriginal,
    File,
    Tags,
    NearDuplicates,
    LikeThis,
    NoArticle,
    NoArticleHint,
    AsJson,
    // Errors.
    ErrorTitle,
    ErrorDetails,
    ErrorRetry,
    BadQuery,
    BadLimit,
    BadOffset,
    BadLang,
    BadSince,
    BadUntil,
    BadSort,
    BadOther,
    TimedOut,
    Internal,
    NotFound,
}

impl Ui {
    /// Every interface language, in the order the switch lists them.
    pub const ALL: [Ui; 2] = [Ui::En, Ui::Fr];

    /// The code used in `<html lang>` and in `?ui=`.
    pub const fn code(self) -> &'static str {
        match self {
            Ui::En => "en",
            Ui::Fr => "fr",
        }
    }

    /// The language's name in itself, for the switch.
    pub const fn name(self) -> &'static str {
        match self {
            Ui::En => "English",
            Ui::Fr => "Français",
        }
    }

    /// The language `?ui=` names, if it is one of ours.
    pub fn from_code(code: &str) -> Option<Ui> {
        Ui::ALL
            .into_iter()
            .find(|ui| ui.code().eq_ignore_ascii_case(code.trim()))
    }

    /// The interface for an `Accept-Language` header: French when the
    /// reader prefers French to English, else English.
    //
    // Parsed by hand: two languages and their weights take a dozen lines,
    // where a negotiation crate (fluent-langneg) brings a locale parser
    // for matching this page never needs.
    pub fn negotiate(accept_language: Option<&str>) -> Ui {
        let mut best: Option<(Ui, f32)> = None;
        for item in accept_language.unwrap_or("").split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let primary = tag.split(['-', '_']).next().unwrap_or("");
            let Some(ui) = Ui::from_code(primary) else {
                continue;
            };
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            // Equal weights: the first listed wins.
            if weight > 0.0 && best.is_none_or(|(_, w)| weight > w) {
                best = Some((ui, weight));
            }
        }
        best.map_or_else(Ui::default, |(ui, _)| ui)
    }

    /// The text of `msg` in this language.
    pub fn t(self, msg: Msg) -> &'static str {
        match self {
            Ui::En => english(msg),
            Ui::Fr => french(msg),
        }
    }

    /// `one` or `many`, as this language agrees a noun with `n` (French
    /// uses the singular for 0 and 1).
    pub fn plural(self, n: u64, one: Msg, many: Msg) -> &'static str {
        let singular = match self {
            Ui::En => n == 1,
            Ui::Fr => n <= 1,
        };
        self.t(if singular { one } else { many })
    }

    /// A whole number with the thousands grouped (`33,412`; `33 412`).
    //
    // By hand: grouping digits is a few lines, and number-formatting
    // crates carry locale tables for hundreds of languages.
    pub fn number(self, n: u64) -> String {
        let separator = match self {
            Ui::En => ",",
            // A narrow no-break space, as French typography has it.
            Ui::Fr => "\u{202F}",
        };
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() * 2);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(separator);
            }
            out.push(c);
        }
        out
    }

    /// A day (`2 April 2025`; `2 avril 2025`).
    pub fn date(self, d: DateTime<Utc>) -> String {
        format!("{} {} {}", d.day(), self.month_name(d.month()), d.year())
    }

    /// A day and a time, in UTC (`2 April 2025, 14:03 UTC`).
    pub fn date_time(self, d: DateTime<Utc>) -> String {
        let at = match self {
            Ui::En => ",",
            Ui::Fr => " à",
        };
        format!("{}{at} {} UTC", self.date(d), d.format("%H:%M"))
    }

    /// A month of a facet (`2025-04`) as words (`April 2025`), or as given
    /// when it is not one.
    pub fn month(self, year_month: &str) -> String {
        let parsed = year_month
            .split_once('-')
            .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)));
        match parsed {
            Some((year, month)) if (1..=12).contains(&month) => {
                // A month on its own starts a line: capitalised.
                let mut chars = self.month_name(month).chars();
                let name: String = chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default();
                format!("{name} {year}")
            }
            _ => year_month.to_string(),
        }
    }

    /// The name of month 1 to 12, as written inside a sentence.
    // Month names are interface words like the others; chrono's locale
    // tables (the `unstable-locales` feature) would bring every locale for
    // these two dozen words.
    fn month_name(self, month: u32) -> &'static str {
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        const FR: [&str; 12] = [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ];
        let i = (month.clamp(1, 12) - 1) as usize;
        match self {
            Ui::En => EN[i],
            Ui::Fr => FR[i],
        }
    }

    /// The name of a language code (`fr` → `French`; `français`), `und`
    /// as undetermined, and an unknown code as itself.
    pub fn language_name(self, code: &str) -> String {
        if code == "und" {
            return self.t(Msg::Undetermined).to_string();
        }
        let french = match self {
            Ui::Fr => french_language_name(code),
            Ui::En => None,
        };
        french
            .or_else(|| lang::lookup(code).map(|l| l.name))
            .unwrap_or(code)
            .to_string()
    }

    /// `N similar` under a grouped hit.
    pub fn similar(self, n: usize) -> String {
        let n = n as u64;
        format!(
            "{} {}",
            self.number(n),
            self.plural(n, Msg::SimilarOne, Msg::SimilarMany)
        )
    }

    /// What is wrong with the query parameter `name`, in words.
    pub fn bad_param(self, name: &str) -> String {
        let (msg, max) = match name {
            "q" => (Msg::BadQuery, Some(MAX_QUERY_BYTES)),
            "limit" => (Msg::BadLimit, Some(MAX_PAGE_LIMIT)),
            "offset" => (Msg::BadOffset, Some(MAX_OFFSET)),
            "lang" => (Msg::BadLang, None),
            "since" => (Msg::BadSince, None),
            "until" => (Msg::BadUntil, None),
            "sort" => (Msg::BadSort, None),
            _ => (Msg::BadOther, None),
        };
        let text = self.t(msg);
        match max {
            Some(max) => text.replace("{max}", &self.number(max as u64)),
            None => text.to_string(),
        }
    }

    /// The request took longer than `secs` seconds.
    pub fn timed_out(self, secs: f64) -> String {
        let secs = match self {
            Ui::En => format!("{secs}"),
            Ui::Fr => format!("{secs}").replace('.', ","),
        };
        self.t(Msg::TimedOut).replace("{secs}", &secs)
    }
}

/// French names of the languages veille knows (the language table holds
/// the English ones); a code missing here would be shown by its English
/// name, and a test sees that none is.
fn french_language_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "fr" => "français",
        "en" => "anglais",
        "de" => "allemand",
        "es" => "espagnol",
        "it" => "italien",
        "pt" => "portugais",
        "nl" => "néerlandais",
        "da" => "danois",
        "sv" => "suédois",
        "nb" => "norvégien",
        "fi" => "finnois",
        "hu" => "hongrois",
        "ru" => "russe",
        "tr" => "turc",
        "ro" => "roumain",
        "pl" => "polonais",
        "cs" => "tchèque",
        "el" => "grec",
        "lt" => "lituanien",
        "et" => "estonien",
        "ca" => "catalan",
        "sr" => "serbe",
        "id" => "indonésien",
        "ar" => "arabe",
        "fa" => "persan",
        "hi" => "hindi",
        "ne" => "népalais",
        "ta" => "tamoul",
        "hy" => "arménien",
        "eo" => "espéranto",
        "yi" => "yiddish",
        "zh" => "chinois",
        "ja" => "japonais",
        "ko" => "coréen",
        "uk" => "ukrainien",
        "bg" => "bulgare",
        "be" => "biélorusse",
        "mk" => "macédonien",
        "hr" => "croate",
        "sl" => "slovène",
        "sk" => "slovaque",
        "lv" => "letton",
        "he" => "hébreu",
        "bn" => "bengali",
        "ka" => "géorgien",
        "am" => "amharique",
        "jv" => "javanais",
        "mr" => "marathi",
        "kn" => "kannada",
        "vi" => "vietnamien",
        "ur" => "ourdou",
        "th" => "thaï",
        "gu" => "gujarati",
        "uz" => "ouzbek",
        "pa" => "pendjabi",
        "az" => "azéri",
        "te" => "télougou",
        "ml" => "malayalam",
        "or" => "oriya",
        "my" => "birman",
        "si" => "cingalais",
        "km" => "khmer",
        "tk" => "turkmène",
        "ak" => "akan",
        "zu" => "zoulou",
        "sn" => "shona",
        "af" => "afrikaans",
        "la" => "latin",
        "tl" => "tagalog",
        "cy" => "gallois",
        _ => return None,
    })
}

fn english(msg: Msg) -> &'static str {
    match msg {
        Msg::SearchPlaceholder => "Search the news…",
        Msg::SearchLabel => "Search",
        Msg::SearchButton => "Search",
        Msg::FeedTitle => "Atom feed of this search",
        Msg::SwitchLabel => "Interface language",
        Msg::SavedHeading => "Saved searches",
        Msg::SavedNewOne => "new",
        Msg::SavedNewMany => "new",
        Msg::SavedUnavailable => "unavailable",
        Msg::SavedFeed => "Atom feed",
        Msg::Intro => "Search the indexed articles, in every language veille reads.",
        Msg::IndexHeading => "In the index",
        Msg::Articles => "Articles",
        Msg::Languages => "Languages",
        Msg::Published => "Published",
        Msg::LastUpdate => "Last updated",
        Msg::EmptyIndex => "The index holds no article yet.",
        Msg::HowToHeading => "How to search",
        Msg::TipEveryWord => "every word",
        Msg::TipPhrase => "a phrase",
        Msg::TipEither => "either word",
        Msg::TipWithout => "without a word",
        Msg::TipFields => "in the title, in a language, from a source",
        Msg::TipFuzzy => "close spellings, word beginnings",
        Msg::ResultOne => "result",
        Msg::ResultMany => "results",
        Msg::For => "for",
        Msg::NoResults => "No results for",
        Msg::NoneOnThisPage => "none on this page",
        Msg::DidYouMean => "Did you mean",
        Msg::SortedBy => "Sorted by",
        Msg::SortBy => "sort by",
        Msg::Relevance => "relevance",
        Msg::Date => "date",
        Msg::RemoveFilter => "Remove this filter",
        Msg::Relaxed => "No article has every word; showing articles with any of them.",
        Msg::Note => "Note:",
        Msg::Previous => "← Previous",
        Msg::Next => "Next →",
        Msg::PageWord => "page",
        Msg::Of => "of",
        Msg::Pages => "Pages",
        Msg::FullText => "full text",
        Msg::SimilarOne => "similar",
        Msg::SimilarMany => "similar",
        Msg::Narrow => "Narrow the results",
        Msg::Filters => "Filters",
        Msg::Language => "Language",
        Msg::Source => "Source",
        Msg::Month => "Month",
        Msg::Undetermined => "undetermined",
        Msg::ReadOriginal => "Read the original",
        Msg::File => "File",
        Msg::Tags => "Tags",
        Msg::NearDuplicates => "The same story elsewhere",
        Msg::LikeThis => "Articles like this one",
        Msg::NoArticle => "There is no article with this id in the index.",
        Msg::NoArticleHint => {
            "It may have been removed since the link was made; try a search instead."
        }
        Msg::AsJson => "as JSON",
        Msg::ErrorTitle => "This search could not be run.",
        Msg::ErrorDetails => "Details:",
        Msg::ErrorRetry => "Search again with the query alone",
        Msg::BadQuery => "The query is too long (at most {max} bytes), or was given twice.",
        Msg::BadLimit => "The number of results per page must be a whole number from 0 to {max}.",
        Msg::BadOffset => {
            "The position in the results must be a whole number, and veille pages through the first {max} results only."
        }
        Msg::BadLang => "veille does not know this language: use a code such as fr, en or de.",
        Msg::BadSince => "The start date could not be read: write it as 2025-04-01.",
        Msg::BadUntil => {
            "The end date could not be read, or it comes before the start date: write it as 2025-04-30."
        }
        Msg::BadSort => "Results can be sorted by relevance or by date only.",
        Msg::BadOther => "A setting in the address is not valid.",
        Msg::TimedOut => {
            "The search took longer than {secs} s. Try fewer words, or narrow it to a language or dates."
        }
        Msg::Internal => "Something went wrong on the server; the details are in its log.",
        Msg::NotFound => "There is nothing at this address.",
    }
}

fn french(msg: Msg) -> &'static str {
    match msg {
        Msg::SearchPlaceholder => "Rechercher dans l’actualité…",
        Msg::SearchLabel => "Rechercher",
        Msg::SearchButton => "Chercher",
        Msg::FeedTitle => "Flux Atom de cette recherche",
        Msg::SwitchLabel => "Langue de l’interface",
        Msg::SavedHeading => "Recherches enregistrées",
        Msg::SavedNewOne => "nouveau",
        Msg::SavedNewMany => "nouveaux",
        Msg::SavedUnavailable => "indisponible",
        Msg::SavedFeed => "Flux Atom",
        Msg::Intro => {
            "Cherchez dans les articles indexés, dans toutes les langues que veille sait lire."
        }
        Msg::IndexHeading => "Dans l’index",
        Msg::Articles => "Articles",
        Msg::Languages => "Langues",
        Msg::Published => "Publiés",
        Msg::LastUpdate => "Dernière mise à jour",
        Msg::EmptyIndex => "L’index ne contient encore aucun article.",
        Msg::HowToHeading => "Comment chercher",
        Msg::TipEveryWord => "tous les mots",
        Msg::TipPhrase => "une expression exacte",
        Msg::TipEither => "l’un ou l’autre",
        Msg::TipWithout => "sans ce mot",
        Msg::TipFields => "dans le titre, dans une langue, d’une source",
        Msg::TipFuzzy => "orthographe approchée, début de mot",
        Msg::ResultOne => "résultat",
        Msg::ResultMany => "résultats",
        Msg::For => "pour",
        Msg::NoResults => "Aucun résultat pour",
        Msg::NoneOnThisPage => "aucun sur cette page",
        Msg::DidYouMean => "Vouliez-vous dire",
        Msg::SortedBy => "Triés par",
        Msg::SortBy => "trier par",
        Msg::Relevance => "pertinence",
        Msg::Date => "date",
        Msg::RemoveFilter => "Retirer ce filtre",
        Msg::Relaxed => {
            "Aucun article ne contient tous les mots ; voici ceux qui en contiennent au moins un."
        }
        Msg::Note => "Remarque :",
        Msg::Previous => "← Précédente",
        Msg::Next => "Suivante →",
        Msg::PageWord => "page",
        Msg::Of => "sur",
        Msg::Pages => "Pages",
        Msg::FullText => "texte intégral",
        Msg::SimilarOne => "article similaire",
        Msg::SimilarMany => "articles similaires",
        Msg::Narrow => "Affiner les résultats",
        Msg::Filters => "Filtres",
        Msg::Language => "Langue",
        Msg::Source => "Source",
        Msg::Month => "Mois",
        Msg::Undetermined => "indéterminée",
        Msg::ReadOriginal => "Lire l’original",
        Msg::File => "Fichier",
        Msg::Tags => "Mots-clés",
        Msg::NearDuplicates => "La même information ailleurs",
        Msg::LikeThis => "Articles semblables",
        Msg::NoArticle => "Aucun article de l’index ne porte cet identifiant.",
        Msg::NoArticleHint => {
            "Il a peut-être été retiré depuis que le lien a été fait ; essayez plutôt une recherche."
        }
        Msg::AsJson => "en JSON",
        Msg::ErrorTitle => "Cette recherche n’a pas pu être lancée.",
        Msg::ErrorDetails => "Détails :",
        Msg::ErrorRetry => "Relancer la recherche avec la requête seule",
        Msg::BadQuery => "La requête est trop longue (au plus {max} octets), ou donnée deux fois.",
        Msg::BadLimit => {
            "Le nombre de résultats par page doit être un nombre entier de 0 à {max}."
        }
        Msg::BadOffset => {
            "La position dans les résultats doit être un nombre entier, et veille ne parcourt que les {max} premiers résultats."
        }
        Msg::BadLang => {
            "veille ne connaît pas cette langue : utilisez un code comme fr, en ou de."
        }
        Msg::BadSince => "La date de début n’a pas pu être lue : écrivez-la 2025-04-01.",
        Msg::BadUntil => {
            "La date de fin n’a pas pu être lue, ou elle précède la date de début : écrivez-la 2025-04-30."
        }
        Msg::BadSort => "Les résultats se trient par pertinence ou par date seulement.",
        Msg::BadOther => "Un réglage de l’adresse n’est pas valide.",
        Msg::TimedOut => {
            "La recherche a pris plus de {secs} s. Essayez avec moins de mots, ou limitez-la à une langue ou à des dates."
        }
        Msg::Internal => "Le serveur a rencontré un problème ; les détails sont dans son journal.",
        Msg::NotFound => "Il n’y a rien à cette adresse.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_only_when_preferred_to_english() {
        let cases = [
            (None, Ui::En),
            (Some(""), Ui::En),
            (Some("fr-FR,fr;q=0.9,en;q=0.8"), Ui::Fr),
            (Some("en-US,en;q=0.9,fr;q=0.8"), Ui::En),
            (Some("de-DE,fr;q=0.5"), Ui::Fr),
            (Some("de-DE,es;q=0.5"), Ui::En),
            (Some("en;q=0.5, fr;q=0.7"), Ui::Fr),
            (Some("fr;q=0, en"), Ui::En),
            (Some("fr, en"), Ui::Fr),
            (Some("en, fr"), Ui::En),
            (Some("FR_ca"), Ui::Fr),
            (Some("fr;q=abc"), Ui::Fr),
        ];
        for (header, ui) in cases {
            assert_eq!(Ui::negotiate(header), ui, "{header:?}");
        }
        assert_eq!(Ui::from_code("FR"), Some(Ui::Fr));
        assert_eq!(Ui::from_code("de"), None);
    }

    #[test]
    fn numbers_and_dates_as_each_language_writes_them() {
        assert_eq!(Ui::En.number(33_412), "33,412");
        assert_eq!(Ui::Fr.number(1_234_567), "1\u{202F}234\u{202F}567");
        assert_eq!(Ui::En.number(999), "999");
        let d = DateTime::from_timestamp(1_743_602_580, 0).unwrap(); // 2025-04-02 14:03
        assert_eq!(Ui::En.date(d), "2 April 2025");
        assert_eq!(Ui::Fr.date(d), "2 avril 2025");
        assert_eq!(Ui::Fr.date_time(d), "2 avril 2025 à 14:03 UTC");
        assert_eq!(Ui::Fr.month("2025-08"), "Août 2025");
        assert_eq!(Ui::En.month("2025-13"), "2025-13");
        assert_eq!(Ui::Fr.similar(1), "1 article similaire");
        assert_eq!(Ui::Fr.similar(3), "3 articles similaires");
        assert_eq!(Ui::En.similar(2), "2 similar");
        assert_eq!(
            Ui::En.bad_param("limit"),
            Ui::En
                .t(Msg::BadLimit)
                .replace("{max}", &MAX_PAGE_LIMIT.to_string())
        );
        assert!(Ui::Fr.bad_param("offset").contains("10\u{202F}000"));
        assert_eq!(Ui::Fr.bad_param("nope"), Ui::Fr.t(Msg::BadOther));
        assert_eq!(
            Ui::Fr.timed_out(2.5),
            Ui::Fr.t(Msg::TimedOut).replace("{secs}", "2,5")
        );
    }

    #[test]
    fn every_language_veille_detects_has_a_french_name() {
        for l in lang::LANGUAGES {
            assert!(french_language_name(l.code).is_some(), "{}", l.code);
        }
        assert_eq!(Ui::Fr.language_name("und"), "indéterminée");
        assert_eq!(Ui::En.language_name("de"), "German");
        assert_eq!(Ui::En.language_name("xx"), "xx");
    }
}
