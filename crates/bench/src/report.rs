//! Figures and where they were measured: latency percentiles, the machine, the commit, memory
//! from /proc, and the Markdown that goes into docs/benchmarks.md.

use std::time::Duration;

/// Latencies of one query kind on one engine.
#[derive(Clone, Debug, Default)]
pub struct Latencies {
    samples: Vec<Duration>,
}

#[derive(Clone, Copy, Debug)]
pub struct Summary {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub mean: f64,
    pub max: f64,
}

impl Latencies {
    pub fn push(&mut self, d: Duration) {
        self.samples.push(d);
    }

    /// Percentiles by nearest rank, in milliseconds.
    pub fn summary(&self) -> Summary {
        let mut ms: Vec<f64> = self.samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        let n = ms.len();
        let rank = |p: f64| -> f64 {
            if n == 0 {
                return f64::NAN;
            }
            let i = ((p / 100.0) * n as f64).ceil() as usize;
            ms[i.clamp(1, n) - 1]
        };
        let mean = if n == 0 { f64::NAN } else { ms.iter().sum::<f64>() / n as f64 };
        Summary { p50: rank(50.0), p95: rank(95.0), p99: rank(99.0), mean, max: ms.last().copied().unwrap_or(f64::NAN) }
    }
}

/// Milliseconds, with precision where it matters.
pub fn ms(v: f64) -> String {
    if v < 1.0 {
        format!("{v:.3}")
    } else if v < 100.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.0}")
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// A field of /proc/self/status in kB (e.g. "VmHWM").
pub fn status_kb(field: &str) -> Option<u64> {
    read("/proc/self/status")
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':')?.trim().trim_end_matches("kB").trim().parse().ok())
}

pub fn mib(kb: Option<u64>) -> String {
    kb.map(|k| format!("{:.0} MiB", k as f64 / 1024.0)).unwrap_or_else(|| "?".into())
}

pub fn bytes_mib(b: u64) -> String {
    format!("{:.0} MiB", b as f64 / (1024.0 * 1024.0))
}

/// Size of every file under `dir`.
pub fn dir_bytes(dir: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// The machine, as docs/benchmarks.md records it.
pub struct Machine {
    pub cores: usize,
    pub model: String,
    pub memory: String,
    pub commit: String,
}

impl Machine {
    pub fn read() -> Self {
        let cpuinfo = read("/proc/cpuinfo");
        let model = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name").map(|r| r.trim_start_matches([' ', '\t', ':']).trim().to_string()))
            .unwrap_or_else(|| "unknown".into());
        let mem_kb: Option<u64> = read("/proc/meminfo")
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:").and_then(|r| r.trim().trim_end_matches("kB").trim().parse().ok()));
        let memory = mem_kb.map(|k| format!("{:.1} GiB", k as f64 / (1024.0 * 1024.0))).unwrap_or_else(|| "?".into());
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .args(args)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        };
        let mut commit = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
        // Figures from a tree with uncommitted changes say so, with a fingerprint of the diff so
        // that two runs can be told apart (or matched) while the code is still moving.
        if let Some(diff) = git(&["diff", "HEAD"]).filter(|d| !d.is_empty()) {
            commit.push_str(&format!(" + uncommitted changes (diff fingerprint {:08x})", fnv(diff.as_bytes()) as u32));
        }
        Machine {
            cores: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            model,
            memory,
            commit,
        }
    }
}

/// FNV-1a: a fingerprint, not a security measure.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The 1, 5 and 15 minute load averages: the machine is shared, so a busy one is worth knowing.
pub fn load_average() -> String {
    read("/proc/loadavg").split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// The command as it is typed to get these figures.
pub fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!("cargo run --release -p linkwork-bench -- {}", args.join(" "))
}

/// How a database benchmark's report begins: its title, the command and the machine.
pub fn header(title: &str) {
    let m = Machine::read();
    println!("### {title}\n");
    println!("`{}`\n", command_line());
    println!("Machine: {} cores ({}), {}; commit {}; load average before: {}.\n", m.cores, m.model, m.memory, m.commit, load_average());
}

/// The databases a benchmark runs on: both, or the one `--only` names.
pub fn backends(only: Option<&str>) -> Vec<&'static str> {
    ["sqlite", "postgres"].into_iter().filter(|b| only.is_none_or(|o| o == *b)).collect()
}
