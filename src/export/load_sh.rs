//! `load.sh`: the script that loads an export into a cluster with curl.
//!
//! The script is a template (`load.sh.in`, next to this file) filled in
//! with the index name and the list of bulk files and their article
//! counts, so that it posts exactly the files of this export, can check
//! each bulk response item by item, and can compare the final document
//! count with the number of articles exported.

use std::fs;
use std::path::Path;

use super::bulk::Part;

/// File name of the script.
pub const SCRIPT_FILE: &str = "load.sh";

const TEMPLATE: &str = include_str!("load.sh.in");

/// The script for an export of `parts` into the index `index` (a name
/// already checked by [`super::opensearch::check_index_name`], so safe
/// inside single quotes).
pub fn render(index: &str, parts: &[Part]) -> String {
    let articles: u64 = parts.iter().map(|p| p.articles).sum();
    let names: Vec<&str> = parts.iter().map(|p| p.file.as_str()).collect();
    let counts: Vec<String> = parts.iter().map(|p| p.articles.to_string()).collect();
    TEMPLATE
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
        .replace("@INDEX@", index)
        .replace("@ARTICLES@", &articles.to_string())
        .replace("@PART_COUNT@", &parts.len().to_string())
        .replace("@PARTS@", &names.join(" "))
        .replace("@COUNTS@", &counts.join(" "))
}

/// Writes the script to `path`, executable.
pub fn write(path: &Path, index: &str, parts: &[Part]) -> std::io::Result<()> {
    fs::write(path, render(index, parts))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled() {
        let parts = vec![
            Part {
                file: "bulk-0001.ndjson".into(),
                articles: 3,
                bytes: 10,
            },
            Part {
                file: "bulk-0002.ndjson".into(),
                articles: 1,
                bytes: 5,
            },
        ];
        let script = render("news", &parts);
        assert!(script.contains("index='news'"));
        assert!(script.contains("expected=4\n"));
        assert!(script.contains("parts=(bulk-0001.ndjson bulk-0002.ndjson)"));
        assert!(script.contains("counts=(3 1)"));
        for (at, _) in script.match_indices('@') {
            let rest = &script[at + 1..];
            let name = rest
                .split(|c: char| !(c.is_ascii_uppercase() || c == '_'))
                .next()
                .unwrap_or("");
            assert!(
                name.is_empty() || !rest[name.len()..].starts_with('@'),
                "@{name}@ is left in the script"
            );
        }
    }
}
