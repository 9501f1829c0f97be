// Package xvfb tests the desktop window for real: it builds the desktop
// binary, runs it on an Xvfb display with scripted input, and checks both
// the screen text it dumps and a screenshot of the display taken with
// ImageMagick. (It is a package of its own because packages that import
// Ebiten cannot even start their tests without a display.)
package xvfb

import (
	"bufio"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"z80ulm/game/screen"
)

// The seed transcript of SPEC.md section 1.
var seed = []struct{ q, a string }{
	{"is it alive", "YES"},
	{"is it big", "YES"},
	{"does it have a trunk", "YES"},
	{"is it grey", "MAYBE"},
	{"elephant", "WIN"},
}

func need(t *testing.T, tools ...string) {
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed (CI=true: make deps installs it)", tool)
			}
			t.Skipf("%s is not installed (make deps installs it)", tool)
		}
	}
}

// startXvfb starts a virtual display and returns its DISPLAY value.
func startXvfb(t *testing.T) string {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// -displayfd picks a free display number and writes it to fd 3.
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	num := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		num <- strings.TrimSpace(line)
	}()
	select {
	case n := <-num:
		if n == "" {
			t.Fatal("Xvfb did not report a display")
		}
		return ":" + n
	case <-time.After(30 * time.Second):
		t.Fatal("Xvfb did not start in 30 s")
	}
	return ""
}

// answerTo finds the last "> question" line and returns the first non-blank
// line after it, once a new prompt follows.
func answerTo(lines []string, q string) (string, bool) {
	at := -1
	for i, l := range lines {
		if strings.TrimRight(l, " ") == "> "+q {
			at = i
		}
	}
	if at < 0 {
		return "", false
	}
	answer := ""
	for _, l := range lines[at+1:] {
		t := strings.TrimSpace(l)
		if answer == "" && t != "" {
			answer = t
			continue
		}
		if answer != "" && strings.HasPrefix(t, ">") {
			return answer, true
		}
	}
	return "", false
}

func TestDesktopGuess(t *testing.T) {
	need(t, "Xvfb", "import")
	dir := t.TempDir()
	bin := filepath.Join(dir, "z80ulm")
	gocmd := os.Getenv("GO")
	if gocmd == "" {
		gocmd = "go"
	}
	build := exec.Command(gocmd, "build", "-o", bin, ".")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the desktop binary: %v\n%s", err, out)
	}
	display := startXvfb(t)

	var script strings.Builder
	for _, s := range seed {
		script.WriteString(s.q + "\n")
	}
	scriptFile := filepath.Join(dir, "script.txt")
	dumpFile := filepath.Join(dir, "screen.txt")
	statsFile := filepath.Join(dir, "stats.json")
	os.WriteFile(scriptFile, []byte(script.String()), 0o644)

	game := exec.Command(bin, "-run", "GUESS", "-scale", "1", "-script", scriptFile,
		"-dump-screen", dumpFile, "-dump-stats", statsFile, "-exit-after", "60s", "-timeout", "150s")
	game.Env = append(os.Environ(), "DISPLAY="+display)
	var stderr strings.Builder
	game.Stderr = &stderr
	if err := game.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- game.Wait() }()
	defer func() {
		game.Process.Kill()
		<-exited
	}()

	// The dump appears when the script is done; the window stays open
	// (-exit-after) for the screenshot.
	deadline := time.Now().Add(170 * time.Second)
	for {
		if _, err := os.Stat(dumpFile); err == nil {
			break
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("the game exited before finishing the script: %v\n%s", err, stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no screen dump after 170 s\n%s", stderr.String())
		}
	}
	time.Sleep(300 * time.Millisecond) // let the last frame reach the display
	shot := filepath.Join(outDir(t), "desktop-guess.png")
	imp := exec.Command("import", "-display", display, "-window", "root", shot)
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v\n%s", err, out)
	}
	t.Logf("screenshot: %s", shot)

	dump, err := os.ReadFile(dumpFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(dump), "\n"), "\n")
	if len(lines) != screen.Rows {
		t.Fatalf("dump has %d lines, want %d", len(lines), screen.Rows)
	}
	if !strings.Contains(lines[0], "CP/M") || !strings.HasPrefix(lines[1], "A>GUESS") {
		t.Errorf("no sign-on and A>GUESS at the top:\n%s", dump)
	}
	for _, s := range seed {
		if got, ok := answerTo(lines, s.q); !ok || got != s.a {
			t.Errorf("screen: %q answered %q, want %q", s.q, got, s.a)
		}
	}

	// The clock: 4 MHz while the program computed. A loaded machine may
	// lose a little to frames later than the catch-up limit, so the lower
	// bound leaves room; the browser benchmark measures it precisely.
	var st struct {
		MHz          float64 `json:"mhz"`
		TStates      uint64  `json:"tstates"`
		Program      string  `json:"program"`
		Waiting      bool    `json:"waiting"`
		MissedFrames uint64  `json:"missedFrames"`
	}
	if b, err := os.ReadFile(statsFile); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("%s: %v", statsFile, err)
	}
	t.Logf("stats: %.3f MHz, %d T-states, %d missed frames", st.MHz, st.TStates, st.MissedFrames)
	if st.MHz < 3.5 || st.MHz > 4.05 {
		t.Errorf("achieved %.3f MHz, want 4.00", st.MHz)
	}
	if st.Program != "GUESS" || !st.Waiting {
		t.Errorf("stats say program %q waiting %v, want GUESS waiting", st.Program, st.Waiting)
	}

	// What the display shows, read back from its pixels.
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	seen, err := screen.Decode(img)
	if err != nil {
		t.Fatalf("reading the screenshot: %v", err)
	}
	for r := 0; r < screen.Rows; r++ {
		if seen[r] != lines[r] && !cursorOnly(seen[r], lines[r]) {
			t.Errorf("screenshot row %d reads %q, the screen holds %q", r, seen[r], lines[r])
		}
	}
	if !strings.Contains(seen[screen.Rows], "4.00 MHz") || !strings.Contains(seen[screen.Rows], "GUESS") {
		t.Errorf("status line reads %q", seen[screen.Rows])
	}
	if t.Failed() {
		t.Logf("screenshot reads:\n%s", strings.Join(seen, "\n"))
	}
}

// cursorOnly reports whether two rows differ in one cell only: the cell
// under the blinking cursor, which a capture may catch in either phase.
func cursorOnly(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	diff := 0
	for i := range a {
		if a[i] != b[i] {
			diff++
		}
	}
	return diff == 1
}

func outDir(t *testing.T) string {
	dir := filepath.Join("..", "..", "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
