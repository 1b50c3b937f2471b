//! The `veille` binary: the command line over the library. All the work is
//! in the library; [`cli`] parses the arguments, runs one command and turns
//! its outcome into the process's exit code.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
