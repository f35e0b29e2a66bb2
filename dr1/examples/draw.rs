//! Draws from a JSON input file and prints the manifest, byte for byte as
//! `shuangsui draw --input FILE` does, without building the server.
//!
//! ```text
//! cargo run --release -p dr1 --example draw -- FILE > manifest.json
//! cargo run --release -p dr1 --example draw -- FILE --bench 7
//! ```
//!
//! It exists to compare manifests before and after a change to the engine
//! (they must be identical) and to time or profile the draw alone.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (path, bench) = match args.as_slice() {
        [path] => (path, None),
        [path, flag, n] if flag == "--bench" => match n.parse::<u32>() {
            Ok(n) => (path, Some(n.max(1))),
            Err(_) => return usage(),
        },
        _ => return usage(),
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let input = match dr1::parse_input(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("refused: {e}");
            return ExitCode::from(2);
        }
    };
    let Some(runs) = bench else {
        return match dr1::draw_owned(input) {
            // As server/src/cli.rs writes it: pretty JSON and a final newline.
            Ok(manifest) => {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                let written = manifest
                    .write_json_pretty(&mut out)
                    .and_then(|()| writeln!(out))
                    .and_then(|()| out.flush());
                // Freeing millions of strings one by one would outlast the draw; the process ends here.
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
        };
    };
    let mut times = Vec::new();
    let cpu_before = cpu_ticks();
    for _ in 0..runs {
        let start = std::time::Instant::now();
        if let Err(e) = dr1::derive(&input) {
            eprintln!("refused: {e}");
            return ExitCode::from(2);
        }
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let cpu_ms =
        cpu_ticks().zip(cpu_before).map(|(after, before)| (after - before) as f64 * 10.0 / f64::from(runs));
    times.sort_by(f64::total_cmp);
    if let Some(ms) = cpu_ms {
        println!("cpu {ms:.0} ms per run (user + system, all threads)");
    }
    println!("derive ms: {times:.1?}");
    println!("median {:.1} ms, pool {}", times[times.len() / 2], input.pool.len());
    ExitCode::SUCCESS
}

/// User and system time of this process so far, in clock ticks of 10 ms (Linux only).
fn cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

fn usage() -> ExitCode {
    eprintln!("usage: draw FILE [--bench N]");
    ExitCode::from(2)
}
