package gen

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"z80ulm/emu"
	"z80ulm/model"
)

// The game, run in the emulator against the real GUESS.COM and .MDL files
// of random models that answer YES, NO, MAYBE or WIN.

var guessReplies = []string{"MAYBE", "NO", "WIN", "YES"}

// secretModel returns a random model for a secret whose answer to
// "is it a <other>" is NO for every other name given; with others, it also
// has a question for each of its replies.
func secretModel(t *testing.T, secret, names string, others ...string) *model.Model {
	t.Helper()
	for seed := uint64(1); seed < 500; seed++ {
		rng := rand.New(rand.NewPCG(seed, uint64(len(secret))))
		m := model.Random(rng, " ABEIMNOSWY", []int{48, 24}, 0.3)
		m.Replies = guessReplies
		m.Meta["secret"], m.Meta["names"] = secret, names
		ok := true
		for _, o := range others {
			ok = ok && m.Generate("is it a "+o) == "NO"
		}
		for _, r := range guessReplies {
			ok = ok && (len(others) == 0 || asking(m, r) != "")
		}
		if ok {
			return m
		}
	}
	t.Fatalf("no model for %s", secret)
	return nil
}

// asking returns a question m answers with reply ("" if none is found).
func asking(m *model.Model, reply string) string {
	rng := rand.New(rand.NewPCG(uint64(len(reply)), 5))
	words := strings.Fields("is it does have can you eat big small red alive fly swim live water a an the of in it")
	for i := 0; i < 400; i++ {
		var q []string
		for k := 0; k < 2+rng.IntN(5); k++ {
			q = append(q, words[rng.IntN(len(words))])
		}
		s := strings.Join(q, " ")
		if m.Generate(s) == reply && !GiveUp(s) && !strings.HasPrefix(s, "is it a ") && !strings.HasPrefix(s, "it is ") {
			return s
		}
	}
	return ""
}

type secretsDisk struct {
	com    []byte
	models map[string]*model.Model
	files  fstest.MapFS
}

var disk3 *secretsDisk

