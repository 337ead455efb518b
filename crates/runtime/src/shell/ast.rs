//! The shell's syntax tree: words made of quoted/unquoted parts and expansions, simple
//! commands with assignments and redirections, and the compound commands (if, loops, case,
//! groups, functions). Produced by `parse`, executed by `vm`.

use std::sync::Arc;

/// A piece of a word. Quoting decides splitting and globbing at expansion time.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Unquoted literal text (globbed, not split).
    Lit(String),
    /// Text from single quotes or backslash escapes: taken as is.
    Quoted(String),
    /// Double-quoted parts: expansions inside are not split or globbed.
    Double(Vec<Part>),
    /// `$name`, `${name}`, `$1`, `$?`, `$$`, `$#`, `$@`, `$*`.
    Var(String),
    /// `${name<op>word}` / `${#name}`.
    Param { name: String, op: String, word: Vec<Part> },
    /// `$(...)` or backticks.
    Subst(Arc<List>),
    /// `$((...))` with its raw expression (expanded before evaluation).
    Arith(Vec<Part>),
}

pub type Word = Vec<Part>;

#[derive(Clone, Debug, PartialEq)]
pub enum RedirOp {
    Out,
    Append,
    In,
    /// `n>&m` / `n<&m`.
    Dup,
    /// `<<EOF` body (already read).
    HereDoc,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Redir {
    pub fd: u32,
    pub op: RedirOp,
    pub target: Word,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Simple {
    pub assigns: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirs: Vec<Redir>,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cmd {
    Simple(Simple),
    /// `{ ...; }` (same environment) or `( ... )` (subshell) with redirections.
    Group { body: Arc<List>, subshell: bool, redirs: Vec<Redir> },
    If { arms: Vec<(Arc<List>, Arc<List>)>, otherwise: Option<Arc<List>>, redirs: Vec<Redir> },
    Loop { until: bool, cond: Arc<List>, body: Arc<List>, redirs: Vec<Redir> },
    For { var: String, items: Option<Vec<Word>>, body: Arc<List>, redirs: Vec<Redir> },
    Case { word: Word, arms: Vec<(Vec<Word>, Arc<List>)>, redirs: Vec<Redir> },
    Func { name: String, body: Arc<Cmd> },
}

/// `a | b | c`, maybe negated with `!`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub negate: bool,
    pub cmds: Vec<Cmd>,
}

/// `p1 && p2 || p3`.
#[derive(Clone, Debug, PartialEq)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(bool, Pipeline)>, // (is_and, pipeline)
    pub background: bool,
}

/// A sequence of and-or lists.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct List {
    pub items: Vec<AndOr>,
}
