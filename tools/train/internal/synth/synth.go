// Package synth is a synthetic 20-questions game (the secret is a bicycle)
// with four balanced reply classes, generated so that the trainer's tests
// and benchmarks need no data files: many phrasings of the same facts, as
// the real data has.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"z80ulm/model"
)

var facts = map[string][]string{
	"YES": {
		"is it %s|made of metal|man made|useful|something you ride|used outdoors|smaller than a car|bigger than a cat|a vehicle|faster than walking|something with two wheels|powered by people|good for exercise|found in a city|sold in shops",
		"does it have %s|wheels|pedals|a seat|a chain|handlebars|brakes|spokes|tyres|a frame",
		"can it %s|move|roll|carry a person|go fast|go downhill|lean over|be ridden|be locked up",
		"can you %s it|ride|push|park|lock|repair|steer|pedal|race",
	},
	"NO": {
		"is it %s|alive|an animal|edible|soft|electronic|bigger than a house|a plant|a food|made of paper|a tool for cooking|invisible|liquid|a person|something you wear|found in the ocean",
		"does it have %s|legs|fur|a screen|eyes|a motor|feathers|a battery|leaves|a roof",
		"can it %s|fly|swim|talk|eat|think|grow|sing|cook",
		"can you %s it|eat|wear|drink|plant|feed|boil|fold in your pocket|hear",
	},
	"MAYBE": {
		"is it %s|expensive|red|heavy|old|popular|fun|noisy|dangerous|shiny|new|cheap|blue|common|pretty|rare",
		"does it have %s|a bell|a basket|lights|gears|a kickstand|a horn|mudguards|a pump|stickers",
		"can it %s|carry cargo|be folded|break|rust|get wet|go off road|tip over|be stolen",
		"can you %s it|buy|rent|paint|lift|borrow|sell|share|decorate",
	},
}

var guesses = []string{"is it a bicycle", "bicycle", "a bicycle", "is it a bike", "bike", "a bike",
	"are you a bicycle", "it is a bicycle", "my guess is a bicycle", "i think it is a bike",
	"is it a cycle", "a push bike", "pushbike", "the answer is bicycle", "you are a bike"}

var prefixes = []string{"", "", "", "so ", "ok ", "hmm ", "well ", "tell me ", "i wonder ", "quick question ", "and ", "but ", "now ",
	"right ", "next ", "um ", "say ", "alright ", "question: ", "let me ask ", "ok so ", "then ", "also ", "one more: "}
var suffixes = []string{"", "", "", "?", " ?", "??", " then", " at all", " really", " usually", " please", "!",
	" i guess", " or not", " mostly", " in general", " right", " do you think", " maybe", " honestly", "...", " ok"}

// openers vary how a "is it" question starts.
var openers = map[string][]string{
	"is it ":   {"is it ", "is it ", "would you say it is ", "is the thing ", "are you ", "is this thing ", "would it be "},
	"does it ": {"does it ", "does it ", "has it got ", "would it have ", "does the thing "},
	"can it ":  {"can it ", "can it ", "is it able to ", "could it ", "does it ever "},
	"can you ": {"can you ", "can you ", "could you ", "can i ", "would you "},
}

// typo changes one letter of q now and then: dropped, doubled or swapped.
func typo(rng *rand.Rand, q string) string {
	if len(q) < 4 || rng.IntN(5) != 0 {
		return q
	}
	i := 1 + rng.IntN(len(q)-2)
	switch rng.IntN(3) {
	case 0:
		return q[:i] + q[i+1:]
	case 1:
		return q[:i] + q[i:i+1] + q[i:]
	}
	return q[:i-1] + q[i:i+1] + q[i-1:i] + q[i+1:]
}

// Lines returns n `input|REPLY` lines of the game, a quarter of each class.
func Lines(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 7))
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	classes := []string{"YES", "NO", "MAYBE", "WIN"}
	lines := make([]string, 0, n)
	for len(lines) < n {
		class := classes[len(lines)%4]
		var q string
		if class == "WIN" {
			q = pick(guesses)
		} else {
			f := strings.Split(pick(facts[class]), "|")
			q = fmt.Sprintf(f[0], f[1+rng.IntN(len(f)-1)])
			for o, alts := range openers {
				if strings.HasPrefix(q, o) {
					q = pick(alts) + q[len(o):]
					break
				}
			}
		}
		q = typo(rng, pick(prefixes)+q+pick(suffixes))
		if rng.IntN(2) == 0 {
			q = strings.ToUpper(q[:1]) + q[1:]
		}
		if len(q) > model.MaxInputLen {
			continue // the CP/M line buffer would cut it
		}
		lines = append(lines, q+"|"+class)
	}
	return lines
}

// Pairs parses lines as the model package would (lower-cased inputs),
// each named synth:N.
func Pairs(lines []string) []model.Pair {
	var pairs []model.Pair
	for i, l := range lines {
		in, resp, _ := strings.Cut(l, "|")
		pairs = append(pairs, model.Pair{Input: strings.ToLower(in), Response: resp, File: "synth", Line: i + 1})
	}
	return pairs
}