// threeSecrets packs ELEPHANT, PENGUIN and CAT with GUESS.COM.
func threeSecrets(t *testing.T) *secretsDisk {
	t.Helper()
	if disk3 != nil {
		return disk3
	}
	d := &secretsDisk{models: map[string]*model.Model{}, files: fstest.MapFS{}}
	d.models["ELEPHANT"] = secretModel(t, "ELEPHANT", "elephant|an elephant|elephants", "penguin", "cat")
	d.models["PENGUIN"] = secretModel(t, "PENGUIN", "penguin|a penguin|penguins")
	d.models["CAT"] = secretModel(t, "CAT", "cat|a cat|cats|kitten")
	for name, m := range d.models {
		f, err := PackMDL(m, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name != name {
			t.Fatalf("packed %s as %s", name, f.Name)
		}
		d.files[name+".MDL"] = &fstest.MapFile{Data: f.Bytes}
	}
	r, err := Build(nil, Options{Program: Guess{}})
	if err != nil {
		t.Fatal(err)
	}
	d.com = r.COM
	disk3 = d
	return d
}

func (d *secretsDisk) with(name string, data []byte) fstest.MapFS {
	fs := fstest.MapFS{}
	for k, v := range d.files {
		fs[k] = v
	}
	if data == nil {
		delete(fs, name)
	} else {
		fs[name] = &fstest.MapFile{Data: data}
	}
	return fs
}

func run(t *testing.T, com []byte, files fstest.MapFS, tail string, lines ...string) (string, emu.Result) {
	t.Helper()
	in := ""
	if len(lines) > 0 {
		in = strings.Join(lines, "\r") + "\r"
	}
	res, err := emu.RunCOM(com, emu.RunOptions{Tail: tail, Input: in, Files: files, MaxTStates: uint64(len(lines)+2) * 3e8})
	if err != nil || res.Fault != nil {
		t.Fatalf("run: %v %v\n%s", err, res.Fault, res.Output)
	}
	return string(res.Output), res
}

func mustContain(t *testing.T, out string, parts ...string) {
	t.Helper()
	at := 0
	for _, p := range parts {
		i := strings.Index(out[at:], p)
		if i < 0 {
			t.Fatalf("output lacks %q after offset %d:\n%s", p, at, out)
		}
		at += i + len(p)
	}
}

func TestGuessTail(t *testing.T) {
	d := threeSecrets(t)
	el, pe := d.models["ELEPHANT"], d.models["PENGUIN"]
	for _, q := range []string{asking(el, "YES"), asking(el, "NO"), asking(el, "WIN"), "XYZZY", "A"} {
		out, res := run(t, d.com, d.files, " "+strings.ToUpper(q))
		if want := el.Generate(strings.ToUpper(q)); out != want || res.Reason != emu.ReasonExit {
			t.Errorf("GUESS %s: %q (%s), want ELEPHANT's %q", q, out, res.Reason, want)
		}
		out, _ = run(t, d.com, d.files, " @PENGUIN "+strings.ToUpper(q))
		if want := pe.Generate(strings.ToUpper(q)); out != want {
			t.Errorf("GUESS @PENGUIN %s: %q, want %q", q, out, want)
		}
	}
	out, res := run(t, d.com, d.files, " @GIRAFFE IS IT BIG")
	if res.Reason != emu.ReasonExit {
		t.Errorf("unknown name: %s", res.Reason)
	}
	mustContain(t, out, "NO SUCH SECRET. THE SECRETS ARE:\r\n")
	for n := range d.models {
		mustContain(t, out, n+" ")
	}
	// every tail length up to what the CCP passes (126 after its space)
	rng := rand.New(rand.NewPCG(7, 7))
	for n := 1; n <= 126; n += 1 + rng.IntN(9) {
		b := make([]byte, n)
		for i := range b {
			b[i] = "ABEIMNOSTWY ?"[rng.IntN(13)]
		}
		b[0] = 'I'
		q := string(b)
		out, res := run(t, d.com, d.files, " "+q)
		if want := el.Generate(q); out != want || res.Reason != emu.ReasonExit {
			t.Errorf("tail of %d: %q (%s), want %q", n, out, res.Reason, want)
		}
	}
	// without ELEPHANT.MDL the first secret is the first file in directory order
	out, _ = run(t, d.com, d.with("ELEPHANT.MDL", nil), " IS IT BIG")
	if want := d.models["CAT"].Generate("IS IT BIG"); out != want {
		t.Errorf("no ELEPHANT: %q, want CAT's %q", out, want)
	}
}

func TestGuessGame(t *testing.T) {
	d := threeSecrets(t)
	el := d.models["ELEPHANT"]
	yes, no, maybe, win := asking(el, "YES"), asking(el, "NO"), asking(el, "MAYBE"), asking(el, "WIN")
	long := strings.Repeat(no+" ", 2000/len(no))
	lines := []string{yes, "", no, "   ", "?", // reveal, new game
		maybe, win, // WIN in 2
		"is it a penguin", "i give up", // NO, IT IS NOT A PENGUIN; give up
		long, yes, // a 2000-character line costs one question
		"?",
	}
	for i := 0; i < 20; i++ { // a whole game without a WIN
		lines = append(lines, no)
	}
	lines = append(lines, "!", yes)
	out, res := run(t, d.com, d.files, " @ELEPHANT", lines...)
	if res.Reason != emu.ReasonExit {
		t.Fatalf("ended with %s:\n%s", res.Reason, out)
	}
	answer := func(q string) string { return el.Generate(q) }
	mustContain(t, out,
		"I AM THINKING OF SOMETHING. ASK ME UP TO 20 YES/NO QUESTIONS,\r\nTHEN GUESS WHAT IT IS. TYPE ? TO GIVE UP AND SEE IT, ! TO QUIT.\r\n",
		"> "+yes+"\r\r\nYES\r\n19 QUESTIONS LEFT.\r\n> \r\r\n\r\n> "+no+"\r\r\nNO\r\n18 QUESTIONS LEFT.",
		"\r\n>    \r\r\n"+answer("   ")+"\r\n17 QUESTIONS LEFT.", // spaces: a question (the empty one)
		"> ?\r\r\nIT WAS AN ELEPHANT.\r\nNEW GAME: ASK AWAY.\r\n> "+maybe+"\r\r\nMAYBE\r\n19 QUESTIONS LEFT.",
		"> "+win+"\r\r\nWIN\r\nYOU GOT IT IN 2 QUESTIONS!\r\nNEW GAME: ASK AWAY.",
		"> is it a penguin\r\r\nNO\r\nIT IS NOT A PENGUIN. 19 QUESTIONS LEFT.",
		"> i give up\r\r\nIT WAS AN ELEPHANT.\r\nNEW GAME: ASK AWAY.",
		"\r\n"+answer(long[:LineMax])+"\r\n19 QUESTIONS LEFT.\r\n> "+yes+"\r\r\nYES\r\n18 QUESTIONS LEFT.",
		"NO\r\n1 QUESTION LEFT.", "NO\r\nNO MORE QUESTIONS. IT WAS AN ELEPHANT.\r\nNEW GAME: ASK AWAY.\r\n> !")
	if strings.Contains(out, "> "+yes+"\r\r\nYES\r\n19 QUESTIONS LEFT.\r\n> !") || strings.HasSuffix(out, "LEFT.") {
		t.Error("read on after !")
	}
	if n := strings.Count(out, "\r\n> "); n != len(lines)-1 {
		t.Errorf("%d prompts for %d lines: the long line was read as more than one", n, len(lines)-1)
	}
	// one question is singular
	out, _ = run(t, d.com, d.files, " @ELEPHANT", win)
	mustContain(t, out, "WIN\r\nYOU GOT IT IN 1 QUESTION!")
}

var revealed = regexp.MustCompile(`IT WAS (AN? )?([A-Z]+)\.`)

func TestGuessNewSecretEachGame(t *testing.T) {
	d := threeSecrets(t)
	var lines []string
	for i := 0; i < 40; i++ {
		lines = append(lines, "?")
	}
	out, _ := run(t, d.com, d.files, "", lines...)
	var seq []string
	for _, m := range revealed.FindAllStringSubmatch(out, -1) {
		seq = append(seq, m[2])
	}
	if len(seq) != len(lines) {
		t.Fatalf("%d reveals for %d give-ups:\n%s", len(seq), len(lines), out)
	}
	seen := map[string]int{}
	for i, s := range seq {
		seen[s]++
		if i > 0 && s == seq[i-1] {
			t.Errorf("game %d: %s twice in a row: %v", i+1, s, seq)
		}
	}
	for n := range d.models {
		if seen[n] < len(lines)/6 {
			t.Errorf("%s played %d times in %d games: %v", n, seen[n], len(lines), seq)
		}
	}
	// the scripted machine is deterministic: the same lines, the same games
	again, _ := run(t, d.com, d.files, "", lines...)
	if again != out {
		t.Error("two runs of the same script differ")
	}
	// the player's lines stir the choice: other lines, other games
	other := append([]string{"xyz"}, lines...)
	out2, _ := run(t, d.com, d.files, "", other...)
	var seq2 []string
	for _, m := range revealed.FindAllStringSubmatch(out2, -1) {
		seq2 = append(seq2, m[2])
	}
	if fmt.Sprint(seq2) == fmt.Sprint(seq) {
		t.Errorf("another first line gives the same secrets: %v", seq)
	}
	// the answers are the secret's: play each game's first question
	q := ""
	for _, c := range []string{"is it big", "can you eat it", "does it fly", "is it alive", "xyzzy", "a b c"} {
		if d.models["ELEPHANT"].Generate(c) != "WIN" && d.models["PENGUIN"].Generate(c) != "WIN" && d.models["CAT"].Generate(c) != "WIN" {
			q = c // no WIN: each game ends with the reveal
		}
	}
	var script []string
	for i := 0; i < 12; i++ {
		script = append(script, q, "?")
	}
	out, _ = run(t, d.com, d.files, "", script...)
	games := strings.Split(out, "NEW GAME")
	for _, g := range games[:len(games)-1] {
		m := revealed.FindStringSubmatch(g)
		if m == nil {
			t.Fatalf("no reveal in %q", g)
		}
		want := d.models[m[2]].Generate(q)
		if !strings.Contains(g, "> "+q+"\r\r\n"+want+"\r\n") {
			t.Errorf("game of %s: %q, want the answer %q", m[2], g, want)
		}
	}
}

func TestGuessBadFiles(t *testing.T) {
	d := threeSecrets(t)
	good := d.files["ELEPHANT.MDL"].Data
	flip := func(at int) []byte {
		b := append([]byte(nil), good...)
		b[at] ^= 0x20
		return b
	}
	big := append([]byte(nil), good...)
	big[mdRecords], big[mdRecords+1] = 0x80, 0x01 // 384 records: past the BDOS
	version := append([]byte(nil), good...)
	version[mdVersion]++
	cases := []struct {
		name string
		data []byte
		msg  string
	}{
		{"truncated", good[:len(good)-128], "IS TRUNCATED"},
		{"half", good[:len(good)/2&^127], "IS TRUNCATED"},
		{"empty", []byte{}, "IS TRUNCATED"},
		{"longer", append(append([]byte(nil), good...), make([]byte, 128)...), "IS LONGER THAN ITS HEADER SAYS"},
		{"flipped byte", flip(len(good) / 2), "IS CORRUPTED (WRONG CHECKSUM)"},
		{"flipped name", flip(mdStrings + 1), "IS CORRUPTED (WRONG CHECKSUM)"},
		{"another engine", version, "WAS MADE FOR ANOTHER VERSION OF GUESS"},
		{"not a model", []byte(strings.Repeat("hello world, not a model\r\n", 40)), "IS NOT A GUESS MODEL FILE"},
		{"too big", big, "DOES NOT FIT IN MEMORY"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := d.with("ELEPHANT.MDL", c.data)
			msg := "ELEPHANT.MDL " + c.msg + "."
			// command-tail mode: says so and returns to CP/M
			out, res := run(t, d.com, fs, " IS IT BIG")
			if out != msg+"\r\n" || res.Reason != emu.ReasonExit {
				t.Errorf("tail: %q (%s), want %q", out, res.Reason, msg)
			}
			out, _ = run(t, d.com, fs, " @PENGUIN IS IT BIG")
			if want := d.models["PENGUIN"].Generate("IS IT BIG"); out != want {
				t.Errorf("another secret's tail: %q, want %q", out, want)
			}
			// chat mode: says so once, goes on with the others
			var lines []string
			for i := 0; i < 12; i++ {
				lines = append(lines, "?")
			}
			out, _ = run(t, d.com, fs, "", lines...)
			if strings.Count(out, msg) != 1 || !strings.Contains(out, "> ?\r\r\n"+msg+"\r\nPLAYING ANOTHER SECRET.\r\nIT WAS ") {
				t.Errorf("chat: the message %q is not there once:\n%s", msg, out)
			}
			if strings.Contains(out, "ELEPHANT.\r") || strings.Count(out, "IT WAS") != len(lines) {
				t.Errorf("chat: the bad secret was played, or a game was lost:\n%s", out)
			}
		})
	}
	// every file bad: the game cannot go on
	fs := fstest.MapFS{"ELEPHANT.MDL": {Data: good[:500]}}
	out, res := run(t, d.com, fs, "", "?")
	if !strings.Contains(out, "ELEPHANT.MDL IS TRUNCATED.\r\nPLAYING ANOTHER SECRET.\r\nNO SECRETS") || res.Reason != emu.ReasonExit {
		t.Errorf("no good file: %q (%s)", out, res.Reason)
	}
	out, _ = run(t, d.com, fstest.MapFS{}, "")
	if out != "NO SECRETS: GUESS PLAYS THE .MDL FILES ON ITS DISK.\r\n" {
		t.Errorf("empty disk: %q", out)
	}
}

