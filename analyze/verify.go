package analyze

// Verify is how to check that a fix worked: one shell command, quoted so
// that bash and zsh both run it, and what it shows once the chain is gone.
// It fails (or shows otherwise) on the broken cluster.
type Verify struct {
	// Command is one shell command line.
	Command string `json:"command"`
	// Expect is the output or exit status that means "fixed".
	Expect string `json:"expect"`
}

// IsZero reports whether v says nothing.
func (v Verify) IsZero() bool { return v.Command == "" && v.Expect == "" }
