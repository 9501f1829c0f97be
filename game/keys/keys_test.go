package keys

import (
	"strings"
	"testing"

	"z80ulm/emu"
)

func TestText(t *testing.T) {
	cases := []struct {
		in, want string
		ignored  string
	}{
		{"is it alive\n", "is it alive\r", ""},
		{"a\r\nb\rc\n", "a\rb\rc\r", ""},
		{"tab\there", "tab\there", ""},
		// Obvious ASCII forms; what has none is ignored, and said so.
		{"caf\u00e9 \u263a ok", "cafe  ok", "\u263a"},
		{"\u00c9l\u00e8ve na\u00efve \u00df \u0153uvre", "Eleve naive ss oeuvre", ""},
		{"it\u2019s \u201cgrey\u201d \u2013 yes\u2026", `it's "grey" - yes...`, ""},
		{"\uff49\uff53 \uff49\uff54", "is it", ""},
		{"\u4e2d\u6587?", "?", "\u4e2d\u6587"},
		// Control characters a person cannot type as text are dropped:
		// BEL, NUL, DEL, ESC (Esc is a named key, never a byte in a line).
		{"bell\a null\x00 del\x7f esc\x1b", "bell null del esc", ""},
		{"^C\x03 bs\x08", "^C\x03 bs\x08", ""},
		{"", "", ""},
	}
	for _, c := range cases {
		got, ign := Text(c.in)
		if got != c.want || string(ign) != c.ignored {
			t.Errorf("Text(%q) = %q, ignored %q; want %q, ignored %q", c.in, got, string(ign), c.want, c.ignored)
		}
	}
	// A long paste comes through whole.
	long := strings.Repeat("does it have a trunk\n", 500)
	if got, _ := Text(long); len(got) != len(long) || strings.Count(got, "\r") != 500 {
		t.Errorf("long paste: %d bytes, %d CRs", len(got), strings.Count(got, "\r"))
	}
}

func TestFromBrowser(t *testing.T) {
	key := func(k emu.Key) Input { return Input{Key: k, HasKey: true} }
	cases := []struct {
		key             string
		ctrl, alt, meta bool
		want            Input
	}{
		{"a", false, false, false, Input{Text: "a"}},
		{"A", false, false, false, Input{Text: "A"}},
		{" ", false, false, false, Input{Text: " "}},
		{"~", false, false, false, Input{Text: "~"}},
		{"Enter", false, false, false, Input{Text: "\r"}},
		{"Backspace", false, false, false, Input{Text: "\b"}},
		{"Tab", false, false, false, Input{Text: "\t"}},
		// Named keys: the machine edits the line with them.
		{"Escape", false, false, false, key(emu.KeyEsc)},
		{"Delete", false, false, false, key(emu.KeyDelete)},
		{"ArrowLeft", false, false, false, key(emu.KeyLeft)},
		{"ArrowRight", false, false, false, key(emu.KeyRight)},
		{"ArrowUp", false, false, false, key(emu.KeyUp)},
		{"ArrowDown", false, false, false, key(emu.KeyDown)},
		{"Home", false, false, false, key(emu.KeyHome)},
		{"End", false, false, false, key(emu.KeyEnd)},
		// Control codes; Ctrl+V stays the browser's paste.
		{"c", true, false, false, Input{Text: "\x03"}},
		{"C", true, false, false, Input{Text: "\x03"}},
		{"z", true, false, false, Input{Text: "\x1a"}},
		{"a", true, false, false, Input{Text: "\x01"}},
		{"v", true, false, false, Input{}},
		{"1", true, false, false, Input{}},
		// The front end's keys.
		{"F2", false, false, false, Input{Action: Turbo}},
		{"F3", false, false, false, Input{Action: CRT}},
		// The browser's own.
		{"Enter", false, true, false, Input{}},
		{"v", false, false, true, Input{}},
		{"F5", false, false, false, Input{}},
		{"F11", false, false, false, Input{}},
		{"Shift", false, false, false, Input{}},
		{"Dead", false, false, false, Input{}},
		{"Unidentified", false, false, false, Input{}},
		// Outside ASCII: transliterated, or ignored visibly.
		{"é", false, false, false, Input{Text: "e"}},
		{"ß", false, false, false, Input{Text: "ss"}},
		{"€", false, false, false, Input{Ignored: '€'}},
	}
	for _, c := range cases {
		if got := FromBrowser(c.key, c.ctrl, c.alt, c.meta); got != c.want {
			t.Errorf("FromBrowser(%q, ctrl=%v alt=%v meta=%v) = %+v, want %+v", c.key, c.ctrl, c.alt, c.meta, got, c.want)
		}
	}
	if !(Input{}).None() || (Input{Ignored: 'x'}).None() || key(emu.KeyEsc).None() {
		t.Errorf("None is wrong")
	}
}

// Whatever arrives (a paste of any bytes), the console gets only bytes a
// terminal sends, line ends as CR; cleaning twice changes nothing; and
// every character is either sent, transliterated or reported ignored.
func FuzzText(f *testing.F) {
	for _, s := range []string{"is it alive\n", "a\r\nb", "caf\u00e9\t\x00\x7f", "\xff\xfe", "", "\u263a\u2019"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ign := Text(s)
		for i := 0; i < len(out); i++ {
			b := out[i]
			if b == '\n' || (b < 0x20 && !strings.ContainsRune("\r\t\b\x03", rune(b))) || b >= 0x7F {
				t.Fatalf("Text(%q) lets %#x through", s, b)
			}
		}
		if again, ign2 := Text(out); again != out || len(ign2) != 0 {
			t.Fatalf("Text is not stable: %q -> %q -> %q", s, out, again)
		}
		norm := strings.ReplaceAll(s, "\r\n", "\n")
		if want := strings.Count(norm, "\n") + strings.Count(norm, "\r"); strings.Count(out, "\r") != want {
			t.Fatalf("Text(%q) has %d line ends, want %d", s, strings.Count(out, "\r"), want)
		}
		for _, r := range ign {
			if _, ok := ascii(r); ok || r < 0xA0 {
				t.Fatalf("Text(%q) ignored %q, which it can type", s, r)
			}
		}
	})
}