// The standalone program plays exactly like GUESS.COM with that one file.
func TestGuessStandalone(t *testing.T) {
	d := threeSecrets(t)
	el := d.models["ELEPHANT"]
	r, err := Build(el, Options{Program: Guess{}})
	if err != nil {
		t.Fatal(err)
	}
	if r.End > DefaultTPATop || 0x100+len(r.COM) != r.End {
		t.Errorf("standalone: %d bytes, memory to %04X", len(r.COM), r.End)
	}
	one := fstest.MapFS{"ELEPHANT.MDL": d.files["ELEPHANT.MDL"]}
	lines := []string{asking(el, "YES"), "?", asking(el, "WIN"), "", "is it a penguin", "i give up", "!"}
	a, _ := run(t, r.COM, nil, "", lines...)
	b, _ := run(t, d.com, one, "", lines...)
	if a != b {
		t.Errorf("standalone:\n%s\nGUESS.COM with ELEPHANT.MDL:\n%s", a, b)
	}
	// A real CCP loads a file only below itself, 2 KB under the BDOS: with
	// the TPA just above this program, the model packs more of its parts so
	// that the file ends below the CCP, and plays the same; with no room for
	// even the packed model, the program is refused.
	top := r.End + 0x100
	tight, err := Build(el, Options{Program: Guess{}, TPATop: top})
	if err != nil {
		t.Fatalf("standalone below the CCP: %v", err)
	}
	if end := 0x100 + len(tight.COM); end > ccpBase(top) || tight.Variant == r.Variant {
		t.Errorf("standalone below the CCP: file ends at %04X (CCP at %04X), layout %s (roomy: %s)", end, ccpBase(top), tight.Variant, r.Variant)
	}
	if a, _ := run(t, tight.COM, nil, "", lines...); a != b {
		t.Errorf("packed standalone:\n%s\nGUESS.COM with ELEPHANT.MDL:\n%s", a, b)
	}
	if _, err := Build(el, Options{Program: Guess{}, TPATop: MDLBase + 0x806 + 0x100}); err == nil || !strings.Contains(err.Error(), "every layer packed") {
		t.Errorf("standalone with no room below the CCP: %v", err)
	}
	for _, tail := range []string{" IS IT BIG", " @ELEPHANT " + strings.ToUpper(asking(el, "WIN")), " @CAT X"} {
		a, _ := run(t, r.COM, nil, tail)
		b, _ := run(t, d.com, one, tail)
		if a != b {
			t.Errorf("tail %q: standalone %q, GUESS.COM %q", tail, a, b)
		}
	}
}

