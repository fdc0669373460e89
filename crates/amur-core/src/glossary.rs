//! The term list that steers the aligner (Chinese term → English rendering), as data: what a
//! user's glossary says, however it was stored. Reading and writing glossary files (TSV, CSV,
//! TBX) is `amur-tm`'s job; extracting, merging and linting them is `amur-glossary`'s.

/// One glossary entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub zh: String,
    pub en: String,
    pub comment: String,
}

/// A glossary: terms in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Glossary {
    pub terms: Vec<Term>,
}

impl Glossary {
    /// A glossary of `(zh, en)` pairs without comments.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Glossary {
        Glossary {
            terms: pairs
                .into_iter()
                .map(|(zh, en)| Term {
                    zh: zh.into(),
                    en: en.into(),
                    comment: String::new(),
                })
                .collect(),
        }
    }

    /// Appends another glossary's terms.
    pub fn extend(&mut self, other: Glossary) {
        self.terms.extend(other.terms);
    }
}
