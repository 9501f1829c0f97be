package keys

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"is it alive\n", "is it alive\r"},
		{"a\r\nb\rc\n", "a\rb\rc\r"},
		{"tab\there", "tab\there"},
		{"caf\u00e9 \u263a ok", "caf  ok"},
		{"bell\a null\x00 del\x7f", "bell null del"},
		{"^C\x03 esc\x1b bs\x08", "^C\x03 esc\x1b bs\x08"},
		{"", ""},
	}
	for _, c := range cases {
		if got := Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// A long paste comes through whole.
	long := strings.Repeat("does it have a trunk\n", 500)
	if got := Text(long); len(got) != len(long) || strings.Count(got, "\r") != 500 {
		t.Errorf("long paste: %d bytes, %d CRs", len(got), strings.Count(got, "\r"))
	}
}

func TestFromBrowser(t *testing.T) {
	cases := []struct {
		key             string
		ctrl, alt, meta bool
		want            string
	}{
		{"a", false, false, false, "a"},
		{"A", false, false, false, "A"},
		{" ", false, false, false, " "},
		{"~", false, false, false, "~"},
		{"Enter", false, false, false, "\r"},
		{"Backspace", false, false, false, "\b"},
		{"Tab", false, false, false, "\t"},
		{"Escape", false, false, false, "\x1b"},
		{"Delete", false, false, false, "\x7f"},
		{"c", true, false, false, "\x03"},
		{"C", true, false, false, "\x03"},
		{"z", true, false, false, "\x1a"},
		{"a", true, false, false, "\x01"},
		{"1", true, false, false, ""},
		{"Enter", false, true, false, ""},
		{"v", false, false, true, ""},
		{"F2", false, false, false, ""},
		{"Shift", false, false, false, ""},
		{"ArrowUp", false, false, false, ""},
		{"é", false, false, false, ""},
		{"Dead", false, false, false, ""},
	}
	for _, c := range cases {
		if got := FromBrowser(c.key, c.ctrl, c.alt, c.meta); got != c.want {
			t.Errorf("FromBrowser(%q, ctrl=%v alt=%v meta=%v) = %q, want %q", c.key, c.ctrl, c.alt, c.meta, got, c.want)
		}
	}
}

// Whatever arrives (a paste of any bytes), the console gets only bytes a
// terminal sends, line ends as CR, and cleaning twice changes nothing.
func FuzzText(f *testing.F) {
	for _, s := range []string{"is it alive\n", "a\r\nb", "caf\u00e9\t\x00\x7f", "\xff\xfe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		for i := 0; i < len(out); i++ {
			b := out[i]
			if b == '\n' || (b < 0x20 && !strings.ContainsRune("\r\t\b\x1b\x03", rune(b))) || b >= 0x7F {
				t.Fatalf("Text(%q) lets %#x through", s, b)
			}
		}
		if again := Text(out); again != out {
			t.Fatalf("Text is not stable: %q -> %q -> %q", s, out, again)
		}
		if want := strings.Count(strings.ReplaceAll(s, "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(s, "\r\n", "\n"), "\r"); strings.Count(out, "\r") != want {
			t.Fatalf("Text(%q) has %d line ends, want %d", s, strings.Count(out, "\r"), want)
		}
	})
}
