package knowledge

import "strings"

// Expand returns every spelling of s with its bracketed alternatives
// resolved, in order: "[a/b] c [d/]" -> "a c d", "a c", "b c d", "b c".
// Spaces are normalised afterwards, so an empty alternative leaves no gap.
// Brackets were checked by checkBrackets.
func Expand(s string) []string {
	out := []string{""}
	for len(s) > 0 {
		i := strings.IndexByte(s, '[')
		if i < 0 {
			out = appendAll(out, []string{s})
			break
		}
		j := strings.IndexByte(s, ']')
		out = appendAll(out, []string{s[:i]})
		out = appendAll(out, strings.Split(s[i+1:j], "/"))
		s = s[j+1:]
	}
	for k := range out {
		out[k] = normalize(out[k])
	}
	return out
}

func appendAll(prefixes, alts []string) []string {
	out := make([]string, 0, len(prefixes)*len(alts))
	for _, p := range prefixes {
		for _, a := range alts {
			out = append(out, p+a)
		}
	}
	return out
}

// countExpansions is len(Expand(s)) without building the strings.
func countExpansions(s string) int {
	n := 1
	for {
		i := strings.IndexByte(s, '[')
		if i < 0 {
			return n
		}
		j := strings.IndexByte(s[i:], ']')
		if j < 0 {
			return n
		}
		n *= strings.Count(s[i:i+j], "/") + 1
		if n > maxExpansions*maxExpansions {
			return n
		}
		s = s[i+j+1:]
	}
}

// normalize lower-cases s, collapses runs of spaces and trims it; a space
// left before punctuation by an empty alternative ("big ?") is removed.
func normalize(s string) string {
	s = strings.Join(strings.Fields(strings.ToLower(s)), " ")
	for _, p := range []string{"?", "!", ",", "."} {
		s = strings.ReplaceAll(s, " "+p, p)
	}
	return s
}

// fill puts item into the pattern's placeholder.
func fill(pattern, item string) string {
	switch {
	case strings.Contains(pattern, "{a}"):
		return strings.Replace(pattern, "{a}", Article(item)+" "+item, 1)
	case strings.Contains(pattern, "{s}"):
		return strings.Replace(pattern, "{s}", thirdPerson(item), 1)
	}
	return strings.Replace(pattern, "{}", item, 1)
}

// Article is "a" or "an" for the noun phrase w, by its sound where English
// spelling misleads ("a unicorn", "an hour").
func Article(w string) string {
	w = strings.ToLower(w)
	for _, p := range []string{"uni", "use", "usu", "eu", "one", "once", "ewe"} {
		if strings.HasPrefix(w, p) {
			return "a"
		}
	}
	for _, p := range []string{"hour", "honest", "honour", "honor", "heir"} {
		if strings.HasPrefix(w, p) {
			return "an"
		}
	}
	if w != "" && strings.IndexByte("aeiou", w[0]) >= 0 {
		return "an"
	}
	return "a"
}

// thirdPerson puts the first word of a verb phrase into the third person
// singular: "eat grass" -> "eats grass", "fly" -> "flies", "have" -> "has".
func thirdPerson(phrase string) string {
	verb, rest, _ := strings.Cut(phrase, " ")
	if rest != "" {
		rest = " " + rest
	}
	switch verb {
	case "have":
		return "has" + rest
	case "be":
		return "is" + rest
	case "can", "could", "will", "would", "should", "must", "may", "might":
		return verb + rest
	}
	n := len(verb)
	switch {
	case n == 0:
		return phrase
	case strings.HasSuffix(verb, "s"), strings.HasSuffix(verb, "sh"), strings.HasSuffix(verb, "ch"),
		strings.HasSuffix(verb, "x"), strings.HasSuffix(verb, "z"), strings.HasSuffix(verb, "o"):
		return verb + "es" + rest
	case n >= 2 && verb[n-1] == 'y' && strings.IndexByte("aeiou", verb[n-2]) < 0:
		return verb[:n-1] + "ies" + rest
	}
	return verb + "s" + rest
}
