//! The fast reader's one-line flow collections (`[a, b]`, `{k: v, w: [x]}`): entries of
//! plain or quoted scalars and nested flow collections, closed on the line they open. A
//! mapping entry without a value, a `k: v` pair inside a sequence, a comment or a line break
//! inside, or a plain scalar libyaml would cut at `?` are left to the full parser.

use super::{Fast, Kind, F, MAX_KEY_BYTES};

/// libyaml's flow indicators, which end a plain scalar in flow context.
fn flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'?' | b'[' | b']' | b'{' | b'}')
}

/// Whether `c` (followed by `next`) starts a plain scalar in flow context: `?` and `:` are
/// always indicators there.
fn flow_plain_start(c: u8, next: u8) -> bool {
    match c {
        b'-' => !super::is_blankz(next),
        b'?' | b':' => false,
        _ => super::plain_start(c, next),
    }
}

impl Fast<'_> {
    /// A flow sequence or mapping whose opening bracket is at the cursor.
    pub(super) fn flow(&mut self, map: bool) -> F<()> {
        let me = self.open(if map { Kind::Map } else { Kind::Seq })?;
        let close = if map { b'}' } else { b']' };
        self.pos += 1;
        let mut children = 0u32;
        loop {
            self.skip_spaces();
            if self.peek(0) == close {
                self.pos += 1;
                break;
            }
            if map {
                self.flow_pair(close)?;
                children += 2;
            } else {
                self.flow_node()?;
                children += 1;
                self.skip_spaces();
                if self.peek(0) == b':' {
                    return None;
                }
            }
            self.skip_spaces();
            match self.peek(0) {
                // A trailing `,` before the closer is allowed, as in libyaml.
                b',' => self.pos += 1,
                c if c == close => {
                    self.pos += 1;
                    break;
                }
                _ => return None,
            }
        }
        self.close(me, children);
        Some(())
    }

    /// `key: value` inside a flow mapping; the key is a scalar.
    fn flow_pair(&mut self, close: u8) -> F<()> {
        let key_start = self.pos;
        match self.peek(0) {
            b'"' | b'\'' => self.quoted()?,
            _ => self.flow_plain()?,
        }
        if self.nodes.last().is_some_and(|k| k.kind == Kind::Plain)
            && self.src.get(key_start..self.pos) == Some(b"<<")
        {
            return None;
        }
        self.skip_spaces();
        if self.peek(0) != b':' || self.pos - key_start > MAX_KEY_BYTES {
            return None;
        }
        self.pos += 1;
        self.skip_spaces();
        let c = self.peek(0);
        if c == b',' || c == close || super::is_blankz(c) || c == b'#' {
            return None;
        }
        self.flow_node()
    }

    fn flow_node(&mut self) -> F<()> {
        match self.peek(0) {
            b'[' => self.flow(false),
            b'{' => self.flow(true),
            b'"' | b'\'' => self.quoted(),
            _ => self.flow_plain(),
        }
    }

    /// A plain scalar in flow context: words separated by spaces up to a flow indicator or
    /// a `:` that ends it; a line break or comment inside the collection is declined.
    fn flow_plain(&mut self) -> F<()> {
        let start = self.pos;
        if !flow_plain_start(self.peek(0), self.peek(1)) {
            return None;
        }
        let mut j = start;
        let mut end = start;
        loop {
            match self.byte(j) {
                b'\n' | 0 => return None,
                b'#' if self.byte(j - 1) == b' ' => return None,
                b':' if super::is_blankz(self.byte(j + 1)) || flow_indicator(self.byte(j + 1)) => {
                    break
                }
                b if flow_indicator(b) => break,
                b' ' => {}
                _ => end = j + 1,
            }
            j += 1;
        }
        self.plain(start, end)?;
        self.pos = end;
        Some(())
    }
}
