package emu

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math"
	"strings"
	"time"
)

// RunOptions control RunCOM.
type RunOptions struct {
	Tail       string // command tail, upper-cased like the CCP does
	Input      string // console input bytes, consumed in order
	MaxTStates uint64 // stop after this many T-states; 0 = no limit
	Files      fs.FS  // drive A: contents (copied into memory); nil = empty
}

// Result is what a run did.
type Result struct {
	Output  []byte // all console output (RunCOM only; RunStream writes it to Out)
	TStates uint64
	Reason  string // "exit", "input exhausted", "t-state limit" or "fault"
	Fault   error  // non-nil if the program faulted (a *Fault)
	Lines   []LineStat
	// UnknownBDOS counts the calls of BDOS functions CP/M 2.2 does not
	// have, by number (they return 0 in A and HL, as in CP/M).
	UnknownBDOS map[byte]int
}

// LineStat describes one input line the program consumed: the T-states
// executed from the moment the line was handed over until the program asked
// for the next line (or stopped), and the characters it printed meanwhile
// (the BDOS's echo of the typed line is not counted: on a real terminal it
// appears while the line is typed, before Return hands it over).
type LineStat struct {
	Line    string // without its line end
	TStates uint64
	Chars   int
}

// Reasons a run ends.
const (
	ReasonExit      = "exit"
	ReasonExhausted = "input exhausted"
	ReasonLimit     = "t-state limit"
	ReasonFault     = "fault"
)

// RunCOM runs a CP/M program directly, without the CCP: com is loaded at
// 0100h with the command tail, and Input is typed into the console one line
// at a time: a line is handed over when the program wants to read and the
// previous one is used up (a read with BDOS 1 or 10 or BIOS CONIN, or a
// program found idle, polling the keyboard with nothing else to do). Line
// ends "\n" and "\r\n" are typed as CR, as a terminal's Return key sends.
// When the input is used up and the program waits for more (it reads, or
// it stays idle for idleGrace T-states), the run ends with "input
// exhausted". The error is for bad options only; a program's own failure
// is Result.Fault.
func RunCOM(com []byte, opt RunOptions) (Result, error) {
	lines := splitInput(opt.Input)
	var out bytes.Buffer
	res, err := RunStream(com, StreamOptions{
		Tail: opt.Tail, MaxTStates: opt.MaxTStates, Files: opt.Files, Out: &out,
		Input: func(bool) ([]byte, error) {
			if len(lines) == 0 {
				return nil, io.EOF
			}
			l := lines[0]
			lines = lines[1:]
			return l, nil
		},
	})
	res.Output = out.Bytes()
	return res, err
}

// StreamOptions control RunStream.
type StreamOptions struct {
	Tail       string
	MaxTStates uint64 // 0 = no limit
	Files      fs.FS  // drive A: contents, or
	HostDir    string // a host directory mapped as A:
	Writable   bool   // let the program change HostDir
	MHz        float64
	Out        io.Writer // console output, written as the program prints
	// Input is asked for keys when the program wants some and the queue is
	// empty. With block set it should wait until it has some; without, it
	// returns what is there (possibly nothing). io.EOF: no more will come.
	Input func(block bool) ([]byte, error)
	// OnLine, if set, is called as each LineStat is complete.
	OnLine func(LineStat)
	// CtrlDEnds makes ^D typed on an empty line of a BDOS 10 read end the
	// input, as a terminal's end of file.
	CtrlDEnds bool
}

// idleGrace is how long a program found idle may go on polling after the
// input has ended before RunStream ends it (5 s of a 4 MHz Z80): a program
// that only looked idle prints or reads before then.
const idleGrace = 20_000_000

