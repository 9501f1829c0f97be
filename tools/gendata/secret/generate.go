package secret

import (
	"fmt"

	"z80ulm/tools/gendata/knowledge"
)

// Generate makes one secret's training lines: its names (WIN), its answer
// to every attribute of the bank under all of the attribute's phrasings,
// its own facts and free questions; then the bank's defaults (wrong
// guesses, the catch-all) and the other secrets' names (NO), both of which
// give way to the sheet's own answers; then filler words, slips and
// gibberish as the bank's settings say. The same bank, sheets and options
// give the same lines. Two answers to one question are an error naming
// both lines (for an attribute: the sheet's answer and the bank's line).
func Generate(b *Bank, sh *Sheet, others []*Sheet, opt knowledge.Options) ([]knowledge.Line, knowledge.Stats, []error) {
	kn := *b.Knowledge // templates and settings are shared, read only
	kn.Secret = sh.Secret
	kn.Facts = append(append([]knowledge.Fact(nil), sh.nameFacts...), sh.missFacts...)
	for _, a := range b.Attributes {
		ans := sh.Answers[a.Name]
		src := func(via string) knowledge.Source {
			return knowledge.Source{File: ans.File, Line: ans.Line, Via: fmt.Sprintf("attribute %s, %s", a.Name, via)}
		}
		kn.Facts = append(kn.Facts, knowledge.Fact{Kind: kindFree, Answer: ans.Answer, Items: []string{a.Question}, Source: src(a.Where())})
		for _, g := range a.Groups {
			answer := ans.Answer
			if g.Not {
				answer = knowledge.Invert(answer)
			}
			kn.Facts = append(kn.Facts, knowledge.Fact{Kind: g.Kind, Answer: answer, Items: g.Items, Source: src(g.Where())})
		}
	}
	kn.Facts = append(kn.Facts, sh.Facts...)
	kn.Facts = append(kn.Facts, sh.Free...)
	kn.Facts = append(kn.Facts, measured(b, sh)...)
	kn.Facts = append(kn.Facts, b.Knowledge.Facts...)
	for _, o := range others {
		if o.Secret == sh.Secret {
			continue
		}
		for _, f := range o.nameFacts {
			f.Answer, f.Default = "NO", true
			kn.Facts = append(kn.Facts, f)
		}
	}
	return knowledge.Generate(&kn, opt)
}

// measured answers the bank's scales from the sheet's measures: a default
// fact per thing (YES, NO or MAYBE by the ratio of the values), leaving
// out the secret's own names ("is it bigger than a cat" means nothing for
// the cat).
func measured(b *Bank, sh *Sheet) []knowledge.Fact {
	own := map[string]bool{}
	for _, list := range [][]string{sh.Names, sh.Plural} {
		for _, n := range list {
			for _, e := range knowledge.Expand(n) {
				own[e] = true
			}
		}
	}
	var facts []knowledge.Fact
	for _, sc := range b.Scales {
		m, ok := sh.Measures[sc.Name]
		if !ok {
			continue
		}
		src := knowledge.Source{File: m.File, Line: m.Line, Via: fmt.Sprintf("scale %s, %s", sc.Name, sc.Where())}
		by := map[string][]string{}
		for _, it := range sc.Items {
			if own[it.Item] {
				continue
			}
			ans := "MAYBE"
			switch r := m.Value / it.Value; {
			case r >= Factor:
				ans = "YES"
			case r <= 1/float64(Factor):
				ans = "NO"
			}
			by[ans] = append(by[ans], it.Item)
		}
		for _, ans := range []string{"YES", "NO", "MAYBE"} {
			if len(by[ans]) > 0 {
				facts = append(facts, knowledge.Fact{Kind: sc.Kind, Answer: ans, Items: by[ans], Source: src, Default: true})
			}
		}
	}
	return facts
}
