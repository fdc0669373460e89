use amur::glossary::Glossary;
use amur::lexicon::DocLexicon;
use amur::score::{Features, Params, Scorer, SHAPES};
use amur::tokenize::{Tokenizer, to_simplified};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let doc = &args[1];
    let zh: Vec<String> = std::fs::read_to_string(format!("../shared/eval/mac-dev/zh/{doc}.txt")).unwrap().lines().map(String::from).collect();
    let en: Vec<String> = std::fs::read_to_string(format!("../shared/eval/mac-dev/en/{doc}.txt")).unwrap().lines().map(String::from).collect();
    let t = Tokenizer::shared();
    let zt: Vec<_> = zh.iter().map(|s| t.zh(s)).collect();
    let et: Vec<_> = en.iter().map(|s| t.en(s)).collect();
    let zs: Vec<_> = zh.iter().map(|s| to_simplified(s)).collect();
    let lex = DocLexicon::build(&zt, &et, &Glossary::default(), t);
    let f = Features::new(&zt, &zs, &et, &lex);
    let sc = Scorer::new(&f, &lex, Params::default());
    let pairs = sc.pairs(0..0, |_| 0..0);
    for spec in &args[2..] {
        let v: Vec<usize> = spec.split(',').map(|x| x.parse().unwrap()).collect();
        let (i0,i1,j0,j1) = (v[0],v[1],v[2],v[3]);
        let k = SHAPES.iter().position(|&s| s == (i1-i0, j1-j0)).unwrap();
        println!("{i0}..{i1} {j0}..{j1}: lex {:.2} total {:.2}", sc.lexical(&pairs,i0,i1,j0,j1), sc.score(&pairs,i0,i1,j0,j1,k));
    }
    for i in [3usize,4] { for j in 9..13 { let (a,b) = sc.pair_masks(i,j); println!("{i},{j} zh {} en {}", a.count_ones(), b.count_ones()); } }
}
