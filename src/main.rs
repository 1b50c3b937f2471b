//! The `veille` binary: the command line over the library. All the work is
//! in the library; [`cli`] parses the arguments, runs one command and turns
//! its outcome into the process's exit code.

mod cli;

/// See the `mimalloc` line of Cargo.toml for why.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::main());
}
