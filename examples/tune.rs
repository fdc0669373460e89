use amur::bead::Sentence;
use amur::eval;
use amur::pipeline::{Config, align_sentences};
fn main() {
    let env = |k: &str, d: f64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let mut config = Config::default();
    config.params.p_match = env("P", config.params.p_match);
    config.params.lexical = env("LEX", config.params.lexical);
    config.params.p_match_en = env("PE", config.params.p_match_en);
    config.params.number_hit = env("NH", config.params.number_hit);
    config.params.number_miss = env("NM", config.params.number_miss);
    config.params.mark_miss = env("MM", config.params.mark_miss);
    config.params.quote_miss = env("QM", config.params.quote_miss);
    config.params.open_weight = env("OW", config.params.open_weight);
    config.single_pass = std::env::var("SINGLE").is_ok();
    let dir = std::env::args()
        .nth(1)
        .unwrap_or("../shared/eval/mac-dev".into());
    let mut pairs = Vec::new();
    let mut per = Vec::new();
    for name in eval::align_names(std::path::Path::new(&format!("{dir}/gold"))).unwrap() {
        let stem = name.trim_end_matches(".align");
        let read = |side: &str| -> Vec<Sentence> {
            std::fs::read_to_string(format!("{dir}/{side}/{stem}.txt"))
                .unwrap()
                .lines()
                .map(|l| Sentence {
                    text: l.into(),
                    paragraph: 0,
                })
                .collect()
        };
        let al = align_sentences(read("zh"), read("en"), &config);
        let gold = eval::read_align(std::path::Path::new(&format!("{dir}/gold/{name}"))).unwrap();
        let test: Vec<_> = eval::align_beads(&al.beads)
            .into_iter()
            .map(|(b, _)| b)
            .collect();
        per.push(format!(
            "{:.3}",
            eval::score(&[(gold.clone(), test.clone())]).f1_strict
        ));
        pairs.push((gold, test));
    }
    let s = eval::score(&pairs);
    println!(
        "strict {:.4} lax {:.4} | {}",
        s.f1_strict,
        s.f1_lax,
        per.join(" ")
    );
}
