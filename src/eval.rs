//! Scoring alignments against gold (placeholder: being written).
