//! Sentence segmentation for Chinese and English (placeholder: being written).
