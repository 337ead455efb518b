//! The simulation clock driver. The UI owns wall-clock time: each animation frame reports
//! `performance.now()`, and the driver turns the elapsed wall time × speed (1×, 5×, 20×, 60×)
//! into a target simulated time. Reaching it happens in bounded slices with a wall-clock budget
//! per frame, so a busy cluster makes the simulated clock lag rather than freeze the page
//! (the main thread never blocks for more than ~50 ms).

pub const SPEEDS: [u32; 4] = [1, 5, 20, 60];

/// A frame that arrives after a long pause (background tab, debugger) counts as at most this
/// much wall time, so returning to the tab does not jump an hour of simulated time.
pub const MAX_FRAME_GAP_MS: f64 = 250.0;

/// Simulated milliseconds advanced per slice; small enough that one slice is quick, large
/// enough that an idle cluster reaches its target in a handful of slices.
pub const SLICE_MS: u64 = 1_000;

/// Wall-clock budget for simulation work per animation frame.
pub const FRAME_BUDGET_MS: f64 = 30.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    pub playing: bool,
    pub speed: u32,
    last_wall: Option<f64>,
    /// Fractional simulated milliseconds not yet handed out (1× at 60 fps is 16.67 ms/frame).
    carry: f64,
    /// Simulated time the driver wants to reach (may run ahead of the sim when it lags).
    target: u64,
}

impl Clock {
    pub fn new(speed: u32) -> Clock {
        let speed = if SPEEDS.contains(&speed) { speed } else { 1 };
        Clock { playing: true, speed, last_wall: None, carry: 0.0, target: 0 }
    }

    pub fn set_speed(&mut self, speed: u32) {
        if SPEEDS.contains(&speed) {
            self.speed = speed;
        }
    }

    pub fn play(&mut self) {
        self.playing = true;
        self.last_wall = None;
    }

    pub fn pause(&mut self) {
        self.playing = false;
        self.last_wall = None;
    }

    /// Re-anchors the target at the sim's time (after time travel or a step).
    pub fn sync(&mut self, sim_now: u64) {
        self.target = sim_now;
        self.carry = 0.0;
    }

    /// Called once per animation frame: the simulated time to reach by the end of this frame.
    pub fn frame(&mut self, wall_ms: f64, sim_now: u64) -> u64 {
        self.target = self.target.max(sim_now);
        if !self.playing || !wall_ms.is_finite() {
            self.last_wall = None;
            return self.target;
        }
        if let Some(last) = self.last_wall {
            let gap = (wall_ms - last).clamp(0.0, MAX_FRAME_GAP_MS);
            let sim = gap * f64::from(self.speed) + self.carry;
            let whole = sim.floor();
            self.carry = sim - whole;
            self.target = self.target.saturating_add(whole as u64);
        }
        self.last_wall = Some(wall_ms);
        // A lagging simulation must not build up an ever-growing backlog: at most two seconds
        // of wall time's worth of simulated time may be outstanding.
        let max_lead = (2_000 * u64::from(self.speed)).max(SLICE_MS);
        self.target = self.target.min(sim_now.saturating_add(max_lead));
        self.target
    }
}

/// Advances toward `target` in slices of `SLICE_MS`, calling `advance(to)` for each, until it
/// is reached or `elapsed()` (wall ms since the frame began) exceeds the budget. Returns the
/// simulated time reached.
pub fn drive(from: u64, target: u64, mut elapsed: impl FnMut() -> f64, mut advance: impl FnMut(u64)) -> u64 {
    let mut now = from;
    while now < target {
        let next = now.saturating_add(SLICE_MS).min(target);
        advance(next);
        now = next;
        if elapsed() > FRAME_BUDGET_MS {
            break;
        }
    }
    now
}

/// `HH:MM:SS` of simulated time since cluster start (the clock display and slider labels).
pub fn format_sim(ms: u64) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_time_times_speed_becomes_sim_time() {
        let mut c = Clock::new(5);
        assert_eq!(c.frame(1000.0, 0), 0);
        assert_eq!(c.frame(1100.0, 0), 500);
        c.set_speed(60);
        assert_eq!(c.frame(1200.0, 500), 6_500);
    }

    #[test]
    fn fractions_carry_over_frames() {
        let mut c = Clock::new(1);
        c.frame(0.0, 0);
        let mut t = 0;
        for i in 1..=60 {
            t = c.frame(i as f64 * 16.666_666, t);
        }
        assert!((999..=1000).contains(&t), "{t}");
    }

    #[test]
    fn paused_clock_and_long_gaps() {
        let mut c = Clock::new(1);
        c.pause();
        assert_eq!(c.frame(0.0, 10), 10);
        assert_eq!(c.frame(5000.0, 10), 10);
        c.play();
        c.frame(6000.0, 10);
        assert_eq!(c.frame(60_000.0, 10), 10 + MAX_FRAME_GAP_MS as u64);
        assert_eq!(c.frame(f64::NAN, 10), 260);
    }

    #[test]
    fn lag_is_bounded() {
        let mut c = Clock::new(60);
        c.frame(0.0, 0);
        for i in 1..100 {
            c.frame(i as f64 * 200.0, 0);
        }
        assert_eq!(c.frame(20_000.0, 0), 120_000);
    }

    #[test]
    fn drive_slices_and_respects_budget() {
        let mut seen = Vec::new();
        assert_eq!(drive(0, 2_500, || 0.0, |t| seen.push(t)), 2_500);
        assert_eq!(seen, [1_000, 2_000, 2_500]);
        let mut calls = 0;
        let mut wall = 0.0;
        let reached = drive(0, 100_000, || { wall += 20.0; wall }, |_| calls += 1);
        assert_eq!((reached, calls), (2_000, 2));
    }

    #[test]
    fn sim_time_formats_as_clock() {
        assert_eq!(format_sim(0), "00:00:00");
        assert_eq!(format_sim(3_723_000), "01:02:03");
    }
}
