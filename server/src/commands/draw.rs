//! `shuangsui draw` and `shuangsui verify`: DR1 from files, no database.

use app::domain::draw;
use std::io::Write;
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
        None => match draw::draw_owned(input) {
            Ok(manifest) => {
                // The same bytes as serde_json's pretty printer, written on every core.
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                let written = manifest
                    .write_json_pretty(&mut out)
                    .and_then(|()| writeln!(out))
                    .and_then(|()| out.flush());
                // The process ends here: freeing the pool's millions of strings one by one
                // would take about as long as the draw, and the OS reclaims them at once.
                std::mem::forget(manifest);
                match written {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("error: cannot write the manifest: {e}");
                        ExitCode::from(1)
                    }
                }
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
