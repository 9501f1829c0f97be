// Command cpm runs CP/M 2.2 programs in a terminal, on the project's
// emulated Z80 machine (package emu), like iz-cpm:
//
//	go run ./tools/cpm [flags] FILE.COM [command tail]   run one program
//	go run ./tools/cpm [flags] -ccp [FILE.COM [tail]]    the A> prompt (after FILE)
//	go run ./tools/cpm [flags]                           the A> prompt
//
// Standard input feeds the console: line by line when it is not a terminal
// (each line is handed over when the program asks for input), raw keys when
// it is (the arrow keys, Home, End, Delete and Esc are the machine's keys;
// Ctrl-D on an empty line ends the runner; Ctrl-\ quits at once). Standard
// output shows the console output: as is when it is piped, with the ADM-3A
// and VT52 screen codes translated to ANSI when it is a terminal.
//
// With FILE.COM and no -ccp, the runner ends when the program does. At the
// A> prompt (-ccp, or no file) it ends when the input does: programs that
// leave work for the next command (SUBMIT's $$$.SUB) run as on a real
// machine.
//
// Drive A: is -disk DIR when given (changes are written there unless -ro),
// else a copy of the directory holding FILE.COM (or of the current
// directory) that the programs may change in memory only. Files whose
// names do not fit CP/M's 8.3 form, or that do not fit the 4 MB drive,
// are left out; subdirectories 1 to 15 hold the files of those user
// numbers.
//
// Flags:
//
//	-mhz F           clock rate in MHz (default 4; 0 = as fast as the host can)
//	-disk DIR        map host directory DIR as drive A:
//	-ro              drive A: is read-only
//	-ccp             boot to the A> prompt (FILE.COM, if given, runs first)
//	-max-tstates N   stop after N T-states (0 = never)
//	-stats           for each input line the program consumes, print on
//	                 stderr "tstates=N chars=M" once the program asks for the
//	                 next line or exits: N T-states executed after the line
//	                 was handed over, M characters printed meanwhile (one
//	                 program, piped input); at the end "total tstates=N" and
//	                 the calls of BDOS functions CP/M 2.2 does not have
//
// Exit status: 0 when the program (or the input) ends, 1 on a fault or
// error, 2 at the T-state limit.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/term"

	"z80ulm/emu"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// options are the runner's flags and arguments.
type options struct {
	mhz          float64
	disk         string
	readOnly     bool
	ccp          bool
	maxT         uint64
	stats        bool
	path, tail   string
	com          []byte
	stdout       io.Writer
	stderr       io.Writer
	nl           string // "\r\n" while a terminal is in raw mode
	rawTerminal  bool
	rawInputFile *os.File
	restore      func() // puts the terminal back out of raw mode
}

func run(args []string, stdin *os.File, stdout io.Writer, stderr io.Writer) int {
	fl := flag.NewFlagSet("cpm", flag.ContinueOnError)
	fl.SetOutput(stderr)
	o := options{stdout: stdout, stderr: stderr, nl: "\n"}
	fl.Float64Var(&o.mhz, "mhz", 4, "clock rate in MHz (0 = unthrottled)")
	fl.StringVar(&o.disk, "disk", "", "host directory mapped as drive A: (default: a copy of FILE.COM's directory, in memory)")
	fl.BoolVar(&o.readOnly, "ro", false, "drive A: is read-only")
	fl.Bool("writable", true, "drive A: is writable (the default; kept for old command lines)")
	fl.BoolVar(&o.ccp, "ccp", false, "boot to the A> prompt (FILE.COM, if given, runs first)")
	fl.Uint64Var(&o.maxT, "max-tstates", 0, "stop after this many T-states (0 = never)")
	fl.BoolVar(&o.stats, "stats", false, "print T-states and characters per input line on stderr")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: cpm [flags] [FILE.COM [command tail]]")
		fmt.Fprintln(stderr, "  with no FILE.COM, or with -ccp, the machine boots to the A> prompt")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 1
	}
	dir := "."
	if fl.NArg() > 0 {
		o.path = fl.Arg(0)
		o.tail = strings.Join(fl.Args()[1:], " ")
		var err error
		if o.com, err = os.ReadFile(o.path); err != nil {
			fmt.Fprintf(stderr, "cpm: %v\n", err)
			return 1
		}
		dir = filepath.Dir(o.path)
	}
	files, out := os.DirFS(dir), io.Writer(stdout)
	if o.disk != "" {
		files = nil
	}
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		out = &ansiWriter{w: stdout}
	}
	if fd := int(stdin.Fd()); term.IsTerminal(fd) {
		old, err := term.MakeRaw(fd)
		if err != nil {
			fmt.Fprintf(stderr, "cpm: %v\n", err)
			return 1
		}
		o.restore = func() { term.Restore(fd, old) }
		defer o.restore()
		o.nl, o.rawTerminal, o.rawInputFile = "\r\n", true, stdin
	}
	if o.com != nil && !o.ccp && !o.rawTerminal {
		return o.runOne(files, out, stdin)
	}
	var in input = lineInput(lines(bufio.NewReader(stdin)))
	if o.rawTerminal {
		in = rawKeys(o.rawInputFile, func() {
			o.restore()
			fmt.Fprint(o.stderr, "\r\ncpm: quit\n")
		})
	}
	return o.runMachine(files, out, in)
}

