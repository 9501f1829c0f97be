package host

import (
	"reflect"
	"testing"

	"z80ulm/emu"
)

func TestShortName(t *testing.T) {
	for in, want := range map[string]string{
		"hello.com":            "HELLO.COM",
		"Hello World.com":      "HELLOWOR.COM",
		"my_game-v2.com":       "MYGAME-V.COM",
		"C:\\games\\zork1.com": "ZORK1.COM",
		"/tmp/x/notes.text":    "NOTES.TEX",
		"Caf\u00e9.txt":        "CAFE.TXT",
		"archive.tar.gz":       "ARCHIVET.GZ",
		"README":               "README",
	} {
		if got, err := ShortName(in); err != nil || got != want {
			t.Errorf("ShortName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", ".bashrc", "___.com", "\u4e2d\u6587.com"} {
		if got, err := ShortName(bad); err == nil {
			t.Errorf("ShortName(%q) = %q, no error", bad, got)
		}
	}
}

func TestDiff(t *testing.T) {
	shipped := []File{{"GUESS.COM", []byte{1}}, {"CHAT.COM", []byte{2}}, {"CAT.MDL", []byte{3}}}
	now := []File{{"GUESS.COM", []byte{1}}, {"CHAT.COM", []byte{9}}, {"HELLO.COM", []byte{4}}}
	got := Diff(shipped, now)
	want := Saved{Files: []File{{"CHAT.COM", []byte{9}}, {"HELLO.COM", []byte{4}}}, Removed: []string{"CAT.MDL"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Diff = %+v, want %+v", got, want)
	}
	if d := Diff(shipped, shipped); d.Files != nil || d.Removed != nil {
		t.Errorf("Diff of the shipped disk with itself = %+v", d)
	}
}

// Any host name: no panic; a name given is a valid CP/M name that names
// itself again.
func FuzzShortName(f *testing.F) {
	for _, s := range []string{"hello.com", "Hello World.com", ".x", "a.b.c.d", "\u00e9t\u00e9.txt", "C:\\x\\y.z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		name, err := ShortName(host)
		if err != nil {
			return
		}
		if n, ok := emu.CPMName(name); !ok || n != name {
			t.Fatalf("ShortName(%q) = %q, not a CP/M name", host, name)
		}
		if again, err := ShortName(name); err != nil || again != name {
			t.Fatalf("ShortName(%q) = %q, but ShortName(%q) = %q, %v", host, name, name, again, err)
		}
	})
}
