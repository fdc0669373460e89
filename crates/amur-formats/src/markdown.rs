//! Markdown (CommonMark with tables, footnotes, strikethrough and front matter, parsed by
//! pulldown-cmark): paragraphs, headings, list items, table cells and block quotes with the
//! markup stripped; footnote definitions become notes after the body.

use super::{Block, BlockKind, Collector};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The paragraphs of a Markdown document: the body, then the footnotes.
pub(super) fn parse(source: &str) -> Vec<Block> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_DEFINITION_LIST;
    let mut body = Collector::default();
    let mut notes = Collector::default();
    // Kinds of the open blocks, innermost last.
    let mut kinds: Vec<BlockKind> = Vec::new();
    // Inside something whose text is not read (code block, image, HTML block, front matter).
    let mut dropped = 0usize;
    let mut in_note = 0usize;

    for event in Parser::new_ext(source, options) {
        let c = if in_note > 0 { &mut notes } else { &mut body };
        let kind = |kinds: &[BlockKind]| {
            if in_note > 0 {
                BlockKind::Note
            } else {
                kinds.last().copied().unwrap_or(BlockKind::Paragraph)
            }
        };
        match event {
            Event::Start(tag) => {
                if let Some(k) = block_kind(&tag, kinds.last().copied()) {
                    c.flush(kind(&kinds));
                    kinds.push(k);
                }
                match tag {
                    Tag::CodeBlock(_)
                    | Tag::HtmlBlock
                    | Tag::Image { .. }
                    | Tag::MetadataBlock(_) => dropped += 1,
                    Tag::FootnoteDefinition(_) => in_note += 1,
                    _ => {}
                }
            }
            Event::End(end) => {
                if is_block_end(&end) {
                    c.flush(kind(&kinds));
                    kinds.pop();
                }
                match end {
                    TagEnd::CodeBlock
                    | TagEnd::HtmlBlock
                    | TagEnd::Image
                    | TagEnd::MetadataBlock(_) => dropped = dropped.saturating_sub(1),
                    TagEnd::FootnoteDefinition => in_note = in_note.saturating_sub(1),
                    _ => {}
                }
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t)
                if dropped == 0 =>
            {
                c.push_collapsing(&t)
            }
            Event::SoftBreak if dropped == 0 => c.push_collapsing("\n"),
            Event::HardBreak if dropped == 0 => c.line_break(),
            Event::Rule => c.flush(kind(&kinds)),
            // Raw inline HTML is markup; footnote references and task markers are not text.
            _ => {}
        }
    }
    body.flush(BlockKind::Paragraph);
    notes.flush(BlockKind::Note);
    let mut blocks = body.blocks;
    blocks.extend(notes.blocks);
    blocks
}

/// The kind of paragraph a block-level tag opens, `None` for inline tags.
fn block_kind(tag: &Tag, outer: Option<BlockKind>) -> Option<BlockKind> {
    Some(match tag {
        Tag::Heading { .. } => BlockKind::Heading,
        Tag::Item | Tag::DefinitionListTitle | Tag::DefinitionListDefinition => BlockKind::ListItem,
        Tag::TableCell => BlockKind::TableCell,
        // A paragraph inside a list item is that item's text.
        Tag::Paragraph => match outer {
            Some(BlockKind::ListItem) => BlockKind::ListItem,
            _ => BlockKind::Paragraph,
        },
        Tag::BlockQuote(_)
        | Tag::CodeBlock(_)
        | Tag::HtmlBlock
        | Tag::List(_)
        | Tag::FootnoteDefinition(_)
        | Tag::DefinitionList
        | Tag::Table(_)
        | Tag::TableHead
        | Tag::TableRow
        | Tag::MetadataBlock(_) => BlockKind::Paragraph,
        _ => return None,
    })
}

fn is_block_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Heading(_)
            | TagEnd::Item
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::TableCell
            | TagEnd::Paragraph
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::List(_)
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::MetadataBlock(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(md: &str) -> Vec<(Vec<String>, BlockKind)> {
        parse(md).into_iter().map(|b| (b.lines, b.kind)).collect()
    }

    fn l(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn markup_is_stripped_and_structure_kept() {
        let md = "---\ntitle: x\n---\n\n# 本馆*收藏*\n\nA **bold** [link](http://x) and `code`,\nwrapped.  \nHard break.[^n]\n\n\
                  中文\n换行\n\n- one\n- two\n\n  loose\n\n```\nlet x = 1;\n```\n\n> quoted\n\n\
                  ![alt text](img.png)\n\n| a | b |\n|---|---|\n| c | d |\n\n<div>raw</div>\n\n[^n]: The note.\n";
        assert_eq!(
            texts(md),
            vec![
                (l(&["本馆收藏"]), BlockKind::Heading),
                (
                    l(&["A bold link and code, wrapped.", "Hard break."]),
                    BlockKind::Paragraph
                ),
                (l(&["中文换行"]), BlockKind::Paragraph),
                (l(&["one"]), BlockKind::ListItem),
                (l(&["two"]), BlockKind::ListItem),
                (l(&["loose"]), BlockKind::ListItem),
                (l(&["quoted"]), BlockKind::Paragraph),
                (l(&["a"]), BlockKind::TableCell),
                (l(&["b"]), BlockKind::TableCell),
                (l(&["c"]), BlockKind::TableCell),
                (l(&["d"]), BlockKind::TableCell),
                (l(&["The note."]), BlockKind::Note),
            ]
        );
    }
}
