use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = palisade::cli::Cli::parse();
    match cli.command {
        Some(command) => palisade::cli::run(
            command,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        ),
        None => match palisade::ui::run(cli.file) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: cannot open the window: {error}");
                ExitCode::from(2)
            }
        },
    }
}
