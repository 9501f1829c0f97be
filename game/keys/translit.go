package keys

// translit maps the characters outside ASCII that have an obvious ASCII
// form (accented Latin letters, typographic quotes and dashes, the spaces
// of other widths) to that form. A CP/M console knows only ASCII; a
// player who types "café" or pastes "it’s" means "cafe" and "it's".
var translit = map[rune]string{}

func init() {
	for _, p := range []struct{ from, to string }{
		{"ÀÁÂÃÄÅĀĂĄ", "A"}, {"àáâãäåāăą", "a"}, {"Æ", "AE"}, {"æ", "ae"},
		{"ÇĆĈĊČ", "C"}, {"çćĉċč", "c"}, {"ĎĐÐ", "D"}, {"ďđð", "d"},
		{"ÈÉÊËĒĔĖĘĚ", "E"}, {"èéêëēĕėęě", "e"}, {"ĜĞĠĢ", "G"}, {"ĝğġģ", "g"},
		{"ĤĦ", "H"}, {"ĥħ", "h"}, {"ÌÍÎÏĨĪĬĮİ", "I"}, {"ìíîïĩīĭįı", "i"},
		{"Ĳ", "IJ"}, {"ĳ", "ij"}, {"Ĵ", "J"}, {"ĵ", "j"}, {"Ķ", "K"}, {"ķĸ", "k"},
		{"ĹĻĽĿŁ", "L"}, {"ĺļľŀł", "l"}, {"ÑŃŅŇŊ", "N"}, {"ñńņňŉŋ", "n"},
		{"ÒÓÔÕÖØŌŎŐ", "O"}, {"òóôõöøōŏő", "o"}, {"Œ", "OE"}, {"œ", "oe"},
		{"ŔŖŘ", "R"}, {"ŕŗř", "r"}, {"ŚŜŞŠ", "S"}, {"śŝşšſ", "s"}, {"ß", "ss"},
		{"ŢŤŦ", "T"}, {"ţťŧ", "t"}, {"Þ", "TH"}, {"þ", "th"},
		{"ÙÚÛÜŨŪŬŮŰŲ", "U"}, {"ùúûüũūŭůűų", "u"}, {"Ŵ", "W"}, {"ŵ", "w"},
		{"ÝŶŸ", "Y"}, {"ýÿŷ", "y"}, {"ŹŻŽ", "Z"}, {"źżž", "z"},
		{"‘’‚‛′‹›", "'"}, {"“”„‟″«»", `"`}, {"‐‑‒–—―−", "-"}, {"…", "..."},
		{"\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "},
		{"×", "x"}, {"÷", "/"}, {"¿", "?"}, {"¡", "!"},
	} {
		for _, r := range p.from {
			translit[r] = p.to
		}
	}
}

// ascii returns what rune r is typed as on a CP/M console: itself when it
// is printable ASCII, its obvious ASCII form (the table above, or the
// ASCII letter of a full-width form that East Asian keyboards type), or
// ok = false when it has none.
func ascii(r rune) (s string, ok bool) {
	switch {
	case r >= 0x20 && r < 0x7F:
		return string(r), true
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ! .. ~
		return string(r - 0xFEE0), true
	}
	s, ok = translit[r]
	return s, ok
}
