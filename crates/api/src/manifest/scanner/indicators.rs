//! The scanner's indicator tokens: stream and document markers, flow brackets and commas,
//! the block indicators `-`, `?` and `:` (where libyaml turns a saved simple key into KEY and
//! opens a block mapping), anchors, aliases and tags. Each is where go-yaml's "not allowed in
//! this context" problems come from, so they follow libyaml's fetch functions one for one.

use super::super::reader::{is_blankz, is_breakz};
use super::{ScalarStyle, Scanner, SimpleKey, Text, Tk, Token, MAX_FLOW_DEPTH, R};

impl Scanner<'_> {
    pub(super) fn fetch_stream_end(&mut self) -> R<()> {
        let mut mark = self.mark();
        if mark.column != 0 {
            mark.column = 0;
            mark.line = mark.line.wrapping_add(1);
            self.r.set_mark(mark);
        }
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        self.push(Tk::StreamEnd, self.mark());
        Ok(())
    }

    pub(super) fn fetch_directive(&mut self) -> R<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark();
        while !is_breakz(self.ch(0)) {
            self.skip();
        }
        self.push(Tk::Directive, start);
        Ok(())
    }

    pub(super) fn fetch_document_indicator(&mut self, kind: Tk) -> R<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark();
        for _ in 0..3 {
            self.skip();
        }
        self.push(kind, start);
        Ok(())
    }

    pub(super) fn fetch_flow_collection_start(&mut self, kind: Tk) -> R<()> {
        self.save_simple_key()?;
        if self.flow_level >= MAX_FLOW_DEPTH {
            return Err(self.r.error(self.mark(), "exceeded max depth of 200"));
        }
        self.simple_keys.push(SimpleKey::default());
        self.flow_level += 1;
        self.simple_key_allowed = true;
        self.skip_and_push(kind);
        Ok(())
    }

    pub(super) fn fetch_flow_collection_end(&mut self, kind: Tk) -> R<()> {
        self.remove_simple_key()?;
        if self.flow_level > 0 {
            self.flow_level -= 1;
            self.simple_keys.pop();
        }
        self.simple_key_allowed = false;
        self.skip_and_push(kind);
        Ok(())
    }

    pub(super) fn fetch_flow_entry(&mut self) -> R<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        self.skip_and_push(Tk::FlowEntry);
        Ok(())
    }

    /// Consumes a one-character indicator and queues its token.
    fn skip_and_push(&mut self, kind: Tk) {
        let start = self.mark();
        self.skip();
        self.push(kind, start);
    }

    /// `-` and `?` in block context: allowed only where a simple key is, and open a block
    /// collection at this column.
    fn block_indicator(&mut self, problem: &str, collection: Tk) -> R<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return Err(self.r.error(self.mark(), problem));
            }
            self.roll_indent(self.column(), None, collection, self.mark());
        }
        Ok(())
    }

    pub(super) fn fetch_block_entry(&mut self) -> R<()> {
        self.block_indicator(
            "block sequence entries are not allowed in this context",
            Tk::BlockSequenceStart,
        )?;
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        self.skip_and_push(Tk::BlockEntry);
        Ok(())
    }

    pub(super) fn fetch_key(&mut self) -> R<()> {
        self.block_indicator(
            "mapping keys are not allowed in this context",
            Tk::BlockMappingStart,
        )?;
        self.remove_simple_key()?;
        self.simple_key_allowed = self.flow_level == 0;
        self.skip_and_push(Tk::Key);
        Ok(())
    }

    pub(super) fn fetch_value(&mut self) -> R<()> {
        let key = self.simple_keys.last().copied().unwrap_or_default();
        if key.possible {
            let at = key.token_number.saturating_sub(self.tokens_parsed);
            self.insert(at, Token::bare(Tk::Key, key.mark, key.mark));
            self.roll_indent(
                key.mark.column as i64,
                Some(key.token_number),
                Tk::BlockMappingStart,
                key.mark,
            );
            if let Some(top) = self.simple_keys.last_mut() {
                top.possible = false;
            }
            self.simple_key_allowed = false;
        } else {
            self.block_indicator(
                "mapping values are not allowed in this context",
                Tk::BlockMappingStart,
            )?;
            self.simple_key_allowed = self.flow_level == 0;
        }
        self.skip_and_push(Tk::Value);
        Ok(())
    }

    /// `*name` or `&name`: the name is a source range.
    pub(super) fn fetch_anchor(&mut self, kind: Tk) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark();
        self.skip();
        let name_start = self.r.pos();
        while self.ch(0).is_ascii_alphanumeric() || self.ch(0) == '_' || self.ch(0) == '-' {
            self.skip();
        }
        let name_end = self.r.pos();
        let c = self.ch(0);
        if name_start == name_end || !(is_blankz(c) || "?:,]}%@`".contains(c)) {
            return Err(self.r.error(
                start,
                "did not find expected alphabetic or numeric character",
            ));
        }
        self.push_text(
            kind,
            ScalarStyle::Plain,
            Text::Span(name_start, name_end),
            start,
        );
        Ok(())
    }

    pub(super) fn fetch_tag(&mut self) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark();
        let tag_start = self.r.pos();
        let ends_tag = |c: char, flow: bool| is_blankz(c) || (flow && ",[]{}".contains(c));
        while !ends_tag(self.ch(0), self.flow_level > 0) {
            self.skip();
        }
        let text = Text::Span(tag_start, self.r.pos());
        self.push_text(Tk::Tag, ScalarStyle::Plain, text, start);
        Ok(())
    }
}
