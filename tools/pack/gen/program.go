package gen

import "z80ulm/model"

// Program is one kind of CP/M program the packer writes; tools/pack picks
// it by name from a table (docs/DESIGN.md, "4. The packer and its engines").
type Program interface {
	Name() string
	build(m *model.Model, opt Options) (*Result, error)
}

// Chat is the plain shell around one model: chat mode (prompt, line,
// reply; an empty line re-prompts, ! quits) and command-tail mode (prints
// only the reply). CHAT.COM is this program.
type Chat struct{}

func (Chat) Name() string { return "chat" }

func (Chat) build(m *model.Model, opt Options) (*Result, error) { return buildChat(m, opt) }

// Guess is the 20-questions game (guess.go). Without a model it is
// GUESS.COM, which plays the secrets it finds as .MDL files on the disk;
// with one it is the standalone program, the same game with that model
// inside its image. Secret, when set, overrides the model's "secret"
// metadata (for a model without it, such as an anchor .npz); Questions is
// the number of questions per game (default 20).
type Guess struct {
	Secret    string
	Questions int
}

func (Guess) Name() string { return "guess" }

func (p Guess) build(m *model.Model, opt Options) (*Result, error) {
	if m == nil {
		return buildGuess(nil, p, opt)
	}
	if err := Check(m); err != nil {
		return nil, err
	}
	return buildGuess(m, p, opt)
}

func (p Guess) questions() int {
	if p.Questions <= 0 {
		return 20
	}
	return p.Questions
}
