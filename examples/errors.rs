use amur::bead::Sentence;
use amur::eval;
use amur::pipeline::{Config, align_sentences};
fn main() {
    let doc = std::env::args().nth(1).unwrap_or("003".into());
    let dir = "../shared/eval/mac-dev";
    let read = |side: &str| -> Vec<Sentence> {
        std::fs::read_to_string(format!("{dir}/{side}/{doc}.txt"))
            .unwrap()
            .lines()
            .map(|l| Sentence {
                text: l.into(),
                paragraph: 0,
            })
            .collect()
    };
    let al = align_sentences(read("zh"), read("en"), &Config::default());
    let gold = eval::read_align(std::path::Path::new(&format!("{dir}/gold/{doc}.align"))).unwrap();
    let mut shown = 0;
    for b in &al.beads {
        let tb: (Vec<usize>, Vec<usize>) = (b.zh.clone().collect(), b.en.clone().collect());
        if gold.contains(&tb) {
            continue;
        }
        let g: Vec<_> = gold
            .iter()
            .filter(|(z, e)| {
                z.iter().any(|i| b.zh.contains(i)) || e.iter().any(|j| b.en.contains(j))
            })
            .collect();
        println!(
            "TEST {:?}:{:?} conf {:.2}  GOLD {:?}",
            b.zh, b.en, b.confidence, g
        );
        for i in b.zh.clone() {
            println!(
                "   zh{i}: {}",
                al.zh[i].text.chars().take(60).collect::<String>()
            );
        }
        for j in b.en.clone() {
            println!(
                "   en{j}: {}",
                al.en[j].text.chars().take(100).collect::<String>()
            );
        }
        shown += 1;
        if shown > 8 {
            break;
        }
    }
}
