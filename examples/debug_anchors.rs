use amur::glossary::Glossary;
use amur::lexicon::DocLexicon;
use amur::score::{Features, Params, Scorer};
use amur::tokenize::{Tokenizer, to_simplified};
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let doc = std::env::args().nth(2).unwrap();
    let zh: Vec<String> = std::fs::read_to_string(format!("{dir}/zh/{doc}.txt"))
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let en: Vec<String> = std::fs::read_to_string(format!("{dir}/en/{doc}.txt"))
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let t = Tokenizer::shared();
    let zt: Vec<_> = zh.iter().map(|s| t.zh(s)).collect();
    let et: Vec<_> = en.iter().map(|s| t.en(s)).collect();
    let zs: Vec<_> = zh.iter().map(|s| to_simplified(s)).collect();
    let lex = DocLexicon::build(&zt, &et, &Glossary::default(), t);
    let f = Features::new(&zt, &zs, &et, &lex);
    let sc = Scorer::new(&f, &lex, Params::default());
    let pts = sc.anchor_points(&(0..zh.len()), &(0..en.len()));
    let chain = amur::align::monotone_chain(&pts);
    // gold: zh sentence -> en first id
    let mut gold = vec![usize::MAX; zh.len()];
    for l in std::fs::read_to_string(format!("{dir}/gold/{doc}.align"))
        .unwrap()
        .lines()
    {
        let (a, b) = l.split_once(':').unwrap();
        let z: Vec<usize> = a
            .trim_matches(|c| c == '[' || c == ']')
            .split(',')
            .filter(|x| !x.is_empty())
            .map(|x| x.parse().unwrap())
            .collect();
        let e: Vec<usize> = b
            .trim_matches(|c| c == '[' || c == ']')
            .split(',')
            .filter(|x| !x.is_empty())
            .map(|x| x.parse().unwrap())
            .collect();
        if let Some(&e0) = e.first() {
            for &i in &z {
                gold[i] = e0;
            }
        }
    }
    let bad = chain
        .iter()
        .filter(|(i, j)| gold[*i] != usize::MAX && (gold[*i] as i64 - *j as i64).abs() > 3)
        .count();
    let mut maxgap = 0;
    for w in chain.windows(2) {
        maxgap = maxgap.max(w[1].0 - w[0].0);
    }
    println!(
        "points {} chain {} off-by>3 {} max zh gap {}",
        pts.len(),
        chain.len(),
        bad,
        maxgap
    );
    let mut run = 0;
    for (i, j) in &chain {
        if gold[*i] != usize::MAX && (gold[*i] as i64 - *j as i64).abs() > 3 {
            run += 1;
            if run < 20 {
                println!("  bad ({i},{j}) gold {}", gold[*i]);
            }
        }
    }
}
