use amur::bead::Sentence;
use amur::pipeline::{Config, align_sentences};
fn main() {
    let doc = std::env::args().nth(1).unwrap_or("001".into());
    let read = |side: &str| -> Vec<Sentence> {
        std::fs::read_to_string(format!("../shared/eval/mac-dev/{side}/{doc}.txt"))
            .unwrap()
            .lines()
            .map(|l| Sentence {
                text: l.into(),
                paragraph: 0,
            })
            .collect()
    };
    let al = align_sentences(read("zh"), read("en"), &Config::default());
    for b in al.beads.iter().take(25) {
        println!(
            "{:?}:{:?} {:.2} | {} | {}",
            b.zh,
            b.en,
            b.confidence,
            al.zh_text(b).chars().take(30).collect::<String>(),
            al.en_text(b).chars().take(60).collect::<String>()
        );
    }
}
