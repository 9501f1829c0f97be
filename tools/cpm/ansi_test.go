package main

import (
	"bytes"
	"testing"
)

func TestANSI(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain\r\n", "plain\r\n"},
		{"\x1a", "\x1b[H\x1b[2J"},
		{"\x1b=" + string(rune(32+4)) + string(rune(32+9)) + "x", "\x1b[5;10Hx"},
		{"\x1bY" + string(rune(32)) + string(rune(32)), "\x1b[1;1H"},
		{"\x1bK\x1bJ\x1bH\x1bA", "\x1b[K\x1b[J\x1b[H\x1b[A"},
		{"\x1e\x0b\x0c", "\x1b[H\x1b[A\x1b[C"},
		{"\x1bf\x1be", "\x1b[?25l\x1b[?25h"},
		{"\x1b=\x7f\x7f", "\x1b[24;80H"},
		{"a\x1b!b", "ab"},
	}
	for _, c := range cases {
		var b bytes.Buffer
		a := &ansiWriter{w: &b}
		// Byte by byte: a sequence may be split across writes.
		for i := 0; i < len(c.in); i++ {
			a.Write([]byte{c.in[i]})
		}
		if b.String() != c.want {
			t.Errorf("%q: got %q, want %q", c.in, b.String(), c.want)
		}
	}
}

// FuzzDecodeKey reads arbitrary terminal input as keys: a sequence is
// found only at an ESC, it is never longer than the input, and what it
// finds reads back to the same key.
func FuzzDecodeKey(f *testing.F) {
	for _, s := range []string{"\x1b[A", "\x1bOD", "\x1b[3~", "\x1b", "a\x1b[B", "\x1b[", "\x1b[1"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		k, n := decodeKey(b)
		if (n > 0) != (len(b) > 0 && b[0] == 0x1B) || n > len(b) {
			t.Fatalf("% X: key %v of %d bytes", b, k, n)
		}
		if n > 1 {
			if k2, n2 := decodeKey(b[:n]); k2 != k || n2 != n {
				t.Fatalf("% X: %v/%d, alone %v/%d", b, k, n, k2, n2)
			}
		}
	})
}
