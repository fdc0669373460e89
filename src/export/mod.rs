//! Writing alignments: TMX, TSV, JSON and the align format (placeholder: being written).