// checkMDL is the Go side of GUESS's checks of a model file, in its order:
// the message GUESS prints for data as ELEPHANT.MDL, "" when it loads.
// CP/M reads whole records: a partial last one comes padded with ^Z.
func checkMDL(data []byte, version int) string {
	msg := func(s string) string { return "ELEPHANT.MDL " + s + ".\r\n" }
	if n := len(data) % 128; n != 0 {
		data = append(append([]byte(nil), data...), bytes.Repeat([]byte{0x1A}, 128-n)...)
	}
	switch {
	case len(data) < 128:
		return msg("IS TRUNCATED")
	case string(data[:6]) != mdlMagic:
		return msg("IS NOT A GUESS MODEL FILE")
	case int(data[6])|int(data[7])<<8 != version:
		return msg("WAS MADE FOR ANOTHER VERSION OF GUESS")
	}
	records := int(data[8]) | int(data[9])<<8
	switch {
	case records < 2:
		return msg("IS NOT A GUESS MODEL FILE")
	case records >= (0x10000-MDLBase)/128 || MDLBase+128*records > DefaultTPATop:
		return msg("DOES NOT FIT IN MEMORY")
	case len(data)/128 < records:
		return msg("IS TRUNCATED")
	case len(data)/128 > records:
		return msg("IS LONGER THAN ITS HEADER SAYS")
	}
	if s1, s2 := fletcher(data); s1 != 0 || s2 != 0 {
		return msg("IS CORRUPTED (WRONG CHECKSUM)")
	}
	return ""
}

