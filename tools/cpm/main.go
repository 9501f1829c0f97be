// Command cpm runs a CP/M 2.2 program in a terminal, on the project's
// emulated Z80 machine (package emu), like iz-cpm:
//
//	go run ./tools/cpm [flags] FILE.COM [command tail]
//
// Standard input feeds the console: line by line when it is not a terminal
// (each line is handed over when the program asks for input), raw keys when
// it is (Ctrl-\ quits). Standard output shows the console output: as is
// when it is piped, with the ADM-3A and VT52 screen codes translated to
// ANSI when it is a terminal.
//
// Flags:
//
//	-mhz F           clock rate in MHz (default 4; 0 = as fast as the host can)
//	-disk DIR        map host directory DIR as drive A: (read-only)
//	-writable        let the program change the files of -disk
//	-max-tstates N   stop the program after N T-states (0 = never)
//	-stats           for each input line the program consumes, print on
//	                 stderr "tstates=N chars=M" once the program asks for the
//	                 next line or exits: N T-states executed after the line
//	                 was handed over, M characters printed meanwhile; at the
//	                 end print "total tstates=N"
//
// Exit status: 0 when the program ends (or waits for input after the end
// of standard input), 1 on a fault or error, 2 at the T-state limit.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"z80ulm/emu"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin *os.File, stdout io.Writer, stderr io.Writer) int {
	fl := flag.NewFlagSet("cpm", flag.ContinueOnError)
	fl.SetOutput(stderr)
	mhz := fl.Float64("mhz", 4, "clock rate in MHz (0 = unthrottled)")
	disk := fl.String("disk", "", "host directory mapped as drive A:")
	writable := fl.Bool("writable", false, "let the program change the files of -disk")
	maxT := fl.Uint64("max-tstates", 0, "stop after this many T-states (0 = never)")
	stats := fl.Bool("stats", false, "print T-states and characters per input line on stderr")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: cpm [flags] FILE.COM [command tail]")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 1
	}
	if fl.NArg() < 1 {
		fl.Usage()
		return 1
	}
	path := fl.Arg(0)
	com, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "cpm: %v\n", err)
		return 1
	}
	opt := emu.StreamOptions{
		Tail:       strings.Join(fl.Args()[1:], " "),
		MaxTStates: *maxT,
		HostDir:    *disk,
		Writable:   *writable,
		MHz:        *mhz,
		Out:        stdout,
	}
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		opt.Out = &ansiWriter{w: stdout}
	}
	nl := "\n" // a terminal in raw mode needs "\r\n"
	if *stats {
		opt.OnLine = func(l emu.LineStat) {
			fmt.Fprintf(stderr, "tstates=%d chars=%d%s", l.TStates, l.Chars, nl)
		}
	}
	if fd := int(stdin.Fd()); term.IsTerminal(fd) {
		nl = "\r\n"
		old, err := term.MakeRaw(fd)
		if err != nil {
			fmt.Fprintf(stderr, "cpm: %v\n", err)
			return 1
		}
		defer term.Restore(fd, old)
		opt.Input = rawKeys(stdin, func() {
			term.Restore(fd, old)
			fmt.Fprintln(stderr, "\r\ncpm: quit")
			os.Exit(130)
		})
	} else {
		opt.Input = lines(bufio.NewReader(stdin))
	}
	res, err := emu.RunStream(com, opt)
	if *stats {
		fmt.Fprintf(stderr, "total tstates=%d%s", res.TStates, nl)
	}
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "cpm: %s: %v\n", path, err)
		return 1
	case res.Fault != nil:
		fmt.Fprintf(stderr, "\r\ncpm: %s: %v\n", path, res.Fault)
		return 1
	case res.Reason == emu.ReasonLimit:
		fmt.Fprintf(stderr, "\r\ncpm: %s: stopped after %d T-states (-max-tstates)\n", path, res.TStates)
		return 2
	}
	return 0
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

// rawKeys reads a terminal in raw mode in the background and hands over
// whatever keys have been typed. Ctrl-\ calls quit.
func rawKeys(f *os.File, quit func()) func(bool) ([]byte, error) {
	ch := make(chan byte, 4096)
	done := make(chan struct{})
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := f.Read(buf)
			for _, b := range buf[:n] {
				if b == 0x1C {
					quit()
				}
				ch <- b
			}
			if err != nil {
				close(done)
				return
			}
		}
	}()
	return func(block bool) ([]byte, error) {
		var keys []byte
		if block {
			select {
			case b := <-ch:
				keys = append(keys, b)
			case <-done:
				return nil, io.EOF
			}
		}
		for {
			select {
			case b := <-ch:
				keys = append(keys, b)
			default:
				if len(keys) == 0 {
					select {
					case <-done:
						return nil, io.EOF
					default:
					}
				}
				return keys, nil
			}
		}
	}
}