// RunStream runs a CP/M program directly (no CCP) with its console on a
// stream: keys come from opt.Input as the program asks for them, output goes
// to opt.Out as it is printed, and the machine is paced to opt.MHz (0 = as
// fast as the host can). Keys Input returns up to a CR make one line of
// Result.Lines. The run ends when the program exits or faults, when it
// waits for a key after Input said io.EOF (a read, or idle polling for
// idleGrace T-states), or at MaxTStates.
func RunStream(com []byte, opt StreamOptions) (res Result, err error) {
	d, err := newDrive(opt.Files, opt.HostDir, opt.Writable)
	if err != nil {
		return Result{}, err
	}
	c := newCore()
	c.bdos.disk = d
	w := bufio.NewWriter(io.Discard)
	if opt.Out != nil {
		w = bufio.NewWriter(opt.Out)
	}
	printed := 0
	c.out = func(b byte) {
		w.WriteByte(b)
		printed++
	}

	// Pacing: wall time and T-states at the last reference point.
	var hz float64
	if opt.MHz > 0 {
		hz = opt.MHz * 1e6
	}
	wall0, t0 := time.Now(), uint64(0)

	// The open LineStat; lineEnded once its line's CR has been handed over.
	// Keys handed over in pieces (raw keyboard input) add to one line until
	// a CR ends it; the stat closes when the program next asks for input.
	open, lineEnded := false, false
	var start uint64
	var startChars, startEchoes int
	closeLine := func() {
		if open {
			st := &res.Lines[len(res.Lines)-1]
			st.TStates = c.t - start
			st.Chars = printed - startChars - (c.echoes - startEchoes)
			open = false
			if opt.OnLine != nil {
				w.Flush()
				opt.OnLine(*st)
			}
		}
	}
	eof := false
	var inErr error
	take := func(block bool) bool {
		if lineEnded {
			closeLine()
		}
		if eof {
			return false
		}
		w.Flush()
		keys, err := opt.Input(block)
		if err != nil {
			eof = true
			if !errors.Is(err, io.EOF) {
				inErr = err
			}
		}
		if len(keys) == 0 {
			return false
		}
		c.keys.push(keys)
		if !open {
			res.Lines = append(res.Lines, LineStat{})
			open, start, startChars, startEchoes = true, c.t, printed, c.echoes
		}
		st := &res.Lines[len(res.Lines)-1]
		st.Line += string(keys)
		lineEnded = keys[len(keys)-1] == keyCR
		st.Line = strings.TrimSuffix(st.Line, "\r")
		wall0, t0 = time.Now(), c.t // time spent waiting for input is not owed
		return true
	}
	c.starve = take
	c.edit.ctrlDEnds = opt.CtrlDEnds

	if err := c.load(com, opt.Tail); err != nil {
		var f *Fault
		if errors.As(err, &f) {
			return Result{Reason: ReasonFault, Fault: f}, nil
		}
		return Result{}, err
	}
	limit := opt.MaxTStates
	if limit == 0 {
		limit = math.MaxUint64
	}
	slice := uint64(10_000_000)
	if hz > 0 {
		slice = uint64(hz / 100) // 10 ms of machine time
	}
	var s stop
loop:
	for {
		next := limit
		if limit-c.t > slice {
			next = c.t + slice
		}
		s = c.runSafe(next)
		switch s {
		case stopBudget:
			if c.t >= limit {
				break loop
			}
			w.Flush()
			if hz > 0 {
				due := wall0.Add(time.Duration(float64(c.t-t0) / hz * 1e9))
				if d := time.Until(due); d > 0 {
					time.Sleep(d)
				}
			}
			if c.polls.idle {
				if eof && c.t-c.polls.since >= idleGrace {
					s = stopWait
					break loop
				}
				if hz == 0 && !eof {
					time.Sleep(10 * time.Millisecond) // idle and unthrottled: do not spin the host
				}
			}
		case stopIdle:
			// Found idle: hand over what input there is; the program
			// goes on polling either way.
			if !eof {
				take(false)
			}
		case stopWait:
			// A read found no key: wait for one.
			if eof || c.ended || !take(true) {
				break loop
			}
		default:
			break loop
		}
	}
	switch s {
	case stopExit:
		res.Reason = ReasonExit
	case stopWait:
		res.Reason = ReasonExhausted
	case stopBudget:
		res.Reason = ReasonLimit
	default:
		res.Reason = ReasonFault
		res.Fault = c.fault
	}
	closeLine()
	res.TStates = c.t
	if len(c.bdos.unknown) > 0 {
		res.UnknownBDOS = copyCounts(c.bdos.unknown)
	}
	if err := w.Flush(); err != nil {
		return res, err
	}
	return res, inErr
}

// runSafe is run with a guard: a panic from the Z80 core (it should never
// happen) becomes a fault instead of reaching the caller.
func (c *core) runSafe(limit uint64) (s stop) {
	defer func() {
		if r := recover(); r != nil {
			c.faultf("internal error: %v", r)
			s = stopFault
		}
	}()
	return c.run(limit)
}

// splitInput cuts console input into lines at "\n", "\r\n" or "\r"; each
// line is typed with CR at its end (a last line without an end has none).
func splitInput(s string) [][]byte {
	var out [][]byte
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' && s[i] != '\r' {
			i++
		}
		l := []byte(s[:i])
		if i < len(s) {
			l = append(l, keyCR)
			if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			i++
		}
		out = append(out, l)
		s = s[i:]
	}
	return out
}
