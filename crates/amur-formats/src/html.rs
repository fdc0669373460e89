//! HTML: block elements are paragraphs, `<br>` a line break inside one; scripts, styles,
//! navigation and comments are dropped. Parsed by html5ever (through `scraper`) as a browser
//! parses it, so tag soup reads as it displays.

use super::{Block, BlockKind, Collector, InputFormat, Problem};
use scraper::{Html, Node};

/// Deeper nesting than this is refused: html5ever takes time that grows faster than the square
/// of the depth (40,000 nested `<div>`s take tens of seconds), and no real page comes near it.
const MAX_DEPTH: usize = 5000;

/// Elements whose content is not text of the document.
const DROPPED: &[&str] = &[
    "head", "script", "style", "nav", "noscript", "template", "svg", "math", "iframe", "object",
    "embed", "canvas", "audio", "video", "select", "textarea", "button",
];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// What a block element is, inside a block of kind `outer`: a paragraph inside a list item or
/// a table cell is that item's or cell's text, and everything inside a footnotes section
/// (`role="doc-endnotes"`, `class="footnotes"`) is a note.
fn block_kind(e: &scraper::node::Element, outer: BlockKind) -> BlockKind {
    let notes = matches!(e.attr("role"), Some("doc-endnotes" | "doc-footnotes"))
        || e.classes().any(|c| c == "footnotes");
    if notes || outer == BlockKind::Note {
        return BlockKind::Note;
    }
    match e.name() {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => BlockKind::Heading,
        "li" | "dt" | "dd" => BlockKind::ListItem,
        "td" | "th" | "caption" => BlockKind::TableCell,
        _ if matches!(outer, BlockKind::ListItem | BlockKind::TableCell) => outer,
        _ => BlockKind::Paragraph,
    }
}

/// The paragraphs of an HTML document; an error for a page nested deeper than [`MAX_DEPTH`].
pub(super) fn read(source: &str) -> Result<Vec<Block>, Problem> {
    if nesting(source) > MAX_DEPTH {
        return Err(Problem::Corrupt {
            format: InputFormat::Html,
            reason: format!("its elements are nested more than {MAX_DEPTH} deep"),
        });
    }
    Ok(parse(source))
}

/// An estimate of how deep the elements of a page nest, from its tags alone: start tags minus
/// end tags, leaving out void elements, elements whose end tag may be omitted, comments and
/// the content of scripts and styles.
fn nesting(source: &str) -> usize {
    const UNCOUNTED: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody",
        "tfoot", "colgroup", "option", "optgroup", "rt", "rp", "html", "head", "body",
    ];
    let b = source.as_bytes();
    let name_at = |i: usize| -> String {
        b[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase() as char)
            .collect()
    };
    let find = |from: usize, pat: &str| {
        source
            .get(from..)
            .and_then(|s| s.find(pat))
            .map(|k| from + k)
    };
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0usize);
    while let Some(k) = find(i, "<") {
        i = k + 1;
        if source[k..].starts_with("<!--") {
            i = find(k + 4, "-->").map_or(b.len(), |e| e + 3);
        } else if b.get(k + 1) == Some(&b'/') {
            let name = name_at(k + 2);
            if !name.is_empty() && !UNCOUNTED.contains(&name.as_str()) {
                depth = depth.saturating_sub(1);
            }
        } else if b.get(k + 1).is_some_and(u8::is_ascii_alphabetic) {
            let name = name_at(k + 1);
            let end = find(k, ">").unwrap_or(b.len());
            let self_closing = end > 0 && b.get(end - 1) == Some(&b'/');
            if name == "script" || name == "style" {
                // Skip to the matching end tag (any case).
                i = end;
                while let Some(e) = find(i, "</") {
                    i = e + 2;
                    if name_at(e + 2) == name {
                        break;
                    }
                }
            } else if !self_closing && !UNCOUNTED.contains(&name.as_str()) {
                depth += 1;
                max = max.max(depth);
            }
        }
    }
    max
}

/// The paragraphs of an HTML document.
fn parse(source: &str) -> Vec<Block> {
    let html = Html::parse_document(source);
    let mut c = Collector::default();
    let mut kinds: Vec<BlockKind> = vec![BlockKind::Paragraph];
    let mut pre = 0usize;
    let root = html.tree.root();
    let Some(mut node) = root.first_child() else {
        return Vec::new();
    };
    // Depth-first without recursion: a deeply nested page cannot overflow the stack.
    loop {
        let mut descend = false;
        match node.value() {
            Node::Text(t) => {
                if pre > 0 {
                    for (i, line) in t.split('\n').enumerate() {
                        if i > 0 {
                            c.line_break();
                        }
                        c.push_str(line);
                    }
                } else {
                    c.push_collapsing(t);
                }
            }
            Node::Element(e) => {
                let name = e.name();
                let hidden = e.attr("hidden").is_some()
                    || e.attr("aria-hidden") == Some("true")
                    || DROPPED.contains(&name)
                    || is_note_link(e);
                if name == "br" {
                    c.line_break();
                } else if !hidden {
                    if BLOCKS.contains(&name) {
                        let outer = *kinds.last().unwrap_or(&BlockKind::Paragraph);
                        c.flush(outer);
                        kinds.push(block_kind(e, outer));
                    }
                    if name == "pre" {
                        pre += 1;
                    }
                    descend = true;
                }
            }
            Node::Document | Node::Fragment => descend = true,
            _ => {} // comments, doctype, processing instructions
        }
        if descend && let Some(child) = node.first_child() {
            node = child;
            continue;
        }
        if !descend {
            // Nothing was opened for this node: go on to its next sibling or up.
        } else {
            close(node.value(), &mut c, &mut kinds, &mut pre);
        }
        loop {
            if let Some(next) = node.next_sibling() {
                node = next;
                break;
            }
            match node.parent() {
                Some(parent) if parent.id() != root.id() => {
                    node = parent;
                    close(node.value(), &mut c, &mut kinds, &mut pre);
                }
                _ => {
                    c.flush(*kinds.last().unwrap_or(&BlockKind::Paragraph));
                    return c.blocks;
                }
            }
        }
    }
}

