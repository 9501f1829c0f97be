// Command z80ulm opens the emulated CP/M machine in a desktop window:
// sign-on, A> prompt, then GUESS (or the program named by -run).
//
//	go run .                      GUESS
//	go run . -run CHAT            the chatbot
//	go run . -run ""              the bare A> prompt
//	go run . -disk DIR -writable  DIR as drive A: (a file dropped on the
//	                              window lands there too)
//
// Keys: F2 turbo, F3 the CRT look, F11 or Alt+Enter full screen, Ctrl+V
// paste; a file dropped on the window lands on drive A:.
//
// For tests and demos, -script types lines into the program one at a time
// (each when it waits for input), -dump-screen writes the 24 terminal lines
// once the script is done (-dump-stats the timing figures), and -exit-after
// closes the window that long afterwards.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"z80ulm/assets"
	"z80ulm/game"
	"z80ulm/game/host"
	"z80ulm/game/screen"
)

func main() {
	run := flag.String("run", host.DefaultRun, `command line to run after boot ("" = the bare A> prompt; with -disk the default)`)
	turbo := flag.Bool("turbo", false, "start in turbo mode (F2 toggles)")
	crt := flag.Bool("crt", false, "start with the CRT look (F3 toggles)")
	scale := flag.Float64("scale", 2, "initial window size as a multiple of 640x400")
	full := flag.Bool("fullscreen", false, "start full screen (F11 or Alt+Enter toggles)")
	disk := flag.String("disk", "", "host directory mapped as drive A: instead of the shipped programs")
	writable := flag.Bool("writable", false, "let programs and dropped files change the files of -disk")
	script := flag.String("script", "", "file of lines to type, one per prompt (debug/tests)")
	typed := flag.String("type", "", `lines to type, separated by "\n" (debug/tests)`)
	dump := flag.String("dump-screen", "", "write the 24 screen lines here when the script is done")
	dumpStats := flag.String("dump-stats", "", "write the timing figures (JSON) here when the script is done")
	exitAfter := flag.Duration("exit-after", -1, "close this long after the script is done (negative = stay open)")
	timeout := flag.Duration("timeout", 0, "fail if the script is not done by then (0 = no limit)")
	flag.Parse()

	lines, err := scriptLines(*script, *typed)
	if err != nil {
		fmt.Fprintln(os.Stderr, "z80ulm:", err)
		os.Exit(2)
	}
	cfg := game.Config{
		Config: host.Config{
			Files:    assets.Programs,
			HostDir:  *disk,
			Writable: *writable,
			Run:      *run,
			Turbo:    *turbo,
			Script:   lines,
		},
		CRT:       *crt,
		Paste:     game.DesktopPaste,
		Hints:     game.DesktopHints,
		FocusHint: "click the window to type",
	}
	if *disk != "" {
		cfg.Files = nil
		if !flagSet("run") {
			cfg.Run = "" // a directory of one's own need not hold GUESS
		}
	}
	var doneAt time.Time
	cfg.ScriptDone = func(g *game.Game) error {
		doneAt = time.Now()
		if *dumpStats != "" {
			b, _ := json.MarshalIndent(g.Stats(), "", "  ")
			if err := os.WriteFile(*dumpStats, append(b, '\n'), 0o644); err != nil {
				return err
			}
		}
		// The screen last: a test that waits for it finds the stats too.
		if *dump != "" {
			return writeScreen(*dump, g)
		}
		return nil
	}
	g, err := game.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "z80ulm:", err)
		os.Exit(1)
	}
	start := time.Now()
	ebiten.SetWindowTitle("Z80-μLM — CP/M 2.2 on a 4 MHz Z80")
	ebiten.SetWindowSize(int(screen.W**scale), int(screen.H**scale))
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetFullscreen(*full)
	ebiten.SetTPS(game.TPS)
	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetRunnableOnUnfocused(true)

	err = ebiten.RunGame(&timed{Game: g, check: func() error {
		if !doneAt.IsZero() && *exitAfter >= 0 && time.Since(doneAt) >= *exitAfter {
			return ebiten.Termination
		}
		if doneAt.IsZero() && *timeout > 0 && time.Since(start) > *timeout {
			if *dump != "" {
				writeScreen(*dump, g)
			}
			return fmt.Errorf("script not done after %v", *timeout)
		}
		return nil
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "z80ulm:", err)
		os.Exit(1)
	}
}

func flagSet(name string) (set bool) {
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func writeScreen(file string, g *game.Game) error {
	return os.WriteFile(file, []byte(strings.Join(g.Lines(), "\n")+"\n"), 0o644)
}

// timed adds the debug flags' deadlines to the game's Update.
type timed struct {
	*game.Game
	check func() error
}

func (t *timed) Update() error {
	if err := t.Game.Update(); err != nil {
		return err
	}
	return t.check()
}

// scriptLines gathers the scripted input from -script and -type.
func scriptLines(file, typed string) ([]string, error) {
	var lines []string
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	if typed != "" {
		lines = append(lines, strings.Split(strings.ReplaceAll(typed, `\n`, "\n"), "\n")...)
	}
	return lines, nil
}
