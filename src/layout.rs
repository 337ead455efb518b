//! Panel sizes of the workspace: three splitters (lesson pane width, editor height, terminal
//! width beside the cluster view) in per-mille, moved by dragging or by the arrow keys, kept
//! within bounds so no panel can vanish, and written out as CSS custom properties.

use crate::persist::Layout;

/// Which splitter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// Between the lesson pane and the workspace (moves horizontally).
    Lesson,
    /// Below the editor (moves vertically).
    Editor,
    /// Between the terminal and the cluster view (moves horizontally).
    Terminal,
}

/// Smallest and largest share of each splitter (per-mille).
pub const MIN_PERMILLE: u32 = 120;
pub const MAX_PERMILLE: u32 = 850;
/// One arrow-key press.
pub const KEY_STEP_PERMILLE: u32 = 20;

impl Split {
    pub const ALL: [Split; 3] = [Split::Lesson, Split::Editor, Split::Terminal];

    pub fn name(self) -> &'static str {
        match self {
            Split::Lesson => "lesson",
            Split::Editor => "editor",
            Split::Terminal => "terminal",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Split::Lesson => "Resize the lesson pane",
            Split::Editor => "Resize the editor",
            Split::Terminal => "Resize the terminal",
        }
    }

    /// ARIA orientation of the separator line itself.
    pub fn vertical(self) -> bool {
        self != Split::Editor
    }
}

fn clamp(v: i64) -> u32 {
    v.clamp(i64::from(MIN_PERMILLE), i64::from(MAX_PERMILLE)) as u32
}

impl Layout {
    pub fn get(&self, s: Split) -> u32 {
        match s {
            Split::Lesson => self.lesson_permille,
            Split::Editor => self.editor_permille,
            Split::Terminal => self.terminal_permille,
        }
    }

    /// Sets a splitter (clamped).
    pub fn set(&mut self, s: Split, permille: i64) {
        let v = clamp(permille);
        match s {
            Split::Lesson => self.lesson_permille = v,
            Split::Editor => self.editor_permille = v,
            Split::Terminal => self.terminal_permille = v,
        }
    }

    /// Arrow keys: ←/↑ shrink, →/↓ grow, Home/End to the bounds. Returns whether it moved.
    pub fn key(&mut self, s: Split, key: &str) -> bool {
        let v = i64::from(self.get(s));
        let step = i64::from(KEY_STEP_PERMILLE);
        let next = match key {
            "ArrowLeft" | "ArrowUp" => v - step,
            "ArrowRight" | "ArrowDown" => v + step,
            "Home" => i64::from(MIN_PERMILLE),
            "End" => i64::from(MAX_PERMILLE),
            _ => return false,
        };
        self.set(s, next);
        true
    }

    /// A drag: the pointer at `pos` pixels from the start of the splitter's range of `span`
    /// pixels (the page for the lesson pane, the workspace area for the others).
    pub fn drag(&mut self, s: Split, pos: i64, span: i64) {
        if span > 0 {
            self.set(s, pos.saturating_mul(1000) / span);
        }
    }

    /// The CSS custom properties the workspace grid reads.
    pub fn css_vars(&self) -> String {
        let pct = |p: u32| format!("{}.{}%", p / 10, p % 10);
        format!("--lesson-w:{};--editor-h:{};--term-frac:{}.{:03}", pct(self.lesson_permille), pct(self.editor_permille), self.terminal_permille / 1000, self.terminal_permille % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_move_within_bounds() {
        let mut l = Layout::default();
        let start = l.get(Split::Lesson);
        assert!(l.key(Split::Lesson, "ArrowRight"));
        assert_eq!(l.get(Split::Lesson), start + KEY_STEP_PERMILLE);
        assert!(l.key(Split::Editor, "End"));
        assert_eq!(l.get(Split::Editor), MAX_PERMILLE);
        l.key(Split::Editor, "ArrowDown");
        assert_eq!(l.get(Split::Editor), MAX_PERMILLE);
        l.key(Split::Terminal, "Home");
        l.key(Split::Terminal, "ArrowLeft");
        assert_eq!(l.get(Split::Terminal), MIN_PERMILLE);
        assert!(!l.key(Split::Terminal, "a"));
    }

    #[test]
    fn drags_are_fractions_of_their_span() {
        let mut l = Layout::default();
        l.drag(Split::Lesson, 400, 1600);
        assert_eq!(l.lesson_permille, 250);
        l.drag(Split::Terminal, -50, 1000);
        assert_eq!(l.terminal_permille, MIN_PERMILLE);
        l.drag(Split::Editor, 10, 0);
        assert_eq!(l.editor_permille, Layout::default().editor_permille);
    }

    #[test]
    fn css_carries_every_size() {
        let l = Layout { lesson_permille: 285, editor_permille: 400, terminal_permille: 505 };
        assert_eq!(l.css_vars(), "--lesson-w:28.5%;--editor-h:40.0%;--term-frac:0.505");
    }
}
