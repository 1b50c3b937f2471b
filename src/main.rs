//! The `veille` binary: all the work is in the library; this only turns the
//! outcome of a command into the process's exit code.

fn main() {
    std::process::exit(veille::cli::main());
}
