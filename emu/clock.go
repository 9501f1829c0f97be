package emu

import "time"

// Clock paces the machine to a clock rate: each call to Due says how many
// T-states the Z80 owes since the previous call. Fractions carry over, so a
// 4 MHz clock gives exactly 4,000,000 T-states over any second of calls.
type Clock struct {
	// CatchUp caps what a single Due call may owe (0 = MaxCatchUp). A front
	// end whose frames come 100-250 ms apart now and then on a busy host
	// raises it so the machine makes those up without visibly slowing down.
	CatchUp time.Duration

	hz      uint64 // T-states per second; 0 = unthrottled
	last    time.Time
	started bool
	rem     uint64 // nanosecond-T-state remainder, below 1e9
}

// MaxCatchUp caps what a single Due call may owe: after a stall (a
// background tab, a debugger) the machine resumes at its pace instead of
// trying to make up for the lost time.
const MaxCatchUp = 100 * time.Millisecond

// UnthrottledSlice is what Due returns for an unthrottled clock: a budget
// per call large enough to keep the host busy and small enough to keep a
// front end responsive.
const UnthrottledSlice = 20_000_000

// NewClock returns a clock running at mhz megahertz (0 = unthrottled).
func NewClock(mhz float64) *Clock {
	if mhz < 0 {
		mhz = 0
	}
	return &Clock{hz: uint64(mhz*1e6 + 0.5)}
}

// Due returns the T-states owed at time now. The first call starts the
// clock and owes nothing.
func (c *Clock) Due(now time.Time) uint64 {
	if c.hz == 0 {
		return UnthrottledSlice
	}
	if !c.started {
		c.started, c.last = true, now
		return 0
	}
	dt := now.Sub(c.last)
	c.last = now
	if dt <= 0 {
		return 0
	}
	limit := c.CatchUp
	if limit <= 0 {
		limit = MaxCatchUp
	}
	if dt > limit {
		dt = limit
		c.rem = 0
	}
	owed := uint64(dt)*c.hz + c.rem
	c.rem = owed % 1e9
	return owed / 1e9
}

// Reset forgets the time since the previous call: the next Due starts the
// clock again and owes nothing (after a pause, or when leaving turbo).
func (c *Clock) Reset() { c.started, c.rem = false, 0 }
