package host

import (
	"bytes"
	"errors"
	"strings"

	"z80ulm/emu"
	"z80ulm/game/keys"
)

// File is one file of drive A:.
type File struct {
	Name string // NAME.EXT, as emu.CPMName writes it
	Data []byte
}

// Saved is what the browser keeps of drive A: between visits: the files
// that differ from the shipped disk, and the shipped files the player
// erased. Keeping only the difference means a new version of the site
// brings its new GUESS.COM to a returning visitor, while a GUESS.COM the
// visitor dropped there themselves stays theirs.
type Saved struct {
	Files   []File
	Removed []string
}

// Diff returns what drive A: now holds beyond the shipped disk.
func Diff(shipped, now []File) Saved {
	var s Saved
	had := map[string][]byte{}
	for _, f := range shipped {
		had[f.Name] = f.Data
	}
	has := map[string]bool{}
	for _, f := range now {
		has[f.Name] = true
		if old, ok := had[f.Name]; !ok || !bytes.Equal(old, f.Data) {
			s.Files = append(s.Files, f)
		}
	}
	for _, f := range shipped {
		if !has[f.Name] {
			s.Removed = append(s.Removed, f.Name)
		}
	}
	return s
}

// ShortName gives a file from the host (a dropped file, a download's name)
// its 8.3 name on drive A:: upper case, accents folded to ASCII, the
// characters CP/M does not allow in names left out, the name cut to 8 and
// the extension to 3 characters ("Hello World.com" -> "HELLOWOR.COM").
func ShortName(host string) (string, error) {
	if i := strings.LastIndexAny(host, `/\`); i >= 0 {
		host = host[i+1:]
	}
	ascii, _ := keys.Text(host)
	up := strings.ToUpper(ascii)
	base, ext := up, ""
	if i := strings.LastIndexByte(up, '.'); i >= 0 {
		base, ext = up[:i], up[i+1:]
	}
	base, ext = nameChars(base, 8), nameChars(ext, 3)
	if base == "" {
		return "", errors.New(host + ": no letters or digits to name a CP/M file with")
	}
	name := base
	if ext != "" {
		name += "." + ext
	}
	n, ok := emu.CPMName(name)
	if !ok {
		return "", errors.New(host + ": " + emu.ErrBadName.Error())
	}
	return n, nil
}

// nameChars keeps the characters CP/M allows in a file name (those that
// make a valid one-letter name by emu's rules), up to n.
func nameChars(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() == n {
			break
		}
		if _, ok := emu.CPMName(string(r)); ok {
			b.WriteRune(r)
		}
	}
	return b.String()
}
