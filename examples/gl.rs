fn main() {
    let t = amur::tokenize::Tokenizer::shared();
    for w in ["打", "的", "对", "笨"] {
        println!("{w} {:?}", amur::lexicon::dictionary_glosses(w, t));
    }
}