/// A footnote reference or a link back from a footnote (pandoc, Hugo, kramdown and the ARIA
/// roles of DPUB): a number or an arrow, not text.
fn is_note_link(e: &scraper::node::Element) -> bool {
    const CLASSES: &[&str] = &[
        "footnote-ref",
        "footnote-back",
        "footnote-backref",
        "reversefootnote",
    ];
    matches!(e.attr("role"), Some("doc-noteref" | "doc-backlink"))
        || e.classes().any(|c| CLASSES.contains(&c))
}

/// Leaves an element that was entered.
fn close(node: &Node, c: &mut Collector, kinds: &mut Vec<BlockKind>, pre: &mut usize) {
    if let Node::Element(e) = node {
        let name = e.name();
        if BLOCKS.contains(&name) {
            c.flush(*kinds.last().unwrap_or(&BlockKind::Paragraph));
            kinds.pop();
        }
        if name == "pre" {
            *pre = pre.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(html: &str) -> Vec<(Vec<String>, BlockKind)> {
        parse(html).into_iter().map(|b| (b.lines, b.kind)).collect()
    }

    fn l(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn blocks_breaks_and_dropped_elements() {
        let html = r#"<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head>
            <body><nav><a href="/">Home</a></nav><script>var x = "no";</script>
            <h1>本馆<b>收藏</b></h1><!-- a comment -->
            <p>First   <i>line</i><br>second
               line</p>
            <div>loose text<p>inner</p>tail</div>
            <ul><li>one<ul><li>two</li></ul></li></ul>
            <table><tr><td>a</td><td>b<br>c</td></tr></table>
            <p hidden>secret</p><pre>  keep
  lines</pre>
            <p>中文
            换行</p></body></html>"#;
        assert_eq!(
            texts(html),
            vec![
                (l(&["本馆收藏"]), BlockKind::Heading),
                (l(&["First line", "second line"]), BlockKind::Paragraph),
                (l(&["loose text"]), BlockKind::Paragraph),
                (l(&["inner"]), BlockKind::Paragraph),
                (l(&["tail"]), BlockKind::Paragraph),
                (l(&["one"]), BlockKind::ListItem),
                (l(&["two"]), BlockKind::ListItem),
                (l(&["a"]), BlockKind::TableCell),
                (l(&["b", "c"]), BlockKind::TableCell),
                (l(&["keep", "lines"]), BlockKind::Paragraph),
                (l(&["中文换行"]), BlockKind::Paragraph),
            ]
        );
    }

    #[test]
    fn a_page_of_markup_only_has_no_blocks() {
        assert!(
            parse("<html><head><script>x()</script></head><body> <nav>menu</nav></body></html>")
                .is_empty()
        );
        assert!(parse("").is_empty());
        assert!(parse("<!-- only a comment -->").is_empty());
    }

    #[test]
    fn nesting_is_estimated_from_tags() {
        assert_eq!(nesting("<div><p>a<p>b<br><img src=x/></div>"), 1);
        assert_eq!(
            nesting("<!-- <div><div> --><script>'<div><div>'</script><b><i>x</i></b>"),
            2
        );
        let deep = "<div>".repeat(MAX_DEPTH + 1);
        assert!(read(&deep).is_err());
        assert!(read(&"<div>x</div>".repeat(MAX_DEPTH + 1)).is_ok());
    }

    #[test]
    fn footnote_links_are_not_text() {
        let html = r##"<p>Items.<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a> More.</p>
            <section class="footnotes" role="doc-endnotes"><ol><li id="fn1"><p>The note.<a href="#fnref1" class="footnote-back" role="doc-backlink">↩︎</a></p></li></ol></section>"##;
        assert_eq!(
            texts(html),
            vec![
                (l(&["Items. More."]), BlockKind::Paragraph),
                (l(&["The note."]), BlockKind::Note),
            ]
        );
    }

    #[test]
    fn fragments_and_entities() {
        assert_eq!(
            texts("Tom &amp; Jerry&nbsp;&lt;3"),
            vec![(l(&["Tom & Jerry\u{a0}<3"]), BlockKind::Paragraph)]
        );
    }
}
