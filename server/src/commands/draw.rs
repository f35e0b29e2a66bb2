//! `shuangsui draw` and `shuangsui verify`: DR1 from files, no database.

use app::domain::draw;
use std::path::PathBuf;
use std::process::ExitCode;

fn read(path: &PathBuf) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        ExitCode::from(2)
    })
}

pub fn draw(path: &PathBuf, bench: Option<u32>) -> ExitCode {
    let text = match read(path) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let input = match draw::parse_input(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("refused: {e}");
            return ExitCode::from(2);
        }
    };
    match bench {
        None => match draw::draw(&input) {
            Ok(manifest) => {
                println!("{}", serde_json::to_string_pretty(&manifest).expect("manifest serialises"));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("refused: {e}");
                ExitCode::from(2)
            }
        },
        Some(n) => {
            let mut times = Vec::with_capacity(n.max(1) as usize);
            for i in 0..n.max(1) {
                // Times the derivation itself; `draw` would also copy the input into the manifest.
                let start = std::time::Instant::now();
                if let Err(e) = draw::derive(&input) {
                    eprintln!("refused: {e}");
                    return ExitCode::from(2);
                }
                let ms = start.elapsed().as_secs_f64() * 1000.0;
                println!("run {:>3}: {ms:.3} ms", i + 1);
                times.push(ms);
            }
            times.sort_by(f64::total_cmp);
            let median = if times.len() % 2 == 1 {
                times[times.len() / 2]
            } else {
                (times[times.len() / 2 - 1] + times[times.len() / 2]) / 2.0
            };
            println!("draw_ms_median={median:.3} pool={}", input.pool.len());
            ExitCode::SUCCESS
        }
    }
}

pub fn verify(path: &PathBuf) -> ExitCode {
    let text = match read(path) {
        Ok(t) => t,
        Err(code) => return code,
    };
    match draw::verify_manifest(&text) {
        Err(e) => {
            eprintln!("refused: {e}");
            ExitCode::from(2)
        }
        Ok(checks) => match draw::first_failure(&checks) {
            None => {
                println!("valid");
                ExitCode::SUCCESS
            }
            Some(c) => {
                println!("invalid: {} differs (expected {}, manifest has {})", c.name, c.expected, c.found);
                ExitCode::from(1)
            }
        },
    }
}
