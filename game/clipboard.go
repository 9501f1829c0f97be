//go:build !js

package game

import (
	"errors"
	"os"
	"os/exec"
)

// DesktopPaste reads the clipboard through whichever command-line tool the
// desktop has (Go's standard library has no clipboard, and go.mod carries
// no clipboard module): xclip or xsel on X11, wl-paste on Wayland.
func DesktopPaste() (string, error) {
	for _, c := range [][]string{
		{"wl-paste", "--no-newline"},
		{"xclip", "-selection", "clipboard", "-o"},
		{"xsel", "--clipboard", "--output"},
	} {
		if _, err := exec.LookPath(c[0]); err != nil {
			continue
		}
		if c[0] == "wl-paste" && os.Getenv("WAYLAND_DISPLAY") == "" {
			continue
		}
		out, err := exec.Command(c[0], c[1:]...).Output()
		if err == nil {
			return string(out), nil
		}
	}
	return "", errors.New("paste: no clipboard tool (xclip, xsel or wl-paste) found")
}
