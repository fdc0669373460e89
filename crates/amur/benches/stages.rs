//! Criterion benchmarks of the pipeline's stages on the bundled samples (`corpora/`, all three
//! documents, repeated to make a few hundred sentences per side): segmentation, tokenization,
//! lexicon build, scoring and the dynamic programming over a full grid, and the whole
//! `align_sentences`. Run with `cargo bench --bench stages`; `benches/bible.sh` measures the
//! release binary end to end on the bible set instead.

use amur_core::align::{self, Band, BeadScores, NS};
use amur_core::bead::Sentence;
use amur_core::glossary::Glossary;
use amur_core::lexicon::DocLexicon;
use amur_core::pipeline::{self, Config};
use amur_core::score::{Features, Pairs, Params, Scorer};
use amur_core::segment::{Lang, ZhOptions};
use amur_core::tokenize::{EnTokens, Tokenizer, ZhTokens, to_simplified};
use amur_formats::document;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

const SAMPLES: &[&str] = &["telegrams-1917", "minutes-1918", "report-modern"];
/// Copies of the samples: 4 × (124 zh, 144 en) sentences. The DP bench searches the whole
/// 496 × 576 grid; the pipeline splits the same text at its paragraphs first.
const REPEAT: usize = 4;

/// The samples' text in one language, repeated.
fn text(side: &str) -> String {
    let one: String = SAMPLES
        .iter()
        .map(|name| {
            let path = format!(
                "{}/../../corpora/{name}/{side}.txt",
                env!("CARGO_MANIFEST_DIR")
            );
            std::fs::read_to_string(&path).expect("read a sample") + "\n"
        })
        .collect();
    one.repeat(REPEAT)
}

fn sentences(text: &str, lang: Lang) -> Vec<Sentence> {
    document::sentences(text, lang, false, &ZhOptions::default())
}

fn stages(c: &mut Criterion) {
    let (zh_text, en_text) = (text("zh"), text("en"));
    let zh = sentences(&zh_text, Lang::Zh);
    let en = sentences(&en_text, Lang::En);
    let tokenizer = Tokenizer::shared();
    let zh_tokens: Vec<ZhTokens> = zh.iter().map(|s| tokenizer.zh(&s.text)).collect();
    let en_tokens: Vec<EnTokens> = en.iter().map(|s| tokenizer.en(&s.text)).collect();
    let zh_simplified: Vec<String> = zh.iter().map(|s| to_simplified(&s.text)).collect();
    let glossary = Glossary::default();
    let lex = DocLexicon::build(&zh_tokens, &en_tokens, &glossary, tokenizer);
    let (n, m) = (zh.len(), en.len());

    let mut g = c.benchmark_group("stages");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));

    g.throughput(Throughput::Elements((n + m) as u64));
    g.bench_function("segment zh+en", |b| {
        b.iter(|| {
            (
                sentences(black_box(&zh_text), Lang::Zh),
                sentences(black_box(&en_text), Lang::En),
            )
        })
    });
    g.bench_function("tokenize zh+en", |b| {
        b.iter(|| {
            let z: Vec<ZhTokens> = zh
                .iter()
                .map(|s| tokenizer.zh(black_box(&s.text)))
                .collect();
            let e: Vec<EnTokens> = en
                .iter()
                .map(|s| tokenizer.en(black_box(&s.text)))
                .collect();
            (z, e)
        })
    });
    g.bench_function("lexicon build", |b| {
        b.iter(|| DocLexicon::build(black_box(&zh_tokens), &en_tokens, &glossary, tokenizer))
    });

    let features = Features::new(&zh_tokens, &zh_simplified, &en_tokens, &lex);
    let scorer = Scorer::new(&features, &lex, Params::default());
    g.bench_function("features + scorer", |b| {
        b.iter(|| {
            let f = Features::new(black_box(&zh_tokens), &zh_simplified, &en_tokens, &lex);
            let s = Scorer::new(&f, &lex, Params::default());
            black_box(s.ratio());
        })
    });
    g.throughput(Throughput::Elements((n * m) as u64));
    g.bench_function("score + DP, full grid", |b| {
        b.iter(|| {
            let pairs = scorer.pairs(0..n, |_| 0..m);
            align::best_path(n, m, &Band::full(n, m), &Cells(&scorer, &pairs))
        })
    });
    // The same, one bead at a time (how cells were scored before): the baseline of the above.
    g.bench_function("score + DP, full grid, bead by bead", |b| {
        b.iter(|| {
            let pairs = scorer.pairs(0..n, |_| 0..m);
            let f = |i0, i1, j0, j1, _shape| {
                let parts = scorer.parts(&pairs, i0..i1, j0..j1);
                parts.map_or(f64::NEG_INFINITY, |p| p.total())
            };
            align::best_path(n, m, &Band::full(n, m), &align::PerBead(f))
        })
    });

    g.throughput(Throughput::Elements((n + m) as u64));
    g.bench_function("align_sentences (end to end)", |b| {
        b.iter(|| pipeline::align_sentences(zh.clone(), en.clone(), &Config::default()))
    });
    g.finish();
}

/// A scorer's cells over precomputed pair masks.
struct Cells<'a>(&'a Scorer<'a>, &'a Pairs);

impl BeadScores for Cells<'_> {
    fn cell(&self, i: usize, j: usize, valid: &[bool; NS], out: &mut [f32; NS]) {
        self.0.cell(self.1, i, j, valid, out, true);
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
