//! Prints every line boundary of a file with its reflow score (positive
//! joins): `cargo run --example reflow_explain -- FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: reflow_explain FILE");
    let text = std::fs::read_to_string(&path).expect("a readable UTF-8 file");
    let normalized = zhfacts::normalize::normalize(&text);
    for (tail, head, width, score) in zhfacts::reflow::explain(&normalized.text) {
        let verdict = if score > 0.0 { "join " } else { "break" };
        println!("{verdict} {score:>5.1} w={width:>5?} {tail:>10} | {head}");
    }
}
