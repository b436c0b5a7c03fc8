//! Prints records of the named tables as HSDS JSON lines, from the demo or (with `--synthetic`)
//! the first synthetic batch: `cargo run -p linkwork-gen --example peek -- service location`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let batch = if args.iter().any(|a| a == "--synthetic") {
        linkwork_gen::synthetic(1, 5_000).next().unwrap_or_default()
    } else {
        linkwork_gen::demo()
    };
    for r in batch.records.iter().filter(|r| args.iter().any(|a| a == r.table.name)) {
        println!("{}", serde_json::Value::Object(r.to_json()));
    }
}
