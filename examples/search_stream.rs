//! Searches a stream of queries, one per line of standard input, in one
//! process, with the options of the daemon's page (10 hits, snippets,
//! facets), and prints a digest of every answer and the time taken.
//!
//! It exists for before/after comparisons of search changes: the digest
//! (the count, the facets, each hit's id, its snippets and their marks) shows whether a change
//! altered any answer, and run under `valgrind --tool=callgrind` it gives
//! instruction counts, which do not move with the load of the machine the
//! way times do.
//!
//! ```sh
//! cargo run --release --example search_stream -- INDEX < queries.txt > digest.txt
//! ```

use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use veille::search::engine::{Engine, SearchOptions};

fn main() {
    let Some(index) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: search_stream INDEX < queries");
        std::process::exit(2);
    };
    let engine = match Engine::open(&index) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("search_stream: {}: {e}", index.display());
            std::process::exit(1);
        }
    };
    let opts = SearchOptions {
        facets: true,
        ..SearchOptions::default()
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let (mut searched, mut spent) = (0usize, Duration::ZERO);
    for line in io::stdin().lock().lines() {
        let query = line.expect("read a query");
        let started = Instant::now();
        let results = match engine.search(&query, &opts) {
            Ok(results) => results,
            Err(e) => {
                writeln!(out, "{query}\terror: {e}").expect("write");
                continue;
            }
        };
        spent += started.elapsed();
        searched += 1;
        writeln!(out, "{query}\t{} {}", results.total, results.total_exact).expect("write");
        if let Some(facets) = &results.facets {
            writeln!(
                out,
                "  facets {}",
                serde_json::to_string(facets).expect("facets as JSON")
            )
            .expect("write");
        }
        for hit in &results.hits {
            let marks: Vec<String> = hit.snippets.iter().map(|s| s.html()).collect();
            writeln!(
                out,
                "  {} {:?} {}",
                hit.id,
                hit.title_highlights,
                marks.join(" | ")
            )
            .expect("write");
        }
    }
    out.flush().expect("write");
    eprintln!(
        "{searched} queries in {:.2} s: {:.3} ms each on average",
        spent.as_secs_f64(),
        spent.as_secs_f64() * 1e3 / searched.max(1) as f64
    );
}