// FuzzMDL: GUESS.COM reads any bytes as ELEPHANT.MDL without faulting or
// hanging, and says exactly what is wrong with them (checkMDL); bytes that
// pass every check are a model it plays.
func FuzzMDL(f *testing.F) {
	rng := rand.New(rand.NewPCG(3, 3))
	m := model.Random(rng, "EINOSWY", []int{8}, 0.4)
	m.QueryBuckets, m.ContextBuckets = 16, 8
	m.Layers[0] = model.Layer{In: 24, Out: 8, W: m.Layers[0].W[:24*8], B: m.Layers[0].B, Shift: 2}
	m.Replies = []string{"NO", "WIN", "YES"}
	m.Meta["secret"] = "ELEPHANT"
	if err := m.Validate(); err != nil {
		f.Fatal(err)
	}
	good, err := PackMDL(m, "", 0)
	if err != nil {
		f.Fatal(err)
	}
	eng, err := guessEngine()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes)
	f.Add(good.Bytes[:200])
	f.Add([]byte("Z80MDL"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return
		}
		want := checkMDL(data, eng.version)
		if want == "" {
			if !bytes.Equal(data, good.Bytes) { // (a checksum is no cryptographic hash)
				t.Skip("another file that passes every check: GUESS plays it as it is")
			}
			want = m.Generate("IS IT BIG")
		}
		files := fstest.MapFS{"ELEPHANT.MDL": {Data: data}}
		res, err := emu.RunCOM(eng.res.COM, emu.RunOptions{Tail: " IS IT BIG", Files: files, MaxTStates: 2e8})
		if err != nil || res.Fault != nil || res.Reason != emu.ReasonExit {
			t.Fatalf("%v %v %s: %q", err, res.Fault, res.Reason, res.Output)
		}
		if string(res.Output) != want {
			t.Errorf("GUESS says %q, want %q", res.Output, want)
		}
	})
}