// runOne runs one program with piped input, line by line (RunStream).
func (o *options) runOne(files fs.FS, out io.Writer, stdin io.Reader) int {
	opt := emu.StreamOptions{
		Tail:       o.tail,
		MaxTStates: o.maxT,
		MHz:        o.mhz,
		Out:        out,
		Input:      lines(bufio.NewReader(stdin)),
	}
	if o.disk != "" {
		opt.HostDir, opt.Writable = o.disk, !o.readOnly
	} else {
		opt.Files = files
	}
	if o.stats {
		opt.OnLine = func(l emu.LineStat) {
			fmt.Fprintf(o.stderr, "tstates=%d chars=%d%s", l.TStates, l.Chars, o.nl)
		}
	}
	res, err := emu.RunStream(o.com, opt)
	if o.stats {
		o.printTotals(res.TStates, res.UnknownBDOS)
	}
	switch {
	case err != nil:
		fmt.Fprintf(o.stderr, "cpm: %s: %v\n", o.path, err)
		return 1
	case res.Fault != nil:
		fmt.Fprintf(o.stderr, "\r\ncpm: %s: %v\n", o.path, res.Fault)
		return 1
	case res.Reason == emu.ReasonLimit:
		fmt.Fprintf(o.stderr, "\r\ncpm: %s: stopped after %d T-states (-max-tstates)\n", o.path, res.TStates)
		return 2
	}
	return 0
}

func (o *options) printTotals(t uint64, unknown map[byte]int) {
	fmt.Fprintf(o.stderr, "total tstates=%d%s", t, o.nl)
	if len(unknown) == 0 {
		return
	}
	var fns []int
	for f := range unknown {
		fns = append(fns, int(f))
	}
	sort.Ints(fns)
	var parts []string
	for _, f := range fns {
		parts = append(parts, fmt.Sprintf("%d (%dx)", f, unknown[byte(f)]))
	}
	fmt.Fprintf(o.stderr, "unknown BDOS functions (returned 0): %s%s", strings.Join(parts, ", "), o.nl)
}

// idleGrace is how long a program found idle may go on polling after the
// input has ended before the runner ends (5 s of a 4 MHz Z80), as emu's
// RunStream does.
const idleGrace = 20_000_000

// runMachine runs the whole machine: the A> prompt, or one program from it
// when the input is a terminal (raw keys). It is paced by emu.Clock in 10 ms steps;
// while the machine waits for a key the time still goes to it (an idle
// program polls on, a read turns R).
func (o *options) runMachine(files fs.FS, out io.Writer, in input) int {
	alone := o.com != nil && !o.ccp
	// One program alone shows only its own output, not the sign-on line.
	gate := &gatedWriter{w: out, open: !alone}
	cfg := emu.Config{Output: gate, CtrlDEnds: o.rawTerminal}
	if o.disk != "" {
		cfg.HostDir, cfg.Writable = o.disk, !o.readOnly
	} else {
		cfg.Files = files
	}
	m, err := emu.New(cfg)
	if err != nil {
		fmt.Fprintf(o.stderr, "cpm: %v\n", err)
		return 1
	}
	gate.open = true
	if o.com != nil {
		name := strings.ToUpper(strings.TrimSuffix(filepath.Base(o.path), filepath.Ext(o.path)))
		if err := m.Start(o.com, name, o.tail); err != nil {
			fmt.Fprintf(o.stderr, "cpm: %s: %v\n", o.path, err)
			return 1
		}
	}
	clock := emu.NewClock(o.mhz)
	clock.Due(time.Now())
	var waitedFrom uint64 // T-state count when the input ended with the machine waiting
	ended := false
	for {
		owed := clock.Due(time.Now())
		if o.maxT > 0 {
			owed = min(owed, o.maxT-min(o.maxT, m.TStates()))
		}
		t0 := m.TStates()
		st := m.RunFor(owed)
		switch {
		case alone && m.Program() == "":
			return o.finish(m)
		case m.Ended():
			return o.finish(m)
		case o.maxT > 0 && m.TStates() >= o.maxT:
			fmt.Fprintf(o.stderr, "%scpm: stopped after %d T-states (-max-tstates)%s", o.nl, m.TStates(), o.nl)
			return 2
		}
		if st != emu.Waiting {
			waitedFrom = 0
			if o.mhz > 0 {
				time.Sleep(10 * time.Millisecond)
			}
			continue
		}
		if ended {
			// The input is over: a read waits for good; an idle program
			// gets idleGrace T-states to show it was not idle.
			if m.TStates() == t0 || waitedFrom != 0 && m.TStates()-waitedFrom >= idleGrace {
				return o.finish(m)
			}
			if waitedFrom == 0 {
				waitedFrom = m.TStates()
			}
			continue
		}
		keys, err := in.next(20 * time.Millisecond)
		o.deliver(m, keys)
		if errors.Is(err, io.EOF) {
			ended = true
		} else if err != nil {
			fmt.Fprintf(o.stderr, "cpm: %v%s", err, o.nl)
			return 1
		}
	}
}

