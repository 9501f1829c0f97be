package pace

import "time"

// Clock says how many T-states the machine owes at each tick of a rate.
// It is emu.Clock with the catch-up limit chosen by the front end: a
// browser tab on a busy machine sees frames 100-250 ms apart now and then,
// and the machine should make up for those without visibly slowing down,
// while a tab that was hidden for minutes must not try to make up minutes.
type Clock struct {
	hz    uint64
	limit time.Duration
	last  time.Time
	rem   uint64 // carried fraction, in T-state nanoseconds (below 1e9)
}

// NewClock returns a clock at mhz that owes at most limit's worth of
// T-states at once.
func NewClock(mhz float64, limit time.Duration) *Clock {
	return &Clock{hz: uint64(mhz*1e6 + 0.5), limit: limit}
}

// Due returns the T-states owed since the previous call (none at the
// first). Fractions carry over, so the total over any span of calls is
// exact as long as no gap exceeds the limit.
func (c *Clock) Due(now time.Time) uint64 {
	if c.last.IsZero() {
		c.last = now
		return 0
	}
	dt := now.Sub(c.last)
	c.last = now
	if dt <= 0 {
		return 0
	}
	if dt > c.limit {
		dt, c.rem = c.limit, 0
	}
	owed := uint64(dt)*c.hz + c.rem
	c.rem = owed % 1e9
	return owed / 1e9
}

// Reset forgets the time since the previous call: the next Due owes
// nothing (after a pause, or when leaving turbo).
func (c *Clock) Reset() { c.last = time.Time{}; c.rem = 0 }