// deliver types keys into the machine: characters with Type, the terminal
// sequences of the arrow keys, Home, End and Delete with PressKey.
func (o *options) deliver(m *emu.Machine, keys []byte) {
	for len(keys) > 0 {
		if k, n := decodeKey(keys); n > 0 {
			m.PressKey(k)
			keys = keys[n:]
			continue
		}
		i := 1
		for i < len(keys) && keys[i] != 0x1B {
			i++
		}
		m.Type(string(keys[:i]))
		keys = keys[i:]
	}
}

// finish ends the runner: the totals for -stats, and status 1 if the last
// program faulted.
func (o *options) finish(m *emu.Machine) int {
	if o.stats {
		o.printTotals(m.TStates(), m.UnknownBDOS())
	}
	if f := m.Fault(); f != nil {
		fmt.Fprintf(o.stderr, "%scpm: %s: %v%s", o.nl, o.path, f, o.nl)
		return 1
	}
	return 0
}

// gatedWriter passes writes on once it is open.
type gatedWriter struct {
	w    io.Writer
	open bool
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	if !g.open {
		return len(p), nil
	}
	return g.w.Write(p)
}

// input hands over keys: next waits up to wait for some (and returns what
// there is, possibly nothing); io.EOF when no more will come.
type input interface {
	next(wait time.Duration) ([]byte, error)
}

// lines hands over standard input one line at a time; a line end is typed
// as CR, the Return key of a CP/M terminal.
func lines(r *bufio.Reader) func(bool) ([]byte, error) {
	return func(bool) ([]byte, error) {
		s, err := r.ReadString('\n')
		s = strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r")
		keys := []byte(s)
		if err == nil {
			keys = append(keys, '\r')
		}
		return keys, err
	}
}

// lineInput is lines as an input: a pipe has its next line at once (or
// at its end), so the wait does not matter.
type lineInput func(bool) ([]byte, error)

func (l lineInput) next(time.Duration) ([]byte, error) { return l(true) }

// rawInput reads a terminal in raw mode in the background.
type rawInput struct {
	ch   chan byte
	done chan struct{}
}

// rawKeys starts reading f; Ctrl-\ calls quit and exits at once.
func rawKeys(f *os.File, quit func()) *rawInput {
	r := &rawInput{ch: make(chan byte, 4096), done: make(chan struct{})}
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := f.Read(buf)
			for _, b := range buf[:n] {
				if b == 0x1C {
					quit()
					os.Exit(130)
				}
				r.ch <- b
			}
			if err != nil {
				close(r.done)
				return
			}
		}
	}()
	return r
}

func (r *rawInput) next(wait time.Duration) ([]byte, error) {
	var keys []byte
	select {
	case b := <-r.ch:
		keys = append(keys, b)
	case <-r.done:
		return nil, io.EOF
	case <-time.After(wait):
		return nil, nil
	}
	// A terminal's key sequence arrives in one piece: take what follows.
	for {
		select {
		case b := <-r.ch:
			keys = append(keys, b)
		case <-time.After(2 * time.Millisecond):
			return keys, nil
		}
	}
}
